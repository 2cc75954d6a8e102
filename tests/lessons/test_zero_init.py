import math

import numpy as np
import pytest

from lessonlib.lessons import zero_init as symmetry
from lessonlib.nn import MLP


@pytest.fixture(scope="module")
def digits():
    return symmetry.small_digits()


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_zero_init_blocks_every_weight_gradient(digits, activation):
    X, _, y, _ = digits
    report = symmetry.gradient_report(MLP([64, 32, 32, 10], activation, "zeros"), X, y)
    assert [row["max_abs_grad"] for row in report[:-1]] == [0.0, 0.0]


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_zero_init_only_learns_label_frequencies(activation):
    run = symmetry.train_start("zeros", activation=activation, init="zeros", epochs=30)
    X_train, _, y_train, _ = symmetry.small_digits()
    assert run.history.loss[0] == pytest.approx(math.log(10))
    # the loss can only approach the entropy of the label frequencies, never go below it
    assert run.history.loss[-1] >= symmetry.label_entropy(y_train) - 1e-9
    assert run.history.loss[-1] < run.history.loss[0]
    assert run.test_accuracy < 0.2
    for W in run.model.weights:
        assert not W.any()


def test_constant_and_sigmoid_zero_starts_stay_symmetric():
    const = symmetry.train_start("c", activation="tanh", init="constant", init_options={"value": 0.05}, epochs=10)
    sig = symmetry.train_start("z", activation="sigmoid", init="zeros", epochs=10)
    for run in (const, sig):
        assert run.model.hidden_unit_spread(0) == 0.0
        assert run.model.hidden_unit_spread(1) == 0.0
    assert sig.model.weights[-1].any()  # sigmoid's upper layer does move, symmetrically


def test_no_hidden_layer_trains_from_zeros():
    run = symmetry.train_start("softmax regression", layer_sizes=(64, 10), init="zeros", epochs=15)
    assert run.test_accuracy > 0.85


def test_small_random_breaks_symmetry():
    run = symmetry.train_start("small", init="normal", init_options={"std": 0.01}, epochs=30)
    assert run.model.hidden_unit_spread(0) > 0
    assert run.test_accuracy > 0.5


def test_seed_study_spread_and_reproducibility():
    study = symmetry.seed_study(0.1, seeds=range(4))
    accs = study["test_accuracy"]
    assert len(accs) == 4 and len(study["loss_curves"][0]) == symmetry.SEED_EPOCHS + 1
    assert max(accs) - min(accs) > 0.02  # the seed matters
    again = symmetry.seed_study(0.1, seeds=range(4))
    assert again["test_accuracy"] == accs
    zeros = symmetry.seed_study(0.0, seeds=range(3))
    assert len(set(zeros["test_accuracy"])) == 1  # no randomness left to differ


def test_label_entropy():
    assert symmetry.label_entropy(np.array([0, 1, 0, 1])) == pytest.approx(math.log(2))
    assert symmetry.label_entropy(np.array([3, 3])) == 0.0


def test_seed_run_rejects_negative_std():
    with pytest.raises(ValueError, match="std must be >= 0"):
        symmetry.seed_run(-0.1, 0)
