"""A small fully connected network with its forward and backward passes written out.

``MLP([64, 32, 10], activation="relu", init="he_normal", seed=0)`` builds a network
with one hidden layer of 32 units. Layer l computes

    z_l = a_{l-1} @ W_l + b_l          (W_l has shape (fan_in, fan_out))
    a_l = f(z_l)                       (hidden layers; f is the activation)

and the last layer ends in a softmax with cross-entropy (several classes) or a single
sigmoid unit with binary cross-entropy (``layer_sizes[-1] == 1``). The backward pass
beside it applies the chain rule layer by layer:

    delta_L = (p - y) / n                            (softmax or sigmoid output)
    dW_l = a_{l-1}.T @ delta_l,  db_l = sum(delta_l)
    delta_{l-1} = (delta_l @ W_l.T) * f'(z_{l-1})

Everything a later notebook needs to look inside (pre-activations, activations, the
back-propagated deltas) comes out of ``trace``.

``MLP(..., batch_norm=True)`` normalizes each hidden layer's pre-activation over the
mini-batch before its non-linearity (batch normalization, Ioffe & Szegedy 2015; see
``batch_norm_forward`` and ``batch_norm_backward``).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from lessonlib import _validate
from lessonlib import init as _init
from lessonlib.seeding import child, make_rng
from lessonlib.training import EarlyStopping, History, all_finite

# --- activations: each forward rule beside its derivative --------------------------------


def sigmoid(z):
    """1 / (1 + exp(-z)), written through tanh so large |z| cannot overflow.

    Elementwise: +-inf give 1 and 0, NaN stays NaN, so a diverging training run reaches
    its divergence test (``History.diverged``) instead of being interrupted.
    """
    if not (isinstance(z, np.ndarray) and z.dtype.kind == "f"):
        z = _validate.array(z, "z", finite=False, allow_empty=True)
    # 0.5 * (1 + tanh(0.5 * z)), the same operations in the same order, in one array
    # instead of three temporaries (three times faster on large arrays, identical numbers)
    out = np.multiply(z, 0.5)
    if not isinstance(out, np.ndarray):  # a single number
        return 0.5 * (1.0 + np.tanh(out))
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _sigmoid_grad(z, a, slope):
    out = 1.0 - a  # (1 - a) * a, one array instead of two
    out *= a
    return out


def _tanh(z):
    return np.tanh(z)


def _tanh_grad(z, a, slope):
    return 1.0 - a * a


def _relu(z, slope=0.0):
    return np.maximum(z, 0.0)


def _relu_grad(z, a, slope):
    return (z > 0).astype(z.dtype)


def _leaky_relu(z, slope=0.01):
    return np.where(z > 0, z, slope * z)


def _leaky_relu_grad(z, a, slope):
    return np.where(z > 0, 1.0, slope)


def _identity(z):
    return z


def _identity_grad(z, a, slope):
    return np.ones_like(z)


ACTIVATIONS = {
    "sigmoid": (lambda z, slope: sigmoid(z), _sigmoid_grad),
    "tanh": (lambda z, slope: _tanh(z), _tanh_grad),
    "relu": (lambda z, slope: _relu(z), _relu_grad),
    "leaky_relu": (lambda z, slope: _leaky_relu(z, slope), _leaky_relu_grad),
    "identity": (lambda z, slope: _identity(z), _identity_grad),
}


def activate(name, z, slope=0.01):
    """Apply the named activation to ``z``, an array of finite numbers (see ``ACTIVATIONS``).

    ``slope`` is the negative-side slope of "leaky_relu", in [0, 1).
    """
    f = ACTIVATIONS[check_activation(name)][0]
    return f(_validate.array(z, "z", allow_empty=True), _validate.slope(slope))


def check_activation(name):
    """Return ``name`` if it is a known activation, else raise ValueError listing them."""
    return _validate.choice(name, "activation", ACTIVATIONS)


# --- batch normalization: forward rule beside its backward rule ---------------------------

#: Added to the batch variance before the square root (PyTorch's and Keras' default).
BN_EPS = 1e-5
#: Weight of the newest batch in the running mean and variance used for prediction.
BN_MOMENTUM = 0.1


def batch_norm_forward(z, gamma, beta, mean=None, var=None, eps=BN_EPS):
    """Batch normalization of pre-activations z, shape (n, units) (Ioffe & Szegedy 2015).

        x_hat = (z - mean) / sqrt(var + eps),    u = gamma * x_hat + beta

    In training, ``mean`` and ``var`` are None and are taken over the batch (axis 0, the
    biased variance); for prediction, pass the running statistics. Returns ``u`` and a
    cache ``(x_hat, inv_std, batch_mean, batch_var, train)`` for ``batch_norm_backward``.
    """
    z = _validate.array(z, "z", ndim=2, what="n examples, units")
    unit = (z.shape[1],)
    gamma = _validate.array(gamma, "gamma", shape=unit, what="one per unit")
    beta = _validate.array(beta, "beta", shape=unit, what="one per unit")
    if (mean is None) != (var is None):
        raise ValueError("give both mean and var (running statistics), or neither")
    if mean is not None:
        mean = _validate.array(mean, "mean", shape=unit, what="one per unit")
        var = _validate.array(var, "var", shape=unit, low=0.0, what="one per unit")
    return _batch_norm_forward(z, gamma, beta, mean, var, _validate.positive(eps, "eps"))


def _batch_norm_forward(z, gamma, beta, mean, var, eps=BN_EPS):
    """``batch_norm_forward`` of checked arguments (MLP's passes call it every step)."""
    train = mean is None
    if train:
        mean, var = z.mean(axis=0), z.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (z - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, inv_std, mean, var, train)


def batch_norm_backward(du, gamma, cache):
    """Gradients of batch normalization: (dLoss/dz, dLoss/dgamma, dLoss/dbeta).

    With batch statistics every z_i moves the mean and the variance too, so

        dz = gamma * inv_std / n * (n * du - sum(du) - x_hat * sum(du * x_hat))

    With fixed (running) statistics it is just dz = gamma * inv_std * du.
    """
    if not (isinstance(cache, tuple) and len(cache) == 5):
        raise _validate.InputTypeError(f"cache must be the cache batch_norm_forward returned, got {type(cache).__name__}")
    x_hat = _validate.array(cache[0], "cache", ndim=2, what="the x_hat of batch_norm_forward")
    du = _validate.array(du, "du", shape=x_hat.shape, what="the shape of z")
    gamma = _validate.array(gamma, "gamma", shape=x_hat.shape[1:], what="one per unit")
    return _batch_norm_backward(du, gamma, cache)


def _batch_norm_backward(du, gamma, cache):
    """``batch_norm_backward`` of checked arguments."""
    x_hat, inv_std, _, _, train = cache
    dgamma = (du * x_hat).sum(axis=0)
    dbeta = du.sum(axis=0)
    if not train:
        return gamma * inv_std * du, dgamma, dbeta
    n = du.shape[0]
    dz = gamma * inv_std / n * (n * du - dbeta - x_hat * dgamma)
    return dz, dgamma, dbeta


# --- per-layer statistics: one function for the networks and for propagate -------------

#: Statistics computed for every weight layer by ``layer_statistics``.
LAYER_STATISTICS = ("act_mean", "act_std", "pre_std", "saturated", "dead", "grad_std", "grad_norm")


def layer_statistics(pre, post, deltas, inputs, activation, n_hidden):
    """Per-layer statistics of one forward and backward pass, as lists (layer 1 first).

    Parameters
    ----------
    pre, post, deltas : lists of ndarray
        Per layer: z_l, a_l = f(z_l) and dLoss/dz_l, each of shape (n, fan_out).
    inputs : ndarray
        a_0, the input of the first layer (for the weight gradients a_{l-1}.T @ delta_l).
    activation : str
        The hidden non-linearity, for ``saturated`` and ``dead``.
    n_hidden : int
        How many of the layers are hidden (the others, e.g. an output layer, count as
        neither saturated nor dead).

    Returns
    -------
    dict of lists, keys ``LAYER_STATISTICS``: mean and standard deviation of a_l,
    standard deviation of z_l, ``saturated`` (fraction of sigmoid/tanh outputs within 1 %
    of their limits), ``dead`` (fraction of ReLU/leaky-ReLU units whose input is <= 0 for
    every example), ``grad_std`` (standard deviation of dLoss/dz_l, the back-propagated
    gradient) and ``grad_norm`` (Frobenius norm of dLoss/dW_l).

    The arrays may hold NaN or infinity (a pass that overflowed): the statistics are then
    NaN or infinite too, and the caller reports it.
    """
    pre = _validate.arrays(pre, "pre")
    post = _validate.arrays(post, "post", len(pre))
    deltas = _validate.arrays(deltas, "deltas", len(pre))
    inputs = _validate.array(inputs, "inputs", ndim=2, finite=False)
    activation = check_activation(activation)
    n_hidden = _validate.integer(n_hidden, "n_hidden", low=0, high=len(pre))
    stats = {name: [] for name in LAYER_STATISTICS}
    with np.errstate(all="ignore"):
        for l, (z, a, delta) in enumerate(zip(pre, post, deltas)):
            hidden = l < n_hidden
            below = inputs if l == 0 else post[l - 1]
            if hidden and activation == "tanh":
                saturated = float(np.mean(np.abs(a) > 0.99))
            elif hidden and activation == "sigmoid":
                saturated = float(np.mean((a < 0.01) | (a > 0.99)))
            else:
                saturated = 0.0
            dead = float(np.mean(np.all(z <= 0, axis=0))) if hidden and activation in ("relu", "leaky_relu") else 0.0
            stats["act_mean"].append(float(np.mean(a)))
            stats["act_std"].append(float(np.std(a)))
            stats["pre_std"].append(float(np.std(z)))
            stats["saturated"].append(saturated)
            stats["dead"].append(dead)
            stats["grad_std"].append(float(np.std(delta)))
            stats["grad_norm"].append(float(np.linalg.norm(below.T @ delta)))
    return stats


# --- losses -------------------------------------------------------------------------------


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _output(z, binary, log_softmax=_log_softmax):
    """The output layer's probabilities from its logits: one sigmoid unit, or a softmax."""
    return sigmoid(z) if binary else np.exp(log_softmax(z))


@dataclass
class Trace:
    """Inside one forward and backward pass, per layer (index 0 = first weight layer).

    pre[l]   : z_l, the input to layer l's non-linearity, shape (n, fan_out)
    post[l]  : a_l = f(z_l) (for the last layer: the output probabilities)
    delta[l] : dLoss/dz_l, the back-propagated gradient at layer l
    grads[l] : (dW_l, db_l)
    loss     : the mean loss on the batch

    With batch normalization, pre[l] of a hidden layer is the normalized u_l that enters
    the non-linearity, delta[l] is dLoss/d(a_{l-1} W_l + b_l) (so dW_l = a_{l-1}.T @
    delta[l] still holds), and per hidden layer:

    bn_grads[l] : (dgamma_l, dbeta_l)
    bn_batch[l] : (batch mean, batch variance) of a_{l-1} W_l + b_l
    """

    pre: list
    post: list
    delta: list
    grads: list
    loss: float
    bn_grads: list = field(default_factory=list)
    bn_batch: list = field(default_factory=list)


class MLP:
    """A fully connected network trained by mini-batch SGD with momentum.

    Parameters
    ----------
    layer_sizes : sequence of int
        Input size, hidden sizes, output size, e.g. ``[64, 100, 10]``. An output size of
        1 means binary classification (sigmoid + binary cross-entropy); more means
        softmax + cross-entropy over that many classes.
    activation : str
        Non-linearity of the hidden layers: "sigmoid", "tanh", "relu", "leaky_relu" or
        "identity".
    init : str or callable
        A name from ``lessonlib.init.names()`` (or alias), or a function
        ``(fan_in, fan_out, rng) -> array`` of shape (fan_in, fan_out). Biases start at 0.
    seed : int or numpy.random.Generator
        Seed for the initial weights.
    slope : float
        Negative-side slope of "leaky_relu".
    init_options : dict, optional
        Passed to the initializer, e.g. ``{"std": 0.01}`` for "normal".
    batch_norm : bool
        Normalize each hidden layer's pre-activation over the mini-batch, then scale and
        shift it by learnable ``gammas[l]`` (start 1) and ``betas[l]`` (start 0). ``fit``
        trains in batch mode and keeps ``running_means``/``running_vars``; every other
        method predicts with those running statistics.

    Attributes
    ----------
    weights : list of ndarray, weights[l] has shape (layer_sizes[l], layer_sizes[l+1])
    biases : list of ndarray, biases[l] has shape (layer_sizes[l+1],)
    """

    def __init__(
        self,
        layer_sizes,
        activation="relu",
        init="he_normal",
        seed=0,
        slope=0.01,
        init_options=None,
        batch_norm=False,
    ):
        self.layer_sizes = _validate.sequence_of_ints(
            layer_sizes, "layer_sizes", min_length=2,
            too_short=f"layer_sizes must list at least an input and an output size, got {layer_sizes!r}",
        )
        self.activation = check_activation(activation)
        self.slope = _validate.slope(slope)
        self.binary = self.layer_sizes[-1] == 1
        self.n_classes = 2 if self.binary else self.layer_sizes[-1]
        rng = make_rng(seed)
        options = dict(_validate.instance({} if init_options is None else init_options, "init_options", dict,
                                          "a dict of initializer options or None"))
        if callable(init):
            _validate.keywords(options, (), "a custom init function")
        self.init = init if isinstance(init, str) else getattr(init, "__name__", "custom")
        self.weights = []
        self.biases = []
        for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            if callable(init):
                W = np.array(_validate.array(init(fan_in, fan_out, rng), "the weights init returned",
                                             shape=(fan_in, fan_out), what="fan_in, fan_out"))
            else:
                W = _init.initialize(init, fan_in, fan_out, rng, **options)
            self.weights.append(W)
            self.biases.append(np.zeros(fan_out))
        self.batch_norm = bool(batch_norm)
        hidden = self.layer_sizes[1:-1] if self.batch_norm else []
        self.gammas = [np.ones(n) for n in hidden]
        self.betas = [np.zeros(n) for n in hidden]
        self.running_means = [np.zeros(n) for n in hidden]
        self.running_vars = [np.ones(n) for n in hidden]

    def __repr__(self):
        sizes = "-".join(map(str, self.layer_sizes))
        extra = ", batch_norm=True" if self.batch_norm else ""
        return f"MLP({sizes}, activation={self.activation!r}, init={self.init!r}{extra})"

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    # --- input checks ---------------------------------------------------------------------

    def _check_X(self, X, name="X"):
        return _validate.array(X, name, shape=(None, self.layer_sizes[0]),
                               what=f"one row per example, {self.layer_sizes[0]} inputs")

    def _check_y(self, y, n, name="y"):
        return _validate.labels(y, name, n, self.n_classes)

    def check_inputs(self, X, name="X"):
        """``X`` as a float64 array of shape (n_samples, n_inputs), or a clear ValueError."""
        return self._check_X(X, name)

    # --- forward --------------------------------------------------------------------------

    def _forward(self, X, train=False, bn_caches=None):
        """Return (pre-activations, activations) of every layer; the last is the output.

        With batch normalization, ``train`` uses the batch's statistics (else the running
        ones), and each hidden layer's cache is appended to the list ``bn_caches``.
        """
        f = ACTIVATIONS[self.activation][0]
        pre, post = [], []
        a = X
        with np.errstate(all="ignore"):  # overflow shows up as non-finite loss instead
            for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
                z = a @ W + b
                if layer < self.n_layers - 1:
                    if self.batch_norm:
                        stats = (None, None) if train else (self.running_means[layer], self.running_vars[layer])
                        z, cache = _batch_norm_forward(z, self.gammas[layer], self.betas[layer], *stats)
                        if bn_caches is not None:
                            bn_caches.append(cache)
                    a = f(z, self.slope)
                else:
                    a = _output(z, self.binary)
                pre.append(z)
                post.append(a)
        return pre, post

    def pre_activations(self, X):
        """The pre-activations z_l = a_{l-1} W_l + b_l of every layer for the inputs X."""
        return self._forward(self._check_X(X))[0]

    def forward(self, X):
        """Output probabilities: shape (n, n_classes) for softmax, (n, 1) for binary."""
        return self._forward(self._check_X(X))[1][-1]

    def predict_proba(self, X):
        """Class probabilities, shape (n, n_classes) (two columns for a binary network)."""
        p = self.forward(X)
        return np.hstack([1.0 - p, p]) if self.binary else p

    def predict(self, X):
        """Predicted class labels, shape (n,)."""
        p = self.forward(X)
        return (p[:, 0] > 0.5).astype(np.int64) if self.binary else p.argmax(axis=1)

    def score(self, X, y):
        """Accuracy: the fraction of correctly predicted labels."""
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        return float(np.mean(self.predict(X) == y))

    def _loss_from_logits(self, z, y):
        with np.errstate(all="ignore"):
            if self.binary:
                z = z[:, 0]
                return float(np.mean(np.logaddexp(0.0, z) - y * z))
            log_p = _log_softmax(z)
            return float(-np.mean(log_p[np.arange(len(y)), y]))

    def loss(self, X, y):
        """Mean cross-entropy of the network on (X, y)."""
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        return self._loss_from_logits(self._forward(X)[0][-1], y)

    # --- backward -------------------------------------------------------------------------

    def _trace(self, X, y, with_loss=True, train=False):
        caches = []
        pre, post = self._forward(X, train=train, bn_caches=caches)
        n = X.shape[0]
        fprime = ACTIVATIONS[self.activation][1]
        deltas = [None] * self.n_layers
        grads = [None] * self.n_layers
        bn_grads = [None] * len(caches)
        with np.errstate(all="ignore"):
            # Softmax + cross-entropy (and sigmoid + binary cross-entropy) share one
            # simple output gradient: predicted probability minus target, over n.
            if self.binary:
                delta = (post[-1] - y[:, None]) / n
            else:
                delta = post[-1].copy()
                delta[np.arange(n), y] -= 1.0
                delta /= n
            for layer in range(self.n_layers - 1, -1, -1):
                a_below = X if layer == 0 else post[layer - 1]
                deltas[layer] = delta
                grads[layer] = (a_below.T @ delta, delta.sum(axis=0))
                if layer > 0:
                    z_below = pre[layer - 1]
                    delta = (delta @ self.weights[layer].T) * fprime(z_below, post[layer - 1], self.slope)
                    if self.batch_norm:
                        delta, dgamma, dbeta = _batch_norm_backward(delta, self.gammas[layer - 1], caches[layer - 1])
                        bn_grads[layer - 1] = (dgamma, dbeta)
        loss = self._loss_from_logits(pre[-1], y) if with_loss else float("nan")
        return Trace(pre=pre, post=post, delta=deltas, grads=grads, loss=loss, bn_grads=bn_grads,
                     bn_batch=[(c[2], c[3]) for c in caches])

    def trace(self, X, y, train=False):
        """One forward and backward pass with every intermediate kept (see ``Trace``).

        ``train=True`` normalizes with the batch's own statistics, as ``fit`` does (only
        matters with batch normalization); the running statistics are not changed.
        """
        X = self._check_X(X)
        return self._trace(X, self._check_y(y, X.shape[0]), train=train)

    def loss_and_grads(self, X, y):
        """The mean loss on (X, y) and, per layer, the pair (dW, db).

        Returns
        -------
        loss : float
        grads : list of (ndarray, ndarray), grads[l] matches (weights[l], biases[l])
        """
        t = self.trace(X, y)
        return t.loss, t.grads

    # --- training -------------------------------------------------------------------------

    def _finite(self):
        return all_finite(*self.weights, *self.biases, *self.gammas, *self.betas)

    def fit(
        self,
        X,
        y,
        epochs=10,
        lr=0.1,
        batch_size=32,
        momentum=0.0,
        seed=0,
        X_val=None,
        y_val=None,
        callback=None,
        recorder=None,
        patience=None,
        record_every=1,
    ):
        """Train with mini-batch SGD and momentum; return a ``History``.

        Each epoch shuffles the training set (from the "batches" stream of ``seed``,
        ``lessonlib.seeding.child``, independent of the stream that drew the weights) and takes one step per
        mini-batch: ``v = momentum * v - lr * grad``, ``W += v``. The history records the
        loss and accuracy on the whole training set before training (epoch 0) and after
        every epoch, plus on (X_val, y_val) when given. ``callback(epoch, model)``, if
        given, runs after each epoch.

        ``recorder``, if given, watches every step: after each mini-batch update fit calls
        ``recorder.on_step(step, model, trace, updates)`` with the step number (1, 2, ...
        over all epochs), the model after the update, the ``Trace`` of the batch (computed
        before the update, with its loss) and, per weight layer, the step just added to
        W (``-lr * dW`` without momentum). ``lessonlib.monitor.Recorder`` is one. A
        recorder whose ``needs_batch_loss`` is False gets the trace without the batch's
        loss (NaN), which saves a pass over the outputs each step.

        With batch normalization each step also updates gamma and beta (same rule) and
        the running statistics: ``running = (1 - BN_MOMENTUM) * running + BN_MOMENTUM *
        batch`` (the variance with n/(n-1), as PyTorch does).

        A run whose loss or weights become NaN or infinite stops and is marked
        ``history.diverged``: no warnings, no NaN columns.

        ``patience`` (needs ``X_val``, ``y_val``) turns on early stopping
        (``lessonlib.training.EarlyStopping``): training stops once the validation
        accuracy has not improved for ``patience`` epochs (or at ``epochs``), and the
        network keeps the weights of the epoch with the best validation accuracy (the
        first, if several tie; epoch 0 counts), which ``history.best_epoch`` names.

        ``record_every`` = k records the history (and tests for early stopping) only
        after every k-th epoch and the last one, for runs of many tiny epochs (a few
        labelled examples: one step per epoch) where measuring costs more than training;
        ``patience`` still counts epochs.
        """
        X, y, X_val, y_val, epochs, lr, batch_size, momentum = self._check_fit(
            X, y, X_val, y_val, epochs, lr, batch_size, momentum)
        record_every = _validate.positive_int(record_every, "record_every")
        stopper = _early_stopping(patience, X_val)
        callback = _validate.function(callback, "callback", optional=True)
        rng = child(seed, "batches")
        history = History()
        self._record(history, 0, X, y, X_val, y_val)
        best = self._keep_best(stopper, history, None)
        velocity_W = [np.zeros_like(W) for W in self.weights]
        velocity_b = [np.zeros_like(b) for b in self.biases]
        velocity_bn = [np.zeros_like(p) for p in (*self.gammas, *self.betas)]
        n = X.shape[0]
        step = 0
        batch_loss = recorder is not None and getattr(recorder, "needs_batch_loss", True)
        for epoch in range(1, int(epochs) + 1):
            order = rng.permutation(n)
            with np.errstate(all="ignore"):
                for start in range(0, n, batch_size):
                    batch = order[start : start + batch_size]
                    trace = self._trace(X[batch], y[batch], with_loss=batch_loss, train=True)
                    grads = trace.grads
                    for layer, (dW, db) in enumerate(grads):
                        velocity_W[layer] *= momentum
                        velocity_W[layer] -= lr * dW
                        velocity_b[layer] *= momentum
                        velocity_b[layer] -= lr * db
                        self.weights[layer] += velocity_W[layer]
                        self.biases[layer] += velocity_b[layer]
                    if self.batch_norm:
                        self._step_batch_norm(trace, lr, momentum, velocity_bn, len(batch))
                    if recorder is not None:
                        step += 1
                        recorder.on_step(step, self, trace, velocity_W)
            if not self._finite():
                history.diverged = True
                break
            if epoch % record_every == 0 or epoch == epochs:
                self._record(history, epoch, X, y, X_val, y_val)
                if history.diverged:
                    break
                best = self._keep_best(stopper, history, best)
            if callback is not None:
                callback(epoch, self)
            if stopper is not None and stopper.done:
                break
        if best is not None:
            self._set_parameters(best)
            history.best_epoch = stopper.best
        return history

    def _parameters(self):
        """Copies of every trained array: weights, biases, batch-norm scales, shifts, running statistics."""
        return [[a.copy() for a in group] for group in (self.weights, self.biases, self.gammas, self.betas,
                                                         self.running_means, self.running_vars)]

    def _set_parameters(self, parameters):
        self.weights, self.biases, self.gammas, self.betas, self.running_means, self.running_vars = parameters

    def _keep_best(self, stopper, history, best):
        """Early stopping: the parameters to keep after this epoch (a copy when it is a new best)."""
        if stopper is not None and history.epoch and stopper.update(history.epoch[-1], history.val_accuracy[-1]):
            return self._parameters()
        return best

    def _step_batch_norm(self, trace, lr, momentum, velocity, n):
        params = (*self.gammas, *self.betas)
        grads = [g for g, _ in trace.bn_grads] + [b for _, b in trace.bn_grads]
        for p, v, g in zip(params, velocity, grads):
            v *= momentum
            v -= lr * g
            p += v
        for layer, (mean, var) in enumerate(trace.bn_batch):
            self.running_means[layer] += BN_MOMENTUM * (mean - self.running_means[layer])
            unbiased = var * n / max(n - 1, 1)
            self.running_vars[layer] += BN_MOMENTUM * (unbiased - self.running_vars[layer])

    def _check_fit(self, X, y, X_val, y_val, epochs, lr, batch_size, momentum):
        """The checked data and settings of ``fit`` (also ``MLPStack.fit``'s)."""
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                raise ValueError("give both X_val and y_val, or neither")
            X_val = self._check_X(X_val, "X_val")
            y_val = self._check_y(y_val, X_val.shape[0], "y_val")
        return (X, y, X_val, y_val, _validate.integer(epochs, "epochs", low=0), _validate.positive(lr, "lr"),
                _validate.positive_int(batch_size, "batch_size"),
                _validate.real(momentum, "momentum", low=0.0, high=1.0, high_open=True))

    def _outputs(self, X):
        """(output logits, output probabilities) of the evaluation pass, in row blocks that
        keep every product on one OpenBLAS thread (as ``MLPStack._outputs``: on a busy
        2-core machine a product split over threads is much slower); the rows are
        independent, so the blocks change the numbers only in the last bits."""
        rows = _single_thread_rows(self.layer_sizes)
        if X.shape[0] <= rows:
            pre, post = self._forward(X)
            return pre[-1], post[-1]
        parts = [self._forward(X[start : start + rows]) for start in range(0, X.shape[0], rows)]
        return (np.concatenate([pre[-1] for pre, _ in parts]), np.concatenate([post[-1] for _, post in parts]))

    def _record(self, history, epoch, X, y, X_val, y_val):
        z, p = self._outputs(X)
        loss = self._loss_from_logits(z, y)
        if not math.isfinite(loss):
            history.diverged = True
            return
        history.epoch.append(epoch)
        history.loss.append(loss)
        history.accuracy.append(float(np.mean(self._labels(p) == y)))
        if X_val is not None:
            z_val, p_val = self._outputs(X_val)
            history.val_loss.append(self._loss_from_logits(z_val, y_val))
            history.val_accuracy.append(float(np.mean(self._labels(p_val) == y_val)))

    def _labels(self, p):
        return (p[:, 0] > 0.5).astype(np.int64) if self.binary else p.argmax(axis=1)

    # --- looking inside -------------------------------------------------------------------

    def layer_stats(self, X, y):
        """Per-layer statistics of one forward/backward pass, as a list of dicts.

        For each weight layer l (the last entry is the output layer): the statistics of
        ``layer_statistics`` (``act_mean``, ``act_std``, ``pre_std``, ``saturated``,
        ``dead``, ``grad_std``, ``grad_norm``), plus ``layer`` (1-based) and
        ``weight_std``.
        """
        X = self._check_X(X)
        t = self._trace(X, self._check_y(y, X.shape[0]))
        stats = layer_statistics(t.pre, t.post, t.delta, X, self.activation, self.n_layers - 1)
        return [
            {"layer": l + 1, **{name: values[l] for name, values in stats.items()},
             "weight_std": float(np.std(self.weights[l]))}
            for l in range(self.n_layers)
        ]

    def hidden_unit_spread(self, layer=0):
        """Largest difference between any two hidden units' incoming weights in ``layer``.

        0 means every unit of that layer is an exact copy of the others: symmetry is
        unbroken, so the layer behaves like a single unit. ``layer`` counts from 0.
        """
        W = self.weights[_validate.integer(layer, "layer", low=0, high=self.n_layers - 1)]
        return float(np.max(W.max(axis=1) - W.min(axis=1)))


def _early_stopping(patience, X_val):
    """``fit``'s early-stopping rule for ``patience`` (None: off), which needs validation data."""
    if patience is None:
        return None
    stopper = EarlyStopping(patience)
    if X_val is None:
        raise ValueError("patience (early stopping) needs validation data: give X_val and y_val")
    return stopper


# --- several seeds at once: one network per seed, trained in one set of products ----------


def _stack_seeds(seeds, n=None, each="member"):
    """One non-negative integer seed per member (``n`` of them when given, else at least one)."""
    return _validate.sequence(seeds, "seeds", lambda s, name: _validate.integer(s, name, low=0), length=n,
                              min_length=1, what=f"seeds (one non-negative integer per {each})")


class MLPStack:
    """S networks of one architecture, one per seed, trained together (a leading seed axis).

    ``MLPStack([64, 16, 10], "relu", "he_normal", seeds=range(10))`` holds ten networks.
    Weight layer l is one array of shape (S, fan_in, fan_out), so a forward or backward
    step of all S networks is a single batched ``np.matmul`` instead of S small products:
    the same arithmetic, far fewer calls (what a seed study of ten networks spends its
    time on is mostly the overhead of small calls).

    Member i is exactly ``MLP(layer_sizes, activation, init, seed=seeds[i], ...)``: its
    initial weights are built by that constructor, and ``fit`` gives each member its own
    batch order (the "batches" stream of its own seed, as ``MLP.fit``), so after training
    it equals a separate ``MLP(..., seed=s).fit(..., seed=s)`` up to floating-point
    rounding. ``model(i)`` and ``members()`` return ordinary ``MLP`` objects.

    Parameters
    ----------
    layer_sizes, activation, init, slope, init_options : as for ``MLP``
    seeds : sequence of int
        One non-negative integer seed per member (at least one).

    Attributes
    ----------
    weights : list of ndarray, weights[l] has shape (S, layer_sizes[l], layer_sizes[l+1])
    biases : list of ndarray, biases[l] has shape (S, layer_sizes[l+1])
    """

    def __init__(self, layer_sizes, activation="relu", init="he_normal", seeds=(0,), slope=0.01,
                 init_options=None):
        seeds = _stack_seeds([seeds] if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool) else seeds)
        nets = [MLP(layer_sizes, activation, init, seed=s, slope=slope, init_options=init_options)
                for s in seeds]
        self._stack(nets, seeds)

    @classmethod
    def from_models(cls, models, seeds):
        """A stack of given networks (e.g. LSUV or DBN starts, made by ``lessonlib.starts``).

        ``models`` are ``MLP`` objects of one architecture (sizes, activation, slope);
        ``seeds[i]`` is member i's seed, which ``fit`` uses for its batch order. The
        networks are copied into the stack; they are not changed.
        """
        models = _validate.sequence(models, "models", lambda m, name: _validate.instance(m, name, MLP, "a lessonlib.nn.MLP"),
                                    min_length=1, what="lessonlib.nn.MLP networks")
        first = models[0]
        for m in models[1:]:
            if (m.layer_sizes, m.activation, m.slope) != (first.layer_sizes, first.activation, first.slope):
                raise ValueError(
                    "models must share one architecture: sizes, activation and slope "
                    f"{first.layer_sizes}, {first.activation!r}, {first.slope}; got {m.layer_sizes}, "
                    f"{m.activation!r}, {m.slope}"
                )
        seeds = _stack_seeds(seeds, len(models), "model")
        stack = cls.__new__(cls)
        stack._stack(models, seeds)
        return stack

    def _stack(self, nets, seeds):
        self.seeds = [int(s) for s in seeds]
        first = nets[0]
        self.layer_sizes, self.activation, self.slope = first.layer_sizes, first.activation, first.slope
        self.binary, self.n_classes, self.init = first.binary, first.n_classes, first.init
        self._template = first
        self.weights = [np.stack([net.weights[l] for net in nets]) for l in range(first.n_layers)]
        self.biases = [np.stack([net.biases[l] for net in nets]) for l in range(first.n_layers)]

    def __repr__(self):
        sizes = "-".join(map(str, self.layer_sizes))
        return f"MLPStack({sizes}, activation={self.activation!r}, init={self.init!r}, seeds={self.seeds})"

    def __len__(self):
        return len(self.seeds)

    @property
    def n_layers(self):
        return len(self.weights)

    def model(self, i):
        """Member ``i`` as an ordinary ``MLP`` (a copy of its current weights)."""
        i = _validate.integer(i, "i", 0, len(self) - 1)
        import copy

        net = copy.copy(self._template)
        net.weights = [W[i].copy() for W in self.weights]
        net.biases = [b[i].copy() for b in self.biases]
        return net

    def members(self):
        """All members as ``MLP`` objects, in the order of ``seeds``."""
        return [self.model(i) for i in range(len(self))]

    # --- the batched passes (the maths of MLP._forward and MLP._trace, one axis more) ------

    def _forward(self, X, weights, biases):
        """(pre-activations, activations) per layer, each of shape (S, n, fan_out).

        ``X`` is (n, n_inputs), shared by all members, or (S, n, n_inputs), one batch each.
        """
        f = ACTIVATIONS[self.activation][0]
        pre, post = [], []
        a = X
        last = len(weights) - 1
        for layer, (W, b) in enumerate(zip(weights, biases)):
            z = np.matmul(a, W)
            z += b[:, None, :]
            if layer < last:
                a = f(z, self.slope)
            else:
                a = _output(z, self.binary, _stacked_log_softmax)
            pre.append(z)
            post.append(a)
        return pre, post

    def _outputs(self, X, weights, biases):
        """(output logits, output probabilities) of every member, each (S, n, n_outputs).

        The evaluation pass, in blocks of at most ``_single_thread_rows`` rows: every
        product then stays small enough that OpenBLAS computes it on one thread (it splits
        products of more than about half a million multiply-adds over threads, see
        ``_BLAS_ONE_THREAD``; on a busy 2-core machine a split product of a few million
        took ten times longer than on one thread, measured here). The rows are
        independent, so the blocks give the same numbers up to rounding in the last bits.
        """
        rows = _single_thread_rows(self.layer_sizes)
        n = X.shape[-2]
        if n <= rows:
            pre, post = self._forward(X, weights, biases)
            return pre[-1], post[-1]
        parts = [self._forward(X[..., start : start + rows, :], weights, biases) for start in range(0, n, rows)]
        return (np.concatenate([pre[-1] for pre, _ in parts], axis=1),
                np.concatenate([post[-1] for _, post in parts], axis=1))

    def _grads(self, Xb, yb, weights, biases):
        """Per layer (dW, db) of shape (S, fan_in, fan_out) and (S, fan_out) for batches Xb, yb."""
        pre, post = self._forward(Xb, weights, biases)
        S, m = yb.shape
        fprime = ACTIVATIONS[self.activation][1]
        if self.binary:
            delta = (post[-1] - yb[:, :, None]) / m
        else:
            delta = post[-1].copy()
            delta[np.arange(S)[:, None], np.arange(m)[None, :], yb] -= 1.0
            delta /= m
        grads = [None] * len(weights)
        for layer in range(len(weights) - 1, -1, -1):
            a_below = Xb if layer == 0 else post[layer - 1]
            grads[layer] = (np.matmul(a_below.transpose(0, 2, 1), delta), delta.sum(axis=1))
            if layer > 0:
                delta = np.matmul(delta, weights[layer].transpose(0, 2, 1)) * fprime(
                    pre[layer - 1], post[layer - 1], self.slope)
        return grads

    def _losses(self, z, y):
        """Mean cross-entropy per member from the output logits z (S, n, C) and labels y,
        (n,) shared or (S, n) one row per member: shape (S,)."""
        if self.binary:
            z = z[:, :, 0]
            return np.mean(np.logaddexp(0.0, z) - y * z, axis=1)
        if y.ndim == 2:  # one set of labels per member
            return -np.mean(np.take_along_axis(_stacked_log_softmax(z), y[:, :, None], axis=2)[:, :, 0], axis=1)
        return -np.mean(_stacked_log_softmax(z)[:, np.arange(len(y)), y], axis=1)

    def _labels(self, p):
        return (p[:, :, 0] > 0.5).astype(np.int64) if self.binary else p.argmax(axis=2)

    def score(self, X, y):
        """Accuracy of every member on (X, y): a list of S floats."""
        X = self._template.check_inputs(X)
        y = self._template._check_y(y, X.shape[0])
        with np.errstate(all="ignore"):
            p = self._outputs(X, self.weights, self.biases)[1]
        return [float(a) for a in np.mean(self._labels(p) == y, axis=1)]

    # --- training -------------------------------------------------------------------------

    def fit(self, X, y, epochs=10, lr=0.1, batch_size=32, momentum=0.0, seeds=None, X_val=None, y_val=None,
            patience=None, record_every=1):
        """Train every member as ``MLP.fit`` would; return one ``History`` per member.

        ``seeds`` (default: the stack's own seeds) gives each member's batch seed, i.e. the
        ``seed`` its separate ``MLP.fit`` call would get. Each member shuffles with its
        own stream, so each mini-batch step gathers a different batch per member,
        ``X[order_s]`` into one array of shape (S, batch, n_inputs). A member whose loss
        or weights become NaN or infinite stops there, exactly as ``MLP.fit`` stops: its
        history is marked ``diverged``, its later epochs are not recorded, its weights
        are those it diverged with, and the others train on unaffected (no warnings).

        Every member trains on the same (X, y) of shape (n, n_inputs) and (n,), or each on
        its own: X of shape (S, n, n_inputs) and y of shape (S, n), member i on ``X[i]``,
        ``y[i]`` (e.g. a different labelled subset per seed, all of one size); the same
        holds for ``X_val``, ``y_val``. ``patience`` is ``MLP.fit``'s early stopping, member
        by member: a member whose validation accuracy has not improved for ``patience``
        epochs stops (the others train on), and each member keeps the weights of its
        best epoch (``history.best_epoch``), as its separate ``MLP.fit`` would;
        ``record_every`` is ``MLP.fit``'s too (a member that overflows between two
        measurements stops at that epoch, with the weights it overflowed with).
        """
        X, y = self._check_data(X, y, "X", "y")
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                raise ValueError("give both X_val and y_val, or neither")
            X_val, y_val = self._check_data(X_val, y_val, "X_val", "y_val")
        epochs, lr, batch_size, momentum = self._template._check_fit(
            X[0] if X.ndim == 3 else X, y[0] if y.ndim == 2 else y, None, None, epochs, lr, batch_size, momentum)[4:]
        record_every = _validate.positive_int(record_every, "record_every")
        seeds = self.seeds if seeds is None else _stack_seeds(seeds, len(self))
        stoppers = None if _early_stopping(patience, X_val) is None else [EarlyStopping(patience) for _ in self.seeds]
        rngs = [child(s, "batches") for s in seeds]
        histories = [History() for _ in range(len(self))]
        n = X.shape[-2]
        active = np.arange(len(self))  # the members still training
        data = [X, y, X_val, y_val]  # the active members' data (per member, or shared)
        W = [w.copy() for w in self.weights]  # the active members' parameters
        b = [c.copy() for c in self.biases]
        best_W = None if stoppers is None else [w.copy() for w in self.weights]  # each member's best epoch
        best_b = None if stoppers is None else [c.copy() for c in self.biases]
        vel_W = [np.zeros_like(w) for w in W]
        vel_b = [np.zeros_like(c) for c in b]
        with np.errstate(all="ignore"):  # overflow shows up as a diverged member instead
            self._record(histories, active, 0, W, b, *data)
            alive = np.ones(len(active), dtype=bool)  # MLP.fit trains on after epoch 0 regardless
            if stoppers is not None:
                alive &= self._keep_best(stoppers, histories, active, 0, W, b, best_W, best_b)
            for epoch in range(1, int(epochs) + 1):
                if not alive.all():
                    self._store(active, W, b)
                    keep = np.flatnonzero(alive)
                    active = active[keep]
                    W, b = [w[keep] for w in W], [c[keep] for c in b]
                    vel_W, vel_b = [v[keep] for v in vel_W], [v[keep] for v in vel_b]
                    rngs = [rngs[j] for j in keep]
                    data = [d[keep] if d is not None and d.ndim == (3 if k % 2 == 0 else 2) else d
                            for k, d in enumerate(data)]
                if len(active) == 0:
                    break
                Xa, ya = data[0], data[1]
                orders = np.stack([rng.permutation(n) for rng in rngs])
                rows = np.arange(len(active))[:, None]
                for start in range(0, n, batch_size):
                    batch = orders[:, start : start + batch_size]
                    if Xa.ndim == 3:
                        grads = self._grads(Xa[rows, batch], ya[rows, batch], W, b)
                    else:
                        grads = self._grads(Xa[batch], ya[batch], W, b)
                    for layer, (dW, db) in enumerate(grads):
                        vel_W[layer] *= momentum
                        dW *= lr  # lr * dW, in the gradient's own array
                        vel_W[layer] -= dW
                        vel_b[layer] *= momentum
                        db *= lr
                        vel_b[layer] -= db
                        W[layer] += vel_W[layer]
                        b[layer] += vel_b[layer]
                # MLP.fit's test after every epoch: every weight and bias array's sum finite
                # (a member that overflows stops at this epoch, measured or not)
                finite = np.ones(len(active), dtype=bool)
                for array in (*W, *b):
                    finite &= np.isfinite(array.reshape(len(active), -1).sum(axis=1))
                for j in np.flatnonzero(~finite):
                    histories[active[j]].diverged = True
                if epoch % record_every and epoch != epochs:
                    alive = finite  # between two measurements: nothing recorded
                    continue
                alive = finite & self._record(histories, active, epoch, W, b, *data, finite)
                if stoppers is not None:
                    alive &= self._keep_best(stoppers, histories, active, epoch, W, b, best_W, best_b, alive)
        self._store(active, W, b)
        if stoppers is not None:
            for i, stopper in enumerate(stoppers):
                if stopper.best is not None:
                    for layer in range(self.n_layers):
                        self.weights[layer][i] = best_W[layer][i]
                        self.biases[layer][i] = best_b[layer][i]
                    histories[i].best_epoch = stopper.best
        return histories

    def _check_data(self, X, y, name_X, name_y):
        """(X, y) shared by every member, shapes (n, n_inputs) and (n,), or one set per
        member, (S, n, n_inputs) and (S, n); checked, as arrays."""
        n_inputs = self.layer_sizes[0]
        if isinstance(X, np.ndarray) and X.ndim == 3:
            X = _validate.array(X, name_X, shape=(len(self), None, n_inputs),
                                what=f"one set per member ({len(self)}), one row per example, {n_inputs} inputs")
            y = _validate.array(y, name_y, shape=(len(self), X.shape[1]), finite=False,
                                what=f"one row of labels per member of {name_X}, {X.shape[1]} each")
            y = np.stack([self._template._check_y(row, X.shape[1], f"{name_y}[{i}]") for i, row in enumerate(y)])
            return X, y
        X = self._template._check_X(X, name_X)
        return X, self._template._check_y(y, X.shape[0], name_y)

    def _keep_best(self, stoppers, histories, active, epoch, W, b, best_W, best_b, alive=None):
        """Early stopping after ``epoch``: store each new best, return which members train on."""
        go_on = np.ones(len(active), dtype=bool)
        improved = []
        for j, member in enumerate(active):
            history = histories[member]
            if (alive is not None and not alive[j]) or not history.epoch or history.epoch[-1] != epoch:
                continue
            if stoppers[member].update(epoch, history.val_accuracy[-1]):
                improved.append(j)
            go_on[j] = not stoppers[member].done
        if improved:
            for layer in range(self.n_layers):
                best_W[layer][active[improved]] = W[layer][improved]
                best_b[layer][active[improved]] = b[layer][improved]
        return go_on

    def _store(self, active, W, b):
        for layer in range(self.n_layers):
            self.weights[layer][active] = W[layer]
            self.biases[layer][active] = b[layer]

    def _record(self, histories, active, epoch, W, b, X, y, X_val, y_val, finite=None):
        """Append epoch ``epoch`` to the active members' histories; returns which are still alive."""
        z, p = self._outputs(X, W, b)
        losses = self._losses(z, y)
        accuracy = np.mean(self._labels(p) == y, axis=1)
        if X_val is not None:
            z_val, p_val = self._outputs(X_val, W, b)
            val_losses = self._losses(z_val, y_val)
            val_accuracy = np.mean(self._labels(p_val) == y_val, axis=1)
        alive = np.isfinite(losses)
        for j, member in enumerate(active):
            if finite is not None and not finite[j]:
                continue
            history = histories[member]
            if not alive[j]:
                history.diverged = True
                continue
            history.epoch.append(epoch)
            history.loss.append(float(losses[j]))
            history.accuracy.append(float(accuracy[j]))
            if X_val is not None:
                history.val_loss.append(float(val_losses[j]))
                history.val_accuracy.append(float(val_accuracy[j]))
        return alive


#: OpenBLAS gives a product of M x N x K multiply-adds M*N*K / (SMP_THRESHOLD_MIN 65536 *
#: GEMM_MULTITHREAD_THRESHOLD 4) threads (interface/gemm.c): one thread below this many.
_BLAS_ONE_THREAD = 2 * 65536 * 4


def _single_thread_rows(layer_sizes):
    """Rows per block of an evaluation pass whose every product OpenBLAS keeps on one thread."""
    widest = max(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    return max(1, _BLAS_ONE_THREAD // widest - 1)


def _stacked_log_softmax(z):
    """log softmax over the last (class) axis of z (S, n, C), like ``_log_softmax`` per member.

    The same maths; the row maximum and the row sum are taken column by column and by a
    product with ones, because numpy's reductions along a short last axis (10 classes)
    cost more than the rest of a small network's epoch.
    """
    top = z[..., 0].copy()
    for j in range(1, z.shape[-1]):
        np.maximum(top, z[..., j], out=top)
    shifted = z - top[..., None]
    return shifted - np.log(np.exp(shifted) @ np.ones(z.shape[-1]))[..., None]
