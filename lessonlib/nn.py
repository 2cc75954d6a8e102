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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lessonlib import _validate
from lessonlib import init as _init
from lessonlib.seeding import child, make_rng
from lessonlib.training import History, all_finite

# --- activations: each forward rule beside its derivative --------------------------------


def sigmoid(z):
    """1 / (1 + exp(-z)), written through tanh so large |z| cannot overflow.

    Elementwise: +-inf give 1 and 0, NaN stays NaN, so a diverging training run reaches
    its divergence test (``History.diverged``) instead of being interrupted.
    """
    if not (isinstance(z, np.ndarray) and z.dtype.kind == "f"):
        z = _validate.array(z, "z", finite=False, allow_empty=True)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_grad(z, a, slope):
    return a * (1.0 - a)


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


@dataclass
class Trace:
    """Inside one forward and backward pass, per layer (index 0 = first weight layer).

    pre[l]   : z_l, the input to layer l's non-linearity, shape (n, fan_out)
    post[l]  : a_l = f(z_l) (for the last layer: the output probabilities)
    delta[l] : dLoss/dz_l, the back-propagated gradient at layer l
    grads[l] : (dW_l, db_l)
    loss     : the mean loss on the batch
    """

    pre: list
    post: list
    delta: list
    grads: list
    loss: float


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

    Attributes
    ----------
    weights : list of ndarray, weights[l] has shape (layer_sizes[l], layer_sizes[l+1])
    biases : list of ndarray, biases[l] has shape (layer_sizes[l+1],)
    """

    def __init__(self, layer_sizes, activation="relu", init="he_normal", seed=0, slope=0.01, init_options=None):
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

    def __repr__(self):
        sizes = "-".join(map(str, self.layer_sizes))
        return f"MLP({sizes}, activation={self.activation!r}, init={self.init!r})"

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

    def _forward(self, X):
        """Return (pre-activations, activations) of every layer; the last is the output."""
        f = ACTIVATIONS[self.activation][0]
        pre, post = [], []
        a = X
        with np.errstate(all="ignore"):  # overflow shows up as non-finite loss instead
            for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
                z = a @ W + b
                if layer < self.n_layers - 1:
                    a = f(z, self.slope)
                elif self.binary:
                    a = sigmoid(z)
                else:
                    a = np.exp(_log_softmax(z))
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

    def _trace(self, X, y, with_loss=True):
        pre, post = self._forward(X)
        n = X.shape[0]
        fprime = ACTIVATIONS[self.activation][1]
        deltas = [None] * self.n_layers
        grads = [None] * self.n_layers
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
        loss = self._loss_from_logits(pre[-1], y) if with_loss else float("nan")
        return Trace(pre=pre, post=post, delta=deltas, grads=grads, loss=loss)

    def trace(self, X, y):
        """One forward and backward pass with every intermediate kept (see ``Trace``)."""
        X = self._check_X(X)
        return self._trace(X, self._check_y(y, X.shape[0]))

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
        return all_finite(*self.weights, *self.biases)

    def fit(self, X, y, epochs=10, lr=0.1, batch_size=32, momentum=0.0, seed=0, X_val=None, y_val=None,
            callback=None):
        """Train with mini-batch SGD and momentum; return a ``History``.

        Each epoch shuffles the training set (from the "batches" stream of ``seed``,
        ``lessonlib.seeding.child``, independent of the stream that drew the weights) and takes one step per
        mini-batch: ``v = momentum * v - lr * grad``, ``W += v``. The history records the
        loss and accuracy on the whole training set before training (epoch 0) and after
        every epoch, plus on (X_val, y_val) when given. ``callback(epoch, model)``, if
        given, runs after each epoch.

        A run whose loss or weights become NaN or infinite stops and is marked
        ``history.diverged``: no warnings, no NaN columns.
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                raise ValueError("give both X_val and y_val, or neither")
            X_val = self._check_X(X_val, "X_val")
            y_val = self._check_y(y_val, X_val.shape[0], "y_val")
        epochs = _validate.integer(epochs, "epochs", low=0)
        batch_size = _validate.positive_int(batch_size, "batch_size")
        lr = _validate.positive(lr, "lr")
        momentum = _validate.real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
        callback = _validate.function(callback, "callback", optional=True)
        rng = child(seed, "batches")
        history = History()
        self._record(history, 0, X, y, X_val, y_val)
        velocity_W = [np.zeros_like(W) for W in self.weights]
        velocity_b = [np.zeros_like(b) for b in self.biases]
        n = X.shape[0]
        for epoch in range(1, int(epochs) + 1):
            order = rng.permutation(n)
            with np.errstate(all="ignore"):
                for start in range(0, n, batch_size):
                    batch = order[start : start + batch_size]
                    grads = self._trace(X[batch], y[batch], with_loss=False).grads
                    for layer, (dW, db) in enumerate(grads):
                        velocity_W[layer] *= momentum
                        velocity_W[layer] -= lr * dW
                        velocity_b[layer] *= momentum
                        velocity_b[layer] -= lr * db
                        self.weights[layer] += velocity_W[layer]
                        self.biases[layer] += velocity_b[layer]
            if not self._finite():
                history.diverged = True
                break
            self._record(history, epoch, X, y, X_val, y_val)
            if history.diverged:
                break
            if callback is not None:
                callback(epoch, self)
        return history

    def _record(self, history, epoch, X, y, X_val, y_val):
        pre, post = self._forward(X)
        loss = self._loss_from_logits(pre[-1], y)
        if not math.isfinite(loss):
            history.diverged = True
            return
        history.epoch.append(epoch)
        history.loss.append(loss)
        history.accuracy.append(float(np.mean(self._labels(post[-1]) == y)))
        if X_val is not None:
            pre_v, post_v = self._forward(X_val)
            history.val_loss.append(self._loss_from_logits(pre_v[-1], y_val))
            history.val_accuracy.append(float(np.mean(self._labels(post_v[-1]) == y_val)))

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
