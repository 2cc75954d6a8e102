"""Tests for lessonlib.dbn: greedy stacking, unrolling into an MLP, fine-tuning on the
digits, input checks and reproducibility."""

import warnings

import numpy as np
import pytest

from lessonlib import rbm as rbm_module
from lessonlib.data import digits_split
from lessonlib.dbn import DBN
from lessonlib.nn import MLP
from lessonlib.training import Diverged


def tiny_data(seed=0, n=40, n_visible=6):
    rng = np.random.default_rng(seed)
    return (rng.random((n, n_visible)) < 0.4).astype(np.float64)


def tiny_dbn(seed=0):
    dbn = DBN([6, 5, 4, 3], seed=seed)
    dbn.pretrain(tiny_data(), epochs=5, lr=0.1, batch_size=10)
    return dbn


# --- greedy pre-training -----------------------------------------------------------------


def test_each_rbm_is_trained_on_the_hidden_probabilities_of_the_one_below(monkeypatch):
    seen = []
    original_fit = rbm_module.RBM.fit

    def recording_fit(self, X, *args, **kwargs):
        seen.append((self, np.array(X, copy=True)))
        return original_fit(self, X, *args, **kwargs)

    monkeypatch.setattr(rbm_module.RBM, "fit", recording_fit)
    X = tiny_data()
    dbn = DBN([6, 5, 4, 3], seed=0)
    dbn.pretrain(X, epochs=3, lr=0.1, batch_size=10)

    assert [model for model, _ in seen] == dbn.rbms  # bottom to top, once each
    np.testing.assert_array_equal(seen[0][1], X)
    for layer in (1, 2):
        below, its_input = seen[layer - 1]
        expected = below.mean_hiddens(its_input)  # p(h = 1 | v) of the trained RBM below
        np.testing.assert_array_equal(seen[layer][1], expected)
        assert not set(np.unique(seen[layer][1])) <= {0.0, 1.0}  # probabilities, not samples
    inputs = dbn.layer_inputs(X)
    for layer in range(3):
        np.testing.assert_array_equal(inputs[layer], seen[layer][1])
    np.testing.assert_array_equal(dbn.transform(X), inputs[3])


def test_pretrain_matches_training_the_rbms_by_hand():
    X = tiny_data()
    dbn = DBN([6, 5, 4], seed=3)
    by_hand = DBN([6, 5, 4], seed=3)  # the same initial weights
    dbn.pretrain(X, epochs=4, lr=0.2, batch_size=8, seed=11)
    rng = np.random.default_rng(11)
    data = X
    for model in by_hand.rbms:
        model.fit(data, epochs=4, lr=0.2, batch_size=8, k=1, momentum=0.5, weight_decay=1e-4,
                  seed=rng, track_likelihood=False)
        data = model.transform(data)
    for a, b in zip(dbn.rbms, by_hand.rbms):
        np.testing.assert_array_equal(a.W, b.W)
        np.testing.assert_array_equal(a.hidden_bias, b.hidden_bias)


def test_histories_callback_and_per_layer_settings():
    calls = []
    dbn = DBN([6, 5, 4, 3], seed=0)
    assert not dbn.pretrained and dbn.histories == []
    histories = dbn.pretrain(tiny_data(), epochs=[2, 3, 4], lr=0.1,
                             callback=lambda layer, model, history: calls.append((layer, model)))
    assert dbn.pretrained and histories is dbn.histories
    assert [h.epoch[-1] for h in histories] == [2, 3, 4]
    assert [layer for layer, _ in calls] == [0, 1, 2]
    assert [model for _, model in calls] == dbn.rbms
    assert "pre-trained" in repr(dbn) and "6-5-4-3" in repr(dbn)


