import math
import warnings

import numpy as np
import pytest

from lessonlib import lsuv as L
from lessonlib.data import digits_split
from lessonlib.nn import MLP

SIZES = [64, 40, 30, 30, 20, 10]


@pytest.fixture(scope="module")
def batch():
    X_train, _, y_train, _ = digits_split()
    return X_train[:200], y_train[:200]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_every_layer_output_has_unit_variance_on_the_batch(batch, activation):
    X, y = batch
    model, report = L.lsuv_mlp(SIZES, X, activation=activation, seed=1, tol=0.02)
    assert report.all_converged and len(report.converged) == model.n_layers
    pre = model.trace(X, y).pre
    for layer, z in enumerate(pre):
        assert abs(np.var(z) - 1.0) < 0.02
        assert report.variance[layer] == pytest.approx(np.var(z), rel=1e-12)
    # zero biases: one rescaling reaches variance 1 (it scales with the factor squared)
    assert set(report.iterations) <= {0, 1} and 1 in report.iterations
    assert "unit variance" in report.summary()


def test_lsuv_keeps_the_orthonormal_directions(batch):
    X, _ = batch
    model, _ = L.lsuv_mlp(SIZES, X, activation="tanh", seed=2)
    for W in model.weights:
        fan_in, fan_out = W.shape
        gram = W.T @ W if fan_in >= fan_out else W @ W.T
        scale = gram[0, 0]
        np.testing.assert_allclose(gram, scale * np.eye(len(gram)), atol=1e-10 * max(1.0, scale))


def test_a_layer_already_within_tol_is_left_alone(batch):
    X, _ = batch
    model, _ = L.lsuv_mlp(SIZES, X, seed=0)
    before = [W.copy() for W in model.weights]
    report = L.lsuv(model, X)
    assert report.iterations == [0] * model.n_layers
    for W, W0 in zip(model.weights, before):
        assert np.array_equal(W, W0)


def test_iteration_cap_is_respected_and_reported(batch):
    X, _ = batch
    model = MLP(SIZES, activation="tanh", init="orthogonal", seed=0)
    # biases that differ by several units between neurons: Var(z) >= Var(b) > 1 for any W
    model.biases[1] = np.random.default_rng(0).normal(0.0, 3.0, SIZES[2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = L.lsuv(model, X, tol=0.02, max_iter=7)
    assert report.converged[0] and not report.converged[1]
    assert report.iterations[1] == 7
    assert not report.all_converged
    assert "not within tol" in report.summary() and "2" in report.summary()


def test_a_dead_layer_is_reported_not_raised(batch):
    X, _ = batch
    model = MLP(SIZES, activation="relu", init="zeros", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = L.lsuv(model, X)
    assert report.converged == [False] * model.n_layers
    assert report.iterations == [0] * model.n_layers


def test_output_layer_can_be_left_out(batch):
    X, _ = batch
    model = MLP(SIZES, activation="relu", init="orthogonal", seed=0)
    last = model.weights[-1].copy()
    report = L.lsuv(model, X, include_output=False)
    assert len(report.converged) == model.n_layers - 1
    assert np.array_equal(model.weights[-1], last)


def test_rescale_is_one_step_to_unit_variance():
    rng = np.random.default_rng(0)
    A = rng.random((100, 12))
    W = rng.normal(0, 3.0, (12, 5))
    R = L.rescale(W, A)
    assert np.var(A @ R) == pytest.approx(1.0, rel=1e-12)
    ratio = R / W
    np.testing.assert_allclose(ratio, ratio[0, 0])
    assert ratio[0, 0] == pytest.approx(1 / math.sqrt(np.var(A @ W)))
    with pytest.raises(ValueError, match="variance"):
        L.rescale(np.zeros((12, 5)), A)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"tol": 0}, "tol"), ({"tol": float("nan")}, "tol"), ({"max_iter": 0}, "max_iter"), ({"max_iter": 2.5}, "max_iter")],
)
def test_bad_options_are_rejected(batch, kwargs, message):
    X, _ = batch
    model = MLP(SIZES, init="orthogonal")
    with pytest.raises(ValueError, match=message):
        L.lsuv(model, X, **kwargs)


def test_bad_inputs_are_rejected(batch):
    X, _ = batch
    model = MLP(SIZES, init="orthogonal")
    with pytest.raises(ValueError, match="shape"):
        L.lsuv(model, X[:, :10])
    with pytest.raises(ValueError, match="at least 2"):
        L.lsuv(model, X[:1])
    with pytest.raises(ValueError, match="MLP"):
        L.lsuv("not a model", X)


@pytest.mark.parametrize("fan_in, fan_out", [(64, 32), (32, 64), (10, 1), (1, 10), (7, 7)])
def test_orthogonal_start_has_orthonormal_columns_or_rows(fan_in, fan_out):
    from lessonlib.init import initialize

    W = initialize("orthogonal", fan_in, fan_out, 0)
    if fan_in >= fan_out:  # columns orthonormal, as documented
        np.testing.assert_allclose(W.T @ W, np.eye(fan_out), atol=1e-12)
    else:  # rows orthonormal
        np.testing.assert_allclose(W @ W.T, np.eye(fan_in), atol=1e-12)
    s = np.linalg.svd(W, compute_uv=False)
    np.testing.assert_allclose(s, 1.0, atol=1e-12)
