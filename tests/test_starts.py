"""Tests for lessonlib.starts: a network started by name."""

import numpy as np
import pytest

from lessonlib import data, starts
from lessonlib.dbn import DBN


def test_every_init_name_is_a_start():
    assert "he_uniform" in starts.start_names()  # every lessonlib.init name works too
    assert starts.start_names()[:9] == list(starts.LABELS)


@pytest.mark.parametrize("name", ["zeros", "normal_0.01", "normal_1", "slide_xavier", "orthogonal", "lsuv", "dbn"])
def test_build_model_starts_by_name(name):
    X, _, _, _ = data.digits(n_train=120)
    model = starts.build_model(name, [64, 16, 16, 10], "sigmoid", seed=0, X=X, dbn_epochs=1)
    assert model.layer_sizes == [64, 16, 16, 10]
    assert model.init == name
    if name == "normal_0.01":
        assert np.std(model.weights[0]) == pytest.approx(0.01, rel=0.1)
    if name == "lsuv":
        z = X @ model.weights[0]
        assert np.var(z) == pytest.approx(1.0, abs=0.02)


def test_data_dependent_starts_need_the_inputs():
    for name in ("lsuv", "dbn"):
        with pytest.raises(ValueError, match="data-dependent"):
            starts.build_model(name, [64, 8, 10], "relu")




def test_a_given_pretrained_stack_is_unrolled_not_pretrained_again():
    X, _, _, _ = data.digits(n_train=60)
    dbn = DBN([64, 8], seed=0)
    dbn.pretrain(X, epochs=1)
    model = starts.build_model("dbn", [64, 8, 10], "sigmoid", seed=0, pretrained=dbn)
    assert np.array_equal(model.weights[0], dbn.rbms[0].W)
    assert model.weights[0] is not dbn.rbms[0].W
    with pytest.raises(ValueError, match="layer sizes"):
        starts.build_model("dbn", [64, 9, 10], "sigmoid", pretrained=dbn)
