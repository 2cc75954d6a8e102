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
from lessonlib.i18n import N_, _, pad
from lessonlib.nn import MLP
from lessonlib.propagation import (
    ACTIVATIONS,
    MAX_DEPTH,
    MAX_WIDTH,
    STATE_LABELS,
    Propagation,
    format_percent,
    format_std,
    propagate,
)

#: The four classic starting points compared in notebook 04: (label, initializer, options).
#: The labels are English, marked for the catalog: they are shown as ``_(label)``.
STANDARD_CASES = (
    (N_("too small: N(0, 0.01²)"), "normal", {"std": 0.01}),
    (N_("too big: N(0, 1)"), "normal", {"std": 1.0}),
    (N_("LeCun = Glorot here: Var 1/n"), "lecun_normal", {}),
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


def plot_layer_histograms(ax, result, kind="act", layers=None, legend=False):
    """Glorot & Bengio's figures 6/7: one histogram curve per layer, darker = deeper.

    ``kind`` is "act" (activations) or "grad" (back-propagated gradients dL/dz).
    Values outside the range pile up in the end bins; when more than a tenth of the
    deepest layer's activations lie outside it (``Propagation.act_clipped``), the panel
    says so (e.g. N(0, 1) with ReLU, whose
    activations reach 1e8: the picture is clipped, and the text gives the share).
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
        (line,) = ax.plot(centers, hist[layer - 1], color=color, label=_("layer {layer}").format(layer=layer))
        lines.append(line)
    shown = hist[[l - 1 for l in layers]]
    notes = []
    if kind == "act" and result.settings["activation"] in ("relu", "leaky_relu"):
        # the bin at 0 holds about half of all ReLU outputs: cut that spike off so the
        # positive tail, which carries the signal, stays visible
        zero_bin = int(np.searchsorted(edges, 0.0, side="right")) - 1
        shown = np.delete(shown, zero_bin, axis=1)
        notes.append(_("spike at 0 cut off"))
    beyond = result.act_clipped[-1] if kind == "act" else 0.0
    if beyond > 0.1:
        notes.append(_("clipped: {percent:.0f} % of layer {depth}\nare beyond {edge:.3g} (last bin)").format(
            percent=100 * beyond, depth=depth, edge=edges[-1]))
    if notes:
        # centred: the end bins (and ReLU's spike near 0) hold the tall parts of the curves
        ax.text(0.55, 0.95, "\n".join(notes), transform=ax.transAxes, ha="center", va="top", fontsize=7,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    ax.set_ylim(0, min(1.0, 1.15 * max(float(shown.max()), 1e-3)))
    if legend:
        ax.legend(fontsize=7, frameon=False)
    return lines


def histogram_grid(activation, kind="act", cases=STANDARD_CASES, width=100, depth=10, seed=0, batch=50):
    """One panel per starting point: per-layer histograms (``plot_layer_histograms``),
    the layers' legend below the panels (never over a curve), every axis labelled.

    Each layer's histogram counts ``batch`` x ``width`` values (5000 by default).

    Returns (figure, [(label, Propagation), ...]), the labels as given (English for
    ``STANDARD_CASES``: ``describe_table`` translates them); the figure is a pyplot figure,
    so a notebook cell ends with ``plt.show()``.
    """
    import matplotlib.pyplot as plt

    kind = _validate.choice(kind, "kind", ("act", "grad"))
    cases = _validate.sequence(cases, "cases", _case, min_length=1, what="(label, initializer, options) cases")
    results = [(label, propagate(width, depth, activation, name, seed=seed, batch=batch, init_options=options))
               for label, name, options in cases]
    fig, axes = plt.subplots(1, len(cases), figsize=(3.0 * len(cases), 2.9), layout="constrained")
    lines = []
    for ax, (label, r) in zip(np.atleast_1d(axes), results):
        lines = plot_layer_histograms(ax, r, kind)
        ax.set_title(_(label), fontsize=9)
        ax.set_xlabel(f"{activation}(z)" if kind == "act" else "dL/dz", fontsize=8)
        ax.set_ylabel(_("fraction of values"), fontsize=8)
        ax.tick_params(labelsize=7)
    fig.legend(handles=lines, loc="outside lower center", ncols=len(lines), fontsize=7, frameon=False)
    if kind == "act":
        title = _("{activation} activations, {depth} layers of {width} units: one curve per layer")
    else:
        title = _("back-propagated gradients dL/dz (range: ±3 × the top layer's std), {depth} layers of {width} "
                  "units: one curve per layer")
    fig.suptitle(title.format(activation=activation, depth=depth, width=width), fontsize=10)
    return fig, results


def _case(case, name):
    """One (label, initializer name, options dict) of ``STANDARD_CASES``."""
    if not isinstance(case, (tuple, list)) or len(case) != 3:
        raise _validate.InputTypeError(f"{name} must be a (label, initializer, options) triple, got {case!r}")
    label, init, options = case
    return _validate.text(label, f"{name} label"), _init.resolve(init) and init, _init.check_options(init, options)


def describe(label, r, kind="act"):
    """One printable line about a ``Propagation``: first and last layer, and the forward
    ("act") or backward ("grad") verdict, so the line matches the histograms it is
    printed under. ``label`` is shown as ``_(label)`` (a label of ``STANDARD_CASES`` in
    the notebook's language), padded to 30 columns."""
    label = _validate.text(label, "label")
    r = _validate.instance(r, "r", Propagation, "a lessonlib.propagation.Propagation")
    kind = _validate.choice(kind, "kind", ("act", "grad"))
    depth = r.depth
    shown = pad(_(label), 30)
    if kind == "act":
        relu = r.settings["activation"] in ("relu", "leaky_relu")
        extra = r.dead if relu else r.saturated
        if relu:
            line = _("{label} activation std {first:>8} -> {last:>8} (layer 1 -> {depth}), dead in layer {depth}: "
                     "{percent:>3} %  [forward: {state}]")
        else:
            line = _("{label} activation std {first:>8} -> {last:>8} (layer 1 -> {depth}), saturated in layer "
                     "{depth}: {percent:>3} %  [forward: {state}]")
        return line.format(label=shown, first=format_std(r.act_std[0]), last=format_std(r.act_std[-1]), depth=depth,
                           percent=format_percent(extra[-1]), state=_(STATE_LABELS[r.forward_state]))
    return _("{label} gradient std {top:>8} -> {first:>8}, |dL/dW| {top_w:>8} -> {first_w:>8} (layer {depth} -> 1)  "
             "[backward: {state}]").format(
        label=shown, top=format_std(r.grad_std[-1]), first=format_std(r.grad_std[0]),
        top_w=format_std(r.grad_norm[-1]), first_w=format_std(r.grad_norm[0]), depth=depth,
        state=_(STATE_LABELS[r.backward_state]))


def _labelled_result(pair, name):
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise ValueError(f"{name} must be a (label, Propagation) pair, got {pair!r}")
    return (_validate.text(pair[0], f"{name} label"),
            _validate.instance(pair[1], f"{name} result", Propagation, "a lessonlib.propagation.Propagation"))


def describe_table(runs, kind="act"):
    """``describe`` for a list of (label, ``Propagation``) as a ``widgets.Table``: an HTML
    table in the notebook (it does not wrap at laptop width), the same lines as text."""
    kind = _validate.choice(kind, "kind", ("act", "grad"))
    runs = _validate.sequence(runs, "runs", _labelled_result, what="(label, Propagation) pairs")
    rows = []
    for label, r in runs:
        if kind == "act":
            relu = r.settings["activation"] in ("relu", "leaky_relu")
            extra = r.dead if relu else r.saturated
            rows.append([_(label), format_std(r.act_std[0]), format_std(r.act_std[-1]),
                         f"{format_percent(extra[-1])} %", _(STATE_LABELS[r.forward_state])])
        else:
            rows.append([_(label), format_std(r.grad_std[-1]), format_std(r.grad_std[0]),
                         format_std(r.grad_norm[-1]), format_std(r.grad_norm[0]), _(STATE_LABELS[r.backward_state])])
    depth = runs[0][1].depth if runs else 0
    if kind == "act":
        relu = bool(runs) and runs[0][1].settings["activation"] in ("relu", "leaky_relu")
        lost = _("dead in layer {depth}") if relu else _("saturated in layer {depth}")
        header = [_("start"), _("act std layer 1"), _("layer {layer}").format(layer=depth), lost.format(depth=depth),
                  _("forward")]
    else:
        header = [_("start"), _("grad std layer {depth}").format(depth=depth), _("layer {layer}").format(layer=1),
                  _("|dL/dW| layer {depth}").format(depth=depth), _("layer {layer}").format(layer=1), _("backward")]
    text = "\n".join(describe(label, r, kind) for label, r in runs)
    return widgets.Table(header, rows, text=text)


def weight_gradient_ratio(r):
    """|dL/dW| of layer 1 over that of the top layer: near 1 means the weight gradients
    are flat across layers even when dL/dz shrinks (Glorot & Bengio 2010, section 4.2:
    going down, dL/dz_l shrinks by the same factor by which the activations a_{l-1}
    that multiply it grow, so their product dL/dW_l = a_{l-1}.T @ dL/dz_l stays level)."""
    r = _validate.instance(r, "r", Propagation, "a lessonlib.propagation.Propagation")
    return r.grad_norm[0] / r.grad_norm[-1] if r.grad_norm[-1] > 0 else math.nan


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
            # live: a redraw at the default size is a few hundredths of a second
            "width": widgets.slider(_("fan-in (width)"), 1, max_width, width, live=True),
            "seed": widgets.slider(_("seed"), 0, 20, seed, live=True),
            "depth": widgets.slider(_("depth"), 1, max_depth, depth, live=True),
            "activation": widgets.dropdown(_("activation"), list(ACTIVATIONS), activation),
            "init": widgets.dropdown(_("init"), _init.names(), init),
            "scale": widgets.slider(_("scale ×"), -3, 3, scale, step=0.1, log=True, live=True),
        }
        super().__init__(controls, figsize=(9.0, 3.6), dpi=dpi)
        self.batch, self.bins = batch, bins
        self.weight_cache = WeightCache()
        self.side = ipywidgets.HTML(value="", layout=ipywidgets.Layout(margin="0 0 0 8px"))
        self._key = None
        fig = self.figure
        self.ax_act, self.ax_grad, self.ax_std = fig.subplots(
            1, 3, sharey=True, gridspec_kw={"width_ratios": [1.0, 1.0, 0.8]}
        )
        empty = np.zeros((1, bins))
        style = dict(aspect="auto", cmap="magma_r", norm=PowerNorm(0.5, vmin=0.0, vmax=1.0),
                     interpolation="nearest")
        self.im_act = self.ax_act.imshow(empty, **style)
        self.im_grad = self.ax_grad.imshow(empty, **style)
        (self.line_act,) = self.ax_std.plot([], [], "o-", ms=3, color="C0", label=_("activation std"))
        (self.line_grad,) = self.ax_std.plot([], [], "s-", ms=3, color="C3", label=_("gradient std"))
        # Fixed margins instead of a layout engine, and titles and axis labels as plain
        # figure texts: matplotlib re-measures every tick label to place an axes title or
        # label, which was most of the redraw time.
        fig.set_layout_engine("none")
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.84, wspace=0.1)
        self.xlabel_act = self._label(self.ax_act, _("activations a = f(z)"), _("value"))
        self._label(self.ax_grad, _("gradients dL/dz (backward)"), _("value / top layer's std"))
        self._label(self.ax_std, _("std per layer"), _("log10(std)   (blue: a, red: dL/dz)"))
        box = self.ax_act.get_position()
        layer = _("layer")  # one Hangul syllable reads upright; a word is turned, as usual
        fig.text(0.012, 0.5 * (box.y0 + box.y1), layer, rotation=90 if len(layer) > 2 else 0, va="center",
                 fontsize=10)
        self.title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=10)
        self.result = None
        self.animated = (self.im_act, self.im_grad, self.line_act, self.line_grad, self.title)
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
        # The gradient histograms are binned over ±3 of the top layer's std: drawn on that
        # fixed scale, their axis never changes with the data.
        for im, hist, (left, right) in ((self.im_act, r.act_hist, (r.act_edges[0], r.act_edges[-1])),
                                        (self.im_grad, r.grad_hist, (-3.0, 3.0))):
            peak = hist.max(axis=1, keepdims=True)
            im.set_data(np.divide(hist, peak, out=np.zeros_like(hist), where=peak > 0))
            im.set_extent((left, right, depth + 0.5, 0.5))
        low, high = float(r.act_edges[0]), float(r.act_edges[-1])
        layers = np.arange(1, depth + 1)
        act = np.log10(_positive(r.act_std))
        grad = np.log10(_positive(r.grad_std))
        self.line_act.set_data(act, layers)
        self.line_grad.set_data(grad, layers)
        both = np.concatenate([act, grad])
        both = both[np.isfinite(both)]
        lo, hi = (float(both.min()), float(both.max())) if both.size else (-3.0, 1.0)
        lo, hi = math.floor(min(lo, hi - 1.0)), math.ceil(max(hi, lo + 1.0))
        key = (int(depth), activation, low, high, lo, hi)
        if key != self._key:
            # axes, ticks and labels (making tick labels is most of a redraw's cost): only
            # when they change, and then the background is drawn again (background_key)
            self.ax_grad.set_xlim(-3.0, 3.0)
            self.ax_grad.set_xticks([-3, 0, 3], ["-3", "0", "3"])
            self.xlabel_act.set_text(_("value of {activation}").format(activation=activation))
            self.ax_act.set_xlim(low, high)
            self.ax_act.set_xticks([low, 0.5 if activation == "sigmoid" else 0.0, high])
            self.ax_act.set_yticks(_layer_ticks(depth))
            self.ax_std.set_xlim(lo - 0.3, hi + 0.3)
            step = max(1, math.ceil((hi - lo) / 5))
            self.ax_std.set_xticks(np.arange(lo, hi + 1, step))
            self.ax_act.set_ylim(depth + 0.5, 0.5)
            self._key = key
        self.title.set_text(
            _("{init} × {scale:.3g}, {activation}, fan-in {width}, depth {depth}, seed {seed}: {state}").format(
                init=init, scale=scale, activation=activation, width=width, depth=depth, seed=seed,
                state=r.state_label)
        )
        self.side.value = layer_table(r, max_rows=16).html
        return r.verdict

    def background_key(self):
        """Axes, ticks and labels change only with depth, activation and the std range."""
        return self._key

    @property
    def table(self):
        """The per-layer table widget beside the picture (an ``ipywidgets.HTML``)."""
        return self.side


