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

``propagate`` returns the per-layer statistics and histograms as a ``Propagation``.
Notebook 04's pictures, its 30-layer experiment and the explorer that puts ``propagate``
on sliders are in ``lessonlib.lessons.xavier_he``.

References
----------
Glorot, Bengio (2010). Understanding the difficulty of training deep feedforward neural
networks. AISTATS. (Figures 6 and 7: per-layer histograms of activations and gradients.)
He, Zhang, Ren, Sun (2015). Delving deep into rectifiers. ICCV. (Section 2.2, figure 3.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lessonlib import _validate
from lessonlib import init as _init
from lessonlib.i18n import N_, _, pad, text_width
from lessonlib.nn import ACTIVATIONS as _NN_ACTIVATIONS
from lessonlib.nn import layer_statistics
from lessonlib.seeding import child
from lessonlib.training import all_finite

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


# --- weights: one seeded stream per layer -------------------------------------------------


def layer_weights(init, width, layer, seed, cache=None, **options):
    """The (width, width) weight matrix of ``layer`` (1-based), unscaled, read-only.

    Each layer has its own seeded stream ``seeding.child(seed, layer)``, so making the
    network deeper keeps the layers it already had. ``cache`` (any dict-like object, e.g.
    an explorer's bounded cache) keeps drawn matrices, so a control that does not change
    the weights (activation, scale, depth) never redraws them.
    """
    width = _validate.integer(width, "width", low=1, high=MAX_WIDTH)
    layer = _validate.integer(layer, "layer", low=1, high=MAX_DEPTH)
    seed = _validate.integer(seed, "seed", low=0, high=2**31)
    key = (_init.resolve(init), width, layer, seed, tuple(sorted(options.items())))
    W = None if cache is None else cache.get(key)
    if W is None:
        W = _init.initialize(key[0], int(width), int(width), child(int(seed), int(layer)), **options)
        W.setflags(write=False)
        if cache is not None:
            cache[key] = W
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
    act_clipped : list of float
        Fraction of the activations a_l outside the histogram's range (they are
        counted in the end bins; e.g. ReLU outputs above 4 with weights far too big).
    act_edges, grad_edges : ndarray of shape (bins + 1,)
        The bin edges. Activations use ``ACTIVATION_RANGES``; gradients +-3 times the
        standard deviation of the top layer's gradient.
    finite : bool
        False if any activation or gradient overflowed to inf or NaN.
    identical_units : bool
        True when some layer's weight columns are all equal (a zero or constant start,
        width >= 2): every unit of that layer computes the same function, forever.
    forward_state, backward_state : str
        The forward verdict ("healthy", "vanishing", "exploding", "saturated", "dead",
        "symmetric" or "diverged") and the backward one ("healthy", "vanishing",
        "exploding", "dead", "symmetric" or "diverged"); see ``STATES``.
    verdict : str
        One line: the overall state (``state``), then the forward and the backward
        verdict with the numbers behind them.
    """

    settings: dict
    # forward: the activations a_l and pre-activations z_l
    act_mean: list = field(default_factory=list)
    act_std: list = field(default_factory=list)
    pre_std: list = field(default_factory=list)
    saturated: list = field(default_factory=list)
    dead: list = field(default_factory=list)
    # backward: the gradients
    grad_std: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    act_clipped: list = field(default_factory=list)
    act_hist: np.ndarray = None
    grad_hist: np.ndarray = None
    act_edges: np.ndarray = None
    grad_edges: np.ndarray = None
    finite: bool = True
    identical_units: bool = False
    forward_state: str = ""
    backward_state: str = ""
    verdict: str = ""

    @property
    def depth(self):
        return len(self.act_std)

    @property
    def state(self):
        """The overall state, the verdict's first word (one of ``STATES``): diverged,
        symmetric, dead, saturated, vanishing, exploding or healthy, in that order of
        precedence over the forward and the backward state ("" before ``propagate``).
        A code, the same in every language (``state_label`` is its word in the verdict)."""
        return next((s for s in STATES if s in (self.forward_state, self.backward_state)), "")

    @property
    def state_label(self):
        """``state`` as the verdict shows it, in the current language ("healthy", "정상")."""
        return _(STATE_LABELS[self.state]) if self.state else ""

    def table_rows(self, max_rows=12):
        """The cells of ``table``: (header, rows), texts in the current language.

        ``header`` has the four column titles (layer, activation std, dead or saturated
        %, gradient std); each row has four cells, except the gap between the first and
        the last layers, ``["..."]``. At most ``max_rows`` layer rows (at least 3).
        """
        max_rows = _validate.integer(max_rows, "max_rows", low=3)
        relu = self.settings["activation"] in ("relu", "leaky_relu")
        header = [_("layer"), _("act std"), _("dead %") if relu else _("sat. %"), _("grad std")]
        values = self.dead if relu else self.saturated
        rows = []
        for k in _rows_to_show(self.depth, max_rows):
            if k is None:
                rows.append(["..."])
            else:
                rows.append([str(k + 1), _short(self.act_std[k]), _percent(values[k]), _short(self.grad_std[k])])
        return header, rows

    def table(self, max_rows=12):
        """A small text table: per layer, activation std, saturated or dead %, gradient std.

        At most ``max_rows`` layer rows (at least 3: the first, "...", the last). Columns
        right-aligned, each at least as wide as its title (``table_rows`` has the cells).
        """
        header, rows = self.table_rows(max_rows)
        widths = [max(width, text_width(title)) for width, title in zip((5, 9, 6, 9), header)]
        return "\n".join(" ".join(pad(cell, width, ">") for cell, width in zip(row, widths)) for row in [header, *rows])


def _rows_to_show(depth, max_rows):
    if depth <= max_rows:
        return list(range(depth))
    head = max_rows // 2
    tail = max_rows - head - 1
    return [*range(head), None, *range(depth - tail, depth)]


def format_std(x):
    """A standard deviation (or any number) in at most four characters of precision:
    "0.123", "1.2e-05", "inf", "nan"; as the tables and verdicts print them."""
    return _short(_validate.real(x, "x", finite=False))


def format_percent(x):
    """A fraction as a whole percentage without the sign: 0.25 -> "25", NaN -> "nan"."""
    return _percent(_validate.real(x, "x", finite=False))


def _short(x):
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "nan")
    if x == 0:
        return "0"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.1e}"


def _percent(x):
    return f"{100 * x:.0f}" if math.isfinite(x) else "nan"


def propagate(width=100, depth=10, activation="tanh", init="glorot_uniform", scale=1.0, seed=0, batch=256,
              bins=50, slope=0.01, init_options=None, weight_cache=None):
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
    weight_cache : dict-like, optional
        Keeps the drawn weight matrices between calls (see ``layer_weights``).

    Returns
    -------
    Propagation
        Never contains a warning or an exception for overflowing settings: those give
        ``finite=False`` and the verdict "diverged (inf/NaN)".
    """
    width = _validate.integer(width, "width", low=1, high=MAX_WIDTH)
    depth = _validate.integer(depth, "depth", low=1, high=MAX_DEPTH)
    batch = _validate.integer(batch, "batch", low=1, high=100_000)
    bins = _validate.integer(bins, "bins", low=2, high=10_000)
    seed = _validate.integer(seed, "seed", low=0, high=2**31)
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    init = _init.resolve(init)
    scale = _validate.scale(scale, "scale")
    slope = _validate.slope(slope)
    options = _init.check_options(init, _validate.instance(
        {} if init_options is None else init_options, "init_options", dict, "a dict of initializer options or None"))
    f, fprime = _NN_ACTIVATIONS[activation]
    settings = dict(
        width=width, depth=depth, activation=activation, init=init, scale=scale,
        seed=seed, batch=batch, bins=bins, slope=slope, init_options=options,
    )
    rng = child(seed, MAX_DEPTH + 1)  # the inputs' stream: next to the layers', never one of them
    x = rng.standard_normal((batch, width))
    g = rng.standard_normal((batch, width))
    result = Propagation(settings=settings)
    low, high = ACTIVATION_RANGES[activation]
    with np.errstate(all="ignore"):
        weights = [scale * layer_weights(init, width, l + 1, seed, weight_cache, **options) for l in range(depth)]
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
        stats = layer_statistics(pre, post, deltas, x, activation, n_hidden=depth)
        for name, values in stats.items():
            setattr(result, name, values)
        for l in range(depth):
            result.act_hist[l] = _histogram(post[l], low, high, bins)
            result.act_clipped.append(float(np.mean((post[l] < low) | (post[l] > high))))
            result.grad_hist[l] = _histogram(deltas[l], -spread, spread, bins)
        result.identical_units = width > 1 and any(_identical_columns(W) for W in weights)
        finite = all_finite(*post, *deltas) and all(
            math.isfinite(v) for v in (*result.act_std, *result.grad_std, *result.grad_norm)
        )
    result.finite = finite
    result.verdict = _verdict(result)
    return result


