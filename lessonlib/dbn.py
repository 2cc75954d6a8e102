"""A Deep Belief Network: RBMs stacked and trained one at a time, then unrolled.

The lecture's recipe (Hinton, Osindero & Teh 2006), in three steps:

1. **pre-training** (사전 학습), greedy and layer-wise: train an RBM on the data x;
   its hidden probabilities p(h1 | x) become the "data" of a second RBM; that one's
   hidden probabilities the data of a third, and so on up the stack. No labels are used.

       x  --RBM 1-->  h1 = p(h1 | x)  --RBM 2-->  h2 = p(h2 | h1)  --RBM 3-->  h3

2. **unrolling**: the stack becomes an ordinary feed-forward network. Hidden layer l
   computes sigmoid(a_{l-1} W_l + c_l) with the RBM's weights W_l and *hidden* biases
   c_l, which is exactly the RBM's forward pass p(h = 1 | v). The visible biases are
   only needed for the backward pass (reconstruction) and are dropped. A fresh output
   layer (softmax over the classes) goes on top: nothing below has seen a label, so
   there is nothing to pre-train it from.

3. **fine-tuning** (미세 조정): ordinary supervised backpropagation of the whole network
   (``MLP.fit``), starting from those weights.

Usage::

    dbn = DBN([64, 100, 100, 100], seed=0)
    dbn.pretrain(X_train, epochs=10, lr=0.05)         # X only, values in [0, 1]
    net = dbn.to_mlp(n_classes=10, seed=0)            # MLP 64-100-100-100-10, sigmoid
    net.fit(X_train, y_train, epochs=10, lr=0.5)      # fine-tuning

References
----------
Hinton, Osindero, Teh (2006). A fast learning algorithm for deep belief nets. Neural
Computation 18(7).
Hinton, Salakhutdinov (2006). Reducing the dimensionality of data with neural
networks. Science 313.
Bengio, Lamblin, Popovici, Larochelle (2007). Greedy layer-wise training of deep
networks. NIPS.
"""

from __future__ import annotations

from lessonlib import _validate
from lessonlib import init as _init
from lessonlib.i18n import _
from lessonlib.nn import MLP, check_activation
from lessonlib.rbm import RBM
from lessonlib.seeding import make_rng
from lessonlib.training import Diverged

#: The defaults of ``pretrain``: fast enough for the 8x8 digits (about a second for
#: 64-100-100-100 on two cores) and close to Hinton's practical guide (CD-1, small
#: mini-batches, momentum, a little weight decay).
PRETRAIN_DEFAULTS = dict(epochs=10, lr=0.05, k=1, batch_size=20, momentum=0.5, weight_decay=1e-4)


