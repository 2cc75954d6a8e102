"""Tests for lessonlib.training: the divergence test, History's summary, Run's status."""

import math

import numpy as np

from lessonlib.training import CHANCE_LIMIT, Diverged, History, Run, all_finite


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
