"""Notebook 03 (DBN pre-training): its experiments and figures, as functions.

Everything runs on the series' standard digits split (1347 training, 450 test images)
with one architecture, 64-48-48-48-10, so what differs between the runs is where the
weights start (and, for He, the ReLU units that start is made for):

=========  ======================================================================
"dbn"      the three RBMs of a pre-trained ``lessonlib.dbn.DBN`` + a Glorot output layer; sigmoid
"he"       He normal, N(0, 2 / fan_in); ReLU units: the one-liner that replaced pre-training
"xavier"   Glorot uniform, U(+-sqrt(6 / (fan_in + fan_out))); sigmoid
"normal"   N(0, 0.01**2) (standard deviation 0.01): "small random"; sigmoid
"zeros"    every weight 0; sigmoid
=========  ======================================================================

Fine-tuning holds out a validation split of the training images (``VALIDATION_PER_DIGIT``
of each digit, drawn per seed), trains on labelled images from the rest with the same SGD
for every start (``FINE_TUNE``) until the validation accuracy stops improving (early
stopping, ``schedule``), and keeps the weights of the epoch with the best validation
accuracy; the test accuracy is measured there. The seeds of one start train side by
side, one network per seed (``lessonlib.nn.MLPStack``).

Pre-training sees the training images only (all 1347, validation images included), never
a label and never a test image. A pre-trained stack is made once per seed and cached, and
so is every set of fine-tuned runs.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

import numpy as np

from lessonlib import _validate, data, plots
from lessonlib.dbn import DBN
from lessonlib.i18n import N_, _
from lessonlib.nn import MLPStack
from lessonlib.seeding import child
from lessonlib.starts import build_model
from lessonlib.training import CHANCE, History, Run, compare, mean_sd, scores  # noqa: F401  (CHANCE: part of the lesson's API)

#: The DBN: visible layer and three hidden layers (the network adds 10 outputs). 48 units
#: a layer: enough for the RBMs to learn strokes and kinds of digit, few enough that five
#: seeds of every start, each trained to its best validation epoch, fit the notebook's time.
LAYERS = (64, 48, 48, 48)
#: Pre-training: 10 epochs of CD-1 per RBM (a fraction of a second per stack).
PRETRAIN = dict(epochs=10, lr=0.1, batch_size=20, momentum=0.5, weight_decay=1e-4)
#: Fine-tuning and plain training: the same SGD for every start.
FINE_TUNE = dict(lr=0.1, momentum=0.9, batch_size=32)
#: Early stopping, in SGD steps (an epoch on a few labels is a single step): training
#: stops once the validation accuracy has not improved for ``patience_steps`` steps, or
#: after ``max_steps``; it is measured about every ``record_steps`` steps (every epoch
#: when an epoch is longer).
STOPPING = dict(max_steps=3200, patience_steps=480, record_steps=64)
#: Validation images held out of the training images, per digit (200 in all).
VALIDATION_PER_DIGIT = 20
#: The starts compared, in the order they are drawn, with their labels.
STARTS = {
    "dbn": N_("DBN pre-trained (sigmoid)"),
    "he": N_("He (ReLU)"),
    "xavier": N_("Xavier (Glorot uniform, sigmoid)"),
    "normal": N_("small random N(0, 0.01²)"),
    "zeros": N_("zeros"),
}
#: The short names of the starts, for verdicts, ticks and legends of gaps.
SHORT = {"dbn": "DBN", "he": "He", "xavier": "Xavier", "normal": "N(0, 0.01²)", "zeros": N_("zeros")}
#: Each start as a name of ``lessonlib.starts``, and its hidden units.
START_NAMES = {"dbn": "dbn", "he": "he_normal", "xavier": "glorot_uniform", "normal": "normal_0.01", "zeros": "zeros"}
ACTIVATIONS = {"dbn": "sigmoid", "he": "relu", "xavier": "sigmoid", "normal": "sigmoid", "zeros": "sigmoid"}
#: The series' style (colour, marker, line) of each start (``lessonlib.plots.STYLES``).
STYLES = {start: plots.style_for(name) for start, name in START_NAMES.items()}
COLORS = {start: style["color"] for start, style in STYLES.items()}
#: The seeds of every comparison: one pre-trained stack, one network, one label subset per seed.
SEEDS = (0, 1, 2, 3, 4)
#: The starts that stay at chance: their loss does not move from ln 10.
STUCK_STARTS = ("normal", "zeros")
#: The label budgets of the few-labels study (None = every training image outside the
#: validation split, 1147) and the starts it compares.
BUDGETS = (20, 50, 100, 300, None)
BUDGET_STARTS = ("dbn", "xavier")


def digits():
    """(X_train, X_test, y_train, y_test): copies of the standard split."""
    return data.digits()


_PRETRAIN_SECONDS = {}


def pretrained_dbn(seed=0):
    """The DBN 64-48-48-48 pre-trained on the training images (no labels); cached.

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


