"""Tests for lessonlib.seeding: one seed, reproducible and independent child streams."""

import numpy as np
import pytest

from lessonlib.seeding import STREAMS, child, make_rng


def test_make_rng_is_reproducible_and_passes_a_generator_through():
    assert np.array_equal(make_rng(3).random(5), make_rng(3).random(5))
    rng = np.random.default_rng(0)
    assert make_rng(rng) is rng
    assert make_rng(np.int64(2)).random() == make_rng(2).random()


def test_child_streams_are_reproducible_and_independent():
    draws = {name: child(0, name).random(4) for name in STREAMS}
    assert all(np.array_equal(child(0, name).random(4), draws[name]) for name in STREAMS)
    assert len({tuple(d) for d in draws.values()}) == len(STREAMS)
    assert not np.array_equal(child(0, 1).random(4), child(0, 2).random(4))
    assert not np.array_equal(child(0, "batches").random(4), child(1, "batches").random(4))
    rng = np.random.default_rng(0)
    assert child(rng, "batches") is rng


@pytest.mark.parametrize("seed", [None, -1, 2.5, True, "0"])
def test_bad_seeds_are_refused_by_name(seed):
    with pytest.raises(ValueError, match="seed"):
        make_rng(seed)
    with pytest.raises(ValueError, match="seed"):
        child(seed, "batches")


def test_unknown_streams_are_refused():
    with pytest.raises(ValueError, match="unknown stream 'batch'"):
        child(0, "batch")
    with pytest.raises(ValueError, match="stream"):
        child(0, -1)
