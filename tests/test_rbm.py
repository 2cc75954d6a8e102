"""Tests for lessonlib.rbm: exact quantities against known numbers and brute force,
the conditionals against the joint, CD training on bars-and-stripes, input checks."""

import math

import numpy as np
import pytest

from lessonlib import rbm
from lessonlib.data import bars_and_stripes, binarize, load_digits
from lessonlib.rbm import RBM, all_states, data_entropy, logsumexp, sigmoid
from lessonlib.seeding import child

# PyDeep's 2x2 bars-and-stripes test model (4 visible, 4 hidden); rows of W = visible units.
FIXTURE_W = np.array(
    [
        [0.12179488, 2.95950177, 0.33513356, 35.05380642],
        [0.20318085, -28.62372894, 26.52611278, 28.41793445],
        [-0.19105386, -28.58530584, -26.52747507, 28.78447320],
        [0.08953740, -59.82556859, -0.06665933, -27.71723459],
    ]
)
FIXTURE_VISIBLE_BIAS = np.array([-19.24399659, -13.26258696, 13.25909850, 43.74408543])
FIXTURE_HIDDEN_BIAS = np.array([-0.11155958, 57.02097584, -0.13331758, -32.25991501])
FIXTURE_LOG_Z = 59.6749019726
FIXTURE_MEAN_LL = -1.7328699078


def fixture_model():
    return RBM.from_parameters(FIXTURE_W, FIXTURE_VISIBLE_BIAS, FIXTURE_HIDDEN_BIAS)


def fixture_data():
    # the 6 distinct 2x2 patterns plus a second all-off and a second all-on image
    patterns = bars_and_stripes(2)
    assert patterns.shape == (6, 4)
    return np.vstack([patterns, np.zeros(4), np.ones(4)])


