"""Framework defaults: lessonlib's draws against their formulas, and (marker ``torch``)
against the real PyTorch where it is installed (.ci/torch-defaults).

Tolerances: the sample variance of n i.i.d. values has relative standard error
sqrt((kurtosis - 1) / n): sqrt(0.8 / n) for a uniform, sqrt(2 / n) for a normal, and in
between for the truncated normal. Each tolerance below is at least 5 of those.
"""

import math
import os
import sys

import numpy as np
import pytest

from lessonlib import frameworks as fw
from lessonlib import init

FAN_IN, FAN_OUT = 400, 300
REPEATS = 10  # 10 layers of 400 x 300: 1.2 M weights, 3000 biases


def _stack(framework, repeats=REPEATS, fan_in=FAN_IN, fan_out=FAN_OUT):
    draws = [fw.draw_default(framework, fan_in, fan_out, seed) for seed in range(repeats)]
    return np.stack([W for W, _ in draws]), np.stack([b for _, b in draws])


@pytest.mark.parametrize("framework", fw.FRAMEWORKS)
def test_draws_match_the_formulas(framework):
    W, b = _stack(framework)
    assert W.shape == (REPEATS, FAN_IN, FAN_OUT) and b.shape == (REPEATS, FAN_OUT)
    w_var, b_var = fw.default_variance(framework, FAN_IN, FAN_OUT)
    w_bound, b_bound = fw.bounds(framework, FAN_IN, FAN_OUT)
    # 1.2 M weights: relative SE of the variance <= 0.0013; 1 % is > 7 SE
    assert W.var() == pytest.approx(w_var, rel=0.01)
    assert abs(W.mean()) < 5 * math.sqrt(w_var / W.size)
    assert np.abs(W).max() <= w_bound
    assert np.abs(W).max() > 0.999 * w_bound  # the bound is reached: it is the right bound
    if b_var == 0:
        assert np.all(b == 0)
    else:
        # 3000 biases: relative SE 0.016; 10 % is 6 SE
        assert b.var() == pytest.approx(b_var, rel=0.10)
        assert np.abs(b).max() <= b_bound
        assert np.abs(b).max() > 0.99 * b_bound


def test_formulas_by_hand():
    assert fw.default_variance("pytorch", 100, 7) == pytest.approx((1 / 300, 1 / 300))
    assert fw.default_variance("keras", 100, 50) == (2 / 150, 0.0)
    assert fw.default_variance("tf1", 100, 50) == fw.default_variance("keras", 100, 50)
    assert fw.default_variance("flax", 100, 50) == (1 / 100, 0.0)
    # PyTorch's nn.Linear is Glorot's "standard" heuristic; Keras' Dense is Glorot uniform
    assert fw.default_variance("pytorch", 100, 50)[0] == init.variance("glorot_standard", 100, 50)
    assert fw.default_variance("keras", 100, 50)[0] == pytest.approx(init.variance("glorot_uniform", 100, 50))
    # U(-l, l) has variance l**2 / 3
    for name in ("pytorch", "keras"):
        limit, _ = fw.bounds(name, 100, 50)
        assert limit**2 / 3 == pytest.approx(fw.default_variance(name, 100, 50)[0])


def test_seeded_and_reproducible():
    W1, b1 = fw.draw_default("pytorch", 20, 10, 3)
    W2, b2 = fw.draw_default("pytorch", 20, 10, np.random.default_rng(3))
    assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
    assert not np.array_equal(W1, fw.draw_default("pytorch", 20, 10, 4)[0])


def test_truncated_normal_std():
    assert fw.truncated_normal_std(2.0) == pytest.approx(fw.TRUNCATED_STD, abs=1e-12)
    x = fw.truncated_normal(1_000_000, 1.0 / fw.TRUNCATED_STD, rng=0)
    # the target std after truncation is 1; relative SE of the std about 0.0006
    assert x.std() == pytest.approx(1.0, rel=0.004)
    assert np.abs(x).max() <= 2.0 / fw.TRUNCATED_STD
    assert abs(x.mean()) < 0.005
    y = fw.truncated_normal((300, 200), 0.5, rng=1, bound=1.0)
    assert y.shape == (300, 200) and np.abs(y).max() <= 0.5
    assert y.std() == pytest.approx(0.5 * fw.truncated_normal_std(1.0), rel=0.01)


def test_tables_are_complete():
    assert set(fw.NAMES) == set(fw.FRAMEWORKS)
    for names in fw.NAMES.values():
        assert set(names) == {"lecun", "glorot", "he"}
    assert "HeNormal (truncated normal)" in fw.NAMES["keras"]["he"]
    text = fw.table()
    assert all(d.layer in text for d in fw.DEFAULTS)


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda: fw.draw_default("mxnet", 3, 3), ValueError, "framework"),
        (lambda: fw.draw_default(1, 3, 3), TypeError, "framework"),
        (lambda: fw.draw_default("keras", 0, 3), ValueError, "fan_in"),
        (lambda: fw.draw_default("keras", 3, True), ValueError, "fan_out"),
        (lambda: fw.draw_default("keras", 3, 3, seed=-1), ValueError, "seed"),
        (lambda: fw.default_variance("flax", 2.5, 3), ValueError, "fan_in"),
        (lambda: fw.bounds("torch", 3, 3), ValueError, "framework"),
        (lambda: fw.truncated_normal(3, -1.0), ValueError, "sigma"),
        (lambda: fw.truncated_normal(3, "1"), TypeError, "sigma"),
        (lambda: fw.truncated_normal(3, 1.0, bound=0.1), ValueError, "bound"),
        (lambda: fw.truncated_normal(3, float("nan")), ValueError, "sigma"),
    ],
)
def test_bad_input_names_the_parameter(call, error, name):
    with pytest.raises(error, match=name):
        call()


