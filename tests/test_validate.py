"""Tests for lessonlib._validate: what each checker accepts, returns and refuses."""

import numpy as np
import pytest

from lessonlib import _validate
from lessonlib._validate import InputTypeError


def test_input_type_error_is_both_kinds():
    assert issubclass(InputTypeError, TypeError) and issubclass(InputTypeError, ValueError)
    with pytest.raises(TypeError, match="n must be a positive integer"):
        _validate.positive_int("3", "n")


def test_numbers():
    assert _validate.integer(np.int64(3), "n", low=1) == 3
    assert type(_validate.integer(np.int64(3), "n")) is int
    assert _validate.real(2, "x") == 2.0
    assert np.isnan(_validate.real(float("nan"), "x", finite=False))
    with pytest.raises(ValueError, match="from 1 to 6"):
        _validate.integer(7, "n", low=1, high=6)
    with pytest.raises(ValueError, match="x must be < 1"):
        _validate.real(1.0, "x", high=1.0, high_open=True)
    with pytest.raises(ValueError, match="positive number"):
        _validate.positive(0.0, "lr")
    with pytest.raises(ValueError, match="at most 1e\\+150"):
        _validate.scale(1e200, "gain")


def test_seed_flag_choice_and_options():
    rng = np.random.default_rng(0)
    assert _validate.seed(rng) is rng and _validate.seed(4) == 4
    assert _validate.flag(np.bool_(True), "f") is True
    assert _validate.choice(1.0, "std", (0.0, 1.0)) == 1.0
    with pytest.raises(ValueError, match="unknown std True"):
        _validate.choice(True, "std", (1, 2))  # True is not the option 1
    with pytest.raises(ValueError, match="unknown option\\(s\\) 'sdt'; it takes 'std'"):
        _validate.options({"sdt": 1}, lambda fan_in, std=0.1: None, "normal", skip=("fan_in",))
    assert _validate.one_or_each(3, "lr", 2) == [3, 3]


def test_arrays():
    X = _validate.array([[0, 1]], "X", shape=(None, 2), binary=True)
    assert X.dtype == np.float64 and X.shape == (1, 2)
    with pytest.raises(ValueError, match=r"X\[None, :\]"):
        _validate.array(np.zeros(2), "X", shape=(None, 2))
    with pytest.raises(ValueError, match="binary"):
        _validate.array([[0.5, 1]], "X", binary=True)
    with pytest.raises(ValueError, match="finite"):
        _validate.array([np.nan], "X")
    assert _validate.array([np.inf], "z", finite=False)[0] == np.inf
    with pytest.raises(InputTypeError, match="ragged"):
        _validate.array([[1.0], [1.0, 2.0]], "X")
    assert _validate.labels([1.0, 0.0], "y", None, None).dtype == np.int64
    with pytest.raises(ValueError, match="labels 0..1"):
        _validate.labels([0, 2], "y", 2, 2)
