"""One door for randomness: every random draw in the series goes through ``make_rng``."""

from __future__ import annotations

import numbers

import numpy as np


def make_rng(seed) -> np.random.Generator:
    """Return a NumPy ``Generator`` from a seed.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        A non-negative integer gives a fresh, reproducible generator; a ``Generator``
        is passed through unchanged, so callers can share one stream.

    Raises
    ------
    ValueError
        If ``seed`` is None, negative, or of another type: hidden global randomness
        would make the notebooks print different numbers on every run.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        return np.random.default_rng(int(seed))
    raise ValueError(
        "seed must be a non-negative integer or a numpy.random.Generator, "
        f"got {seed!r} of type {type(seed).__name__}"
    )