def layer_table(result, max_rows=12):
    """``Propagation.table`` as a ``widgets.Table``: HTML in the page, the same text in print
    (the cells of ``Propagation.table_rows``, in the notebook's language)."""
    result = _validate.instance(result, "result", Propagation, "a lessonlib.propagation.Propagation")
    max_rows = _validate.integer(max_rows, "max_rows", low=3)
    header, rows = result.table_rows(max_rows=max_rows)
    rows = [row if row != ["..."] else ["…", "", "", ""] for row in rows]
    return widgets.Table(header, rows, text=result.table(max_rows=max_rows), font_size="11px")


def _layer_ticks(depth):
    step = max(1, int(math.ceil(depth / 6)))
    return [1, *range(1 + step, depth, step)][:6] + ([depth] if depth > 1 else [])


def _positive(values):
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


# --- the 30-layer experiment, summed up over seeds -----------------------------------------

#: A final loss within this of ln 10 "stays at ln 10" (the network learned nothing).
AT_LN10 = 1e-3


def deep_relu_table(runs, seeds, names=("lecun_normal", "he_normal")):
    """What ``deep_relu_runs`` shows, seed by seed and counted over the seeds, as a
    ``widgets.Table`` (one column per seed, a last one over all of them).

    Per start: the loss before training and at the end, the test accuracy, whether the
    loss stays at ln 10 (within ``AT_LN10``) and whether the run converged (test accuracy
    >= ``training.CHANCE_LIMIT``, 0.2; n/c otherwise); over the seeds the mean ± sample
    std and the counts. Below it the ``training.compare`` verdict on the final test
    accuracy. ``seeds`` names the columns: the seeds the runs were trained with, in order.
    """
    from lessonlib.training import CHANCE_LIMIT, History, compare, mean_sd

    runs = _validate.instance(runs, "runs", dict, "a dict of History lists by initializer name")
    names = _validate.sequence(names, "names", lambda n, k: _validate.choice(n, k, list(runs)), length=2,
                               what="initializer names of runs")
    seeds = _validate.sequence(seeds, "seeds", lambda v, k: _validate.integer(v, k, low=0), min_length=2, what="seeds")
    for name in names:
        _validate.sequence(runs[name], f"runs[{name!r}]", lambda h, k: _validate.instance(h, k, History),
                           length=len(seeds), what="History records, one per seed")

    rows = []
    accuracies = {}
    for name in names:
        histories = runs[name]
        n = len(histories)
        first = [h.loss[0] for h in histories]
        final = [h.loss[-1] for h in histories]
        acc = [h.val_accuracy[-1] for h in histories]
        accuracies[name] = acc
        stays = [abs(v - math.log(10)) < AT_LN10 for v in final]
        ok = [a >= CHANCE_LIMIT for a in acc]
        (ml, sl), (ma, sa) = mean_sd(final), mean_sd(acc)
        # "n/c" (did not converge) is the series' symbol in both editions, like the prose's
        yes, no, not_converged = _("yes"), _("no"), "n/c"
        rows += [
            [name, _("loss before training"), *(f"{v:.4f}" for v in first), ""],
            ["", _("final loss"), *(f"{v:.4f}" for v in final), f"{ml:.3f} ± {sl:.3f}"],
            ["", _("test accuracy"), *(f"{a:.3f}" for a in acc), f"{ma:.3f} ± {sa:.3f}"],
            ["", _("stays at ln 10"), *(yes if v else no for v in stays),
             _("{k} of {n} seeds").format(k=sum(stays), n=n)],
            ["", _("converged"), *(yes if v else not_converged for v in ok), _("{k} of {n} seeds").format(k=sum(ok), n=n)],
        ]
    header = [_("start"), "", *(_("seed {seed}").format(seed=s) for s in seeds), _("all seeds")]
    verdict = compare(accuracies[names[1]], accuracies[names[0]], names=(names[1], names[0]))
    return widgets.Table(header, rows, align="ll" + "r" * (len(seeds) + 1), notes=[verdict.text], grouped=True)


