"""The comparison of notebook 05: initializers x activations, several seeds, one benchmark.

``run_grid(inits, activations, seeds)`` trains one network per combination on the 8x8
digits and returns a ``Grid``: a tidy list of ``Run`` records (start, activation, seed,
final test accuracy, training-loss curve, diverged or not) with the summaries the
notebook prints and draws. A run that does not converge is recorded as "n/c" (did not
converge), never raised: its loss or weights became NaN/infinite (``History.diverged``),
or its test accuracy stayed below ``CHANCE_LIMIT`` (ten classes: guessing gives 0.1).

The starts (``STARTS``) are the lecture's and the paper's: the fixed-scale ones, the
one-line initializers of ``lessonlib.init``, and two data-dependent ones that need the
training inputs, LSUV (``lessonlib.lsuv``) and DBN pre-training (``lessonlib.dbn``).
``build_model`` makes any of them, so every notebook can start a network by name.

References
----------
Mishkin, Matas (2015). All you need is a good init. arXiv:1511.06422: Table 3 compares
initializations x activations on CIFAR-10 (FitNet4); see ``PAPER_TABLE``.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from lessonlib import init as _init
from lessonlib.data import digits_split
from lessonlib.lsuv import lsuv
from lessonlib.nn import ACTIVATIONS, MLP
from lessonlib.seeding import make_rng

#: The starts compared in notebook 05, in the order of the heatmap's rows, with labels.
#: Any canonical name of ``lessonlib.init.names()`` is accepted too.
STARTS = {
    "zeros": "all zeros",
    "normal_0.01": "N(0, 0.01²)",
    "normal_1": "N(0, 1)",
    "slide_xavier": "slide one-liner (LeCun)",
    "glorot_uniform": "Glorot uniform",
    "he_normal": "He normal",
    "orthogonal": "orthogonal",
    "lsuv": "LSUV",
    "dbn": "DBN pre-training",
}

#: Starts that are a name of ``lessonlib.init`` with options.
_FIXED = {"normal_0.01": ("normal", {"std": 0.01}), "normal_1": ("normal", {"std": 1.0})}

#: The hidden non-linearities of the grid (columns), in the order of the paper's table.
GRID_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")

#: Below this test accuracy a run counts as "did not converge" (chance is 0.1).
CHANCE_LIMIT = 0.2

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


def start_names():
    """The start names ``build_model`` and ``run_grid`` accept (``STARTS`` first)."""
    return [*STARTS, *(n for n in _init.names() if n not in STARTS)]


def check_start(name):
    """Return ``name`` if it is a known start, else raise ValueError listing the valid ones."""
    if not isinstance(name, str) or name not in start_names():
        raise ValueError(f"unknown start {name!r}; expected one of: {', '.join(start_names())}")
    return name


def _check_activation(name):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of: {', '.join(ACTIVATIONS)}")
    return name


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seeds must be non-negative integers, got {seed!r}")
    return int(seed)


def label(name):
    """The display label of a start ("N(0, 0.01²)" for "normal_0.01")."""
    return STARTS.get(name, name)


@lru_cache(maxsize=4)
def _digits(n_train):
    X_train, X_test, y_train, y_test = digits_split(seed=0)
    return X_train[:n_train], X_test, y_train[:n_train], y_test


def digits(n_train=DEFAULTS["n_train"]):
    """(X_train, X_test, y_train, y_test): the first ``n_train`` training digits and the
    standard 450 test digits of ``digits_split(seed=0)``."""
    return tuple(a.copy() for a in _digits(int(n_train)))


def build_model(name, layer_sizes, activation, seed=0, X=None, slope=0.01,
                lsuv_batch=200, dbn_epochs=10, dbn_lr=0.2):
    """A fresh ``MLP`` started by name: any start in ``start_names()``.

    "lsuv" and "dbn" need the training inputs ``X`` (no labels): LSUV rescales an
    orthogonal start on ``lsuv_batch`` examples drawn with ``seed``; "dbn" pre-trains a
    stack of RBMs on all of X for ``dbn_epochs`` epochs (``lessonlib.dbn``) and unrolls
    it. The DBN's hidden layers are sigmoid RBMs: with another activation the network
    keeps their weights but no longer computes the RBMs' features.
    """
    name = check_start(name)
    _check_activation(activation)
    seed = _check_seed(seed)
    sizes = [int(s) for s in layer_sizes]
    if name in ("lsuv", "dbn") and X is None:
        raise ValueError(f"the start {name!r} is data-dependent: pass the training inputs X")
    if name == "lsuv":
        model = MLP(sizes, activation=activation, init="orthogonal", seed=seed, slope=slope)
        rng = make_rng(seed)
        batch = np.asarray(X)[rng.choice(len(X), size=min(int(lsuv_batch), len(X)), replace=False)]
        lsuv(model, batch)
        model.init = "lsuv"
        return model
    if name == "dbn":
        from lessonlib.dbn import DBN

        dbn = DBN(sizes[:-1], seed=seed)
        dbn.pretrain(X, epochs=dbn_epochs, lr=dbn_lr)
        model = dbn.to_mlp(sizes[-1], activation=activation, seed=seed)
        model.slope = float(slope)
        return model
    init, options = _FIXED.get(name, (name, {}))
    model = MLP(sizes, activation=activation, init=init, seed=seed, slope=slope, init_options=options)
    model.init = name
    return model


@dataclass
class Run:
    """One training run of the grid.

    ``test_accuracy`` is the final accuracy on the 450 test digits (NaN when the run
    diverged); ``loss`` the training loss before training and after each epoch (it stops
    at the last finite value of a diverged run); ``converged`` is False for "n/c".
    """

    init: str
    activation: str
    seed: int
    test_accuracy: float
    loss: list
    diverged: bool
    converged: bool
    seconds: float = 0.0

    @property
    def status(self):
        """ "ok", or "n/c" (did not converge)."""
        return "ok" if self.converged else "n/c"

    def as_dict(self):
        return {
            "init": self.init,
            "activation": self.activation,
            "seed": self.seed,
            "test_accuracy": self.test_accuracy,
            "loss": list(self.loss),
            "diverged": self.diverged,
            "converged": self.converged,
            "status": self.status,
        }


def run_one(init, activation, seed, **settings):
    """Train one network of the grid's benchmark; return a ``Run`` (never raises for n/c).

    ``settings`` override ``DEFAULTS`` (hidden, n_train, epochs, lr, momentum,
    batch_size, slope, lsuv_batch, dbn_epochs, dbn_lr).
    """
    options = _settings(settings)
    init = check_start(init)
    activation = _check_activation(activation)
    seed = _check_seed(seed)
    X_train, X_test, y_train, y_test = _digits(options["n_train"])
    start = time.perf_counter()
    sizes = [X_train.shape[1], *options["hidden"], 10]
    try:
        model = build_model(
            init, sizes, activation, seed=seed, X=X_train, slope=options["slope"],
            lsuv_batch=options["lsuv_batch"], dbn_epochs=options["dbn_epochs"], dbn_lr=options["dbn_lr"],
        )
    except ValueError as error:
        if init == "dbn" and "diverged" in str(error):  # RBM pre-training blew up: n/c
            return Run(init, activation, seed, float("nan"), [], True, False, time.perf_counter() - start)
        raise
    # The test digits are scored once, after training: the grid reports only the final
    # accuracy, and scoring them after every epoch cost more than a third of a run.
    history = model.fit(
        X_train, y_train, epochs=options["epochs"], lr=options["lr"], batch_size=options["batch_size"],
        momentum=options["momentum"], seed=seed,
    )
    diverged = bool(history.diverged)
    accuracy = float("nan") if diverged else float(model.score(X_test, y_test))
    converged = not diverged and accuracy >= CHANCE_LIMIT
    return Run(init, activation, seed, accuracy, [float(v) for v in history.loss], diverged, converged,
               time.perf_counter() - start)


def _settings(settings):
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown settings {unknown}; expected some of: {', '.join(DEFAULTS)}")
    options = {**DEFAULTS, **settings}
    hidden = options["hidden"]
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__len__") or len(hidden) < 1:
        raise ValueError(f"hidden must list at least one hidden layer size, got {hidden!r}")
    options["hidden"] = tuple(int(h) for h in hidden)
    n_train = options["n_train"]
    if isinstance(n_train, bool) or not isinstance(n_train, numbers.Integral) or not 10 <= n_train <= 1347:
        raise ValueError(f"n_train must be an integer from 10 to 1347, got {n_train!r}")
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
        return [r for r in self.runs if r.init == init and r.activation == activation]

    def cell(self, init, activation):
        """Summary of one cell over its seeds, or None when the cell was not run.

        Returns a dict: ``mean`` and ``std`` of the test accuracy over the seeds that
        converged (NaN when none did), ``n`` runs, ``n_nc`` runs that did not converge,
        and ``text``: "0.953 ± 0.004", "0.912 ± 0.010 (1/3 n/c)" or "n/c".
        """
        runs = self.select(init, activation)
        if not runs:
            return None
        good = np.array([r.test_accuracy for r in runs if r.converged], dtype=np.float64)
        n_nc = len(runs) - len(good)
        mean = float(good.mean()) if len(good) else float("nan")
        std = float(good.std()) if len(good) else float("nan")
        if not len(good):
            text = "n/c"
        else:
            text = f"{mean:.3f} ± {std:.3f}" + (f" ({n_nc}/{len(runs)} n/c)" if n_nc else "")
        return {"mean": mean, "std": std, "n": len(runs), "n_nc": n_nc, "text": text}

    def matrix(self):
        """(mean, std, n_nc, n) arrays of shape (len(inits), len(activations)); NaN where
        a cell was not run or no seed converged; n = 0 where not run."""
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
        """The grid as aligned text: one row per start, one column per activation."""
        head = f"{'start':{width}s}" + "".join(f"{a:>26s}" for a in self.activations)
        lines = [head]
        for init in self.inits:
            cells = []
            for act in self.activations:
                c = self.cell(init, act)
                cells.append(f"{'-' if c is None else c['text']:>26s}")
            lines.append(f"{label(init):{width}s}" + "".join(cells))
        return "\n".join(lines)

    def summary(self):
        """One line: runs, how many did not converge, how many diverged (NaN/inf)."""
        n_nc = sum(not r.converged for r in self.runs)
        n_div = sum(r.diverged for r in self.runs)
        return (
            f"{len(self.runs)} runs ({len(self.inits)} starts x {len(self.activations)} activations"
            f" x {len(self.seeds)} seeds, {len(self.skipped)} combinations not applicable):"
            f" {n_nc} did not converge, {n_div} of them with NaN/inf"
        )

    @property
    def seconds(self):
        """Total training time of all runs (machine-dependent: do not print it in a
        compared notebook output)."""
        return float(sum(r.seconds for r in self.runs))


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
    activations = [_check_activation(a) for a in activations]
    seeds = [_check_seed(s) for s in seeds]
    for a in dbn_activations:
        _check_activation(a)
    if not inits or not activations or not seeds:
        raise ValueError("give at least one start, one activation and one seed")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be callable, got {progress!r}")
    _settings(settings)
    grid = Grid(inits=inits, activations=activations, seeds=seeds)
    jobs = []
    for init in inits:
        for act in activations:
            if init == "dbn" and act not in dbn_activations:
                grid.skipped.append((init, act))
                continue
            jobs.extend((init, act, seed) for seed in seeds)
    for done, (init, act, seed) in enumerate(jobs, start=1):
        run = run_one(init, act, seed, **settings)
        grid.runs.append(run)
        if progress is not None:
            progress(done, len(jobs), run)
    return grid


class ProgressBar:
    """A progress bar for ``run_grid(..., progress=bar)``: an ipywidgets ``IntProgress``
    with a label "12/70 runs". Display ``bar.widget`` (or ``bar``) in the notebook."""

    def __init__(self, description="training"):
        import ipywidgets as widgets

        self.bar = widgets.IntProgress(value=0, min=0, max=1, description=description)
        self.text = widgets.Label(value="")
        self.widget = widgets.HBox([self.bar, self.text])

    def __call__(self, done, total, run=None):
        self.bar.max = max(int(total), 1)
        self.bar.value = int(done)
        self.text.value = f"{done}/{total} runs" + (f" (last: {label(run.init)}, {run.activation})" if run else "")

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
    rows = []
    for depth in depths:
        if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1:
            raise ValueError(f"depths must be positive integers, got {depth!r}")
        runs = [run_one(init, activation, s, hidden=(width,) * int(depth), **settings) for s in seeds]
        rows.append({
            "depth": int(depth),
            "accuracies": [r.test_accuracy for r in runs],
            "n_nc": sum(not r.converged for r in runs),
        })
    return rows


def pre_activation_variances(name, activation, seed=0, **settings):
    """Var(z_l) of every weight layer at the start, measured on the 450 test digits.

    The network is the grid's (``settings`` override ``DEFAULTS``), started by ``name``;
    LSUV and DBN see only training inputs, so this shows whether their scaling carries
    over to data they were not fitted on. Returns a list of floats, first layer first.
    """
    options = _settings(settings)
    X_train, X_test, _, y_test = _digits(options["n_train"])
    model = build_model(
        name, [X_train.shape[1], *options["hidden"], 10], activation, seed=seed, X=X_train,
        slope=options["slope"], lsuv_batch=options["lsuv_batch"], dbn_epochs=options["dbn_epochs"],
        dbn_lr=options["dbn_lr"],
    )
    with np.errstate(all="ignore"):
        return [float(np.var(z)) for z in model.trace(X_test, y_test).pre]


def format_accuracy(value):
    """ "0.953", or "n/c" for NaN: for printing a run's accuracy."""
    return "n/c" if not math.isfinite(value) else f"{value:.3f}"
