"""Why all-zero (or all-equal) weights fail, and how much the random start matters.

The experiments of notebook 01, as functions: each returns plain numbers that the
notebook prints or plots and the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lessonlib.data import digits_split
from lessonlib.nn import MLP

#: The small problem of notebook 01: 500 training digits, the standard 450 test digits.
N_TRAIN = 500


@lru_cache(maxsize=1)
def _small_digits():
    X_train, X_test, y_train, y_test = digits_split(seed=0)
    return X_train[:N_TRAIN], X_test, y_train[:N_TRAIN], y_test


def small_digits():
    """(X_train, X_test, y_train, y_test): 500 training digits and 450 test digits."""
    return tuple(a.copy() for a in _small_digits())


def gradient_report(model, X, y):
    """Per weight layer: the largest |dW| and the spread between hidden units.

    Returns a list of dicts with ``layer`` (1 = first weight layer), ``max_abs_grad``
    (largest absolute entry of dW for that layer) and ``unit_spread`` (largest difference
    between two units' incoming weight gradients: 0 means every unit receives exactly the
    same update).
    """
    _, grads = model.loss_and_grads(X, y)
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


@dataclass
class Run:
    """One training run: which start, the history, and the finished model."""

    label: str
    history: object
    model: MLP

    @property
    def test_accuracy(self):
        return self.history.val_accuracy[-1] if self.history.val_accuracy else float("nan")


def train_start(
    label,
    layer_sizes=(64, 32, 32, 10),
    activation="relu",
    init="normal",
    init_options=None,
    seed=0,
    epochs=30,
    lr=0.1,
    batch_size=50,
    momentum=0.9,
):
    """Train one network from the given start on the small digits problem; return a ``Run``."""
    X_train, X_test, y_train, y_test = _small_digits()
    model = MLP(layer_sizes, activation=activation, init=init, seed=seed, init_options=init_options)
    history = model.fit(
        X_train,
        y_train,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        momentum=momentum,
        seed=seed,
        X_val=X_test,
        y_val=y_test,
    )
    return Run(label=label, history=history, model=model)


# --- "same code, different cost curves": a study over seeds -----------------------------

#: The network of the seed study: deep and narrow enough for the start to matter.
SEED_NET = (64, 16, 16, 16, 10)
SEED_EPOCHS = 15


def seed_run(std, seed, activation="relu", epochs=SEED_EPOCHS):
    """Train ``SEED_NET`` from N(0, std**2) weights (all zeros when std == 0) with ``seed``.

    The seed sets both the initial weights and the order of the mini-batches, exactly
    as re-running the same notebook cell with another seed would.
    """
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std}")
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
    )


def seed_study(std, seeds=range(10), activation="relu", epochs=SEED_EPOCHS):
    """Train the same network from N(0, std**2) once per seed.

    Returns a dict with ``seeds``, ``loss_curves`` (one training-loss curve per seed,
    epoch 0 first), ``test_accuracy`` (one number per seed) and ``diverged`` flags.
    """
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
    counts = np.bincount(np.asarray(y))
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())