# --- tanh: the mean-field theory beside the simulated network --------------------------------

#: The three tanh starts of the edge-of-chaos figure: (name for the styles, label, sigma_w2).
#: The labels are English, marked for the catalog: they are shown as ``_(label)``.
TANH_CASES = (
    ("lecun_normal", N_("Var 1/fan_in (LeCun; Glorot on square layers)"), 1.0),
    ("he_normal", "Var 2/fan_in (He)", 2.0),
    ("tanh_gain", N_("PyTorch's tanh gain 5/3: Var (5/3)²/fan_in"), 25.0 / 9.0),
)


def tanh_theory_and_simulation(width=100, depth=50, seeds=tuple(range(10)), batch=50, cases=TANH_CASES):
    """The mean-field prediction and a simulated wide tanh network, per layer.

    The simulation is ``propagate`` with LeCun-normal weights times sqrt(sigma_w2) (so
    Var(W) = sigma_w2 / fan_in), no biases, standard-normal inputs (q0 = 1) and a
    standard-normal gradient sent down from the top; all three starts share each seed's
    draws. The theory is ``meanfield.predicted_act_std`` and
    ``meanfield.gradient_variance_ratio``. The defaults (100 units, a batch of 50, as in
    the histograms) keep every product below the size at which numpy's BLAS starts
    threads, which on a busy two-core machine costs more than it saves.

    Returns
    -------
    list of dict, one per case, with "name", "label", "sigma_w2", "chi1", "q_star",
    "theory_std" (depth,), "sim_std" (seeds, depth), "theory_grad_var" (depth,: the
    variance of dL/dz_l over the top layer's), "sim_grad_var" (seeds, depth) and
    "sim_weight_grad" (seeds, depth: |dL/dW_l| over the top layer's).
    """
    width, depth, batch = (_validate.positive_int(width, "width"), _validate.positive_int(depth, "depth"),
                           _validate.positive_int(batch, "batch"))
    _validate.sequence(seeds, "seeds", lambda v, k: _validate.integer(v, k, low=0), min_length=1, what="seeds")
    _validate.sequence(cases, "cases", _tanh_case, min_length=1, what="(name, label, sigma_w2) cases")
    from lessonlib import meanfield

    out = []
    cache = {}
    for name, text, sigma_w2 in cases:
        sims = [propagate(width, depth, "tanh", "lecun_normal", scale=math.sqrt(sigma_w2), seed=s,
                          batch=batch, weight_cache=cache) for s in seeds]
        g = np.array([r.grad_std for r in sims])
        w = np.array([r.grad_norm for r in sims])
        out.append({
            "name": name, "label": text, "sigma_w2": sigma_w2,
            "chi1": meanfield.chi1("tanh", sigma_w2), "q_star": meanfield.fixed_point("tanh", sigma_w2),
            "theory_std": meanfield.predicted_act_std(1.0, depth, "tanh", sigma_w2),
            "sim_std": np.array([r.act_std for r in sims]),
            "theory_grad_var": meanfield.gradient_variance_ratio(1.0, depth, "tanh", sigma_w2),
            "sim_grad_var": (g / g[:, -1:]) ** 2,
            "sim_weight_grad": w / w[:, -1:],
        })
    return out


