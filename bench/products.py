"""The parts of a training epoch timed alone: matrix products, sigmoids, bookkeeping.

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
    """A function running the matrix products of one CD-k (PCD-k) epoch, alone."""
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
            for _ in range(k):
                h @ W.T  # p(v | h)
                v @ W  # p(h | v)
            v.T @ h  # <v h>_data
            v.T @ h  # <v h>_model

    return run


def rbm_sigmoids(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function running the element-wise sigmoids of one CD-k epoch, alone."""
    from lessonlib.rbm import sigmoid

    rng = np.random.default_rng(0)
    sizes = batch_sizes(n, batch)
    arrays = {
        m: (rng.normal(size=(m, n_visible)), rng.normal(size=(m, n_hidden))) for m in set(sizes)
    }

    def run():
        for m in sizes:
            zv, zh = arrays[m]
            sigmoid(zh)
            if persistent:
                sigmoid(zh)
            for _ in range(k):
                sigmoid(zv)
                sigmoid(zh)

    return run


def rbm_reconstruction_error(V, n_hidden):
    """A function computing what ``RBM.fit`` records after each epoch, through public API.

    That record (without likelihood tracking or snapshots) is the mean squared error
    of the deterministic reconstruction of all of ``V``: ``mean((V - x_hat) ** 2)`` with
    ``x_hat = RBM.reconstruct(V)`` (hidden probabilities passed back, no sampling). The
    public ``reconstruct`` also checks its input, which ``fit``'s own record skips, so
    this slightly overstates the bookkeeping's cost.
    """
    from lessonlib.rbm import RBM

    model = RBM(V.shape[1], n_hidden, seed=0)

    def run():
        float(np.mean((V - model.reconstruct(V)) ** 2))

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
