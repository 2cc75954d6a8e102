"""LSUV: layer-sequential unit-variance initialization (Mishkin & Matas 2015).

A data-dependent start in two steps:

1. pre-initialize every weight matrix with an orthonormal one (Saxe et al. 2013;
   ``lessonlib.init.orthogonal``);
2. going from the first layer to the last, push a batch of real inputs through the
   network and rescale W_l so that the layer's output z_l = a_{l-1} W_l + b_l (the
   pre-activation, before the non-linearity) has variance 1 on the batch; then move on.

The paper divides W_l by sqrt(Var(z_l)) and repeats until |Var(z_l) - 1| < tol. With zero
biases one such step is exact (the variance scales with the square of the factor). With
biases it is not: Var(z) then includes the biases' own spread, so dividing by it
undershoots, and when Var(b) > 1 no number of steps reaches 1. Here the scale is solved
for instead (``unit_variance_scale``): over the batch's entries,

    Var(s A W + b) = s**2 Var(AW) + 2 s Cov(AW, b) + Var(b) = 1,

a quadratic in s with one positive root whenever Var(b) < 1, and none when the biases'
spread alone (more exactly Var(b) - Cov(AW, b)**2 / Var(AW), the least variance any s
reaches) is 1 or more. Then the layer is left as it is and the report says why.

The layers below l are already final when layer l is scaled, so one pass over the
layers is enough: that is the "layer-sequential".

The paper's Algorithm 1 and its reference code use tol = 0.02 on the variance and at most
20 iterations per layer; tol is the default here (a layer already within it is left
alone), and the closed form needs one step. The whole batch of a layer's outputs (all
examples, all units) counts as one sample, as the paper's "Var(B_L)" of an output blob.

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
from lessonlib.i18n import _
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


def unit_variance_scale(W, A, b=None):
    """The factor s > 0 with Var(A @ (s W) + b) = 1 over every entry, or a reason why none.

    Solves s**2 V + 2 s C + B = 1 with V = Var(AW), C = Cov(AW, b) and B = Var(b), all
    over the batch's entries (b repeated for every example). For B < 1 the product of
    the two roots, (B - 1)/V, is negative: exactly one root is positive.

    Returns
    -------
    (s, reason) : (float, None) when a scale exists, (None, str) when it does not (the
    layer's output variance is 0 or not finite, or the biases alone keep it above 1).
    """
    W, A, b = _layer(W, A, b)
    with np.errstate(all="ignore"):
        z = A @ W
        V = float(np.var(z))
        if b is None:
            C, B = 0.0, 0.0
        else:
            bb = np.broadcast_to(np.asarray(b, dtype=np.float64), z.shape)
            C = float(np.mean((z - z.mean()) * (bb - bb.mean())))
            B = float(np.var(bb))
    if not (math.isfinite(V) and math.isfinite(C) and math.isfinite(B)) or V <= 0.0:
        return None, _("Var(AW) is {variance}: nothing to rescale").format(variance=repr(V))
    discriminant = C * C - V * (B - 1.0)
    if discriminant < 0.0:
        return None, _(
            "no scale reaches variance 1: the biases alone give Var(b) = {bias_variance:.3g} "
            "(at best Var(b) - Cov²/Var(AW) = {lowest:.3g} > 1)"
        ).format(bias_variance=B, lowest=B - C * C / V)
    s = (-C + math.sqrt(discriminant)) / V
    if not s > 0.0:
        return None, _("no positive scale reaches variance 1 (Var(b) = {bias_variance:.3g} >= 1)").format(bias_variance=B)
    return s, None


def rescale(W, A, b=None):
    """One LSUV step for one layer: s W with Var(A @ (s W) + b) = 1 exactly.

    Parameters
    ----------
    W : ndarray (fan_in, fan_out), the layer's weights
    A : ndarray (n, fan_in), the layer's inputs on a batch (the data for the first layer,
        the previous layer's activations otherwise)
    b : ndarray (fan_out,), optional, the layer's biases

    Returns
    -------
    The rescaled weights (a new array). With b = 0 this is W / sqrt(Var(A @ W)), the
    paper's step; with biases, the closed form of ``unit_variance_scale``.
    Raises ValueError when no scale gives variance 1 (the message says why).
    """
    W, A, b = _layer(W, A, b)
    s, reason = unit_variance_scale(W, A, b)
    if s is None:
        raise ValueError(f"cannot rescale the layer's output variance to 1: {reason}")
    return W * s


@dataclass
class LSUVReport:
    """What ``lsuv`` did, one entry per weight layer (index 0 = first layer).

    iterations[l]  rescaling steps taken for layer l (0 if it was already within tol or
                   no scale exists, 1 for the closed-form step)
    variance[l]    Var(z_l) on the batch when LSUV left layer l
    converged[l]   |variance[l] - 1| < tol; False when no scale gives variance 1 (the
                   biases alone keep it above 1) or the variance was 0 or not finite
                   (e.g. an all-zero layer)
    steps[l]       what was done to layer l, in words (the scale and the variances)
    before[l]      Var(z_l) on the batch when LSUV reached layer l
    scale[l]       the factor W_l was multiplied by, or None when it was left alone
    """

    tol: float
    max_iter: int
    iterations: list = field(default_factory=list)
    variance: list = field(default_factory=list)
    converged: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    before: list = field(default_factory=list)
    scale: list = field(default_factory=list)

    @property
    def all_converged(self):
        return all(self.converged)

    def summary(self):
        """One line, e.g. "LSUV: 7 layers at unit variance (tol 0.02), 1 step each"."""
        n = len(self.converged)
        if self.all_converged:
            steps = sorted(set(self.iterations))
            text = ", ".join(map(str, steps))
            return _("LSUV: {n} layers at unit variance (tol {tol:g}), {steps} step(s) per layer").format(
                n=n, tol=self.tol, steps=text)
        bad = [k for k, ok in enumerate(self.converged) if not ok]
        why = "; ".join(_("layer {layer}: {step}").format(layer=k + 1, step=self.steps[k]) for k in bad if k < len(self.steps))
        layers = ", ".join(str(k + 1) for k in bad)
        if why:
            return _("LSUV: layer(s) {layers} not within tol {tol:g} ({why})").format(layers=layers, tol=self.tol, why=why)
        return _("LSUV: layer(s) {layers} not within tol {tol:g}").format(layers=layers, tol=self.tol)


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
        The paper's cap on rescaling steps per layer (T_max, 20), checked for validity;
        the closed form takes one step, so it is never reached.
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
            var = before = output_variance(W, a, b)
            steps, s_, text = 0, None, _("left alone: Var(z) = {variance:.4g} already within tol").format(variance=var)
            if not (math.isfinite(var) and abs(var - 1.0) < tol):
                s_, reason = unit_variance_scale(W, a, b)
                if s_ is None:
                    text = _("left alone: {reason}").format(reason=reason)
                else:
                    W = W * s_
                    steps = 1
                    var = output_variance(W, a, b)
                    text = _("W × {scale:.4g} (closed form): Var(z) {before:.4g} -> {after:.4g}").format(
                        scale=s_, before=before, after=var)
            model.weights[layer] = W
            report.iterations.append(steps)
            report.variance.append(var)
            report.converged.append(math.isfinite(var) and abs(var - 1.0) < tol)
            report.steps.append(text)
            report.before.append(before)
            report.scale.append(s_)
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
