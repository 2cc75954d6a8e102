"""How a signal travels through a deep network at initialization, layer by layer.

A stack of ``depth`` square layers (``width`` = fan-in = fan-out, no biases) is fed a
batch of standard-normal inputs x:

    z_l = a_{l-1} @ W_l,        a_l = f(z_l),        a_0 = x ~ N(0, 1)

and a standard-normal gradient g = dL/da_depth is sent back down:

    delta_l = dL/dz_l = g_l * f'(z_l),    g_{l-1} = delta_l @ W_l.T,    dL/dW_l = a_{l-1}.T @ delta_l

For zero-mean, independent weights and inputs, Var(z_l) = fan_in * Var(W) * E[a_{l-1}^2]
(the forward condition asks fan_in * Var(W) = 1) and, going back,
Var(g_{l-1}) = fan_out * Var(W) * Var(delta_l) (the backward condition asks
fan_out * Var(W) = 1). A ReLU keeps only half of E[z^2], so He et al. double the
variance: Var(W) = 2 / fan_in.

``propagate`` returns the per-layer statistics and histograms as a ``Propagation``;
``PropagationExplorer`` (at the end of this module) puts them on sliders. The
``deep_relu_runs`` experiment repeats He et al.'s (2015) figure 3 on the 8x8 digits.

References
----------
Glorot, Bengio (2010). Understanding the difficulty of training deep feedforward neural
networks. AISTATS. (Figures 6 and 7: per-layer histograms of activations and gradients.)
He, Zhang, Ren, Sun (2015). Delving deep into rectifiers. ICCV. (Section 2.2, figure 3.)
"""

from __future__ import annotations

import math
import numbers
from collections import OrderedDict
from dataclasses import dataclass, field

import ipywidgets
import numpy as np
from matplotlib.colors import PowerNorm

from lessonlib import init as _init
from lessonlib import widgets
from lessonlib.nn import ACTIVATIONS as _NN_ACTIVATIONS

#: The activations the explorer offers (the hidden-layer non-linearities of the lecture).
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")

#: The value range of each activation's histogram; values outside pile up in the end bins.
ACTIVATION_RANGES = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (-1.0, 4.0),
    "leaky_relu": (-1.0, 4.0),
}

#: Largest sizes ``propagate`` accepts (the explorer's sliders stay inside them).
MAX_WIDTH = 1024
MAX_DEPTH = 100

#: The four classic starting points compared in notebook 04: (label, initializer, options).
STANDARD_CASES = (
    ("too small: N(0, 0.01²)", "normal", {"std": 0.01}),
    ("too big: N(0, 1)", "normal", {"std": 1.0}),
    ("LeCun = Glorot here: Var 1/n", "lecun_normal", {}),
    ("He: Var 2/n", "he_normal", {}),
)


# --- weights, drawn once per (initializer, width, layer, seed) -----------------------------

_WEIGHT_CACHE: OrderedDict = OrderedDict()
_WEIGHT_CACHE_BYTES = 64 * 2**20


def layer_weights(init, width, layer, seed, **options):
    """The (width, width) weight matrix of ``layer`` (1-based), unscaled, read-only.

    Each layer has its own seeded stream ``default_rng([seed, layer])``, so making the
    network deeper keeps the layers it already had, and a control that does not change
    the weights (activation, scale, depth) never redraws them: they are cached.
    """
    key = (_init.resolve(init), int(width), int(layer), int(seed), tuple(sorted(options.items())))
    W = _WEIGHT_CACHE.get(key)
    if W is None:
        rng = np.random.default_rng([int(seed), int(layer)])
        W = _init.initialize(key[0], int(width), int(width), rng, **options)
        W.setflags(write=False)
        _WEIGHT_CACHE[key] = W
        while sum(w.nbytes for w in _WEIGHT_CACHE.values()) > _WEIGHT_CACHE_BYTES and len(_WEIGHT_CACHE) > 1:
            _WEIGHT_CACHE.popitem(last=False)
    else:
        _WEIGHT_CACHE.move_to_end(key)
    return W


def _histogram(values, low, high, bins):
    """Fractions of ``values`` in ``bins`` equal bins on [low, high]; outliers (and +-inf)
    count in the end bins, NaN in none."""
    v = values.ravel()
    v = v[~np.isnan(v)]
    index = np.floor((np.clip(v, low, high) - low) * (bins / (high - low))).astype(np.intp)
    np.minimum(index, bins - 1, out=index)
    return np.bincount(index, minlength=bins)[:bins] / max(values.size, 1)


