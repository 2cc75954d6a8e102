"""The default initializers a learner meets next: PyTorch, Keras, TF1 and Flax.

Every framework draws a dense layer's weights from a rule with a variance of the form
c / fan_in or c / (fan_in + fan_out), and most of them do not use the lecture's normal
distribution:

==========  ======================  ==============================  ==================  ================
framework   layer                   weight rule                     Var(W)              bias
==========  ======================  ==============================  ==================  ================
pytorch     torch.nn.Linear         kaiming_uniform_(a=sqrt 5)      1/(3 fan_in)        U(+-1/sqrt(fan_in))
                                    = U(+-1/sqrt(fan_in))
keras       keras.layers.Dense      glorot_uniform                  2/(fan_in+fan_out)  zeros
                                    = U(+-sqrt(6/(fan_in+fan_out)))
tf1         tf.contrib.layers.      xavier_initializer(): uniform,  2/(fan_in+fan_out)  zeros (set separately)
            xavier_initializer()    FAN_AVG, factor 1 = Glorot U
flax        flax.linen.Dense        lecun_normal: truncated normal  1/fan_in            zeros
                                    (+-2 sigma), scale 1, fan_in
==========  ======================  ==============================  ==================  ================

``draw_default(framework, fan_in, fan_out, seed)`` draws (W, b) by these rules with
lessonlib's seeded generator; W has lessonlib's shape (fan_in, fan_out), so a layer computes
``x @ W + b``. (PyTorch stores ``weight`` as (out_features, in_features) and computes
``x @ weight.T + bias``: its ``weight.T`` is our W.) ``NAMES`` lists what each framework
calls LeCun, Glorot and He.

The truncated normal: Keras' and JAX's ``variance_scaling`` with
``distribution="truncated_normal"`` draw from N(0, sigma**2) cut at +-2 sigma, with
sigma = sqrt(scale / n) / 0.87962566103423978, so that the std *after* truncation is
sqrt(scale / n); 0.8796... is the std of N(0, 1) truncated to [-2, 2].

References
----------
PyTorch: ``torch/nn/modules/linear.py`` (``Linear.reset_parameters``: kaiming_uniform_ with
a = sqrt(5), bias U(+-1/sqrt(fan_in))) and ``torch/nn/init.py`` (xavier_uniform_,
xavier_normal_, kaiming_uniform_, kaiming_normal_, default a = 0, mode "fan_in",
nonlinearity "leaky_relu"; pytorch/pytorch issue 57109 on the a = sqrt(5)).
Keras: ``keras.layers.Dense`` (kernel_initializer="glorot_uniform", bias_initializer="zeros");
``keras.initializers.VarianceScaling`` (the 0.87962566103423978 correction), HeNormal,
LecunNormal, GlorotNormal (all truncated normal).
TensorFlow 1: ``tf.contrib.layers.xavier_initializer(uniform=True)`` and
``variance_scaling_initializer(factor=2.0, mode='FAN_IN', uniform=False)`` (He, truncated
normal); "to get xavier_initializer use factor=1.0 mode='FAN_AVG' uniform=True".
Flax: ``flax.linen.Dense`` (kernel_init=lecun_normal(), bias_init=zeros);
``flax.linen.initializers.lecun_normal``: variance_scaling(1.0, "fan_in", "truncated_normal").
Glorot, Bengio (2010), AISTATS; He et al. (2015), ICCV; LeCun et al. (1998), Efficient BackProp.

Pages: https://pytorch.org/docs/stable/nn.init.html,
https://keras.io/api/layers/initializers/ (HeNormal: "a truncated normal distribution
centered on 0 with stddev = sqrt(2 / fan_in)"),
https://flax.readthedocs.io/en/latest/api_reference/flax.linen/layers.html (Dense),
https://docs.jax.dev/en/latest/jax.nn.initializers.html (lecun_normal, glorot_normal,
he_normal: variance_scaling with distribution="truncated_normal").
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from lessonlib import _validate
from lessonlib.i18n import N_, _, column_widths, pad
from lessonlib.seeding import make_rng

#: Std of N(0, 1) truncated to [-2, 2] (Keras' and JAX's variance_scaling constant).
TRUNCATED_STD = 0.87962566103423978

#: Where the truncated normal is cut, in units of the untruncated sigma.
TRUNCATION = 2.0


@dataclass(frozen=True)
class Default:
    """One framework's default dense layer: what it draws and the variance that gives."""

    framework: str
    layer: str
    weight_rule: str
    variance: str
    bias_rule: str


