"""Tests for lessonlib.checks: every exercise check passes its reference solution (and the
library's own answer), names the usual slips, and reports an unfinished exercise."""

import numpy as np
import pytest

from lessonlib import checks, lsuv, solutions
from lessonlib.nn import MLP


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


# --- the exercise checks ----------------------------------------------------------------


def test_reference_solutions_pass():
    assert checks.check_xavier_init(solutions.xavier_init)
    assert checks.check_he_init(solutions.he_init)


def test_glorot_normal_also_passes_the_xavier_check():
    def glorot_normal(fan_in, fan_out, seed):
        return np.random.default_rng(seed).normal(0, np.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))

    assert checks.check_xavier_init(glorot_normal)


def _normal(variance_of):
    def func(fan_in, fan_out, seed):
        return np.random.default_rng(seed).normal(0.0, np.sqrt(variance_of(fan_in, fan_out)), (fan_in, fan_out))

    return func


@pytest.mark.parametrize(
    "check, func, hint",
    [
        (checks.check_xavier_init, _normal(lambda i, o: 1 / i), "LeCun"),  # the slide's "Xavier"
        (checks.check_xavier_init, _normal(lambda i, o: 2 / i), "He's"),
        (checks.check_he_init, _normal(lambda i, o: 2 / o), "wrong fan"),
        (checks.check_he_init, _normal(lambda i, o: 1 / i), "LeCun"),
        (checks.check_he_init, _normal(lambda i, o: (2 / i) ** 2), "square root"),  # std := variance
        (checks.check_xavier_init, _normal(lambda i, o: (2 / (i + o)) ** 2), "square root"),
        (checks.check_he_init, lambda i, o, s: np.random.default_rng(s).normal(0, np.sqrt(2 / i), (o, i)), "shape"),
        (checks.check_he_init, lambda i, o, s: np.random.default_rng().normal(0, np.sqrt(2 / i), (i, o)), "same seed"),
        (checks.check_he_init, lambda i, o, s: np.full((i, o), 0.1) + np.random.default_rng(s).normal(0, np.sqrt(2 / i), (i, o)), "mean"),
    ],
)
def test_wrong_answers_are_rejected_with_a_reason(check, func, hint):
    verdict = check(func)
    assert not verdict
    assert hint in str(verdict)


def test_unfinished_exercise_says_not_yet():
    def todo(fan_in, fan_out, seed):
        raise NotImplementedError

    verdict = checks.check_he_init(todo)
    assert not verdict and str(verdict).startswith("Not yet") and "NotImplementedError" in str(verdict)


# --- notebook 02: p(h | v) -------------------------------------------------------------


def test_hidden_probabilities_check():
    from lessonlib import checks, solutions

    assert checks.check_hidden_probabilities(solutions.hidden_probabilities)

    def no_bias(V, W, c):
        return 1 / (1 + np.exp(-(V @ W)))

    def flipped(V, W, c):
        return 1 / (1 + np.exp(V @ W + c))

    def sampled(V, W, c):
        return (V @ W + c > 0).astype(float)

    def todo(V, W, c):
        raise NotImplementedError

    for wrong, hint in [(no_bias, "bias"), (flipped, "sign"), (sampled, "probabilities"), (todo, "TODO")]:
        verdict = checks.check_hidden_probabilities(wrong)
        assert not verdict and hint in str(verdict)


# --- notebook 03: unroll a pre-trained stack ----------------------------------------------


def test_unroll_check_passes_the_reference_and_the_library():
    from lessonlib import checks, solutions

    assert checks.check_unroll(solutions.unroll)
    assert str(checks.check_unroll(solutions.unroll)).startswith("Correct")
    assert checks.check_unroll(lambda dbn, n, seed: dbn.to_mlp(n, seed=seed))


def test_unroll_check_names_the_usual_slips():
    from lessonlib import checks

    def todo(dbn, n_classes, seed):
        raise NotImplementedError

    def build(dbn, n_classes, seed, weight=None, bias=None, copy=True, output_init="glorot_uniform"):
        net = MLP([*dbn.layer_sizes, n_classes], activation="sigmoid", init=output_init, seed=seed)
        for layer, model in enumerate(dbn.rbms):
            W = weight(model) if weight else model.W
            c = bias(model) if bias else model.hidden_bias
            net.weights[layer] = W.copy() if copy else W
            net.biases[layer] = c.copy() if copy else c
        return net

    verdict = checks.check_unroll(todo)
    assert not verdict and "NotImplementedError" in str(verdict)
    assert "visible bias" in str(checks.check_unroll(lambda d, n, s: build(d, n, s, bias=lambda m: m.visible_bias)))
    assert "transposed" in str(checks.check_unroll(lambda d, n, s: build(d, n, s, weight=lambda m: m.W.T)))
    assert ".copy()" in str(checks.check_unroll(lambda d, n, s: build(d, n, s, copy=False)))
    assert "all zeros" in str(checks.check_unroll(lambda d, n, s: build(d, n, s, output_init="zeros")))
    assert "sizes" in str(checks.check_unroll(lambda d, n, s: MLP([6, 3], seed=s)))
    assert "expected an MLP" in str(checks.check_unroll(lambda d, n, s: "a network"))
    relu = lambda d, n, s: d.to_mlp(n, activation="relu", seed=s)  # noqa: E731
    assert "sigmoid" in str(checks.check_unroll(relu))
    unseeded = lambda d, n, s: d.to_mlp(n, seed=int(np.random.default_rng().integers(1000)))  # noqa: E731
    assert "same seed" in str(checks.check_unroll(unseeded))


# --- notebook 05: LSUV's rescaling step ----------------------------------------------------


def test_lsuv_rescale_check_passes_the_reference_and_the_library():
    assert checks.check_lsuv_rescale(solutions.lsuv_rescale)
    assert str(checks.check_lsuv_rescale(lsuv.rescale)).startswith("Correct")


def test_lsuv_rescale_unfinished_exercise_is_reported_not_raised():
    def todo(W, A):
        raise NotImplementedError

    verdict = checks.check_lsuv_rescale(todo)
    assert not verdict and str(verdict).startswith("Not yet") and "NotImplementedError" in str(verdict)


def test_lsuv_rescale_wrong_answers_are_rejected_with_hints():
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


def test_an_array_answer_is_named_on_one_line():
    verdict = checks.check_initial_loss(lambda c: np.full((400, 100), np.nan))
    assert not verdict and len(verdict.failures) == 1
    (hint,) = verdict.failures
    assert "\n" not in hint and hint.startswith("for n_classes = 2 it returned array([[nan, nan, nan, ...")
    assert hint.endswith(" ...: return one number, e.g. a float")
    assert "it returned 'abc': return one number" in str(checks.check_initial_loss(lambda c: "abc"))