#: The keys of one ``tanh_theory_and_simulation`` result.
RESULT_KEYS = ("name", "label", "sigma_w2", "chi1", "q_star", "theory_std", "sim_std", "theory_grad_var",
               "sim_grad_var", "sim_weight_grad")


def _tanh_case(case, name):
    """One (name, label, sigma_w2) of ``TANH_CASES``."""
    if not isinstance(case, (tuple, list)) or len(case) != 3:
        raise _validate.InputTypeError(f"{name} must be a (name, label, sigma_w2) triple, got {case!r}")
    return _validate.text(case[0], f"{name} name"), _validate.text(case[1], f"{name} label"), _validate.positive(
        case[2], f"{name} sigma_w2")


def _check_results(results):
    """The list ``tanh_theory_and_simulation`` returns: dicts with every key of ``RESULT_KEYS``."""
    def one(r, name):
        r = _validate.instance(r, name, dict, "a dict from tanh_theory_and_simulation")
        missing = [k for k in RESULT_KEYS if k not in r]
        if missing:
            raise ValueError(f"{name} lacks {', '.join(missing)}: pass what tanh_theory_and_simulation returns")
        return r

    return _validate.sequence(results, "results", one, min_length=1, what="results of tanh_theory_and_simulation")


#: Column titles of ``theory_table`` for the starts of ``TANH_CASES`` (another case is
#: titled by its label), shown as ``_(title)``.
TANH_TITLES = {"lecun_normal": "Var 1/fan_in (LeCun = Glorot)", "he_normal": "Var 2/fan_in (He)",
               "tanh_gain": N_("gain 5/3 (PyTorch)")}