# --- the computation ---------------------------------------------------------------------


@dataclass
class Propagation:
    """Per-layer statistics of one forward and backward pass at initialization.

    Every list has one entry per layer (index 0 is layer 1, the one next to the input).

    Attributes
    ----------
    settings : dict
        The arguments of ``propagate``.
    act_mean, act_std : list of float
        Mean and standard deviation (not variance) of the activations a_l.
    pre_std : list of float
        Standard deviation of the pre-activations z_l.
    saturated : list of float
        Fraction of sigmoid/tanh outputs within 1 % of their limits (0 for ReLUs).
    dead : list of float
        Fraction of ReLU/leaky-ReLU units whose input is <= 0 for every example (0 for
        sigmoid/tanh).
    grad_std : list of float
        Standard deviation of the back-propagated gradient dL/dz_l.
    grad_norm : list of float
        Frobenius norm of the weight gradient dL/dW_l.
    act_hist, grad_hist : ndarray of shape (depth, bins)
        Fraction of the values of a_l (dL/dz_l) in each bin; rows sum to 1 unless values
        are NaN.
    act_edges, grad_edges : ndarray of shape (bins + 1,)
        The bin edges. Activations use ``ACTIVATION_RANGES``; gradients +-3 times the
        standard deviation of the top layer's gradient.
    finite : bool
        False if any activation or gradient overflowed to inf or NaN.
    verdict : str
        One line: "healthy", "vanishing", "exploding", "dead" or "diverged (inf/NaN)",
        with the numbers behind it.
    """

    settings: dict
    act_mean: list = field(default_factory=list)
    act_std: list = field(default_factory=list)
    pre_std: list = field(default_factory=list)
    saturated: list = field(default_factory=list)
    dead: list = field(default_factory=list)
    grad_std: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    act_hist: np.ndarray = None
    grad_hist: np.ndarray = None
    act_edges: np.ndarray = None
    grad_edges: np.ndarray = None
    finite: bool = True
    verdict: str = ""

    @property
    def depth(self):
        return len(self.act_std)

    @property
    def state(self):
        """The verdict's first word: healthy, vanishing, exploding, dead or diverged."""
        return self.verdict.split(":")[0].split(" ")[0]

    def table(self, max_rows=12):
        """A small text table: per layer, activation std, saturated or dead %, gradient std."""
        activation = self.settings["activation"]
        column = "dead %" if activation in ("relu", "leaky_relu") else "sat. %"
        values = self.dead if activation in ("relu", "leaky_relu") else self.saturated
        rows = _rows_to_show(self.depth, max_rows)
        lines = [f"{'layer':>5} {'act std':>9} {column:>6} {'grad std':>9}"]
        for k in rows:
            if k is None:
                lines.append(f"{'...':>5}")
                continue
            lines.append(
                f"{k + 1:>5} {_short(self.act_std[k]):>9} {_percent(values[k]):>6} {_short(self.grad_std[k]):>9}"
            )
        return "\n".join(lines)


def _rows_to_show(depth, max_rows):
    if depth <= max_rows:
        return list(range(depth))
    head = max_rows // 2
    tail = max_rows - head - 1
    return [*range(head), None, *range(depth - tail, depth)]


def _short(x):
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "nan")
    if x == 0:
        return "0"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.1e}"


def _percent(x):
    return f"{100 * x:.0f}" if math.isfinite(x) else "nan"


