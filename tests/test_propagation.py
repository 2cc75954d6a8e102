"""Tests for lessonlib.propagation: per-layer signal statistics at the start of a deep network."""


import math

import numpy as np
import pytest

from lessonlib import init, propagation
from lessonlib.propagation import propagate

FIELDS = ("act_mean", "act_std", "pre_std", "saturated", "dead", "grad_std", "grad_norm", "act_clipped")

# --- propagate: documented statistics over a grid, extremes included --------------------

GRID = [
    dict(width=w, depth=d, activation=act, init=name, scale=s)
    for w, d in ((1, 1), (1, 50), (64, 8))
    for act in propagation.ACTIVATIONS
    for name in ("zeros", "lecun_normal", "orthogonal", "constant")
    for s in (1e-3, 1.0, 1e3)
]


@pytest.mark.parametrize("settings", GRID, ids=lambda s: "-".join(map(str, s.values())))
def test_propagate_returns_documented_statistics(settings):
    r = propagate(batch=32, bins=20, **settings)
    depth = settings["depth"]
    for name in FIELDS:
        values = getattr(r, name)
        assert len(values) == depth and all(isinstance(v, float) for v in values), name
    assert r.act_hist.shape == r.grad_hist.shape == (depth, 20)
    assert r.act_edges.shape == r.grad_edges.shape == (21,)
    assert np.all(r.act_hist >= 0) and np.all(r.act_hist.sum(axis=1) <= 1 + 1e-9)
    assert r.state in propagation.STATES
    assert r.forward_state in propagation.STATES and r.backward_state in propagation.STATES
    assert r.state == next(x for x in propagation.STATES if x in (r.forward_state, r.backward_state))
    assert isinstance(r.finite, bool)
    if r.finite:
        np.testing.assert_allclose(r.act_hist.sum(axis=1), 1.0)
        assert all(0 <= v <= 1 for v in r.saturated + r.dead + r.act_clipped)
    else:
        assert r.verdict.startswith("diverged (inf/NaN)")
    assert r.table().splitlines()[0].split()[0] == "layer"


def test_statistics_match_a_direct_computation():
    r = propagate(width=20, depth=3, activation="tanh", init="glorot_normal", seed=4, batch=50)
    rng = np.random.default_rng([4, propagation.MAX_DEPTH + 1])
    x = rng.standard_normal((50, 20))
    Ws = [init.initialize("glorot_normal", 20, 20, np.random.default_rng([4, l])) for l in (1, 2, 3)]
    a = x
    for l, W in enumerate(Ws):
        z = a @ W
        a = np.tanh(z)
        assert r.pre_std[l] == pytest.approx(z.std())
        assert r.act_std[l] == pytest.approx(a.std())
        assert r.act_mean[l] == pytest.approx(a.mean())
        assert r.saturated[l] == pytest.approx(np.mean(np.abs(a) > 0.99))


def test_the_four_classic_starts_behave_as_the_papers_say():
    def run(name, options, activation="tanh"):
        return propagate(256, 10, activation, name, init_options=options)

    small = run("normal", {"std": 0.01})
    assert small.state == "vanishing" and small.forward_state == small.backward_state == "vanishing"
    assert run("lecun_normal", {}).state == "healthy"
    assert run("he_normal", {}, "relu").state == "healthy"
    sig = run("lecun_normal", {}, "sigmoid")
    assert sig.forward_state == "healthy" and sig.backward_state == "vanishing"  # the gradients shrink
    assert sig.state == "vanishing"
    assert run("normal", {"std": 1.0}, "relu").state == "exploding"


def test_a_saturated_tanh_is_saturated_not_exploding():
    big = propagate(100, 10, "tanh", "normal", init_options={"std": 1.0}, batch=50)
    assert max(big.saturated) > propagation.SATURATED
    assert big.forward_state == "saturated" and big.state == "saturated"
    assert big.backward_state == "exploding"  # the few unsaturated units pass it on through huge weights
    assert "% of layer" in big.verdict and "backward exploding" in big.verdict


