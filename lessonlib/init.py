"""Weight initializers, by name.

``initialize(name, fan_in, fan_out, seed)`` returns a weight matrix of shape
(fan_in, fan_out): row i holds the weights leaving input i, so a layer computes
``x @ W`` for a batch ``x`` of shape (n, fan_in). fan-in (입력 수) is the number of
inputs of a layer, fan-out (출력 수) the number of outputs.

Every entry states its variance (not its standard deviation) and its source:

=================  ===================================  ==========================
name               distribution                         variance
=================  ===================================  ==========================
zeros              all 0                                0
constant           all ``value``                        0
normal             N(0, std**2)                         std**2
uniform            U(-limit, +limit)                    limit**2 / 3
slide_xavier       randn(fan_in, fan_out)/sqrt(fan_in)  1/fan_in  (the lecture's)
slide_he           randn/sqrt(fan_in/2)                 2/fan_in  (the lecture's)
lecun_normal       N(0, 1/fan_in)                       1/fan_in
glorot_standard    U(+-1/sqrt(fan_in))                  1/(3 fan_in)
glorot_uniform     U(+-sqrt(6/(fan_in+fan_out)))        2/(fan_in+fan_out)
glorot_normal      N(0, 2/(fan_in+fan_out))             2/(fan_in+fan_out)
he_normal          N(0, 2/fan_in)                       2/fan_in
he_uniform         U(+-sqrt(6/fan_in))                  2/fan_in
orthogonal         QR of a Gaussian, sign-corrected     1/max(fan_in, fan_out)
=================  ===================================  ==========================

The Glorot, He, LeCun and orthogonal initializers accept ``gain``: the standard
deviation is multiplied by it (variance by gain**2), as in PyTorch's ``calculate_gain``.

References
----------
LeCun, Bottou, Orr, Mueller (1998). Efficient BackProp.
Glorot, Bengio (2010). Understanding the difficulty of training deep feedforward neural
networks. AISTATS. (eq. 1: the "standard" heuristic; eq. 16: "normalized" init.)
He, Zhang, Ren, Sun (2015). Delving deep into rectifiers. ICCV.
Saxe, McClelland, Ganguli (2013). Exact solutions to the nonlinear dynamics of learning
in deep linear neural networks.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from lessonlib import _validate
from lessonlib.seeding import make_rng


def _layer(fan_in, fan_out, rng):
    """The checked arguments every initializer takes: two sizes and a generator."""
    return (_validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out"),
            make_rng(_validate.seed(rng, "rng")))


#: How each initializer option is checked (the same checks whether the option reaches
#: ``initialize``, ``variance`` or the initializer itself).
OPTION_CHECKS = {"std": _validate.scale, "limit": _validate.scale, "gain": _validate.scale, "value": _validate.real}


# Each initializer takes (fan_in, fan_out, rng, **options) and returns (fan_in, fan_out).


def zeros(fan_in, fan_out, rng):
    """All weights 0. Hidden units then receive no gradient (or identical ones)."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    return np.zeros((fan_in, fan_out))


