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
    assert report.scale == [None] * model.n_layers and report.before == report.variance
    for W, W0 in zip(model.weights, before):
        assert np.array_equal(W, W0)


def test_biases_too_spread_for_unit_variance_are_reported(batch):
    X, _ = batch
    model = MLP(SIZES, activation="tanh", init="orthogonal", seed=0)
    # biases that differ by several units between neurons: Var(z) >= Var(b) > 1 for any W
    model.biases[1] = np.random.default_rng(0).normal(0.0, 3.0, SIZES[2])
    W_before = model.weights[1].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = L.lsuv(model, X, tol=0.02, max_iter=7)
    assert report.converged[0] and not report.converged[1]
    assert report.iterations[1] == 0 and np.array_equal(model.weights[1], W_before)  # left alone
    assert "no scale reaches variance 1" in report.steps[1] and "Var(b)" in report.steps[1]
    assert report.scale[1] is None and report.before[1] == report.variance[1] > 1  # nothing changed
    assert report.scale[0] is not None and report.before[0] != pytest.approx(1.0, abs=0.02)
    assert report.variance[0] == pytest.approx(1.0, abs=0.02)
    assert not report.all_converged
    summary = report.summary()
    assert "not within tol" in summary and "layer 2" in summary and "Var(b)" in summary
    assert all(report.converged[2:])  # the layers above still get their unit variance


@pytest.mark.parametrize("bias_std", [0.1, 0.3, 0.5])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_with_biases_one_closed_form_step_gives_unit_variance(batch, activation, bias_std):
    X, y = batch
    model = MLP(SIZES, activation=activation, init="orthogonal", seed=3)
    rng = np.random.default_rng(1)
    for layer, b in enumerate(model.biases):
        model.biases[layer] = rng.normal(0.3, bias_std, b.shape)  # a mean and a spread
    report = L.lsuv(model, X, tol=1e-6)
    assert report.all_converged
    assert report.iterations == [1] * model.n_layers
    for z in model.trace(X, y).pre:
        assert np.var(z) == pytest.approx(1.0, abs=1e-9)
    assert all("closed form" in step for step in report.steps)
    for step, s, before in zip(report.steps, report.scale, report.before):
        assert step.startswith(f"W × {s:.4g} (closed form): Var(z) {before:.4g} -> ")


def test_the_old_iteration_was_slow_with_biases_the_closed_form_is_exact():
    rng = np.random.default_rng(0)
    A = rng.normal(0.0, 1.0, (200, 30))
    W = rng.normal(0.0, 1.0, (30, 20))
    b = rng.normal(0.0, 1.0, 20)
    b = 0.995 * (b - b.mean()) / b.std()  # Var(b) = 0.99, close to 1: dividing by Var(z) crawls
    V = W
    for _ in range(20):
        V = V / np.sqrt(np.var(A @ V + b))
    assert abs(np.var(A @ V + b) - 1.0) > 0.02  # 20 of the paper's steps are not enough
    s, reason = L.unit_variance_scale(W, A, b)
    assert reason is None and s > 0
    assert np.var(A @ (s * W) + b) == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(L.rescale(W, A, b), s * W)


def test_unit_variance_scale_solves_the_quadratic_and_says_when_it_cannot():
    rng = np.random.default_rng(2)
    A = rng.normal(0.0, 1.0, (100, 8))
    W = rng.normal(0.0, 0.5, (8, 6))
    z = A @ W
    # zero biases: the paper's step, 1 / sqrt(Var(AW))
    s, _ = L.unit_variance_scale(W, A)
    assert s == pytest.approx(1.0 / math.sqrt(np.var(z)))
    # Var(b) alone above 1: no scale
    s, reason = L.unit_variance_scale(W, A, np.linspace(-3, 3, 6))
    assert s is None and "Var(b)" in reason
    with pytest.raises(ValueError, match="Var\\(b\\)"):
        L.rescale(W, A, np.linspace(-3, 3, 6))
    # an all-zero layer: nothing to rescale
    s, reason = L.unit_variance_scale(np.zeros((8, 6)), A)
    assert s is None and "nothing to rescale" in reason


def test_a_dead_layer_is_reported_not_raised(batch):
    X, _ = batch
    model = MLP(SIZES, activation="relu", init="zeros", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = L.lsuv(model, X)
    assert report.converged == [False] * model.n_layers
    assert report.iterations == [0] * model.n_layers
    assert report.scale == [None] * model.n_layers and report.before == report.variance


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