#: The texts of the rules are English, marked for the catalog: show them as ``_(d.weight_rule)``
#: (a rule that is only code is its own translation).
DEFAULTS = (
    Default("pytorch", "torch.nn.Linear", "kaiming_uniform_(a=√5) = U(±1/√fan_in)",
            "1/(3·fan_in)", "U(±1/√fan_in)"),
    Default("keras", "keras.layers.Dense", "glorot_uniform = U(±√(6/(fan_in+fan_out)))",
            "2/(fan_in+fan_out)", N_("zeros")),
    Default("tf1", "tf.contrib.layers.xavier_initializer()",
            N_("uniform, mode FAN_AVG, factor 1 = Glorot uniform"),
            "2/(fan_in+fan_out)", N_("zeros (biases are set separately; fully_connected's default)")),
    Default("flax", "flax.linen.Dense", N_("lecun_normal = truncated normal (±2σ), scale 1, fan_in"),
            "1/fan_in", N_("zeros")),
)

FRAMEWORKS = tuple(d.framework for d in DEFAULTS)

#: What each framework calls LeCun's, Glorot's and He's start (the function or class, and
#: the distribution it draws from by default). English, marked for the catalog: show an
#: entry as ``_(NAMES[framework][who])``.
NAMES = {
    "pytorch": {
        "lecun": N_("torch.nn.init.kaiming_normal_(w, nonlinearity='linear')  (no LeCun function; N(0, 1/fan_in))"),
        "glorot": N_("torch.nn.init.xavier_uniform_ (uniform), torch.nn.init.xavier_normal_ (normal)"),
        "he": N_("torch.nn.init.kaiming_normal_ (normal), torch.nn.init.kaiming_uniform_ (uniform); "
                 "defaults a=0, mode='fan_in', nonlinearity='leaky_relu' give gain √2"),
    },
    "keras": {
        "lecun": N_("keras.initializers.LecunNormal (truncated normal), LecunUniform"),
        "glorot": N_("keras.initializers.GlorotUniform (the Dense default), GlorotNormal (truncated normal)"),
        "he": N_("keras.initializers.HeNormal (truncated normal), HeUniform"),
    },
    "tf1": {
        "lecun": "tf.contrib.layers.variance_scaling_initializer(factor=1.0, mode='FAN_IN')",
        "glorot": N_("tf.contrib.layers.xavier_initializer() (uniform; uniform=False: truncated normal)"),
        "he": N_("tf.contrib.layers.variance_scaling_initializer() (defaults factor=2.0, mode='FAN_IN', "
                 "truncated normal)"),
    },
    "flax": {
        "lecun": N_("flax.linen.initializers.lecun_normal (the Dense default, truncated normal), lecun_uniform"),
        "glorot": N_("flax.linen.initializers.glorot_uniform (= xavier_uniform), glorot_normal (truncated normal)"),
        "he": N_("flax.linen.initializers.he_normal (= kaiming_normal, truncated normal), he_uniform"),
    },
}


def _check_framework(framework):
    return _validate.choice(framework, "framework", FRAMEWORKS)


def truncated_normal(shape, sigma, rng=0, bound=TRUNCATION):
    """N(0, sigma**2) conditioned on |w| <= bound * sigma, by vectorised resampling.

    Draw everything, then redraw only the values outside the bounds until none is left
    (each round keeps about 95.4 % at bound = 2, so a million values need about a dozen
    rounds). The result's std is ``TRUNCATED_STD * sigma`` at bound = 2: pass
    ``sigma = target_std / TRUNCATED_STD`` for a given std after truncation, as Keras and
    JAX do.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the draw.
    sigma : float
        Std of the normal *before* truncation; positive.
    rng : int or numpy.random.Generator
        Seed or generator (``lessonlib.seeding.make_rng``).
    bound : float
        Cut-off in units of sigma (default 2), at least 0.5.

    Returns
    -------
    ndarray
    """
    shape = tuple(_validate.sequence_of_ints((shape,) if isinstance(shape, numbers.Integral) else shape, "shape", low=0))
    sigma = _validate.scale(sigma, "sigma")
    bound = _validate.scale(bound, "bound")
    if bound < 0.5:
        raise ValueError(f"bound must be at least 0.5 (else resampling is slow), got {bound!r}")
    rng = make_rng(rng)
    values = rng.standard_normal(shape)
    outside = np.abs(values) > bound
    while np.any(outside):
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > bound
    return sigma * values