def make_network(start, seed=0):
    """The network 64-48-48-48-10 with the named start (see ``STARTS``).

    "dbn" unrolls the cached stack ``pretrained_dbn(seed)``; the others are drawn by
    ``lessonlib.starts.build_model``. "he" has ReLU hidden units, the others sigmoid.
    """
    start = _validate.choice(start, "start", STARTS)
    seed = _validate.integer(seed, "seed", low=0)
    pretrained = pretrained_dbn(seed) if start == "dbn" else None
    return build_model(START_NAMES[start], [*LAYERS, 10], ACTIVATIONS[start], seed=seed, pretrained=pretrained)


# --- which images carry a label ---------------------------------------------------------


@lru_cache(maxsize=16)
def _label_order(seed):
    """(validation indices, the other training indices in the order labels are handed out)."""
    y_train = digits()[2]
    rng = child(seed, "labels")
    per_digit = [rng.permutation(np.flatnonzero(y_train == k)) for k in range(10)]
    validation = np.sort(np.concatenate([members[:VALIDATION_PER_DIGIT] for members in per_digit]))
    # one image of every digit, then a second of every digit, ...; the digits in a random
    # order within each round, so a budget that is not a multiple of 10 favours no digit
    rank = np.argsort(rng.permutation(10))
    pool = [(r, rank[k], i) for k, members in enumerate(per_digit)
            for r, i in enumerate(members[VALIDATION_PER_DIGIT:])]
    order = np.array([i for _, _, i in sorted(pool)])
    for array in (validation, order):
        array.setflags(write=False)
    return validation, order


def validation_split(seed=0):
    """Indices of the training images held out for validation with ``seed``: sorted,
    ``VALIDATION_PER_DIGIT`` of each digit. No label budget ever includes them."""
    return _label_order(_validate.integer(seed, "seed", low=0))[0].copy()


def label_subset(n_labels, seed=0):
    """Indices (sorted) of ``n_labels`` labelled training images, outside the validation split.

    As equal a share per digit as possible, drawn from the "labels" stream of ``seed``;
    a smaller budget is part of every larger one with the same seed. ``None`` (or a
    number at least the size of the pool, 1147) means every training image outside the
    validation split.
    """
    n_labels = _budget(n_labels, "n_labels")
    order = _label_order(_validate.integer(seed, "seed", low=0))[1]
    return np.sort(order if n_labels is None else order[:n_labels])


def n_pool():
    """How many training images can carry a label: all but the validation split (1147)."""
    return len(digits()[2]) - 10 * VALIDATION_PER_DIGIT


def _budget(n_labels, name):
    """A label budget: None (every label) or at least one label per digit."""
    return None if n_labels is None else _validate.integer(n_labels, name, low=10)


def _count(n_labels):
    return n_pool() if n_labels is None else min(int(n_labels), n_pool())


# --- fine-tuning: every seed of a start together, to its best validation epoch --------------


def schedule(n_labels=None):
    """The training length for a budget of ``n_labels`` labels (``STOPPING`` in epochs).

    Returns a dict: ``steps_per_epoch`` (SGD steps in one pass over the labels),
    ``epochs`` (the most epochs run), ``patience`` (epochs without a better validation
    accuracy before stopping) and ``record_every`` (epochs between measurements).
    """
    n = _count(_budget(n_labels, "n_labels"))
    steps = math.ceil(n / FINE_TUNE["batch_size"])
    return {"steps_per_epoch": steps, "epochs": math.ceil(STOPPING["max_steps"] / steps),
            "patience": math.ceil(STOPPING["patience_steps"] / steps),
            "record_every": max(1, round(STOPPING["record_steps"] / steps))}