def theory_table(results, layers=(1, 10, 50)):
    """The theory beside the simulation, as a ``widgets.Table`` with one column per start:
    chi_1 and q*, the activation std at ``layers`` (theory, then the simulation's lowest
    and highest over the seeds), and the layer-1 gradient variance over the top layer's
    (theory, the simulation's median and range), with the theory's ratio of stds."""
    _check_results(results)
    layers = _validate.sequence_of_ints(layers, "layers")
    depth, n_seeds = len(results[0]["theory_std"]), len(results[0]["sim_std"])
    if any(len(r["theory_std"]) != depth or len(r["sim_std"]) != n_seeds for r in results):
        raise ValueError("results must come from one tanh_theory_and_simulation call (one depth, one set of seeds)")
    shown = [l for l in layers if l <= depth]
    theory = [r["theory_grad_var"][0] for r in results]
    simulated = [r["sim_grad_var"][:, 0] for r in results]
    rows = [
        ["χ₁", *(f"{r['chi1']:.3f}" for r in results)],
        ["q*", *(f"{r['q_star']:.3f}" for r in results)],
        *([_("activation std, layer {layer}").format(layer=l),
           *(f"{r['theory_std'][l - 1]:.3f} ({r['sim_std'][:, l - 1].min():.3f}–{r['sim_std'][:, l - 1].max():.3f})"
             for r in results)] for l in shown),
        [_("gradient variance, layer 1 / layer {depth}").format(depth=depth), *(f"×{g:.3g}" for g in theory)],
        [_("simulated: median"), *(f"×{np.median(sim):.3g}" for sim in simulated)],
        [_("simulated: lowest–highest"), *(f"×{sim.min():.3g}–{sim.max():.3g}" for sim in simulated)],
        [_("gradient std, layer 1 / layer {depth}").format(depth=depth), *(f"×{math.sqrt(g):.3g}" for g in theory)],
    ]
    header = ["", *(_(TANH_TITLES[r["name"]]) if r["name"] in TANH_TITLES else _(r["label"]) for r in results)]
    caption = _("Mean-field theory; in parentheses the lowest and highest of the simulated networks "
                "over {n} seeds").format(n=n_seeds)
    return widgets.Table(header, rows, caption=caption)


