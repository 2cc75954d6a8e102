"""Mean-field theory: the quadrature, the published tanh numbers, and the theory against a
simulated wide network (lessonlib.propagation.propagate)."""

import math

import numpy as np
import pytest

from lessonlib import meanfield as mf
from lessonlib.propagation import propagate

# --- the quadrature against closed forms -----------------------------------------------


def test_quadrature_closed_forms():
    assert mf.gauss_expectation(lambda z: z**2) == pytest.approx(1.0, abs=1e-13)
    assert mf.gauss_expectation(lambda z: z**4) == pytest.approx(3.0, abs=1e-12)
    assert mf.gauss_expectation(np.ones_like) == pytest.approx(1.0, abs=1e-13)
    assert mf.gauss_expectation(lambda z: np.maximum(z, 0) ** 2) == pytest.approx(0.5, abs=1e-13)
    # ReLU's derivative jumps at the middle node: it counts half, so E[1{z>0}] = 1/2
    assert mf.gauss_expectation(lambda z: (z > 0).astype(float)) == pytest.approx(0.5, abs=1e-13)
    # ReLU of N(0, 1): mean 1/sqrt(2 pi); the kink at 0 costs the quadrature 0.8 % here
    assert mf.gauss_expectation(lambda z: np.maximum(z, 0)) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-2)
    assert mf.act_std(1.0, "relu") == pytest.approx(math.sqrt(0.5 - 1 / (2 * math.pi)), rel=1e-2)


def test_quadrature_against_monte_carlo():
    # 10**6 draws: the standard error of E[tanh'(z)**2] is about 3e-4, so 2e-3 is > 5 SE
    z = np.random.default_rng(0).standard_normal(1_000_000)
    monte_carlo = np.mean((1 - np.tanh(z) ** 2) ** 2)
    assert mf.chi(1.0, "tanh", 1.0) == pytest.approx(monte_carlo, abs=2e-3)
    assert mf.gauss_expectation(lambda u: np.tanh(u) ** 2) == pytest.approx(np.mean(np.tanh(z) ** 2), abs=2e-3)
    # 101 nodes against 370 (hermegauss's limit) for tanh: as documented, fine up to q ~ 3
    for q, error in ((0.01, 1e-12), (1.0, 1e-9), (2.0, 1e-6), (3.0, 2e-5)):
        assert mf.chi(q, "tanh", 1.0) == pytest.approx(mf.chi(q, "tanh", 1.0, n_points=370), abs=error)


def test_leaky_relu_and_identity_closed_forms():
    a = 0.2
    assert mf.chi(3.0, "leaky_relu", 1.0, slope=a) == pytest.approx((1 + a**2) / 2, abs=1e-13)
    assert mf.chi1("identity", 0.7) == pytest.approx(0.7)
    assert mf.length_map(2.0, 3, "identity", 0.5).tolist() == pytest.approx([1.0, 0.5, 0.25])


# --- the numbers FACTS.md quotes ---------------------------------------------------------


def test_tanh_lecun_is_critical_and_fades_slowly():
    assert mf.fixed_point("tanh", 1.0) == 0.0
    assert mf.chi1("tanh", 1.0) == pytest.approx(1.0, abs=1e-12)
    std = mf.predicted_act_std(1.0, 50, "tanh", 1.0)
    assert std[0] == pytest.approx(0.628, abs=5e-4)
    assert std[9] == pytest.approx(0.228, abs=5e-4)
    assert std[49] == pytest.approx(0.101, abs=5e-4)


def test_tanh_he_is_chaotic():
    assert mf.fixed_point("tanh", 2.0) == pytest.approx(0.618, abs=5e-4)
    assert mf.chi1("tanh", 2.0) == pytest.approx(1.106, abs=5e-4)
    assert mf.predicted_act_std(1.0, 50, "tanh", 2.0)[9:] == pytest.approx(0.556, abs=1e-3)
    assert mf.chi1("tanh", 2.0) ** 10 == pytest.approx(2.7, abs=0.05)
    # at the fixed point, 50 layers multiply the gradient variance by chi_1**50 ~ 150;
    # from q0 = 1 the first layers (q > q*) grow it less: 58.7 in a 50-layer net
    assert mf.chi1("tanh", 2.0) ** 50 == pytest.approx(150, rel=0.05)
    assert mf.gradient_variance_ratio(1.0, 50, "tanh", 2.0)[0] == pytest.approx(58.7, rel=1e-2)


