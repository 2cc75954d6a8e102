"""Batch normalization in ``lessonlib.nn``: gradients, running statistics, the two modes."""

import warnings

import numpy as np
import pytest

from lessonlib.data import make_moons
from lessonlib.nn import BN_EPS, BN_MOMENTUM, MLP, batch_norm_backward, batch_norm_forward


def _bn_net(activation="tanh", n_out=3, seed=1):
    rng = np.random.default_rng(seed)
    model = MLP([4, 5, 6, n_out], activation=activation, init="glorot_normal", seed=seed, batch_norm=True)
    for params in (model.biases, model.gammas, model.betas):
        for p in params:
            p[:] = rng.normal(0.5 if params is model.gammas else 0.0, 0.3, p.shape)
    X = rng.normal(size=(9, 4))
    y = rng.integers(0, max(n_out, 2), 9)
    return model, X, y


def _numeric(model, X, y, P, train, eps=1e-6):
    G = np.zeros_like(P)
    for i in np.ndindex(P.shape):
        old = P[i]
        P[i] = old + eps
        up = model.trace(X, y, train=train).loss
        P[i] = old - eps
        down = model.trace(X, y, train=train).loss
        P[i] = old
        G[i] = (up - down) / (2 * eps)
    return G


def _rel(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + 1e-300)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("n_out", [3, 1])
@pytest.mark.parametrize("train", [True, False])
def test_gradients_match_finite_differences(activation, n_out, train):
    model, X, y = _bn_net(activation, n_out)
    if not train:  # predict mode: some non-trivial running statistics
        for m, v in zip(model.running_means, model.running_vars):
            m[:] = 0.2
            v[:] = 1.7
    t = model.trace(X, y, train=train)
    for layer, (dW, db) in enumerate(t.grads):
        assert _rel(dW, _numeric(model, X, y, model.weights[layer], train)) < 1e-6
        if not (train and layer < model.n_layers - 1):  # a bias before batch norm has gradient 0
            assert _rel(db, _numeric(model, X, y, model.biases[layer], train)) < 1e-6
        else:
            np.testing.assert_allclose(db, 0.0, atol=1e-12)
    for layer, (dgamma, dbeta) in enumerate(t.bn_grads):
        assert _rel(dgamma, _numeric(model, X, y, model.gammas[layer], train)) < 1e-6
        assert _rel(dbeta, _numeric(model, X, y, model.betas[layer], train)) < 1e-6


def test_forward_normalizes_and_backward_by_formula():
    rng = np.random.default_rng(0)
    z = rng.normal(3.0, 5.0, (50, 4))
    u, cache = batch_norm_forward(z, np.ones(4), np.zeros(4))
    np.testing.assert_allclose(u.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(u.std(axis=0), np.sqrt(z.var(axis=0) / (z.var(axis=0) + BN_EPS)), rtol=1e-12)
    gamma, beta = np.array([2.0, 1.0, 0.5, 3.0]), np.array([1.0, 0.0, -1.0, 2.0])
    u, cache = batch_norm_forward(z, gamma, beta)
    np.testing.assert_allclose(u.mean(axis=0), beta, atol=1e-12)
    # d(sum(u * w)) / dz, numerically, for a random w
    w = rng.normal(size=u.shape)
    dz, dgamma, dbeta = batch_norm_backward(w, gamma, cache)
    eps = 1e-6
    i, j = 7, 2
    zp, zm = z.copy(), z.copy()
    zp[i, j] += eps
    zm[i, j] -= eps
    numeric = (np.sum(batch_norm_forward(zp, gamma, beta)[0] * w) - np.sum(batch_norm_forward(zm, gamma, beta)[0] * w)) / (2 * eps)
    assert dz[i, j] == pytest.approx(numeric, rel=1e-6)
    np.testing.assert_allclose(dbeta, w.sum(axis=0))


def test_running_statistics_follow_the_batches():
    X, y = make_moons(64, seed=0)
    model = MLP([2, 8, 1], activation="tanh", init="he_normal", seed=0, batch_norm=True)
    z = X @ model.weights[0] + model.biases[0]
    model.fit(X, y, epochs=1, lr=1e-12, batch_size=64)  # one step that changes nothing else
    np.testing.assert_allclose(model.running_means[0], BN_MOMENTUM * z.mean(axis=0), rtol=1e-6)
    expected_var = (1 - BN_MOMENTUM) + BN_MOMENTUM * z.var(axis=0, ddof=1)
    np.testing.assert_allclose(model.running_vars[0], expected_var, rtol=1e-6)
    model.fit(X, y, epochs=200, lr=1e-12, batch_size=64)
    z = X @ model.weights[0] + model.biases[0]
    np.testing.assert_allclose(model.running_means[0], z.mean(axis=0), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(model.running_vars[0], z.var(axis=0, ddof=1), rtol=1e-5)


def test_train_and_predict_modes():
    X, y = make_moons(64, seed=0)
    model = MLP([2, 8, 8, 1], activation="relu", init="he_normal", seed=0, batch_norm=True)
    X_shift = X * 5.0 + 3.0
    # before training the running statistics are 0 and 1: prediction does not normalize
    train_out = model.trace(X_shift, y, train=True).post[-1]
    predict_out = model.forward(X_shift)
    assert not np.allclose(train_out, predict_out)
    # one example at a time gives the same predictions as the whole set (no batch effect)
    single = np.vstack([model.forward(X_shift[i : i + 1]) for i in range(5)])
    np.testing.assert_allclose(single, predict_out[:5], rtol=1e-12)
    # trace(train=True) leaves the running statistics alone
    before = [m.copy() for m in model.running_means]
    model.trace(X_shift, y, train=True)
    for a, b in zip(before, model.running_means):
        np.testing.assert_array_equal(a, b)


def test_batch_norm_trains_from_a_tiny_start_and_predicts_one_example():
    X, y = make_moons(200, noise=0.1, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = MLP([2, 16, 16, 16, 1], activation="relu", init="normal", init_options={"std": 1e-3}, seed=0)
        bn = MLP([2, 16, 16, 16, 1], activation="relu", init="normal", init_options={"std": 1e-3}, seed=0,
                 batch_norm=True)
        plain.fit(X, y, epochs=20, lr=0.1, batch_size=20, momentum=0.9)
        bn.fit(X, y, epochs=20, lr=0.1, batch_size=20, momentum=0.9)
    assert plain.score(X, y) < 0.6
    assert bn.score(X, y) > 0.85
    assert bn.predict(X[:1]).shape == (1,)
    assert "batch_norm=True" in repr(bn)


def test_without_batch_norm_nothing_changes():
    model = MLP([3, 4, 2], seed=0)
    assert model.gammas == [] and model.betas == [] and model.running_means == []
    X = np.random.default_rng(0).normal(size=(5, 3))
    t = model.trace(X, [0, 1, 0, 1, 1])
    assert t.bn_grads == [] and t.bn_batch == []


def test_batch_norm_does_not_break_symmetry():
    X, y = make_moons(64, seed=0)
    for init, options in (("constant", {"value": 0.3}), ("zeros", None)):
        model = MLP([2, 6, 6, 1], activation="tanh", init=init, init_options=options, seed=0, batch_norm=True)
        model.fit(X, y, epochs=5, lr=0.1, batch_size=16, momentum=0.9)
        assert model.hidden_unit_spread(0) == 0.0 and model.hidden_unit_spread(1) == 0.0
        assert np.ptp(model.gammas[0]) == 0.0
