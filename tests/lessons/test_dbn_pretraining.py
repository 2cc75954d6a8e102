"""Tests for lessonlib.pretraining: the experiments of notebook 03, on small settings."""

import numpy as np
import pytest

from lessonlib.lessons import dbn_pretraining as P
from lessonlib.training import History, Run


def test_label_subset_is_balanced_seeded_and_complete_for_none():
    y_train = P.digits()[2]
    idx = P.label_subset(53, seed=1)
    assert len(idx) == 53 and len(np.unique(idx)) == 53
    counts = np.bincount(y_train[idx], minlength=10)
    assert counts.min() >= 5 and counts.max() <= 6
    np.testing.assert_array_equal(idx, P.label_subset(53, seed=1))
    assert not np.array_equal(idx, P.label_subset(53, seed=2))
    assert len(P.label_subset(None)) == len(y_train) == len(P.label_subset(10**6))
    for bad in (5, 0, 2.5, True):
        with pytest.raises(ValueError, match="n_labels"):
            P.label_subset(bad)


def test_make_network_starts():
    assert P.make_network("dbn", 0).init == "dbn"
    assert np.all(P.make_network("zeros", 0).weights[0] == 0)
    assert abs(np.std(P.make_network("normal", 0).weights[1]) - 0.01) < 0.002
    xavier = P.make_network("xavier", 0).weights[1]
    assert np.abs(xavier).max() <= np.sqrt(6 / 200)
    with pytest.raises(ValueError, match="unknown start"):
        P.make_network("he", 0)


def test_pretrained_dbn_is_cached_and_timed():
    assert P.pretrained_dbn(0) is P.pretrained_dbn(0)
    assert P.pretrained_dbn(0).pretrained
    assert P.pretrain_seconds(0) > 0


def test_fine_tune_few_labels_takes_the_fixed_number_of_steps_and_fits_them():
    run = P.fine_tune("dbn", seed=0, n_labels=40, track_test=False)
    assert run.n_labels == 40 and not run.history.val_accuracy
    steps = (len(run.history.epoch) - 1) * int(np.ceil(40 / P.FINE_TUNE["batch_size"]))
    assert P.FEW_LABEL_STEPS <= steps < P.FEW_LABEL_STEPS + 2
    assert run.history.accuracy[-1] == 1.0  # every labelled image is fitted by the end
    assert 0.5 < run.test_accuracy <= 1.0


def test_stuck_starts_stay_at_chance_with_loss_ln10():
    for start in P.STUCK_STARTS:
        run = P.fine_tune(start, seed=0, epochs=3)
        assert max(run.history.val_accuracy) < 0.15
        assert abs(run.history.loss[-1] - np.log(10)) < 0.05


def test_compare_starts_is_cached_whatever_the_spelling(monkeypatch):
    calls = []
    monkeypatch.setattr(P, "fine_tune", lambda start, seed, epochs=None: calls.append((start, seed, epochs)))
    P._compare_starts.cache_clear()
    first = P.compare_starts((7, 8), (9,))
    assert P.compare_starts([7, 8], stuck_seeds=[9]) is first
    assert sorted(calls) == sorted([("dbn", 7, None), ("dbn", 8, None), ("xavier", 7, None), ("xavier", 8, None),
                                    ("normal", 9, P.STUCK_EPOCHS), ("zeros", 9, P.STUCK_EPOCHS)])
    P._compare_starts.cache_clear()


def test_epochs_to_reach_and_summary_table():
    h = History(epoch=[0, 1, 2, 3], val_accuracy=[0.1, 0.5, 0.91, 0.95])
    assert P.epochs_to_reach(h, 0.9) == 2
    assert P.epochs_to_reach(h, 0.99) is None
    run = Run("zeros", 0, h, 0.95, n_labels=10)
    rows = P.summary_table({"zeros": [run, run]}, target=0.9)
    assert rows[0]["mean"] == pytest.approx(0.95) and rows[0]["epochs_to_target"] == [2, 2]
    assert rows[0]["epochs"] == 3


def test_unit_pictures_and_top_activating():
    dbn = P.pretrained_dbn(0)
    X = P.digits()[0][:200]
    assert P.unit_pictures(dbn, 1, range(5)).shape == (5, 64)
    np.testing.assert_array_equal(P.unit_pictures(dbn, 1, [3])[0], dbn.rbms[0].W[:, 3])
    np.testing.assert_allclose(P.unit_pictures(dbn, 2, [0])[0], dbn.rbms[0].W @ dbn.rbms[1].W[:, 0])
    top = P.top_activating(dbn, X, 3, unit=0, n=4)
    H = dbn.transform(X, 3)[:, 0]
    assert H[top[0]] == H.max() and len(top) == 4


def test_draw_tower_without_warnings():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3)
    for step, ax in enumerate(axes):
        P.draw_tower(ax, P.LAYERS, training=step)
    assert len(axes[2].lines) > len(axes[0].lines)
    plt.close(fig)


def test_stacking_and_filter_figures_draw_without_warnings():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dbn = P.pretrained_dbn(0)
    fig = P.stacking_figure(dbn, P.digits()[0][0])
    assert len(fig.axes) == 3 + 9
    plt.close(fig)
    fig = P.filters_figure(dbn, n_units=12)
    assert len(fig.axes) == 3
    plt.close(fig)
    runs = P.compare_starts()
    fig = P.comparison_figure(runs)
    acc_axes = fig.axes[0]
    # one bold median line per start, labelled in the legend
    assert len(acc_axes.get_legend().get_texts()) == len(runs)
    plt.close(fig)
