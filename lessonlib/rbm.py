"""A Bernoulli-Bernoulli Restricted Boltzmann Machine, trained by contrastive divergence.

Two layers of binary units: visible v (the data, n_visible units) and hidden h
(n_hidden units). Connections run only *between* the layers, never inside one: that is
the "restricted" (제한된) in the name, and it is why each layer is easy to compute given
the other. With weights W (n_visible x n_hidden), visible biases b and hidden biases c:

    energy           E(v, h) = -v.W.h - b.v - c.h
    joint            p(v, h) = exp(-E(v, h)) / Z,      Z = sum over all (v, h)
    free energy      F(v)    = -b.v - sum_j log(1 + exp(c_j + (v W)_j))
                     p(v)    = exp(-F(v)) / Z
    forward          p(h_j = 1 | v) = sigmoid(c_j + (v W)_j)        (mean_hiddens)
    backward         p(v_i = 1 | h) = sigmoid(b_i + (W h)_i)        (mean_visibles)

The lecture's words map onto the math like this: ``forward`` is p(h|v), ``backward`` is
p(v|h), ``reconstruct`` is one forward and one backward pass (x -> x_hat).

Training (``fit``) follows Hinton's practical guide: the weight update is

    dW = lr * (<v h>_data - <v h>_model) - lr * weight_decay * W

where <v h>_model is approximated by a chain started at the data and run k Gibbs steps
(CD-k, Hinton 2002) or by chains kept alive between updates (persistent CD, Tieleman
2008). This is an approximation of the gradient of the log-likelihood, not the gradient
of the reconstruction error.

For small models everything can be computed exactly by enumerating the smaller layer:
``log_partition`` (log Z), ``log_likelihood`` and ``kl_divergence``.

References
----------
Smolensky (1986). Information processing in dynamical systems: foundations of harmony
theory. In Parallel Distributed Processing, vol. 1.
Hinton (2002). Training products of experts by minimizing contrastive divergence.
Neural Computation 14(8).
Tieleman (2008). Training restricted Boltzmann machines using approximations to the
likelihood gradient. ICML.
Hinton (2010). A practical guide to training restricted Boltzmann machines. UTML TR
2010-003.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lessonlib import _validate
from lessonlib.seeding import child, make_rng
from lessonlib.training import History, all_finite

#: The largest layer ``log_partition`` will enumerate (2**20 states).
MAX_ENUMERATE = 20
#: ``fit(track_likelihood="auto")`` tracks the exact log-likelihood up to this size.
AUTO_TRACK = 14
#: Multiply-adds per product in a full pass over X: below the size at which OpenBLAS hands
#: a product to a second thread (about 10**6 on 0.3.x; see ``_full_pass_error``).
_FULL_PASS_WORK = 2**19
_CHUNK = 4096  # states per block when enumerating, so 2**20 states never sit in memory at once


def sigmoid(z, out=None):
    """1 / (1 + exp(-z)), element-wise, written straight from its definition.

    Four in-place passes (negate, exp, add 1, reciprocal) into ``out`` (a new array by
    default; ``out=z`` overwrites z). For z < -709, exp(-z) is +inf in IEEE arithmetic
    (the overflow flag is silenced here, so no warning) and 1 / (1 + inf) is exactly 0;
    everywhere else the result is within a few units in the last place of the exact
    value, relative (unlike 0.5 * (1 + tanh(z / 2)), which loses every digit of small
    probabilities such as sigmoid(-40) = 4.2e-18 to cancellation). About twice as fast
    as the tanh form, which matters in ``RBM.fit``: three sigmoids per mini-batch.
    """
    if not (isinstance(z, np.ndarray) and z.dtype == np.float64):
        z = _validate.array(z, "z", finite=False, allow_empty=True)
    if out is not None and not (isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == z.shape):
        raise _validate.InputTypeError(f"out must be None or a float64 array of z's shape {z.shape}, got {type(out).__name__}")
    with np.errstate(over="ignore"):
        return _sigmoid_from_minus(np.negative(z, out=out))


def _sigmoid_from_minus(minus_z):
    # Overwrites minus_z (which holds -z) with sigmoid(z); call inside np.errstate(over=...).
    np.exp(minus_z, out=minus_z)
    minus_z += 1.0
    return np.reciprocal(minus_z, out=minus_z)


def softplus(z):
    """log(1 + exp(z)) without overflow.

    Elementwise, like ``lessonlib.nn.sigmoid``: +-inf map to their limits and NaN stays
    NaN, so a diverging training run is flagged (``History.diverged``), not interrupted.
    """
    if not (isinstance(z, np.ndarray) and z.dtype.kind == "f"):
        z = _validate.array(z, "z", finite=False, allow_empty=True)
    return np.logaddexp(0.0, z)


def logsumexp(a, axis=None):
    """log(sum(exp(a))) computed stably: subtract the maximum first.

    ``a`` must be a non-empty array of finite numbers; ``axis`` None (all entries) or
    one of its axes.
    """
    a = _validate.array(a, "a")
    if axis is not None:
        axis = _validate.integer(axis, "axis", low=-a.ndim, high=a.ndim - 1)
    return _logsumexp(a, axis)


def _logsumexp(a, axis=None):
    # Also for -inf entries (log 0), where the enumerations produce them.
    top = np.max(a, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    out = np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True)) + top
    return np.squeeze(out, axis=axis) if axis is not None else out.item()


def all_states(n):
    """Every binary vector of length ``n``, one per row (2**n rows, first unit = lowest bit)."""
    n = _validate.integer(n, "n", low=1, high=MAX_ENUMERATE)
    return _all_states(n).copy()


@lru_cache(maxsize=4)
def _all_states(n):
    codes = np.arange(2**n)[:, None]
    states = ((codes >> np.arange(n)) & 1).astype(np.float64)
    states.flags.writeable = False
    return states


def data_entropy(X):
    """Entropy (in nats) of the empirical distribution of the rows of ``X``.

    Each distinct row gets probability (its count) / (number of rows). For N distinct
    rows, each once, this is ln N.
    """
    X = _validate.array(X, "X", ndim=2, what="one row per example")
    _, counts = np.unique(X, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log(p)))


def _units(X, n_columns, name, what, binary=False):
    """X as a float 2-D array with ``n_columns`` columns of values in [0, 1] (or of 0s and
    1s only, where a quantity is defined for binary data alone)."""
    return _validate.array(X, name, shape=(None, n_columns), low=0.0, high=1.0, binary=binary,
                           what=f"{what}, values {'0 or 1' if binary else 'in [0, 1]'}")


def _is_binary(X):
    return bool(np.all((X == 0.0) | (X == 1.0)))


class RBM:
    """A Bernoulli-Bernoulli RBM with ``W`` of shape (n_visible, n_hidden).

    Parameters
    ----------
    n_visible, n_hidden : int
        Layer sizes.
    seed : int or numpy.random.Generator
        Draws the initial weights W ~ N(0, weight_std**2) (std 0.01, Hinton 2010, sec. 8).
    weight_std : float
        Standard deviation (not variance) of the initial weights.

    Biases start at 0. ``fit`` may set the visible biases to log(p / (1 - p)) of the
    data's pixel means on the first call (Hinton 2010, sec. 8); see ``fit``.
    """

    def __init__(self, n_visible, n_hidden, seed=0, weight_std=0.01):
        self.n_visible = _validate.positive_int(n_visible, "n_visible")
        self.n_hidden = _validate.positive_int(n_hidden, "n_hidden")
        weight_std = _validate.real(weight_std, "weight_std", low=0.0, high=_validate.MAX_SCALE)
        rng = make_rng(seed)
        self.W = rng.normal(0.0, 1.0, (self.n_visible, self.n_hidden)) * weight_std
        self.visible_bias = np.zeros(self.n_visible)
        self.hidden_bias = np.zeros(self.n_hidden)
        self._fitted = False

    def __repr__(self):
        return f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden})"

    @classmethod
    def from_parameters(cls, W, visible_bias, hidden_bias):
        """An RBM with the given parameters (copied), e.g. a stored snapshot.

        ``W`` has shape (n_visible, n_hidden), the biases (n_visible,) and (n_hidden,);
        every entry must be finite.
        """
        W = np.array(_validate.array(W, "W", ndim=2, what="n_visible, n_hidden"))
        model = cls(W.shape[0], W.shape[1], seed=0, weight_std=0.0)
        b = np.array(_validate.array(visible_bias, "visible_bias", shape=(W.shape[0],), what="one per row of W"))
        c = np.array(_validate.array(hidden_bias, "hidden_bias", shape=(W.shape[1],), what="one per column of W"))
        model.W, model.visible_bias, model.hidden_bias = W, b, c
        model._fitted = True
        return model

    def parameters(self):
        """Copies of (W, visible_bias, hidden_bias)."""
        return self.W.copy(), self.visible_bias.copy(), self.hidden_bias.copy()

    def _v(self, V, name="X", binary=False):
        return _units(V, self.n_visible, name, f"{self.n_visible} visible units", binary)

    def _h(self, H, name="H"):
        return _units(H, self.n_hidden, name, f"{self.n_hidden} hidden units")

    # --- the two conditionals: forward (v -> h) beside backward (h -> v) ------------------

    def mean_hiddens(self, V):
        """p(h_j = 1 | v) = sigmoid(c_j + (v W)_j) for each row of V: shape (n, n_hidden)."""
        return self._mean_hiddens(self._v(V, "V"))

    def _mean_hiddens(self, V):
        with np.errstate(all="ignore"):
            return sigmoid(V @ self.W + self.hidden_bias)

    def mean_visibles(self, H):
        """p(v_i = 1 | h) = sigmoid(b_i + (W h)_i) for each row of H: shape (n, n_visible)."""
        H = self._h(H, "H")
        with np.errstate(all="ignore"):
            return sigmoid(H @ self.W.T + self.visible_bias)

    def sample_hiddens(self, V, seed=0):
        """Binary hidden states drawn from p(h | v): each h_j is 1 with probability p_j."""
        p = self.mean_hiddens(V)
        return (make_rng(seed).random(p.shape) < p).astype(np.float64)

    def sample_visibles(self, H, seed=0):
        """Binary visible states drawn from p(v | h)."""
        p = self.mean_visibles(H)
        return (make_rng(seed).random(p.shape) < p).astype(np.float64)

    def forward(self, X):
        """The lecture's forward pass, x -> hidden: p(h = 1 | x) (same as ``mean_hiddens``)."""
        return self._mean_hiddens(self._v(X))

    def backward(self, H):
        """The lecture's backward pass, hidden -> x_hat: p(v = 1 | h) (same as ``mean_visibles``)."""
        return self.mean_visibles(H)

    def transform(self, X):
        """Hidden probabilities p(h = 1 | x): the features a DBN passes to the next layer."""
        return self._mean_hiddens(self._v(X))

    def reconstruct(self, X, seed=None):
        """One forward and one backward pass: x_hat = p(v = 1 | h) with h from p(h | x).

        With ``seed=None`` the hidden probabilities themselves are passed back
        (deterministic); with a seed, binary hidden states are sampled first, as during
        training (Hinton 2010, sec. 3.2).
        """
        X = self._v(X)
        H = self._mean_hiddens(X) if seed is None else self.sample_hiddens(X, _validate.seed(seed))
        return self.mean_visibles(H)

    def gibbs(self, X, steps=1, seed=0, return_probabilities=False):
        """Run ``steps`` full Gibbs steps v -> h -> v from each row of X.

        Returns binary visible samples, or with ``return_probabilities=True`` the
        probabilities p(v = 1 | h) of the last step (smoother pictures).
        """
        steps = _validate.positive_int(steps, "steps")
        return_probabilities = _validate.flag(return_probabilities, "return_probabilities")
        rng = make_rng(seed)
        V = self._v(X)
        with np.errstate(all="ignore"):
            for _ in range(steps):
                H = (rng.random((V.shape[0], self.n_hidden)) < sigmoid(V @ self.W + self.hidden_bias)).astype(np.float64)
                P = sigmoid(H @ self.W.T + self.visible_bias)
                V = (rng.random(P.shape) < P).astype(np.float64)
        return P if return_probabilities else V

    # --- energies ----------------------------------------------------------------------

    def energy(self, V, H):
        """E(v, h) = -v.W.h - b.v - c.h for matching rows of V and H: shape (n,)."""
        V = self._v(V, "V")
        H = _validate.array(H, "H", shape=(V.shape[0], self.n_hidden), low=0.0, high=1.0,
                            what=f"the same number of rows as V, {self.n_hidden} hidden units")
        return -np.einsum("ni,ij,nj->n", V, self.W, H) - V @ self.visible_bias - H @ self.hidden_bias

    def free_energy(self, X):
        """F(v) = -b.v - sum_j log(1 + exp(c_j + (v W)_j)), so p(v) = exp(-F(v)) / Z: shape (n,)."""
        X = self._v(X)
        with np.errstate(all="ignore"):
            return -(X @ self.visible_bias) - softplus(X @ self.W + self.hidden_bias).sum(axis=1)

    def _free_energy_hidden(self, H):
        # The same sum taken over v instead: -log sum_v exp(-E(v, h)).
        return -(H @ self.hidden_bias) - softplus(H @ self.W.T + self.visible_bias).sum(axis=1)

    # --- exact quantities for small models ---------------------------------------------

    def log_partition(self, enumerate=None):
        """log Z, summing exactly over all 2**m states of the smaller layer.

        Z = sum_v exp(-F(v)) = sum_h exp(-F_h(h)); the other layer is summed out in
        closed form. ``enumerate`` = "visible" or "hidden" forces one side (for checking);
        by default the smaller one is used. Raises ValueError above 2**20 states.
        """
        if enumerate is None:
            enumerate = "hidden" if self.n_hidden <= self.n_visible else "visible"
        enumerate = _validate.choice(enumerate, "enumerate", ("visible", "hidden"))
        m = self.n_visible if enumerate == "visible" else self.n_hidden
        if m > MAX_ENUMERATE:
            raise ValueError(
                f"cannot enumerate the {enumerate} layer: {m} units means 2**{m} states; "
                f"exact log Z needs the smaller layer to have at most {MAX_ENUMERATE} units "
                f"(this RBM has {self.n_visible} visible and {self.n_hidden} hidden)"
            )
        states = _all_states(m)
        with np.errstate(all="ignore"):
            pieces = []
            for start in range(0, len(states), _CHUNK):
                S = states[start : start + _CHUNK]
                F = -(S @ self.visible_bias) - softplus(S @ self.W + self.hidden_bias).sum(axis=1) \
                    if enumerate == "visible" else self._free_energy_hidden(S)
                pieces.append(_logsumexp(-F))
            return float(_logsumexp(np.array(pieces)))

    def log_likelihood(self, X, log_z=None):
        """Exact mean log p(x) over the rows of X, in nats: mean(-F(x)) - log Z.

        X must be binary (0s and 1s): p(x) is a distribution over binary vectors, so it
        is undefined for probabilities. ``log_z`` (a finite number) skips computing log Z.
        """
        F = self.free_energy(self._v(X, binary=True))
        if log_z is None:
            log_z = self.log_partition()
        else:
            log_z = _validate.real(log_z, "log_z")
        with np.errstate(all="ignore"):
            return float(np.mean(-F) - log_z)

    def probabilities(self, X):
        """Exact p(x) for each row of X (binary, 0s and 1s; small models only)."""
        X = self._v(X, binary=True)
        with np.errstate(all="ignore"):
            return np.exp(-self.free_energy(X) - self.log_partition())

    def kl_divergence(self, X):
        """Exact KL(data || model) in nats, the data distribution being the rows of X.

        KL = sum_x p_data(x) log(p_data(x) / p_model(x)) = -H(data) - mean log-likelihood,
        where H(data) is the entropy of the empirical distribution (ln N for N distinct,
        equally frequent rows). It is 0 only when the model reproduces the data exactly.
        X must be binary (0s and 1s), like every exact, enumerated quantity.
        """
        X = self._v(X, binary=True)
        return -data_entropy(X) - self.log_likelihood(X)

    # --- training ----------------------------------------------------------------------

    def fit(
        self,
        X,
        epochs=10,
        lr=0.1,
        k=1,
        batch_size=None,
        momentum=0.0,
        weight_decay=0.0,
        persistent=False,
        seed=0,
        init_visible_bias=True,
        track_likelihood="auto",
        track_every=1,
        snapshot_epochs=(),
        callback=None,
    ):
        """Train by CD-k (or persistent CD) on the rows of X; returns a ``History``.

        Each mini-batch update, as in Hinton's practical guide (2010):

        1. positive phase: p0 = p(h | v0) for the data v0; statistics v0.T @ p0 use
           probabilities; binary states h0 ~ p0 drive the chain.
        2. negative phase: k Gibbs steps h -> v -> h. Intermediate states are sampled;
           the last visible step uses probabilities (the "reconstruction") and the last
           hidden step probabilities. With ``persistent=True`` (PCD, Tieleman 2008) the
           chains start where the previous update left them, not at the data, and their
           visible states stay binary samples.
        3. update with momentum: velocity = momentum * velocity + lr * gradient, where
           gradient = (<v h>_data - <v h>_model) / batch - weight_decay * W (biases: the
           differences of means, no decay).

        What ``history.recon_error`` holds: at index 0 (before training) the full-pass
        error ``reconstruction_error(X)``; after epoch e, the mean squared error per pixel
        of the reconstructions made *during* that epoch, over all its mini-batches (rows
        and pixels; each batch measured with the parameters before its own update), as
        Hinton's guide (2010, sec. 5) monitors it: no second pass over X. For CD the
        reconstruction is the chain's first visible step p(v | h0) with h0 sampled from
        p(h | v0); persistent chains do not start at the data, so for PCD it is
        p(v | p(h | v0)) of the batch. Both are noisier and a little higher than the
        full pass with the end-of-epoch parameters; call ``reconstruction_error(X)`` for
        that number.

        Parameters
        ----------
        X : array (n_samples, n_visible) of values in [0, 1]
        epochs : int
        lr : float, learning rate
        k : int, Gibbs steps per update (CD-k)
        batch_size : int or None; None (or more than n_samples) means the full batch
        momentum : float in [0, 1); the guide suggests 0.5 at first, then 0.9
        weight_decay : float >= 0 (L2 on W; the guide suggests 1e-4 to 1e-2 times lr)
        persistent : bool, persistent CD
        seed : int or Generator for shuffling, sampling and the persistent chains (an int
            seeds the "sampling" stream of ``lessonlib.seeding.child``, independent of the
            stream that drew the initial weights)
        init_visible_bias : on the first call to ``fit`` only, set the visible biases to
            log(p / (1 - p)) of the data's column means p (clipped to [0.001, 0.999]),
            so that before any learning the model already has the right pixel means.
        track_likelihood : True, False or "auto" (when the smaller layer has at most
            14 units and X is binary): record the exact log-likelihood and KL of X
            (True with non-binary X raises ValueError: they are undefined for it).
        track_every : int; record them every ``track_every`` epochs (and before training),
            at the epochs listed in ``history.likelihood_epoch``.
        snapshot_epochs : epochs (0 = before training) at which to store parameter copies.
        callback : called as callback(epoch, rbm, history) after every epoch, with the
            model's parameters up to date; changes it makes to them are not seen by the
            rest of the training (which runs on its own copy, see ``_train``).
        """
        X = self._v(X)
        epochs = _validate.positive_int(epochs, "epochs")
        lr = _validate.positive(lr, "lr")
        k = _validate.positive_int(k, "k")
        n = X.shape[0]
        batch_size = n if batch_size is None else _validate.positive_int(batch_size, "batch_size")
        batch_size = min(batch_size, n)  # documented: more than n rows means the full batch
        momentum = _validate.real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
        weight_decay = _validate.real(weight_decay, "weight_decay", low=0.0)
        persistent = _validate.flag(persistent, "persistent")
        _validate.seed(seed)
        init_visible_bias = _validate.flag(init_visible_bias, "init_visible_bias")
        if isinstance(track_likelihood, str):  # True, False or "auto"
            _validate.choice(track_likelihood, "track_likelihood", ("auto",))
            track_likelihood = min(self.n_visible, self.n_hidden) <= AUTO_TRACK and _is_binary(X)
        elif _validate.flag(track_likelihood, "track_likelihood"):
            self._v(X, binary=True)  # the exact log-likelihood is defined for binary data only
        if track_likelihood and min(self.n_visible, self.n_hidden) > MAX_ENUMERATE:
            raise ValueError(
                f"track_likelihood=True needs the smaller layer to have at most {MAX_ENUMERATE} units, "
                f"got {min(self.n_visible, self.n_hidden)}"
            )
        track_every = _validate.positive_int(track_every, "track_every")
        snapshot_epochs = set(_validate.sequence_of_ints(snapshot_epochs, "snapshot_epochs", low=0, min_length=0))
        callback = _validate.function(callback, "callback", optional=True)
        rng = child(seed, "sampling")  # not the stream that drew the initial weights

        if init_visible_bias and not self._fitted:
            p = np.clip(X.mean(axis=0), 0.001, 0.999)
            self.visible_bias = np.log(p / (1.0 - p))
        self._fitted = True
        entropy = data_entropy(X) if track_likelihood else 0.0

        history = History()
        self._record(history, 0, X, track_likelihood, entropy, snapshot_epochs)
        if callback is not None:
            callback(0, self, history)

        history.diverged = self._train(X, epochs, lr, k, batch_size, momentum, weight_decay, persistent,
                                       rng, history, track_likelihood, track_every, entropy,
                                       snapshot_epochs, callback)
        return history

    def _train(self, X, epochs, lr, k, B, momentum, weight_decay, persistent, rng, history,
               track_likelihood, track_every, entropy, snapshot_epochs, callback):
        """The epochs of ``fit`` (arguments already checked); returns True if training diverged.

        The maths is the three steps of ``fit``'s docstring; the code keeps numpy's work
        close to the matrix products those steps need. At these sizes one numpy call costs
        about a microsecond before it does anything, and an element-wise pass over a
        strided block two to three times one over a contiguous block, so the loop makes
        few calls, each on a contiguous block:

        - all parameters live in one matrix N = [[-W, -b], [-c, -inf]] (negated, biases as
          an extra row and column), and the states that enter a product carry an extra
          unit fixed at 1, so [v, 1] @ N = [-(v W + c), -inf] and [h, 1] @ N.T =
          [-(h W.T + b), -inf]: the bias is inside the product, the sigmoid
          1 / (1 + exp(-z)) starts straight at exp, and the extra unit comes out of it
          exactly 1 again (exp(-inf) = 0), ready for the next product;
        - a batch of m rows sits in rows B-m..B of VV and its negative phase in rows
          B..B+m, so VV[B-m:B+m] = [[v0, 1], [v, 1]]; the hidden side HP holds p0 in rows
          2B-m..2B and -ph in rows 2B..2B+m, so HP[2B-m:2B+m] = [[s p0, s], [-s ph, -s]]
          with s = -lr / m, and one product VV[B-m:B+m].T @ HP[2B-m:2B+m] is the whole
          scaled update: the weight statistics v0.T p0 - v.T ph, in the extra row the
          hidden-bias statistics sum(p0 - ph), in the extra column the visible-bias
          statistics sum(v0 - v), and ~0 at the corner (which keeps N's -inf);
        - the sampled hidden states [h, 1] sit in rows 2B-2m..2B-m of HP, just above p0:
          the persistent chains (rows B..2B of VV, where the negative phase leaves them)
          go up with the batch through one product (VV[B-m:B+m] @ N), and their hidden
          states come down with the batch's p0 (the record's reconstruction) through one
          (HP[2B-2m:2B] @ N.T);
        - every array is a buffer allocated once, and the random numbers of a mini-batch
          come from one call, in the order the chain uses them (the same numbers as one
          array at a time).

        The model's W and biases are written back from N after every epoch (before the
        record and the callback) and at the end.
        """
        n, nv, nh = X.shape[0], self.n_visible, self.n_hidden
        N = np.zeros((nv + 1, nh + 1))
        N[nv, nh] = -np.inf

        def write_back():
            np.negative(N[:nv, :nh], out=self.W)
            np.negative(N[:nv, nh], out=self.visible_bias)
            np.negative(N[nv, :nh], out=self.hidden_bias)

        N[:nv, :nh], N[:nv, nh], N[nv, :nh] = -self.W, -self.visible_bias, -self.hidden_bias
        parameters = (N[:nv], N[nv, :nh])  # what the divergence test looks at
        NT = N.T  # [h, 1] @ NT = [-(h W.T + b), -inf]
        G = np.empty_like(N)
        vel = np.zeros_like(N) if momentum > 0.0 else None
        decay = np.empty((nv, nh)) if weight_decay > 0.0 else None
        VV, HP = np.ones((2 * B, nv + 1)), np.ones((3 * B, nh + 1))
        Q, D = np.empty((2 * B, nv + 1)), np.empty((B, nv + 1))
        X1 = np.ones((n, nv + 1))
        X1[:, :nv] = X
        shuffled = np.empty_like(X1) if B < n else X1
        if persistent:  # the chains start at random binary states near the data
            np.less(rng.random((B, nv)), X[rng.integers(0, n, B)], out=VV[B:, :nv])
        n_random = nh + (k - 1) * (nv + nh) + (nv if persistent else 0)  # per row of a batch
        R = np.empty(B * n_random)
        views = {}

        def batch_views(m):
            lo, hi, h_lo, p_lo, p_hi = B - m, B + m, 2 * B - 2 * m, 2 * B - m, 2 * B + m
            HP[h_lo:p_lo, nh] = 1.0  # these rows may have held a scaled p0 of another batch size
            if m not in views:
                views[m] = (VV[lo:B], VV[B:hi], VV[B:hi, :nv], VV[lo:hi], VV[lo:hi].T, HP[p_lo:2 * B],
                            HP[2 * B : p_hi], HP[p_lo:p_hi], HP[2 * B : p_hi, :nh], HP[h_lo:p_lo],
                            HP[h_lo:p_lo, :nh], HP[h_lo : 2 * B], Q[lo:B, :nv], Q[B:hi], Q[lo:hi], D[:m],
                            R[: m * n_random])
            return views[m]

        matmul, less, exp, reciprocal, divide, subtract, copyto, vdot = (
            np.matmul, np.less, np.exp, np.reciprocal, np.divide, np.subtract, np.copyto, np.vdot)
        diverged = False
        last_m = None
        with np.errstate(all="ignore"):
            for epoch in range(1, epochs + 1):
                if B < n:
                    np.take(X1, rng.permutation(n), axis=0, out=shuffled, mode="clip")  # clip: no buffering
                squared_error = 0.0
                for start in range(0, n, B):
                    m = min(B, n - start)
                    if m != last_m:
                        (v0_1, v_1, v, vv, vv_t, p0, minus_ph, pp, ph_, h_1, h, hh, q_chain, q_p0, qq, d,
                         r) = batch_views(m)
                        rows_h, rows_v, s = m * nh, m * nv, -lr / m
                        last_m = m
                    copyto(v0_1, shuffled[start : start + m])
                    rng.random(out=r)
                    # 1. positive phase: p0 = p(h | v0) = sigmoid(v0 W + c), kept for the
                    # statistics; PCD: with the chains' p(h | v), where the last update left them
                    if persistent:
                        matmul(vv, N, out=pp)
                        exp(pp, out=pp)
                        pp += 1.0
                        reciprocal(pp, out=pp)
                        less(r[:rows_h].reshape(m, nh), ph_, out=h)  # the chains' hidden states
                    else:
                        matmul(v0_1, N, out=p0)
                        exp(p0, out=p0)
                        p0 += 1.0
                        reciprocal(p0, out=p0)
                        less(r[:rows_h].reshape(m, nh), p0[:, :nh], out=h)
                    used = rows_h
                    # 2. negative phase: k Gibbs steps h -> v -> h; intermediate states
                    # sampled, the last visible state a probability (CD) or a binary sample
                    # (the persistent chains), the last hidden one a probability.
                    for step in range(k):
                        last = step == k - 1
                        if step == 0 and persistent:
                            # down together: the chains' p(v | h) and, for the record, the
                            # batch's reconstruction p(v | p(h | v0))
                            matmul(hh, NT, out=qq)
                            exp(qq, out=qq)
                            qq += 1.0
                            reciprocal(qq, out=qq)
                            subtract(v0_1, q_p0, out=d)
                            squared_error += float(vdot(d, d))
                            less(r[used : used + rows_v].reshape(m, nv), q_chain, out=v)
                            used += rows_v
                        else:
                            matmul(h_1, NT, out=v_1)
                            exp(v_1, out=v_1)
                            v_1 += 1.0
                            reciprocal(v_1, out=v_1)
                            if step == 0:
                                # the data's reconstruction p(v | h0), h0 ~ p(h | v0): recorded
                                subtract(v0_1, v_1, out=d)
                                squared_error += float(vdot(d, d))
                            if persistent or not last:
                                less(r[used : used + rows_v].reshape(m, nv), v, out=v)
                                used += rows_v
                        matmul(v_1, N, out=minus_ph)
                        exp(minus_ph, out=minus_ph)
                        minus_ph += 1.0
                        if last:
                            divide(-s, minus_ph, out=minus_ph)  # -s * ph, in one pass
                        else:
                            reciprocal(minus_ph, out=minus_ph)  # here ph itself, to sample from
                            less(r[used : used + rows_h].reshape(m, nh), ph_, out=h)
                            used += rows_h
                    # 3. the update with momentum (on N = -parameters, hence the signs):
                    # velocity = momentum * velocity + s * statistics (+ lr * decay * W)
                    p0 *= s
                    matmul(vv_t, pp, out=G)
                    if decay is not None:
                        np.multiply(N[:nv, :nh], lr * weight_decay, out=decay)
                        G[:nv, :nh] -= decay
                    if vel is not None:
                        vel *= momentum
                        vel += G
                        N += vel
                    else:
                        N += G
                if not all_finite(*parameters):
                    diverged = True
                    break
                write_back()
                # Hinton (2010, sec. 5): the error of the reconstructions already made,
                # averaged over the epoch's rows and pixels (no second pass over X).
                self._record(history, epoch, X, track_likelihood and epoch % track_every == 0,
                             entropy, snapshot_epochs, recon_error=squared_error / (n * nv))
                if callback is not None:
                    callback(epoch, self, history)
        write_back()
        return diverged

    @staticmethod
    def _sample(p, rng):
        return (rng.random(p.shape) < p).astype(np.float64)

    def _negative_phase(self, h, k, rng, keep_binary=False):
        """k Gibbs steps h -> v -> h from binary hidden states h; returns (v_k, p(h | v_k)).

        Intermediate states are sampled; the last visible state is the probability
        p(v | h) (Hinton 2010, sec. 3.3) unless ``keep_binary`` (persistent chains).
        """
        W, b, c = self.W, self.visible_bias, self.hidden_bias
        for step in range(k):
            last = step == k - 1
            pv = sigmoid(h @ W.T + b)
            v = pv if (last and not keep_binary) else self._sample(pv, rng)
            ph = sigmoid(v @ W + c)
            if not last:
                h = self._sample(ph, rng)
        return v, ph

    def cd_gradient(self, X, k=1, seed=0):
        """One CD-k estimate of the log-likelihood gradient on X, without changing the model.

        Returns (dW, d_visible_bias, d_hidden_bias): positive statistics <v h>_data minus
        negative statistics <v h>_k after k Gibbs steps started at the data, averaged
        over the rows of X. Compare with ``log_likelihood_gradient``.
        """
        X = self._v(X)
        k = _validate.positive_int(k, "k")
        rng = make_rng(seed)
        with np.errstate(all="ignore"):
            p0 = sigmoid(X @ self.W + self.hidden_bias)
            v, ph = self._negative_phase(self._sample(p0, rng), k, rng)
            m = X.shape[0]
            return (X.T @ p0 - v.T @ ph) / m, (X - v).mean(axis=0), (p0 - ph).mean(axis=0)

    def log_likelihood_gradient(self, X):
        """The exact gradient of the mean log-likelihood of X (small models only).

        d/dW mean log p(x) = <v p(h|v)>_data - <v h>_model; the model expectation is
        summed exactly over all states of the smaller layer. Returns (dW, db, dc).
        X must be binary (0s and 1s), like the log-likelihood itself.
        """
        X = self._v(X, binary=True)
        log_z = self.log_partition()  # also checks the size
        W, b, c = self.W, self.visible_bias, self.hidden_bias
        with np.errstate(all="ignore"):
            p0 = sigmoid(X @ W + c)
            pos = (X.T @ p0 / X.shape[0], X.mean(axis=0), p0.mean(axis=0))
            if self.n_visible <= self.n_hidden:
                V = _all_states(self.n_visible)
                weight = np.exp(-self.free_energy(V) - log_z)
                PH = sigmoid(V @ W + c)
                neg = ((V * weight[:, None]).T @ PH, weight @ V, weight @ PH)
            else:
                H = _all_states(self.n_hidden)
                weight = np.exp(-self._free_energy_hidden(H) - log_z)
                PV = sigmoid(H @ W.T + b)
                neg = ((PV * weight[:, None]).T @ H, weight @ PV, weight @ H)
        return tuple(p - n for p, n in zip(pos, neg))

    def reconstruction_error(self, X):
        """The mean squared error per pixel of X's reconstructions, over all of X (a full pass).

        x_hat = p(v = 1 | p(h = 1 | x)): the hidden *probabilities* are passed back, no
        sampling (``reconstruct(X)`` with ``seed=None``), so the number is deterministic.
        This is what ``fit`` records at epoch 0 (before training); after each epoch it
        records the cheaper per-mini-batch error instead (see ``fit``).
        """
        return self._full_pass_error(self._v(X))

    def _full_pass_error(self, X):
        # X is already checked (fit checks it once, not every epoch). Blocks of rows small
        # enough that BLAS runs each product on the calling thread (on a busy machine a
        # woken BLAS thread can wait for a core far longer than the product takes), in two
        # buffers reused by every block: x_hat = sigmoid(sigmoid(X W + c) W.T + b).
        n = X.shape[0]
        rows = min(n, max(16, _FULL_PASS_WORK // (self.n_visible * self.n_hidden)))
        H, V = np.empty((rows, self.n_hidden)), np.empty((rows, self.n_visible))
        squared = 0.0
        with np.errstate(all="ignore"):
            for start in range(0, n, rows):
                x = X[start : start + rows]
                h, v = H[: len(x)], V[: len(x)]
                np.matmul(x, self.W, out=h)
                h += self.hidden_bias
                sigmoid(h, out=h)
                np.matmul(h, self.W.T, out=v)
                v += self.visible_bias
                sigmoid(v, out=v)
                v -= x
                squared += float(np.vdot(v, v))
        return squared / X.size

    def _record(self, history, epoch, X, track_likelihood, entropy, snapshot_epochs, recon_error=None):
        # X was checked once in fit; the unchecked products keep 5000 epochs cheap.
        # ``recon_error`` is the epoch's mini-batch error; None (epoch 0) means a full pass.
        W, b, c = self.W, self.visible_bias, self.hidden_bias
        with np.errstate(all="ignore"):
            history.epoch.append(epoch)
            history.recon_error.append(self._full_pass_error(X) if recon_error is None else float(recon_error))
            if track_likelihood:
                free = -(X @ b) - softplus(X @ W + c).sum(axis=1)
                ll = float(np.mean(-free)) - self.log_partition()
                history.likelihood_epoch.append(epoch)
                history.log_likelihood.append(ll)
                history.kl.append(-entropy - ll)
            if epoch in snapshot_epochs:
                history.snapshots[epoch] = self.parameters()