def plot_theory_and_simulation(results):
    """Three panels: activation std per layer, the gradient variance per layer relative to
    the top layer (log scale) and the weight-gradient norms relative to the top layer.
    Lines: theory; markers: the simulation's seeds (every 5th layer). Returns the figure."""
    import matplotlib.pyplot as plt

    from lessonlib import plots
    _check_results(results)

    fig, axes = plt.subplots(1, 3, figsize=(11.5, 3.3), layout="constrained")
    for r in results:
        style = plots.style_for(r["name"])
        layers = np.arange(1, len(r["theory_std"]) + 1)
        marks = layers[::5] - 1
        axes[0].plot(layers, r["theory_std"], color=style["color"], linestyle=style["linestyle"], label=_(r["label"]))
        axes[1].semilogy(layers, r["theory_grad_var"], color=style["color"], linestyle=style["linestyle"])
        for seed_values, ax in ((r["sim_std"], axes[0]), (r["sim_grad_var"], axes[1])):
            ax.plot(layers[marks], seed_values[:, marks].T, linestyle="none", marker=style["marker"],
                    color=style["color"], markersize=3.5, alpha=0.6)
        axes[2].semilogy(layers, np.median(r["sim_weight_grad"], axis=0), color=style["color"],
                         linestyle=style["linestyle"], marker=style["marker"], markevery=5, markersize=4)
    axes[0].set(xlabel=_("layer"), ylabel=_("activation std"), title=_("forward: std of tanh(z_l)"))
    axes[1].set(xlabel=_("layer"), ylabel=_("Var(dL/dz_l) / Var at the top"), title=_("backward: gradient variance"))
    axes[2].set(xlabel=_("layer"), ylabel=_("|dL/dW_l| / |dL/dW| at the top"), title=_("weight gradients (simulation)"))
    axes[1].axhline(1.0, color="0.6", linewidth=0.8)
    axes[2].axhline(1.0, color="0.6", linewidth=0.8)
    axes[0].set_ylim(bottom=0)
    fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False,
               title=_("lines: mean-field theory; markers: simulated network, one per seed"), title_fontsize=8)
    return fig


