"""Notebook 01 (why all-zero weights fail): its experiments and the seed explorer.

Why all-zero (or all-equal) weights fail, and how much the random start matters. The
experiments are functions that return plain numbers the notebook prints or plots and
the tests check; ``SeedExplorer`` puts the seed study on sliders.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lessonlib import _validate, data, plots
from lessonlib.i18n import N_, _
from lessonlib.nn import ACTIVATIONS, MLP
from lessonlib.training import Run, decide
from lessonlib.widgets import FigureExplorer, selection_slider, slider

#: The small problem of notebook 01: 500 training digits, the standard 450 test digits.
N_TRAIN = 500

#: The network of sections 1-4: two hidden layers, narrow enough that 5 seeds of every
#: start train in a few seconds on 2 busy cores.
NET = (64, 24, 24, 10)


def small_digits():
    """(X_train, X_test, y_train, y_test): 500 training digits and 450 test digits."""
    return data.digits(n_train=N_TRAIN)


def gradient_report(model, X, y):
    """Per weight layer: the largest |dW| and the spread between hidden units.

    Returns a list of dicts with ``layer`` (1 = first weight layer), ``max_abs_grad``
    (largest absolute entry of dW for that layer) and ``unit_spread`` (largest difference
    between two units' incoming weight gradients: 0 means every unit receives exactly the
    same update).
    """
    _, grads = _validate.instance(model, "model", MLP, "a lessonlib.nn.MLP").loss_and_grads(X, y)
    rows = []
    for layer, (dW, _) in enumerate(grads):
        rows.append(
            {
                "layer": layer + 1,
                "max_abs_grad": float(np.max(np.abs(dW))),
                "unit_spread": float(np.max(dW.max(axis=1) - dW.min(axis=1))),
            }
        )
    return rows


def train_start(label, layer_sizes=NET, activation="relu", init="normal", init_options=None, seed=0, epochs=30,
                lr=0.1, batch_size=50, momentum=0.9, track_test=True):
    """Train one network from the given start on the small digits problem; return a ``Run``.

    With ``track_test`` the test accuracy is recorded after every epoch
    (``run.history.val_accuracy``, for curves); without it only at the end, which saves
    about half of the evaluation work and changes no trained weight.
    """
    label = _validate.text(label, "label")
    X_train, X_test, y_train, y_test = small_digits()
    model = MLP(layer_sizes, activation=activation, init=init, seed=seed, init_options=init_options)
    history = model.fit(
        X_train,
        y_train,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        momentum=momentum,
        seed=seed,
        X_val=X_test if track_test else None,
        y_val=y_test if track_test else None,
    )
    if history.diverged:
        accuracy = float("nan")
    else:
        accuracy = history.val_accuracy[-1] if track_test else model.score(X_test, y_test)
    return Run(start=model.init, seed=seed, history=history, test_accuracy=accuracy, model=model, label=label,
               activation=activation)


# --- section 1: which gradients are exactly zero? ---------------------------------------------


def zero_start_gradients(activations=("relu", "tanh", "sigmoid"), layer_sizes=None):
    """The largest |dW| of every weight layer of an all-zero network, per activation.

    Returns ``{activation: [max |dW| of layer 1, layer 2, ...]}`` for the first
    mini-batch-free step (the gradient on the whole training set). ReLU and tanh give 0
    everywhere (relu(0) = tanh(0) = 0, so every layer's input is 0 or the error sent
    back through W = 0 is); sigmoid gives 0 for the hidden layers but not for the output
    layer, whose input is sigmoid(0) = 0.5 for every unit.
    """
    _validate.sequence(activations, "activations", lambda a, name: _validate.choice(a, name, ACTIVATIONS),
                       min_length=1, what="activation names")
    if layer_sizes is not None:
        _validate.sequence_of_ints(layer_sizes, "layer_sizes", min_length=2)
    X, _, y, _ = small_digits()
    layer_sizes = NET if layer_sizes is None else layer_sizes
    return {
        act: [row["max_abs_grad"] for row in gradient_report(MLP(layer_sizes, act, "zeros"), X, y)]
        for act in activations
    }


# --- the starts of sections 1-4, each trainable from any seed (cached) -------------------------

#: name -> (hidden activation, init, init options, layer sizes, colour name, marker). The
#: names are the keys the notebook asks for; ``start_label`` shows them in its language.
STARTS = {
    N_("zeros, relu"): ("relu", "zeros", (), NET, "zeros", "o"),
    N_("zeros, tanh"): ("tanh", "zeros", (), NET, "zeros", "o"),
    N_("zeros, sigmoid"): ("sigmoid", "zeros", (), NET, "zeros", "o"),
    N_("constant 0.05, tanh"): ("tanh", "constant", (("value", 0.05),), NET, "constant", "s"),
    N_("no hidden layer, zeros"): ("relu", "zeros", (), (64, 10), None, "D"),
    "N(0, 0.01²)": ("relu", "normal", (("std", 0.01),), NET, "normal_0.01", "^"),
    N_("He normal"): ("relu", "he_normal", (), NET, "he_normal", "v"),
}

#: The seeds every comparison of notebook 01 is run over (at least 5, see seed_verdict).
SEEDS = tuple(range(5))


def _check_start(name):
    return _validate.choice(name, "start", STARTS)


def start_label(name):
    """The start ``name`` of ``STARTS`` as figures and printed lines show it, in the
    current language ("zeros, relu"; in Korean "모두 0, relu")."""
    name = _check_start(name)
    return _(name)


def _check_seeds(seeds):
    return _validate.sequence(seeds, "seeds", lambda s, name: _validate.integer(s, name, low=0), min_length=1,
                              what="non-negative integer seeds")

#: Okabe & Ito (2008): the colour of a model that is not a start of its own (no hidden layer).


#: The seed whose test-accuracy curve ``plot_starts`` draws; other seeds record only the end.
FIGURE_SEED = 0


@lru_cache(maxsize=128)
def start_run(name, seed=0):
    """Train the start ``name`` of ``STARTS`` from ``seed`` (weights and batch order); cached.

    Only ``FIGURE_SEED`` records the test accuracy after every epoch; every seed records
    its training loss per epoch and its final test accuracy.
    """
    _check_start(name)
    activation, init, options, sizes, _, _ = STARTS[name]
    return train_start(name, layer_sizes=sizes, activation=activation, init=init,
                       init_options=dict(options) or None, seed=seed,
                       track_test=seed == FIGURE_SEED)


def scores(name, seeds=SEEDS, measure="test_accuracy"):
    """One number per seed for the start ``name``: its test accuracy (or final ``"loss"``)."""
    _check_start(name)
    _check_seeds(seeds)
    measure = _validate.choice(measure, "measure", ("test_accuracy", "loss"))
    runs = [start_run(name, s) for s in seeds]
    if measure == "test_accuracy":
        return [r.test_accuracy for r in runs]
    if measure == "loss":
        return [r.history.loss[-1] for r in runs]
    raise ValueError(f"measure must be 'test_accuracy' or 'loss', got {measure!r}")


def hidden_spreads(name, seeds=SEEDS):
    """Per seed, the largest ``hidden_unit_spread`` over the hidden layers after training.

    0.0 means every hidden layer is still a set of identical units (symmetry unbroken).
    """
    _check_start(name)
    _check_seeds(seeds)
    runs = [start_run(name, s) for s in seeds]
    return [max(r.model.hidden_unit_spread(l) for l in range(r.model.n_layers - 1)) for r in runs]


def epochs_below(name, level=1.0, seeds=SEEDS):
    """Per seed, the first epoch whose training loss is below ``level`` (None: never, in 30)."""
    _check_start(name)
    _validate.real(level, "level")
    _check_seeds(seeds)
    found = []
    for s in seeds:
        loss = start_run(name, s).history.loss
        found.append(next((epoch for epoch, value in enumerate(loss) if value < level), None))
    return found


def start_style(name):
    """(colour, marker) of a start in notebook 01's figures: the series' colour, a marker each."""
    _, _, _, _, colour_name, marker = STARTS[_check_start(name)]
    return (plots.color_for(colour_name) if colour_name else plots.OKABE_ITO["black"]), marker


def plot_starts(names, seed=FIGURE_SEED, figsize=(10, 3.4)):
    """Training loss and test accuracy per epoch of several starts (one seed); returns the figure.

    Every start has its own colour and marker, and the legend sits below the panels, never
    over a curve.
    """
    import matplotlib.pyplot as plt

    _validate.sequence(names, "names", lambda n, k: _validate.choice(n, k, STARTS), min_length=1, what="start names")
    _validate.integer(seed, "seed", low=0)
    _validate.sequence(figsize, "figsize", _validate.positive, length=2, what="sizes in inches")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=figsize)
    for name in names:
        run = start_run(name, seed)
        colour, marker = start_style(name)
        style = dict(color=colour, marker=marker, markevery=5, ms=5, lw=1.5)
        ax_loss.plot(run.history.epoch, run.history.loss, label=start_label(name), **style)
        ax_acc.plot(run.history.epoch, run.history.val_accuracy, **style)
    title = _("seed {seed}").format(seed=seed)
    ax_loss.set(xlabel=_("epoch"), ylabel=_("training loss (nats)"), title=title)
    ax_acc.set(xlabel=_("epoch"), ylabel=_("test accuracy"), ylim=(0, 1), title=title)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(names), fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.27, wspace=0.25)
    return fig


# --- conclusions over seeds -----------------------------------------------------------------

#: The measure a verdict compares unless told otherwise (translated when shown).
TEST_ACCURACY = N_("test accuracy")


@dataclass(frozen=True)
class SeedVerdict:
    """Two starts compared seed by seed: their mean ± sample std and how often one leads.

    ``winner`` is a label only when the leader is ahead on at least ``min_share`` of the
    seeds (4 of 5) *and* the intervals mean ± std do not overlap; otherwise it is None and
    the two starts tie here.
    """

    label_a: str
    label_b: str
    mean_a: float
    std_a: float
    mean_b: float
    std_b: float
    wins_a: int
    wins_b: int
    n: int
    winner: str | None
    measure: str = TEST_ACCURACY

    @property
    def k(self):
        """Seeds on which the leader (the winner, or else the start ahead more often) is ahead."""
        return max(self.wins_a, self.wins_b)

    def __str__(self):
        """Two lines in the current language: the means ± stds, then the verdict.

        The measure is translated when shown (the default "test accuracy" is in the
        catalog); the labels are shown as given, so a caller passes them in the reader's
        language (``tr("zeros")``) or as formulas ("N(0, 0.1²)").
        """
        head = _("{measure} over {n} seeds: {a} {mean_a:.3f} ± {std_a:.3f}, {b} {mean_b:.3f} ± {std_b:.3f}").format(
            measure=_(self.measure), n=self.n, a=self.label_a, mean_a=self.mean_a, std_a=self.std_a,
            b=self.label_b, mean_b=self.mean_b, std_b=self.std_b)
        if self.winner is not None:
            loser = self.label_b if self.winner == self.label_a else self.label_a
            line = _("{winner} beats {loser}: holds on {k} of {n} seeds").format(
                winner=self.winner, loser=loser, k=self.k, n=self.n)
        else:
            leader = self.label_a if self.wins_a >= self.wins_b else self.label_b
            line = _("tie: {leader} is ahead on {k} of {n} seeds (a winner needs 4 of 5 and intervals apart)").format(
                leader=leader, k=self.k, n=self.n)
        return f"{head}\n  {line}"

    __repr__ = __str__


def _mean_std(values):
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return float("nan"), float("nan")
    return float(finite.mean()), (float(finite.std(ddof=1)) if len(finite) > 1 else 0.0)


def seed_verdict(scores_a, scores_b, label_a, label_b, higher_is_better=True, min_share=0.8,
                 measure=TEST_ACCURACY):
    """Compare two starts over the same seeds (``scores_a[i]`` and ``scores_b[i]`` share seed i).

    Parameters
    ----------
    scores_a, scores_b : sequences of float
        One score per seed, in the same seed order; NaN (a diverged run) counts as a loss
        for its side and is left out of the mean.
    label_a, label_b : str
        Names to print.
    higher_is_better : bool
        True for accuracies, False for losses.
    min_share : float
        The share of seeds the winner must lead on: 0.8 is 4 of 5, 8 of 10.

    Returns
    -------
    SeedVerdict
        Means ± sample standard deviations (ddof=1), wins per side, and the winner or None.
    """
    a = _validate.array(scores_a, "scores_a", ndim=1, finite=False)
    _validate.array(scores_b, "scores_b", shape=a.shape, finite=False, what="one score per seed, to pair seed by seed with scores_a")
    _validate.text(label_a, "label_a")
    _validate.text(label_b, "label_b")
    _validate.flag(higher_is_better, "higher_is_better")
    _validate.real(min_share, "min_share", low=0.5, high=1.0, low_open=True)
    _validate.text(measure, "measure")
    if np.ndim(scores_a) == 1 and len(scores_a) < 2:
        raise ValueError(f"scores_a: a verdict needs at least 2 seeds (5 or more to name a winner), got {len(scores_a)}")
    d = decide(scores_a, scores_b, higher_is_better=higher_is_better, win_fraction=min_share)
    (mean_a, mean_b), (std_a, std_b), (wins_a, wins_b) = d["mean"], d["sd"], d["wins"]
    winner = None if d["winner"] is None else (label_a, label_b)[d["winner"]]
    a = np.asarray(scores_a)
    return SeedVerdict(label_a, label_b, mean_a, std_a, mean_b, std_b, wins_a, wins_b, len(a), winner, measure)


def mean_std(values):
    """"mean ± sample std" (ddof=1) of the finite values, rounded to 3 decimals."""
    mean, std = _mean_std(_validate.array(values, "values", ndim=1, finite=False))
    return f"{mean:.3f} ± {std:.3f}"


def holds_on(flags):
    """"holds on k of n seeds" for a list of booleans (one per seed)."""
    flags = _validate.sequence(flags, "flags", _validate.flag, what="True/False values")
    return _("holds on {k} of {n} seeds").format(k=sum(flags), n=len(flags))


# --- "same code, different cost curves": a study over seeds -----------------------------

#: The network of the seed study: deep and narrow enough for the start to matter.
SEED_NET = (64, 16, 16, 16, 10)
SEED_EPOCHS = 15


def seed_run(std, seed, activation="relu", epochs=SEED_EPOCHS):
    """Train ``SEED_NET`` from N(0, std**2) weights (all zeros when std == 0) with ``seed``.

    The seed sets both the initial weights and the order of the mini-batches (two
    independent streams of it), exactly as re-running the same notebook cell with
    another seed would. Cached: the notebook and its explorer share the runs, however
    the arguments are spelled (``seed_run(0.1, 3)`` and ``seed_run(0.1, 3, "relu", 15)``
    are the same run).
    """
    std = _validate.real(std, "std", low=0.0, high=_validate.MAX_SCALE)
    return _seed_run(std, _validate.integer(seed, "seed", low=0), _validate.choice(activation, "activation", ACTIVATIONS),
                     _validate.positive_int(epochs, "epochs"))


@lru_cache(maxsize=1024)  # the explorer alone can ask for 7 stds x 50 seeds
def _seed_run(std, seed, activation, epochs):
    if std == 0:
        init, options = "zeros", None
    else:
        init, options = "normal", {"std": float(std)}
    return train_start(
        f"std {std:g}, seed {seed}",
        layer_sizes=SEED_NET,
        activation=activation,
        init=init,
        init_options=options,
        seed=seed,
        epochs=epochs,
        lr=0.1,
        batch_size=50,
        momentum=0.9,
        track_test=False,
    )


def seed_study(std, seeds=range(10), activation="relu", epochs=SEED_EPOCHS):
    """Train the same network from N(0, std**2) once per seed.

    Returns a dict with ``seeds``, ``loss_curves`` (one training-loss curve per seed,
    epoch 0 first), ``test_accuracy`` (one number per seed) and ``diverged`` flags.
    """
    seeds = _validate.sequence_of_ints(seeds, "seeds", low=0)
    runs = [seed_run(std, s, activation, epochs) for s in seeds]
    return {
        "std": std,
        "seeds": list(seeds),
        "loss_curves": [r.history.loss for r in runs],
        "test_accuracy": [r.test_accuracy for r in runs],
        "diverged": [r.history.diverged for r in runs],
    }


def std_sweep(stds=(0.0, 0.01, 0.1, 0.3, 1.0, 3.0), seeds=range(10)):
    """The seed study at several scales: per std, the test accuracies of every seed.

    Returns ``{std: [test accuracy of each seed]}`` (cached runs, shared with the explorer).
    """
    _validate.sequence(stds, "stds", lambda v, name: _validate.real(v, name, low=0.0), min_length=1, what="stds")
    _check_seeds(seeds)
    return {std: seed_study(std, seeds=seeds)["test_accuracy"] for std in stds}


def dead_relu_units(std, seed):
    """Hidden ReLU units of the trained seed-study network that are 0 on every training digit."""
    model = seed_run(_validate.real(std, "std"), _validate.integer(seed, "seed", low=0)).model
    X, _, _, _ = small_digits()
    pre = model.pre_activations(X)
    return int(sum(np.all(z <= 0.0, axis=0).sum() for z in pre[:-1]))


def label_entropy(y):
    """Cross-entropy of the best guess that ignores the input: predict the class frequencies.

    This is where a network whose hidden layers are stuck ends up: only the output biases
    learn, and they learn the label frequencies (sum_k -p_k ln p_k).
    """
    counts = np.bincount(_validate.labels(y, "y", None, None))
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


# --- the seed explorer ------------------------------------------------------------------------


class SeedExplorer(FigureExplorer):
    """Same code, different random start: one seed's run against a band of ten seeds.

    Controls: ``seed`` (0-49) retrains the network of ``seed_run``
    from that seed; ``std`` picks the standard deviation of the N(0, std**2) initial
    weights (0 = all zeros) and shows the band of seeds 0-9 at that std. Runs are cached
    (``seed_run``), so returning to a setting is instant.

    ``precompute=True`` (the default) trains the band of every std when the explorer is
    built (70 networks, a second or two, mostly runs the notebook's seed study uses
    anyway), so no move of the std slider waits for training; a new seed trains one
    network (a few hundredths of a second), so the seed slider follows a drag (the redraws
    coalesce: a fast drag never queues a backlog). With ``precompute=False`` the first visit of
    a std shows the seed's own run at once and fills in the band under a progress line.
    """

    STDS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
    BAND_SEEDS = tuple(range(10))

    def __init__(self, seed=0, std=0.1, dpi=72, precompute=True):
        std = _validate.choice(std, "std", self.STDS)
        precompute = _validate.flag(precompute, "precompute")
        self._visited = set()  # (std, seed) this explorer has shown
        controls = {
            "seed": slider(_("seed"), 0, 49, seed, live=True),  # follows a drag: one network per redraw at most
            "std": selection_slider(
                _("initial std"), [(f"{s:g}" if s else _("0 (zeros)"), s) for s in self.STDS], std, width="300px"
            ),
        }
        super().__init__(controls, figsize=(9.0, 3.3), dpi=dpi)
        self.ax_loss, self.ax_acc = self.figure.subplots(1, 2, width_ratios=[2.2, 1])
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.22)
        epochs = np.arange(SEED_EPOCHS + 1)
        self.band_lines = [
            self.ax_loss.plot(epochs, np.full(len(epochs), np.nan), color="0.6", lw=0.8)[0]
            for _ in self.BAND_SEEDS
        ]
        (self.run_line,) = self.ax_loss.plot(epochs, np.full(len(epochs), np.nan), color="C3", lw=2.5)
        self.ax_loss.axhline(np.log(10), color="k", ls=":", lw=1, zorder=1.5)
        self.ax_loss.text(0.2, np.log(10) + 0.05, _("ln 10: guessing"), fontsize=8)
        self.ax_loss.set(xlabel=_("epoch"), ylabel=_("training loss"), ylim=(0, 2.8), xlim=(0, epochs[-1]))
        self.band_dots = self.ax_acc.scatter(np.zeros(len(self.BAND_SEEDS)), np.zeros(len(self.BAND_SEEDS)), color="0.6", s=25)
        self.run_dot = self.ax_acc.scatter([0.0], [0.0], color="C3", s=80, zorder=3)
        self.ax_acc.axhline(0.1, color="k", ls=":", lw=1, zorder=1.5)
        self.ax_acc.set(ylim=(0, 1), xlim=(-1, 1), xticks=[], ylabel=_("test accuracy after training"))
        # the axes never change: a redraw paints only the curves, dots and titles
        self.animated = (*self.band_lines, self.run_line, self.band_dots, self.run_dot,
                         self.ax_loss.title, self.ax_acc.title)
        if precompute:  # every band now, in the order a person meets the stds
            for band_std in sorted(self.STDS, key=lambda s: s != std):
                for s in self.BAND_SEEDS:
                    self.run(band_std, s)
        self.refresh()

    def run(self, std, seed):
        """The (cached) ``seed_run`` for (std, seed)."""
        run = seed_run(float(std), int(seed))
        self._visited.add((float(std), int(seed)))
        return run

    def draw(self, seed, std):
        missing = [s for s in self.BAND_SEEDS if (float(std), s) not in self._visited]
        if missing and self.image.value:
            # A new std trains ten networks (about a second): show this seed's run at once,
            # then fill in the band with a progress line.
            self._draw_band(seed, std, [])
            for done, s in enumerate(missing):
                self.show_progress(_("std {std:g}: training seeds 0-9 for the grey band ({done}/{total})").format(
                    std=std, done=done, total=len(missing)), picture=done == 0)
                self.run(std, s)
        band = [self.run(std, s) for s in self.BAND_SEEDS]
        return self._draw_band(seed, std, band)

    def _draw_band(self, seed, std, band):
        for line, r in zip(self.band_lines, band):
            loss = np.asarray(r.history.loss)
            line.set_data(np.arange(len(loss)), loss)
        current = self.run(std, seed)
        loss = np.asarray(current.history.loss)
        self.run_line.set_data(np.arange(len(loss)), loss)
        if not band:
            for line in self.band_lines:
                line.set_data([], [])
        accs = np.array([r.test_accuracy for r in band] or [np.nan] * len(self.BAND_SEEDS))
        jitter = np.linspace(-0.5, 0.5, len(accs))
        self.band_dots.set_offsets(np.column_stack([jitter, np.nan_to_num(accs, nan=-1.0)]))
        self.run_dot.set_offsets([[0.0, np.nan_to_num(current.test_accuracy)]])
        label = _("all zeros") if std == 0 else f"N(0, {std:g}²)"
        self.ax_loss.set_title(_("{start}: seed {seed} (red) against seeds 0-9 (grey)").format(start=label, seed=seed),
                               fontsize=10)
        if band:
            spread = _("seeds 0-9: {low:.2f} to {high:.2f}").format(low=np.nanmin(accs), high=np.nanmax(accs))
        else:
            spread = _("seeds 0-9: training…")
        self.ax_acc.set_title(spread, fontsize=10)
        if current.history.diverged:
            return _("seed {seed}: diverged").format(seed=seed)
        return _("seed {seed}: final training loss {loss:.3f}, test accuracy {accuracy:.3f}").format(
            seed=seed, loss=loss[-1], accuracy=current.test_accuracy)
