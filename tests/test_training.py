"""Tests for lessonlib.training: the divergence test, History's summary, Run's status and the verdict over seeds."""

import math

import numpy as np
import pytest

from lessonlib.training import (
    CHANCE_LIMIT,
    WIN_FRACTION,
    Diverged,
    History,
    Run,
    all_finite,
    compare,
    mean_sd,
)


def test_mean_and_sample_std():
    mean, sd = mean_sd([0.1, 0.2, 0.3, 0.4, 0.5])
    assert mean == pytest.approx(0.3)
    assert sd == pytest.approx(np.std([0.1, 0.2, 0.3, 0.4, 0.5], ddof=1))
    with pytest.raises(ValueError, match="at least two"):
        mean_sd([0.5])
    with pytest.raises(ValueError, match="finite"):
        mean_sd([0.5, float("nan")])


def test_a_clear_winner_is_named_with_k_of_n():
    v = compare([0.9, 0.91, 0.88, 0.92, 0.9], [0.1, 0.1, 0.1, 0.1, 0.1], names=("He", "LeCun"))
    assert v.winner == "He" and not v.tie and v.k == 5 and v.n == 5 and v.apart
    assert v.mean[0] == pytest.approx(0.902) and v.sd[1] == 0.0
    assert "He higher on 5 of 5 seeds" in v.text and "He wins" in v.text
    # the second start can win too
    assert compare([0.1] * 5, [0.5, 0.6, 0.55, 0.52, 0.58], names=("a", "b")).winner == "b"


def test_four_of_five_is_enough_but_overlapping_intervals_are_a_tie():
    assert math.ceil(WIN_FRACTION * 5) == 4
    v = compare([0.9, 0.9, 0.9, 0.9, 0.2], [0.3, 0.3, 0.3, 0.3, 0.5], names=("a", "b"))
    assert v.k == 4 and v.apart and v.winner == "a"  # 4 of 5, and 0.76 - 0.31 > 0.34 + 0.09
    assert "a higher on 4 of 5 seeds" in v.text
    v = compare([0.80, 0.81, 0.82, 0.83, 0.84], [0.70, 0.71, 0.72, 0.73, 0.90], names=("a", "b"))
    assert v.k == 4 and not v.apart and v.tie  # b's one good seed widens its interval
    assert "intervals overlap: a tie" in v.text


def test_apart_but_winning_on_too_few_seeds_is_a_tie():
    # means far apart, but a wins on only 3 of 5 seeds
    a = [0.9, 0.9, 0.9, 0.1, 0.1]
    b = [0.2, 0.2, 0.2, 0.2, 0.2]
    v = compare(a, b)
    assert v.tie and v.k == 3


def test_the_verdict_line_is_built_from_its_parts_for_a_table():
    # a winner: the winner leads, its count and the verdict
    v = compare([0.1] * 5, [0.5, 0.6, 0.55, 0.52, 0.58], names=("a", "b"))
    assert (v.leader, v.ahead, v.outcome) == ("b", "5 of 5 seeds", "intervals apart: b wins")
    assert v.text == "a 0.100 ± 0.000 vs b 0.550 ± 0.041 (mean ± sd, 5 seeds): b higher on 5 of 5 seeds, intervals apart: b wins"
    # a tie with overlapping intervals: the higher mean leads, even when it is the second start
    v = compare([0.80, 0.81, 0.82, 0.83, 0.84], [0.5, 0.6, 0.7, 0.8, 1.6], names=("a", "b"))
    assert v.mean[0] < v.mean[1] and v.leader == "b" and v.k == 1 and v.outcome == "intervals overlap: a tie"
    assert v.text.endswith(": b higher on 1 of 5 seeds, intervals overlap: a tie")
    # apart, but ahead on too few seeds
    v = compare([0.9, 0.9, 0.9, 0.5, 0.5], [0.2, 0.2, 0.2, 0.51, 0.51], names=("a", "b"))
    assert v.apart and v.tie and v.leader == "a" and v.k == 3
    assert v.outcome == "higher on only 3 of 5 seeds: a tie"
    assert v.text.endswith(f"a higher on 3 of 5 seeds, {v.outcome}")


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="pair"):
        compare([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="names"):
        compare([1, 2], [1, 2], names=("only one",))



def test_all_finite_is_the_divergence_test():
    assert all_finite(np.zeros(3), np.ones((2, 2)))
    assert not all_finite(np.zeros(3), np.array([1.0, np.nan]))
    assert not all_finite(np.array([np.inf]))
    assert not all_finite(np.full(3, 1e308))  # a sum that overflows counts as divergence
    assert all_finite()
    assert issubclass(Diverged, ValueError)


def test_history_summary_for_networks_rbms_and_divergence():
    assert History().summary() == "not trained"
    net = History(epoch=[0, 1], loss=[2.3, 1.0], accuracy=[0.1, 0.7], val_accuracy=[0.1, 0.65])
    assert net.summary() == "epoch 1: loss 1.000, accuracy 0.700, test accuracy 0.650"
    rbm = History(epoch=[0, 1], recon_error=[0.2, 0.1], log_likelihood=[-3.0], kl=[0.5])
    assert rbm.summary() == "epoch 1: reconstruction error 0.1000, log-likelihood -3.000, KL 0.500"
    assert History(epoch=[0, 1], diverged=True).summary() == "diverged at epoch 2"


def test_run_status():
    ok = Run("he_normal", 0, History(loss=[2.0, 1.0]), 0.9)
    assert ok.converged and ok.status == "ok" and ok.loss == [2.0, 1.0]
    assert Run("zeros", 0, History(), CHANCE_LIMIT / 2).status == "n/c"
    diverged = Run("normal_1", 0, History(diverged=True), math.nan)
    assert diverged.diverged and diverged.status == "n/c"
    assert diverged.as_dict()["diverged"] is True
