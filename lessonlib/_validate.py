"""One door for checking inputs: every public function of lessonlib checks here.

Each checker takes the value and the *name of the parameter* and returns the value in a
clean form (an ``int``, a ``float``, a float64 array) or raises an error whose message
names the parameter, says what was expected and shows what came. So a learner never
meets a numpy-internal message, a silent clamp, a truncation or a NaN result.

Wrong types raise ``InputTypeError``, which is both a ``TypeError`` and a
``ValueError``: code that catches ``ValueError`` for every bad input keeps working.
Wrong values (out of range, wrong shape, NaN, an unknown name) raise ``ValueError``.

One checker per kind of input: numbers (``integer``, ``positive_int``, ``real``,
``positive``, ``scale``, ``slope``), a ``seed``, a ``flag``, names (``text``,
``choice``), options (``keywords``, ``options``), objects (``instance``, ``axes``,
``function``), lists (``sequence``, ``sequence_of_ints``, ``one_or_each``, ``arrays``)
and arrays (``array``, ``labels``). ``tests/test_bad_inputs.py`` drives every public
callable of lessonlib with bad inputs to keep it so.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


class InputTypeError(TypeError, ValueError):
    """A parameter of the wrong type (a string for a size, a float for a count, ...)."""


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value):
    return f"{_shown(value)} of type {type(value).__name__}"


def integer(value, name, low=None, high=None):
    """``value`` as an ``int`` in [low, high] (either bound may be None).

    Booleans, floats (also 2.0 and 2.7), strings and None are refused: a size or a count
    written as a float is usually a slip, and rounding it silently would hide it.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        word = {0: "a non-negative integer", 1: "a positive integer"}.get(low, "an integer")
        raise InputTypeError(f"{name} must be {word}, got {_kind(value)}")
    value = int(value)
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value}")
    if low is not None and value < low:
        word = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f"an integer >= {low}")
        raise ValueError(f"{name} must be {word}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be an integer <= {high}, got {value}")
    return value


def positive_int(value, name):
    """``value`` as an ``int`` >= 1."""
    return integer(value, name, low=1)


def real(value, name, low=None, high=None, low_open=False, high_open=False, finite=True):
    """``value`` as a finite ``float`` within the bounds (open bounds exclude the end).

    NaN and infinity are refused unless ``finite=False`` (a number to print, where NaN
    means "did not converge"), and so are booleans and strings.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name} must be a number, got {_kind(value)}")
    value = float(value)
    if not finite and not math.isfinite(value):
        return value
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value:g}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value:g}")
    return value


def positive(value, name):
    """``value`` as a finite ``float`` > 0."""
    value = real(value, name)
    if value <= 0.0:
        raise ValueError(f"{name} must be a positive number, got {value:g}")
    return value


#: Largest scale (a gain, a standard deviation, a limit) accepted: its square, a variance,
#: must still be a finite float64 (the largest is about 1.8e308).
MAX_SCALE = 1e150


def scale(value, name):
    """``value`` as a finite ``float`` in (0, MAX_SCALE]: a gain, a std or a limit.

    Larger values would overflow once squared into a variance (an OverflowError or an
    infinite weight), so they are refused here with the parameter's name.
    """
    value = positive(value, name)
    if value > MAX_SCALE:
        raise ValueError(f"{name} must be at most {MAX_SCALE:g} (its square, a variance, must stay finite), got {value:g}")
    return value


def slope(value, name="slope"):
    """The negative-side slope of a leaky ReLU, a ``float`` in [0, 1)."""
    return real(value, name, low=0.0, high=1.0, high_open=True)


def seed(value, name="seed"):
    """A seed: a non-negative ``int`` or a ``numpy.random.Generator`` (returned unchanged).

    None is refused: hidden global randomness would make the notebooks print different
    numbers on every run.
    """
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(f"{name} must be a non-negative integer or a numpy.random.Generator, got {_kind(value)}")
    return integer(value, name, low=0)


def instance(value, name, kind, what=None):
    """``value`` if it is an instance of ``kind`` (a class), else an ``InputTypeError``."""
    if not isinstance(value, kind):
        raise InputTypeError(f"{name} must be {what or 'a ' + kind.__name__}, got {_kind(value)}")
    return value


def flag(value, name):
    """``value`` as a ``bool`` (True/False only, not 0/1 or strings)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name} must be True or False, got {_kind(value)}")
    return bool(value)


