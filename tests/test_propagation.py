"""Notebook 04's machinery: per-layer signal statistics, the explorer, the exercise
checks and the 30-layer experiment."""

import math

import numpy as np
import pytest

from lessonlib import checks, init, propagation, solutions
from lessonlib.propagation import PropagationExplorer, propagate

PNG = b"\x89PNG\r\n\x1a\n"
FIELDS = ("act_mean", "act_std", "pre_std", "saturated", "dead", "grad_std", "grad_norm")


# --- initializers: the formula table, including the gains, at the shapes used here -----


@pytest.mark.parametrize(
    "name, options, variance",
    [
        ("slide_xavier", {}, lambda i, o: 1 / i),
        ("slide_he", {}, lambda i, o: 2 / i),
        ("lecun_normal", {"gain": 5 / 3}, lambda i, o: (5 / 3) ** 2 / i),
        ("glorot_normal", {"gain": init.gain("tanh")}, lambda i, o: 25 / 9 * 2 / (i + o)),
        ("he_uniform", {"gain": init.gain("leaky_relu", 0.1)}, lambda i, o: 2 / (1 + 0.01) / i),
        ("he_normal", {"gain": init.gain("relu")}, lambda i, o: 2 / i),
        ("glorot_uniform", {"gain": init.gain("sigmoid")}, lambda i, o: 2 / (i + o)),
    ],
)
def test_initializer_variances_with_gains(name, options, variance):
    W = init.initialize(name, 500, 200, 3, **options)
    assert init.variance(name, 500, 200, **options) == pytest.approx(variance(500, 200))
    assert W.var() == pytest.approx(variance(500, 200), rel=0.03)


def test_gains_match_the_formulas():
    assert init.gain("tanh") == pytest.approx(5 / 3)
    assert init.gain("relu") == pytest.approx(math.sqrt(2))
    for a in (0.0, 0.01, 0.2, 0.5):
        # He et al.: a leaky ReLU keeps (1 + a^2)/2 of E[z^2]; the gain undoes that
        assert init.gain("leaky_relu", a) ** 2 * (1 + a**2) / 2 == pytest.approx(1.0)


def test_relu_keeps_half_the_second_moment():
    z = np.random.default_rng(0).standard_normal(400_000)
    assert np.mean(np.maximum(z, 0) ** 2) == pytest.approx(0.5, rel=0.01)
    a = 0.2
    assert np.mean(np.where(z > 0, z, a * z) ** 2) == pytest.approx((1 + a**2) / 2, rel=0.01)


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
    assert r.state in ("healthy", "vanishing", "exploding", "dead", "diverged")
    assert isinstance(r.finite, bool)
    if r.finite:
        np.testing.assert_allclose(r.act_hist.sum(axis=1), 1.0)
        assert all(0 <= v <= 1 for v in r.saturated + r.dead)
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
    def state(name, options, activation="tanh"):
        return propagate(256, 10, activation, name, init_options=options).state

    assert state("normal", {"std": 0.01}) == "vanishing"
    assert state("lecun_normal", {}) == "healthy"
    assert state("he_normal", {}, "relu") == "healthy"
    assert state("lecun_normal", {}, "sigmoid") == "vanishing"  # the gradients shrink
    big = propagate(256, 10, "tanh", "normal", init_options={"std": 1.0})
    assert max(big.saturated) > 0.5
    assert state("normal", {"std": 1.0}, "relu") == "exploding"


def test_zero_init_is_dead_and_overflow_is_diverged_without_warnings():
    assert propagate(50, 5, "relu", "zeros").state == "dead"
    assert propagate(50, 5, "sigmoid", "zeros").state == "dead"
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
    a = propagation.layer_weights("he_normal", 30, 2, 5)
    b = propagation.layer_weights("he_normal", 30, 2, 5)
    assert a is b and not a.flags.writeable
    assert not np.array_equal(a, propagation.layer_weights("he_normal", 30, 3, 5))


# --- the explorer -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    return PropagationExplorer()


def test_explorer_starts_with_a_picture_and_a_table(explorer):
    assert bytes(explorer.image.value).startswith(PNG)
    assert "healthy" in explorer.status.value
    assert "act std" in explorer.table.value
    assert explorer.figure.get_layout_engine() is None  # fixed layout: fast redraws