def random_model(n_visible, n_hidden, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return RBM.from_parameters(
        rng.normal(0, scale, (n_visible, n_hidden)),
        rng.normal(0, scale, n_visible),
        rng.normal(0, scale, n_hidden),
    )


def brute_force_joint(model):
    """All (v, h) pairs with their exact probabilities p(v, h), from the energy."""
    V = all_states(model.n_visible)
    H = all_states(model.n_hidden)
    VV = np.repeat(V, len(H), axis=0)
    HH = np.tile(H, (len(V), 1))
    E = model.energy(VV, HH).reshape(len(V), len(H))
    P = np.exp(-E - logsumexp(-E))
    return V, H, P


# --- exact quantities -------------------------------------------------------------------


def test_fixture_log_partition_and_likelihood():
    model = fixture_model()
    assert abs(model.log_partition() - FIXTURE_LOG_Z) < 1e-8
    assert abs(model.log_partition(enumerate="visible") - FIXTURE_LOG_Z) < 1e-8
    assert abs(model.log_likelihood(fixture_data()) - FIXTURE_MEAN_LL) < 1e-8


def test_zero_model_gives_uniform_distribution():
    for n_visible, n_hidden in [(1, 1), (4, 7), (9, 3), (12, 12)]:
        model = RBM(n_visible, n_hidden, weight_std=0.0)
        X = bars_and_stripes(3)[:, :n_visible] if n_visible <= 9 else np.ones((2, n_visible))
        assert model.log_likelihood(X) == pytest.approx(-n_visible * math.log(2), abs=1e-12)
        assert model.log_partition() == pytest.approx((n_visible + n_hidden) * math.log(2), abs=1e-12)


@pytest.mark.parametrize("shape", [(3, 5), (6, 2), (5, 5), (8, 11)])
def test_log_partition_same_from_either_layer(shape):
    for seed in range(3):
        model = random_model(*shape, seed=seed, scale=2.0)
        by_v = model.log_partition(enumerate="visible")
        by_h = model.log_partition(enumerate="hidden")
        assert by_v == pytest.approx(by_h, rel=1e-12, abs=1e-10)


def test_log_partition_matches_brute_force_and_chunking():
    model = random_model(4, 3, seed=1)
    _, _, _ = brute_force_joint(model)
    V = all_states(4)
    H = all_states(3)
    E = np.array([[model.energy(v[None], h[None])[0] for h in H] for v in V])
    assert model.log_partition() == pytest.approx(logsumexp(-E), abs=1e-12)
    # 13 visible units: 8192 states, more than one enumeration chunk
    big = random_model(13, 14, seed=2, scale=0.5)
    assert big.log_partition(enumerate="visible") == pytest.approx(
        big.log_partition(enumerate="hidden"), rel=1e-12
    )


def test_probabilities_sum_to_one_and_kl():
    model = random_model(5, 4, seed=3)
    assert model.probabilities(all_states(5)).sum() == pytest.approx(1.0, abs=1e-12)
    X = bars_and_stripes(2)  # 6 distinct patterns, uniform data distribution
    assert data_entropy(X) == pytest.approx(math.log(6))
    model = random_model(4, 3, seed=4)
    p = model.probabilities(X)
    kl_direct = float(np.sum((1 / 6) * np.log((1 / 6) / p)))
    assert model.kl_divergence(X) == pytest.approx(kl_direct, abs=1e-12)
    assert model.kl_divergence(X) == pytest.approx(-math.log(6) - model.log_likelihood(X), abs=1e-12)
    # repeated rows: the empirical distribution weights them
    X2 = np.vstack([X, X[:1]])
    q = np.array([2, 1, 1, 1, 1, 1]) / 7
    kl2 = float(np.sum(q * np.log(q / p)))
    assert model.kl_divergence(X2) == pytest.approx(kl2, abs=1e-12)


def test_too_large_to_enumerate():
    model = RBM(30, 25)
    with pytest.raises(ValueError, match="at most 20 units"):
        model.log_partition()
    with pytest.raises(ValueError, match="at most 20 units"):
        model.log_likelihood(np.zeros((1, 30)))
    with pytest.raises(ValueError, match="enumerate"):
        RBM(3, 3).log_partition(enumerate="both")


# --- conditionals and free energy against the joint -------------------------------------


def test_conditionals_match_brute_force():
    model = random_model(3, 4, seed=5, scale=1.5)
    V, H, P = brute_force_joint(model)
    p_h_given_v = P / P.sum(axis=1, keepdims=True)  # rows: v, columns: h
    expected_h = p_h_given_v @ H  # P(h_j = 1 | v)
    assert np.allclose(model.mean_hiddens(V), expected_h, atol=1e-12)
    p_v_given_h = (P / P.sum(axis=0, keepdims=True)).T  # rows: h
    expected_v = p_v_given_h @ V
    assert np.allclose(model.mean_visibles(H), expected_v, atol=1e-12)
    assert np.allclose(model.forward(V), model.mean_hiddens(V))
    assert np.allclose(model.transform(V), model.mean_hiddens(V))
    assert np.allclose(model.backward(H), model.mean_visibles(H))


def test_free_energy_identity():
    model = random_model(4, 5, seed=6, scale=2.0)
    V = all_states(4)
    H = all_states(5)
    for v in V:
        E = model.energy(np.repeat(v[None], len(H), axis=0), H)
        assert model.free_energy(v[None])[0] == pytest.approx(-logsumexp(-E), abs=1e-10)


def test_reconstruct_is_forward_then_backward():
    model = random_model(6, 3, seed=7)
    X = np.random.default_rng(0).random((5, 6))
    assert np.allclose(model.reconstruct(X), model.backward(model.forward(X)))
    sampled = model.reconstruct(X, seed=1)
    assert sampled.shape == X.shape and np.all((sampled > 0) & (sampled < 1))


def test_sampling_frequencies_and_seeds():
    model = random_model(5, 4, seed=8)
    v = np.array([[1, 0, 1, 1, 0]], dtype=float)
    many = np.repeat(v, 20000, axis=0)
    freq = model.sample_hiddens(many, seed=0).mean(axis=0)
    assert np.allclose(freq, model.mean_hiddens(v)[0], atol=0.02)
    h = np.array([[0, 1, 1, 0]], dtype=float)
    freq_v = model.sample_visibles(np.repeat(h, 20000, axis=0), seed=1).mean(axis=0)
    assert np.allclose(freq_v, model.mean_visibles(h)[0], atol=0.02)
    assert np.array_equal(model.gibbs(many[:10], steps=3, seed=2), model.gibbs(many[:10], steps=3, seed=2))
    g = model.gibbs(many[:10], steps=2, seed=3)
    assert set(np.unique(g)) <= {0.0, 1.0}
    p = model.gibbs(many[:10], steps=2, seed=3, return_probabilities=True)
    assert np.all((p > 0) & (p < 1))


def test_gibbs_chain_reaches_model_distribution():
    model = random_model(3, 2, seed=9)
    start = np.zeros((20000, 3))
    samples = model.gibbs(start, steps=30, seed=4)
    codes = (samples * [1, 2, 4]).sum(axis=1).astype(int)
    freq = np.bincount(codes, minlength=8) / len(codes)
    assert np.allclose(freq, model.probabilities(all_states(3)), atol=0.02)


# --- initialization and training --------------------------------------------------------


def test_initialization():
    model = RBM(64, 100, seed=0)
    assert model.W.shape == (64, 100)
    assert model.visible_bias.shape == (64,) and model.hidden_bias.shape == (100,)
    assert abs(model.W.std() - 0.01) < 0.001
    assert not model.visible_bias.any() and not model.hidden_bias.any()
    assert np.array_equal(RBM(5, 4, seed=3).W, RBM(5, 4, seed=3).W)
    assert not np.array_equal(RBM(5, 4, seed=3).W, RBM(5, 4, seed=4).W)


def test_fit_sets_visible_bias_from_data_once():
    X = np.array([[1, 0, 1], [1, 0, 0], [1, 1, 0], [0, 0, 1]], dtype=float)
    model = RBM(3, 2, seed=0)
    model.fit(X, epochs=1, lr=1e-9)
    p = np.clip(X.mean(axis=0), 0.001, 0.999)
    assert np.allclose(model.visible_bias, np.log(p / (1 - p)), atol=1e-6)
    model.visible_bias[:] = 5.0
    model.fit(X, epochs=1, lr=1e-9)  # a second call continues training, no reset
    assert np.allclose(model.visible_bias, 5.0, atol=1e-6)
    untouched = RBM(3, 2, seed=0)
    untouched.fit(X, epochs=1, lr=1e-9, init_visible_bias=False)
    assert np.allclose(untouched.visible_bias, 0.0, atol=1e-6)


def test_cd1_raises_exact_likelihood_on_bars_and_stripes():
    X = bars_and_stripes(3)
    model = RBM(9, 16, seed=0)
    history = model.fit(X, epochs=2000, lr=0.1, k=1, seed=0, track_every=50)
    assert history.log_likelihood[0] == pytest.approx(-6.24, abs=0.01)  # about 9 ln 2
    assert history.log_likelihood[-1] > -3.5
    assert history.likelihood_epoch[0] == 0 and history.likelihood_epoch[-1] == 2000
    assert history.kl[-1] == pytest.approx(-math.log(14) - history.log_likelihood[-1])
    assert history.kl[-1] > 0
    assert history.log_likelihood[-1] == pytest.approx(model.log_likelihood(X))
    assert len(history.epoch) == len(history.recon_error) == 2001
    assert not history.diverged


def test_reconstruction_error_lies_demo():
    # the notebook's demo: CD-1 with a large learning rate on 3x3 bars-and-stripes
    X = bars_and_stripes(3)
    model = RBM(9, 16, seed=0)
    history = model.fit(X, epochs=3000, lr=0.5, k=1, seed=0, track_every=10)
    ll = np.array(history.log_likelihood)
    recon = np.array(history.recon_error)
    peak = int(np.argmax(ll))
    assert recon[-1] < 0.01 * recon[0]
    assert recon[-1] < recon[history.likelihood_epoch[peak]]  # still falling after the peak
    assert ll[-1] < ll[peak] - 0.3  # while the likelihood drifted down
    assert history.likelihood_epoch[peak] < 2000


def test_cd_k_and_persistent_run_and_learn():
    X = bars_and_stripes(3)
    for kwargs in [
        {"k": 5, "lr": 0.3},
        {"persistent": True, "k": 3, "batch_size": 2, "lr": 0.1, "momentum": 0.5},
        {"batch_size": 4, "lr": 0.1, "momentum": 0.5, "weight_decay": 1e-4},
    ]:
        model = RBM(9, 16, seed=1)
        history = model.fit(X, epochs=300, seed=1, track_every=300, **kwargs)
        assert history.log_likelihood[-1] > history.log_likelihood[0] + 1.0, kwargs


def test_training_reproducible_by_seed():
    X = bars_and_stripes(3)
    runs = []
    for seed in (0, 0, 1):
        model = RBM(9, 8, seed=2)
        h = model.fit(X, epochs=50, lr=0.1, batch_size=5, persistent=True, seed=seed, track_likelihood=False)
        runs.append((model.W.copy(), h.recon_error))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1]
    assert not np.array_equal(runs[0][0], runs[2][0])