def test_tanh_pytorch_gain():
    assert mf.fixed_point("tanh", 25 / 9) == pytest.approx(1.18, abs=5e-3)
    assert mf.chi1("tanh", 25 / 9) == pytest.approx(1.21, abs=5e-3)
    assert mf.chi1("tanh", 25 / 9) ** 10 == pytest.approx(6.7, abs=0.05)


def test_relu_forward_critical_at_he():
    q = mf.length_map(1.0, 30, "relu", 2.0)
    assert q == pytest.approx(np.full(30, 2.0))
    q = mf.length_map(1.0, 30, "relu", 1.0)
    assert q[-1] == pytest.approx(2.0**-29, rel=1e-12)  # q_1 = 1, halved 29 times
    assert mf.chi1("relu", 2.0) == pytest.approx(1.0)
    assert mf.fixed_point("relu", 2.0, q0=0.7) == 0.7  # every q is a fixed point


def test_fixed_point_near_the_critical_line():
    # tanh(x)**2 = x**2 - 2 x**4 / 3 + ... and E[z**4] = 3: q* = eps / 2 + O(eps**2)
    assert mf.fixed_point("tanh", 1.0001) == pytest.approx(5e-5, rel=1e-3)
    for sigma_w2, sigma_b2 in ((1.0, 1e-6), (2.0, 0.0), (3.0, 0.3), (50.0, 1.0)):
        q = mf.fixed_point("tanh", sigma_w2, sigma_b2)
        # length_map starts from the input: choose it so that q_1 = q*, then q stays put
        q0 = (q - sigma_b2) / sigma_w2
        assert mf.length_map(q0, 3, "tanh", sigma_w2, sigma_b2) == pytest.approx(np.full(3, q), rel=1e-9)
    # ReLU-like maps are lines, solved exactly: q* = sigma_b2 / (1 - sigma_w2 / 2)
    assert mf.fixed_point("relu", 1.0, 0.5) == pytest.approx(1.0)
    assert mf.fixed_point("identity", 0.5, 0.2) == pytest.approx(0.4)
    assert mf.fixed_point("leaky_relu", 1.0, 0.0) == 0.0
    # an overflow after the last layer is no overflow of the layers asked for
    assert mf.length_map(1e10, 1, "identity", 1e290).tolist() == pytest.approx([1e300])
    assert mf.fixed_point("sigmoid", 4.0, 0.1) > 0


def test_critical_line():
    assert mf.critical_sigma_w2(0.0, "tanh") == pytest.approx(1.0, abs=1e-6)
    assert mf.critical_sigma_w2(0.0, "relu") == pytest.approx(2.0, abs=1e-6)
    assert mf.critical_sigma_w2(0.3, "leaky_relu", slope=0.2) == pytest.approx(2 / 1.04, abs=1e-6)
    # tanh with biases needs larger weights to reach the edge (Schoenholz et al. fig. 1)
    w_crit = mf.critical_sigma_w2(0.05, "tanh")
    assert 1.5 < w_crit < 2.0
    assert mf.chi1("tanh", w_crit, 0.05) == pytest.approx(1.0, abs=1e-6)


def test_phase_diagram_orientation_and_boundary():
    w = np.array([0.5, 1.5, 3.0])
    b = np.array([0.0, 0.05])
    chi = mf.phase_diagram(w, b, "tanh")
    assert chi.shape == (2, 3)
    assert chi[0, 0] == pytest.approx(0.5)
    assert chi[0, 1] > 1 and chi[1, 1] < 1  # 1.5 is chaotic without biases, ordered with 0.05
    assert chi[1, 2] == pytest.approx(mf.chi1("tanh", 3.0, 0.05))
    relu = mf.phase_diagram([1.0, 3.0], [0.0, 0.1], "relu")
    assert relu == pytest.approx(np.array([[0.5, 1.5], [0.5, 1.5]]))


