"""The recorder's statistics equal those computed by hand on a fixed tiny network."""

import copy

import numpy as np
import pytest

from lessonlib.monitor import Recorder, dead_fraction, saturated_fraction, update_ratio
from lessonlib.nn import MLP


def _tiny(activation):
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 4, 2], activation=activation, init="normal", init_options={"std": 1.5}, seed=2)
    X = rng.normal(size=(6, 3))
    y = np.array([0, 1, 1, 0, 1, 0])
    return model, X, y


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_recorder_matches_hand_computation(activation):
    model, X, y = _tiny(activation)
    before = copy.deepcopy(model)
    recorder = Recorder(bins=5)
    lr = 0.3
    model.fit(X, y, epochs=1, lr=lr, batch_size=6, recorder=recorder)  # one full-batch step
    # by hand, from the network before the step
    order = np.random.default_rng([0, 1001]).permutation(6)  # fit's batch order for seed 0
    Xb = X[order]
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    a, acts, pres = Xb, [], []
    for W, b in zip(before.weights[:-1], before.biases[:-1]):
        z = a @ W + b
        a = f(z)
        pres.append(z)
        acts.append(a)
    r = recorder.arrays()
    assert r["step"].tolist() == [1]
    assert r["loss"][0] == pytest.approx(before.loss(X, y))
    for layer, (z, a) in enumerate(zip(pres, acts)):
        assert r["act_mean"][0, layer] == pytest.approx(a.mean())
        assert r["act_std"][0, layer] == pytest.approx(a.std())
        if activation == "tanh":
            sat = np.mean(np.abs(a) > 0.97)
        elif activation == "sigmoid":
            sat = np.mean((a < 0.015) | (a > 0.985))
        else:
            sat = 0.0
        assert r["saturated"][0, layer] == pytest.approx(sat)
        dead = np.mean([np.all(z[:, j] <= 0) for j in range(z.shape[1])]) if activation == "relu" else 0.0
        assert r["dead"][0, layer] == pytest.approx(dead)
        edges = recorder.edges()
        counts = np.histogram(np.clip(a, edges[0], edges[-1]), bins=edges)[0] / a.size
        np.testing.assert_allclose(r["histogram"][0, layer], counts)
        assert r["histogram"][0, layer].sum() == pytest.approx(1.0)
    _, grads = before.loss_and_grads(X, y)
    for layer, (dW, _) in enumerate(grads):
        W_after = before.weights[layer] - lr * dW
        np.testing.assert_allclose(model.weights[layer], W_after, rtol=1e-12)
        expected = np.log10(np.std(lr * dW) / np.std(W_after))
        assert r["update_ratio"][0, layer] == pytest.approx(expected)


def test_every_and_shapes():
    model, X, y = _tiny("tanh")
    recorder = Recorder(every=2, bins=7)
    model.fit(X, y, epochs=5, lr=0.1, batch_size=3, recorder=recorder)  # 10 steps
    r = recorder.arrays()
    assert r["step"].tolist() == [2, 4, 6, 8, 10]
    assert r["histogram"].shape == (5, 2, 7)
    assert r["update_ratio"].shape == (5, 3)
    assert np.all(np.isfinite(r["loss"]))


def test_helpers_and_edge_cases():
    assert saturated_fraction(np.array([0.99, -0.98, 0.5, 0.0]), "tanh") == 0.5
    assert saturated_fraction(np.array([0.99, 0.5]), "relu") == 0.0
    assert dead_fraction(np.array([[-1.0, 1.0], [-2.0, -1.0]]), "relu") == 0.5
    assert dead_fraction(np.array([[-1.0, 1.0]]), "tanh") == 0.0
    assert np.isnan(update_ratio(np.ones(3), np.zeros(3)))
    assert update_ratio(np.array([0.0, 0.002]), np.array([0.0, 2.0])) == pytest.approx(-3.0)
    with pytest.raises(ValueError, match="every"):
        Recorder(every=0)
    with pytest.raises(ValueError, match="bins"):
        Recorder(bins=1.5)


def test_zero_start_records_nan_ratio_without_warnings():
    model = MLP([3, 4, 2], activation="tanh", init="zeros", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 3))
    recorder = Recorder()
    model.fit(X, [0, 1, 0, 1], epochs=1, lr=0.1, batch_size=4, recorder=recorder)
    assert np.isnan(recorder.arrays()["update_ratio"][0, 0])  # W was 0 and stays 0