def train_start(start, n_labels=None, seeds=SEEDS):
    """Fine-tune (or train) the network from ``start`` once per seed; a list of ``Run``.

    Seed s sets the start (its pre-trained stack or random weights, the output layer),
    the validation split, the ``n_labels`` labelled images (``label_subset``) and the
    order of the mini-batches. Every seed trains as its own network, all of them side by
    side in one ``MLPStack`` (each member equals its separate run), with early stopping
    on its validation split (``schedule``); each keeps its best validation epoch
    (``run.history.best_epoch``), where ``run.test_accuracy`` is measured. Cached.
    """
    start = _validate.choice(start, "start", STARTS)
    n_labels = _budget(n_labels, "n_labels")
    seeds = tuple(_validate.sequence_of_ints(seeds, "seeds", low=0))
    return list(_train_start(start, None if n_labels is None or n_labels >= n_pool() else n_labels, seeds))


@lru_cache(maxsize=64)
def _train_start(start, n_labels, seeds):
    X_train, X_test, y_train, y_test = digits()
    subsets = [label_subset(n_labels, s) for s in seeds]
    held_out = [validation_split(s) for s in seeds]
    plan = schedule(n_labels)
    stack = MLPStack.from_models([make_network(start, s) for s in seeds], seeds)
    histories = stack.fit(
        np.stack([X_train[i] for i in subsets]), np.stack([y_train[i] for i in subsets]),
        X_val=np.stack([X_train[i] for i in held_out]), y_val=np.stack([y_train[i] for i in held_out]),
        epochs=plan["epochs"], patience=plan["patience"], record_every=plan["record_every"], **FINE_TUNE)
    scores = stack.score(X_test, y_test)
    return tuple(
        Run(start=start, seed=s, history=h, test_accuracy=float("nan") if h.diverged else a, label=STARTS[start],
            activation=ACTIVATIONS[start], n_labels=len(subsets[0]))
        for s, h, a in zip(seeds, histories, scores))


def stopped_by_the_cap(runs):
    """The runs that ``max_steps`` stopped while their validation accuracy could still have
    improved (fewer than ``patience`` epochs after their best): [] when early stopping
    ended every run, as it should."""
    runs = _validate.sequence(runs, "runs", lambda r, n: _validate.instance(r, n, Run, "a lessonlib.training.Run"),
                              what="lessonlib.training.Run records")
    late = []
    for run in runs:
        plan = schedule(run.n_labels)
        history = run.history
        if history.epoch and history.epoch[-1] >= plan["epochs"] and history.best_epoch is not None \
                and history.epoch[-1] - history.best_epoch < plan["patience"]:
            late.append(run)
    return late


def compare_starts(seeds=SEEDS):
    """Every start of ``STARTS`` trained on all labels (1147, the validation split held
    out), once per seed: {start: [Run, ...]}. Cached."""
    return {start: train_start(start, None, seeds) for start in STARTS}


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
    """The first recorded epoch after which the validation accuracy is at least ``target``
    (None: never)."""
    _validate.instance(history, "history", History, "a lessonlib.training.History")
    target = _validate.real(target, "target", low=0.0, high=1.0)
    for epoch, accuracy in zip(history.epoch, history.val_accuracy):
        if accuracy >= target:
            return epoch
    return None


def verdict(a_runs, b_runs, names=None):
    """The series' verdict (``lessonlib.training.compare``) on two starts' test accuracies,
    paired seed by seed. ``names`` defaults to the starts' short names (``SHORT``)."""
    a, b = scores(a_runs, "a_runs"), scores(b_runs, "b_runs")
    if [r.seed for r in a_runs] != [r.seed for r in b_runs]:
        raise ValueError("a_runs and b_runs must come from the same seeds, in the same order")
    names = [_(SHORT[a_runs[0].start]), _(SHORT[b_runs[0].start])] if names is None else names
    return compare(a, b, names=names)


