"""MLPStack: S networks in one set of batched products, each equal to its separate MLP run."""

import numpy as np
import pytest

from lessonlib.data import digits_split
from lessonlib.nn import MLP, MLPStack


@pytest.fixture(scope="module")
def digits():
    X_train, _, y_train, _ = digits_split()
    return X_train[:120], y_train[:120]


def separate(sizes, activation, init, seed, X, y, init_options=None, **fit):
    net = MLP(sizes, activation, init, seed=seed, init_options=init_options)
    return net, net.fit(X, y, seed=seed, **fit)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_each_member_equals_its_separate_run(digits, activation):
    X, y = digits
    sizes, seeds = [64, 12, 9, 10], [0, 3, 7]
    fit = dict(epochs=3, lr=0.1, batch_size=25, momentum=0.9)  # 25 does not divide 120: a short last batch
    stack = MLPStack(sizes, activation, "he_normal", seeds=seeds)
    for i, s in enumerate(seeds):  # the same initial weights, drawn layer by layer from make_rng(s)
        start = MLP(sizes, activation, "he_normal", seed=s)
        for W, W_start in zip(stack.model(i).weights, start.weights):
            np.testing.assert_array_equal(W, W_start)
    histories = stack.fit(X, y, X_val=X[:30], y_val=y[:30], **fit)
    for i, s in enumerate(seeds):
        net, history = separate(sizes, activation, "he_normal", s, X, y, X_val=X[:30], y_val=y[:30], **fit)
        assert histories[i].epoch == history.epoch == [0, 1, 2, 3]
        np.testing.assert_allclose(histories[i].loss, history.loss, rtol=1e-10)
        np.testing.assert_allclose(histories[i].val_loss, history.val_loss, rtol=1e-10)
        assert histories[i].accuracy == history.accuracy
        member = stack.model(i)
        for a, b in zip(member.weights + member.biases, net.weights + net.biases):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_members_differ_and_batch_seeds_can_be_given(digits):
    X, y = digits
    stack = MLPStack([64, 8, 10], "relu", "he_normal", seeds=[1, 2])
    histories = stack.fit(X, y, epochs=2, lr=0.1, batch_size=20, seeds=[5, 6])
    assert histories[0].loss != histories[1].loss
    net = MLP([64, 8, 10], "relu", "he_normal", seed=2)
    np.testing.assert_allclose(histories[1].loss, net.fit(X, y, epochs=2, lr=0.1, batch_size=20, seed=6).loss, rtol=1e-10)
    assert [m.layer_sizes for m in stack.members()] == [[64, 8, 10]] * 2
    assert stack.score(X, y) == [m.score(X, y) for m in stack.members()]


def test_a_diverging_member_stops_alone(digits):
    X, y = digits
    # N(0, 0.3**2) weights, leaky ReLU, lr 1 with momentum 0.9: seeds 1 and 3 diverge (at
    # different epochs), seed 4 does not.
    seeds, sizes, init, options = (1, 3, 4), [64, 32, 32, 10], "normal", {"std": 0.3}
    fit = dict(epochs=6, lr=1.0, batch_size=30, momentum=0.9)
    outcomes = {s: separate(sizes, "leaky_relu", init, s, X, y, init_options=options, **fit) for s in seeds}
    stack = MLPStack(sizes, "leaky_relu", init, seeds=seeds, init_options=options)
    histories = stack.fit(X, y, **fit)  # warnings are errors here: a diverging member is silent
    assert [h.diverged for h in histories] == [outcomes[s][1].diverged for s in seeds] == [True, True, False]
    assert len(histories[0].epoch) != len(histories[1].epoch)
    for i, s in enumerate(seeds):
        net, history = outcomes[s]
        assert histories[i].epoch == history.epoch
        np.testing.assert_allclose(histories[i].loss, history.loss, rtol=1e-10)
        if not history.diverged:
            for a, b in zip(stack.model(i).weights, net.weights):
                np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_binary_output_and_checks(digits):
    X, y = digits
    yb = (y % 2).astype(int)
    stack = MLPStack([64, 6, 1], "tanh", "glorot_uniform", seeds=[0, 4])
    histories = stack.fit(X, yb, epochs=2, lr=0.5, batch_size=16, momentum=0.5)
    net = MLP([64, 6, 1], "tanh", "glorot_uniform", seed=4)
    np.testing.assert_allclose(histories[1].loss, net.fit(X, yb, epochs=2, lr=0.5, batch_size=16, momentum=0.5, seed=4).loss, rtol=1e-10)
    with pytest.raises(ValueError, match="seeds"):
        MLPStack([64, 6, 1], seeds=[])
    with pytest.raises(ValueError, match="seeds"):
        stack.fit(X, yb, seeds=[1])