def test_reconstruct_goes_up_and_back_down():
    dbn = tiny_dbn()
    X = tiny_data()
    for layer in (1, 2, 3):
        x_hat = dbn.reconstruct(X, layer)
        assert x_hat.shape == X.shape and np.all((x_hat > 0) & (x_hat < 1))
    np.testing.assert_allclose(dbn.reconstruct(X, 1), dbn.rbms[0].reconstruct(X))


# --- unrolling ---------------------------------------------------------------------------


def test_to_mlp_copies_weights_and_hidden_biases_exactly():
    dbn = tiny_dbn()
    net = dbn.to_mlp(n_classes=2 + 1, seed=4)
    assert isinstance(net, MLP)
    assert net.layer_sizes == [6, 5, 4, 3, 3] and net.activation == "sigmoid"
    for layer, model in enumerate(dbn.rbms):
        np.testing.assert_array_equal(net.weights[layer], model.W)
        np.testing.assert_array_equal(net.biases[layer], model.hidden_bias)
        assert net.weights[layer] is not model.W  # copies: fine-tuning leaves the RBMs alone
    assert net.weights[-1].shape == (3, 3) and np.all(net.biases[-1] == 0)
    assert np.all(net.weights[-1] != 0)
    # with sigmoid units the unrolled hidden layers compute the RBMs' features
    X = tiny_data()
    trace = net.trace(X, np.zeros(len(X), dtype=np.int64))
    for layer, features in enumerate(dbn.layer_inputs(X)[1:]):
        np.testing.assert_allclose(trace.post[layer], features, atol=1e-12)
    before = dbn.rbms[0].W.copy()
    net.fit(X, np.arange(len(X)) % 3, epochs=2, lr=0.5)
    np.testing.assert_array_equal(dbn.rbms[0].W, before)


def test_to_mlp_output_layer_follows_its_initializer_and_seed():
    dbn = tiny_dbn()
    a = dbn.to_mlp(10, seed=1)
    b = dbn.to_mlp(10, seed=1)
    c = dbn.to_mlp(10, seed=2)
    np.testing.assert_array_equal(a.weights[-1], b.weights[-1])
    assert not np.array_equal(a.weights[-1], c.weights[-1])
    limit = np.sqrt(6.0 / (3 + 10))  # Glorot uniform
    assert np.abs(a.weights[-1]).max() <= limit
    small = dbn.to_mlp(10, seed=1, output_init="normal")
    assert np.abs(small.weights[-1]).max() < 0.1
    assert dbn.to_mlp(10, activation="tanh").activation == "tanh"


# --- the point of it all, on the digits ------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return digits_split(seed=0)


def test_pretrained_network_beats_small_random_start_by_a_wide_margin(digits):
    X_train, X_test, y_train, y_test = digits
    dbn = DBN([64, 100, 100], seed=0)
    dbn.pretrain(X_train, epochs=5, lr=0.1)
    tuned = dbn.to_mlp(10, seed=0)
    tuned.fit(X_train, y_train, epochs=5, lr=0.1, momentum=0.9, batch_size=32, seed=0)
    small = MLP([64, 100, 100, 10], activation="sigmoid", init="normal", init_options={"std": 0.01}, seed=0)
    small.fit(X_train, y_train, epochs=5, lr=0.1, momentum=0.9, batch_size=32, seed=0)
    pretrained_accuracy = tuned.score(X_test, y_test)
    small_accuracy = small.score(X_test, y_test)
    assert pretrained_accuracy > 0.8
    assert small_accuracy < 0.3
    assert pretrained_accuracy - small_accuracy > 0.5


def test_top_features_are_informative_before_any_label_is_seen(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:400], y_train[:400]

    def class_spread(H):  # how far apart the ten digits' mean feature vectors are
        return np.std([H[y == k].mean(axis=0) for k in range(10)], axis=0).mean()

    dbn = DBN([64, 50], seed=0)
    untrained = class_spread(dbn.rbms[0].transform(X))
    dbn.pretrain(X, epochs=5, lr=0.1)
    # the RBM found structure that separates the digits, without seeing a label
    assert class_spread(dbn.transform(X)) > 5 * untrained