def constant(fan_in, fan_out, rng, value=0.5):
    """All weights equal to ``value``: every hidden unit computes the same thing forever."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    return np.full((fan_in, fan_out), _validate.real(value, "value"))


def normal(fan_in, fan_out, rng, std=0.01):
    """N(0, std**2); ``std`` is the standard deviation (default 0.01, Hinton's RBM guide)."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    std = _validate.scale(std, "std")
    return rng.normal(0.0, std, (fan_in, fan_out))


def uniform(fan_in, fan_out, rng, limit=0.05):
    """U(-limit, +limit); variance limit**2 / 3."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    limit = _validate.scale(limit, "limit")
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def slide_xavier(fan_in, fan_out, rng):
    """The lecture slide's "Xavier": ``randn(fan_in, fan_out) / sqrt(fan_in)``.

    Its variance is 1/fan_in, which is LeCun's initialization (LeCun et al. 1998), not
    Glorot and Bengio's 2/(fan_in + fan_out).
    """
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)


def slide_he(fan_in, fan_out, rng):
    """The lecture slide's He: ``randn(fan_in, fan_out) / sqrt(fan_in / 2)``, variance 2/fan_in."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in / 2)


def lecun_normal(fan_in, fan_out, rng, gain=1.0):
    """N(0, gain**2 / fan_in) (LeCun et al. 1998)."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    std = _validate.scale(gain, "gain") / math.sqrt(fan_in)
    return rng.normal(0.0, std, (fan_in, fan_out))


def glorot_standard(fan_in, fan_out, rng):
    """U(+-1/sqrt(fan_in)), variance 1/(3 fan_in): the heuristic Glorot & Bengio's eq. 1 calls
    "standard" (also PyTorch's ``nn.Linear`` default)."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    limit = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def glorot_uniform(fan_in, fan_out, rng, gain=1.0):
    """U(+-gain*sqrt(6/(fan_in+fan_out))), variance gain**2 * 2/(fan_in+fan_out).

    Glorot & Bengio (2010) eq. 16, "normalized initialization": the compromise between
    the forward condition fan_in*Var(W) = 1 and the backward one fan_out*Var(W) = 1.
    """
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    limit = _validate.scale(gain, "gain") * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def glorot_normal(fan_in, fan_out, rng, gain=1.0):
    """N(0, gain**2 * 2/(fan_in+fan_out)): Glorot's variance drawn from a normal."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    std = _validate.scale(gain, "gain") * math.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, (fan_in, fan_out))


def he_normal(fan_in, fan_out, rng, gain=None):
    """N(0, 2/fan_in) (He et al. 2015): ReLU zeroes half the signal, so double LeCun's variance.

    ``gain`` replaces the factor sqrt(2) when given (e.g. ``relu_gain(slope)`` for leaky ReLU).
    """
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    g = math.sqrt(2.0) if gain is None else _validate.scale(gain, "gain")
    return rng.normal(0.0, g / math.sqrt(fan_in), (fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng, gain=None):
    """U(+-sqrt(6/fan_in)), variance 2/fan_in (PyTorch's ``kaiming_uniform_``)."""
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    g = math.sqrt(2.0) if gain is None else _validate.scale(gain, "gain")
    limit = g * math.sqrt(3.0 / fan_in)
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def orthogonal(fan_in, fan_out, rng, gain=1.0):
    """A (scaled) orthogonal matrix (Saxe et al. 2013).

    QR-decompose a Gaussian matrix and fix the signs of Q's columns by the signs of R's
    diagonal, so the result is uniformly distributed over orthogonal matrices. For
    fan_in >= fan_out the columns are orthonormal (W.T @ W = gain**2 I); otherwise the
    rows are (W @ W.T = gain**2 I).
    """
    fan_in, fan_out, rng = _layer(fan_in, fan_out, rng)
    gain = _validate.scale(gain, "gain")
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(rng.standard_normal((rows, cols)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    q = q * signs
    if fan_in < fan_out:
        q = q.T
    return gain * q


INITIALIZERS = {
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "slide_xavier": slide_xavier,
    "slide_he": slide_he,
    "lecun_normal": lecun_normal,
    "glorot_standard": glorot_standard,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "orthogonal": orthogonal,
}

#: Friendly aliases: "xavier" means Glorot's normalized (uniform) init, as in Keras and TF1.
ALIASES = {
    "xavier": "glorot_uniform",
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "he": "he_normal",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
    "lecun": "lecun_normal",
}


def names():
    """The initializer names ``initialize`` accepts (aliases not included)."""
    return list(INITIALIZERS)


def resolve(name):
    """Map an initializer name or alias to its canonical name, or raise ValueError."""
    key = _validate.text(name, "initializer name").strip().lower()
    key = _validate.choice(key, "initializer", [*INITIALIZERS, *ALIASES])
    return ALIASES.get(key, key)


def check_options(name, options):
    """``options`` (a dict) checked for the initializer ``name``: only the options it takes,
    each checked by ``OPTION_CHECKS`` (None only where it is the default, He's sqrt(2))."""
    key = resolve(name)
    options = _validate.instance(options, "options", dict, "a dict of initializer options")
    function = INITIALIZERS[key]
    _validate.options(options, function, f"initializer {key!r}", skip=("fan_in", "fan_out", "rng"))
    defaults = inspect.signature(function).parameters
    return {
        name: None if value is None and defaults[name].default is None else OPTION_CHECKS[name](value, name)
        for name, value in options.items()
    }


def initialize(name, fan_in, fan_out, rng=0, *, seed=None, **options):
    """Draw a weight matrix of shape (fan_in, fan_out) with the named initializer.

    Parameters
    ----------
    name : str
        One of ``names()`` or an alias such as "xavier" or "kaiming_normal".
    fan_in, fan_out : int
        Number of inputs and outputs of the layer; positive integers.
    rng : int or numpy.random.Generator
        Seed or generator for the draw (see ``lessonlib.seeding.make_rng``).
    seed : int or numpy.random.Generator, optional
        The same as ``rng``, under the name the rest of lessonlib uses; give one of them.
    **options
        Options of that initializer, e.g. ``std`` for "normal", ``value`` for
        "constant", ``gain`` for Glorot/He/LeCun/orthogonal.

    Raises
    ------
    ValueError
        Unknown name (the message lists the valid ones), non-positive sizes, or an
        option the initializer does not take.
    """
    key = resolve(name)
    fan_in = _validate.positive_int(fan_in, "fan_in")
    fan_out = _validate.positive_int(fan_out, "fan_out")
    check_options(key, options)
    if seed is not None:
        if rng not in (0, None) and rng is not seed:
            raise ValueError("give the seed once: as rng= or as seed=, not both")
        rng = seed
    return INITIALIZERS[key](fan_in, fan_out, make_rng(rng), **options)


def variance(name, fan_in, fan_out, **options):
    """The variance of one weight under the named initializer (the formula, not a sample).

    For "orthogonal" this is the average squared entry, gain**2 / max(fan_in, fan_out).
    The options are checked as ``initialize`` checks them: a name the initializer does
    not take (``sdt=``) or a bad value (``std=-1``) raises ValueError.
    """
    key = resolve(name)
    fan_in = _validate.positive_int(fan_in, "fan_in")
    fan_out = _validate.positive_int(fan_out, "fan_out")
    options = check_options(key, options)
    gain = options.get("gain")
    g2 = 1.0 if gain is None else float(gain) ** 2
    formulas = {
        "zeros": lambda: 0.0,
        "constant": lambda: 0.0,
        "normal": lambda: float(options.get("std", 0.01)) ** 2,
        "uniform": lambda: float(options.get("limit", 0.05)) ** 2 / 3.0,
        "slide_xavier": lambda: 1.0 / fan_in,
        "slide_he": lambda: 2.0 / fan_in,
        "lecun_normal": lambda: g2 / fan_in,
        "glorot_standard": lambda: 1.0 / (3.0 * fan_in),
        "glorot_uniform": lambda: g2 * 2.0 / (fan_in + fan_out),
        "glorot_normal": lambda: g2 * 2.0 / (fan_in + fan_out),
        "he_normal": lambda: (2.0 if gain is None else g2) / fan_in,
        "he_uniform": lambda: (2.0 if gain is None else g2) / fan_in,
        "orthogonal": lambda: g2 / max(fan_in, fan_out),
    }
    return formulas[key]()


def gain(activation, slope=0.01):
    """The recommended gain (std multiplier) for an activation, as PyTorch's ``calculate_gain``.

    identity and sigmoid: 1; tanh: 5/3; relu: sqrt(2); leaky_relu: sqrt(2/(1+slope**2)).
    For ReLU-like units the gain comes from He et al. (2015): half (or (1+a**2)/2) of the
    input's second moment survives the rectifier.
    """
    table = {
        "identity": 1.0,
        "linear": 1.0,
        "sigmoid": 1.0,
        "tanh": 5.0 / 3.0,
        "relu": math.sqrt(2.0),
    }
    _validate.choice(activation, "activation", [*table, "leaky_relu"])
    if activation == "leaky_relu":
        return math.sqrt(2.0 / (1.0 + _validate.slope(slope) ** 2))
    return table[activation]