def test_every_control_across_its_range_changes_the_png_and_never_raises(explorer):
    explorer.set(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    moves = [
        *({"width": w} for w in (1, explorer.controls["width"].max)),
        {"seed": explorer.controls["seed"].max},
        *({"depth": d} for d in (1, explorer.controls["depth"].max)),
        *({"activation": a} for a in propagation.ACTIVATIONS),
        *({"init": name} for name in init.names()),
        *({"scale": s} for s in (1e-3, 1e3)),
    ]
    defaults = dict(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    for move in moves:
        before = bytes(explorer.image.value)
        png = explorer.set(**{**defaults, **move})  # one control away from the default
        assert png.startswith(PNG)
        assert png != before, move
        assert explorer.result.verdict in explorer.status.value


def test_extreme_settings_show_words_not_tracebacks(explorer):
    explorer.set(width=256, depth=50, activation="relu", init="constant", scale=1e3, seed=0)
    assert "diverged (inf/NaN)" in explorer.status.value
    explorer.set(init="zeros", scale=1.0)
    assert "dead" in explorer.status.value
    explorer.set(width=1, depth=50, init="he_normal", activation="sigmoid", scale=1e-3)
    assert explorer.result.state in ("vanishing", "dead")
    explorer.set(width=100, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)


def test_a_slider_move_through_the_widget_redraws(explorer):
    before = explorer.set(seed=0)
    explorer.controls["width"].value = 37
    assert bytes(explorer.image.value) != before
    assert "fan-in 37" in explorer.title.get_text()
    assert explorer.widget is not None


# --- the exercise checks ----------------------------------------------------------------


def test_reference_solutions_pass():
    assert checks.check_xavier_init(solutions.xavier_init)
    assert checks.check_he_init(solutions.he_init)


def test_glorot_normal_also_passes_the_xavier_check():
    def glorot_normal(fan_in, fan_out, seed):
        return np.random.default_rng(seed).normal(0, np.sqrt(2 / (fan_in + fan_out)), (fan_in, fan_out))

    assert checks.check_xavier_init(glorot_normal)


def _normal(variance_of):
    def func(fan_in, fan_out, seed):
        return np.random.default_rng(seed).normal(0.0, np.sqrt(variance_of(fan_in, fan_out)), (fan_in, fan_out))

    return func


@pytest.mark.parametrize(
    "check, func, hint",
    [
        (checks.check_xavier_init, _normal(lambda i, o: 1 / i), "LeCun"),  # the slide's "Xavier"
        (checks.check_xavier_init, _normal(lambda i, o: 2 / i), "He's"),
        (checks.check_he_init, _normal(lambda i, o: 2 / o), "wrong fan"),
        (checks.check_he_init, _normal(lambda i, o: 1 / i), "LeCun"),
        (checks.check_he_init, _normal(lambda i, o: (2 / i) ** 2), "square root"),  # std := variance
        (checks.check_xavier_init, _normal(lambda i, o: (2 / (i + o)) ** 2), "square root"),
        (checks.check_he_init, lambda i, o, s: np.random.default_rng(s).normal(0, np.sqrt(2 / i), (o, i)), "shape"),
        (checks.check_he_init, lambda i, o, s: np.random.default_rng().normal(0, np.sqrt(2 / i), (i, o)), "same seed"),
        (checks.check_he_init, lambda i, o, s: np.full((i, o), 0.1) + np.random.default_rng(s).normal(0, np.sqrt(2 / i), (i, o)), "mean"),
    ],
)
def test_wrong_answers_are_rejected_with_a_reason(check, func, hint):
    verdict = check(func)
    assert not verdict
    assert hint in str(verdict)


def test_unfinished_exercise_says_not_yet():
    def todo(fan_in, fan_out, seed):
        raise NotImplementedError

    verdict = checks.check_he_init(todo)
    assert not verdict and str(verdict).startswith("Not yet") and "NotImplementedError" in str(verdict)


# --- the 30-layer experiment (He et al. 2015, fig. 3), seeded and small -----------------


def test_balanced_digits_hold_every_class_equally_often():
    X_train, X_test, y_train, y_test = propagation.balanced_digits(25)
    assert X_train.shape == (250, 64) and X_test.shape == (250, 64)
    assert np.bincount(y_train).tolist() == [25] * 10
    assert np.bincount(y_test).tolist() == [25] * 10
    with pytest.raises(ValueError, match="per_class"):
        propagation.balanced_digits(0)


def test_thirty_layer_relu_net_stalls_with_1_over_n_and_trains_with_2_over_n():
    runs = propagation.deep_relu_runs(seeds=(0,))
    for history in runs["lecun_normal"]:
        assert history.loss[0] == pytest.approx(math.log(10), abs=1e-3)  # starts at ln 10
        assert history.loss[-1] == pytest.approx(math.log(10), abs=1e-3)  # and stays there
        assert history.val_accuracy[-1] == pytest.approx(0.1)  # balanced test set: chance
    for history in runs["he_normal"]:
        assert not history.diverged
        assert min(history.loss[1:]) < history.loss[0] - 0.3
        assert max(history.val_accuracy) > 0.2