# --- reproducibility ---------------------------------------------------------------------


def test_same_seed_same_stack_other_seed_other_stack():
    a, b, c = tiny_dbn(seed=5), tiny_dbn(seed=5), tiny_dbn(seed=6)
    for x, y in zip(a.rbms, b.rbms):
        np.testing.assert_array_equal(x.W, y.W)
    assert not np.array_equal(a.rbms[0].W, c.rbms[0].W)
    np.testing.assert_array_equal(a.to_mlp(4, seed=0).weights[-1], b.to_mlp(4, seed=0).weights[-1])


def test_seed_may_be_a_generator():
    a = DBN([6, 5], seed=np.random.default_rng(1))
    b = DBN([6, 5], seed=np.random.default_rng(1))
    np.testing.assert_array_equal(a.rbms[0].W, b.rbms[0].W)


# --- input checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, message",
    [
        ([64], "at least one hidden size"),
        ([], "at least one hidden size"),
        ([64, 0], "positive integer"),
        ([64, -3, 10], "positive integer"),
        ([64, 2.5], "positive integer"),
        ([64, True], "positive integer"),
        ("64-100", "list of integers"),
        (64, "list of integers"),
    ],
)
def test_bad_layer_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        DBN(sizes)


def test_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        DBN([6, 5], seed=-1)
    with pytest.raises(ValueError, match="seed"):
        DBN([6, 5], seed=None)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((10, 5)), r"shape \(n_samples, 6\)"),
        (np.zeros(6), "2-D"),
        (np.zeros((0, 6)), "at least one row"),
        (np.full((4, 6), 2.0), r"values in \[0, 1\]"),
        (np.full((4, 6), -0.5), r"values in \[0, 1\]"),
        (np.full((4, 6), np.nan), "finite"),
        ([["a"] * 6], "numbers"),
    ],
)
def test_bad_data(X, message):
    dbn = DBN([6, 5, 4])
    with pytest.raises(ValueError, match=message):
        dbn.pretrain(X)
    assert not dbn.pretrained


def test_bad_pretrain_settings():
    dbn = DBN([6, 5, 4])
    X = tiny_data()
    with pytest.raises(ValueError, match="one per RBM"):
        dbn.pretrain(X, epochs=[1, 2, 3])
    with pytest.raises(ValueError, match="lr"):
        dbn.pretrain(X, lr=-0.1)
    with pytest.raises(ValueError, match="epochs"):
        dbn.pretrain(X, epochs=0)
    with pytest.raises(ValueError, match="callable"):
        dbn.pretrain(X, callback=3)


def test_diverging_pretraining_is_flagged_and_cannot_be_unrolled():
    dbn = DBN([6, 5, 4], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        histories = dbn.pretrain(tiny_data(), epochs=3, lr=1e300, batch_size=10)
    assert histories[0].diverged and len(histories) == 1  # stopped at the first RBM
    assert dbn.diverged and not dbn.pretrained
    with pytest.raises(Diverged, match="diverged in RBM 1"):
        dbn.to_mlp(3)


def test_to_mlp_before_pretrain_and_bad_arguments():
    with pytest.raises(ValueError, match="call pretrain"):
        DBN([6, 5]).to_mlp(3)
    dbn = tiny_dbn()
    for n_classes in (0, -2, 2.5, True, None):
        with pytest.raises(ValueError, match="n_classes"):
            dbn.to_mlp(n_classes)
    with pytest.raises(ValueError, match="activation"):
        dbn.to_mlp(3, activation="softsign")
    with pytest.raises(ValueError, match="initializer"):
        dbn.to_mlp(3, output_init="bogus")
    with pytest.raises(ValueError, match="layer"):
        dbn.transform(tiny_data(), layer=0)
    with pytest.raises(ValueError, match="layer"):
        dbn.transform(tiny_data(), layer=4)
