"""Notebook 04 (Xavier and He): its experiments, figures and the propagation explorer.

The maths lives in ``lessonlib.propagation`` (one forward and backward pass at the
start, per-layer statistics and a verdict); this module holds what notebook 04 does with
it: the four classic starting points, Glorot & Bengio-style histogram panels, the
30-layer ReLU experiment of He et al. (2015, figure 3), and ``PropagationExplorer``.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import ipywidgets
import numpy as np
from matplotlib.colors import PowerNorm

from lessonlib import _validate, data, widgets
from lessonlib import init as _init
from lessonlib.nn import MLP
from lessonlib.propagation import (
    ACTIVATIONS,
    MAX_DEPTH,
    MAX_WIDTH,
    Propagation,
    format_percent,
    format_std,
    propagate,
)

#: The four classic starting points compared in notebook 04: (label, initializer, options).
STANDARD_CASES = (
    ("too small: N(0, 0.01²)", "normal", {"std": 0.01}),
    ("too big: N(0, 1)", "normal", {"std": 1.0}),
    ("LeCun = Glorot here: Var 1/n", "lecun_normal", {}),
    ("He: Var 2/n", "he_normal", {}),
)


# --- the 30-layer experiment (He et al. 2015, figure 3) ------------------------------------


def deep_relu_runs(inits=("lecun_normal", "he_normal"), seeds=(0, 1, 2), depth=30, width=32, epochs=20,
                   lr=0.005, momentum=0.9, batch_size=32, per_class=25):
    """Train a ``depth``-layer ReLU MLP on the digits from each initializer and seed.

    The network is 64 -> width x (depth - 1) -> 10: ``depth`` weight layers. It trains
    on ``per_class`` digits of each class and is tested on ``per_class`` other digits of
    each class (``balanced_digits``; the default 25 gives 250 and 250). Returns
    ``{init: [History, ...]}`` in the order of ``seeds`` (training loss and test
    accuracy per epoch; epoch 0 is before training).

    The defaults keep the run to a few seconds: 250 examples are enough to see one start
    stall and the other learn, and they keep every matrix product small (numpy's BLAS
    splits larger products over threads, which for matrices this size costs more than
    it saves).
    """
    inits = _validate.sequence(inits, "inits", lambda name, _: _init.resolve(name) and name, min_length=1,
                               what="initializer names")
    seeds = _validate.sequence_of_ints(seeds, "seeds", low=0)
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    X_train, X_test, y_train, y_test = data.balanced_digits(per_class)
    runs = {}
    for name in inits:
        runs[name] = []
        for seed in seeds:
            model = MLP([64] + [width] * (depth - 1) + [10], activation="relu", init=name, seed=seed)
            history = model.fit(
                X_train, y_train, epochs=epochs, lr=lr, momentum=momentum,
                batch_size=batch_size, seed=seed, X_val=X_test, y_val=y_test,
            )
            runs[name].append(history)
    return runs


# --- pictures for the notebook -----------------------------------------------------------


def plot_layer_histograms(ax, result, kind="act", layers=None, legend=True):
    """Glorot & Bengio's figures 6/7: one histogram curve per layer, darker = deeper.

    ``kind`` is "act" (activations) or "grad" (back-propagated gradients dL/dz).
    Returns the list of lines.
    """
    import matplotlib as mpl

    _validate.axes(ax)
    result = _validate.instance(result, "result", Propagation, "a lessonlib.propagation.Propagation")
    kind = _validate.choice(kind, "kind", ("act", "grad"))
    if layers is not None:
        layers = _validate.sequence_of_ints(layers, "layers")
        _validate.integer(max(layers), "layers", high=result.depth)
    legend = _validate.flag(legend, "legend")
    hist = result.act_hist if kind == "act" else result.grad_hist
    edges = result.act_edges if kind == "act" else result.grad_edges
    centers = 0.5 * (edges[:-1] + edges[1:])
    depth = result.depth
    layers = layers or sorted({1, *range(2, depth + 1, max(1, depth // 5)), depth})
    cmap = mpl.colormaps["viridis_r"]
    lines = []
    for layer in layers:
        color = cmap(0.15 + 0.85 * (layer - 1) / max(depth - 1, 1))
        (line,) = ax.plot(centers, hist[layer - 1], color=color, label=f"layer {layer}")
        lines.append(line)
    shown = hist[[l - 1 for l in layers]]
    if kind == "act" and result.settings["activation"] in ("relu", "leaky_relu"):
        # the bin at 0 holds about half of all ReLU outputs: cut that spike off so the
        # positive tail, which carries the signal, stays visible
        zero_bin = int(np.searchsorted(edges, 0.0, side="right")) - 1
        shown = np.delete(shown, zero_bin, axis=1)
        ax.text(0.98, 0.95, "spike at 0 cut off", transform=ax.transAxes, ha="right", va="top", fontsize=7)
    ax.set_ylim(0, min(1.0, 1.15 * max(float(shown.max()), 1e-3)))
    if legend:
        ax.legend(fontsize=7, frameon=False)
    return lines


def histogram_grid(activation, kind="act", cases=STANDARD_CASES, width=100, depth=10, seed=0, batch=50):
    """One panel per starting point: per-layer histograms (``plot_layer_histograms``).

    Each layer's histogram counts ``batch`` x ``width`` values (5000 by default).

    Returns (figure, [(label, Propagation), ...]); the figure is a pyplot figure, so a
    notebook cell ends with ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    kind = _validate.choice(kind, "kind", ("act", "grad"))
    cases = _validate.sequence(cases, "cases", _case, min_length=1, what="(label, initializer, options) cases")
    # computed before the figure exists, so a bad setting leaves no half-drawn figure behind
    results = [(label, propagate(width, depth, activation, name, seed=seed, batch=batch, init_options=options))
               for label, name, options in cases]
    fig, axes = plt.subplots(1, len(cases), figsize=(3.0 * len(cases), 2.6), layout="constrained")
    for ax, (label, r) in zip(np.atleast_1d(axes), results):
        plot_layer_histograms(ax, r, kind, legend=ax is np.atleast_1d(axes)[0])
        ax.set_title(label, fontsize=9)
        ax.set_yticks([])
    what = f"{activation} activations" if kind == "act" else "back-propagated gradients dL/dz (range: ±3 × the top layer's std)"
    fig.suptitle(f"{what}, {depth} layers of {width} units: one curve per layer", fontsize=10)
    return fig, results


