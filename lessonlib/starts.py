"""A network started by name: any initializer, a fixed-scale start, LSUV or a DBN.

``build_model("he_normal", [64, 32, 10], "relu", seed=0)`` is an ``MLP`` whose weights
come from ``lessonlib.init``; the names below add the starts the lecture and the papers
compare that are not a single formula:

==============  ===============================================================
"normal_0.01"   N(0, 0.01**2): "small random" (standard deviation 0.01)
"normal_1"      N(0, 1): ``randn`` without any scaling
"lsuv"          orthogonal, then LSUV on a batch of inputs (``lessonlib.lsuv``)
"dbn"           a stack of RBMs pre-trained on the inputs, unrolled (``lessonlib.dbn``)
==============  ===============================================================

"lsuv" and "dbn" are data-dependent: they need the training inputs (never the labels).
Every random draw comes from the one ``seed``, through separate streams
(``lessonlib.seeding.child``): the weights, the LSUV batch and the pre-training.
"""

from __future__ import annotations

import numpy as np

from lessonlib import _validate
from lessonlib import init as _init
from lessonlib.dbn import DBN
from lessonlib.i18n import N_, _
from lessonlib.lsuv import lsuv
from lessonlib.nn import ACTIVATIONS, MLP
from lessonlib.seeding import child

#: The named starts, with the labels the figures and tables show (English, marked for the
#: catalog: ``label(name)`` gives them in the current language).
LABELS = {
    "zeros": N_("all zeros"),
    "normal_0.01": "N(0, 0.01²)",
    "normal_1": "N(0, 1)",
    "slide_xavier": N_("slide one-liner (LeCun)"),
    "glorot_uniform": N_("Glorot uniform"),
    "he_normal": N_("He normal"),
    "orthogonal": N_("orthogonal"),
    "lsuv": "LSUV",
    "dbn": N_("DBN pre-training"),
}

#: Starts that are a name of ``lessonlib.init`` with options.
FIXED = {"normal_0.01": ("normal", {"std": 0.01}), "normal_1": ("normal", {"std": 1.0})}

#: The starts that need the training inputs.
DATA_DEPENDENT = ("lsuv", "dbn")


def start_names():
    """Every start name ``build_model`` accepts (``LABELS`` first, then ``init.names()``)."""
    return [*LABELS, *(n for n in _init.names() if n not in LABELS)]


def check_start(name):
    """Return ``name`` if it is a known start, else raise ValueError listing the valid ones."""
    return _validate.choice(name, "start", start_names())


def label(name):
    """The display label of a start ("N(0, 0.01²)" for "normal_0.01"), in the current language."""
    check_start(name)
    return _(LABELS[name]) if name in LABELS else name


def build_model(name, layer_sizes, activation, seed=0, X=None, slope=0.01,
                lsuv_batch=200, dbn_epochs=10, dbn_lr=0.2, pretrained=None):
    """A fresh ``MLP`` started by name: any start in ``start_names()``.

    Parameters
    ----------
    name : str
        The start (see the module's table and ``lessonlib.init.names()``).
    layer_sizes : sequence of int
        Input size, hidden sizes, output size.
    activation : str
        The hidden non-linearity (``lessonlib.nn.ACTIVATIONS``).
    seed : int
        One seed for the start; its streams are independent of each other.
    X : ndarray (n, n_inputs), optional
        The training inputs, needed by "lsuv" (a batch of ``lsuv_batch`` rows drawn from
        them) and "dbn" (pre-trained on all of them for ``dbn_epochs`` epochs at
        learning rate ``dbn_lr``). With fewer than ``lsuv_batch`` rows, LSUV uses all
        of them.
    pretrained : lessonlib.dbn.DBN, optional
        For "dbn": an already pre-trained stack to unroll instead of pre-training one
        (its layer sizes must match ``layer_sizes[:-1]``). Its hidden layers are sigmoid
        RBMs: with another activation the network keeps their weights but no longer
        computes the RBMs' features.
    """
    name = check_start(name)
    _validate.choice(activation, "activation", ACTIVATIONS)
    seed = _validate.integer(seed, "seed", low=0)
    sizes = _validate.sequence_of_ints(layer_sizes, "layer_sizes", min_length=2)
    slope = _validate.slope(slope)
    lsuv_batch = _validate.positive_int(lsuv_batch, "lsuv_batch")
    dbn_epochs = _validate.positive_int(dbn_epochs, "dbn_epochs")
    dbn_lr = _validate.positive(dbn_lr, "dbn_lr")
    if name == "dbn" and pretrained is not None:
        _validate.instance(pretrained, "pretrained", DBN, "a lessonlib.dbn.DBN")
        if list(pretrained.layer_sizes) != sizes[:-1]:
            raise ValueError(f"pretrained has layer sizes {pretrained.layer_sizes}, expected {sizes[:-1]}")
        model = pretrained.to_mlp(sizes[-1], activation=activation, seed=seed)
        model.slope = slope
        return model
    if name in DATA_DEPENDENT and X is None:
        raise ValueError(f"the start {name!r} is data-dependent: pass the training inputs X")
    if name == "lsuv":
        model = MLP(sizes, activation=activation, init="orthogonal", seed=seed, slope=slope)
        X = model.check_inputs(X)
        size = min(lsuv_batch, len(X))
        batch = X[child(seed, "lsuv").choice(len(X), size=size, replace=False)]
        lsuv(model, batch)
        model.init = "lsuv"
        return model
    if name == "dbn":
        dbn = DBN(sizes[:-1], seed=seed)
        dbn.pretrain(X, epochs=dbn_epochs, lr=dbn_lr)
        model = dbn.to_mlp(sizes[-1], activation=activation, seed=seed)
        model.slope = slope
        return model
    init, options = FIXED.get(name, (name, {}))
    model = MLP(sizes, activation=activation, init=init, seed=seed, slope=slope, init_options=options)
    model.init = name
    return model


def pre_activation_variances(model, X):
    """Var(z_l) of every weight layer of ``model`` on the inputs ``X`` (first layer first)."""
    X = _validate.instance(model, "model", MLP, "a lessonlib.nn.MLP").check_inputs(X)
    with np.errstate(all="ignore"):
        return [float(np.var(z)) for z in model.pre_activations(X)]
