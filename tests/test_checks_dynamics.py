"""Notebook 06's checks: right answers pass, typical wrong answers get a hint, nothing raises."""

import math

import numpy as np
import pytest

from lessonlib import checks, solutions

ODD = [None, "0.14", "abc", float("nan"), math.inf, -1, 0, np.zeros(3), np.zeros((2, 2)), len, lambda x: x, True,
       [0.1, 0.2], object()]


@pytest.mark.parametrize("check", [checks.check_relu_forward_std, checks.check_relu_backward_std])
def test_discovery_right_answers_pass(check):
    assert check(solutions.relu_forward_std())
    assert check(np.float32(math.sqrt(0.02)))
    assert check(np.array([math.sqrt(0.02)]))


@pytest.mark.parametrize("check", [checks.check_relu_forward_std, checks.check_relu_backward_std])
@pytest.mark.parametrize("value, direction", [(0.1, "larger"), (0.01, "larger"), (0.02, "larger"),
                                              (0.2, "smaller"), (1.0, "smaller"), (0.15, "smaller")])
def test_discovery_typical_wrong_answers_say_how_far_and_which_way(check, value, direction):
    verdict = check(value)  # 0.1 = sqrt(1/fan_in), 0.02 = the variance, 1 = N(0, 1), ...
    assert not verdict
    text = str(verdict)
    assert f"make std {direction}" in text
    assert ("too small" if direction == "larger" else "too large") in text


@pytest.mark.parametrize("value", ODD)
def test_discovery_never_raises(value):
    for check in (checks.check_relu_forward_std, checks.check_relu_backward_std):
        verdict = check(value)
        assert not verdict and str(verdict).startswith("Not yet")


def test_flat_network_is_flat_and_the_solution_repairs_it():
    from lessonlib.data import digits

    X, _, y, _ = digits(n_train=500)
    history = checks.flat_loss_network().fit(X, y, epochs=3, lr=0.1, batch_size=50, momentum=0.9)
    assert history.loss[-1] > 2.2
    assert checks.check_broken_layer(solutions.BROKEN_LAYER)
    assert checks.check_broken_layer("3")
    assert checks.check_repaired_network(solutions.repair_network(checks.flat_loss_network()))


@pytest.mark.parametrize("answer", [1, 2, 4, 0, 5, 2.5, *ODD])
def test_broken_layer_wrong_answers_get_a_hint(answer):
    verdict = checks.check_broken_layer(answer)
    assert not verdict and len(verdict.failures) == 1


def _modified(layer, new):
    model = checks.flat_loss_network()
    model.weights[layer] = new(model.weights[layer])
    return model


@pytest.mark.parametrize("model, hint", [
    (checks.flat_loss_network(), "unchanged"),
    (_modified(2, np.abs), "centred on 0"),
    (_modified(2, lambda W: W * 0.0), "std is 0"),
    (_modified(2, lambda W: 0.001 * np.sign(np.random.default_rng(0).normal(size=W.shape))), "std"),
    (_modified(2, lambda W: np.full((3, 3), np.nan)), "finite (32, 32)"),
    (solutions.repair_network(checks.flat_loss_network(), layer=2), "layer 2 was fine"),
])
def test_repaired_network_typical_mistakes(model, hint):
    verdict = checks.check_repaired_network(model)
    assert not verdict and hint in str(verdict)


@pytest.mark.parametrize("value", ODD)
def test_repaired_network_never_raises(value):
    assert not checks.check_repaired_network(value)