class DBN:
    """A stack of RBMs, one per pair of adjacent layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        Visible size first, then the hidden sizes, e.g. ``[64, 100, 100, 100]`` gives
        three RBMs: 64-100, 100-100 and 100-100.
    seed : int or numpy.random.Generator
        Draws every RBM's initial weights (N(0, weight_std**2)) and, unless ``pretrain``
        gets its own seed, the sampling and mini-batch order of pre-training.
    weight_std : float
        Standard deviation (not variance) of the RBMs' initial weights (0.01: Hinton 2010).

    Attributes
    ----------
    rbms : list of RBM
        ``rbms[l]`` connects layer l (its visible units) to layer l + 1 (its hidden units).
    histories : list of lessonlib.rbm.History
        One per RBM, from the last ``pretrain`` call (empty before).
    """

    def __init__(self, layer_sizes, seed=0, weight_std=0.01):
        self.layer_sizes = _validate.sequence_of_ints(
            layer_sizes, "layer_sizes", min_length=2,
            too_short=f"layer_sizes must list the visible size and at least one hidden size (e.g. [64, 100]), got {layer_sizes!r}",
        )
        rng = make_rng(seed)
        # One child seed per RBM (and one for pre-training), all drawn from ``seed``.
        self._seeds = [int(s) for s in rng.integers(0, 2**31, len(self.layer_sizes))]
        self.rbms = [
            RBM(n_visible, n_hidden, seed=s, weight_std=weight_std)
            for n_visible, n_hidden, s in zip(self.layer_sizes[:-1], self.layer_sizes[1:], self._seeds)
        ]
        self.histories = []

    def __repr__(self):
        state = _("pre-trained") if self.pretrained else _("not pre-trained")
        return f"DBN({'-'.join(map(str, self.layer_sizes))}, {state})"

    @property
    def n_rbms(self):
        """Number of RBMs (= number of hidden layers)."""
        return len(self.rbms)

    @property
    def pretrained(self):
        """True once ``pretrain`` has trained every RBM without diverging."""
        return len(self.histories) == self.n_rbms and not self.diverged

    @property
    def diverged(self):
        """True when the last ``pretrain`` diverged (an RBM's parameters became NaN/inf)."""
        return any(h.diverged for h in self.histories)

    def _check_X(self, X):
        return _validate.array(X, "X", shape=(None, self.layer_sizes[0]), low=0, high=1,
                               what=f"{self.layer_sizes[0]} visible units, values in [0, 1]")

    # --- step 1: greedy layer-wise pre-training ---------------------------------------------

    def pretrain(self, X, epochs=None, lr=None, k=None, batch_size=None, momentum=None,
                 weight_decay=None, seed=None, callback=None):
        """Train the RBMs greedily, bottom to top; return the list of their histories.

        RBM 1 is trained on X by CD-k (``RBM.fit``). Then X is replaced by RBM 1's hidden
        probabilities p(h1 | X) (``RBM.transform``), RBM 2 is trained on those, and so on.
        Each RBM is finished before the next one starts, and a trained RBM is never
        changed again: that is what "greedy" means. Labels play no part.

        Parameters
        ----------
        X : array (n_samples, layer_sizes[0]) of values in [0, 1]
            Binary data or probabilities (grey pixels scaled to [0, 1]).
        epochs, lr, k, batch_size, momentum, weight_decay :
            Passed to every ``RBM.fit``; each may also be a list with one value per RBM.
            Defaults: ``PRETRAIN_DEFAULTS``.
        seed : int or Generator, optional
            Sampling and mini-batch order; by default derived from the DBN's seed, so
            the same DBN seed gives the same stack.
        callback : callable, optional
            Called as ``callback(layer, rbm, history)`` after each RBM is trained
            (layer 0 is the bottom RBM).

        If an RBM diverges (its parameters become NaN or infinite: the learning rate is
        too large), pre-training stops there: its history says ``diverged``, the RBMs
        above it are left untrained, ``dbn.diverged`` is True and ``to_mlp`` raises
        ``lessonlib.training.Diverged``.

        Calling ``pretrain`` again continues training every RBM from where it is, on the
        (new) features of the layer below.
        """
        X = self._check_X(X)
        settings = dict(PRETRAIN_DEFAULTS)
        given = dict(epochs=epochs, lr=lr, k=k, batch_size=batch_size, momentum=momentum, weight_decay=weight_decay)
        settings.update({name: value for name, value in given.items() if value is not None})
        per_layer = {name: _validate.one_or_each(value, name, self.n_rbms, "RBM") for name, value in settings.items()}
        callback = _validate.function(callback, "callback", optional=True)
        rng = make_rng(self._seeds[-1] if seed is None else seed)
        histories = []
        data = X
        for layer, rbm in enumerate(self.rbms):
            options = {name: values[layer] for name, values in per_layer.items()}
            history = rbm.fit(data, seed=rng, track_likelihood=False, **options)
            histories.append(history)
            if history.diverged:  # the layers above would learn from NaN: stop here
                break
            if callback is not None:
                callback(layer, rbm, history)
            data = rbm.transform(data)  # the next RBM's data: hidden probabilities, not samples
        self.histories = histories
        return histories

    # --- looking inside -----------------------------------------------------------------------

    def layer_inputs(self, X):
        """What every RBM sees for X: [X, p(h1 | X), p(h2 | h1), ...], one array per layer.

        ``layer_inputs(X)[l]`` is the data RBM l is trained on (for l < n_rbms), and the
        last entry is the top layer's features.
        """
        data = self._check_X(X)
        out = [data]
        for rbm in self.rbms:
            data = rbm.transform(data)
            out.append(data)
        return out

    def transform(self, X, layer=None):
        """Hidden probabilities of ``layer`` (1 = first hidden layer; default: the top)."""
        layer = self.n_rbms if layer is None else _validate.integer(layer, "layer", low=1, high=self.n_rbms)
        return self.layer_inputs(X)[layer]

    def reconstruct(self, X, layer=None):
        """Up the stack to ``layer`` (default: the top) and back down to the pixels.

        Each step up is ``forward`` p(h | v), each step down ``backward`` p(v | h) with the
        same weights: what the stack "remembers" of X.
        """
        H = self.transform(X, layer)
        layer = self.n_rbms if layer is None else layer
        for rbm in reversed(self.rbms[:layer]):
            H = rbm.backward(H)
        return H

    # --- steps 2 and 3: unroll into a network and fine-tune ----------------------------------

    def to_mlp(self, n_classes, activation="sigmoid", seed=0, output_init="glorot_uniform"):
        """Unroll the stack into an ``MLP`` ready for fine-tuning.

        The network has sizes ``layer_sizes + [n_classes]``. Hidden layer l starts from
        a copy of ``rbms[l].W`` and ``rbms[l].hidden_bias`` (so with sigmoid units its
        output is exactly the RBM's p(h = 1 | v)); the output layer is new, drawn with
        ``output_init`` (default Glorot uniform, U(+-sqrt(6 / (fan_in + n_classes))): a
        softmax layer on top of features in [0, 1] that starts neither too small to
        learn nor large enough to saturate), with zero biases.

        ``activation`` other than "sigmoid" is allowed for experiments, but then the
        hidden layers no longer compute the features the RBMs learned.

        Raises ValueError before ``pretrain`` (an untrained stack is just N(0, 0.01**2)
        weights: use ``MLP(..., init="normal")`` for that).
        """
        n_classes = _validate.positive_int(n_classes, "n_classes")
        check_activation(activation)
        _init.resolve(output_init)
        if self.diverged:
            layer = next(l for l, h in enumerate(self.histories) if h.diverged) + 1
            raise Diverged(f"pre-training diverged in RBM {layer}: there is no stack to unroll (use a smaller lr)")
        if not self.pretrained:
            raise ValueError("call pretrain(X) before to_mlp: the stack has not been pre-trained yet")
        model = MLP([*self.layer_sizes, int(n_classes)], activation=activation, init=output_init, seed=seed)
        for layer, rbm in enumerate(self.rbms):
            model.weights[layer] = rbm.W.copy()
            model.biases[layer] = rbm.hidden_bias.copy()
        model.init = "dbn"
        return model
