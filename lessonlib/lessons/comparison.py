"""Notebook 05 (comparison): initializers x activations, several seeds, one benchmark.

``run_grid(inits, activations, seeds)`` trains one network per combination on the 8x8
digits and returns a ``Grid``: a tidy list of ``Run`` records (start, activation, seed,
final test accuracy, training-loss curve, diverged or not) with the summaries the
notebook prints and draws. A run that does not converge is recorded as "n/c" (did not
converge), never raised: its loss or weights became NaN/infinite (``History.diverged``),
or its test accuracy stayed below ``CHANCE_LIMIT`` (ten classes: guessing gives 0.1).

The starts (``STARTS``) are the lecture's and the paper's: the fixed-scale ones, the
one-line initializers of ``lessonlib.init``, and two data-dependent ones that need the
training inputs, LSUV (``lessonlib.lsuv``) and DBN pre-training (``lessonlib.dbn``).
``lessonlib.starts.build_model`` makes any of them.

References
----------
Mishkin, Matas (2015). All you need is a good init. arXiv:1511.06422: Table 3 compares
initializations x activations on CIFAR-10 (FitNet4); see ``PAPER_TABLE``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from lessonlib import _validate, data, plots  # noqa: F401  (plots: its import registers the Hangul font)
from lessonlib.i18n import N_, _, pad, text_width
from lessonlib.nn import ACTIVATIONS, MLPStack
from lessonlib.starts import LABELS, build_model, check_start, label
from lessonlib.training import CHANCE, Diverged, History, Run, compare, scores  # noqa: F401  (CHANCE: part of the lesson's API)

#: The starts compared in notebook 05, in the order of the heatmap's rows, with labels.
#: Any name of ``lessonlib.starts.start_names()`` is accepted too.
STARTS = dict(LABELS)

#: The hidden non-linearities of the grid (columns), in the order of the paper's table.
GRID_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")


#: The benchmark of the grid: deep and narrow enough for the start to matter, small
#: enough that one run takes about a tenth of a second, so the whole grid of notebook 05
#: takes seconds. Six hidden layers of 16 units and 500 training digits also keep every
#: matrix product small: numpy's BLAS splits larger products over threads, which for
#: matrices this size costs more than it saves. ``run_grid`` accepts each as a keyword
#: (e.g. ``hidden=(32,) * 6, n_train=1347, epochs=30`` for a bigger benchmark).
DEFAULTS = dict(
    hidden=(16, 16, 16, 16, 16, 16),
    n_train=500,
    epochs=15,
    lr=0.05,
    momentum=0.9,
    batch_size=50,
    slope=0.01,
    lsuv_batch=200,
    dbn_epochs=10,
    dbn_lr=0.2,
)

#: Mishkin & Matas (2015), Table 3: CIFAR-10 test accuracy in %, FitNet4 (a thin, deep
#: convolutional network), integer parts only; None = "n/c", did not converge.
PAPER_TABLE = {
    "columns": ("maxout", "ReLU", "VLReLU", "tanh", "sigmoid"),
    "rows": {
        "LSUV": (93, 92, 92, 89, None),
        "Xavier": (91, 90, 92, 89, None),
        "MSRA (He)": (None, 90, 92, 89, None),
    },
    "source": "Mishkin & Matas 2015, Table 3 (CIFAR-10, FitNet4); integer parts of the accuracy in %",
}


def digits(n_train=DEFAULTS["n_train"]):
    """(X_train, X_test, y_train, y_test): the first ``n_train`` training digits and the
    standard 450 test digits (``lessonlib.data.digits``)."""
    return data.digits(n_train=n_train)


def run_one(init, activation, seed, **settings):
    """Train one network of the grid's benchmark; return a ``Run`` (never raises for n/c).

    ``settings`` override ``DEFAULTS`` (hidden, n_train, epochs, lr, momentum,
    batch_size, slope, lsuv_batch, dbn_epochs, dbn_lr).
    """
    options = _settings(settings)
    init = check_start(init)
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    seed = _validate.integer(seed, "seed", low=0)
    X_train, X_test, y_train, y_test = digits(options["n_train"])
    start = time.perf_counter()
    sizes = [X_train.shape[1], *options["hidden"], 10]
    try:
        model = build_model(
            init, sizes, activation, seed=seed, X=X_train, slope=options["slope"],
            lsuv_batch=options["lsuv_batch"], dbn_epochs=options["dbn_epochs"], dbn_lr=options["dbn_lr"],
        )
    except Diverged:  # the RBMs' pre-training blew up: n/c
        return Run(init, seed, History(diverged=True), float("nan"), activation=activation,
                   seconds=time.perf_counter() - start)
    # The test digits are scored once, after training: the grid reports only the final
    # accuracy, and scoring them after every epoch cost more than a third of a run.
    history = model.fit(
        X_train, y_train, epochs=options["epochs"], lr=options["lr"], batch_size=options["batch_size"],
        momentum=options["momentum"], seed=seed,
    )
    accuracy = float("nan") if history.diverged else float(model.score(X_test, y_test))
    return Run(init, seed, history, accuracy, activation=activation, seconds=time.perf_counter() - start)


def _settings(settings):
    _validate.keywords(settings, list(DEFAULTS), "the grid's settings")
    options = {**DEFAULTS, **settings}
    options["hidden"] = tuple(_validate.sequence_of_ints(
        options["hidden"], "hidden", too_short=f"hidden must list at least one hidden layer size, got {options['hidden']!r}"))
    _validate.integer(options["n_train"], "n_train", low=10, high=1347)
    return options


@dataclass
class Grid:
    """The outcome of ``run_grid``: every ``Run`` plus the axes of the table."""

    inits: list
    activations: list
    seeds: list
    runs: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def rows(self):
        """The tidy table: one dict per run (see ``Run.as_dict``)."""
        return [run.as_dict() for run in self.runs]

    def select(self, init, activation):
        """The runs of one cell, in seed order."""
        check_start(init)
        _validate.choice(activation, "activation", ACTIVATIONS)
        return [r for r in self.runs if r.start == init and r.activation == activation]

    def scores(self, init, activation):
        """The test accuracy of each seed of one cell, in seed order (``training.scores``:
        a diverged run counts as ``CHANCE``, 0.1, what guessing gives); empty for a cell
        not run."""
        runs = self.select(init, activation)
        return scores(runs) if runs else np.empty(0)

    def cell(self, init, activation):
        """Summary of one cell over all its seeds, or None when the cell was not run.

        Returns a dict: ``mean`` and ``std`` (sample std, ddof=1) of the test accuracy
        over *all* seeds, converged or not (a diverged run counts as ``CHANCE``); ``n``
        runs; ``n_nc`` runs that did not converge (below ``CHANCE_LIMIT`` or diverged);
        ``n_diverged``; and ``text``: "0.953 ± 0.004", "0.268 ± 0.080, 2/5 n/c", or
        "n/c (5/5)" when no seed converged. With one seed there is no spread: "0.912 (1 seed)"
        (in the notebook's language; "n/c" is the same in every edition).
        """
        runs = self.select(init, activation)
        if not runs:
            return None
        values = self.scores(init, activation)
        n_nc = sum(not r.converged for r in runs)
        n_div = sum(r.diverged for r in runs)
        mean = float(values.mean())
        std = float(values.std(ddof=1)) if len(values) > 1 else float("nan")
        if n_nc == len(runs):
            text = f"n/c ({n_nc}/{len(runs)})"
        else:
            text = f"{mean:.3f} ± {std:.3f}" if len(values) > 1 else _("{mean:.3f} (1 seed)").format(mean=mean)
            text += f", {n_nc}/{len(runs)} n/c" if n_nc else ""
        return {"mean": mean, "std": std, "n": len(runs), "n_nc": n_nc, "n_diverged": n_div, "text": text}

    def compare(self, init_a, init_b, activation):
        """``training.compare`` of two starts' scores (``scores``) on the same seeds."""
        return compare(self.scores(init_a, activation), self.scores(init_b, activation),
                       names=(label(init_a), label(init_b)))

    def best(self, activation, inits=None):
        """The start with the highest mean in a column and its ``compare`` verdict against
        each of the other given starts: (name, [Verdict, ...])."""
        inits = self.inits if inits is None else _validate.sequence(inits, "inits", check_start, what="start names")
        inits = [i for i in (inits or self.inits) if self.select(i, activation)]
        top = max(inits, key=lambda i: self.scores(i, activation).mean())
        return top, [self.compare(top, other, activation) for other in inits if other != top]

    def matrix(self):
        """(mean, std, n_nc, n) arrays of shape (len(inits), len(activations)), as in
        ``cell``; NaN where a cell was not run; n = 0 where not run."""
        shape = (len(self.inits), len(self.activations))
        mean, std = np.full(shape, np.nan), np.full(shape, np.nan)
        n_nc, n = np.zeros(shape, dtype=int), np.zeros(shape, dtype=int)
        for i, init in enumerate(self.inits):
            for j, act in enumerate(self.activations):
                c = self.cell(init, act)
                if c is not None:
                    mean[i, j], std[i, j], n_nc[i, j], n[i, j] = c["mean"], c["std"], c["n_nc"], c["n"]
        return mean, std, n_nc, n

    def table(self, width=24):
        """The grid as aligned text: one row per start, one column per activation. The
        first column is ``width`` wide, or wider when a label needs it (Korean labels line
        up too: ``i18n.text_width`` counts a Hangul letter as two columns)."""
        width = _validate.positive_int(width, "width")
        width = max([width, *(text_width(label(init)) + 1 for init in self.inits)])
        head = pad(_("start"), width) + "".join(pad(a, 26, ">") for a in self.activations)
        lines = [head]
        for init in self.inits:
            cells = []
            for act in self.activations:
                c = self.cell(init, act)
                cells.append(pad("-" if c is None else c["text"], 26, ">"))
            lines.append(pad(label(init), width) + "".join(cells))
        return "\n".join(lines)

    def table_html(self):
        """The grid as a ``widgets.Table``: an HTML table in the notebook (it never wraps
        into fragments at laptop width), the same text as ``table()`` when printed."""
        from lessonlib.widgets import Table

        rows = []
        for init in self.inits:
            cells = [self.cell(init, act) for act in self.activations]
            rows.append([label(init), *("-" if c is None else c["text"] for c in cells)])
        return Table([_("start"), *self.activations], rows, text=self.table())

    def beats_table(self, inits, baseline, activations):
        """Each of ``inits`` against ``baseline`` (``compare``), per activation, as a
        ``widgets.Table``: how many of them win, and on how many seeds the weakest
        is ahead."""
        from lessonlib.widgets import Table

        inits = _validate.sequence(inits, "inits", lambda v, k: check_start(v), min_length=1, what="start names")
        baseline = check_start(baseline)
        activations = _validate.sequence(activations, "activations", lambda v, k: _validate.choice(v, k, ACTIVATIONS),
                                         min_length=1, what="activation names")
        rows = []
        for act in activations:
            verdicts = [self.compare(name, baseline, act) for name in inits]
            wins = sum(v.winner == v.names[0] for v in verdicts)
            # seeds on which each start (not the leader, which may be the baseline) is ahead
            ahead = min(int(np.sum(v.scores[0] > v.scores[1])) for v in verdicts)
            rows.append([act, _("{k} of {n}").format(k=wins, n=len(inits)),
                         _("{k} of {n} seeds").format(k=ahead, n=verdicts[0].n)])
        return Table([_("activation"), _("starts that win"), _("the weakest ahead on")], rows,
                     caption=_("Each of {starts} against {baseline}:").format(
                         starts=", ".join(label(i) for i in inits), baseline=label(baseline)))

    def claims_table(self, claims):
        """``compare`` for each (activation, start a, start b) of ``claims``, as a
        ``widgets.Table`` of two rows per claim: each start's mean ± sd, on how many
        seeds the leader (the higher mean) is ahead, and the verdict."""
        from lessonlib.widgets import Table

        def claim(value, name):
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 3:
                raise _validate.InputTypeError(f"{name} must be an (activation, start, start) triple, got {value!r}")
            return (_validate.choice(value[0], f"{name} activation", ACTIVATIONS), check_start(value[1]),
                    check_start(value[2]))

        claims = _validate.sequence(claims, "claims", claim, min_length=1, what="(activation, start, start) triples")
        rows = []
        for act, a, b in claims:
            v = self.compare(a, b, act)
            for k in (0, 1):
                rows.append([act if k == 0 else "", v.names[k], f"{v.mean[k]:.3f} ± {v.sd[k]:.3f}",
                             v.ahead if v.names[k] == v.leader else "", v.outcome if k == 0 else ""])
        return Table([_("activation"), _("start"), _("mean ± sd"), _("ahead on"), _("verdict")], rows, align="llrrl",
                     grouped=True)

    def summary(self):
        """One line: runs, how many did not converge, how many diverged (NaN/inf)."""
        n_nc = sum(not r.converged for r in self.runs)
        n_div = sum(r.diverged for r in self.runs)
        return _(
            "{runs} runs ({starts} starts x {activations} activations x {seeds} seeds, {skipped} combinations"
            " not applicable): {n_nc} did not converge, {n_div} of them with NaN/inf"
        ).format(runs=len(self.runs), starts=len(self.inits), activations=len(self.activations),
                 seeds=len(self.seeds), skipped=len(self.skipped), n_nc=n_nc, n_div=n_div)

    @property
    def seconds(self):
        """Total training time of all runs (machine-dependent: do not print it in a
        compared notebook output)."""
        return float(sum(r.seconds for r in self.runs))


def run_cell(init, activation, seeds, **settings):
    """Train one cell of the grid (one start, one activation) for every seed, the seeds'
    networks side by side (``lessonlib.nn.MLPStack``); return a list of ``Run`` in seed order.

    Equal to ``[run_one(init, activation, s, **settings) for s in seeds]`` up to rounding.
    """
    options = _settings(settings)
    init = check_start(init)
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    seeds = _validate.sequence(seeds, "seeds", lambda s, name: _validate.integer(s, name, low=0), min_length=1,
                               what="non-negative integer seeds")
    X_train, X_test, y_train, y_test = digits(options["n_train"])
    sizes = [X_train.shape[1], *options["hidden"], 10]
    runs, models, kept = [None] * len(seeds), [], []
    start = time.perf_counter()
    for i, seed in enumerate(seeds):
        try:
            models.append(build_model(
                init, sizes, activation, seed=seed, X=X_train, slope=options["slope"],
                lsuv_batch=options["lsuv_batch"], dbn_epochs=options["dbn_epochs"], dbn_lr=options["dbn_lr"],
            ))
            kept.append(i)
        except Diverged:  # the RBMs' pre-training blew up: n/c
            runs[i] = Run(init, seed, History(diverged=True), float("nan"), activation=activation)
    if models:
        stack = MLPStack.from_models(models, [seeds[i] for i in kept])
        histories = stack.fit(X_train, y_train, epochs=options["epochs"], lr=options["lr"],
                              batch_size=options["batch_size"], momentum=options["momentum"])
        scores = stack.score(X_test, y_test)
        for i, history, accuracy in zip(kept, histories, scores):
            accuracy = float("nan") if history.diverged else accuracy
            runs[i] = Run(init, seeds[i], history, accuracy, activation=activation)
    seconds = (time.perf_counter() - start) / max(len(seeds), 1)
    for run in runs:
        run.seconds = seconds
    return runs


def run_grid(inits=tuple(STARTS), activations=GRID_ACTIVATIONS, seeds=(0, 1), dbn_activations=("sigmoid",),
             progress=None, **settings):
    """Train every (start, activation, seed) combination; return a ``Grid``.

    Parameters
    ----------
    inits : sequence of str
        Start names (``start_names()``), the rows.
    activations : sequence of str
        Hidden activations, the columns.
    seeds : sequence of int
        One run per seed; the seed sets the initial weights, the LSUV batch, the DBN's
        pre-training and the order of the mini-batches.
    dbn_activations : sequence of str
        Activations for which the "dbn" start is run (default: sigmoid only, the units
        the RBMs were trained with); the other "dbn" cells are listed in ``skipped``.
    progress : callable, optional
        Called as ``progress(done, total, run)`` after each run (e.g. a ``ProgressBar``).
    **settings
        Override ``DEFAULTS`` (e.g. ``epochs=20``, ``hidden=(64,) * 8``).
    """
    inits = [check_start(name) for name in inits]
    activations = [_validate.choice(a, "activation", ACTIVATIONS) for a in activations]
    seeds = _validate.sequence_of_ints(seeds, "seeds", low=0, min_length=0)
    for a in dbn_activations:
        _validate.choice(a, "dbn_activations", ACTIVATIONS)
    if not inits or not activations or not seeds:
        raise ValueError("give at least one start, one activation and one seed")
    progress = _validate.function(progress, "progress", optional=True)
    _settings(settings)
    grid = Grid(inits=inits, activations=activations, seeds=seeds)
    jobs = []
    for init in inits:
        for act in activations:
            if init == "dbn" and act not in dbn_activations:
                grid.skipped.append((init, act))
                continue
            jobs.extend((init, act, seed) for seed in seeds)
    cells = list(dict.fromkeys((init, act) for init, act, _ in jobs))
    for init, act in cells:
        for run in run_cell(init, act, seeds, **settings):
            grid.runs.append(run)
            if progress is not None:
                progress(len(grid.runs), len(jobs), run)
    return grid


#: The progress bar's description unless told otherwise (shown in the notebook's language).
PROGRESS_DESCRIPTION = N_("training")


class ProgressBar:
    """A progress bar for ``run_grid(..., progress=bar)``: an ipywidgets ``IntProgress``
    with a label "12/70 runs". Display ``bar.widget`` (or ``bar``) in the notebook. Its
    texts are in the notebook's language (the default description too)."""

    def __init__(self, description=PROGRESS_DESCRIPTION):
        import ipywidgets as widgets

        _validate.text(description, "description")
        self.bar = widgets.IntProgress(value=0, min=0, max=1, description=_(description))
        self.text = widgets.Label(value="")
        self.widget = widgets.HBox([self.bar, self.text])

    def __call__(self, done, total, run=None):
        total = _validate.positive_int(total, "total")
        done = _validate.integer(done, "done", low=0, high=total)
        run = None if run is None else _validate.instance(run, "run", Run)
        self.bar.max = max(int(total), 1)
        self.bar.value = int(done)
        if run is None:
            self.text.value = _("{done}/{total} runs").format(done=done, total=total)
        else:
            self.text.value = _("{done}/{total} runs (last: {start}, {activation})").format(
                done=done, total=total, start=label(run.start), activation=run.activation)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def depth_study(activation="sigmoid", init="slide_xavier", depths=(1, 2, 4, 6), seeds=(0, 1), **settings):
    """Does the start still train as the network gets deeper? One row per depth.

    Returns a list of dicts with ``depth`` (hidden layers of ``hidden[0]`` units), the
    ``accuracies`` over the seeds (NaN for diverged runs) and ``n_nc``.
    """
    width = _settings(settings)["hidden"][0]
    settings = {k: v for k, v in settings.items() if k != "hidden"}
    depths = _validate.sequence_of_ints(depths, "depths")
    seeds = _validate.sequence_of_ints(seeds, "seeds", low=0)
    check_start(init)
    _validate.choice(activation, "activation", ACTIVATIONS)
    rows = []
    for depth in depths:
        depth = _validate.integer(depth, "depths", low=1)
        runs = run_cell(init, activation, seeds, hidden=(width,) * int(depth), **settings)
        rows.append({
            "depth": int(depth),
            "accuracies": [r.test_accuracy for r in runs],
            "n_nc": sum(not r.converged for r in runs),
        })
    return rows


def lsuv_table(report):
    """What ``lsuv.lsuv`` did, layer by layer, as a ``widgets.Table`` under its summary:
    the factor W was multiplied by and Var(z) before and after ("-": left alone; why is
    in the summary), in the notebook's language."""
    from lessonlib.lsuv import LSUVReport
    from lessonlib.widgets import Table

    report = _validate.instance(report, "report", LSUVReport, "an LSUVReport from lsuv.lsuv")
    rows = []
    for k, (scale, before, after, ok) in enumerate(zip(report.scale, report.before, report.variance, report.converged)):
        step = _("closed form") if scale is not None else _("already within tol") if ok else _("left alone")
        rows.append([str(k + 1), "-" if scale is None else f"{scale:.4g}", f"{before:.4g}", f"{after:.4g}", step])
    return Table([_("layer"), "W ×", _("Var(z) before"), _("Var(z) after"), _("step", context="LSUV table: what was done to the layer")], rows, align="rrrrl",
                 caption=report.summary())


def pre_activation_variances(name, activation, seed=0, **settings):
    """Var(z_l) of every weight layer at the start, measured on the 450 test digits.

    The network is the grid's (``settings`` override ``DEFAULTS``), started by ``name``;
    LSUV and DBN see only training inputs, so this shows whether their scaling carries
    over to data they were not fitted on. Returns a list of floats, first layer first.
    """
    options = _settings(settings)
    X_train, X_test, _, y_test = digits(options["n_train"])
    model = build_model(
        name, [X_train.shape[1], *options["hidden"], 10], activation, seed=seed, X=X_train,
        slope=options["slope"], lsuv_batch=options["lsuv_batch"], dbn_epochs=options["dbn_epochs"],
        dbn_lr=options["dbn_lr"],
    )
    with np.errstate(all="ignore"):
        return [float(np.var(z)) for z in model.trace(X_test, y_test).pre]


def format_accuracy(value):
    """ "0.953", or "n/c" for NaN: for printing a run's accuracy (a number, or NaN)."""
    value = _validate.real(value, "value", finite=False)
    return "n/c" if not math.isfinite(value) else f"{value:.3f}"


# --- pictures: the grid of starts x activations beside the paper's table --------------------

def _accuracy_cells(ax, values, texts, row_labels, col_labels, title, vmin=0.1, vmax=1.0, fontsize=8):
    """Draw a table of accuracies: coloured where a value exists, grey (hatched) for n/c,
    blank for cells not run. ``values`` is 2-D with NaN for n/c or not run; ``texts``
    holds each cell's annotation ("" for blank, "n/c" for grey)."""
    import matplotlib.pyplot as plt

    values = np.asarray(values, dtype=np.float64)
    cmap = plt.get_cmap("viridis")
    norm = plt.Normalize(vmin, vmax)
    n_rows, n_cols = values.shape
    for i in range(n_rows):
        for j in range(n_cols):
            text = texts[i][j]
            if np.isfinite(values[i, j]):
                face = cmap(norm(values[i, j]))
                ink = "white" if norm(values[i, j]) < 0.6 else "black"
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=face, edgecolor="white", lw=1.5))
            elif text and text != "–":
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="0.85", edgecolor="white", lw=1.5, hatch="///"))
                ink = "0.2"
            else:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="white", edgecolor="0.9", lw=1.0))
                ink = "0.5"
            if text == "–":
                ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=fontsize, color="0.6")
            elif text:
                ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=fontsize, color=ink,
                        bbox=dict(facecolor="0.85", edgecolor="none", pad=1) if not np.isfinite(values[i, j]) else None)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(np.arange(n_cols) + 0.5)
    ax.set_xticklabels(col_labels, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(n_rows) + 0.5)
    ax.set_yticklabels(row_labels, fontsize=9)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title, fontsize=10, pad=22)
    ax.set_aspect(0.5)  # every table drawn here has the same cell shape
    ax.set_anchor("N")
    return plt.cm.ScalarMappable(norm=norm, cmap=cmap)