def test_snapshots_and_callback():
    X = bars_and_stripes(2)
    seen = []
    model = RBM(4, 3, seed=0)
    history = model.fit(
        X, epochs=5, lr=0.1, seed=0, snapshot_epochs=[0, 2, 5], callback=lambda e, m, h: seen.append(e)
    )
    assert seen == [0, 1, 2, 3, 4, 5]
    assert sorted(history.snapshots) == [0, 2, 5]
    W5, _b5, _c5 = history.snapshots[5]
    assert np.array_equal(W5, model.W)
    W5[0, 0] = 99.0  # a copy, not a view
    assert model.W[0, 0] != 99.0
    again = RBM.from_parameters(*history.snapshots[2])
    assert again.log_likelihood(X) == pytest.approx(history.log_likelihood[2])
    assert "log-likelihood" in history.summary()


def test_divergence_is_reported_quietly():
    X = bars_and_stripes(3)
    model = RBM(9, 16, seed=0)
    history = model.fit(X, epochs=50, lr=1e306, momentum=0.9, seed=0)  # filterwarnings=error
    assert history.diverged
    assert history.summary().startswith("diverged")


def test_digits_speed_smoke():
    X = binarize(load_digits()[0][:600])
    model = RBM(64, 100, seed=0)
    history = model.fit(X, epochs=5, lr=0.1, batch_size=20, momentum=0.5, seed=0)
    assert history.log_likelihood == []  # 64 and 100 units: not tracked
    assert history.recon_error[-1] < 0.8 * history.recon_error[0]