def verdict_table(runs, pairs=(("dbn", "he"), ("dbn", "xavier"))):
    """The verdict (``verdict``) on each pair of starts of ``runs``, as an HTML table: both
    starts' test accuracy (mean ± sd), who leads, on how many seeds, and the outcome."""
    from lessonlib.widgets import Table

    _check_runs(runs)
    pairs = _validate.sequence(pairs, "pairs", lambda p, name: _validate.sequence(
        p, name, lambda s, n: _validate.choice(s, n, runs), length=2, what="start names"), min_length=1,
        what="pairs of start names")
    rows = []
    for a, b in pairs:
        v = verdict(runs[a], runs[b])
        rows.append([_("{a} against {b}").format(a=_(SHORT[a]), b=_(SHORT[b])), f"{v.mean[0]:.3f} ± {v.sd[0]:.3f}",
                     f"{v.mean[1]:.3f} ± {v.sd[1]:.3f}", v.leader, v.ahead, v.outcome])
    caption = _("The test accuracy of the first and of the second start at each run's best validation epoch, "
                "mean ± sd over the seeds (ddof = 1), compared seed by seed.")
    return Table([_("compared"), _("first start"), _("second start"), _("leader"), _("ahead on"), _("verdict")], rows,
                 align="lrrlrl", caption=caption)


def summary_table(runs, target=0.9, reference="dbn"):
    """Per start: test accuracy (mean ± sd over seeds), how many converged, the best
    epoch, the first epoch at ``target`` validation accuracy, and the verdict against
    ``reference``. A list of dicts; ``start_table`` shows it."""
    _check_runs(runs)
    target = _validate.real(target, "target", low=0.0, high=1.0)
    reference = _validate.choice(reference, "reference", runs)
    rows = []
    for start, group in runs.items():
        accs = scores(group)
        mean, sd = mean_sd(accs) if len(accs) > 1 else (float(accs[0]), float("nan"))
        rows.append({
            "start": start, "label": STARTS[start], "mean": mean, "sd": sd,
            "converged": sum(r.converged for r in group), "n": len(group),
            "best_epochs": [r.history.best_epoch for r in group],
            "epochs_to_target": [epochs_to_reach(r.history, target) for r in group],
            "verdict": None if start == reference or len(accs) < 2 else verdict(runs[reference], group),
        })
    return rows


def start_table(runs, target=0.9, reference="dbn"):
    """``summary_table`` as an HTML table (``lessonlib.widgets.Table``): per start its test
    accuracy, how many seeds converged, the best epochs, the first epoch at ``target``
    validation accuracy and the verdict against ``reference`` (who leads, on how many
    seeds, and the outcome)."""
    from lessonlib.widgets import Table

    rows = []
    for row in summary_table(runs, target, reference):
        best = [e for e in row["best_epochs"] if e is not None]
        reached = [e for e in row["epochs_to_target"] if e is not None]
        if not reached:
            first = _("never")
        elif len(reached) == row["n"]:
            first = _span(reached)
        else:
            first = _("{span} ({k} of {n} seeds)").format(span=_span(reached), k=len(reached), n=row["n"])
        v = row["verdict"]
        against = ["", "", ""] if v is None else [v.leader, v.ahead, v.outcome]
        rows.append([_(row["label"]), f"{row['mean']:.3f} ± {row['sd']:.3f}",
                     _("{k} of {n}").format(k=row["converged"], n=row["n"]),
                     _span(best) if best else "-", first, *against])
    header = [_("start"), _("test accuracy"), _("converged"), _("best epoch"),
              _("at {target:.0%} by epoch").format(target=target),
              _("leader against {reference}").format(reference=_(SHORT[reference])), _("ahead on"), _("verdict")]
    caption = _("Test accuracy at each run's best validation epoch, mean ± sd over the seeds (ddof = 1); "
                "the epochs are those of the validation measurements.")
    return Table(header, rows, align="lrrrrlrl", wrap=[0, 7], caption=caption)


def _span(values):
    """"4" or "16-32": the range of a few integers."""
    return str(min(values)) if min(values) == max(values) else f"{min(values)}-{max(values)}"


# --- the label-budget study ----------------------------------------------------------------