def test_a_stack_of_given_networks_trains_each_as_alone(digits):
    from lessonlib import starts

    X, y = digits
    seeds = [0, 4]
    nets = [starts.build_model("lsuv", [64, 10, 10], "tanh", seed=s, X=X) for s in seeds]
    before = [n.weights[0].copy() for n in nets]
    stack = MLPStack.from_models(nets, seeds)
    histories = stack.fit(X, y, epochs=2, lr=0.1, batch_size=30, momentum=0.9)
    for net, first, history, seed in zip(nets, before, histories, seeds):
        np.testing.assert_array_equal(net.weights[0], first)  # the given networks are not changed
        alone = starts.build_model("lsuv", [64, 10, 10], "tanh", seed=seed, X=X)
        expected = alone.fit(X, y, epochs=2, lr=0.1, batch_size=30, momentum=0.9, seed=seed)
        np.testing.assert_allclose(history.loss, expected.loss, rtol=1e-10)
    with pytest.raises(ValueError, match="one architecture"):
        MLPStack.from_models([nets[0], MLP([64, 9, 10], "tanh")], [0, 1])
    with pytest.raises(ValueError, match="one non-negative integer per model"):
        MLPStack.from_models(nets, [0])


def test_each_member_trains_on_its_own_data(digits):
    # a different labelled subset per member (one size for all), and a validation set each
    X, y = digits
    seeds, sizes = [0, 5, 9], [64, 10, 8, 10]
    subsets = [np.random.default_rng(s).permutation(len(y))[:45] for s in seeds]
    held_out = [np.random.default_rng(s + 100).permutation(len(y))[:20] for s in seeds]
    fit = dict(epochs=4, lr=0.2, batch_size=16, momentum=0.9)
    for activation in ("sigmoid", "relu"):
        stack = MLPStack(sizes, activation, "glorot_uniform", seeds=seeds)
        histories = stack.fit(np.stack([X[i] for i in subsets]), np.stack([y[i] for i in subsets]),
                              X_val=np.stack([X[i] for i in held_out]), y_val=np.stack([y[i] for i in held_out]), **fit)
        for k, s in enumerate(seeds):
            net, history = separate(sizes, activation, "glorot_uniform", s, X[subsets[k]], y[subsets[k]],
                                    X_val=X[held_out[k]], y_val=y[held_out[k]], **fit)
            np.testing.assert_allclose(histories[k].loss, history.loss, rtol=1e-10)
            np.testing.assert_allclose(histories[k].val_loss, history.val_loss, rtol=1e-10)
            assert histories[k].val_accuracy == history.val_accuracy
            for a, b in zip(stack.model(k).weights, net.weights):
                np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    with pytest.raises(ValueError, match="X must have shape"):
        stack.fit(np.zeros((2, 45, 64)), np.zeros((2, 45), dtype=int))
    with pytest.raises(ValueError, match="y"):
        stack.fit(np.stack([X[i] for i in subsets]), np.zeros((3, 44), dtype=int))
    with pytest.raises(ValueError, match=r"y\[1\]"):
        stack.fit(np.stack([X[i] for i in subsets]), np.stack([y[subsets[0]], y[subsets[1]] + 10, y[subsets[2]]]))