def text(value, name):
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a string, got {_kind(value)}")
    return value


def choice(value, name, options):
    """``value`` if it is one of ``options``, else a ValueError listing them.

    When the options are strings (names), a value of another type is an
    ``InputTypeError``.
    """
    options = list(options)
    if all(isinstance(o, str) for o in options) and not isinstance(value, str):
        raise InputTypeError(f"{name} must be one of: {', '.join(map(str, options))}; got {_kind(value)}")
    if not any(_same(value, o) for o in options):
        raise ValueError(f"unknown {name} {value!r}; expected one of: {', '.join(map(str, options))}")
    return value


def _same(value, option):
    """``value == option`` for one option, without True matching 1 or arrays matching."""
    if value is option:
        return True
    if isinstance(value, (bool, np.bool_)) != isinstance(option, (bool, np.bool_)):
        return False
    try:
        return bool(value == option)
    except (TypeError, ValueError):  # an array compared elementwise
        return False


def axes(value, name="ax"):
    """``value`` if it is a matplotlib ``Axes`` (matplotlib is imported only here, when asked)."""
    from matplotlib.axes import Axes

    return instance(value, name, Axes, "a matplotlib Axes")


def keywords(given, accepted, what):
    """Refuse keyword options that ``what`` does not take (a typo like ``sdt=``)."""
    unknown = sorted(set(given) - set(accepted))
    if unknown:
        takes = ", ".join(map(repr, accepted)) if accepted else "no options"
        raise ValueError(f"{what} got unknown option(s) {', '.join(map(repr, unknown))}; it takes {takes}")


def options(given, function, what, skip=()):
    """Refuse options that ``function`` does not take: exactly its keyword parameters.

    ``skip`` names the parameters that are not options (e.g. fan_in, fan_out, rng).
    """
    import inspect

    accepted = [p for p in inspect.signature(function).parameters if p not in skip]
    keywords(given, accepted, what)
    return dict(given)


def one_or_each(value, name, n, each="layer"):
    """``[value] * n``, or ``list(value)`` when it is a list or tuple of exactly n values."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} must be one value or {n} values (one per {each}), got {len(value)}")
        return list(value)
    return [value] * n


def function(value, name, optional=False):
    """``value`` if it can be called (or None when ``optional``)."""
    if optional and value is None:
        return None
    if not callable(value):
        raise InputTypeError(f"{name} must be a function (a callable), got {_kind(value)}")
    return value


def sequence(value, name, check, length=None, min_length=0, what="values"):
    """A list from a list, tuple, range or array, each item checked by
    ``check(item, f"{name}[k]")`` (e.g. ``axes``); ``length`` asks for exactly that many."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise InputTypeError(f"{name} must be a list of {what}, got {_kind(value)}")
    items = list(np.ravel(np.asarray(value, dtype=object))) if isinstance(value, np.ndarray) else list(value)
    if length is not None and len(items) != length:
        raise ValueError(f"{name} must list exactly {length} {what}, got {len(items)}")
    if len(items) < min_length:
        raise ValueError(f"{name} must list at least {min_length} of {what}, got {len(items)}")
    return [check(item, f"{name}[{k}]") for k, item in enumerate(items)]


