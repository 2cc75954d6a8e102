"""The warm-up check of notebook 00: right answers pass, typical wrong ones get their hint,
and no answer makes the check raise."""

import math

import numpy as np
import pytest

from lessonlib import checks, solutions


def test_reference_solution_passes():
    verdict = checks.check_initial_loss(solutions.initial_loss)
    assert verdict
    assert str(verdict).startswith("Correct")


@pytest.mark.parametrize(
    "answer",
    [
        lambda c: math.log(c),
        lambda c: -math.log(1 / c),
        lambda c: np.log(c),  # a numpy scalar
        lambda c: np.array([np.log(c)]),  # one number in an array
        lambda c: float(np.log(np.full(c, 1 / c))[0] * -1),
    ],
)
def test_right_answers_in_other_forms_pass(answer):
    assert checks.check_initial_loss(answer)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (math.log10, "log base 10"),
        (lambda c: np.log10(c), "log base 10"),
        (math.log2, "log base 2"),
        (lambda c: math.log(1 / c), "the sign"),
        (lambda c: 1 / c, "probability of the right class"),
        (lambda c: c * math.log(c), "sums over all C classes"),
        (lambda c: math.log(c - 1), "p = 1/C"),
        (lambda c: 2.302585, "whatever n_classes is"),
        (lambda c: c, "expected ln C"),
    ],
)
def test_typical_wrong_answers_get_their_hint(answer, hint):
    verdict = checks.check_initial_loss(answer)
    assert not verdict
    assert hint in str(verdict)
    assert str(verdict).startswith("Not yet")


def _todo(c):
    raise NotImplementedError


def _broken(c):
    return 1 / 0


@pytest.mark.parametrize(
    "answer, hint",
    [
        (_todo, "NotImplementedError"),
        (_broken, "ZeroDivisionError"),
        (lambda c: None, "return one number"),
        (lambda c: "two", "return one number"),
        (lambda c: [1.0, 2.0], "return one number"),
        (lambda c: True, "return one number"),
        (lambda c: float("nan"), "finite"),
        (lambda c: math.inf, "finite"),
        (lambda: 1.0, "TypeError"),  # wrong signature
    ],
)
def test_never_raises_on_any_answer(answer, hint):
    verdict = checks.check_initial_loss(answer)
    assert not verdict
    assert hint in str(verdict)


def test_not_a_function_at_all_is_reported():
    verdict = checks.check_initial_loss(2.3026)
    assert not verdict and "expected a function, got float" in str(verdict)


def test_an_array_answer_is_quoted_on_one_short_line():
    verdict = checks.check_initial_loss(lambda c: np.full((400, 100), np.nan))
    assert not verdict
    (hint,) = verdict.failures
    assert "\n" not in hint and "array([[nan, nan" in hint and " ...:" in hint
    assert len(hint) < 140, hint
    short = checks.check_initial_loss(lambda c: [[1.0, 2.0], [3.0]])
    assert "returned [[1.0, 2.0], [3.0]]: return one number" in str(short)  # short answers in full
