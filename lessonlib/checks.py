"""Automatic checks for the exercises.

A check never raises in a notebook: it prints what is right, or what is not yet right
and why, and returns True or False. An exercise cell that still holds
``raise NotImplementedError`` gets a friendly "not done yet". ``lessonlib.solutions``
holds reference answers, which pass every check (tested).
"""

from __future__ import annotations

import math

import numpy as np

from lessonlib.nn import MLP


def _report(title, failures):
    if failures:
        print(f"Not yet -- {title}:")
        for line in failures:
            print(f"  - {line}")
        return False
    print(f"Correct -- {title}.")
    return True


def _call(func, *args):
    """Run the learner's function; return (result, problem text or None)."""
    try:
        return func(*args), None
    except NotImplementedError:
        return None, "the function still raises NotImplementedError: fill in the TODO"
    except Exception as exc:  # a check reports, it does not crash the notebook
        return None, f"calling it raised {type(exc).__name__}: {exc}"


# --- notebook 01: break the symmetry ---------------------------------------------------------


def check_small_random_init(func):
    """Exercise of notebook 01: ``func(fan_in, fan_out, seed)`` returns N(0, 0.01**2) weights.

    Checked: the shape (fan_in, fan_out); mean about 0 and standard deviation about 0.01
    on a large draw; the same seed gives the same matrix and another seed another one;
    and a network started from it breaks the symmetry (its hidden units differ) and
    learns the digits.
    """
    title = "small random initialization N(0, 0.01^2)"
    W, problem = _call(func, 300, 200, 0)
    if problem:
        return _report(title, [problem])
    failures = []
    W = np.asarray(W, dtype=np.float64) if W is not None else None
    if W is None or W.shape != (300, 200):
        shape = None if W is None else W.shape
        return _report(title, [f"expected an array of shape (300, 200), got {shape}"])
    if not np.all(np.isfinite(W)):
        return _report(title, ["the weights contain NaN or infinity"])
    std = float(W.std())
    if abs(float(W.mean())) > 5e-4:
        failures.append(f"the mean should be about 0, got {W.mean():.4f}")
    if not 0.0097 < std < 0.0103:
        hint = " (did you square it? 0.01 is the standard deviation, 0.0001 the variance)" if 5e-5 < std < 2e-4 else ""
        failures.append(f"the standard deviation should be about 0.01, got {std:.4f}{hint}")
    again, _ = _call(func, 300, 200, 0)
    other, _ = _call(func, 300, 200, 1)
    if again is None or not np.array_equal(np.asarray(again), W):
        failures.append("the same seed must give the same weights (draw from np.random.default_rng(seed))")
    elif other is not None and np.array_equal(np.asarray(other), W):
        failures.append("a different seed should give different weights")
    if failures:
        return _report(title, failures)
    from lessonlib.data import digits_split

    X_train, X_test, y_train, y_test = digits_split()
    model = MLP([64, 32, 10], activation="relu", init=lambda i, o, rng: func(i, o, 0), seed=0)
    model.fit(X_train, y_train, epochs=10, lr=0.1, momentum=0.9)
    spread = model.hidden_unit_spread(0)
    accuracy = model.score(X_test, y_test)
    if spread == 0.0:
        failures.append("the hidden units of a network started from it are identical")
    if not accuracy > 0.8:
        failures.append(f"a 64-32-10 ReLU network started from it reached only {accuracy:.2f} test accuracy")
    return _report(title, failures)
