import math
import warnings

import numpy as np
import pytest

from lessonlib.data import digits_split, make_moons
from lessonlib.nn import ACTIVATIONS, MLP, activate


def numeric_grads(model, X, y, eps=1e-6):
    grads = []
    for params in zip(model.weights, model.biases):
        pair = []
        for P in params:
            G = np.zeros_like(P)
            for i in np.ndindex(P.shape):
                old = P[i]
                P[i] = old + eps
                up = model.loss(X, y)
                P[i] = old - eps
                down = model.loss(X, y)
                P[i] = old
                G[i] = (up - down) / (2 * eps)
            pair.append(G)
        grads.append(tuple(pair))
    return grads


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("n_out", [3, 1])
def test_gradients_match_finite_differences(activation, n_out):
    rng = np.random.default_rng(0)
    model = MLP([4, 5, 6, n_out], activation=activation, init="glorot_normal", seed=1)
    for b in model.biases:
        b[:] = rng.normal(0, 0.1, b.shape)
    X = rng.normal(size=(7, 4))
    y = rng.integers(0, max(n_out, 2), 7)
    loss, grads = model.loss_and_grads(X, y)
    assert loss == pytest.approx(model.loss(X, y))
    for (dW, db), (nW, nb) in zip(grads, numeric_grads(model, X, y)):
        for exact, numeric in ((dW, nW), (db, nb)):
            rel = np.linalg.norm(exact - numeric) / (np.linalg.norm(exact) + np.linalg.norm(numeric))
            assert rel < 1e-6


def test_activation_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert activate("relu", z).tolist() == [0.0, 0.0, 3.0]
    assert activate("leaky_relu", z, slope=0.1).tolist() == pytest.approx([-0.2, 0.0, 3.0])
    assert activate("sigmoid", np.array([0.0, 800.0, -800.0])).tolist() == [0.5, 1.0, 0.0]
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activate("swish", z)


def test_untrained_softmax_loss_is_near_ln_C():
    X, y = digits_split()[0::2]
    model = MLP([64, 50, 10], "relu", "normal", seed=0, init_options={"std": 0.01})
    assert model.loss(X, y) == pytest.approx(math.log(10), abs=1e-3)


def test_zero_init_hidden_gradients_are_exactly_zero():
    X, y = digits_split()[0::2]
    model = MLP([64, 20, 20, 10], "relu", "zeros", seed=0)
    _, grads = model.loss_and_grads(X[:100], y[:100])
    for dW, db in grads[:-1]:
        assert not dW.any() and not db.any()
    assert not grads[-1][0].any()  # the last layer's inputs are all 0 too
    assert grads[-1][1].any()  # only the output bias learns


def test_constant_init_keeps_hidden_units_identical():
    X, y = digits_split()[0::2]
    model = MLP([64, 16, 16, 10], "tanh", "constant", seed=0, init_options={"value": 0.05})
    model.fit(X, y, epochs=3, lr=0.1)
    assert model.hidden_unit_spread(0) == 0.0
    assert model.hidden_unit_spread(1) == 0.0


def test_training_on_digits_learns_and_is_reproducible():
    Xtr, Xte, ytr, yte = digits_split()
    a = MLP([64, 32, 10], "relu", "he_normal", seed=3)
    h = a.fit(Xtr, ytr, epochs=5, lr=0.1, momentum=0.9, X_val=Xte, y_val=yte)
    assert h.epoch == [0, 1, 2, 3, 4, 5]
    assert h.val_accuracy[-1] > 0.9
    assert h.loss[-1] < h.loss[0]
    b = MLP([64, 32, 10], "relu", "he_normal", seed=3)
    b.fit(Xtr, ytr, epochs=5, lr=0.1, momentum=0.9)
    for Wa, Wb in zip(a.weights, b.weights):
        assert np.array_equal(Wa, Wb)
    assert a.score(Xte, yte) == h.val_accuracy[-1]


def test_binary_network_on_moons():
    X, y = make_moons(200, noise=0.1, seed=0)
    model = MLP([2, 16, 16, 1], "tanh", "glorot_uniform", seed=0)
    history = model.fit(X, y, epochs=100, lr=0.3, batch_size=20, momentum=0.9)
    assert history.accuracy[-1] > 0.95
    assert model.predict_proba(X).shape == (200, 2)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