def _by_hand_epoch(model, X, batch_size, lr, momentum, persistent, seed, k=1, weight_decay=0.0):
    """One epoch of CD-k / PCD-k written out plainly: returns (recon error, W, b, c)."""
    W, b, c = model.W.copy(), model.visible_bias.copy(), model.hidden_bias.copy()
    p = np.clip(X.mean(axis=0), 0.001, 0.999)
    b = np.log(p / (1 - p))  # fit's first call sets the visible biases
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    rng = child(seed, "sampling")
    n, nv = X.shape
    nh = W.shape[1]
    if persistent:
        chain = (rng.random((batch_size, nv)) < X[rng.integers(0, n, batch_size)]).astype(float)
    order = rng.permutation(n)
    vW, vb, vc = np.zeros_like(W), np.zeros_like(b), np.zeros_like(c)
    squared = 0.0
    for start in range(0, n, batch_size):
        v0 = X[order[start : start + batch_size]]
        m = len(v0)
        p0 = sig(v0 @ W + c)
        h = (rng.random((m, nh)) < (sig(chain[:m] @ W + c) if persistent else p0)).astype(float)
        for step in range(k):
            last = step == k - 1
            pv = sig(h @ W.T + b)
            if step == 0 and not persistent:
                x_hat = pv  # CD: the chain's own first reconstruction
            v = pv if (last and not persistent) else (rng.random((m, nv)) < pv).astype(float)
            ph = sig(v @ W + c)
            if not last:
                h = (rng.random((m, nh)) < ph).astype(float)
        if persistent:
            chain[:m] = v
            x_hat = sig(p0 @ W.T + b)  # PCD: the data's mean-field reconstruction
        squared += np.sum((v0 - x_hat) ** 2)  # before this batch's update
        vW = momentum * vW + lr * ((v0.T @ p0 - v.T @ ph) / m - weight_decay * W)
        vb = momentum * vb + lr * (v0 - v).sum(axis=0) / m
        vc = momentum * vc + lr * (p0 - ph).sum(axis=0) / m
        W, b, c = W + vW, b + vb, c + vc
    return squared / X.size, W, b, c


@pytest.mark.parametrize("persistent, k, weight_decay", [(False, 1, 0.0), (True, 1, 0.0), (False, 3, 0.01),
                                                         (True, 2, 0.01)])