def test_named_initializers_sit_where_expected():
    rows = {r["label"]: r for r in mf.initializer_phases("tanh", fan_in=100)}
    assert rows["LeCun N(0, 1/fan_in)"]["phase"] == "critical"
    assert rows["Glorot, square layer"]["phase"] == "critical"
    assert rows["He N(0, 2/fan_in)"]["phase"] == "chaotic"
    assert rows["PyTorch tanh gain 5/3"]["chi1"] == pytest.approx(1.21, abs=5e-3)
    assert rows["PyTorch nn.Linear default"]["phase"] == "ordered"
    assert rows["PyTorch nn.Linear default"]["sigma_b2"] == pytest.approx(1 / 300)
    assert rows["N(0, 0.01²)"]["chi1"] == pytest.approx(0.01)
    assert rows["N(0, 1)"]["phase"] == "chaotic"


def test_tanh_story_numbers_and_text():
    rows = mf.tanh_story()
    assert [r["sigma_w2"] for r in rows] == pytest.approx([1.0, 2.0, 25 / 9])
    assert rows[0]["act_std"][10] == pytest.approx(0.228, abs=5e-4)
    assert rows[1]["act_std"][50] == pytest.approx(0.556, abs=1e-3)
    assert rows[1]["per_10_layers"] == pytest.approx(2.73, abs=0.01)
    assert rows[0]["grad_variance_growth"][50] == pytest.approx(0.0146, rel=0.01)
    text = mf.tanh_story_text()
    assert "critical" in text and "chaotic" in text and "0.628" in text


# --- the theory against a simulated wide network -----------------------------------------

# width 512, batch 64: a layer's act_std pools 32768 values and the per-seed runs take
# a second or two each on a busy 2-core machine. The theory is the infinite-width limit: the forward std is
# within 2 % over the first 10 layers (measured: 1.4 %). Deeper, LeCun's start sits at the
# critical point, where a layer's finite-width error in q is damped only polynomially, so
# one seed's drift accumulates: single seeds were off by up to 8 % (seed 2 of 0-5), the
# mean of 4 seeds by at most 2.5 % (10 % per seed, 3 % for the mean are asserted). He's
# start has a stable fixed point: every seed within 1.5 %. The backward product of 49 per-layer
# factors fluctuates from seed to seed (log ratio spread about 0.09 per seed at this
# width); the geometric mean of 4 seeds is within 15 % (about 3 of its standard errors).
WIDTH, BATCH, DEPTH, SEEDS = 512, 64, 50, (0, 1, 2, 3)


@pytest.fixture(scope="module")
def simulated():
    return {
        (init, seed): propagate(width=WIDTH, depth=DEPTH, activation="tanh", init=init, seed=seed, batch=BATCH)
        for init in ("lecun_normal", "he_normal")
        for seed in SEEDS
    }


@pytest.mark.parametrize("init, sigma_w2", [("lecun_normal", 1.0), ("he_normal", 2.0)])
def test_theory_predicts_simulated_act_std(simulated, init, sigma_w2):
    # propagate feeds x ~ N(0, 1): q0 = E[x**2] = 1, and z_1 = x @ W has variance sigma_w2
    predicted = mf.predicted_act_std(1.0, DEPTH, "tanh", sigma_w2)
    measured = np.array([simulated[init, seed].act_std for seed in SEEDS])
    n = len(SEEDS)
    assert measured[:, :10] == pytest.approx(np.tile(predicted[:10], (n, 1)), rel=0.02)
    assert measured == pytest.approx(np.tile(predicted, (n, 1)), rel=0.10 if sigma_w2 == 1.0 else 0.03)
    assert measured.mean(axis=0) == pytest.approx(predicted, rel=0.03)
    pre = np.array([simulated[init, seed].pre_std for seed in SEEDS]) ** 2
    # a variance: twice the relative error of the std it squares
    assert pre.mean(axis=0) == pytest.approx(mf.length_map(1.0, DEPTH, "tanh", sigma_w2), rel=0.08)


