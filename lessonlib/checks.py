"""Automatic checks for the exercises.

A check never raises in a notebook: it returns a ``Verdict`` that shows what is right,
or what is not yet right and why, and is true only when everything passed. An exercise cell that still holds
``raise NotImplementedError`` gets a friendly "not done yet". ``lessonlib.solutions``
holds reference answers, which pass every check (tested).

Every message is in the language of the notebook (``lessonlib.set_language``): a check
looks its sentences up in the catalog when it runs, whole sentences with their numbers as
``{fields}``, so a Korean learner's check answers in Korean.
"""

from __future__ import annotations

import functools
import math
import re
import warnings

import numpy as np

from lessonlib.i18n import N_, _
from lessonlib.nn import MLP


class Verdict:
    """The outcome of a check: true when passed; shows its explanation when displayed.

    A notebook cell that ends with a check displays the verdict; ``bool(verdict)`` is
    what tests use; ``print(verdict)`` works anywhere.
    """

    def __init__(self, title, failures):
        self.title = title
        self.failures = list(failures)

    def __bool__(self):
        return not self.failures

    def __str__(self):
        if not self.failures:
            return _("Correct -- {title}.").format(title=self.title)
        return "\n".join([_("Not yet -- {title}:").format(title=self.title), *(f"  - {line}" for line in self.failures)])

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def _report(title, failures):
    return Verdict(title, failures)


def _call(func, *args):
    """Run the learner's function; return (result, problem text or None)."""
    if not callable(func):
        return None, _("expected a function, got {type}: pass the function itself, without calling it").format(
            type=type(func).__name__)
    try:
        return func(*args), None
    except NotImplementedError:
        return None, _("the function still raises NotImplementedError: fill in the TODO")
    except Exception as exc:  # a check reports, it does not crash the notebook
        return None, _("calling it raised {error}: {message}").format(error=type(exc).__name__, message=exc)


def _numbers(result):
    """The learner's answer as a float64 array: (array, None), or (None, what is wrong).

    A string, None, a generator, a ragged list or complex numbers are no array of
    real numbers; they are reported, never raised.
    """
    if result is None or isinstance(result, (str, bytes)) or not hasattr(result, "__len__") and not np.isscalar(result):
        return None, _("expected an array of numbers, got {type}").format(type=type(result).__name__)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. complex numbers cast to real
            return np.asarray(result, dtype=np.float64), None
    except Exception:  # a ragged list, strings inside, objects: a report, not a crash
        return None, _("expected an array of real numbers (all rows the same length), got a {type} that is not one").format(
            type=type(result).__name__)


def _answer(func, *args):
    """The learner's ``func(*args)`` as a float64 array: (array, None) or (None, problem)."""
    result, problem = _call(func, *args)
    return (None, problem) if problem else _numbers(result)


def _same_draw(func, args, W):
    """Problems with reproducibility: the same seed must repeat W, another must not."""
    again = _answer(func, *args)[0]
    other = _answer(func, *args[:-1], args[-1] + 1)[0]
    if again is None or not np.array_equal(again, W):
        return [_("the same seed must give the same weights (draw from np.random.default_rng(seed))")]
    if other is not None and np.array_equal(other, W):
        return [_("a different seed should give different weights")]
    return []


def _never_raises(check):
    """Whatever the learner's answer, the check returns a Verdict (never an exception or
    a numpy warning): an unexpected failure is reported as "Not yet"."""

    @functools.wraps(check)
    def wrapper(func):
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return check(func)
        except Exception as exc:  # the answer broke the check itself: say so, do not crash
            return _report(_docstring_title(check), [_("the answer could not be checked ({error}: {message})").format(
                error=type(exc).__name__, message=exc)])

    return wrapper


def _docstring_title(check):
    """The title of a check that broke: its docstring's first words, "Exercise of notebook 01"."""
    title = (check.__doc__ or check.__name__).split(":")[0]
    match = re.fullmatch(r"Exercise of notebook (\d+)", title)
    return _("Exercise of notebook {number}").format(number=match.group(1)) if match else title


# --- notebook 00: is this environment ready? ---------------------------------------------

#: What the series needs, with the oldest versions it is tested with (Colab's, 2026).
REQUIREMENTS = {"numpy": "1.24", "matplotlib": "3.7", "ipywidgets": "7.7"}