@pytest.mark.parametrize("activation", propagation.ACTIVATIONS)
@pytest.mark.parametrize("name, options", [("zeros", {}), ("constant", {}), ("constant", {"value": 0.3})])
def test_zero_and_constant_starts_are_symmetric_never_healthy(activation, name, options):
    r = propagate(50, 5, activation, name, init_options=options)
    assert r.identical_units
    assert r.state == r.forward_state == r.backward_state == "symmetric"
    assert r.verdict.startswith("symmetric (units identical)")


def test_identical_units_are_found_in_any_layer_but_not_in_a_single_unit_net():
    cache = {}
    random = propagate(20, 3, "tanh", "lecun_normal", weight_cache=cache)
    assert not random.identical_units
    # make layer 2 of the cached stack constant: its units become copies of each other
    key = next(k for k in cache if k[2] == 2)
    cache[key] = np.full((20, 20), 0.1)
    r = propagate(20, 3, "tanh", "lecun_normal", weight_cache=cache)
    assert r.identical_units and r.state == "symmetric"
    assert not propagate(1, 5, "tanh", "lecun_normal").identical_units


def test_the_dead_signal_test_is_relative():
    # a tiny but faithful tanh signal (1e-10) is vanishing, not dead
    tiny = propagate(100, 10, "tanh", "normal", init_options={"std": 0.01}, batch=50)
    assert tiny.act_std[-1] < 1e-9 and tiny.forward_state == "vanishing"
    # a sigmoid net whose last layer is 0.5 for every example has lost the inputs: dead,
    # although its std is not below any absolute 1e-12 threshold of the old test
    r = propagate(1, 50, "sigmoid", "he_normal", scale=1e-3)
    assert r.forward_state == "dead" and r.state == "dead"
    assert r.act_std[-1] <= propagation.DEAD_RELATIVE * abs(r.act_mean[-1])


def test_zero_init_is_symmetric_and_overflow_is_diverged_without_warnings():
    assert propagate(50, 5, "relu", "zeros").state == "symmetric"
    assert propagate(50, 5, "sigmoid", "zeros").state == "symmetric"
    r = propagate(256, 50, "relu", "constant", scale=1e3)
    assert not r.finite and r.state == "diverged"


def test_he_keeps_the_pre_activation_variance_in_a_relu_net():
    r = propagate(500, 30, "relu", "he_normal", batch=500)
    # Var(z_1) = fan_in * (2/fan_in) * E[x^2] = 2, and stays there
    assert r.pre_std[0] ** 2 == pytest.approx(2.0, rel=0.05)
    assert r.pre_std[-1] ** 2 == pytest.approx(2.0, rel=0.5)


def test_thirty_layers_of_variance_1_over_n_lose_2_to_the_minus_30_in_variance():
    # He's weights are LeCun's same draws times sqrt(2), and relu(c z) = c relu(z) for c > 0,
    # so the ratio is (1/2)^30 = 9.3e-10 for the variance (2^-15 = 3.1e-5 for the std) exactly
    ratio = propagation.signal_variance_ratio(depth=30, width=64, seed=0, batch=64)
    assert ratio == pytest.approx(2.0**-30, rel=1e-9)
    assert math.sqrt(ratio) == pytest.approx(2.0**-15, rel=1e-9)


def test_invalid_arguments_are_named():
    with pytest.raises(ValueError, match="width"):
        propagate(width=0)
    with pytest.raises(ValueError, match="activation"):
        propagate(activation="softplus")
    with pytest.raises(ValueError, match="scale"):
        propagate(scale=0.0)
    with pytest.raises(ValueError, match="unknown initializer"):
        propagate(init="magic")


def test_weights_are_cached_and_read_only():
    cache = {}
    a = propagation.layer_weights("he_normal", 30, 2, 5, cache)
    b = propagation.layer_weights("he_normal", 30, 2, 5, cache)
    assert a is b and not a.flags.writeable
    assert not np.array_equal(a, propagation.layer_weights("he_normal", 30, 3, 5))


def test_clipped_counts_only_values_outside_the_histogram_range():
    big = propagate(100, 10, "relu", "normal", init_options={"std": 1.0}, batch=50)
    assert big.act_clipped[-1] > 0.5  # activations near 4e8, range (-1, 4)
    assert propagate(100, 10, "tanh", "normal", init_options={"std": 1.0}, batch=50).act_clipped == [0.0] * 10