def _case(case, name):
    """One (label, initializer name, options dict) of ``STANDARD_CASES``."""
    if not isinstance(case, (tuple, list)) or len(case) != 3:
        raise _validate.InputTypeError(f"{name} must be a (label, initializer, options) triple, got {case!r}")
    label, init, options = case
    return _validate.text(label, f"{name} label"), _init.resolve(init) and init, _init.check_options(init, options)


def describe(label, r, kind="act"):
    """One printable line about a ``Propagation``: first and last layer, and the state."""
    label = _validate.text(label, "label")
    r = _validate.instance(r, "r", Propagation, "a lessonlib.propagation.Propagation")
    kind = _validate.choice(kind, "kind", ("act", "grad"))
    depth = r.depth
    if kind == "act":
        extra = r.dead if r.settings["activation"] in ("relu", "leaky_relu") else r.saturated
        word = "dead" if r.settings["activation"] in ("relu", "leaky_relu") else "saturated"
        return (
            f"{label:30s} activation std {format_std(r.act_std[0]):>8} -> {format_std(r.act_std[-1]):>8} "
            f"(layer 1 -> {depth}), {word} in layer {depth}: {format_percent(extra[-1]):>3} %  [{r.state}]"
        )
    return (
        f"{label:30s} gradient std {format_std(r.grad_std[-1]):>8} -> {format_std(r.grad_std[0]):>8}, "
        f"|dL/dW| {format_std(r.grad_norm[-1]):>8} -> {format_std(r.grad_norm[0]):>8} (layer {depth} -> 1)  [{r.state}]"
    )


# --- the explorer ------------------------------------------------------------------------


class WeightCache(OrderedDict):
    """The explorer's store of drawn weight matrices, least recently used dropped first
    beyond ``max_bytes`` (64 MiB by default: a depth-50 stack of 256 x 256 matrices is
    26 MB)."""

    def __init__(self, max_bytes=64 * 2**20):
        super().__init__()
        self.max_bytes = _validate.positive_int(max_bytes, "max_bytes")

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        while sum(w.nbytes for w in self.values()) > self.max_bytes and len(self) > 1:
            self.popitem(last=False)