def test_divergence_is_reported_without_warnings():
    Xtr, _, ytr, _ = digits_split()
    model = MLP([64, 64, 64, 10], "identity", "normal", seed=0, init_options={"std": 3.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(Xtr, ytr, epochs=5, lr=10.0)
    assert history.diverged
    assert history.summary().startswith("diverged")
    assert all(math.isfinite(v) for v in history.loss)


def test_layer_stats_and_trace_shapes():
    Xtr, _, ytr, _ = digits_split()
    model = MLP([64, 30, 20, 10], "relu", "he_normal", seed=0)
    stats = model.layer_stats(Xtr[:200], ytr[:200])
    assert [s["layer"] for s in stats] == [1, 2, 3]
    assert all(0.0 <= s["dead"] <= 1.0 for s in stats)
    t = model.trace(Xtr[:50], ytr[:50])
    assert [p.shape for p in t.pre] == [(50, 30), (50, 20), (50, 10)]
    assert [d.shape for d in t.delta] == [(50, 30), (50, 20), (50, 10)]
    tanh_stats = MLP([64, 30, 10], "tanh", "normal", seed=0, init_options={"std": 5.0}).layer_stats(
        Xtr[:200], ytr[:200]
    )
    assert tanh_stats[0]["saturated"] > 0.5


def test_custom_init_callable():
    model = MLP([3, 4, 2], init=lambda i, o, rng: np.ones((i, o)))
    assert np.all(model.weights[0] == 1.0)
    with pytest.raises(ValueError, match="init returned"):
        MLP([3, 4, 2], init=lambda i, o, rng: np.ones((o, i)))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"layer_sizes": [64]}, "at least an input and an output"),
        ({"layer_sizes": [64, 0, 10]}, "positive integer"),
        ({"layer_sizes": [64, 10], "activation": "swish"}, "unknown activation"),
        ({"layer_sizes": [64, 10], "init": "xavir"}, "unknown initializer"),
        ({"layer_sizes": [64, 10], "slope": 2.0}, "slope"),
    ],
)
def test_bad_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_bad_data_and_hyperparameters():
    model = MLP([4, 3, 3])
    X = np.zeros((5, 4))
    y = np.array([0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 4\)"):
        model.fit(np.zeros((5, 3)), y)
    with pytest.raises(ValueError, match="y must have shape"):
        model.fit(X, y[:3])
    with pytest.raises(ValueError, match="labels 0..2"):
        model.fit(X, np.array([0, 1, 2, 3, 0]))
    with pytest.raises(ValueError, match="integer class labels"):
        model.fit(X, np.array([0.5, 1, 2, 0, 1]))
    with pytest.raises(ValueError, match="lr must be"):
        model.fit(X, y, lr=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(X, y, batch_size=0)
    with pytest.raises(ValueError, match="momentum"):
        model.fit(X, y, momentum=1.0)
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="both X_val and y_val"):
        model.fit(X, y, X_val=X)


def test_early_stopping_keeps_the_best_validation_epoch():
    Xtr, Xte, ytr, yte = digits_split()
    X, y, X_val, y_val = Xtr[:150], ytr[:150], Xtr[150:250], ytr[150:250]
    settings = dict(lr=0.5, momentum=0.9, batch_size=25, seed=1)
    # the same run without early stopping, with a copy of the weights after every epoch
    snapshots = {}
    full = MLP([64, 16, 10], "sigmoid", "glorot_uniform", seed=2)
    snapshots[0] = [W.copy() for W in full.weights]
    curve = full.fit(X, y, epochs=40, X_val=X_val, y_val=y_val, **settings,
                     callback=lambda e, m: snapshots.__setitem__(e, [W.copy() for W in m.weights]))
    net = MLP([64, 16, 10], "sigmoid", "glorot_uniform", seed=2)
    history = net.fit(X, y, epochs=40, X_val=X_val, y_val=y_val, patience=4, **settings)
    best = history.best_epoch
    seen = history.epoch[-1]
    # it stopped 4 epochs after its best, well before the end, and kept the first best of what it saw
    assert seen - best == 4 and seen < 40
    assert best == int(np.argmax(curve.val_accuracy[: seen + 1]))
    assert history.val_accuracy == curve.val_accuracy[: seen + 1]
    for W, W_best in zip(net.weights, snapshots[best]):
        np.testing.assert_array_equal(W, W_best)
    assert net.score(X_val, y_val) == history.val_accuracy[best]
    with pytest.raises(ValueError, match="patience .*needs validation data"):
        MLP([64, 16, 10]).fit(X, y, patience=3)


def test_record_every_measures_every_kth_epoch_and_the_last():
    Xtr, _, ytr, _ = digits_split()
    X, y = Xtr[:60], ytr[:60]
    every = MLP([64, 8, 10], "relu", "he_normal", seed=0)
    history = every.fit(X, y, epochs=7, batch_size=20, record_every=3, X_val=X, y_val=y)
    assert history.epoch == [0, 3, 6, 7]
    alone = MLP([64, 8, 10], "relu", "he_normal", seed=0)
    full = alone.fit(X, y, epochs=7, batch_size=20)
    assert history.loss == [full.loss[e] for e in (0, 3, 6, 7)]
    for a, b in zip(every.weights, alone.weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="record_every"):
        every.fit(X, y, record_every=0)


def test_sigmoid_is_exactly_the_tanh_formula_and_leaves_its_input_alone():
    from lessonlib.nn import sigmoid

    z = np.random.default_rng(0).normal(0.0, 6.0, (50, 40))
    before = z.copy()
    for values in (z, z.astype(np.float32)):
        out = sigmoid(values)
        assert out.dtype == values.dtype
        np.testing.assert_array_equal(out, 0.5 * (1.0 + np.tanh(0.5 * values)))
    np.testing.assert_array_equal(z, before)
    assert sigmoid(0.0) == 0.5 and sigmoid(np.array(0.0)) == 0.5
    grad = ACTIVATIONS["sigmoid"][1]
    a = sigmoid(z)
    np.testing.assert_array_equal(grad(z, a, 0.0), a * (1.0 - a))
