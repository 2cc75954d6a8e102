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
from lessonlib.i18n import N_, _

#: Below this test accuracy a run of ten classes counts as "did not converge" (n/c):
#: guessing gives 0.1.
CHANCE_LIMIT = 0.2


#: The score a diverged run (NaN or infinite numbers) counts with in means and comparisons:
#: what guessing one of ten classes gives.
CHANCE = 0.1


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
    at the epochs in ``likelihood_epoch``, plus parameter ``snapshots``. An RBM's
    ``recon_error[0]`` is the full-pass reconstruction error before training
    (``RBM.reconstruction_error``); ``recon_error[e]`` is the mean over epoch e's
    mini-batches, each measured before its own update (Hinton 2010, sec. 5), not a
    second pass over the data after the epoch (see ``RBM.fit``). ``diverged`` is
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
    #: With early stopping (``fit(..., patience=p)``): the epoch whose weights were kept.
    best_epoch: int = None

    def summary(self):
        """One line: the last epoch's numbers, or "diverged at epoch e"."""
        if self.diverged:
            return _("diverged at epoch {epoch}").format(epoch=self.epoch[-1] + 1 if self.epoch else 1)
        if not self.epoch:
            return _("not trained")
        if self.loss:
            last = {"epoch": self.epoch[-1], "loss": self.loss[-1], "accuracy": self.accuracy[-1]}
            if self.val_accuracy:
                return _("epoch {epoch}: loss {loss:.3f}, accuracy {accuracy:.3f}, test accuracy {test_accuracy:.3f}").format(
                    test_accuracy=self.val_accuracy[-1], **last)
            return _("epoch {epoch}: loss {loss:.3f}, accuracy {accuracy:.3f}").format(**last)
        last = {"epoch": self.epoch[-1], "error": self.recon_error[-1]}
        if self.log_likelihood:
            return _("epoch {epoch}: reconstruction error {error:.4f}, log-likelihood {log_likelihood:.3f}, KL {kl:.3f}").format(
                log_likelihood=self.log_likelihood[-1], kl=self.kl[-1], **last)
        return _("epoch {epoch}: reconstruction error {error:.4f}").format(**last)


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
        """ "ok", or "n/c" (did not converge): a code, the same in every language; show it
        as ``_(run.status)``."""
        return N_("ok") if self.converged else N_("n/c")

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


# --- early stopping: train on while the validation score improves, keep the best epoch ----


def best_epoch(scores):
    """Index of the best (highest) score, the first one where several tie; NaN never wins.

    The rule of early stopping after the fact: ``scores[e]`` is the validation accuracy
    after epoch e (index 0 before training), and the epoch kept is the first at which it
    was highest. Returns None when no score is finite.
    """
    values = _validate.array(scores, "scores", ndim=1, finite=False)
    finite = np.isfinite(values)
    if not finite.any():
        return None
    return int(np.flatnonzero(finite & (values == values[finite].max()))[0])


class EarlyStopping:
    """The series' early-stopping rule, epoch by epoch (``MLP.fit`` and ``MLPStack.fit``
    use it when given ``patience``).

    Feed it the validation score after every epoch with ``update``: a score strictly
    higher than every earlier one makes that epoch the best (so of several equal scores
    the first is kept, as ``best_epoch`` picks); training stops (``done``) once
    ``patience`` epochs have passed without a new best. The weights to keep are those of
    ``best``: the epoch of the score at index ``best_epoch(scores)`` of the scores seen so
    far (the index is the epoch itself when every epoch is measured, ``record_every=1``).
    """

    def __init__(self, patience):
        self.patience = _validate.positive_int(patience, "patience")
        self.best = None
        self.best_score = -math.inf
        self.last = None

    def update(self, epoch, score):
        """Record ``score`` after ``epoch``; True when it is a new best (keep these weights)."""
        self.last = _validate.integer(epoch, "epoch", low=0)
        score = _validate.real(score, "score", finite=False)
        if math.isfinite(score) and (self.best is None or score > self.best_score):
            self.best, self.best_score = self.last, score
            return True
        return False

    @property
    def done(self):
        """True once ``patience`` epochs have passed since the best one."""
        return self.last is not None and self.last - (-1 if self.best is None else self.best) >= self.patience