def _version_tuple(text):
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_environment():
    """Verdict on this Python environment: Python >= 3.10, the libraries, the data.

    Prints no version numbers, so every machine that is ready shows the same text.
    """
    import importlib
    import sys

    failures = []
    if sys.version_info < (3, 10):
        failures.append(_("Python 3.10 or newer is needed, this is {version}").format(version=sys.version.split()[0]))
    for name, oldest in REQUIREMENTS.items():
        try:
            module = importlib.import_module(name)
        except ImportError:
            failures.append(_("{name} is not installed: run  python -m pip install -r requirements.txt").format(name=name))
            continue
        if _version_tuple(module.__version__) < _version_tuple(oldest):
            failures.append(_("{name} {version} is older than {oldest}: please upgrade it").format(
                name=name, version=module.__version__, oldest=oldest))
    try:
        from lessonlib.data import load_digits

        X = load_digits()[0]
        if X.shape != (1797, 64):
            failures.append(_("the digits have shape {shape}, expected (1797, 64)").format(shape=X.shape))
    except Exception as exc:  # report, never crash the start page
        failures.append(_("the bundled digits did not load: {error}").format(error=exc))
    return _report(_("Python, numpy, matplotlib, ipywidgets and the bundled data are ready"), failures)


# --- notebook 00: the warm-up, the loss of a classifier that knows nothing ------------------


def _one_line(value, width=60):
    """``repr(value)`` on one line, cut to about ``width`` characters: what a hint quotes of
    a learner's answer (a big array's repr would fill many lines)."""
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[: width - 3].rstrip(", ") + " ..."


