
import numpy as np
import pytest

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