# --- a conclusion over seeds: the verdict the notebooks print -----------------------------

#: A winner needs to win on at least this fraction of the seeds (4 of 5).
WIN_FRACTION = 0.8


@dataclass
class Verdict:
    """Two starts' scores over the same seeds, compared (see ``compare``).

    Attributes
    ----------
    names : tuple of str
        The two starts' names, (a, b).
    scores : tuple of ndarray
        Their scores, seed by seed (paired: entry i of both is seed i).
    mean, sd : tuple of float
        Mean and sample standard deviation (ddof=1) of each.
    k : int
        Seeds on which ``leader`` (the winner, or in a tie the higher mean) scored higher
        than the other.
    n : int
        Number of seeds.
    apart : bool
        The intervals mean ± sd do not overlap.
    winner : str or None
        The name of the better start when it is better on at least ``WIN_FRACTION`` of
        the seeds and the intervals are apart; None for a tie.
    text : str
        One printable line with all of the above; ``leader``, ``ahead`` and ``outcome``
        are its parts, for a table.
    """

    names: tuple
    scores: tuple
    mean: tuple
    sd: tuple
    k: int
    n: int
    apart: bool
    winner: object
    text: str

    @property
    def tie(self):
        return self.winner is None

    @property
    def leader(self):
        """The start with the higher mean (the winner, when there is one): the one whose
        count ``k`` is."""
        return self.winner if self.winner is not None else (self.names[0] if self.mean[0] >= self.mean[1] else self.names[1])

    @property
    def ahead(self):
        """How often the leader scored higher, e.g. "4 of 5 seeds"."""
        return _("{k} of {n} seeds").format(k=self.k, n=self.n)

    @property
    def outcome(self):
        """The end of ``text``: why, and the verdict ("intervals overlap: a tie",
        "intervals apart: He normal wins", or "higher on only 3 of 5 seeds: a tie")."""
        if self.winner is not None:
            return _("intervals apart: {winner} wins").format(winner=self.winner)
        if not self.apart:
            return _("intervals overlap: a tie")
        return _("higher on only {k} of {n} seeds: a tie").format(k=self.k, n=self.n)


def decide(a_scores, b_scores, higher_is_better=True, win_fraction=WIN_FRACTION):
    """The series' one rule for a conclusion over seeds, on paired scores (entry i = seed i).

    A start wins when it is ahead on at least ``win_fraction`` of the seeds (4 of 5) *and*
    the intervals mean ± sd (sample std, ddof=1) are apart, with its mean on the better
    side; otherwise the two tie. A NaN score (a diverged run) counts as behind on its
    seed and is left out of its start's mean and sd (whose sd is 0 for one finite value
    and NaN for none).

    Returns a dict: ``mean`` and ``sd`` (pairs), ``wins`` (seeds on which each is ahead),
    ``n``, ``apart`` and ``winner`` (0 for a, 1 for b, None for a tie).
    """
    a = _validate.array(a_scores, "a_scores", ndim=1, finite=False)
    b = _validate.array(b_scores, "b_scores", shape=a.shape, finite=False, what="one score per seed, to pair seed by seed with a_scores")
    _validate.flag(higher_is_better, "higher_is_better")
    win_fraction = _validate.real(win_fraction, "win_fraction", low=0.5, high=1.0, low_open=True)
    sign = 1.0 if higher_is_better else -1.0
    sa = np.where(np.isfinite(a), sign * a, -np.inf)
    sb = np.where(np.isfinite(b), sign * b, -np.inf)
    wins = (int(np.sum(sa > sb)), int(np.sum(sb > sa)))
    stats = []
    for values in (a, b):
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else float("nan")
        sd = float(finite.std(ddof=1)) if finite.size > 1 else (0.0 if finite.size else float("nan"))
        stats.append((mean, sd))
    (ma, da), (mb, db) = stats
    apart = bool(ma - da > mb + db or mb - db > ma + da)
    need = math.ceil(win_fraction * a.size - 1e-9)
    winner = None
    if apart and wins[0] >= need and sign * ma > sign * mb:
        winner = 0
    elif apart and wins[1] >= need and sign * mb > sign * ma:
        winner = 1
    return {"mean": (ma, mb), "sd": (da, db), "wins": wins, "n": int(a.size), "apart": apart, "winner": winner}


