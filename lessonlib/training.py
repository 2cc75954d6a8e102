"""What a training run leaves behind: one ``History``, one ``Run``, one divergence test.

Every model of the series (``nn.MLP``, ``rbm.RBM``, the RBMs of a ``dbn.DBN``) records
its training in the same ``History``: index 0 is before training, index e after epoch e.
A run whose numbers overflow stops and says so in one flag, ``history.diverged``: never
a warning, a NaN column or an exception. Where a diverged model cannot be used at all
(unrolling a stack whose pre-training diverged), lessonlib raises ``Diverged``, so
callers recognise it by its type, not by the words of a message.

A ``Run`` is one trained start as the notebooks report it: which start, which seed, the
history, the final test accuracy and whether it converged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lessonlib import _validate

#: Below this test accuracy a run of ten classes counts as "did not converge" (n/c):
#: guessing gives 0.1.
CHANCE_LIMIT = 0.2


class Diverged(ValueError):
    """A model cannot be used because its training diverged (NaN or infinite numbers)."""


def all_finite(*arrays):
    """True when every entry of every array is finite: the one divergence test.

    One sum per array is enough: a NaN or an infinity anywhere makes the sum non-finite
    (and an overflowing sum of finite numbers is itself a sign of divergence).
    """
    arrays = [a if isinstance(a, np.ndarray) else _validate.array(a, "arrays", finite=False, allow_empty=True)
              for a in arrays]
    with np.errstate(all="ignore"):
        return all(math.isfinite(float(np.sum(a))) for a in arrays)


def _per_epoch():
    """A field of ``History``: a new list, one entry per recorded epoch."""
    return field(default_factory=list)


@dataclass
class History:
    """What ``fit`` records, one entry per recorded epoch (0 = before training).

    A network (``MLP.fit``) fills ``loss`` and ``accuracy`` (and ``val_loss``,
    ``val_accuracy`` when given validation data); an RBM (``RBM.fit``) fills
    ``recon_error`` and, where it can be computed exactly, ``log_likelihood`` and ``kl``
    at the epochs in ``likelihood_epoch``, plus parameter ``snapshots``. ``diverged`` is
    True when a loss or a parameter became NaN or infinite; training then stopped, so the
    lists end at the last finite epoch.
    """

    epoch: list = _per_epoch()
    # a network's (MLP.fit)
    loss: list = _per_epoch()
    accuracy: list = _per_epoch()
    val_loss: list = _per_epoch()
    val_accuracy: list = _per_epoch()
    # an RBM's (RBM.fit)
    recon_error: list = _per_epoch()
    likelihood_epoch: list = _per_epoch()
    log_likelihood: list = _per_epoch()
    kl: list = _per_epoch()
    snapshots: dict = field(default_factory=dict)
    diverged: bool = False

    def summary(self):
        """One line: the last epoch's numbers, or "diverged at epoch e"."""
        if self.diverged:
            return f"diverged at epoch {self.epoch[-1] + 1 if self.epoch else 1}"
        if not self.epoch:
            return "not trained"
        if self.loss:
            text = f"epoch {self.epoch[-1]}: loss {self.loss[-1]:.3f}, accuracy {self.accuracy[-1]:.3f}"
            if self.val_accuracy:
                text += f", test accuracy {self.val_accuracy[-1]:.3f}"
            return text
        text = f"epoch {self.epoch[-1]}: reconstruction error {self.recon_error[-1]:.4f}"
        if self.log_likelihood:
            text += f", log-likelihood {self.log_likelihood[-1]:.3f}, KL {self.kl[-1]:.3f}"
        return text


@dataclass
class Run:
    """One trained start, as the notebooks report it.

    Attributes
    ----------
    start : str
        The start's name (``lessonlib.starts``), e.g. "he_normal" or "dbn".
    seed : int
        The seed of the start and of its training.
    history : History
        Its training record (``history.loss`` per epoch, ``history.diverged``).
    test_accuracy : float
        The final accuracy on the test set (NaN when the run diverged).
    model : object, optional
        The trained model, when kept.
    label : str
        A display label ("N(0, 0.01²), seed 3").
    activation : str, optional
        The hidden non-linearity, where runs of several are compared.
    n_labels : int, optional
        How many labelled examples it trained on, where that varies.
    seconds : float
        Training time (machine-dependent: never print it in a compared output).
    """

    start: str
    seed: int
    history: History
    test_accuracy: float
    model: object = None
    label: str = ""
    activation: str = None
    n_labels: int = None
    seconds: float = 0.0

    @property
    def diverged(self):
        return bool(self.history.diverged)

    @property
    def loss(self):
        """The training loss before training and after every epoch."""
        return list(self.history.loss)

    @property
    def converged(self):
        """Not diverged and above chance (``CHANCE_LIMIT``); False is "n/c"."""
        return not self.diverged and math.isfinite(self.test_accuracy) and self.test_accuracy >= CHANCE_LIMIT

    @property
    def status(self):
        """ "ok", or "n/c" (did not converge)."""
        return "ok" if self.converged else "n/c"

    def as_dict(self):
        """The run as one row of a tidy table."""
        return {
            "start": self.start,
            "activation": self.activation,
            "seed": self.seed,
            "n_labels": self.n_labels,
            "test_accuracy": self.test_accuracy,
            "loss": self.loss,
            "diverged": self.diverged,
            "converged": self.converged,
            "status": self.status,
        }
