"""Reference solutions to the exercises (open only after trying!).

Each function passes its check in ``lessonlib.checks``; the tests make sure of it.
"""

from __future__ import annotations

import math

import numpy as np


def initial_loss(n_classes):
    """Notebook 00: the cross-entropy of a fair guess over n_classes, -ln(1/C) = ln C nats."""
    return math.log(n_classes)


def small_random_init(fan_in, fan_out, seed):
    """Notebook 01: N(0, 0.01**2) weights; 0.01 is the standard deviation."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 0.01, size=(fan_in, fan_out))


def hidden_probabilities(V, W, c):
    """Notebook 02: p(h = 1 | v) = sigmoid(v W + c), one row per visible vector."""
    return 1.0 / (1.0 + np.exp(-(V @ W + c)))


def unroll(dbn, n_classes, seed):
    """Notebook 03: the RBMs' weights and hidden biases as the hidden layers, a new output layer."""
    from lessonlib.nn import MLP

    net = MLP([*dbn.layer_sizes, n_classes], activation="sigmoid", init="glorot_uniform", seed=seed)
    for layer, rbm in enumerate(dbn.rbms):
        net.weights[layer] = rbm.W.copy()
        net.biases[layer] = rbm.hidden_bias.copy()
    return net


def xavier_init(fan_in, fan_out, seed):
    """Notebook 04: Glorot (Xavier) uniform, U(+-sqrt(6/(fan_in + fan_out))).

    A uniform on [-r, r] has variance r**2 / 3, so r = sqrt(6/(fan_in + fan_out)) gives
    the variance 2/(fan_in + fan_out).
    """
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_init(fan_in, fan_out, seed):
    """Notebook 04: He normal, N(0, 2/fan_in); the standard deviation is sqrt(2/fan_in)."""
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def lsuv_rescale(W, A):
    """Notebook 05: one LSUV step, W / sqrt(Var(A @ W)), so the layer's output has variance 1."""
    return W / np.sqrt(np.var(A @ W))


def relu_forward_std(fan_in=100):
    """Notebook 06: He's std for ReLU, sqrt(2/fan_in) (each layer keeps the variance: fan_in·Var(W)/2 = 1)."""
    return float(np.sqrt(2.0 / fan_in))


def relu_backward_std(fan_out=100):
    """Notebook 06: going down, fan_out·Var(W)/2 = 1; with square layers the same number."""
    return float(np.sqrt(2.0 / fan_out))


#: Notebook 06: layer 3 of ``checks.flat_loss_network`` started with every weight negative.
BROKEN_LAYER = 3


def repair_network(model, layer=BROKEN_LAYER, seed=0):
    """Notebook 06: a copy of ``model`` with weight layer ``layer`` (1-based) drawn afresh from He normal."""
    import copy

    from lessonlib import init

    fixed = copy.deepcopy(model)
    fan_in, fan_out = fixed.weights[layer - 1].shape
    fixed.weights[layer - 1] = init.initialize("he_normal", fan_in, fan_out, np.random.default_rng(seed))
    return fixed
