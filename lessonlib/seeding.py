"""One door for randomness: every random draw in the series goes through ``make_rng`` or
``child`` (one seed, several independent streams)."""

from __future__ import annotations

import numpy as np

from lessonlib import _validate


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
        If ``seed`` is negative; ``InputTypeError`` (a TypeError and a ValueError) if
        it is None or of another type: hidden global randomness would make the
        notebooks print different numbers on every run.
    """
    seed = _validate.seed(seed, "seed")
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


#: The named child streams of one seed. Each kind of random draw has its own stream, so
#: changing one (more epochs, a bigger LSUV batch) never changes another (the initial
#: weights). The numbers are far above any layer index, which ``child`` also accepts.
STREAMS = {
    "batches": 1001,   # the order of the mini-batches in training
    "sampling": 1002,  # an RBM's Gibbs sampling and persistent chains
    "lsuv": 1003,      # the batch LSUV measures its variances on
    "labels": 1004,    # which examples keep their labels in a label-budget study
    "inputs": 1005,    # the random inputs and gradients sent through a network
}


def child(seed, stream):
    """A generator for one stream of ``seed``: ``default_rng([seed, stream id])``.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        The run's seed. A ``Generator`` is returned unchanged: whoever passes one has
        chosen to share a single stream.
    stream : str or int
        A name from ``STREAMS``, or a non-negative integer (e.g. a layer index: layer l of
        a network draws its weights from ``child(seed, l)``).
    """
    if isinstance(stream, str):
        key = STREAMS[_validate.choice(stream, "stream", STREAMS)]
    else:
        key = _validate.integer(stream, "stream", low=0)
    seed = _validate.seed(seed, "seed")
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng([seed, key])