def _check_int(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def propagate(
    width=100,
    depth=10,
    activation="tanh",
    init="glorot_uniform",
    scale=1.0,
    seed=0,
    batch=256,
    bins=50,
    slope=0.01,
    init_options=None,
):
    """Send a batch forward and a gradient backward through a fresh deep network.

    Parameters
    ----------
    width : int
        Units per layer; every layer is square, so fan-in = fan-out = width (1..1024).
    depth : int
        Number of layers (1..100).
    activation : str
        "sigmoid", "tanh", "relu" or "leaky_relu".
    init : str
        An initializer name from ``lessonlib.init.names()`` (or an alias).
    scale : float
        Multiplies every weight (so the variance by scale**2); positive and finite.
    seed : int
        Seeds the weights, the input batch and the gradient sent down.
    batch : int
        Number of examples in the batch.
    bins : int
        Number of histogram bins.
    slope : float
        Negative-side slope of "leaky_relu".
    init_options : dict, optional
        Options for the initializer, e.g. ``{"std": 1.0}`` for "normal".

    Returns
    -------
    Propagation
        Never contains a warning or an exception for overflowing settings: those give
        ``finite=False`` and the verdict "diverged (inf/NaN)".
    """
    width = _check_int(width, "width", 1, MAX_WIDTH)
    depth = _check_int(depth, "depth", 1, MAX_DEPTH)
    batch = _check_int(batch, "batch", 1, 100_000)
    bins = _check_int(bins, "bins", 2, 10_000)
    seed = _check_int(seed, "seed", 0, 2**31)
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    init = _init.resolve(init)
    if not isinstance(scale, numbers.Real) or not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    options = dict(init_options or {})
    f, fprime = _NN_ACTIVATIONS[activation]
    settings = dict(
        width=width, depth=depth, activation=activation, init=init, scale=float(scale),
        seed=seed, batch=batch, bins=bins, slope=slope, init_options=options,
    )
    rng = np.random.default_rng([seed, MAX_DEPTH + 1])
    x = rng.standard_normal((batch, width))
    g = rng.standard_normal((batch, width))
    result = Propagation(settings=settings)
    low, high = ACTIVATION_RANGES[activation]
    with np.errstate(all="ignore"):
        weights = [scale * layer_weights(init, width, l + 1, seed, **options) for l in range(depth)]
        pre, post = [], []
        a = x
        for W in weights:
            z = a @ W
            a = f(z, slope)
            pre.append(z)
            post.append(a)
        deltas = [None] * depth
        for l in range(depth - 1, -1, -1):
            delta = g * fprime(pre[l], post[l], slope)
            deltas[l] = delta
            g = delta @ weights[l].T
        top = float(np.std(deltas[-1]))
        spread = 3.0 * top if math.isfinite(top) and 1e-300 < top < 1e300 else 1.0
        result.act_edges = np.linspace(low, high, bins + 1)
        result.grad_edges = np.linspace(-spread, spread, bins + 1)
        result.act_hist = np.zeros((depth, bins))
        result.grad_hist = np.zeros((depth, bins))
        finite = True
        for l in range(depth):
            z, a, delta = pre[l], post[l], deltas[l]
            below = x if l == 0 else post[l - 1]
            finite = finite and bool(np.all(np.isfinite(a)) and np.all(np.isfinite(delta)))
            result.act_mean.append(float(np.mean(a)))
            result.act_std.append(float(np.std(a)))
            result.pre_std.append(float(np.std(z)))
            if activation == "tanh":
                result.saturated.append(float(np.mean(np.abs(a) > 0.99)))
            elif activation == "sigmoid":
                result.saturated.append(float(np.mean((a < 0.01) | (a > 0.99))))
            else:
                result.saturated.append(0.0)
            if activation in ("relu", "leaky_relu"):
                result.dead.append(float(np.mean(np.all(z <= 0, axis=0))))
            else:
                result.dead.append(0.0)
            result.grad_std.append(float(np.std(delta)))
            result.grad_norm.append(float(np.linalg.norm(below.T @ delta)))
            result.act_hist[l] = _histogram(a, low, high, bins)
            result.grad_hist[l] = _histogram(delta, -spread, spread, bins)
        finite = finite and all(
            math.isfinite(v) for v in (*result.act_std, *result.grad_std, *result.grad_norm)
        )
    result.finite = finite
    result.verdict = _verdict(result)
    return result


def _verdict(r):
    depth = r.depth
    if not r.finite:
        return (
            f"diverged (inf/NaN): the numbers overflowed float64 within {depth} layers; "
            "the weights are far too large"
        )
    a_first, a_last = r.act_std[0], r.act_std[-1]
    g_top, g_first = r.grad_std[-1], r.grad_std[0]
    if a_last < 1e-12 or g_top < 1e-12 and g_first < 1e-12:
        what = "every unit outputs the same value" if a_last < 1e-12 else "no gradient reaches the weights"
        return f"dead: {what} (std 0): nothing can be learned from here"
    forward = a_last / a_first if a_first > 0 else math.inf
    backward = g_first / g_top if g_top > 0 else math.inf
    if forward < 0.1 or backward < 0.1:
        state = "vanishing"
    elif forward > 10 or backward > 10:
        state = "exploding"
    else:
        state = "healthy"
    line = (
        f"{state}: activation std {_short(a_first)} -> {_short(a_last)} (layer 1 -> {depth}), "
        f"gradient std {_short(g_top)} -> {_short(g_first)} (layer {depth} -> 1)"
    )
    worst = max(r.saturated)
    if worst > 0.2:
        line += f"; {_percent(worst)} % saturated"
    worst = max(r.dead)
    if worst > 0.2:
        line += f"; {_percent(worst)} % dead units"
    return line


def signal_variance_ratio(depth=30, width=100, seed=0, batch=50):
    """Var(z_depth) with Var(W) = 1/fan_in divided by the same with 2/fan_in, in a ReLU net.

    He et al. (2015): each ReLU layer halves E[z^2] unless Var(W) = 2/fan_in makes up
    for it, so the ratio should be close to (1/2)**depth (for the variance; the standard
    deviation's ratio is its square root, (1/sqrt 2)**depth). The two networks share
    their random draws (He's weights are LeCun's times sqrt 2) and a ReLU network without
    biases is positively homogeneous, so the ratio is exactly 2**-depth up to rounding
    at any width and batch size: a small network shows it as well as a big one.
    """
    run = lambda name: propagate(width, depth, "relu", name, seed=seed, batch=batch)  # noqa: E731
    lecun, he = run("lecun_normal"), run("he_normal")
    return (lecun.pre_std[-1] / he.pre_std[-1]) ** 2


# --- the 30-layer experiment (He et al. 2015, figure 3) ------------------------------------


def standardized_digits(seed=0):
    """``digits_split`` with pixels centred per pixel and scaled by the overall std of the
    training set (test set scaled with the training statistics): zero-mean inputs, as the
    variance arguments assume."""
    from lessonlib.data import digits_split

    X_train, X_test, y_train, y_test = digits_split(seed=seed)
    mean = X_train.mean(axis=0)
    std = X_train.std()
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test


def balanced_digits(per_class=25, seed=0):
    """``standardized_digits`` cut down to the first ``per_class`` training and the first
    ``per_class`` test digits of each class (in the split's order).

    With every class equally frequent, a network that has learned nothing but the class
    frequencies still has a loss of exactly ln 10 and an accuracy of exactly 0.1, so a
    stalled run reads as such. Returns (X_train, X_test, y_train, y_test).
    """
    per_class = _check_int(per_class, "per_class", 1, 130)
    X_train, X_test, y_train, y_test = standardized_digits(seed=seed)

    def pick(y):
        return np.sort(np.concatenate([np.flatnonzero(y == k)[:per_class] for k in range(10)]))

    train, test = pick(y_train), pick(y_test)
    return X_train[train], X_test[test], y_train[train], y_test[test]


def deep_relu_runs(
    inits=("lecun_normal", "he_normal"),
    seeds=(0, 1, 2),
    depth=30,
    width=32,
    epochs=20,
    lr=0.005,
    momentum=0.9,
    batch_size=32,
    per_class=25,
):
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
    from lessonlib.nn import MLP

    X_train, X_test, y_train, y_test = balanced_digits(per_class)
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

    fig, axes = plt.subplots(1, len(cases), figsize=(3.0 * len(cases), 2.6), layout="constrained")
    results = []
    for ax, (label, name, options) in zip(np.atleast_1d(axes), cases):
        r = propagate(width, depth, activation, name, seed=seed, batch=batch, init_options=options)
        plot_layer_histograms(ax, r, kind, legend=ax is np.atleast_1d(axes)[0])
        ax.set_title(label, fontsize=9)
        ax.set_yticks([])
        results.append((label, r))
    what = f"{activation} activations" if kind == "act" else "back-propagated gradients dL/dz (range: ±3 × the top layer's std)"
    fig.suptitle(f"{what}, {depth} layers of {width} units: one curve per layer", fontsize=10)
    return fig, results


def describe(label, r, kind="act"):
    """One printable line about a ``Propagation``: first and last layer, and the state."""
    depth = r.depth
    if kind == "act":
        extra = r.dead if r.settings["activation"] in ("relu", "leaky_relu") else r.saturated
        word = "dead" if r.settings["activation"] in ("relu", "leaky_relu") else "saturated"
        return (
            f"{label:30s} activation std {_short(r.act_std[0]):>8} -> {_short(r.act_std[-1]):>8} "
            f"(layer 1 -> {depth}), {word} in layer {depth}: {_percent(extra[-1]):>3} %  [{r.state}]"
        )
    return (
        f"{label:30s} gradient std {_short(r.grad_std[-1]):>8} -> {_short(r.grad_std[0]):>8}, "
        f"|dL/dW| {_short(r.grad_norm[-1]):>8} -> {_short(r.grad_norm[0]):>8} (layer {depth} -> 1)  [{r.state}]"
    )


# --- the explorer ------------------------------------------------------------------------


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
                      scale=float(scale), seed=int(seed), batch=self.batch, bins=self.bins)
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