def test_recorded_reconstruction_error_is_the_mean_over_the_epochs_batches(persistent, k, weight_decay):
    # Hinton (2010, sec. 5): the error of the reconstructions made during the epoch; the
    # batches of 2 leave a last batch of 1 (its own buffers), and the update is checked too
    X = np.array([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1], [0, 0, 1, 0], [1, 0, 0, 1]], dtype=float)
    model = RBM(4, 3, seed=3, weight_std=0.5)
    expected, W, b, c = _by_hand_epoch(model, X, batch_size=2, lr=0.5, momentum=0.5, persistent=persistent, seed=4,
                                       k=k, weight_decay=weight_decay)
    before = RBM.from_parameters(model.W, np.log(np.clip(X.mean(0), 0.001, 0.999) / (1 - np.clip(X.mean(0), 0.001, 0.999))),
                                 model.hidden_bias)
    history = model.fit(X, epochs=1, lr=0.5, batch_size=2, momentum=0.5, persistent=persistent, seed=4, k=k,
                        weight_decay=weight_decay)
    assert history.recon_error[0] == pytest.approx(before.reconstruction_error(X), rel=1e-12)  # epoch 0: full pass
    assert history.recon_error[1] == pytest.approx(expected, rel=1e-12)
    assert history.recon_error[1] != pytest.approx(model.reconstruction_error(X), rel=1e-3)  # not the full pass
    np.testing.assert_allclose(model.W, W, rtol=1e-12)
    np.testing.assert_allclose(model.visible_bias, b, rtol=1e-12)
    np.testing.assert_allclose(model.hidden_bias, c, rtol=1e-12)
    assert np.all(np.isfinite(model.W)) and np.all(np.isfinite(model.visible_bias))  # N's -inf corner stays inside


def test_full_batch_and_several_epochs_match_by_hand():
    # batch_size=None: one batch of all rows, no shuffle; two epochs chain the updates
    X = np.array([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1], [0, 0, 1, 0], [1, 0, 0, 1]], dtype=float)
    model = RBM(4, 3, seed=1, weight_std=0.5)
    W, b, c = model.W.copy(), model.visible_bias.copy(), model.hidden_bias.copy()
    p = np.clip(X.mean(axis=0), 0.001, 0.999)
    b = np.log(p / (1 - p))
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    rng = child(7, "sampling")
    for _ in range(2):
        p0 = sig(X @ W + c)
        h = (rng.random(p0.shape) < p0).astype(float)
        v = sig(h @ W.T + b)
        ph = sig(v @ W + c)
        W, b, c = W + 0.3 * (X.T @ p0 - v.T @ ph) / 5, b + 0.3 * (X - v).sum(0) / 5, c + 0.3 * (p0 - ph).sum(0) / 5
    model.fit(X, epochs=2, lr=0.3, seed=7)
    np.testing.assert_allclose(model.W, W, rtol=1e-12)
    np.testing.assert_allclose(model.visible_bias, b, rtol=1e-12)
    np.testing.assert_allclose(model.hidden_bias, c, rtol=1e-12)


def test_reconstruction_error_is_the_full_pass(monkeypatch):
    X = binarize(load_digits()[0][:200])
    model = RBM(64, 20, seed=0)
    model.fit(X, epochs=2, lr=0.1, batch_size=20, seed=0)
    expected = np.mean((X - model.reconstruct(X)) ** 2)
    assert model.reconstruction_error(X) == pytest.approx(expected, rel=1e-12)
    monkeypatch.setattr(rbm, "_FULL_PASS_WORK", 16 * 64 * 20)  # blocks of 16 rows, the last one of 8
    assert model.reconstruction_error(X) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="shape"):
        model.reconstruction_error(X[:, :10])


def test_fit_leaves_two_independent_bias_arrays():
    X = bars_and_stripes(2)
    model = RBM(4, 3, seed=0)
    W = model.W
    model.fit(X, epochs=2, lr=0.1, seed=0)
    assert model.W is W  # trained in place, as before
    assert model.visible_bias.shape == (4,) and model.hidden_bias.shape == (3,)
    assert not np.shares_memory(model.visible_bias, model.hidden_bias)


def test_sigmoid_accurate_and_quiet_at_the_extremes():
    z = np.concatenate([np.linspace(-740, 740, 2001), [-40.0, -1e-300, 0.0, 1e-300, 40.0, np.inf, -np.inf]])
    exact = np.array([1 / (1 + math.exp(-v)) if v > -700 else 0.0 for v in z[:-2]] + [1.0, 0.0])
    got = sigmoid(z)  # warnings are errors: exp's overflow must stay silent
    normal = exact > 1e-300
    np.testing.assert_allclose(got[normal], exact[normal], rtol=2e-15)
    assert np.all(got[~normal] < 1e-300) and np.all((got >= 0) & (got <= 1))
    assert sigmoid(np.array([-40.0]))[0] == pytest.approx(4.248354255291589e-18, rel=1e-14)  # no cancellation
    out = np.array([0.0, 2.0])
    assert sigmoid(out, out=out) is out and out.tolist() == [0.5, pytest.approx(0.8807970779778823, rel=1e-15)]