# --- the real PyTorch (.ci/torch-defaults sets LESSONLIB_REQUIRE_TORCH=1) -------------------


def _torch():
    try:
        import torch
    except ImportError as error:
        if os.environ.get("LESSONLIB_REQUIRE_TORCH") == "1":
            pytest.fail(f"LESSONLIB_REQUIRE_TORCH=1 but torch does not import: {error}")
        pytest.skip("torch is not installed here; .ci/torch-defaults runs this test in its own environment")
    return torch


@pytest.mark.torch
def test_pytorch_linear_matches_the_table():
    torch = _torch()
    torch.manual_seed(0)
    layers = [torch.nn.Linear(FAN_IN, FAN_OUT) for _ in range(REPEATS)]
    # weight is (out, in): transpose to lessonlib's (fan_in, fan_out)
    W = np.stack([layer.weight.detach().double().numpy().T for layer in layers])
    b = np.stack([layer.bias.detach().double().numpy() for layer in layers])
    assert W.shape == (REPEATS, FAN_IN, FAN_OUT)
    w_var, b_var = fw.default_variance("pytorch", FAN_IN, FAN_OUT)
    w_bound, b_bound = fw.bounds("pytorch", FAN_IN, FAN_OUT)
    assert W.var() == pytest.approx(w_var, rel=0.01)
    assert abs(W.mean()) < 5 * math.sqrt(w_var / W.size)
    assert w_bound * 0.999 < np.abs(W).max() <= w_bound * (1 + 1e-6)  # float32 rounding
    assert b.var() == pytest.approx(b_var, rel=0.10)
    assert b_bound * 0.99 < np.abs(b).max() <= b_bound * (1 + 1e-6)
    ours, _ = _stack("pytorch")
    assert W.var() == pytest.approx(ours.var(), rel=0.015)


@pytest.mark.torch
@pytest.mark.parametrize(
    "torch_init, ours, bounded",
    [("xavier_uniform_", "glorot_uniform", True), ("xavier_normal_", "glorot_normal", False),
     ("kaiming_uniform_", "he_uniform", True), ("kaiming_normal_", "he_normal", False)],
)
def test_pytorch_init_defaults_match_lessonlib_init(torch_init, ours, bounded):
    torch = _torch()
    torch.manual_seed(1)
    weight = torch.empty(FAN_OUT * REPEATS, FAN_IN)  # fan_in = FAN_IN, fan_out = 10 * FAN_OUT
    getattr(torch.nn.init, torch_init)(weight)
    theirs = weight.double().numpy().T
    fan_out = FAN_OUT * REPEATS
    expected = init.variance(ours, FAN_IN, fan_out)
    mine = init.initialize(ours, FAN_IN, fan_out, 0)
    # 1.2 M values: relative SE of the variance at most sqrt(2 / 1.2e6) = 0.0013
    assert theirs.var() == pytest.approx(expected, rel=0.01)
    assert mine.var() == pytest.approx(expected, rel=0.01)
    if bounded:
        limit = math.sqrt(3 * expected)
        assert limit * 0.999 < np.abs(theirs).max() <= limit * (1 + 1e-6)
        assert limit * 0.999 < np.abs(mine).max() <= limit


@pytest.mark.torch
def test_pytorch_truncated_normal_matches_ours():
    torch = _torch()
    torch.manual_seed(2)
    sigma = 0.1 / fw.TRUNCATED_STD  # a target std of 0.1 after the cut at 2 sigma
    x = torch.nn.init.trunc_normal_(torch.empty(1_000_000), std=sigma, a=-2 * sigma, b=2 * sigma)
    theirs = x.double().numpy()
    mine = fw.truncated_normal(1_000_000, sigma, rng=2)
    assert theirs.std() == pytest.approx(0.1, rel=0.004)
    assert mine.std() == pytest.approx(theirs.std(), rel=0.006)
    assert np.abs(theirs).max() <= 2 * sigma * (1 + 1e-6)


def test_missing_torch_skips_locally_but_fails_when_required(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    monkeypatch.setenv("LESSONLIB_REQUIRE_TORCH", "1")
    with pytest.raises(pytest.fail.Exception, match="LESSONLIB_REQUIRE_TORCH=1"):
        _torch()
    monkeypatch.delenv("LESSONLIB_REQUIRE_TORCH")
    with pytest.raises(pytest.skip.Exception, match="torch-defaults"):
        _torch()