@pytest.mark.parametrize("init, sigma_w2, expected", [("lecun_normal", 1.0, 0.0146), ("he_normal", 2.0, 58.7)])
def test_theory_predicts_simulated_gradient_growth(simulated, init, sigma_w2, expected):
    predicted = mf.gradient_variance_ratio(1.0, DEPTH, "tanh", sigma_w2)
    assert predicted[0] == pytest.approx(expected, rel=0.01)
    logs = []
    for seed in SEEDS:
        grad_variance = np.array(simulated[init, seed].grad_std) ** 2
        logs.append(np.log(grad_variance / grad_variance[-1]))
    mean_log = np.mean(logs, axis=0)
    # over the whole depth, and over the top 10 layers
    assert math.exp(mean_log[0]) == pytest.approx(predicted[0], rel=0.15)
    assert math.exp(mean_log[DEPTH - 11]) == pytest.approx(predicted[DEPTH - 11], rel=0.15)
    # the simulation tells the phases apart by orders of magnitude, as the theory does
    assert (mean_log[0] > 0) == (sigma_w2 == 2.0)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: mf.length_map(1.0, 10, "softplus"), ValueError, "activation"),
        (lambda: mf.length_map(1.0, 10, 3), TypeError, "activation"),
        (lambda: mf.length_map(1.0, True), TypeError, "depth"),
        (lambda: mf.length_map(1.0, 2.5), TypeError, "depth"),
        (lambda: mf.length_map(1.0, 0), ValueError, "depth"),
        (lambda: mf.length_map(-1.0, 10), ValueError, "q0"),
        (lambda: mf.length_map(float("nan"), 10), ValueError, "q0"),
        (lambda: mf.length_map(1.0, 10, "tanh", -1.0), ValueError, "sigma_w2"),
        (lambda: mf.length_map(1.0, 10, "tanh", float("inf")), ValueError, "sigma_w2"),
        (lambda: mf.length_map(1.0, 10, "tanh", 1.0, -0.1), ValueError, "sigma_b2"),
        (lambda: mf.length_map(1.0, 10, "tanh", "1"), TypeError, "sigma_w2"),
        (lambda: mf.length_map(1.0, 10, "leaky_relu", slope=2.0), ValueError, "slope"),
        (lambda: mf.length_map(1.0, 10, n_points=1), ValueError, "n_points"),
        (lambda: mf.length_map(1.0, 5000, "relu", 4.0), ValueError, "overflow"),
        (lambda: mf.fixed_point("relu", 3.0), ValueError, "did not converge"),
        (lambda: mf.fixed_point("relu", 2.0, 0.1), ValueError, "no finite fixed point"),
        (lambda: mf.length_map(1e308, 3, "tanh", 10.0), ValueError, "overflow"),
        (lambda: mf.fixed_point("tanh", 2.0, max_iter=3), ValueError, "max_iter"),
        (lambda: mf.act_std([1.0, -1.0]), ValueError, "q"),
        (lambda: mf.chi("x"), TypeError, "q"),
        (lambda: mf.gauss_expectation(3), TypeError, "callable"),
        (lambda: mf.gauss_expectation(lambda z: 1 / z * 0 + np.log(z)), ValueError, "non-finite"),
        (lambda: mf.gauss_expectation(lambda z: z[:3]), ValueError, "one value per node"),
        (lambda: mf.phase_diagram([], [0.0]), ValueError, "sigma_w2_grid"),
        (lambda: mf.phase_diagram([1.0, -1.0], [0.0]), ValueError, "sigma_w2_grid"),
        (lambda: mf.phase_diagram([1.0], [[0.0]]), ValueError, "sigma_b2_grid"),
        (lambda: mf.phase_diagram([1.0], ["a"]), TypeError, "sigma_b2_grid"),
        (lambda: mf.phase_diagram([1.0], [0.0], "leaky_relu", slope=-1.0), ValueError, "slope"),
        (lambda: mf.critical_sigma_w2(-1.0), ValueError, "sigma_b2"),
        (lambda: mf.tanh_story(depths=(0,)), ValueError, "depths"),
        (lambda: mf.named_initializers(fan_in=0), ValueError, "fan_in"),
    ],
)
def test_bad_input_names_the_parameter(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_phase_diagram_marks_runaway_cells_nan():
    # ReLU with sigma_b2 > 0 at sigma_w2 = 2 has no finite q*, but chi_1 is still sigma_w2/2
    assert mf.phase_diagram([2.0], [0.1], "relu")[0, 0] == pytest.approx(1.0)
    # sigmoid: the bounded map always has a fixed point
    assert np.all(np.isfinite(mf.phase_diagram([1.0, 50.0], [0.0, 1.0], "sigmoid")))