#: The states a verdict can name, in order of precedence for the overall state.
STATES = ("diverged", "symmetric", "dead", "saturated", "vanishing", "exploding", "healthy")

#: The word a verdict shows for each state (translated where it is shown).
STATE_LABELS = {
    "diverged": N_("diverged"),
    "symmetric": N_("symmetric"),
    "dead": N_("dead"),
    "saturated": N_("saturated"),
    "vanishing": N_("vanishing"),
    "exploding": N_("exploding"),
    "healthy": N_("healthy"),
}

#: A std ratio (last layer over first, or layer 1 over the top layer for gradients)
#: below 1/FACTOR is "vanishing", above FACTOR "exploding".
FACTOR = 10.0

#: tanh/sigmoid: "saturated" when more than this fraction of some layer's outputs sit
#: within 1 % of the limits (where the slope, and with it the gradient, is about 0).
SATURATED = 0.5

#: The forward signal is "dead" when, in the last layer, the spread over the batch is
#: below this fraction of the values' own size (root mean square): the examples can no
#: longer be told apart. Relative, so a tiny but faithful signal is only "vanishing".
DEAD_RELATIVE = 1e-9


def _identical_columns(W):
    """Every column of W equal to the first (up to rounding relative to W's size)."""
    W = np.asarray(W)
    if W.shape[1] < 2:
        return False
    size = float(np.max(np.abs(W))) if W.size else 0.0
    return bool(np.max(np.abs(W - W[:, :1])) <= 1e-12 * size) if size > 0 else True


