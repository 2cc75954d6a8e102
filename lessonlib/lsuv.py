"""LSUV: layer-sequential unit-variance initialization (Mishkin & Matas 2015).

A data-dependent start in two steps:

1. pre-initialize every weight matrix with an orthonormal one (Saxe et al. 2013;
   ``lessonlib.init.orthogonal``);
2. going from the first layer to the last, push a batch of real inputs through the
   network, measure the variance of the layer's output z_l = a_{l-1} W_l + b_l (the
   pre-activation, before the non-linearity) and divide W_l by sqrt(Var(z_l)); repeat
   until |Var(z_l) - 1| < tol, at most ``max_iter`` times, then move on to the next layer.

The layers below l are already final when layer l is scaled, so one pass over the
layers is enough: that is the "layer-sequential". With zero biases one rescaling makes
the variance exactly 1 on the batch (it scales with the square of the factor); the loop
and its cap matter when biases are not zero, and in the paper, where every iteration
draws a new mini-batch.

The paper's Algorithm 1 and its reference code use tol = 0.02 on the variance and at most
20 iterations per layer; they are the defaults here. The whole batch of a layer's outputs
(all examples, all units) counts as one sample, as the paper's "Var(B_L)" of an output blob.

References
----------
Mishkin, Matas (2015). All you need is a good init. arXiv:1511.06422 (ICLR 2016).
Saxe, McClelland, Ganguli (2013). Exact solutions to the nonlinear dynamics of learning
in deep linear neural networks. arXiv:1312.6120.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lessonlib import _validate
from lessonlib.nn import ACTIVATIONS, MLP


def output_variance(W, A, b=None):
    """Var(A @ W + b) over every entry: the variance of a layer's output on the batch A.

    W has shape (fan_in, fan_out), A (n, fan_in) with n >= 1, b (fan_out,); all finite.
    The result may still be infinite when the product overflows (a far too large W).
    """
    W, A, b = _layer(W, A, b)
    return _output_variance(W, A, b)


def _layer(W, A, b):
    """The checked arguments of ``output_variance`` and ``rescale``."""
    W = _validate.array(W, "W", ndim=2, what="fan_in, fan_out")
    A = _validate.array(A, "A", shape=(None, W.shape[0]), what=f"one row per example, fan_in = {W.shape[0]} inputs")
    if b is not None:
        b = _validate.array(b, "b", shape=(W.shape[1],), what="one per column of W")
    return W, A, b


def _output_variance(W, A, b=None):
    with np.errstate(all="ignore"):
        z = A @ W if b is None else A @ W + b
        return float(np.var(z))


def rescale(W, A, b=None):
    """One LSUV step for one layer: W / sqrt(Var(A @ W + b)).

    Parameters
    ----------
    W : ndarray (fan_in, fan_out), the layer's weights
    A : ndarray (n, fan_in), the layer's inputs on a batch (the data for the first layer,
        the previous layer's activations otherwise)
    b : ndarray (fan_out,), optional, the layer's biases

    Returns
    -------
    The rescaled weights (a new array). With b = 0 the output variance is then exactly 1.
    Raises ValueError when the output variance is 0 or not finite (nothing to rescale).
    """
    W, A, b = _layer(W, A, b)
    var = _output_variance(W, A, b)
    if not math.isfinite(var) or var <= 0.0:
        raise ValueError(f"the layer's output variance is {var!r}: cannot rescale it to 1")
    return W / math.sqrt(var)


@dataclass
class LSUVReport:
    """What ``lsuv`` did, one entry per weight layer (index 0 = first layer).

    iterations[l]  rescaling steps taken for layer l (0 if it was already within tol)
    variance[l]    Var(z_l) on the batch when LSUV left layer l
    converged[l]   |variance[l] - 1| < tol; False when the cap ``max_iter`` was reached or
                   the variance was 0 or not finite (e.g. an all-zero layer)
    """

    tol: float
    max_iter: int
    iterations: list = field(default_factory=list)
    variance: list = field(default_factory=list)
    converged: list = field(default_factory=list)

    @property
    def all_converged(self):
        return all(self.converged)

    def summary(self):
        """One line, e.g. "LSUV: 7 layers at unit variance (tol 0.02), 1 step each"."""
        n = len(self.converged)
        if self.all_converged:
            steps = sorted(set(self.iterations))
            text = ", ".join(map(str, steps))
            return f"LSUV: {n} layers at unit variance (tol {self.tol:g}), {text} step(s) per layer"
        bad = [str(k + 1) for k, ok in enumerate(self.converged) if not ok]
        return (
            f"LSUV: layer(s) {', '.join(bad)} not within tol {self.tol:g} "
            f"after at most {self.max_iter} steps"
        )


def lsuv(model, X_batch, tol=0.02, max_iter=20, include_output=True):
    """Rescale ``model``'s weights in place, layer by layer, to unit output variance.

    Parameters
    ----------
    model : lessonlib.nn.MLP
        The network; LSUV proper starts from orthogonal weights (see ``lsuv_mlp``), but
        any start can be rescaled.
    X_batch : ndarray (n, n_inputs)
        A batch of training inputs (no labels needed).
    tol : float
        Stop a layer when |Var(z_l) - 1| < tol (the paper's Tol_var, 0.02).
    max_iter : int
        At most this many rescaling steps per layer (the paper's T_max, 20).
    include_output : bool
        Also rescale the last (output) layer, as the paper does for every layer.

    Returns
    -------
    LSUVReport
    """
    tol = _validate.positive(tol, "tol")
    max_iter = _validate.positive_int(max_iter, "max_iter")
    include_output = _validate.flag(include_output, "include_output")
    model = _validate.instance(model, "model", MLP, "a lessonlib.nn.MLP")
    X_batch = model.check_inputs(X_batch, "X_batch")
    if X_batch.shape[0] < 2:
        raise ValueError("X_batch must hold at least 2 examples to measure a variance")
    report = LSUVReport(tol=tol, max_iter=max_iter)
    n_scaled = model.n_layers if include_output else model.n_layers - 1
    a = X_batch
    for layer in range(model.n_layers):
        W, b = model.weights[layer], model.biases[layer]
        if layer < n_scaled:
            steps = 0
            var = _output_variance(W, a, b)
            while math.isfinite(var) and var > 0.0 and abs(var - 1.0) >= tol and steps < max_iter:
                W = W / math.sqrt(var)
                steps += 1
                var = _output_variance(W, a, b)
            model.weights[layer] = W
            report.iterations.append(steps)
            report.variance.append(var)
            report.converged.append(math.isfinite(var) and abs(var - 1.0) < tol)
        if layer < model.n_layers - 1:
            with np.errstate(all="ignore"):
                a = ACTIVATIONS[model.activation][0](a @ W + b, model.slope)
    return report


def lsuv_mlp(layer_sizes, X_batch, activation="relu", seed=0, slope=0.01, tol=0.02, max_iter=20):
    """Build an MLP with orthogonal weights and apply ``lsuv``: the paper's whole recipe.

    Returns
    -------
    (model, report) : the initialized ``MLP`` and its ``LSUVReport``
    """
    model = MLP(layer_sizes, activation=activation, init="orthogonal", seed=seed, slope=slope)
    model.init = "lsuv"
    report = lsuv(model, X_batch, tol=tol, max_iter=max_iter)
    return model, report