def _as_number(value):
    """``value`` as a float, or None when it is not one number (a check never raises)."""
    if value is None or isinstance(value, (bool, str, bytes)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # complex numbers cast to real: not one real number
            array = np.asarray(value, dtype=np.float64)
    except Exception:  # a check reports, it does not crash the notebook
        return None
    if array.size != 1:
        return None
    return float(array.reshape(()))


def check_initial_loss(func):
    """Warm-up of notebook 00: ``func(n_classes)`` is the cross-entropy, in nats, of guessing.

    A classifier that gives each of C classes probability 1/C has loss -ln(1/C) = ln C on
    every example (2.3026 nats for the ten digits: the first loss printed in notebook 01).
    Checked for C = 2, 10 and 100. Typical slips get their own hint: log base 10 or 2,
    the wrong sign, the probability instead of its logarithm, a sum over the classes, a
    constant that ignores ``n_classes``.
    """
    title = _("the loss of a classifier that knows nothing, ln C nats")
    wrong = [
        (math.log10, _("that is log base 10; cross-entropy uses the natural log ln (np.log), whose unit is the nat")),
        (math.log2, _("that is log base 2 (bits); cross-entropy here uses the natural log ln (np.log): nats")),
        (lambda c: -math.log(c), _("the sign: the loss is -ln(p) with p = 1/C, a positive number")),
        (lambda c: 1.0 / c, _("1/C is the probability of the right class; the loss is -ln of that probability")),
        (lambda c: c * math.log(c), _("that sums over all C classes; cross-entropy counts only the right class's -ln p")),
        (lambda c: math.log(c - 1) if c > 1 else 0.0, _("close, but every one of the C classes gets 1/C, so p = 1/C")),
    ]
    results = {}
    for n in (2, 10, 100):
        value, problem = _call(func, n)
        if problem:
            return _report(title, [problem])
        number = _as_number(value)
        if number is None:
            return _report(title, [_("for n_classes = {n} it returned {value}: return one number, e.g. a float").format(
                n=n, value=_one_line(value))])
        if not math.isfinite(number):
            return _report(title, [_("for n_classes = {n} it returned {value}: a loss of a fair guess is finite").format(
                n=n, value=number)])
        results[n] = number
    if all(math.isclose(results[n], math.log(n), rel_tol=1e-6) for n in results):
        return _report(title, [])
    for reference, hint in wrong:
        if all(math.isclose(results[n], reference(n), rel_tol=1e-6, abs_tol=1e-12) for n in results):
            return _report(title, [hint])
    if len({round(v, 9) for v in results.values()}) == 1:
        return _report(title, [_("it returns {value:.4f} whatever n_classes is; the loss grows with the number of classes").format(
            value=results[2])])
    got = ", ".join(_("{value:.4f} for {n}").format(value=results[n], n=n) for n in results)
    return _report(title, [_("expected ln C (0.6931 for 2 classes, 2.3026 for 10); got {got}. "
                             "Each class gets probability 1/C: what is -ln(1/C)?").format(got=got)])


# --- notebook 01: break the symmetry ---------------------------------------------------------


@_never_raises
def check_small_random_init(func):
    """Exercise of notebook 01: ``func(fan_in, fan_out, seed)`` returns N(0, 0.01**2) weights.

    Checked: the shape (fan_in, fan_out); mean about 0 and standard deviation about 0.01
    on a large draw; the same seed gives the same matrix and another seed another one;
    and a network started from it breaks the symmetry (its hidden units differ) and
    learns the digits.
    """
    title = _("small random initialization N(0, 0.01^2)")
    W, problem = _answer(func, 300, 200, 0)
    if problem:
        return _report(title, [problem])
    failures = []
    if W.shape != (300, 200):
        return _report(title, [_("expected an array of shape (300, 200), got {shape}").format(shape=W.shape)])
    if not np.all(np.isfinite(W)):
        return _report(title, [_("the weights contain NaN or infinity")])
    std = float(W.std())
    if abs(float(W.mean())) > 5e-4:
        failures.append(_("the mean should be about 0, got {mean:.4f}").format(mean=W.mean()))
    if not 0.0097 < std < 0.0103:
        if 5e-5 < std < 2e-4:
            failures.append(_("the standard deviation should be about 0.01, got {std:.4f} (did you square it? "
                              "0.01 is the standard deviation, 0.0001 the variance)").format(std=std))
        else:
            failures.append(_("the standard deviation should be about 0.01, got {std:.4f}").format(std=std))
    failures += _same_draw(func, (300, 200, 0), W)
    if failures:
        return _report(title, failures)
    from lessonlib.data import digits_split

    X_train, X_test, y_train, y_test = digits_split()
    try:
        model = MLP([64, 32, 10], activation="relu", init=lambda i, o, rng: func(i, o, 0), seed=0)
    except ValueError as exc:  # e.g. the function ignores fan_in and fan_out
        return _report(title, [_("a 64-32-10 network could not start from it: {error}").format(error=exc)])
    model.fit(X_train, y_train, epochs=10, lr=0.1, momentum=0.9)
    spread = model.hidden_unit_spread(0)
    accuracy = model.score(X_test, y_test)
    if spread == 0.0:
        failures.append(_("the hidden units of a network started from it are identical"))
    if not accuracy > 0.8:
        failures.append(_("a 64-32-10 ReLU network started from it reached only {accuracy:.2f} test accuracy").format(
            accuracy=accuracy))
    return _report(title, failures)


# --- notebook 02: the RBM's forward pass p(h | v) --------------------------------------------


@_never_raises
def check_hidden_probabilities(func):
    """Exercise of notebook 02: ``func(V, W, c)`` returns p(h = 1 | v) for each row of V.

    V has shape (n, n_visible), W (n_visible, n_hidden), c (n_hidden,); the answer is
    sigmoid(V @ W + c), shape (n, n_hidden). Checked on random models against
    ``lessonlib.rbm.RBM.mean_hiddens``, with hints for the usual slips (a missing bias,
    a flipped sign, samples instead of probabilities).
    """
    from lessonlib.rbm import RBM

    title = "p(h = 1 | v) = sigmoid(v W + c)"  # a formula: the same in every language
    rng = np.random.default_rng(2)
    model = RBM.from_parameters(rng.normal(0, 1, (6, 4)), rng.normal(0, 1, 6), rng.normal(0, 1, 4))
    V = (rng.random((5, 6)) < 0.5).astype(np.float64)
    V[0] = 1.0  # a row where every weight counts
    expected = model.mean_hiddens(V)
    result, problem = _answer(func, V.copy(), model.W.copy(), model.hidden_bias.copy())
    if problem:
        return _report(title, [problem])
    if result.shape != expected.shape:
        return _report(title, [_("for V of shape (5, 6) and W of shape (6, 4) expected shape (5, 4), got {shape}").format(
            shape=result.shape)])
    if np.allclose(result, expected, atol=1e-8):
        return _report(title, [])
    hints = []
    if np.allclose(result, 1.0 - expected, atol=1e-8):
        hints.append(_("you get 1 - p: check the sign inside the exponential, sigmoid(z) = 1 / (1 + exp(-z))"))
    elif np.allclose(result, 1.0 / (1.0 + np.exp(-(V @ model.W))), atol=1e-8):
        hints.append(_("the hidden bias c is missing: sigmoid(V @ W + c)"))
    elif set(np.unique(result)) <= {0.0, 1.0}:
        hints.append(_("the values are all 0 or 1: return probabilities, not sampled states"))
    elif np.allclose(result, V @ model.W + model.hidden_bias, atol=1e-8):
        hints.append(_("that is the input to the sigmoid; apply sigmoid to it"))
    else:
        worst = float(np.max(np.abs(result - expected)))
        hints.append(_("values differ from sigmoid(V @ W + c) by up to {worst:.3g}").format(worst=worst))
    return _report(title, hints)


# --- notebook 03: unroll a pre-trained stack into a network ----------------------------------


@_never_raises
def check_unroll(func):
    """Exercise of notebook 03: ``func(dbn, n_classes, seed)`` unrolls a pre-trained DBN.

    Expected: an ``MLP`` of sizes ``dbn.layer_sizes + [n_classes]`` with sigmoid hidden
    units, whose hidden layer l starts from copies of ``dbn.rbms[l].W`` and
    ``dbn.rbms[l].hidden_bias``, and a fresh, random output layer (the same for the same
    seed). Hints for the usual slips: the visible bias instead of the hidden one, shared
    arrays instead of copies, a transposed matrix, an all-zero output layer.
    """
    from lessonlib.dbn import DBN

    title = _("unroll a pre-trained DBN into a network")
    rng = np.random.default_rng(3)
    X = (rng.random((60, 6)) < 0.4).astype(np.float64)
    dbn = DBN([6, 5, 4], seed=0)
    dbn.pretrain(X, epochs=3, lr=0.1, batch_size=10)
    originals = [rbm.parameters() for rbm in dbn.rbms]
    net, problem = _call(func, dbn, 3, 0)
    if problem:
        return _report(title, [problem])
    if not isinstance(net, MLP):
        return _report(title, [_("expected an MLP, got {type}").format(type=type(net).__name__)])
    if net.layer_sizes != [6, 5, 4, 3]:
        return _report(title, [_("for a 6-5-4 stack and 3 classes expected sizes [6, 5, 4, 3], got {sizes}").format(
            sizes=net.layer_sizes)])
    failures = []
    if net.activation != "sigmoid":
        failures.append(_("the hidden units should be sigmoid, like the RBMs' p(h | v); got {activation}").format(
            activation=repr(net.activation)))
    for layer, (rbm, (W, b, c)) in enumerate(zip(dbn.rbms, originals)):
        where = {"layer": layer + 1, "index": layer}
        (weights, problem), (bias, bias_problem) = _numbers(net.weights[layer]), _numbers(net.biases[layer])
        if problem or bias_problem:
            failures.append(_("hidden layer {layer}: weights and biases must be arrays of numbers ({problem})").format(
                problem=problem or bias_problem, **where))
            continue
        if weights.shape == W.T.shape and weights.shape != W.shape:
            failures.append(_("hidden layer {layer}: the weights are transposed; the MLP wants (fan_in, fan_out) = "
                              "{shape}, like rbm.W").format(shape=W.shape, **where))
        elif not np.array_equal(weights, W):
            failures.append(_("hidden layer {layer}: the weights should be a copy of dbn.rbms[{index}].W").format(**where))
        if bias.shape == b.shape and np.array_equal(bias, b) and b.shape != c.shape:
            failures.append(_("hidden layer {layer}: that is the visible bias (used only on the way back down); "
                              "take hidden_bias").format(**where))
        elif not np.array_equal(bias, c):
            failures.append(_("hidden layer {layer}: the biases should be a copy of dbn.rbms[{index}].hidden_bias").format(
                **where))
        if net.weights[layer] is rbm.W or net.biases[layer] is rbm.hidden_bias:
            failures.append(_("hidden layer {layer}: the network shares its arrays with the RBM; use .copy(), or "
                              "fine-tuning changes the RBM too").format(**where))
    out, problem = _numbers(net.weights[-1])
    if problem:
        failures.append(_("the output layer: {problem}").format(problem=problem))
    elif out.shape != (4, 3):
        failures.append(_("the output layer should have shape (4, 3), got {shape}").format(shape=out.shape))
    elif np.all(out == 0):
        failures.append(_("the output layer is all zeros: draw it at random (e.g. init='glorot_uniform')"))
    if failures:
        return _report(title, failures)
    again = _call(func, dbn, 3, 0)[0]
    if not isinstance(again, MLP) or not np.array_equal(_numbers(again.weights[-1])[0], out):
        failures.append(_("the same seed should give the same output layer"))
    return _report(title, failures)


# --- notebook 04: write your own Xavier and He ---------------------------------------------


def _check_variance_init(func, title, expected_name, wrong):
    """Shared checks of a learner's ``func(fan_in, fan_out, seed)``.

    ``expected_name`` is the variance formula's label; ``wrong`` maps labels of likely
    mistakes to their variance at the test shape (400, 100), for the hints.
    """
    fan_in, fan_out = 400, 100
    W, problem = _answer(func, fan_in, fan_out, 0)
    if problem:
        return _report(title, [problem])
    if W.shape != (fan_in, fan_out):
        return _report(title, [_("expected an array of shape ({fan_in}, {fan_out}) = (fan_in, fan_out), got {shape}").format(
            fan_in=fan_in, fan_out=fan_out, shape=W.shape)])
    if not np.all(np.isfinite(W)):
        return _report(title, [_("the weights contain NaN or infinity")])
    small = _answer(func, 3, 7, 0)[0]
    failures = []
    if small is None or small.shape != (3, 7):
        failures.append(_("for fan_in=3, fan_out=7 expected shape (3, 7), got {shape}").format(
            shape=None if small is None else small.shape))
    target = wrong[expected_name]
    var = float(W.var())
    std = math.sqrt(var)
    # 40 000 draws: the sample variance is within about 1.5 % of the truth (normal or uniform)
    if abs(float(W.mean())) > 4 * math.sqrt(target / W.size):
        failures.append(_("the mean should be about 0, got {mean:.4f}").format(mean=W.mean()))
    if not abs(var - target) < 0.05 * target:
        failures.append(
            _("for fan_in={fan_in}, fan_out={fan_out} the variance should be {formula} = "
              "{target:.5f} (std {target_std:.4f}), got variance {var:.5f} (std {std:.4f})").format(
                fan_in=fan_in, fan_out=fan_out, formula=expected_name, target=target, target_std=math.sqrt(target),
                var=var, std=std)
        )
        for label, value in wrong.items():
            if label != expected_name and abs(var - value) < 0.05 * value:
                hint = _(_INIT_HINTS[label]) if label in _INIT_HINTS else _("check the formula")
                failures.append(_("that variance is {formula}: {hint}").format(formula=label, hint=hint))
                break
        else:
            if abs(std - target) < 0.05 * target:
                failures.append(
                    _("your standard deviation equals the target variance: numpy's normal() and "
                      "the uniform's limit take a standard deviation, so take the square root")
                )
    failures += _same_draw(func, (fan_in, fan_out, 0), W)
    return _report(title, failures)


#: The hint for each likely variance (translated where it is shown).
_INIT_HINTS = {
    "1/fan_in": N_("that is LeCun's (and the slide's 'Xavier'): Glorot averages fan-in and fan-out, He doubles it"),
    "2/fan_in": N_("that is He's variance, for ReLU networks"),
    "2/(fan_in + fan_out)": N_("that is Glorot (Xavier)'s variance"),
    "2/fan_out": N_("wrong fan: the forward signal is summed over fan_in inputs"),
    "1/fan_out": N_("wrong fan: the forward signal is summed over fan_in inputs"),
    "1/(fan_in + fan_out)": N_("the 2 in Glorot's 2/(fan_in + fan_out) is missing"),
}


def _variances(fan_in=400, fan_out=100):
    return {
        "2/(fan_in + fan_out)": 2 / (fan_in + fan_out),
        "2/fan_in": 2 / fan_in,
        "1/fan_in": 1 / fan_in,
        "2/fan_out": 2 / fan_out,
        "1/fan_out": 1 / fan_out,
        "1/(fan_in + fan_out)": 1 / (fan_in + fan_out),
    }


@_never_raises
def check_xavier_init(func):
    """Exercise of notebook 04: ``func(fan_in, fan_out, seed)`` returns Glorot (Xavier) weights.

    Variance 2/(fan_in + fan_out) (Glorot & Bengio 2010, eq. 16), uniform in
    +-sqrt(6/(fan_in + fan_out)) or normal: both pass. Checked on a (400, 100) draw: shape,
    mean about 0, variance within 5 %, the same seed gives the same matrix and another
    seed another one. A wrong answer is named (LeCun's 1/fan_in, He's 2/fan_in, the wrong
    fan, std taken for variance).
    """
    return _check_variance_init(func, _("Glorot (Xavier) initialization, Var(W) = 2/(fan_in + fan_out)"),
                                "2/(fan_in + fan_out)", _variances())


@_never_raises
def check_he_init(func):
    """Exercise of notebook 04: ``func(fan_in, fan_out, seed)`` returns He weights N(0, 2/fan_in).

    Checked as ``check_xavier_init``, with variance 2/fan_in (He et al. 2015).
    """
    return _check_variance_init(func, _("He initialization, Var(W) = 2/fan_in"), "2/fan_in", _variances())


# --- notebook 05: LSUV's rescaling step for one layer -----------------------------------------


@_never_raises
def check_lsuv_rescale(func):
    """Exercise of notebook 05: ``func(W, A)`` returns W rescaled so that A @ W has variance 1.

    W has shape (fan_in, fan_out), A (n, fan_in) holds the layer's inputs on a batch. The
    answer is W / sqrt(Var(A @ W)), the variance taken over the whole batch of outputs
    (``lessonlib.lsuv.rescale``). Checked on two layers of different scale: the shape,
    unit output variance, and that the result is W times one positive number; with hints
    for the usual slips (dividing by the variance instead of its square root, measuring
    the weights or the inputs instead of the output).
    """
    title = _("LSUV's step: W / sqrt(Var(A @ W))")
    rng = np.random.default_rng(5)
    failures = []
    for scale in (0.3, 4.0):
        A = rng.random((200, 30))  # inputs in [0, 1] with a non-zero mean, like activations
        W = rng.normal(0.0, scale, (30, 20))
        R, problem = _answer(func, W.copy(), A.copy())
        if problem:
            return _report(title, [problem])
        if R.shape != W.shape:
            return _report(title, [_("expected the shape of W, (30, 20), got {shape}").format(shape=R.shape)])
        if not np.all(np.isfinite(R)):
            return _report(title, [_("the result contains NaN or infinity")])
        factor = float(np.sum(R * W) / np.sum(W * W))
        if not np.allclose(R, factor * W, rtol=1e-9, atol=1e-12) or factor <= 0:
            return _report(title, [_("LSUV only rescales: return W times one positive number, not new weights")])
        var_out = float(np.var(A @ W))
        got = float(np.var(A @ R))
        if abs(got - 1.0) < 1e-6:
            continue
        failures.append(_("Var(A @ W_new) should be 1, got {variance:.4f}").format(variance=got))
        hints = {
            _("you divided by the variance: divide by its square root, the standard deviation"): 1.0 / var_out,
            _("you multiplied by the output's standard deviation: divide by it"): math.sqrt(var_out),
            _("measure the variance of the layer's output A @ W, not of the weights"): 1.0 / float(np.std(W)),
            _("measure the variance of the layer's output A @ W, not of its input A"): 1.0 / float(np.std(A)),
            _("use the variance of all outputs together, not the mean of its square (the mean is not 0)"): 1.0
            / math.sqrt(float(np.mean((A @ W) ** 2))),
        }
        for hint, value in hints.items():
            if abs(factor - value) < 1e-6 * value:
                failures.append(hint)
                break
        return _report(title, failures)
    return _report(title, failures)


# --- notebook 06: discover the std of a 50-layer ReLU network, debug a flat loss -------------

#: The discovery exercise's network: 50 square ReLU layers of 100 units, no biases.
SIGNAL_DEPTH, SIGNAL_WIDTH = 50, 100


def _as_positive_number(value):
    """(float, None) for a usable positive number, else (None, a hint)."""
    if callable(value):
        return None, _("pass a number (e.g. 0.1), not a function")
    if isinstance(value, (str, bytes)):
        return None, _("pass a number, not the text {text} (e.g. 0.1, without quotes)").format(text=repr(value))
    if isinstance(value, bool) or value is None:
        return None, _("pass a number such as 0.1, got {value}").format(value=repr(value))
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, _("pass one number, got {type}").format(type=type(value).__name__)
    if array.size != 1:
        return None, _("pass one number (the weight std of every layer), got an array of shape {shape}").format(
            shape=array.shape)
    number = float(array.reshape(()))
    if not math.isfinite(number):
        return None, _("the std must be a finite number, got NaN or infinity")
    if number <= 0:
        return None, _("a standard deviation is positive, got {value:g}").format(value=number)
    return number, None


def _check_relu_std(value, direction):
    from lessonlib.propagation import propagate

    if direction == "forward":
        title = _("a weight std that keeps the forward signal of {depth} ReLU layers stable").format(depth=SIGNAL_DEPTH)
    else:
        title = _("a weight std that keeps the backward signal of {depth} ReLU layers stable").format(depth=SIGNAL_DEPTH)
    std, problem = _as_positive_number(value)
    if problem:
        return _report(title, [problem])
    target = math.sqrt(2.0 / SIGNAL_WIDTH)
    p = propagate(width=SIGNAL_WIDTH, depth=SIGNAL_DEPTH, activation="relu", init="normal",
                  init_options={"std": std}, seed=0, batch=200)
    values = p.act_std if direction == "forward" else p.grad_std[::-1]
    with np.errstate(all="ignore"):
        change = float(values[-1] / values[0]) if p.finite else float("nan")
    # Each layer multiplies the variance by fan * Var(W) / 2 = (std / target)**2.
    per_layer = (std / target) ** 2
    if abs(std / target - 1.0) <= 0.02:
        return _report(title, [])
    small, ratio = std < target, std / target
    if 0.5 < ratio < 2:
        off = {"percent": f"{abs(ratio - 1.0):.0%}"}
        how = _("your std {std:.4g} is {percent} too small") if small else _("your std {std:.4g} is {percent} too large")
    else:
        off = {"times": f"{max(std / target, target / std):.3g}"}
        how = (_("your std {std:.4g} is about {times} times too small") if small
               else _("your std {std:.4g} is about {times} times too large"))
    finite = math.isfinite(change)
    if direction == "forward":
        changes = (_("the signal's std changes by {factor}× from layer 1 to layer 50 (measured)") if finite
                   else _("the signal's std changes by overflow (inf or NaN) from layer 1 to layer 50 (measured)"))
    else:
        changes = (_("the signal's std changes by {factor}× from the top layer down to layer 1 (measured)") if finite
                   else _("the signal's std changes by overflow (inf or NaN) from the top layer down to layer 1 (measured)"))
    move = (_("each layer multiplies the variance by {factor:.3g}: make std larger until that factor is 1 (within 2 %)")
            if small else
            _("each layer multiplies the variance by {factor:.3g}: make std smaller until that factor is 1 (within 2 %)"))
    return _report(title, [
        _("{how}: {changes}").format(how=how.format(std=std, **off), changes=changes.format(factor=f"{change:.2g}")),
        move.format(factor=per_layer),
    ])


def check_relu_forward_std(value):
    """Exercise of notebook 06: the std of N(0, std²) weights that keeps the forward signal of
    50 ReLU layers of 100 units stable.

    The check sends a batch through the network with the learner's std (``propagate``)
    and says by how much the activations' std changed over the 50 layers and in which
    direction to move; it passes within 2 % of sqrt(2/fan_in) (He et al. 2015), where
    the per-layer factor fan_in·Var(W)/2 is within 4 % of 1.
    """
    return _check_relu_std(value, "forward")


def check_relu_backward_std(value):
    """Exercise of notebook 06: the same for the backward signal (the gradient dLoss/dz).

    Going down, each layer multiplies the gradient's variance by fan_out·Var(W)/2; in a
    network of square layers fan_out = fan_in, so the answer is the same number.
    """
    return _check_relu_std(value, "backward")


#: The debugging exercise's network: 64-32-32-32-10, ReLU, He normal, seed 0, except that
#: layer 3's weights were started as -|He|: every weight negative. Its inputs are ReLU
#: outputs (>= 0), so z_3 <= 0 for every example: all of layer 3 is dead, nothing above
#: it sees the input, and nothing below it gets a gradient.
FLAT_NET = (64, 32, 32, 32, 10)
BROKEN_LAYER = 3


def flat_loss_network():
    """The network of the debugging exercise (its loss stays flat when trained)."""
    model = MLP(list(FLAT_NET), activation="relu", init="he_normal", seed=0)
    model.weights[BROKEN_LAYER - 1] = -np.abs(model.weights[BROKEN_LAYER - 1])
    return model


def check_broken_layer(answer):
    """Exercise of notebook 06: which weight layer (1-based) of ``flat_loss_network`` is started wrong?"""
    title = _("the layer whose start stops the network from learning")
    last = len(FLAT_NET) - 1
    if callable(answer) or isinstance(answer, (bool, str, bytes)) or answer is None:
        if isinstance(answer, str) and answer.strip().isdigit():
            answer = int(answer.strip())
        else:
            return _report(title, [_("answer with a layer number 1..{last}, got {answer}").format(
                last=last, answer=repr(answer))])
    try:
        number = float(np.asarray(answer, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        return _report(title, [_("answer with one layer number 1..{last}").format(last=last)])
    if not math.isfinite(number) or number != int(number) or not 1 <= number <= last:
        return _report(title, [_("answer with a whole layer number 1..{last} (1 = next to the input)").format(last=last)])
    number = int(number)
    if number == BROKEN_LAYER:
        return _report(title, [])
    if number > BROKEN_LAYER:
        hint = _("layer {layer} gets no signal, but it is a victim: look below it for the first layer whose "
                 "units are all dead (layer_stats: 'dead')").format(layer=number)
    else:
        hint = _("layer {layer}'s activations look healthy; go up until the 'dead' fraction jumps to 1").format(layer=number)
    return _report(title, [hint])


def check_repaired_network(model):
    """Exercise of notebook 06: ``flat_loss_network`` with its wrong layer started afresh.

    Checks that it is an MLP of the same shape, that only the broken layer changed, that
    the new weights have a zero-centred He-like scale (std within a factor 2 of
    sqrt(2/32)) and leave fewer than half of that layer's units dead on the digits, and
    that 5 epochs of training now lower the loss below 1.5 (the broken one stays at 2.3).
    """
    from lessonlib import data

    title = _("the flat-loss network, repaired")
    if not isinstance(model, MLP):
        return _report(title, [_("pass the repaired network (an MLP), got {type}").format(type=type(model).__name__)])
    if list(model.layer_sizes) != list(FLAT_NET) or model.activation != "relu" or model.batch_norm:
        return _report(title, [_("keep the network's shape {shape} and ReLU; only change one layer's weights").format(
            shape=FLAT_NET)])
    broken = flat_loss_network()
    failures = []
    for layer, (W, W0) in enumerate(zip(model.weights, broken.weights)):
        if layer == BROKEN_LAYER - 1:
            continue
        if W.shape != W0.shape or not np.array_equal(W, W0):
            failures.append(_("layer {layer} was fine: leave its weights as they were").format(layer=layer + 1))
    k = BROKEN_LAYER - 1
    W = np.asarray(model.weights[k], dtype=np.float64)
    if W.shape != broken.weights[k].shape or not np.all(np.isfinite(W)):
        return _report(title, [*failures, _("layer {layer}'s weights must be a finite (32, 32) array").format(
            layer=BROKEN_LAYER)])
    he = math.sqrt(2.0 / FLAT_NET[k])
    std, mean = float(np.std(W)), float(np.mean(W))
    if np.array_equal(W, broken.weights[k]):
        failures.append(_("layer {layer} is unchanged: its weights are all negative").format(layer=BROKEN_LAYER))
    elif abs(mean) > 0.5 * max(std, 1e-12):
        failures.append(_("layer {layer}'s weights should be centred on 0 (mean {mean:.3f}, std {std:.3f})").format(
            layer=BROKEN_LAYER, mean=mean, std=std))
    elif not he / 2 <= std <= 2 * he:
        failures.append(_("layer {layer}'s std is {std:.3g}; He's start for fan_in 32 is {he:.3f}").format(
            layer=BROKEN_LAYER, std=std, he=he))
    if failures:
        return _report(title, failures)
    X_train, _X_test, y_train, _y_test = data.digits(n_train=500)
    stats = model.layer_stats(X_train, y_train)
    if stats[k]["dead"] >= 0.5:
        return _report(title, [_("{fraction:.0%} of layer {layer}'s units are still dead").format(
            fraction=stats[k]["dead"], layer=BROKEN_LAYER)])
    trial = MLP(list(FLAT_NET), activation="relu", init="zeros", seed=0)
    trial.weights = [w.copy() for w in model.weights]
    trial.biases = [b.copy() for b in model.biases]
    history = trial.fit(X_train, y_train, epochs=5, lr=0.1, batch_size=50, momentum=0.9, seed=0)
    if history.diverged:
        return _report(title, [_("after 5 epochs the loss is diverged: it should fall below 1.5")])
    if history.loss[-1] >= 1.5:
        return _report(title, [_("after 5 epochs the loss is {loss:.2f}: it should fall below 1.5").format(
            loss=history.loss[-1])])
    return _report(title, [])
