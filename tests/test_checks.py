import numpy as np

from lessonlib import checks, solutions


def test_solution_passes_and_verdict_reads_well():
    verdict = checks.check_small_random_init(solutions.small_random_init)
    assert verdict
    assert str(verdict).startswith("Correct")


def test_unfinished_exercise_is_reported_not_raised():
    def todo(fan_in, fan_out, seed):
        raise NotImplementedError

    verdict = checks.check_small_random_init(todo)
    assert not verdict and "NotImplementedError" in str(verdict)


def test_common_mistakes_are_caught():
    variance_as_std = lambda i, o, s: np.random.default_rng(s).normal(0, 1e-4, (i, o))  # noqa: E731
    assert "did you square it" in str(checks.check_small_random_init(variance_as_std))
    unseeded = lambda i, o, s: np.random.default_rng().normal(0, 0.01, (i, o))  # noqa: E731
    assert "same seed" in str(checks.check_small_random_init(unseeded))
    wrong_shape = lambda i, o, s: np.random.default_rng(s).normal(0, 0.01, (o, i))  # noqa: E731
    assert "shape (300, 200)" in str(checks.check_small_random_init(wrong_shape))
    zeros = lambda i, o, s: np.zeros((i, o))  # noqa: E731
    assert not checks.check_small_random_init(zeros)
    crashing = lambda i, o, s: 1 / 0  # noqa: E731
    assert "ZeroDivisionError" in str(checks.check_small_random_init(crashing))


def test_environment_check_passes_here_and_prints_no_versions():
    verdict = checks.check_environment()
    assert verdict
    assert not any(ch.isdigit() for ch in str(verdict))