def test_early_stopping_and_sparse_records_member_by_member(digits):
    # every member stops on its own epoch and keeps its own best weights, exactly as its
    # separate MLP.fit with the same patience; record_every as MLP.fit's
    X, y = digits
    X_train, y_train, X_val, y_val = X[:80], y[:80], X[80:], y[80:]
    seeds, sizes = [0, 1, 2, 3], [64, 12, 12, 10]
    fit = dict(epochs=60, lr=0.5, batch_size=20, momentum=0.9, X_val=X_val, y_val=y_val, patience=6, record_every=2)
    stack = MLPStack(sizes, "sigmoid", "glorot_uniform", seeds=seeds)
    histories = stack.fit(X_train, y_train, **fit)
    assert len({h.epoch[-1] for h in histories}) > 1  # the members stopped at different epochs
    for k, s in enumerate(seeds):
        net, history = separate(sizes, "sigmoid", "glorot_uniform", s, X_train, y_train, **fit)
        assert histories[k].epoch == history.epoch and histories[k].best_epoch == history.best_epoch
        assert history.epoch[:3] == [0, 2, 4]
        assert histories[k].val_accuracy == history.val_accuracy
        for a, b in zip(stack.model(k).weights + stack.model(k).biases, net.weights + net.biases):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert stack.score(X_val, y_val) == [h.val_accuracy[h.epoch.index(h.best_epoch)] for h in histories]


def test_large_evaluations_go_in_blocks_that_stay_on_one_blas_thread():
    # 100 x 100 layers: a block of rows keeps rows x 100 x 100 below OpenBLAS's split
    from lessonlib.nn import _BLAS_ONE_THREAD, _single_thread_rows

    sizes = [64, 100, 100, 10]
    rows = _single_thread_rows(sizes)
    assert rows * 100 * 100 < _BLAS_ONE_THREAD <= (rows + 2) * 100 * 100
    X_train, X_test, y_train, y_test = digits_split()
    assert len(X_train) > 10 * rows  # the evaluation on the training set is split into blocks
    stack = MLPStack(sizes, "tanh", "glorot_uniform", seeds=[0, 1])
    histories = stack.fit(X_train, y_train, epochs=1, lr=0.05, batch_size=50, X_val=X_test, y_val=y_test)
    for i, seed in enumerate([0, 1]):
        net, history = separate(sizes, "tanh", "glorot_uniform", seed, X_train, y_train, epochs=1, lr=0.05,
                                batch_size=50, X_val=X_test, y_val=y_test)
        np.testing.assert_allclose(histories[i].loss, history.loss, rtol=1e-12)
        assert histories[i].accuracy == history.accuracy and histories[i].val_accuracy == history.val_accuracy
        assert stack.score(X_train, y_train)[i] == net.score(X_train, y_train)


def test_a_member_diverging_between_measurements_has_the_history_of_its_separate_run(digits):
    X, y = digits
    seeds, sizes, init, options = (1, 3, 4), [64, 32, 32, 10], "normal", {"std": 0.3}
    fit = dict(epochs=7, lr=1.0, batch_size=30, momentum=0.9, record_every=3)
    stack = MLPStack(sizes, "leaky_relu", init, seeds=seeds, init_options=options)
    histories = stack.fit(X, y, **fit)
    assert [h.diverged for h in histories] == [True, True, False]
    for i, s in enumerate(seeds):
        net, history = separate(sizes, "leaky_relu", init, s, X, y, init_options=options, **fit)
        assert histories[i].epoch == history.epoch and histories[i].diverged == history.diverged
        np.testing.assert_allclose(histories[i].loss, history.loss, rtol=1e-10)
        # it stopped at the epoch it overflowed, as MLP.fit does: the same weights overflowed
        for a, b in zip(stack.model(i).weights, net.weights):
            np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b))
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