#: How the figures name the hidden activations (the tables show the code names).
ACTIVATION_LABELS = {"relu": "ReLU", "leaky_relu": N_("leaky ReLU"), "tanh": "tanh", "sigmoid": "sigmoid"}

#: The paper's column names that are translated in the figure (the others are proper names).
PAPER_COLUMN_LABELS = {"maxout": N_("maxout")}


def activation_label(activation):
    """ "leaky ReLU" for "leaky_relu": an activation as the figures name it, in the notebook's language."""
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    return _(ACTIVATION_LABELS[activation]) if activation in ACTIVATION_LABELS else activation


def grid_heatmap(ax, grid, title=None):
    """The grid of ``run_grid``: mean test accuracy per start and activation over all
    seeds (a diverged run counts as 0.1), ± its sample std, and "k/n n/c" under it where
    some seeds did not converge; grey "n/c" where no seed converged; "–" where not run.
    Returns a ScalarMappable for a colour bar."""
    _validate.axes(ax)
    mean, std, n_nc, n = _validate.instance(grid, "grid", Grid, "the Grid run_grid returns").matrix()
    title = None if title is None else _validate.text(title, "title")
    texts, values = [], mean.copy()
    for i in range(len(grid.inits)):
        row = []
        for j in range(len(grid.activations)):
            if n[i, j] == 0:
                row.append("–")  # not run (e.g. DBN for a non-sigmoid activation)
            elif n_nc[i, j] == n[i, j]:
                row.append(f"n/c ({n_nc[i, j]}/{n[i, j]})")
                values[i, j] = np.nan
            else:
                text = f"{mean[i, j]:.2f} ± {std[i, j]:.2f}" if n[i, j] > 1 else f"{mean[i, j]:.2f}"
                row.append(text + (f"\n{n_nc[i, j]}/{n[i, j]} n/c" if n_nc[i, j] else ""))
        texts.append(row)
    rows = [label(name) for name in grid.inits]
    cols = [activation_label(a) for a in grid.activations]
    title = title or _("ours: 8×8 digits, test accuracy (mean ± sd over {n} seeds)").format(n=len(grid.seeds))
    return _accuracy_cells(ax, values, texts, rows, cols, title)


def paper_table(ax, table=None):
    """Mishkin & Matas (2015), Table 3 as quoted in ``PAPER_TABLE``: CIFAR-10
    accuracy (integer parts, as a fraction for the colour scale), "n/c" in grey.
    ``table`` (default ``PAPER_TABLE``) is a dict with "columns" and "rows" like it."""
    _validate.axes(ax)
    table = PAPER_TABLE if table is None else _validate.instance(table, "table", dict, "a dict like PAPER_TABLE")
    missing = [key for key in ("columns", "rows") if key not in table]
    if missing:
        raise ValueError(f"table must have the keys 'columns' and 'rows', like PAPER_TABLE; missing {missing}")
    names = list(table["rows"])
    values = np.array([[np.nan if v is None else v / 100 for v in table["rows"][r]] for r in names])
    texts = [["n/c" if v is None else f"{v}" for v in table["rows"][r]] for r in names]
    columns = [_(PAPER_COLUMN_LABELS[c]) if c in PAPER_COLUMN_LABELS else c for c in table["columns"]]
    return _accuracy_cells(ax, values, texts, names, columns, _("Mishkin & Matas 2015: CIFAR-10, FitNet4 (%)"),
                           fontsize=9)
