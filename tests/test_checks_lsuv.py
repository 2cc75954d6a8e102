import numpy as np

from lessonlib import checks, lsuv, solutions


def test_reference_and_library_pass():
    assert checks.check_lsuv_rescale(solutions.lsuv_rescale)
    assert str(checks.check_lsuv_rescale(lsuv.rescale)).startswith("Correct")


def test_unfinished_exercise_is_reported_not_raised():
    def todo(W, A):
        raise NotImplementedError

    verdict = checks.check_lsuv_rescale(todo)
    assert not verdict and str(verdict).startswith("Not yet") and "NotImplementedError" in str(verdict)


def test_wrong_answers_are_rejected_with_hints():
    cases = {
        "divide by its square root": lambda W, A: W / np.var(A @ W),
        "multiplied": lambda W, A: W * np.std(A @ W),
        "not of the weights": lambda W, A: W / np.std(W),
        "not of its input": lambda W, A: W / np.std(A),
        "mean of its square": lambda W, A: W / np.sqrt(np.mean((A @ W) ** 2)),
        "W times one positive number": lambda W, A: np.random.default_rng(0).normal(size=W.shape),
        "shape of W": lambda W, A: (W / np.std(A @ W)).T,
        "ZeroDivisionError": lambda W, A: 1 / 0,
    }
    for expected, func in cases.items():
        verdict = checks.check_lsuv_rescale(func)
        assert not verdict, expected
        assert expected in str(verdict), (expected, str(verdict))
    assert not checks.check_lsuv_rescale(lambda W, A: W)  # unchanged W: variance not 1
    assert not checks.check_lsuv_rescale(lambda W, A: -W / np.std(A @ W))  # sign flipped
