"""Notebook 01 (why all-zero weights fail): its experiments and the seed explorer.

Why all-zero (or all-equal) weights fail, and how much the random start matters. The
experiments are functions that return plain numbers the notebook prints or plots and
the tests check; ``SeedExplorer`` puts the seed study on sliders.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from lessonlib import _validate, data
from lessonlib.nn import ACTIVATIONS, MLP
from lessonlib.training import Run
from lessonlib.widgets import FigureExplorer, slider

#: The small problem of notebook 01: 500 training digits, the standard 450 test digits.
N_TRAIN = 500


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


def train_start(label, layer_sizes=(64, 32, 32, 10), activation="relu", init="normal", init_options=None,
                seed=0, epochs=30, lr=0.1, batch_size=50, momentum=0.9):
    """Train one network from the given start on the small digits problem; return a ``Run``.

    The test accuracy is tracked after every epoch (``run.history.val_accuracy``).
    """
    label = _validate.text(label, "label")
    X_train, X_test, y_train, y_test = small_digits()
    model = MLP(layer_sizes, activation=activation, init=init, seed=seed, init_options=init_options)
    history = model.fit(X_train, y_train, epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                        seed=seed, X_val=X_test, y_val=y_test)
    accuracy = history.val_accuracy[-1] if history.val_accuracy and not history.diverged else float("nan")
    return Run(start=model.init, seed=seed, history=history, test_accuracy=accuracy, model=model, label=label,
               activation=activation)


# --- "same code, different cost curves": a study over seeds -----------------------------

#: The network of the seed study: deep and narrow enough for the start to matter.
SEED_NET = (64, 16, 16, 16, 10)
SEED_EPOCHS = 15


def seed_run(std, seed, activation="relu", epochs=SEED_EPOCHS):
    """Train ``SEED_NET`` from N(0, std**2) weights (all zeros when std == 0) with ``seed``.

    The seed sets both the initial weights and the order of the mini-batches (two
    independent streams of it), exactly as re-running the same notebook cell with
    another seed would. Cached: the notebook and its explorer share the runs.
    """
    std = _validate.real(std, "std", low=0.0, high=_validate.MAX_SCALE)
    return _seed_run(std, _validate.integer(seed, "seed", low=0), _validate.choice(activation, "activation", ACTIVATIONS),
                     _validate.positive_int(epochs, "epochs"))


@lru_cache(maxsize=256)
def _seed_run(std, seed, activation, epochs):
    if std == 0:
        init, options = "zeros", None
    else:
        init, options = "normal", {"std": float(std)}
    return train_start(f"std {std:g}, seed {seed}", layer_sizes=SEED_NET, activation=activation, init=init,
                       init_options=options, seed=seed, epochs=epochs, lr=0.1, batch_size=50, momentum=0.9)


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
    weights (0 = all zeros) and recomputes the band of seeds 0-9 the first time it is
    chosen. Runs are cached (``seed_run``), so returning to a setting is instant.
    """

    STDS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
    BAND_SEEDS = tuple(range(10))

    def __init__(self, seed=0, std=0.1, dpi=72):
        std = _validate.choice(std, "std", self.STDS)
        controls = {
            "seed": slider("seed", 0, 49, seed),
            "std": widgets.SelectionSlider(
                description="initial std",
                options=[(f"{s:g}" if s else "0 (zeros)", s) for s in self.STDS],
                value=std,
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="360px"),
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
        self.ax_loss.axhline(np.log(10), color="k", ls=":", lw=1)
        self.ax_loss.text(0.2, np.log(10) + 0.05, "ln 10: guessing", fontsize=8)
        self.ax_loss.set(xlabel="epoch", ylabel="training loss", ylim=(0, 2.8), xlim=(0, epochs[-1]))
        self.band_dots = self.ax_acc.scatter(np.zeros(len(self.BAND_SEEDS)), np.zeros(len(self.BAND_SEEDS)), color="0.6", s=25)
        self.run_dot = self.ax_acc.scatter([0.0], [0.0], color="C3", s=80, zorder=3)
        self.ax_acc.axhline(0.1, color="k", ls=":", lw=1)
        self.ax_acc.set(ylim=(0, 1), xlim=(-1, 1), xticks=[], ylabel="test accuracy after training")
        self.refresh()

    def run(self, std, seed):
        """The (cached) ``seed_run`` for (std, seed)."""
        return seed_run(float(std), int(seed))

    def draw(self, seed, std):
        band = [self.run(std, s) for s in self.BAND_SEEDS]
        for line, r in zip(self.band_lines, band):
            loss = np.asarray(r.history.loss)
            line.set_data(np.arange(len(loss)), loss)
        current = self.run(std, seed)
        loss = np.asarray(current.history.loss)
        self.run_line.set_data(np.arange(len(loss)), loss)
        accs = np.array([r.test_accuracy for r in band])
        jitter = np.linspace(-0.5, 0.5, len(band))
        self.band_dots.set_offsets(np.column_stack([jitter, np.nan_to_num(accs)]))
        self.run_dot.set_offsets([[0.0, np.nan_to_num(current.test_accuracy)]])
        label = "all zeros" if std == 0 else f"N(0, {std:g}²)"
        self.ax_loss.set_title(f"{label}: seed {seed} (red) against seeds 0-9 (grey)", fontsize=10)
        self.ax_acc.set_title(f"seeds 0-9: {np.nanmin(accs):.2f} to {np.nanmax(accs):.2f}", fontsize=10)
        if current.history.diverged:
            return f"seed {seed}: diverged"
        return f"seed {seed}: final training loss {loss[-1]:.3f}, test accuracy {current.test_accuracy:.3f}"
