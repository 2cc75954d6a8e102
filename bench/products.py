"""The parts of a training epoch timed alone: matrix products, sigmoids, random numbers.

Each function here builds arrays of the shapes one epoch uses and returns a
zero-argument function that does that part of the epoch's work and nothing else, so
that ``bench.training`` can say which share of an epoch it is.
"""

from __future__ import annotations

import numpy as np


def batch_sizes(n, batch):
    """The sizes of the minibatches of one epoch over ``n`` rows (the last may be short)."""
    return [min(batch, n - s) for s in range(0, n, batch)]


def rbm_products(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function running the matrix products of one CD-k (PCD-k) epoch, alone: the chain's
    and the statistics', and for PCD the one of the reconstruction ``fit`` records."""
    rng = np.random.default_rng(0)
    W = rng.random((n_visible, n_hidden))
    sizes = batch_sizes(n, batch)
    arrays = {m: (rng.random((m, n_visible)), rng.random((m, n_hidden))) for m in set(sizes)}

    def run():
        for m in sizes:
            v, h = arrays[m]
            v @ W  # p0 = sigmoid(v0 W + c)
            if persistent:
                v @ W  # the persistent chains' hidden probabilities
                # the reconstruction fit records, p(v | p0): the chains do not start at the
                # data, so unlike CD's record it cannot reuse a product of the chain
                h @ W.T
            for _ in range(k):
                h @ W.T  # p(v | h)
                v @ W  # p(h | v)
            v.T @ h  # <v h>_data
            v.T @ h  # <v h>_model

    return run


def rbm_sigmoids(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function running the element-wise sigmoids of one CD-k (PCD-k) epoch, alone.

    The three in-place passes ``fit`` makes (exp, add 1, reciprocal, on an array that
    already holds -z: ``lessonlib.rbm._sigmoid_from_minus``) on arrays of the shapes of
    the epoch's pre-activations; for PCD also the chains' hidden side and, at the first
    step, the recorded reconstruction's visible side.
    """
    from lessonlib.rbm import _sigmoid_from_minus

    rng = np.random.default_rng(0)
    sizes = batch_sizes(n, batch)
    buffers = {m: (rng.normal(size=(m, n_visible)), rng.normal(size=(m, n_hidden))) for m in set(sizes)}

    # in place, as fit does (the values stay between 0 and 1 call after call: no overflow)
    def run():
        for m in sizes:
            zv, zh = buffers[m]
            _sigmoid_from_minus(zh)
            if persistent:
                _sigmoid_from_minus(zh)  # the chains' p(h | v)
            for step in range(k):
                _sigmoid_from_minus(zv)
                if persistent and step == 0:
                    _sigmoid_from_minus(zv)  # the recorded reconstruction p(v | p0)
                _sigmoid_from_minus(zh)

    return run


def rbm_random_numbers(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function drawing the uniform numbers one CD-k (PCD-k) epoch samples with, alone.

    Per row of a batch: the hidden states of the chain's start, and for each further
    Gibbs step a visible and a hidden state; PCD also samples the last visible state.
    One ``Generator.random`` call per mini-batch, as ``fit`` draws them.
    """
    rng = np.random.default_rng(0)
    per_row = n_hidden + (k - 1) * (n_visible + n_hidden) + (n_visible if persistent else 0)
    sizes = batch_sizes(n, batch)
    buffers = {m: np.empty(m * per_row) for m in set(sizes)}

    def run():
        for m in sizes:
            rng.random(out=buffers[m])

    return run


def rbm_reconstruction_error(V, n_hidden):
    """A function computing the full-pass error ``fit`` records once, at epoch 0.

    ``RBM.reconstruction_error(V)``: the mean squared error of the deterministic
    reconstruction of all of ``V`` (hidden probabilities passed back, no sampling), the
    number ``history.recon_error[0]`` holds. The epochs after it record the error of the
    reconstructions their mini-batches already made, which costs no pass of its own.
    """
    from lessonlib.rbm import RBM

    model = RBM(V.shape[1], n_hidden, seed=0)

    def run():
        model.reconstruction_error(V)

    return run


def mlp_products(n, batch, layer_sizes):
    """A function running the matrix products of one SGD epoch (forward and backward), alone."""
    rng = np.random.default_rng(0)
    Ws = [rng.random((a, b)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    sizes = batch_sizes(n, batch)
    acts = {m: [rng.random((m, s)) for s in layer_sizes] for m in set(sizes)}

    def run():
        for m in sizes:
            a = acts[m]
            for layer, W in enumerate(Ws):
                a[layer] @ W  # z_l = a_{l-1} W_l
            for layer in range(len(Ws) - 1, -1, -1):
                a[layer].T @ a[layer + 1]  # dW_l = a_{l-1}.T delta_l
                if layer > 0:
                    a[layer + 1] @ Ws[layer].T  # delta_{l-1} = (delta_l W_l.T) * f'

    return run