def sequence_of_ints(value, name, low=1, min_length=1, too_short=None, length=None):
    """A list of ints (each >= low) from a list, tuple or 1-D integer array.

    ``too_short`` replaces the message for a list shorter than ``min_length``; ``length``
    asks for exactly that many.
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise InputTypeError(f"{name} must be a list of integers, got {_kind(value)}")
    items = list(value)
    if length is not None and len(items) != length:
        raise ValueError(f"{name} must list exactly {length} integers, got {_shown(value)}")
    if len(items) < min_length:
        raise ValueError(too_short or f"{name} must list at least {min_length} value(s), got {_shown(value)}")
    return [integer(v, f"{name}[{k}]", low=low) for k, v in enumerate(items)]


def arrays(value, name, n=None, each="layer", ndim=None, min_length=0):
    """A list of arrays (one per layer, per run, ...), each as float64.

    ``n`` asks for exactly that many, ``min_length`` for at least that many, ``ndim``
    for that many dimensions each. Entries may hold NaN or infinity: such lists carry
    a pass through a network that may have overflowed, which the caller reports
    (``Propagation.finite``), or a run's curve.
    """
    if isinstance(value, (str, bytes, np.ndarray)) or not hasattr(value, "__len__"):
        raise InputTypeError(f"{name} must be a list of arrays (one per {each}), got {_kind(value)}")
    if n is not None and len(value) != n:
        raise ValueError(f"{name} must hold {n} arrays (one per {each}), got {len(value)}")
    if len(value) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} array(s) (one per {each}), got {len(value)}")
    return [array(v, f"{name}[{k}]", ndim=ndim, finite=False, allow_empty=True) for k, v in enumerate(value)]


def array(value, name, ndim=None, shape=None, low=None, high=None, binary=False, allow_empty=False,
          what=None, finite=True):
    """``value`` as a float64 ndarray, checked.

    Parameters
    ----------
    ndim : int, optional
        Required number of dimensions.
    shape : tuple, optional
        Required shape; ``None`` entries accept any length on that axis.
    low, high : float, optional
        Every entry must lie in [low, high].
    binary : bool
        Every entry must be 0 or 1.
    allow_empty : bool
        Accept an array with no entries (refused by default).
    what : str, optional
        Words for the shape in the message, e.g. "one row per digit, 64 pixels".
    finite : bool
        Refuse NaN and infinity (the default). Only elementwise maths that must carry
        a diverging run's infinities to the divergence test turns it off.

    NaN and infinity are refused unless ``finite=False``. The result is a new array or ``value`` itself
    when it already was a float64 array (callers that modify it copy first).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise InputTypeError(f"{name} must be an array of numbers, got {_kind(value)}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputTypeError(
            f"{name} must be an array of numbers (a ragged list or non-numbers cannot be one), "
            f"got {type(value).__name__}"
        ) from error
    expected = f" ({what})" if what else ""
    if ndim is not None and arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = f"; for a single example use {name}[None, :]"
        raise ValueError(f"{name} must be {ndim}-D{expected}, got shape {arr.shape}{hint}")
    if shape is not None and ndim is None and arr.ndim != len(shape):
        hint = f"; for a single example use {name}[None, :]" if len(shape) == 2 and arr.ndim == 1 else ""
        raise ValueError(f"{name} must be {len(shape)}-D{expected}, got shape {arr.shape}{hint}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            wanted = "(" + ", ".join(("n_samples" if k == 0 else "n") if s is None else str(s) for k, s in enumerate(shape)) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(f"{name} must have shape {wanted}{expected}, got {arr.shape}")
    if arr.size == 0 and not allow_empty:
        what_empty = "have at least one row" if arr.ndim == 2 else "not be empty"
        raise ValueError(f"{name} must {what_empty}, got shape {arr.shape}")
    if finite and arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    if arr.size and binary and not np.all((arr == 0.0) | (arr == 1.0)):
        raise ValueError(f"{name} must be binary (only 0s and 1s), got values such as {_first_non_binary(arr):g}")
    if arr.size and low is not None and arr.min() < low or arr.size and high is not None and arr.max() > high:
        raise ValueError(
            f"{name} must hold values in [{-math.inf if low is None else low:g}, "
            f"{math.inf if high is None else high:g}], got values from {arr.min():.3g} to {arr.max():.3g}"
        )
    return arr


def _first_non_binary(arr):
    flat = arr.ravel()
    return float(flat[np.flatnonzero((flat != 0.0) & (flat != 1.0))[0]])


def labels(value, name, n, n_classes):
    """Integer class labels of shape (n,) in 0..n_classes-1, as an int64 array.

    ``n=None`` accepts any number of labels (a 1-D array), ``n_classes=None`` any
    non-negative label.

    Floats that are whole numbers (1.0) are accepted, since loaders often give them.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise InputTypeError(f"{name} must be an array of integer class labels, got {_kind(value)}")
    try:
        y = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise InputTypeError(f"{name} must be an array of integer class labels") from error
    if n is None and y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {y.shape}")
    if n is not None and y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match X, got {y.shape}")
    if y.dtype == bool or not (np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.floating)):
        raise InputTypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(f"{name} must hold integer class labels, got non-integer values")
        y = y.astype(np.int64)
    if y.size and y.min() < 0 or y.size and n_classes is not None and y.max() >= n_classes:
        expected = "non-negative labels" if n_classes is None else f"labels 0..{n_classes - 1}"
        raise ValueError(f"{name} must hold {expected}, got {y.min()}..{y.max()}")
    return y.astype(np.int64, copy=False)
