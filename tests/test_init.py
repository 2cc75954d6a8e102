import math

import numpy as np
import pytest

from lessonlib import init
from lessonlib.init import initialize, variance

# (name, options, expected variance as a function of fan_in, fan_out) from the formula table
FORMULAS = [
    ("zeros", {}, lambda i, o: 0.0),
    ("constant", {"value": 0.3}, lambda i, o: 0.0),
    ("normal", {"std": 0.01}, lambda i, o: 1e-4),
    ("uniform", {"limit": 0.2}, lambda i, o: 0.2**2 / 3),
    ("slide_xavier", {}, lambda i, o: 1 / i),
    ("slide_he", {}, lambda i, o: 2 / i),
    ("lecun_normal", {}, lambda i, o: 1 / i),
    ("glorot_standard", {}, lambda i, o: 1 / (3 * i)),
    ("glorot_uniform", {}, lambda i, o: 2 / (i + o)),
    ("glorot_normal", {}, lambda i, o: 2 / (i + o)),
    ("he_normal", {}, lambda i, o: 2 / i),
    ("he_uniform", {}, lambda i, o: 2 / i),
    ("orthogonal", {}, lambda i, o: 1 / max(i, o)),
    ("glorot_uniform", {"gain": 5 / 3}, lambda i, o: (5 / 3) ** 2 * 2 / (i + o)),
    ("he_normal", {"gain": init.gain("leaky_relu", 0.2)}, lambda i, o: 2 / (1 + 0.04) / i),
    ("lecun_normal", {"gain": 2.0}, lambda i, o: 4 / i),
]


@pytest.mark.parametrize("name, options, formula", FORMULAS)
@pytest.mark.parametrize("fan_in, fan_out", [(400, 300), (300, 600)])
def test_sample_variance_matches_formula(name, options, formula, fan_in, fan_out):
    W = initialize(name, fan_in, fan_out, 0, **options)
    assert W.shape == (fan_in, fan_out)
    expected = formula(fan_in, fan_out)
    assert variance(name, fan_in, fan_out, **options) == pytest.approx(expected, rel=1e-12)
    if expected == 0:
        assert np.ptp(W) == 0
        return
    # 120k draws: the sample variance is within about 1 % (4 standard errors) of the truth
    assert W.var() == pytest.approx(expected, rel=0.02)
    if name != "constant":
        assert abs(W.mean()) < 4 * math.sqrt(expected / W.size) + 1e-12


def test_slide_one_liners_are_exactly_the_slide_code():
    rng = np.random.default_rng(7)
    expected = rng.standard_normal((50, 20)) / np.sqrt(50)
    assert np.array_equal(initialize("slide_xavier", 50, 20, 7), expected)
    rng = np.random.default_rng(7)
    expected = rng.standard_normal((50, 20)) / np.sqrt(50 / 2)
    assert np.array_equal(initialize("slide_he", 50, 20, 7), expected)


def test_uniform_initializers_stay_inside_their_limits():
    W = initialize("glorot_uniform", 30, 70, 1)
    assert np.abs(W).max() <= math.sqrt(6 / 100)
    assert np.abs(W).max() > 0.95 * math.sqrt(6 / 100)
    W = initialize("he_uniform", 30, 70, 1)
    assert np.abs(W).max() <= math.sqrt(6 / 30)


@pytest.mark.parametrize("fan_in, fan_out", [(64, 32), (32, 64), (50, 50)])
def test_orthogonal_is_orthonormal(fan_in, fan_out):
    W = initialize("orthogonal", fan_in, fan_out, 3, gain=2.0)
    if fan_in >= fan_out:
        np.testing.assert_allclose(W.T @ W, 4.0 * np.eye(fan_out), atol=1e-10)
    else:
        np.testing.assert_allclose(W @ W.T, 4.0 * np.eye(fan_in), atol=1e-10)


@pytest.mark.parametrize("name", init.names())
def test_reproducible_by_seed_and_different_across_seeds(name):
    a = initialize(name, 20, 10, 5)
    b = initialize(name, 20, 10, 5)
    assert np.array_equal(a, b)
    if name not in ("zeros", "constant"):
        assert not np.array_equal(a, initialize(name, 20, 10, 6))


def test_generator_is_accepted_and_advanced():
    rng = np.random.default_rng(0)
    a = initialize("he_normal", 5, 5, rng)
    b = initialize("he_normal", 5, 5, rng)
    assert not np.array_equal(a, b)


def test_aliases():
    assert init.resolve("Xavier") == "glorot_uniform"
    assert init.resolve("kaiming_normal") == "he_normal"
    assert init.resolve("he") == "he_normal"


def test_gains_match_pytorch_table():
    assert init.gain("sigmoid") == 1.0
    assert init.gain("identity") == 1.0
    assert init.gain("tanh") == pytest.approx(5 / 3)
    assert init.gain("relu") == pytest.approx(math.sqrt(2))
    assert init.gain("leaky_relu", 0.01) == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    with pytest.raises(ValueError, match="expected one of"):
        init.gain("swish")


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown initializer 'xavir'.*glorot_uniform"):
        initialize("xavir", 3, 3, 0)
    with pytest.raises(ValueError, match="must be a string"):
        initialize(None, 3, 3, 0)


@pytest.mark.parametrize("fan_in, fan_out", [(0, 3), (3, -1), (2.5, 3), (True, 3), ("3", 3)])
def test_bad_sizes(fan_in, fan_out):
    with pytest.raises(ValueError, match="positive integer"):
        initialize("he_normal", fan_in, fan_out, 0)


def test_bad_options_and_seeds():
    with pytest.raises(ValueError, match="unknown option\\(s\\) 'std'"):
        initialize("he_normal", 3, 3, 0, std=1.0)
    with pytest.raises(ValueError, match="std must be a positive"):
        initialize("normal", 3, 3, 0, std=-1.0)
    with pytest.raises(ValueError, match="seed must be"):
        initialize("normal", 3, 3, None)
    with pytest.raises(ValueError, match="seed must be"):
        initialize("normal", 3, 3, -2)
    with pytest.raises(ValueError, match="value must be a finite"):
        initialize("constant", 3, 3, 0, value=float("nan"))


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