# --- bad inputs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_visible, n_hidden", [(0, 3), (3, 0), (-1, 2), (2.5, 3), (True, 3), ("4", 3), (None, 2)]
)
def test_bad_sizes(n_visible, n_hidden):
    with pytest.raises(ValueError, match="positive integer"):
        RBM(n_visible, n_hidden)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros(4), "2-D"),
        (np.zeros((3, 5)), r"shape \(n_samples, 4\)"),
        (np.zeros((2, 2, 4)), "shape"),
        (np.zeros((0, 4)), "at least one row"),
        (np.full((2, 4), 2.0), r"\[0, 1\]"),
        (np.full((2, 4), -0.5), r"\[0, 1\]"),
        (np.array([[0, np.nan, 0, 1]]), "finite"),
        (np.array([[0, np.inf, 0, 1]]), "finite"),
        ([["a", "b", "c", "d"]], "numbers"),
    ],
)
def test_bad_data(X, message):
    model = RBM(4, 3)
    for method in (model.mean_hiddens, model.reconstruct, model.free_energy, model.transform, model.fit):
        with pytest.raises(ValueError, match=message):
            method(X)


def test_bad_hidden_input_and_options():
    model = RBM(4, 3)
    with pytest.raises(ValueError, match=r"\(n_samples, 3\)"):
        model.mean_visibles(np.zeros((2, 4)))
    X = bars_and_stripes(2)
    for kwargs, message in [
        ({"epochs": 0}, "epochs"),
        ({"lr": 0.0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"k": 0}, "k"),
        ({"batch_size": 0}, "batch_size"),
        ({"momentum": 1.0}, "momentum"),
        ({"weight_decay": -1.0}, "weight_decay"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"track_likelihood": "yes"}, "track_likelihood"),
        ({"track_every": 0}, "track_every"),
        ({"callback": 3}, "callback"),
    ]:
        with pytest.raises(ValueError, match=message):
            RBM(4, 3).fit(X, **kwargs)
    with pytest.raises(ValueError, match="steps"):
        model.gibbs(X, steps=0)
    with pytest.raises(ValueError, match="same number of rows"):
        model.energy(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="bias"):
        RBM.from_parameters(np.zeros((3, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="weight_std"):
        RBM(3, 2, weight_std=-1.0)


# --- gradients -------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (3, 5)])
def test_exact_gradient_matches_finite_differences(shape):
    model = random_model(*shape, seed=11)
    X = (np.random.default_rng(1).random((7, shape[0])) < 0.5).astype(float)
    dW, db, dc = model.log_likelihood_gradient(X)
    eps = 1e-6
    for array, grad in [(model.W, dW), (model.visible_bias, db), (model.hidden_bias, dc)]:
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + eps
            up = model.log_likelihood(X)
            array[index] = old - eps
            down = model.log_likelihood(X)
            array[index] = old
            assert grad[index] == pytest.approx((up - down) / (2 * eps), abs=1e-6)


def test_cd_gradient_with_long_chains_approaches_exact_gradient():
    model = random_model(4, 3, seed=12, scale=0.7)
    X = np.repeat(bars_and_stripes(2), 2000, axis=0)
    exact = model.log_likelihood_gradient(X)
    estimate = model.cd_gradient(X, k=30, seed=0)
    # close, not equal: sampling noise, and the last visible step uses probabilities
    # (Hinton's recipe), which biases the negative statistics slightly
    for e, g in zip(exact, estimate):
        assert np.allclose(e, g, atol=0.05)
    flat_e = np.concatenate([a.ravel() for a in exact])
    flat_g = np.concatenate([a.ravel() for a in estimate])
    assert flat_e @ flat_g / np.linalg.norm(flat_e) / np.linalg.norm(flat_g) > 0.99
    before = model.W.copy()
    model.cd_gradient(X[:5], k=1, seed=0)
    assert np.array_equal(before, model.W)  # an estimate does not train