def label_budget_study(budgets=BUDGETS, starts=BUDGET_STARTS, seeds=SEEDS):
    """Test accuracy per (start, budget), one number per seed, each run early-stopped.

    Returns {"budgets": [n, ...], "seeds": [...], "starts": [...], start: {n: [accuracy
    per seed]}, "stopped_by_the_cap": how many runs ``max_steps`` ended} with n the
    number of labelled images (None becomes all 1147). Pre-training always uses every
    training image (without labels); only fine-tuning is limited to the budget. Cached
    through ``train_start``.
    """
    budgets = _validate.sequence(budgets, "budgets", _budget, min_length=1, what="label counts (or None)")
    starts = _validate.sequence(starts, "starts", lambda s, name: _validate.choice(s, name, STARTS),
                                min_length=1, what="start names")
    seeds = _validate.sequence_of_ints(seeds, "seeds", low=0)
    result = {"budgets": [_count(b) for b in budgets], "seeds": list(seeds), "starts": list(starts),
              "stopped_by_the_cap": 0}
    for start in starts:
        result[start] = {}
        for b in budgets:
            runs = train_start(start, b, seeds)
            result[start][_count(b)] = list(scores(runs))
            result["stopped_by_the_cap"] += len(stopped_by_the_cap(runs))
    return result


def _check_study(study, *starts):
    _validate.instance(study, "study", dict, "a dict as label_budget_study returns")
    for key in ("budgets", *starts):
        if key not in study:
            raise ValueError(f"study must hold {key!r} (as label_budget_study returns), got keys {sorted(study)}")
    return study


def _against(study, against):
    """The baselines of a study's table or figure: ``against``, or every start but "dbn"."""
    if against is None:
        _check_study(study, "starts")
        against = [s for s in study["starts"] if s != "dbn"]
    return _validate.sequence(against, "against", lambda s, name: _validate.choice(s, name, STARTS),
                              min_length=1, what="start names")


def budget_gaps(study, a="dbn", b="xavier"):
    """Per budget, the gap ``a`` minus ``b`` in test accuracy, seed by seed.

    Returns a list of dicts (one per budget): ``n_labels``, ``gaps`` (per seed),
    ``mean`` and ``sd`` (ddof=1) of the gap, ``k`` (seeds on which ``a`` is ahead), ``n``
    (seeds) and ``verdict`` (``lessonlib.training.compare`` of the two starts' scores).
    """
    a = _validate.choice(a, "a", STARTS)
    b = _validate.choice(b, "b", STARTS)
    _check_study(study, a, b)
    rows = []
    for n in study["budgets"]:
        sa, sb = np.array(study[a][n]), np.array(study[b][n])
        gaps = sa - sb
        mean, sd = mean_sd(gaps)
        rows.append({"n_labels": n, "gaps": gaps, "mean": mean, "sd": sd, "k": int(np.sum(gaps > 0)),
                     "n": len(gaps), "verdict": compare(sa, sb, names=(_(SHORT[a]), _(SHORT[b])))})
    return rows


def budget_table(study, against=None):
    """The study as an HTML table: per budget, every start's test accuracy (mean ± sd) and
    the gap DBN minus each start of ``against`` (default: every other start of the study)
    with the seeds on which DBN is ahead and the verdict (``budget_gaps``)."""
    from lessonlib.widgets import Table

    against = _against(study, against)
    starts = ["dbn", *against]
    _check_study(study, *starts)
    gaps = {b: budget_gaps(study, "dbn", b) for b in against}
    header = [_("labels"), *[_(SHORT[s]) for s in starts]]
    for b in against:
        header += [_("gap DBN − {name}").format(name=_(SHORT[b])), _("DBN ahead on"), _("verdict")]
    rows = []
    for k, n in enumerate(study["budgets"]):
        cells = [str(n)]
        for s in starts:
            mean, sd = mean_sd(study[s][n])
            cells.append(f"{mean:.3f} ± {sd:.3f}")
        for b in against:
            g = gaps[b][k]
            cells += [f"{100 * g['mean']:+.1f} ± {100 * g['sd']:.1f}", _("{k} of {n} seeds").format(k=g["k"], n=g["n"]),
                      g["verdict"].outcome]
        rows.append(cells)
    caption = _("Test accuracy of each start at its runs' best validation epochs, mean ± sd over the seeds "
                "(ddof = 1); the gap is DBN minus the other start, seed by seed, in points of accuracy.")
    return Table(header, rows, align="r" * (1 + len(starts)) + "rrl" * len(against), caption=caption)


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