def phase_diagram_figure(fan_in=100, sigma_w2=None, sigma_b2=None):
    """Schoenholz et al. (2017), figure 1, for tanh: chi_1 over (sigma_w2, sigma_b2) on a
    log colour scale centred at 1 (white), with its colour bar; the order/chaos boundary
    chi_1 = 1 as a black line; the named starts (``meanfield.initializer_phases``) as
    markers, listed in the legend below the axes. sigma_w2 is on a log axis so that both
    N(0, 0.01²) and N(0, 1) fit. Returns (figure, rows of ``initializer_phases``)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from lessonlib import meanfield

    fan_in = _validate.positive_int(fan_in, "fan_in")
    if sigma_w2 is not None:
        _validate.sequence(_validate.array(sigma_w2, "sigma_w2", ndim=1), "sigma_w2", _validate.positive)
    if sigma_b2 is not None:
        _validate.array(sigma_b2, "sigma_b2", ndim=1, low=0.0)
    sigma_w2 = np.geomspace(0.005, 200.0, 40) if sigma_w2 is None else np.asarray(sigma_w2)
    sigma_b2 = np.linspace(0.0, 0.5, 11) if sigma_b2 is None else np.asarray(sigma_b2)
    chi = meanfield.phase_diagram(sigma_w2, sigma_b2, "tanh")
    fig, ax = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
    image = ax.pcolormesh(sigma_w2, sigma_b2, chi, cmap="PuOr_r", norm=LogNorm(vmin=1e-2, vmax=1e2),
                          shading="nearest")
    ax.contour(sigma_w2, sigma_b2, chi, levels=[1.0], colors="k", linewidths=1.5)
    fig.colorbar(image, ax=ax, label=_("χ₁ (log scale; 1 = critical)"))
    markers = {"LeCun N(0, 1/fan_in)": "o", "He N(0, 2/fan_in)": "D", "PyTorch tanh gain 5/3": "P",
               "PyTorch nn.Linear default": "v", "N(0, 0.01²)": "^", "N(0, 1)": "s"}
    rows = [row for row in meanfield.initializer_phases("tanh", fan_in) if row["label"] != "Glorot, square layer"]
    for row in rows:
        name = _("LeCun = Glorot (square layers)") if row["label"].startswith("LeCun") else _(row["label"])
        phase = _(meanfield.PHASE_LABELS[row["phase"]])
        ax.plot(row["sigma_w2"], row["sigma_b2"], marker=markers.get(row["label"], "X"), color="white",
                markeredgecolor="k", markersize=9, linestyle="none", clip_on=False,
                label=f"{name}: σ_w² = {row['sigma_w2']:.3g}, χ₁ = {row['chi1']:.2f}, {phase}")
    ax.set_xscale("log")
    ax.set_ylim(-0.01, sigma_b2.max())
    ax.set(xlabel=_("σ_w² = fan_in · Var(W)  (log scale)"), ylabel="σ_b² = Var(b)",
           title=_("tanh, fan_in {fan_in}: ordered (left) and chaotic (right) phases").format(fan_in=fan_in))
    ax.text(0.02, 0.96, _("ordered: gradients vanish"), transform=ax.transAxes, ha="left", va="top", fontsize=8,
            color="white")
    ax.text(0.98, 0.96, _("chaotic: gradients explode"), transform=ax.transAxes, ha="right", va="top", fontsize=8)
    fig.legend(loc="outside lower center", ncols=2, fontsize=7.5, frameon=False)
    return fig, rows


#: The keys of one row of ``meanfield.initializer_phases`` that ``phase_line`` prints.
PHASE_ROW_KEYS = ("label", "sigma_w2", "sigma_b2", "chi1", "phase")


def phase_line(row):
    """One printable line for a row of ``phase_diagram_figure`` (``meanfield.initializer_phases``):
    the start's name (in the notebook's language, padded to 26 columns), sigma_w2, sigma_b2,
    chi_1 and the phase's word."""
    from lessonlib import meanfield

    row = _validate.instance(row, "row", dict, "a row of meanfield.initializer_phases (a dict)")
    missing = [k for k in PHASE_ROW_KEYS if k not in row]
    if missing:
        raise ValueError(f"row lacks {', '.join(missing)}: pass a row of meanfield.initializer_phases")
    label = _validate.text(row["label"], "row['label']")
    phase = _validate.choice(row["phase"], "row['phase']", list(meanfield.PHASE_LABELS))
    sigma_w2, sigma_b2, chi1 = (_validate.real(row[k], f"row[{k!r}]", finite=False) for k in ("sigma_w2", "sigma_b2", "chi1"))
    return (f"{pad(_(label), 26)} σ_w² = {sigma_w2:7.3f}, σ_b² = {sigma_b2:.4f}:  χ₁ = {chi1:.3f}, "
            f"{_(meanfield.PHASE_LABELS[phase])}")


