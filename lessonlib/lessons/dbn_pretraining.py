"""Notebook 03 (DBN pre-training): its experiments and figures, as functions.

Everything runs on the series' standard digits split (1347 training, 450 test images)
with one architecture, a sigmoid network 64-100-100-100-10, so the only thing that
differs between the runs is where the weights start:

=========  ==============================================================
"dbn"      the three RBMs of a pre-trained ``lessonlib.dbn.DBN`` + a Glorot output layer
"zeros"    every weight 0
"normal"   N(0, 0.01**2) (standard deviation 0.01): "small random"
"xavier"   Glorot uniform, U(+-sqrt(6 / (fan_in + fan_out)))
=========  ==============================================================

Pre-training sees the training images only, never their labels and never the test
images. A pre-trained stack is made once per seed and cached, so a notebook that asks
for it twice does not pre-train twice.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np

from lessonlib import _validate, data, plots
from lessonlib.dbn import DBN
from lessonlib.seeding import child
from lessonlib.starts import build_model
from lessonlib.training import History, Run

#: The DBN: visible layer and three hidden layers (the network adds 10 outputs).
LAYERS = (64, 100, 100, 100)
#: Pre-training: 10 epochs of CD-1 per RBM (about a second for the whole stack).
PRETRAIN = dict(epochs=10, lr=0.1, batch_size=20, momentum=0.5, weight_decay=1e-4)
#: Fine-tuning and plain training: the same SGD for every start. 20 epochs: enough for
#: the pre-trained start to settle and for Xavier to leave its plateau (notebook 03).
FINE_TUNE = dict(epochs=20, lr=0.1, momentum=0.9, batch_size=32)
#: The starts compared, in the order they are drawn, with their labels.
STARTS = {
    "dbn": "DBN pre-trained",
    "xavier": "Xavier (Glorot uniform)",
    "normal": "small random N(0, 0.01²)",
    "zeros": "zeros",
}
#: Seeds of the starts that learn ("dbn", "xavier"): one pre-trained stack per seed.
SEEDS = (0, 1)
#: The starts that stay at chance: their loss does not move from ln 10 whatever the seed.
#: One seed and 10 epochs show it (the seed only changes which 10 % the guesses hit).
STUCK_STARTS = ("normal", "zeros")
STUCK_SEEDS = (0,)
STUCK_EPOCHS = 10
#: Few labels: every run takes this many SGD steps (as many as 10 epochs on all images).
#: With 50 labels that is 215 passes over them; both the pre-trained and the Xavier start
#: classify all 50 training images correctly before the end.
FEW_LABEL_STEPS = 430


def digits():
    """(X_train, X_test, y_train, y_test): copies of the standard split."""
    return data.digits()


_PRETRAIN_SECONDS = {}


def pretrained_dbn(seed=0):
    """The DBN 64-100-100-100 pre-trained on the training images (no labels); cached.

    Treat it as read-only: fine-tuning works on the copies ``to_mlp`` makes.
    """
    return _pretrained_dbn(_validate.integer(seed, "seed", low=0))


@lru_cache(maxsize=8)
def _pretrained_dbn(seed):
    X_train = digits()[0]
    dbn = DBN(LAYERS, seed=seed)
    start = time.perf_counter()
    dbn.pretrain(X_train, **PRETRAIN)
    _PRETRAIN_SECONDS[seed] = time.perf_counter() - start
    return dbn


def pretrain_seconds(seed=0):
    """How long ``pretrained_dbn(seed)`` took (wall clock; varies by machine)."""
    pretrained_dbn(seed)
    return _PRETRAIN_SECONDS[int(seed)]


#: Each start of this notebook as a name of ``lessonlib.starts``.
START_NAMES = {"dbn": "dbn", "xavier": "glorot_uniform", "normal": "normal_0.01", "zeros": "zeros"}


#: The series' colour of each start (``lessonlib.plots.COLORS``).
COLORS = {start: plots.color_for(name) for start, name in START_NAMES.items()}


def make_network(start, seed=0):
    """The sigmoid network 64-100-100-100-10 with the named start (see ``STARTS``).

    "dbn" unrolls the cached stack ``pretrained_dbn(seed)``; the others are drawn by
    ``lessonlib.starts.build_model``.
    """
    start = _validate.choice(start, "start", STARTS)
    seed = _validate.integer(seed, "seed", low=0)
    pretrained = pretrained_dbn(seed) if start == "dbn" else None
    return build_model(START_NAMES[start], [*LAYERS, 10], "sigmoid", seed=seed, pretrained=pretrained)


def label_subset(n_labels, seed=0):
    """Indices of ``n_labels`` labelled training images, as equal a share per digit as possible.

    ``None`` (or a number at least the training set's size) means every training image.
    """
    y_train = digits()[2]
    n_labels = _budget(n_labels, "n_labels")
    if n_labels is None or n_labels >= len(y_train):
        return np.arange(len(y_train))
    rng = child(seed, "labels")
    per_class = [rng.permutation(np.flatnonzero(y_train == k)) for k in range(10)]
    counts = np.full(10, n_labels // 10)
    counts[rng.permutation(10)[: n_labels % 10]] += 1
    return np.sort(np.concatenate([members[:c] for members, c in zip(per_class, counts)]))


def fine_tune(start, seed=0, n_labels=None, epochs=None, track_test=True):
    """Train the network from ``start`` on ``n_labels`` labelled images; return a ``Run``.

    The seed sets the start (pre-trained stack, random weights, output layer), the
    labelled subset and the order of the mini-batches. Every run uses the same SGD
    (``FINE_TUNE``). On all labels ``epochs`` defaults to ``FINE_TUNE["epochs"]``; with
    few labels an epoch is a few steps only, so it defaults to as many epochs as give
    ``FEW_LABEL_STEPS`` steps.
    ``track_test`` records the test accuracy after every epoch (costly for thousands
    of tiny epochs; otherwise it is measured once at the end).
    """
    start = _validate.choice(start, "start", STARTS)
    seed = _validate.integer(seed, "seed", low=0)
    epochs = None if epochs is None else _validate.integer(epochs, "epochs", low=0)
    track_test = _validate.flag(track_test, "track_test")
    X_train, X_test, y_train, y_test = digits()
    idx = label_subset(n_labels, seed)
    settings = dict(FINE_TUNE)
    if epochs is None and len(idx) == len(y_train):
        epochs = FINE_TUNE["epochs"]
    elif epochs is None:
        steps_per_epoch = int(np.ceil(len(idx) / FINE_TUNE["batch_size"]))
        epochs = int(np.ceil(FEW_LABEL_STEPS / steps_per_epoch))
    settings["epochs"] = epochs
    model = make_network(start, seed)
    val = dict(X_val=X_test, y_val=y_test) if track_test else {}
    history = model.fit(X_train[idx], y_train[idx], seed=seed, **val, **settings)
    if history.diverged:
        accuracy = float("nan")
    elif track_test:
        accuracy = history.val_accuracy[-1]
    else:
        accuracy = model.score(X_test, y_test)
    return Run(start=start, seed=seed, history=history, test_accuracy=accuracy, n_labels=len(idx),
               label=STARTS[start])


def compare_starts(seeds=SEEDS, stuck_seeds=STUCK_SEEDS):
    """Every start of ``STARTS`` fine-tuned on all labels: {start: [Run, ...]}.

    The starts that learn run once per seed of ``seeds``; the ``STUCK_STARTS`` (zeros,
    N(0, 0.01**2)) once per seed of ``stuck_seeds`` and for ``STUCK_EPOCHS`` epochs only.
    Cached: asking again with the same seeds (in any spelling) does not train again.
    """
    return _compare_starts(tuple(_validate.sequence_of_ints(seeds, "seeds", low=0)),
                           tuple(_validate.sequence_of_ints(stuck_seeds, "stuck_seeds", low=0)))


@lru_cache(maxsize=4)
def _compare_starts(seeds, stuck_seeds):
    return {start: [fine_tune(start, s, epochs=STUCK_EPOCHS) for s in stuck_seeds] if start in STUCK_STARTS
            else [fine_tune(start, s) for s in seeds] for start in STARTS}


def _budget(n_labels, name):
    """A label budget: None (every label) or at least one label per digit."""
    return None if n_labels is None else _validate.integer(n_labels, name, low=10)


def _check_runs(runs):
    """``runs`` as ``compare_starts`` returns it: {start of STARTS: [Run, ...]}."""
    _validate.instance(runs, "runs", dict, "a dict {start: [Run, ...]} as compare_starts returns")
    for start, group in runs.items():
        _validate.choice(start, "runs' start", STARTS)
        if not isinstance(group, (list, tuple)) or not group:
            raise ValueError(f"runs[{start!r}] must be a non-empty list of Run, got {group!r}")
        for run in group:
            _validate.instance(run, f"runs[{start!r}]", Run, "a list of lessonlib.training.Run")
    return runs


def epochs_to_reach(history, target):
    """The first epoch after which the test accuracy is at least ``target`` (None: never)."""
    _validate.instance(history, "history", History, "a lessonlib.training.History")
    target = _validate.real(target, "target", low=0.0, high=1.0)
    for epoch, accuracy in zip(history.epoch, history.val_accuracy):
        if accuracy >= target:
            return epoch
    return None


def summary_table(runs, target=0.9):
    """Per start: mean, min and max final test accuracy, and epochs to reach ``target``.

    ``runs`` is what ``compare_starts`` returns. Returns a list of dicts with ``start``,
    ``label``, ``mean``, ``low``, ``high``, ``epochs_to_target`` (a list, None where a
    run did not get there) and ``epochs`` (how many epochs were run).
    """
    _check_runs(runs)
    target = _validate.real(target, "target", low=0.0, high=1.0)
    rows = []
    for start, group in runs.items():
        accs = np.array([r.test_accuracy for r in group])
        rows.append(
            {
                "start": start,
                "label": STARTS[start],
                "mean": float(np.mean(accs)),
                "low": float(np.min(accs)),
                "high": float(np.max(accs)),
                "epochs_to_target": [epochs_to_reach(r.history, target) for r in group],
                "epochs": max(r.history.epoch[-1] for r in group),
            }
        )
    return rows


#: The label budgets of the few-labels study (None = all 1347 training labels).
BUDGETS = (50, None)
BUDGET_STARTS = ("dbn", "xavier")


def label_budget_study(budgets=BUDGETS, starts=BUDGET_STARTS, seeds=SEEDS):
    """Final test accuracy per (start, budget), one number per seed.

    Returns {"budgets": [n, ...], start: {n: [accuracy per seed]}}. Pre-training always
    uses every training image (without labels); only fine-tuning is limited to the budget.
    The full budget reuses ``compare_starts``. Cached.
    """
    budgets = tuple(_validate.sequence(budgets, "budgets", _budget, min_length=1, what="label counts (or None)"))
    starts = tuple(_validate.sequence(starts, "starts", lambda s, name: _validate.choice(s, name, STARTS),
                                      min_length=1, what="start names"))
    return _label_budget_study(budgets, starts, tuple(_validate.sequence_of_ints(seeds, "seeds", low=0)))


@lru_cache(maxsize=4)
def _label_budget_study(budgets, starts, seeds):
    n_all = len(digits()[2])
    full = compare_starts(tuple(seeds))
    result = {"budgets": [n_all if b is None else int(b) for b in budgets]}
    for start in starts:
        result[start] = {}
        for b in budgets:
            if b is None or b >= n_all:
                runs = full[start]
            else:
                runs = [fine_tune(start, s, n_labels=b, track_test=False) for s in seeds]
            result[start][n_all if b is None else int(b)] = [r.test_accuracy for r in runs]
    return result


# --- pictures ----------------------------------------------------------------------------------


def draw_tower(ax, layer_sizes, training, names=None):
    """The lecture's stacking picture for one step: layers as bars, weights as lines.

    ``training`` is the index (0-based) of the RBM being trained at this step: its
    connections are red; those below are grey (trained, frozen, used only to compute the
    features fed upward); those above are not drawn yet. ``names`` labels the layers
    (default x, h1, h2, ...).
    """
    _validate.axes(ax)
    layer_sizes = _validate.sequence_of_ints(layer_sizes, "layer_sizes", min_length=2)
    n = len(layer_sizes)
    training = _validate.integer(training, "training", low=0, high=n - 2)
    if names is not None and (isinstance(names, str) or len(names) != n):
        raise ValueError(f"names must list one name per layer ({n}), got {names!r}")
    names = names or ["x"] + [f"h{l}" for l in range(1, n)]
    for l, size in enumerate(layer_sizes):
        active = l <= training + 1
        ax.add_patch(_rect(l, active, l in (training, training + 1)))
        ax.text(1.08, l, f"{names[l]} ({size})", va="center", ha="left", fontsize=8,
                color="k" if active else "0.6")
    xs = np.linspace(-0.9, 0.9, 7)
    for l in range(min(training + 1, n - 1)):
        color, width = ("#d62728", 1.2) if l == training else ("0.6", 0.6)
        for x0 in xs:
            for x1 in xs:
                ax.plot([x0, x1], [l + 0.12, l + 0.88], color=color, lw=width * 0.5, alpha=0.6)
    ax.set_xlim(-1.1, 2.1)
    ax.set_ylim(-0.5, n - 0.5)
    ax.axis("off")


def _rect(l, active, highlighted):
    from matplotlib.patches import FancyBboxPatch

    face = "#fde0dd" if highlighted else ("#eeeeee" if active else "white")
    edge = "#d62728" if highlighted else ("0.4" if active else "0.75")
    return FancyBboxPatch((-1.0, l - 0.12), 2.0, 0.24, boxstyle="round,pad=0.02", fc=face, ec=edge, lw=1)


def unit_pictures(dbn, layer, units):
    """What hidden units of ``layer`` (1 = first) look for, drawn in pixel space.

    Layer 1: each unit's weight vector (an 8x8 filter). Higher layers: the weighted
    combination of the layer-1 filters, W1 @ W2 @ ... @ W_layer[:, j], a linear picture
    that ignores the sigmoids in between (a rough but common view). ``units`` lists
    unit indices of that layer (from 0).
    """
    _validate.instance(dbn, "dbn", DBN)
    layer = _validate.integer(layer, "layer", low=1, high=dbn.n_rbms)
    units = _validate.sequence_of_ints(units, "units", low=0)
    _validate.integer(max(units), "units", high=dbn.layer_sizes[layer] - 1)
    M = dbn.rbms[0].W
    for rbm in dbn.rbms[1:layer]:
        M = M @ rbm.W
    return M[:, list(units)].T


def top_activating(dbn, X, layer, unit, n=8):
    """Indices of the ``n`` rows of X that switch ``unit`` of ``layer`` on most strongly."""
    H = _validate.instance(dbn, "dbn", DBN).transform(X, layer)
    unit = _validate.integer(unit, "unit", low=0, high=H.shape[1] - 1)
    n = _validate.integer(n, "n", low=1, high=H.shape[0])
    return np.argsort(-H[:, unit], kind="stable")[:n]


def stacking_figure(dbn, x):
    """The lecture's three stacking pictures, drawn from the real, trained RBMs.

    One column per RBM: on top the layers (the RBM being trained in red, the frozen ones
    below in grey); below, for one image ``x``, what this RBM is given as its data, its
    hidden probabilities p(h | v) (forward), and its reconstruction p(v | h) (backward).
    Vectors of 100 values are drawn as 10x10 squares.
    """
    import matplotlib.pyplot as plt

    dbn = _validate.instance(dbn, "dbn", DBN)
    x = _validate.array(x, "x", shape=(dbn.layer_sizes[0],), low=0.0, high=1.0, what="one image")
    inputs = dbn.layer_inputs(x[None, :])
    fig = plt.figure(figsize=(10, 4.6))
    grid = fig.add_gridspec(2, 9, height_ratios=[1.5, 1], hspace=0.35, wspace=0.25,
                            left=0.02, right=0.98, top=0.9, bottom=0.03)
    for l, rbm in enumerate(dbn.rbms):
        tower = fig.add_subplot(grid[0, 3 * l : 3 * l + 3])
        draw_tower(tower, dbn.layer_sizes, training=l)
        tower.set_title(f"step {l + 1}: train RBM {l + 1} ({rbm.n_visible}-{rbm.n_hidden})", fontsize=9)
        v = inputs[l]
        pictures = [(v, "its data" if l else "its data: x"), (rbm.forward(v), "forward p(h|v)"),
                    (rbm.backward(rbm.forward(v)), "backward p(v|h)")]
        for k, (values, title) in enumerate(pictures):
            ax = fig.add_subplot(grid[1, 3 * l + k])
            side = int(round(np.sqrt(values.shape[1])))
            shape = (side, values.shape[1] // side)
            plots.image_grid(ax, values, shape=shape, ncols=1, cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(title, fontsize=8)
    return fig


def filters_figure(dbn, n_units=24):
    """What the first ``n_units`` units of each hidden layer look for, in pixel space.

    Layer 1: the weight vectors (filters). Layers 2 and 3: the weighted combinations of
    the layer-1 filters (``unit_pictures``). Red is a positive weight, blue a negative one.
    """
    import matplotlib.pyplot as plt

    dbn = _validate.instance(dbn, "dbn", DBN)
    n_units = _validate.integer(n_units, "n_units", low=1, high=min(dbn.layer_sizes[1:]))
    fig, axes = plt.subplots(1, dbn.n_rbms, figsize=(10, 3.3))
    for l, ax in enumerate(axes, start=1):
        pictures = unit_pictures(dbn, l, range(n_units))
        scale = np.abs(pictures).max(axis=1, keepdims=True)
        plots.image_grid(ax, pictures / np.where(scale > 0, scale, 1.0), ncols=6, cmap="RdBu_r", vmin=-1, vmax=1)
        what = "filters (weights)" if l == 1 else "combined layer-1 filters"
        ax.set_title(f"layer {l}: {what}", fontsize=9)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.03, wspace=0.1)
    return fig


def comparison_figure(runs, target=0.9):
    """Test accuracy and training loss per epoch for every start of ``compare_starts``.

    Thin lines are seeds, bold lines their median (``plots.curve_band``). The stuck starts
    (zeros, N(0, 0.01²)) lie exactly on top of each other; the figure says so.
    """
    import matplotlib.pyplot as plt

    _check_runs(runs)
    target = _validate.real(target, "target", low=0.0, high=1.0)
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.6))
    for start, group in runs.items():
        label = STARTS[start] + (" (1 seed, 10 epochs)" if start in STUCK_STARTS else "")
        plots.curve_band(ax_acc, [r.history.val_accuracy for r in group], color=COLORS[start], label=label)
        plots.curve_band(ax_loss, [r.history.loss for r in group], color=COLORS[start])
    ax_acc.axhline(target, color="k", ls=":", lw=1)
    arrow = dict(arrowstyle="->")
    ax_acc.annotate("zeros and N(0, 0.01²) overlap at 10 %", (5, 0.1), (5, 0.3), fontsize=8, arrowprops=arrow)
    ax_loss.annotate("zeros and N(0, 0.01²) overlap at ln 10", (5, 2.3), (2, 1.4), fontsize=8, arrowprops=arrow)
    ax_acc.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="test accuracy (thin: seeds, bold: median)")
    ax_loss.set(xlabel="epoch", ylabel="training loss", title="training loss")
    ax_acc.legend(fontsize=8, loc="center right")
    return fig
