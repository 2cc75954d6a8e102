"""Mean-field theory of a deep network at initialization: the edge of chaos.

A wide network with weights W_ij ~ N(0, sigma_w2 / fan_in) and biases b_i ~ N(0, sigma_b2)
turns each pre-activation z_l into a Gaussian whose variance q_l follows a one-dimensional
recursion, the **length map** (Poole et al. 2016, eq. 3):

    q_1     = sigma_w2 * q_0 + sigma_b2,          q_0 = mean(x**2) of the input
    q_{l+1} = sigma_w2 * E_z[phi(sqrt(q_l) z)**2] + sigma_b2,          z ~ N(0, 1)

Going back, the gradient dL/dz_l = (dL/dz_{l+1} @ W.T) * phi'(z_l) has its variance
multiplied at every layer by (Schoenholz et al. 2017, eq. 5 and section 3)

    chi(q_l) = sigma_w2 * E_z[phi'(sqrt(q_l) z)**2],

and at the fixed point q* of the length map this is **chi_1**: chi_1 < 1 is the ordered
phase (gradients vanish exponentially with depth), chi_1 > 1 the chaotic phase (they
explode), chi_1 = 1 the critical line (the "edge of chaos") where very deep networks still
train. For tanh without biases, sigma_w2 = 1 (LeCun's Var(W) = 1/fan_in) is that critical
point; He's sigma_w2 = 2 is chaotic.

Every expectation over z ~ N(0, 1) is a Gauss-Hermite sum (``gauss_expectation``, 101
nodes by default). The activations and their derivatives are ``lessonlib.nn``'s.

Variance is the name for a second moment or variance (q, sigma_w2, sigma_b2,
``gradient_variance_ratio``); std is the name for a standard deviation (``act_std``).

References
----------
Poole, Lahiri, Raghu, Sohl-Dickstein, Ganguli (2016). Exponential expressivity in deep
neural networks through transient chaos. NeurIPS. (Eq. 3: the length map; eq. 4-5: q*.)
Schoenholz, Gilmer, Ganguli, Sohl-Dickstein (2017). Deep information propagation. ICLR.
(Eq. 5: chi_1; section 3: gradients scale by chi_1 per layer; figure 1: the phase diagram.)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from lessonlib import _validate
from lessonlib.i18n import N_, _, column_widths, pad
from lessonlib.nn import ACTIVATIONS as _NN_ACTIVATIONS

#: The activations the theory covers (their functions and derivatives come from lessonlib.nn).
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "identity")

#: Activations for which phi(c z) = c phi(z) (c > 0): chi(q) does not depend on q.
_HOMOGENEOUS = ("relu", "leaky_relu", "identity")

#: Largest depth accepted: the recursion is cheap, but a bound keeps mistakes visible.
MAX_DEPTH = 100_000

# Nodes and probability weights of the quadrature, per number of points.
_RULES: dict = {}


# --- validation at the door (every check is lessonlib._validate's) ---------------------------


def _check_params(activation, sigma_w2, sigma_b2, slope):
    return (
        _validate.choice(activation, "activation", ACTIVATIONS),
        _validate.real(sigma_w2, "sigma_w2", low=0.0, low_open=True),
        _validate.real(sigma_b2, "sigma_b2", low=0.0),
        _check_slope(slope),
    )


def _check_slope(slope):
    return _validate.real(slope, "slope", low=0.0, high=1.0)


def _check_n_points(n_points):
    return _validate.integer(n_points, "n_points", 2, 370)


# --- the quadrature -----------------------------------------------------------------------


def _rule(n_points):
    rule = _RULES.get(n_points)
    if rule is None:
        nodes, weights = hermegauss(n_points)
        # hermegauss integrates against exp(-z**2/2); dividing by sqrt(2 pi) makes the
        # weights probabilities of N(0, 1).
        rule = (nodes, weights / math.sqrt(2.0 * math.pi))
        _RULES[n_points] = rule
    return rule


def gauss_expectation(g, n_points=101):
    """E_z[g(z)] for z ~ N(0, 1) by Gauss-Hermite quadrature.

    ``numpy.polynomial.hermite_e.hermegauss(n)`` gives nodes z_i and weights w_i with
    sum_i w_i f(z_i) = integral f(z) exp(-z**2/2) dz exactly for polynomials f of degree
    up to 2n - 1; dividing the weights by sqrt(2 pi) turns that into an expectation.

    With an odd ``n_points`` one node sits at z = 0, exactly where ReLU's derivative jumps.
    There g is taken as the mean of its values just left and right of 0, so a jump at 0
    counts half, as it does in the integral (then E[1{z > 0}] = 1/2 exactly, by the
    symmetry of the nodes). For a g continuous at 0 this changes nothing.

    Accuracy with 101 nodes: the integrands of tanh get sharper as q grows. Measured
    against 370 nodes, E[tanh'(sqrt(q) z)**2] is off by 3e-10 at q = 1, 5e-7 at q = 2,
    1e-5 at q = 3, 2e-4 at q = 5, 4e-3 at q = 10 and 3e-2 at q = 25: the story's q
    (at most 2.8) is safe; for much larger q raise ``n_points`` (at most 370, where
    ``hermegauss`` itself overflows). ReLU(z)**2 and ReLU's derivatives come out exact
    (by symmetry); a kink left in the integrand costs accuracy: E[ReLU(z)] =
    1/sqrt(2 pi) comes out 0.8 % low.

    Parameters
    ----------
    g : callable
        Vectorised function of an array of z values; it may return an array with extra
        leading axes (e.g. one per value of q), the last axis being the nodes.
    n_points : int
        Number of quadrature nodes (2..370).

    Returns
    -------
    float or ndarray
        The expectation (an array when g returns extra leading axes).

    Raises
    ------
    TypeError
        If ``g`` is not callable.
    ValueError
        If ``g`` returns non-finite values or an array whose last axis is not the nodes.

    References
    ----------
    Abramowitz, Stegun (1964). Handbook of mathematical functions, 25.4.46 (Gauss-Hermite).
    """
    return _expect(_validate.function(g, "g"), _check_n_points(n_points))


def _expect(g, n_points):
    """``gauss_expectation`` without the checks: the loops below call it many times."""
    nodes, weights = _rule(n_points)
    with np.errstate(all="ignore"):
        values = np.array(g(nodes), dtype=np.float64)
        if values.shape[-1:] != nodes.shape:
            raise ValueError(f"g must return one value per node (last axis {nodes.size}), got shape {values.shape}")
        if n_points % 2 == 1:
            tiny = np.array([-1e-300, 1e-300])
            middle = np.array(g(tiny), dtype=np.float64)
            values[..., n_points // 2] = 0.5 * (middle[..., 0] + middle[..., 1])
        if not np.all(np.isfinite(values)):
            raise ValueError("g returned non-finite values at the quadrature nodes")
        result = values @ weights
    return float(result) if np.ndim(result) == 0 else result


def _phi(activation, slope):
    f = _NN_ACTIVATIONS[activation][0]
    return lambda z: f(z, slope)


def _phi_prime(activation, slope):
    f, fprime = _NN_ACTIVATIONS[activation]
    return lambda z: fprime(z, f(z, slope), slope)


def _moments(q, activation, slope, n_points):
    """E[phi(sqrt(q) z)] and E[phi(sqrt(q) z)**2] for an array of q."""
    q = np.asarray(q, dtype=np.float64)
    root = np.sqrt(q)[..., None]
    phi = _phi(activation, slope)
    mean = _expect(lambda z: phi(root * z), n_points)
    second = _expect(lambda z: phi(root * z) ** 2, n_points)
    return mean, second


# --- forward: the length map --------------------------------------------------------------


def length_map(q0, depth, activation="tanh", sigma_w2=1.0, sigma_b2=0.0, slope=0.01, n_points=101):
    """The pre-activation variance q_l of layers 1..depth (Poole et al. 2016, eq. 3).

    q_1 = sigma_w2 * q0 + sigma_b2 (the first layer multiplies the raw input, no phi),
    then q_{l+1} = sigma_w2 * E_z[phi(sqrt(q_l) z)**2] + sigma_b2.

    Parameters
    ----------
    q0 : float
        Mean square of one input, (1/fan_in) sum_i x_i**2; 1 for standard-normal inputs
        (what ``lessonlib.propagation.propagate`` feeds in), so q_1 = sigma_w2 there.
    depth : int
        Number of layers (1..100000).
    activation : str
        "tanh", "relu", "leaky_relu", "sigmoid" or "identity".
    sigma_w2 : float
        fan_in * Var(W): 1 for LeCun, 2 for He, (5/3)**2 for PyTorch's tanh gain. Positive.
    sigma_b2 : float
        Var(b), non-negative.
    slope : float
        Negative-side slope of "leaky_relu" (in [0, 1]).
    n_points : int
        Quadrature nodes.

    Returns
    -------
    ndarray of shape (depth,)
        q_1, ..., q_depth: the variances (not standard deviations) of z_l.

    Raises
    ------
    ValueError
        On bad parameters, or if q overflows float64 (an exploding ReLU or identity net).
    """
    q = _validate.real(q0, "q0", low=0.0)
    depth = _validate.integer(depth, "depth", 1, MAX_DEPTH)
    activation, sigma_w2, sigma_b2, slope = _check_params(activation, sigma_w2, sigma_b2, slope)
    n_points = _check_n_points(n_points)
    qs = np.empty(depth)
    q = sigma_w2 * q + sigma_b2
    for l in range(depth):
        if not math.isfinite(q):
            raise ValueError(
                f"q overflowed float64 at layer {l + 1}: the signal explodes; "
                f"use a smaller q0, depth or sigma_w2 (got q0={q0}, sigma_w2={sigma_w2})"
            )
        qs[l] = q
        if l == depth - 1:
            break
        q = _next_q(q, activation, sigma_w2, sigma_b2, slope, n_points)
        if q is None:
            raise ValueError(
                f"q overflowed float64 after layer {l + 1}: the signal explodes; "
                f"use a smaller depth or sigma_w2 (got sigma_w2={sigma_w2})"
            )
    return qs


def _next_q(q, activation, sigma_w2, sigma_b2, slope, n_points):
    """One step of the length map, or None once the numbers overflow float64."""
    phi = _phi(activation, slope)
    root = math.sqrt(q)
    try:
        second = _expect(lambda z: phi(root * z) ** 2, n_points)
    except ValueError:  # phi(sqrt(q) z)**2 overflowed at the outer nodes
        return None
    new = sigma_w2 * second + sigma_b2
    return float(new) if math.isfinite(new) else None


def act_std(q, activation="tanh", slope=0.01, n_points=101):
    """Standard deviation of a = phi(z), z ~ N(0, q): sqrt(E[phi**2] - E[phi]**2).

    This is what ``propagate`` reports as ``act_std``: ``np.std`` over all units and
    examples of a layer. In the wide-network limit every unit's pre-activation, over the
    random weights, biases and inputs, is N(0, q_l), so the pooled values of a layer are
    draws of phi(sqrt(q_l) z). (The std of one unit over the examples of one network is
    another quantity: for ReLU nets the inputs' correlations go to 1 with depth and it
    shrinks, while the pooled std does not.)

    Parameters
    ----------
    q : float or array_like
        Pre-activation variance(s), non-negative.
    activation, slope, n_points
        As in ``length_map``.

    Returns
    -------
    float or ndarray
        One standard deviation per q.
    """
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    slope = _check_slope(slope)
    n_points = _check_n_points(n_points)
    values = _check_variances(q, "q")
    mean, second = _moments(values, activation, slope, n_points)
    std = np.sqrt(np.maximum(second - mean**2, 0.0))
    return float(std) if np.ndim(std) == 0 else std


def _check_variances(q, name):
    if np.isscalar(q) or q is None:
        return np.asarray(_validate.real(q, name, low=0.0))
    return _validate.array(q, name, low=0.0, allow_empty=True)


def predicted_act_std(q0, depth, activation="tanh", sigma_w2=1.0, sigma_b2=0.0, slope=0.01, n_points=101):
    """The activation std of layers 1..depth: ``act_std(length_map(...))``.

    Comparable with ``propagate(...).act_std`` (see ``act_std``). For tanh with q0 = 1,
    sigma_b2 = 0: 0.628 at layer 1, 0.228 at layer 10, 0.101 at layer 50 (sigma_w2 = 1);
    0.556 from layer 10 on (sigma_w2 = 2).
    """
    qs = length_map(q0, depth, activation, sigma_w2, sigma_b2, slope, n_points)
    return act_std(qs, activation, slope, n_points)


# --- the fixed point and chi --------------------------------------------------------------


def _origin_slope(activation, slope):
    """lim_{q->0} E[phi(sqrt(q) z)**2] / q when phi(0) = 0, i.e. E[phi'(0 side)**2]."""
    return {"tanh": 1.0, "identity": 1.0, "relu": 0.5, "leaky_relu": (1.0 + slope**2) / 2.0}[activation]


def fixed_point(activation="tanh", sigma_w2=1.0, sigma_b2=0.0, q0=1.0, slope=0.01,
                tol=1e-12, max_iter=100_000, n_points=101):
    """q*, the fixed point of the length map reached from q0 (Poole et al. 2016, eq. 4).

    The map is iterated (with Steffensen's acceleration, so that points near the critical
    line converge in a few dozen steps) until |q_{l+1} - q_l| <= tol * max(q_l, 1), where
    q_{l+1} is the map applied to q_l. Two cases are exact
    instead of iterated, because iteration would crawl or run away:

    - tanh with sigma_b2 = 0 and sigma_w2 <= 1: q* = 0 (tanh(x)**2 < x**2, so the map
      lies below the diagonal). At the critical point sigma_w2 = 1 the iterates approach
      0 only like 1/l.
    - a positively homogeneous phi (ReLU, leaky ReLU, identity): the map is the line
      q -> g q + sigma_b2 with g = sigma_w2 E[phi(z)**2], so q* = sigma_b2 / (1 - g) for
      g < 1; at g = 1 without biases (He's sigma_w2 = 2 for ReLU) every q is a fixed
      point, q* = q0; otherwise there is none (ValueError).

    Parameters
    ----------
    activation, sigma_w2, sigma_b2, slope, n_points
        As in ``length_map``.
    q0 : float
        Starting variance of the iteration (q_1), non-negative.
    tol : float
        Relative tolerance, positive.
    max_iter : int
        Cap on the iterations (each applies the map up to twice).

    Returns
    -------
    float
        q*.

    Raises
    ------
    ValueError
        On bad parameters, or if the iteration has not converged after ``max_iter``
        steps (e.g. a ReLU net with sigma_w2 > 2: q grows without bound).
    """
    activation, sigma_w2, sigma_b2, slope = _check_params(activation, sigma_w2, sigma_b2, slope)
    q = _validate.real(q0, "q0", low=0.0)
    tol = _validate.real(tol, "tol", low=0.0, low_open=True)
    max_iter = _validate.integer(max_iter, "max_iter", 1, 10_000_000)
    return _fixed_point(activation, sigma_w2, sigma_b2, q, slope, tol, max_iter, _check_n_points(n_points))


def _fixed_point(activation, sigma_w2, sigma_b2, q, slope, tol, max_iter, n_points):
    """``fixed_point`` of checked arguments."""
    if activation in _HOMOGENEOUS:
        # E[phi(sqrt(q) z)**2] = q E[phi(z)**2] exactly: the map is the line
        # q -> gain q + sigma_b2, solved in closed form
        gain = sigma_w2 * _origin_slope(activation, slope)
        if gain < 1.0:
            return sigma_b2 / (1.0 - gain)
        if gain == 1.0 and sigma_b2 == 0.0:
            return q
        if q == 0.0 and sigma_b2 == 0.0:
            return 0.0
        raise ValueError(
            f"the length map did not converge: for activation={activation!r} with "
            f"sigma_w2={sigma_w2}, sigma_b2={sigma_b2} it is q -> {gain:.6g} q + {sigma_b2}, "
            "which has no finite fixed point to converge to (q grows without bound)"
        )
    if activation == "tanh" and sigma_b2 == 0.0 and (sigma_w2 <= 1.0 or q == 0.0):
        return 0.0
    step = lambda q: _next_q(q, activation, sigma_w2, sigma_b2, slope, n_points)  # noqa: E731
    for _iteration in range(max_iter):
        new = step(q)
        if new is None:
            break
        if abs(new - q) <= tol * max(q, 1.0):
            return float(new)
        # Steffensen's (Aitken's delta-squared) acceleration: near the critical line the
        # map's slope at q* is close to 1 and plain iteration would crawl (tanh at
        # sigma_w2 = 1.0001 took 10**5 steps); the accelerated step converges quadratically.
        # It is used only while the plain steps move one way and shrink (monotone
        # convergence), and only ahead of them: Aitken's formula also finds *unstable*
        # fixed points (q = 0 of a chaotic tanh net), which the plain map runs away from.
        newer = step(new)
        if newer is None:
            break
        first, second = new - q, newer - new
        curvature = second - first
        q = newer
        if first * second > 0.0 and abs(second) < abs(first) and curvature != 0.0:
            accelerated = newer - second * (second / curvature)  # (no ** : it raises on overflow)
            if math.isfinite(accelerated) and accelerated >= 0.0 and (accelerated - newer) * second >= 0.0:
                q = accelerated
    raise ValueError(
        f"the length map did not converge within max_iter={max_iter} iterations for "
        f"activation={activation!r}, sigma_w2={sigma_w2}, sigma_b2={sigma_b2} (last q={q:.6g}): "
        "it has no finite fixed point here (q grows without bound) or needs more iterations"
    )


def chi(q, activation="tanh", sigma_w2=1.0, slope=0.01, n_points=101):
    """chi(q) = sigma_w2 * E_z[phi'(sqrt(q) z)**2]: the factor by which one layer with
    pre-activation variance q multiplies the variance of the back-propagated gradient
    (Schoenholz et al. 2017, eq. 5, before q has reached q*).

    Returns a float, or an array with one value per q.
    """
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    sigma_w2 = _validate.real(sigma_w2, "sigma_w2", low=0.0, low_open=True)
    slope = _check_slope(slope)
    n_points = _check_n_points(n_points)
    return _chi(_check_variances(q, "q"), activation, sigma_w2, slope, n_points)


def _chi(values, activation, sigma_w2, slope, n_points):
    """``chi`` of checked arguments."""
    root = np.sqrt(values)[..., None]
    phi_prime = _phi_prime(activation, slope)
    result = sigma_w2 * _expect(lambda z: phi_prime(root * z) ** 2, n_points)
    return float(result) if np.ndim(result) == 0 else result


def chi1(activation="tanh", sigma_w2=1.0, sigma_b2=0.0, slope=0.01, q0=1.0, n_points=101):
    """chi_1 = sigma_w2 * E_z[phi'(sqrt(q*) z)**2] at the fixed point q* (Schoenholz et al.
    2017, eq. 5). < 1: ordered (gradients vanish), > 1: chaotic (they explode), = 1: critical.

    For ReLU, leaky ReLU and identity chi does not depend on q, so no fixed point is
    needed (ReLU: chi_1 = sigma_w2 / 2, whatever the biases).

    tanh, sigma_b2 = 0: 1 at sigma_w2 = 1, 1.106 at sigma_w2 = 2, 1.210 at sigma_w2 = 25/9.
    """
    activation, sigma_w2, sigma_b2, slope = _check_params(activation, sigma_w2, sigma_b2, slope)
    q0 = _validate.real(q0, "q0", low=0.0)
    return _chi1(activation, sigma_w2, sigma_b2, slope, q0, _check_n_points(n_points))


def _chi1(activation, sigma_w2, sigma_b2, slope, q0, n_points):
    """``chi1`` of checked arguments (the phase diagram and the bisection call it often)."""
    if activation in _HOMOGENEOUS:
        return _chi(1.0, activation, sigma_w2, slope, n_points)
    q_star = _fixed_point(activation, sigma_w2, sigma_b2, q0, slope, 1e-12, 100_000, n_points)
    return _chi(q_star, activation, sigma_w2, slope, n_points)


def gradient_variance_ratio(q0, depth, activation="tanh", sigma_w2=1.0, sigma_b2=0.0, slope=0.01, n_points=101):
    """Var(dL/dz_l) / Var(dL/dz_depth) for l = 1..depth, the gradient sent from the top.

    Going back one layer, dL/dz_{l} = (dL/dz_{l+1} @ W_{l+1}.T) * phi'(z_l), so in the
    wide limit (weights of the backward pass treated as independent of the forward pass,
    Schoenholz et al. 2017, section 3) the variance is multiplied by chi(q_l):

        Var(dL/dz_l) = Var(dL/dz_depth) * prod_{k=l}^{depth-1} chi(q_k).

    The product uses each layer's own q_k from ``length_map``, so it is right before q
    reaches q* too; deep in the network each factor is chi_1. These are ratios of
    variances: the standard deviations' ratio is their square root.

    Returns
    -------
    ndarray of shape (depth,)
        Entry l - 1 for layer l; the last entry is 1.
    """
    qs = length_map(q0, depth, activation, sigma_w2, sigma_b2, slope, n_points)
    factors = np.atleast_1d(chi(qs, activation, sigma_w2, slope, n_points))
    ratio = np.ones(len(qs))
    # reversed cumulative product of chi(q_l) ... chi(q_{depth-1})
    ratio[:-1] = np.cumprod(factors[:-1][::-1])[::-1]
    return ratio


# --- the phase diagram --------------------------------------------------------------------


def phase_diagram(sigma_w2_grid, sigma_b2_grid, activation="tanh", slope=0.01, n_points=101):
    """chi_1 on a grid of (sigma_w2, sigma_b2) (Schoenholz et al. 2017, figure 1).

    Parameters
    ----------
    sigma_w2_grid, sigma_b2_grid : 1-D array_like
        Positive sigma_w2 values and non-negative sigma_b2 values.

    Returns
    -------
    ndarray of shape (len(sigma_b2_grid), len(sigma_w2_grid))
        chi_1, one row per sigma_b2 (so ``imshow`` or ``contour(sigma_w2_grid,
        sigma_b2_grid, chi_1, levels=[1])`` draws the order/chaos boundary). NaN where
        the length map has no finite fixed point (a ReLU net with sigma_w2 > 2).
    """
    w_grid = _validate.array(sigma_w2_grid, "sigma_w2_grid", ndim=1)
    b_grid = _validate.array(sigma_b2_grid, "sigma_b2_grid", ndim=1, low=0.0)
    _validate.sequence(w_grid, "sigma_w2_grid", _validate.positive)
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    slope = _check_slope(slope)
    n_points = _check_n_points(n_points)
    out = np.empty((b_grid.size, w_grid.size))
    for i, sigma_b2 in enumerate(b_grid):
        for j, sigma_w2 in enumerate(w_grid):
            try:
                out[i, j] = _chi1(activation, float(sigma_w2), float(sigma_b2), slope, 1.0, n_points)
            except ValueError:
                out[i, j] = np.nan
    return out


def critical_sigma_w2(sigma_b2=0.0, activation="tanh", slope=0.01, n_points=101, tol=1e-10):
    """The sigma_w2 with chi_1(sigma_w2, sigma_b2) = 1: the edge of chaos, by bisection.

    chi_1 grows with sigma_w2; the bracket starts at [1e-3, 1] and doubles its upper end
    until chi_1 > 1. tanh: 1 at sigma_b2 = 0, larger with biases; ReLU: 2 for any
    sigma_b2; leaky ReLU: 2 / (1 + slope**2).

    Raises
    ------
    ValueError
        On bad parameters, or if chi_1 stays below 1 up to sigma_w2 = 1e6.
    """
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    sigma_b2 = _validate.real(sigma_b2, "sigma_b2", low=0.0)
    slope = _check_slope(slope)
    tol = _validate.real(tol, "tol", low=0.0, low_open=True)
    n_points = _check_n_points(n_points)

    def excess(sigma_w2):
        return _chi1(activation, sigma_w2, sigma_b2, slope, 1.0, n_points) - 1.0

    low, high = 1e-3, 1.0
    while excess(high) <= 0.0:
        low, high = high, 2.0 * high
        if high > 1e6:
            raise ValueError(f"chi_1 stays below 1 up to sigma_w2 = 1e6 for {activation!r}, sigma_b2={sigma_b2}")
    if excess(low) > 0.0:
        raise ValueError(f"chi_1 exceeds 1 already at sigma_w2 = {low} for {activation!r}, sigma_b2={sigma_b2}")
    while high - low > tol * high:
        middle = 0.5 * (low + high)
        if excess(middle) > 0.0:
            high = middle
        else:
            low = middle
    return 0.5 * (low + high)


#: The word shown for each phase (translated where it is shown: ``_(PHASE_LABELS[phase])``).
PHASE_LABELS = {"ordered": N_("ordered"), "critical": N_("critical"), "chaotic": N_("chaotic")}


def phase(chi_1, tol=1e-6):
    """"ordered" (chi_1 < 1), "critical" (|chi_1 - 1| <= tol) or "chaotic" (chi_1 > 1): a
    code, the same in every language (``PHASE_LABELS`` has the words shown)."""
    chi_1 = _validate.real(chi_1, "chi_1", low=0.0)
    tol = _validate.real(tol, "tol", low=0.0, low_open=True)
    if abs(chi_1 - 1.0) <= tol:
        return "critical"
    return "ordered" if chi_1 < 1.0 else "chaotic"


def named_initializers(fan_in=100):
    """Where the named starts sit on the (sigma_w2, sigma_b2) plane, for square layers.

    sigma_w2 = fan_in * Var(W) and sigma_b2 = Var(b). Glorot on a square layer has
    Var(W) = 2/(fan_in + fan_out) = 1/fan_in, so it sits on LeCun's point. PyTorch's
    ``nn.Linear`` draws W and b from U(+-1/sqrt(fan_in)) (``lessonlib.frameworks``):
    sigma_w2 = 1/3, sigma_b2 = 1/(3 fan_in). The fixed-std starts depend on fan_in.
    (For N(0, 1) at fan_in = 100, q* is about 100 and 101 quadrature nodes give chi_1
    only roughly; its phase, chaotic, is not in doubt.)

    Returns
    -------
    list of dict
        Keys "label" (English, the same in every language: show it as ``_(row["label"])``),
        "sigma_w2", "sigma_b2".
    """
    fan_in = _validate.integer(fan_in, "fan_in", 1, 10**9)
    return [
        {"label": "LeCun N(0, 1/fan_in)", "sigma_w2": 1.0, "sigma_b2": 0.0},
        {"label": N_("Glorot, square layer"), "sigma_w2": 1.0, "sigma_b2": 0.0},
        {"label": "He N(0, 2/fan_in)", "sigma_w2": 2.0, "sigma_b2": 0.0},
        {"label": N_("PyTorch tanh gain 5/3"), "sigma_w2": 25.0 / 9.0, "sigma_b2": 0.0},
        {"label": N_("PyTorch nn.Linear default"), "sigma_w2": 1.0 / 3.0, "sigma_b2": 1.0 / (3.0 * fan_in)},
        {"label": "N(0, 0.01²)", "sigma_w2": fan_in * 1e-4, "sigma_b2": 0.0},
        {"label": "N(0, 1)", "sigma_w2": float(fan_in), "sigma_b2": 0.0},
    ]


def initializer_phases(activation="tanh", fan_in=100, slope=0.01):
    """``named_initializers`` with chi_1 and the phase of each, for one activation."""
    activation = _validate.choice(activation, "activation", ACTIVATIONS)
    slope = _check_slope(slope)
    rows = []
    for row in named_initializers(fan_in):
        value = chi1(activation, row["sigma_w2"], row["sigma_b2"], slope)
        rows.append({**row, "chi1": value, "phase": phase(value)})
    return rows


# --- the story notebook 04 prints ---------------------------------------------------------

#: The three tanh starts of the story: (label, sigma_w2).
TANH_STARTS = (("LeCun 1/fan_in", 1.0), ("He 2/fan_in", 2.0), (N_("tanh gain 5/3"), 25.0 / 9.0))


def tanh_story(depths=(1, 10, 50), q0=1.0):
    """The edge-of-chaos numbers for tanh without biases, one dict per start.

    Keys: "label", "sigma_w2", "q_star", "chi1", "phase", "act_std" (dict depth -> the
    predicted activation std at that layer), "grad_variance_growth" (dict depth -> the
    variance of dL/dz at layer 1 over that at layer ``depth`` in a net of that depth, i.e.
    how much the gradient's variance grows on its way down), "per_10_layers"
    (chi_1**10, the growth per 10 layers once q = q*).
    """
    depths = _validate.sequence(depths, "depths", lambda d, name: _validate.integer(d, name, 1, MAX_DEPTH),
                                min_length=1, what="depths")
    q0 = _validate.real(q0, "q0", low=0.0)
    deepest = max(depths)
    rows = []
    for label, sigma_w2 in TANH_STARTS:
        stds = predicted_act_std(q0, deepest, "tanh", sigma_w2)
        value = chi1("tanh", sigma_w2)
        growth = {}
        for d in depths:
            growth[d] = float(gradient_variance_ratio(q0, d, "tanh", sigma_w2)[0])
        rows.append({
            "label": label,
            "sigma_w2": sigma_w2,
            "q_star": fixed_point("tanh", sigma_w2),
            "chi1": value,
            "phase": phase(value),
            "act_std": {d: float(stds[d - 1]) for d in depths},
            "grad_variance_growth": growth,
            "per_10_layers": value**10,
        })
    return rows


def tanh_story_text(depths=(1, 10, 50), q0=1.0):
    """``tanh_story`` as a small printable table, in the current language.

    The columns have the English widths; a column widens where a translated text needs it.
    """
    rows = tanh_story(depths, q0)
    grown = [d for d in depths if d > 1]
    columns = [  # (title, its English text, width, alignment)
        (_("start"), "start", 16, "<"), ("σ_w²", "σ_w²", 5, ">"), ("q*", "q*", 6, ">"), ("χ₁", "χ₁", 6, ">"),
        (_("phase"), "phase", 9, "<"),
        *((_("std L{depth}").format(depth=d), f"std L{d}", 8, ">") for d in depths),
        *((_("gradVar×{depth}").format(depth=d), f"gradVar×{d}", 10, ">") for d in grown),
    ]
    shown = [[column[0] for column in columns]]
    english = [[column[1] for column in columns]]
    for r in rows:
        numbers = [f"{r['sigma_w2']:.2f}", f"{r['q_star']:.3f}", f"{r['chi1']:.3f}"]
        tail = [*(f"{r['act_std'][d]:.3f}" for d in depths), *(f"{r['grad_variance_growth'][d]:.3g}" for d in grown)]
        shown.append([_(r["label"]), *numbers, _(PHASE_LABELS[r["phase"]]), *tail])
        english.append([r["label"], *numbers, r["phase"], *tail])
    widths = column_widths(shown, english, [column[2] for column in columns])
    aligns = [column[3] for column in columns]
    lines = [" ".join(pad(cell, width, align) for cell, width, align in zip(row, widths, aligns)) for row in shown]
    lines.append(_("gradVar×D: Var(dL/dz) at layer 1 over that at layer D of a D-layer net (std: its square root)"))
    return "\n".join(lines)
