"""Data for the series: the bundled 8x8 digits and small generated sets.

Nothing here touches the network. The digits ship inside the package (the repository's
``data/`` folder is installed as ``lessonlib._data``); the toy sets are generated from a
seed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from functools import lru_cache
from importlib import resources

import numpy as np

from lessonlib import _validate
from lessonlib.seeding import make_rng

DIGITS_FILE = "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


@lru_cache(maxsize=1)
def _digits_raw():
    blob = resources.files("lessonlib._data").joinpath(DIGITS_FILE).read_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    if digest != DIGITS_SHA256:
        raise ValueError(
            f"{DIGITS_FILE} is damaged: sha256 {digest}, expected {DIGITS_SHA256}"
        )
    with gzip.open(io.BytesIO(blob), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    return table


def load_digits():
    """The 8x8 handwritten digits (1797 images), pixels scaled to [0, 1].

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Pixel intensities 0..16 divided by 16, row-major 8x8 images.
    y : ndarray of shape (1797,), int64
        Labels 0..9.

    References
    ----------
    E. Alpaydin, C. Kaynak (1998). Optical Recognition of Handwritten Digits.
    UCI Machine Learning Repository (CC BY 4.0).
    """
    table = _digits_raw()
    X = table[:, :64].astype(np.float64) / 16.0
    y = table[:, 64].copy()
    return X, y


def binarize(X, threshold=0.5):
    """Pixels above ``threshold`` become 1.0, the rest 0.0 (for binary RBMs).

    ``X`` is a non-empty array of finite numbers, ``threshold`` a finite number.
    """
    X = _validate.array(X, "X")
    threshold = _validate.real(threshold, "threshold")
    return (X > threshold).astype(np.float64)


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Shuffle with ``seed`` and split into (X_train, X_test, y_train, y_test).

    The split is stratified: each class keeps the same share in both parts, so a small
    test set still contains every digit. ``X`` is 2-D (n_samples, n_features) of finite
    numbers, ``y`` holds one non-negative integer label per row, ``test_fraction`` is
    in (0, 1).
    """
    n = _validate.array(X, "X", ndim=2, what="n_samples, n_features").shape[0]
    X = np.asarray(X)  # split as given: the checks do not change its dtype
    y = _validate.labels(y, "y", n, None)
    test_fraction = _validate.real(test_fraction, "test_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
    rng = make_rng(seed)
    test_idx = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(test_fraction * len(members)))
        test_idx.append(members[:n_test])
    test_idx = np.concatenate(test_idx)
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~is_test))
    test_idx = rng.permutation(test_idx)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def digits_split(test_fraction=0.25, seed=0):
    """``load_digits`` followed by ``train_test_split``: the series' standard benchmark."""
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=test_fraction, seed=seed)


@lru_cache(maxsize=4)
def _split(seed):
    parts = digits_split(seed=seed)
    for part in parts:
        part.setflags(write=False)
    return parts


def digits(n_train=None, seed=0):
    """The series' standard split of the digits, optionally with fewer training images.

    Returns (X_train, X_test, y_train, y_test): the first ``n_train`` training images of
    ``digits_split(seed=seed)`` (all 1347 when None) and its 450 test images. The split
    is computed once and cached; every call returns fresh copies, so a notebook may
    change them freely.
    """
    seed = _validate.integer(seed, "seed", low=0)
    X_train, X_test, y_train, y_test = _split(seed)
    if n_train is not None:
        n_train = _validate.integer(n_train, "n_train", low=1, high=len(y_train))
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    return X_train.copy(), X_test.copy(), y_train.copy(), y_test.copy()


def standardized_digits(seed=0):
    """``digits`` with pixels centred per pixel and scaled by the overall std of the
    training set (test set scaled with the training statistics): zero-mean inputs, as the
    variance arguments of Glorot & Bengio and He et al. assume."""
    X_train, X_test, y_train, y_test = digits(seed=seed)
    mean = X_train.mean(axis=0)
    std = X_train.std()
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test


def balanced_digits(per_class=25, seed=0):
    """``standardized_digits`` cut down to the first ``per_class`` training and the first
    ``per_class`` test digits of each class (in the split's order).

    With every class equally frequent, a network that has learned nothing but the class
    frequencies still has a loss of exactly ln 10 and an accuracy of exactly 0.1, so a
    stalled run reads as such. Returns (X_train, X_test, y_train, y_test).
    """
    per_class = _validate.integer(per_class, "per_class", low=1, high=130)
    X_train, X_test, y_train, y_test = standardized_digits(seed=seed)

    def pick(y):
        return np.sort(np.concatenate([np.flatnonzero(y == k)[:per_class] for k in range(10)]))

    train, test = pick(y_train), pick(y_test)
    return X_train[train], X_test[test], y_train[train], y_test[test]


def bars_and_stripes(n=3):
    """All distinct n x n bars-and-stripes patterns, one flattened pattern per row.

    A pattern is either a set of full rows switched on ("stripes") or a set of full
    columns switched on ("bars"). The all-off and all-on images are both, so they are
    counted once: 2**(n + 1) - 2 distinct patterns (14 for n = 3).

    Returns
    -------
    ndarray of shape (2**(n + 1) - 2, n * n), float64 of 0s and 1s, in a fixed order.
    """
    n = _validate.integer(n, "n", low=1, high=6)  # 2**(n + 1) - 2 patterns
    patterns = []
    seen = set()
    for code in range(2**n):
        on = np.array([(code >> k) & 1 for k in range(n)], dtype=np.float64)
        for image in (np.repeat(on[:, None], n, axis=1), np.repeat(on[None, :], n, axis=0)):
            key = image.tobytes()
            if key not in seen:
                seen.add(key)
                patterns.append(image.ravel())
    return np.array(patterns)


def make_circles(n_samples=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric rings in 2-D: class 0 outside (radius 1), class 1 inside (``factor``).

    Returns X of shape (n_samples, 2) and y of shape (n_samples,) with labels 0/1.
    """
    n_samples = _validate.positive_int(n_samples, "n_samples")
    factor = _validate.real(factor, "factor", low=0.0, high=1.0, low_open=True, high_open=True)
    noise = _validate.real(noise, "noise", low=0.0, high=_validate.MAX_SCALE)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    angle = rng.uniform(0.0, 2.0 * np.pi, n_samples)
    radius = np.where(y == 0, 1.0, factor)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0.0, noise, X.shape)
    return X, y


def make_moons(n_samples=200, noise=0.1, seed=0):
    """Two interleaving half circles in 2-D, labels 0/1."""
    n_samples = _validate.positive_int(n_samples, "n_samples")
    noise = _validate.real(noise, "noise", low=0.0, high=_validate.MAX_SCALE)
    rng = make_rng(seed)
    y = np.arange(n_samples) % 2
    t = rng.uniform(0.0, np.pi, n_samples)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower)
    X = X + rng.normal(0.0, noise, X.shape)
    return X, y


def one_hot(y, n_classes):
    """Integer labels (n,) -> one-hot matrix (n, n_classes)."""
    n_classes = _validate.positive_int(n_classes, "n_classes")
    y = _validate.labels(y, "y", None, n_classes)
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out
