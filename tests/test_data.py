
import numpy as np
import pytest

from lessonlib import data


def test_digits_shape_range_and_labels():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    # every pixel is a multiple of 1/16 (the original 0..16 counts)
    assert np.allclose(X * 16, np.round(X * 16))
    assert y[:10].tolist() == list(range(10))


def test_digits_loaded_copy_is_independent():
    X, _ = data.load_digits()
    X[:] = 5.0
    X2, _ = data.load_digits()
    assert X2.max() == 1.0


def test_split_is_stratified_disjoint_and_seeded():
    X, y = data.load_digits()
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_fraction=0.25, seed=0)
    assert len(Xtr) + len(Xte) == 1797
    assert abs(len(Xte) - 450) <= 10
    assert np.all(np.bincount(yte, minlength=10) > 40)
    # duplicates exist in the data, so compare indices through a tagged copy instead
    tagged = np.column_stack([X, np.arange(len(X))])
    a, b, _, _ = data.train_test_split(tagged, y, seed=0)
    assert not set(a[:, -1]) & set(b[:, -1])
    again = data.train_test_split(X, y, seed=0)
    assert np.array_equal(again[0], Xtr) and np.array_equal(again[3], yte)
    other = data.train_test_split(X, y, seed=1)
    assert not np.array_equal(other[0], Xtr)


def test_split_bad_input():
    X, y = data.load_digits()
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(X, y, test_fraction=1.5)
    with pytest.raises(ValueError, match="y must have shape"):
        data.train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        data.train_test_split(X[0], y)


@pytest.mark.parametrize("n, count", [(1, 2), (2, 6), (3, 14), (4, 30)])
def test_bars_and_stripes_count_and_distinct(n, count):
    P = data.bars_and_stripes(n)
    assert P.shape == (count, n * n)
    assert len({row.tobytes() for row in P}) == count
    for row in P:
        image = row.reshape(n, n)
        rows_constant = np.all(image == image[:, :1])
        cols_constant = np.all(image == image[:1, :])
        assert rows_constant or cols_constant


def test_bars_and_stripes_bad_n():
    for bad in (0, -1, 2.0, 7):
        with pytest.raises(ValueError, match="n must be"):
            data.bars_and_stripes(bad)


def test_toy_sets():
    X, y = data.make_circles(100, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.5)
    X, y = data.make_moons(100, noise=0.05, seed=0)
    assert X.shape == (100, 2) and set(y) == {0, 1}
    assert np.array_equal(data.make_moons(50, seed=3)[0], data.make_moons(50, seed=3)[0])
    with pytest.raises(ValueError, match="n_samples"):
        data.make_moons(0)
    with pytest.raises(ValueError, match="noise"):
        data.make_circles(10, noise=-1)


def test_binarize_and_one_hot():
    assert data.binarize([[0.2, 0.7]]).tolist() == [[0.0, 1.0]]
    assert data.one_hot(np.array([0, 2]), 3).tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match="labels 0..2"):
        data.one_hot(np.array([3]), 3)


# --- the 30-layer experiment (He et al. 2015, fig. 3), seeded and small -----------------


def test_balanced_digits_hold_every_class_equally_often():
    X_train, X_test, y_train, y_test = data.balanced_digits(25)
    assert X_train.shape == (250, 64) and X_test.shape == (250, 64)
    assert np.bincount(y_train).tolist() == [25] * 10
    assert np.bincount(y_test).tolist() == [25] * 10
    with pytest.raises(ValueError, match="per_class"):
        data.balanced_digits(0)
