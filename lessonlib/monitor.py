"""Watching a network train: a recorder of per-layer statistics, step by step.

``MLP.fit(..., recorder=Recorder())`` calls ``recorder.on_step(step, model, trace,
updates)`` after every mini-batch update (see ``lessonlib.nn.MLP.fit``). ``Recorder``
keeps, per step and per layer, what practitioners watch while a network trains
(Karpathy, "Building makemore part 3", 2022; fast.ai course22p2 notebook 11):

- a histogram of each hidden layer's activations (a colour image, layer x step);
- the mean and standard deviation of each hidden layer's activations;
- the saturated fraction: tanh units with |a| > 0.97 (Karpathy's threshold), sigmoid
  units with |2a - 1| > 0.97 (the same test, since sigmoid(z) = (1 + tanh(z/2)) / 2);
- the dead fraction: ReLU units never active (pre-activation <= 0) on the whole batch;
- the update-to-data ratio per weight layer, log10(std(update) / std(W)): near -3 is
  Karpathy's rule of thumb, much lower learns slowly, much higher is unstable.

All statistics are of the mini-batch the step trained on, before its update; the ratio
uses the step actually added to W (``-lr * dW`` without momentum) and W after it.
Anything a recorder needs to know is in the four arguments, so writing another one (a
frame recorder, a gradient logger) takes one method.
"""

from __future__ import annotations

import numpy as np

from lessonlib import _validate

#: Karpathy's saturation threshold for tanh (makemore part 3).
SATURATION = 0.97

#: The histogram range per activation; values outside are counted in the end bins.
HIST_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, 3.0), "leaky_relu": (-0.5, 3.0),
              "identity": (-3.0, 3.0)}


def saturated_fraction(a, activation, threshold=SATURATION):
    """Fraction of the entries of ``a`` that are saturated (0 for non-saturating units)."""
    a = _validate.array(a, "a", finite=False)
    activation = _validate.choice(activation, "activation", tuple(HIST_RANGE))
    threshold = _validate.real(threshold, "threshold", low=0.0, high=1.0, low_open=True)
    return _saturated_fraction(a, activation, threshold)


def _saturated_fraction(a, activation, threshold=SATURATION):
    """``saturated_fraction`` of checked arguments (``Recorder.on_step`` calls it every step)."""
    if activation == "tanh":
        return float(np.mean(np.abs(a) > threshold))
    if activation == "sigmoid":
        return float(np.mean(np.abs(2.0 * a - 1.0) > threshold))
    return 0.0


def dead_fraction(z, activation):
    """Fraction of units whose pre-activation ``z`` (n, units) is <= 0 for every example.

    Only ReLU units die this way (their gradient is exactly 0 on the whole batch);
    leaky ReLU keeps a small slope, so it counts as 0.
    """
    z = _validate.array(z, "z", ndim=2, finite=False)
    return _dead_fraction(z, _validate.choice(activation, "activation", tuple(HIST_RANGE)))


def _dead_fraction(z, activation):
    """``dead_fraction`` of checked arguments."""
    if activation != "relu":
        return 0.0
    return float(np.mean(np.all(np.asarray(z) <= 0, axis=0)))


def update_ratio(update, W):
    """log10(std(update) / std(W)); NaN where it is not a finite number (e.g. W = 0)."""
    W = _validate.array(W, "W", finite=False)
    return _update_ratio(_validate.array(update, "update", shape=W.shape, finite=False, what="the shape of W"), W)


def _update_ratio(update, W):
    """``update_ratio`` of checked arguments."""
    with np.errstate(all="ignore"):
        value = float(np.log10(np.std(update) / np.std(W)))
    return value if np.isfinite(value) else float("nan")


class Recorder:
    """Per-step, per-layer statistics of a network during ``MLP.fit``.

    Parameters
    ----------
    every : int
        Record every ``every``-th step (1 = all).
    bins : int
        Number of histogram bins.
    hist_range : (float, float), optional
        Range of the histograms; defaults to ``HIST_RANGE`` of the network's activation.

    Attributes (filled by ``on_step``; ``arrays()`` returns them as numpy arrays)
    -----------------------------------------------------------------------------
    step : list of int
    loss : list of float, the batch loss before the step
    act_mean, act_std, saturated, dead : lists of lists, [step][hidden layer]
    histogram : list of arrays (hidden layers, bins), fractions of units per bin
    update_ratio : list of lists, [step][weight layer], log10(std(update)/std(W))
    """

    def __init__(self, every=1, bins=40, hist_range=None):
        every = _validate.positive_int(every, "every")
        bins = _validate.positive_int(bins, "bins")
        if hist_range is not None:
            low, high = (_validate.real(v, f"hist_range[{k}]") for k, v in
                         enumerate(_validate.sequence(hist_range, "hist_range", lambda v, n: v, length=2)))
            if not low < high:
                raise ValueError(f"hist_range must be (low, high) with low < high, got {hist_range!r}")
        self.every = every
        self.bins = bins
        self.hist_range = hist_range
        self.step, self.loss = [], []
        self.act_mean, self.act_std, self.saturated, self.dead = [], [], [], []
        self.histogram, self.update_ratio = [], []
        self.activation = None

    def edges(self):
        """The histogram bin edges."""
        low, high = self.hist_range or HIST_RANGE[self.activation or "identity"]
        return np.linspace(low, high, self.bins + 1)

    def on_step(self, step, model, trace, updates):
        """Record one step (called by ``MLP.fit``)."""
        if step % self.every:
            return
        self.activation = model.activation
        n_hidden = model.n_layers - 1
        edges = self.edges()
        means, stds, sats, deads, hists = [], [], [], [], []
        with np.errstate(all="ignore"):
            for layer in range(n_hidden):
                a, z = trace.post[layer], trace.pre[layer]
                means.append(float(np.mean(a)))
                stds.append(float(np.std(a)))
                sats.append(_saturated_fraction(a, model.activation))
                deads.append(_dead_fraction(z, model.activation))
                clipped = np.clip(a, edges[0], edges[-1])
                counts, _ = np.histogram(clipped[np.isfinite(clipped)], bins=edges)
                hists.append(counts / max(a.size, 1))
        self.step.append(int(step))
        self.loss.append(float(trace.loss))
        self.act_mean.append(means)
        self.act_std.append(stds)
        self.saturated.append(sats)
        self.dead.append(deads)
        self.histogram.append(np.array(hists).reshape(n_hidden, self.bins))
        self.update_ratio.append([_update_ratio(u, W) for u, W in zip(updates, model.weights)])

    def arrays(self):
        """Everything recorded, as a dict of numpy arrays (first axis: steps).

        ``histogram`` has shape (steps, hidden layers, bins); the others (steps, layers).
        """
        names = ("step", "loss", "act_mean", "act_std", "saturated", "dead", "update_ratio")
        out = {name: np.asarray(getattr(self, name), dtype=np.float64) for name in names}
        out["histogram"] = np.asarray(self.histogram, dtype=np.float64)
        return out