def truncated_normal_std(bound=TRUNCATION):
    """Std of N(0, 1) truncated to [-bound, bound]: sqrt(1 - 2 bound pdf(bound) / (2 cdf(bound) - 1))."""
    bound = _validate.scale(bound, "bound")
    pdf = math.exp(-0.5 * bound**2) / math.sqrt(2 * math.pi)
    mass = math.erf(bound / math.sqrt(2))
    return math.sqrt(1.0 - 2.0 * bound * pdf / mass)


def default_variance(framework, fan_in, fan_out):
    """(Var(W), Var(b)) of the framework's default dense layer (the formulas, not samples).

    pytorch: (1/(3 fan_in), 1/(3 fan_in)); keras and tf1: (2/(fan_in+fan_out), 0);
    flax: (1/fan_in, 0).
    """
    framework = _check_framework(framework)
    fan_in, fan_out = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    if framework == "pytorch":
        return 1.0 / (3.0 * fan_in), 1.0 / (3.0 * fan_in)
    if framework in ("keras", "tf1"):
        return 2.0 / (fan_in + fan_out), 0.0
    return 1.0 / fan_in, 0.0


def bounds(framework, fan_in, fan_out):
    """(largest |w|, largest |b|) the default can draw.

    For the uniform rules the limit of U(-limit, limit); for Flax's truncated normal the
    cut at 2 sigma = 2 sqrt(1/fan_in) / 0.8796...; 0 for zero biases.
    """
    framework = _check_framework(framework)
    fan_in, fan_out = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    if framework == "pytorch":
        return 1.0 / math.sqrt(fan_in), 1.0 / math.sqrt(fan_in)
    if framework in ("keras", "tf1"):
        return math.sqrt(6.0 / (fan_in + fan_out)), 0.0
    return TRUNCATION * math.sqrt(1.0 / fan_in) / TRUNCATED_STD, 0.0


def draw_default(framework, fan_in, fan_out, seed=0):
    """Draw (W, b) as the framework's default dense layer would, with lessonlib's rng.

    Parameters
    ----------
    framework : str
        "pytorch", "keras", "tf1" or "flax".
    fan_in, fan_out : int
        Inputs and outputs of the layer.
    seed : int or numpy.random.Generator
        Seed or generator (``lessonlib.seeding.make_rng``); W is drawn first, then b.

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
        (PyTorch's ``weight`` is its transpose.)
    b : ndarray of shape (fan_out,)
    """
    framework = _check_framework(framework)
    fan_in, fan_out = _validate.positive_int(fan_in, "fan_in"), _validate.positive_int(fan_out, "fan_out")
    rng = make_rng(seed)
    w_limit, b_limit = bounds(framework, fan_in, fan_out)
    if framework == "flax":
        W = truncated_normal((fan_in, fan_out), math.sqrt(1.0 / fan_in) / TRUNCATED_STD, rng)
    else:
        W = rng.uniform(-w_limit, w_limit, (fan_in, fan_out))
    if framework == "pytorch":
        b = rng.uniform(-b_limit, b_limit, fan_out)
    else:
        b = np.zeros(fan_out)
    return W, b


def table():
    """``DEFAULTS`` as printable text, one framework a line, in the current language.

    The columns have the English widths; a column widens where a translated text needs it.
    """
    english = [["framework", "layer", "weights", "Var(W)", "bias"],
               *([d.framework, d.layer, d.weight_rule, d.variance, d.bias_rule] for d in DEFAULTS)]
    shown = [[_("framework"), _("layer"), _("weights"), "Var(W)", _("bias")],
             *([d.framework, d.layer, _(d.weight_rule), d.variance, _(d.bias_rule)] for d in DEFAULTS)]
    widths = column_widths(shown, english, (9, 40, 52, 19))
    return "\n".join(" ".join([*(pad(cell, width) for cell, width in zip(row, widths)), row[-1]]) for row in shown)