def _forward_state(r):
    a_first, a_last = r.act_std[0], r.act_std[-1]
    rms_last = math.hypot(r.act_mean[-1], a_last)
    if a_last <= DEAD_RELATIVE * rms_last or rms_last == 0.0:
        return "dead", _("every example gives the same output in the last layer")
    if max(r.saturated) > SATURATED:
        layer = int(np.argmax(r.saturated)) + 1
        return "saturated", _("{percent} % of layer {layer}'s outputs at ±limit (slope ≈ 0)").format(
            percent=_percent(max(r.saturated)), layer=layer)
    ratio = a_last / a_first if a_first > 0 else math.inf
    state = "vanishing" if ratio < 1 / FACTOR else "exploding" if ratio > FACTOR else "healthy"
    return state, _("activation std {first} -> {last} (layer 1 -> {depth}, ×{ratio})").format(
        first=_short(a_first), last=_short(a_last), depth=r.depth, ratio=_short(ratio))


def _backward_state(r):
    g_top, g_first = r.grad_std[-1], r.grad_std[0]
    if g_first == 0.0:
        return "dead", _("no gradient reaches layer 1")
    ratio = g_first / g_top if g_top > 0 else math.inf
    state = "vanishing" if ratio < 1 / FACTOR else "exploding" if ratio > FACTOR else "healthy"
    return state, _("gradient std {top} -> {first} (layer {depth} -> 1, ×{ratio})").format(
        top=_short(g_top), first=_short(g_first), depth=r.depth, ratio=_short(ratio))


def _verdict(r):
    depth = r.depth
    if not r.finite:
        r.forward_state = r.backward_state = "diverged"
        return _(
            "diverged (inf/NaN): the numbers overflowed float64 within {depth} layers; "
            "the weights are far too large"
        ).format(depth=depth)
    if r.identical_units:
        r.forward_state = r.backward_state = "symmetric"
        return _(
            "symmetric (units identical): every unit of a layer has the same weights, so it "
            "computes the same value and gets the same gradient: the units stay copies of "
            "each other whatever training does"
        )
    forward, forward_text = _forward_state(r)
    backward, backward_text = _backward_state(r)
    r.forward_state, r.backward_state = forward, backward
    values = dict(state=r.state_label, forward=_(STATE_LABELS[forward]), forward_text=forward_text,
                  backward=_(STATE_LABELS[backward]), backward_text=backward_text)
    worst = max(r.dead)
    if worst > 0.2:
        return _("{state}: forward {forward} ({forward_text}); backward {backward} ({backward_text}); "
                 "{percent} % dead units").format(percent=_percent(worst), **values)
    return _("{state}: forward {forward} ({forward_text}); backward {backward} ({backward_text})").format(**values)


def signal_variance_ratio(depth=30, width=100, seed=0, batch=50):
    """Var(z_depth) with Var(W) = 1/fan_in divided by the same with 2/fan_in, in a ReLU net.

    He et al. (2015): each ReLU layer halves E[z^2] unless Var(W) = 2/fan_in makes up
    for it, so the ratio should be close to (1/2)**depth (for the variance; the standard
    deviation's ratio is its square root, (1/sqrt 2)**depth). The two networks share
    their random draws (He's weights are LeCun's times sqrt 2) and a ReLU network without
    biases is positively homogeneous, so the ratio is exactly 2**-depth up to rounding
    at any width and batch size: a small network shows it as well as a big one.
    """
    depth = _validate.integer(depth, "depth", low=1, high=MAX_DEPTH)
    run = lambda name: propagate(width, depth, "relu", name, seed=seed, batch=batch)  # noqa: E731
    lecun, he = run("lecun_normal"), run("he_normal")
    return (lecun.pre_std[-1] / he.pre_std[-1]) ** 2