def framework_table(fan_in=256, fan_out=128, seed=0):
    """Each framework's default dense layer drawn by lessonlib, as a ``widgets.Table``:
    the variance formula of W, its value and the sample variance of W, then the same for
    b (``lessonlib.frameworks``)."""
    from lessonlib import frameworks
    fan_in, fan_out = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    seed = _validate.integer(seed, "seed", low=0)

    rows = []
    for d in frameworks.DEFAULTS:
        W, b = frameworks.draw_default(d.framework, fan_in, fan_out, seed)
        var_w, var_b = frameworks.default_variance(d.framework, fan_in, fan_out)
        rows.append([d.layer, d.variance, f"{var_w:.5f}", f"{W.var():.5f}", f"{var_b:.5f}", f"{b.var():.5f}"])
    header = [_("default dense layer"), _("Var(W) formula"), "Var(W)", _("sample Var(W)"), "Var(b)", _("sample Var(b)")]
    caption = _("fan_in {fan_in}, fan_out {fan_out}, seed {seed}:").format(fan_in=fan_in, fan_out=fan_out, seed=seed)
    return widgets.Table(header, rows, align="llrrrr", caption=caption)


#: Row titles of ``framework_names_table``, by the keys of ``frameworks.NAMES``.
START_TITLES = {"lecun": "LeCun", "glorot": "Glorot", "he": "He"}


def framework_names_table():
    """What each framework calls LeCun's, Glorot's and He's starts
    (``lessonlib.frameworks.NAMES``), as a ``widgets.Table`` whose names wrap."""
    from lessonlib import frameworks

    rows = []
    for framework, names in frameworks.NAMES.items():
        for k, who in enumerate(("lecun", "glorot", "he")):
            rows.append([framework if k == 0 else "", START_TITLES[who], _(names[who])])
    return widgets.Table([_("framework"), _("start"), _("names")], rows, align="lll", wrap=[2], grouped=True,
                         caption=_("Names for LeCun / Glorot / He:"))