class PropagationExplorer(widgets.FigureExplorer):
    """Fan-in, seed, depth, activation, initializer and scale on sliders.

    Left: activation histograms per layer (rows: layer 1 at the top, each row scaled to
    its own maximum, so the shape shows at any scale); middle: back-propagated gradient
    histograms; right: the per-layer standard deviations on a log scale. The title
    names the state, the status line gives the verdict, and a small table beside the
    picture lists per-layer std, saturation or dead units. ``explorer.set(width=1)`` is
    what a slider move does; ``explorer.result`` is the latest ``Propagation``.
    """

    def __init__(self, width=100, depth=10, activation="tanh", init="glorot_uniform",
                 scale=1.0, seed=0, max_width=256, max_depth=50, batch=50, bins=50, dpi=72):
        max_width = _validate.integer(max_width, "max_width", low=1, high=MAX_WIDTH)
        max_depth = _validate.integer(max_depth, "max_depth", low=1, high=MAX_DEPTH)
        batch = _validate.integer(batch, "batch", low=1, high=100_000)
        bins = _validate.integer(bins, "bins", low=2, high=10_000)
        controls = {
            "width": widgets.slider("fan-in (width)", 1, max_width, width),
            "seed": widgets.slider("seed", 0, 20, seed),
            "depth": widgets.slider("depth", 1, max_depth, depth),
            "activation": widgets.dropdown("activation", list(ACTIVATIONS), activation),
            "init": widgets.dropdown("init", _init.names(), init),
            "scale": widgets.slider("scale ×", -3, 3, scale, step=0.1, log=True),
        }
        super().__init__(controls, figsize=(9.0, 3.6), dpi=dpi)
        self.batch, self.bins = batch, bins
        self.weight_cache = WeightCache()
        self.table = ipywidgets.HTML(value="")
        fig = self.figure
        self.ax_act, self.ax_grad, self.ax_std = fig.subplots(
            1, 3, sharey=True, gridspec_kw={"width_ratios": [1.0, 1.0, 0.8]}
        )
        empty = np.zeros((1, bins))
        style = dict(aspect="auto", cmap="magma_r", norm=PowerNorm(0.5, vmin=0.0, vmax=1.0),
                     interpolation="nearest")
        self.im_act = self.ax_act.imshow(empty, **style)
        self.im_grad = self.ax_grad.imshow(empty, **style)
        (self.line_act,) = self.ax_std.plot([], [], "o-", ms=3, color="C0", label="activation std")
        (self.line_grad,) = self.ax_std.plot([], [], "s-", ms=3, color="C3", label="gradient std")
        # Fixed margins instead of a layout engine, and titles and axis labels as plain
        # figure texts: matplotlib re-measures every tick label to place an axes title or
        # label, which was most of the redraw time.
        fig.set_layout_engine("none")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.84, wspace=0.1)
        self.xlabel_act = self._label(self.ax_act, "activations a = f(z)", "value")
        self._label(self.ax_grad, "gradients dL/dz (backward)", "value / top layer's std")
        self._label(self.ax_std, "std per layer", "log10(std)   (blue: a, red: dL/dz)")
        box = self.ax_act.get_position()
        fig.text(0.012, 0.5 * (box.y0 + box.y1), "layer", rotation=90, va="center", fontsize=10)
        self.title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=10)
        self.result = None
        self.refresh()

    def _label(self, ax, title, xlabel):
        box = ax.get_position()
        middle = 0.5 * (box.x0 + box.x1)
        self.figure.text(middle, box.y1 + 0.015, title, ha="center", va="bottom", fontsize=10)
        return self.figure.text(middle, 0.01, xlabel, ha="center", va="bottom", fontsize=10)

    def draw(self, width, seed, depth, activation, init, scale):
        r = propagate(width=int(width), depth=int(depth), activation=activation, init=init,
                      scale=float(scale), seed=int(seed), batch=self.batch, bins=self.bins,
                      weight_cache=self.weight_cache)
        self.result = r
        for im, hist, edges in ((self.im_act, r.act_hist, r.act_edges),
                                (self.im_grad, r.grad_hist, r.grad_edges)):
            peak = hist.max(axis=1, keepdims=True)
            im.set_data(np.divide(hist, peak, out=np.zeros_like(hist), where=peak > 0))
            im.set_extent((edges[0], edges[-1], depth + 0.5, 0.5))
        spread = r.grad_edges[-1]
        self.ax_grad.set_xticks([-spread, 0, spread], ["-3", "0", "3"])
        self.xlabel_act.set_text(f"value of {activation}")
        low, high = r.act_edges[0], r.act_edges[-1]
        self.ax_act.set_xticks([low, 0.5 if activation == "sigmoid" else 0.0, high])
        self.ax_act.set_yticks(_layer_ticks(depth))
        layers = np.arange(1, depth + 1)
        act = np.log10(_positive(r.act_std))
        grad = np.log10(_positive(r.grad_std))
        self.line_act.set_data(act, layers)
        self.line_grad.set_data(grad, layers)
        both = np.concatenate([act, grad])
        both = both[np.isfinite(both)]
        lo, hi = (float(both.min()), float(both.max())) if both.size else (-3.0, 1.0)
        lo, hi = math.floor(min(lo, hi - 1.0)), math.ceil(max(hi, lo + 1.0))
        self.ax_std.set_xlim(lo - 0.3, hi + 0.3)
        step = max(1, math.ceil((hi - lo) / 5))
        self.ax_std.set_xticks(np.arange(lo, hi + 1, step))
        self.ax_act.set_ylim(depth + 0.5, 0.5)
        self.title.set_text(
            f"{init} × {scale:.3g}, {activation}, fan-in {width}, depth {depth}, seed {seed}: {r.state}"
        )
        self.table.value = f"<pre style='font-size:11px;line-height:1.2'>{r.table(max_rows=16)}</pre>"
        return r.verdict

    @property
    def widget(self):
        """Controls, then the picture with the per-layer table beside it, then the verdict."""
        if not self.image.value:
            self.refresh()
        boxes = list(self.controls.values())
        rows = [ipywidgets.HBox(boxes[i : i + 3]) for i in range(0, len(boxes), 3)]
        return ipywidgets.VBox([*rows, ipywidgets.HBox([self.image, self.table]), self.status])


def _layer_ticks(depth):
    step = max(1, int(math.ceil(depth / 6)))
    return [1, *range(1 + step, depth, step)][:6] + ([depth] if depth > 1 else [])


def _positive(values):
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)