def mean_sd(scores):
    """(mean, sample std with ddof=1) of a sequence of at least two finite numbers."""
    values = _validate.array(scores, "scores", ndim=1)
    if values.size < 2:
        raise ValueError(f"scores must be at least two finite numbers, got {values.size}")
    return float(values.mean()), float(values.std(ddof=1))


def compare(a_scores, b_scores, names=("a", "b"), digits=3):
    """Compare two starts run on the same seeds: who scores higher, how often, how clearly.

    ``a_scores[i]`` and ``b_scores[i]`` come from the same seed i (higher is better). A
    winner is named only when it scores higher on at least ``WIN_FRACTION`` of the seeds
    (4 of 5) *and* the intervals mean ± sd (sample std, ddof=1) are apart; otherwise the
    verdict is a tie, however the means happen to fall.

    Returns
    -------
    Verdict
    """
    a = _validate.array(a_scores, "a_scores", ndim=1)
    b = _validate.array(b_scores, "b_scores", shape=a.shape, what="one score per seed, to pair seed by seed with a_scores")
    names = _validate.sequence(names, "names", _validate.text, length=2, what="strings")
    digits = _validate.integer(digits, "digits", 0, 15)
    (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
    d = decide(a, b)
    n, apart = d["n"], d["apart"]
    a_wins, b_wins = d["wins"]
    winner = None if d["winner"] is None else names[d["winner"]]
    k = (a_wins if d["winner"] == 0 else b_wins) if winner is not None else (a_wins if ma >= mb else b_wins)
    f = f".{int(digits)}f"
    verdict = Verdict(tuple(names), (a, b), (ma, mb), (sa, sb), k, n, bool(apart), winner, "")
    values = dict(a=names[0], a_mean=f"{ma:{f}}", a_sd=f"{sa:{f}}", b=names[1], b_mean=f"{mb:{f}}", b_sd=f"{sb:{f}}",
                  n=n, k=k, winner=winner, leader=verdict.leader)
    if winner is not None:
        text = _("{a} {a_mean} ± {a_sd} vs {b} {b_mean} ± {b_sd} (mean ± sd, {n} seeds): "
                 "{winner} higher on {k} of {n} seeds, intervals apart: {winner} wins")
    elif not apart:
        text = _("{a} {a_mean} ± {a_sd} vs {b} {b_mean} ± {b_sd} (mean ± sd, {n} seeds): "
                 "{leader} higher on {k} of {n} seeds, intervals overlap: a tie")
    else:
        text = _("{a} {a_mean} ± {a_sd} vs {b} {b_mean} ± {b_sd} (mean ± sd, {n} seeds): "
                 "{leader} higher on {k} of {n} seeds, higher on only {k} of {n} seeds: a tie")
    verdict.text = text.format(**values)
    return verdict


def scores(runs, name="runs"):
    """The test accuracy of every ``Run`` of ``runs``, in their order; a diverged run
    (NaN) counts as ``CHANCE``."""
    runs = _validate.sequence(runs, name, lambda r, n: _validate.instance(r, n, Run, "a lessonlib.training.Run"),
                              min_length=1, what="lessonlib.training.Run records")
    return np.array([r.test_accuracy if math.isfinite(r.test_accuracy) else CHANCE for r in runs], dtype=np.float64)