def picture_shape(n):
    """(rows, columns) of the most nearly square rectangle of ``n`` cells: (8, 8) for 64
    values, (6, 8) for 48, (1, n) for a prime."""
    n = _validate.positive_int(n, "n")
    rows = max(r for r in range(1, int(math.isqrt(n)) + 1) if n % r == 0)
    return rows, n // rows


def stacking_figure(dbn, x):
    """The lecture's three stacking pictures, drawn from the real, trained RBMs.

    One column per RBM: on top the layers (the RBM being trained in red, the frozen ones
    below in grey); below, for one image ``x``, what this RBM is given as its data, its
    hidden probabilities p(h | v) (forward), and its reconstruction p(v | h) (backward).
    Vectors are drawn as the most nearly square rectangles (``picture_shape``: 64 values
    as 8x8, 48 as 6x8).
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
        tower.set_title(_("step {step}: train RBM {step} ({n_visible}-{n_hidden})").format(
            step=l + 1, n_visible=rbm.n_visible, n_hidden=rbm.n_hidden), fontsize=9)
        v = inputs[l]
        pictures = [(v, _("its data") if l else _("its data: x")), (rbm.forward(v), _("forward p(h|v)")),
                    (rbm.backward(rbm.forward(v)), _("backward p(v|h)"))]
        for k, (values, title) in enumerate(pictures):
            ax = fig.add_subplot(grid[1, 3 * l + k])
            plots.image_grid(ax, values, shape=picture_shape(values.shape[1]), ncols=1, cmap="gray_r", vmin=0, vmax=1)
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
        title = _("layer {layer}: filters (weights)") if l == 1 else _("layer {layer}: combined layer-1 filters")
        ax.set_title(title.format(layer=l), fontsize=9)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.03, wspace=0.1)
    return fig


def comparison_figure(runs, target=0.9):
    """Every start of ``compare_starts``: validation accuracy and loss per epoch, and the
    test accuracy each seed reached at its best validation epoch.

    Left and middle: thin lines are seeds, bold lines their median (``plots.curve_band``),
    each start in its series style (colour, marker, line). Right: the starts that learn,
    one dot per seed and the mean ± sd (ddof=1) of each, on a scale that shows their
    spread. The stuck starts (zeros, N(0, 0.01²)) lie on top of each other; the figure
    says so.
    """
    import matplotlib.pyplot as plt

    _check_runs(runs)
    target = _validate.real(target, "target", low=0.0, high=1.0)
    fig, (ax_acc, ax_loss, ax_test) = plt.subplots(1, 3, figsize=(11, 3.6), width_ratios=[1.2, 1.2, 1])
    learning = [start for start in runs if start not in STUCK_STARTS]
    for start, group in runs.items():
        style = STYLES[start]
        longest = max(group, key=lambda r: len(r.history.epoch)).history.epoch
        plots.curve_band(ax_acc, [r.history.val_accuracy for r in group], x=longest, label=_(STARTS[start]), **style)
        plots.curve_band(ax_loss, [r.history.val_loss for r in group], x=longest, **style)
    for k, start in enumerate(learning):
        style = STYLES[start]
        accs = scores(runs[start])
        ax_test.scatter(k + np.linspace(-0.15, 0.15, len(accs)), accs, color=style["color"], marker=style["marker"],
                        s=18, alpha=0.6, zorder=2)
        if len(accs) > 1:
            mean, sd = mean_sd(accs)
            ax_test.errorbar(k + 0.32, mean, yerr=sd, color=style["color"], marker=style["marker"], capsize=3, zorder=3)
    ax_acc.axhline(target, color="k", ls=":", lw=1)
    arrow = dict(arrowstyle="->")
    if any(start in runs for start in STUCK_STARTS):
        ax_acc.annotate(_("zeros and N(0, 0.01²)\noverlap at 10 %"), (12, 0.1), (0.4, 0.3), textcoords="axes fraction",
                        fontsize=8, arrowprops=arrow)
        ax_loss.annotate(_("zeros and N(0, 0.01²)\noverlap at ln 10"), (14, 2.3), (0.4, 0.55), textcoords="axes fraction",
                         fontsize=8, arrowprops=arrow)
    ax_acc.set(xlabel=_("epoch"), ylabel=_("validation accuracy"), ylim=(0, 1))
    ax_acc.set_title(_("validation accuracy (thin: seeds, bold: median)"), fontsize=9)
    ax_loss.set(xlabel=_("epoch"), ylabel=_("validation loss (cross-entropy)"))
    ax_loss.set_title(_("validation loss"), fontsize=9)
    ax_test.set_xticks(range(len(learning)), [_(SHORT[s]) for s in learning])
    ax_test.set_xlim(-0.5, len(learning) - 0.3)
    ax_test.set(xlabel=_("start"), ylabel=_("test accuracy at the best epoch"))
    ax_test.set_title(_("test accuracy: seeds, mean ± sd"), fontsize=9)
    fig.legend(*ax_acc.get_legend_handles_labels(), loc="lower center", ncol=len(runs), fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.9, bottom=0.3, wspace=0.4)
    return fig


def budget_figure(study, against=None):
    """The label-budget study: test accuracy against the number of labels (left) and the
    gap DBN minus each start of ``against`` (right), with its spread over seeds.

    Dots are seeds; bars are mean ± sd (ddof=1); the numbers above the gaps say on how
    many seeds the pre-trained start was ahead. The x axis is logarithmic. ``against``
    defaults to every other start of the study.
    """
    import matplotlib.pyplot as plt

    against = _against(study, against)
    starts = ["dbn", *against]
    _check_study(study, *starts)
    budgets = np.array(study["budgets"], dtype=float)
    fig, (ax_acc, ax_gap) = plt.subplots(1, 2, figsize=(11, 3.8))
    spread = {start: 1.0 + 0.06 * (k - (len(starts) - 1) / 2) for k, start in enumerate(starts)}
    for start in starts:
        style = STYLES[start]
        accs = np.array([study[start][n] for n in study["budgets"]])
        x = budgets * spread[start]
        ax_acc.scatter(np.repeat(x, accs.shape[1]), accs.ravel(), color=style["color"], marker=style["marker"],
                       s=12, alpha=0.4)
        sd = accs.std(axis=1, ddof=1)
        ax_acc.errorbar(x, accs.mean(axis=1), yerr=sd, capsize=3, label=_(STARTS[start]), **style)
    for k, b in enumerate(against):
        style = STYLES[b]
        rows = budget_gaps(study, "dbn", b)
        x = budgets * (1.0 + 0.08 * (k - (len(against) - 1) / 2))
        gaps = 100 * np.array([row["gaps"] for row in rows])
        ax_gap.scatter(np.repeat(x, gaps.shape[1]), gaps.ravel(), color=style["color"], marker=style["marker"],
                       s=12, alpha=0.4)
        mean = np.array([100 * row["mean"] for row in rows])
        sd = np.array([100 * row["sd"] for row in rows])
        ax_gap.errorbar(x, mean, yerr=sd, capsize=3, label=_("DBN − {name}").format(name=_(SHORT[b])), **style)
        for xi, m, s, row in zip(x, mean, sd, rows):
            ax_gap.annotate(f"{row['k']}/{row['n']}", (xi, m + s), (0, 6), textcoords="offset points", ha="center",
                            fontsize=7, color=style["color"])
    ax_gap.axhline(0, color="k", lw=0.8)
    low, high = ax_gap.get_ylim()
    ax_gap.set_ylim(low, high + 0.12 * (high - low))  # room for the k/n labels under the title
    for ax in (ax_acc, ax_gap):
        ax.set_xscale("log")
        ax.set_xticks(budgets, [str(int(n)) for n in budgets])
        ax.minorticks_off()
        ax.set_xlabel(_("labelled training images (log scale)"))
    ax_acc.set(ylabel=_("test accuracy at the best epoch"), title=_("test accuracy (dots: seeds, bars: mean ± sd)"))
    ax_gap.set(ylabel=_("gap in test accuracy (points)"),
               title=_("pre-trained minus baseline (k/n: seeds on which DBN is ahead)"))
    for ax in (ax_acc, ax_gap):
        ax.title.set_fontsize(9)
        plots.legend_outside(ax, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=len(starts))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.3, wspace=0.25)
    return fig
