"""Tests for lessonlib.lessons.dbn_pretraining: the experiments of notebook 03, on small settings."""

import re

import numpy as np
import pytest

from lessonlib.lessons import dbn_pretraining as P
from lessonlib.training import History, Run


def test_validation_split_and_label_subsets_are_seeded_balanced_nested_and_apart():
    y_train = P.digits()[2]
    held_out = P.validation_split(seed=1)
    assert len(held_out) == 10 * P.VALIDATION_PER_DIGIT
    assert np.bincount(y_train[held_out], minlength=10).tolist() == [P.VALIDATION_PER_DIGIT] * 10
    np.testing.assert_array_equal(held_out, P.validation_split(1))
    assert not np.array_equal(held_out, P.validation_split(2))
    everything = P.label_subset(None, seed=1)
    assert len(everything) == P.n_pool() == len(y_train) - len(held_out)
    assert not set(everything) & set(held_out)
    idx = P.label_subset(53, seed=1)
    assert len(idx) == 53 and len(np.unique(idx)) == 53
    counts = np.bincount(y_train[idx], minlength=10)
    assert counts.min() == 5 and counts.max() == 6  # as equal a share per digit as possible
    np.testing.assert_array_equal(idx, P.label_subset(53, seed=1))  # the same draw every time
    assert not np.array_equal(idx, P.label_subset(53, seed=2))
    smaller = P.label_subset(20, seed=1)
    assert set(smaller) <= set(idx) <= set(P.label_subset(300, seed=1))  # nested budgets
    assert np.bincount(y_train[smaller], minlength=10).tolist() == [2] * 10
    np.testing.assert_array_equal(P.label_subset(10**6, seed=1), everything)
    for bad in (5, 0, 2.5, True):
        with pytest.raises(ValueError, match="n_labels"):
            P.label_subset(bad)


def test_schedule_turns_steps_into_epochs():
    plan = P.schedule(None)
    assert plan["steps_per_epoch"] == int(np.ceil(P.n_pool() / P.FINE_TUNE["batch_size"]))
    assert plan["epochs"] * plan["steps_per_epoch"] >= P.STOPPING["max_steps"]
    assert (plan["patience"] - 1) * plan["steps_per_epoch"] < P.STOPPING["patience_steps"]
    few = P.schedule(20)  # one step per epoch
    assert few == {"steps_per_epoch": 1, "epochs": P.STOPPING["max_steps"], "patience": P.STOPPING["patience_steps"],
                   "record_every": P.STOPPING["record_steps"]}


def test_make_network_starts():
    assert P.make_network("dbn", 0).init == "dbn"
    assert np.all(P.make_network("zeros", 0).weights[0] == 0)
    assert abs(np.std(P.make_network("normal", 0).weights[1]) - 0.01) < 0.002
    fan_in = P.LAYERS[1]
    xavier = P.make_network("xavier", 0).weights[1]
    assert np.abs(xavier).max() <= np.sqrt(6 / (2 * fan_in))
    he = P.make_network("he", 0)
    assert he.activation == "relu" and abs(np.std(he.weights[1]) - np.sqrt(2 / fan_in)) < 0.02
    assert {P.make_network(s, 0).activation for s in ("dbn", "xavier", "normal", "zeros")} == {"sigmoid"}
    with pytest.raises(ValueError, match="unknown start"):
        P.make_network("kaiming", 0)


def test_pretrained_dbn_is_cached_and_timed():
    assert P.pretrained_dbn(0) is P.pretrained_dbn(0)
    assert P.pretrained_dbn(0).pretrained
    assert P.pretrain_seconds(0) > 0


@pytest.mark.parametrize("start", ["dbn", "he"])
def test_train_start_equals_each_seed_trained_alone(start):
    # the stacked runs (one label subset and validation split per seed, early stopping)
    # are the separate runs of MLP.fit, seed by seed
    X_train, X_test, y_train, y_test = P.digits()
    seeds = (0, 3)
    runs = P.train_start(start, 20, seeds=seeds)
    assert P.train_start(start, 20, seeds=list(seeds)) == runs  # cached, whatever the spelling
    plan = P.schedule(20)
    for run, seed in zip(runs, seeds):
        net = P.make_network(start, seed)
        labelled, held_out = P.label_subset(20, seed), P.validation_split(seed)
        history = net.fit(X_train[labelled], y_train[labelled], X_val=X_train[held_out], y_val=y_train[held_out],
                          epochs=plan["epochs"], patience=plan["patience"], record_every=plan["record_every"],
                          seed=seed, **P.FINE_TUNE)
        assert (run.start, run.seed, run.n_labels, run.activation) == (start, seed, 20, P.ACTIVATIONS[start])
        assert run.history.epoch == history.epoch and run.history.best_epoch == history.best_epoch
        np.testing.assert_allclose(run.history.val_loss, history.val_loss, rtol=1e-9)
        assert run.test_accuracy == net.score(X_test, y_test)
        assert run.history.epoch[-1] - run.history.best_epoch >= plan["patience"] or \
            run.history.epoch[-1] == plan["epochs"]


def test_stuck_starts_stay_at_chance_with_loss_ln10():
    # on all labels, as in the notebook: no progress within the patience, so they stop there
    patience = P.schedule(None)["patience"]
    for start in P.STUCK_STARTS:
        for run in P.train_start(start, None, seeds=(0, 1)):
            assert run.history.epoch[-1] - run.history.best_epoch <= patience + 1
            assert max(run.history.val_accuracy) < 0.15 and not run.converged
            assert np.all(np.abs(np.array(run.history.val_loss) - np.log(10)) < 0.05)


def test_epochs_to_reach_scores_and_summary_table():
    h = History(epoch=[0, 2, 4, 6], val_accuracy=[0.1, 0.5, 0.91, 0.95], best_epoch=6)
    assert P.epochs_to_reach(h, 0.9) == 4
    assert P.epochs_to_reach(h, 0.99) is None
    a = [Run("dbn", s, h, acc) for s, acc in enumerate([0.95, 0.96, 0.97, 0.96, 0.95])]
    stuck = History(epoch=[0, 2], val_accuracy=[0.1, 0.1], best_epoch=0)
    b = [Run("zeros", s, stuck, acc) for s, acc in enumerate([0.10, 0.10, float("nan"), 0.11, 0.10])]
    np.testing.assert_array_equal(P.scores(b), [0.10, 0.10, P.CHANCE, 0.11, 0.10])  # diverged counts as chance
    rows = P.summary_table({"dbn": a, "zeros": b}, target=0.9)
    assert rows[0]["mean"] == pytest.approx(0.958) and rows[0]["verdict"] is None
    assert rows[0]["sd"] == pytest.approx(np.std([0.95, 0.96, 0.97, 0.96, 0.95], ddof=1))
    assert rows[1]["converged"] == 0 and rows[1]["verdict"].winner == "DBN" and rows[1]["verdict"].k == 5
    assert rows[0]["epochs_to_target"] == [4] * 5 and rows[0]["best_epochs"] == [6] * 5
    table = P.start_table({"dbn": a, "zeros": b})
    assert table.rows[1][1:] == ["0.102 ± 0.004", "0 of 5", "0", "never", "DBN", "5 of 5 seeds",
                                 "intervals apart: DBN wins"]
    assert table.rows[0][:5] == [P.STARTS["dbn"], "0.958 ± 0.008", "5 of 5", "6", "4"]
    close = [Run("zeros", s, h, acc) for s, acc in enumerate([0.96, 0.95, 0.96, 0.97, 0.96])]
    assert P.start_table({"dbn": a, "zeros": close}).rows[1][-3:] == ["zeros", "3 of 5 seeds",
                                                                      "intervals overlap: a tie"]
    with pytest.raises(ValueError, match="same seeds"):
        P.verdict(a, b[::-1])


def test_label_budget_study_gaps_table_and_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    study = P.label_budget_study(budgets=(20, 30), starts=("dbn", "xavier"), seeds=(0, 1, 2))
    assert study["budgets"] == [20, 30] and study["starts"] == ["dbn", "xavier"] and study["seeds"] == [0, 1, 2]
    assert study["dbn"][20] == list(P.scores(P.train_start("dbn", 20, (0, 1, 2))))
    gaps = P.budget_gaps(study)
    for row, n in zip(gaps, (20, 30)):
        expected = np.array(study["dbn"][n]) - np.array(study["xavier"][n])
        np.testing.assert_allclose(row["gaps"], expected)
        assert row["mean"] == pytest.approx(expected.mean()) and row["sd"] == pytest.approx(expected.std(ddof=1))
        assert row["k"] == int(np.sum(expected > 0)) and row["n"] == 3
        assert row["verdict"].names == ("DBN", "Xavier")
    table = P.budget_table(study)
    assert table.rows[0][3:] == [f"{100 * gaps[0]['mean']:+.1f} ± {100 * gaps[0]['sd']:.1f}",
                                 f"{gaps[0]['k']} of 3 seeds", gaps[0]["verdict"].outcome]
    fig = P.budget_figure(study)
    assert len(fig.axes) == 2 and all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    plt.close(fig)
    with pytest.raises(ValueError, match="'he'"):
        P.budget_gaps(study, "dbn", "he")


def test_comparison_figure_has_every_start_labelled():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = {start: P.train_start(start, 20, seeds=(0, 1)) for start in P.STARTS}
    fig = P.comparison_figure(runs)
    assert len(fig.legends[0].get_texts()) == len(runs)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    assert [t.get_text() for t in fig.axes[2].get_xticklabels()] == ["DBN", "He", "Xavier"]
    plt.close(fig)


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


def test_stopped_by_the_cap_finds_runs_cut_before_their_patience_ran_out():
    plan = P.schedule(20)
    last = plan["epochs"]
    cut = History(epoch=[0, last], val_accuracy=[0.1, 0.5], best_epoch=last)
    patient = History(epoch=[0, last], val_accuracy=[0.5, 0.1], best_epoch=0)
    early = History(epoch=[0, 64], val_accuracy=[0.5, 0.1], best_epoch=0)
    runs = [Run("dbn", 0, h, 0.5, n_labels=20) for h in (cut, patient, early)]
    assert P.stopped_by_the_cap(runs) == [runs[0]]
    assert P.stopped_by_the_cap([]) == []


def test_verdict_table_has_one_row_per_pair():
    h = History(epoch=[0], val_accuracy=[0.1])
    runs = {"dbn": [Run("dbn", s, h, acc) for s, acc in enumerate([0.95, 0.96, 0.97, 0.96, 0.95])],
            "he": [Run("he", s, h, acc) for s, acc in enumerate([0.96, 0.97, 0.98, 0.97, 0.96])],
            "xavier": [Run("xavier", s, h, acc) for s, acc in enumerate([0.90, 0.91, 0.92, 0.91, 0.90])]}
    table = P.verdict_table(runs)
    assert [row[0] for row in table.rows] == ["DBN against He", "DBN against Xavier"]
    assert table.rows[0][3:] == ["He", "5 of 5 seeds", "intervals overlap: a tie"]
    assert table.rows[1][1:] == ["0.958 ± 0.008", "0.908 ± 0.008", "DBN", "5 of 5 seeds", "intervals apart: DBN wins"]


def test_picture_shape_is_the_squarest_rectangle():
    assert P.picture_shape(64) == (8, 8)
    assert P.picture_shape(48) == (6, 8)
    assert P.picture_shape(100) == (10, 10)
    assert P.picture_shape(7) == (1, 7)


# --- the Korean edition: every figure and table of the notebook in Korean ------------------

HANGUL = re.compile("[\uac00-\ud7a3]")
#: Names kept on purpose in a Korean text: the starts, the model, math and code.
KEPT_NAMES = re.compile(r"DBN|RBM|Xavier|Glorot|He|ReLU|sigmoid|ddof|ln 10|\$[^$]*\$")



def _english(texts):
    return [t for t in texts if not HANGUL.search(t) and re.search("[A-Za-z]{3,}", KEPT_NAMES.sub("", t))]


def korean_texts(fig):
    """Draw ``fig`` (every glyph rendered), check no text is English, return the texts."""
    import io

    from matplotlib.text import Text

    fig.savefig(io.BytesIO(), format="png", dpi=40)
    texts = {t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()}
    assert not _english(texts), _english(texts)
    assert any(HANGUL.search(t) for t in texts), texts
    return texts


def test_every_figure_and_table_of_the_notebook_speaks_korean(in_korean):
    dbn = P.pretrained_dbn(0)
    X_train = P.digits()[0]
    texts = korean_texts(P.stacking_figure(dbn, X_train[0]))
    assert "1단계: RBM 1 학습(64-48)" in texts and "순방향 p(h|v)" in texts
    assert "2층: 1층 필터의 조합" in korean_texts(P.filters_figure(dbn, n_units=6))
    runs = {start: P.train_start(start, 20, seeds=(0, 1)) for start in P.STARTS}
    texts = korean_texts(P.comparison_figure(runs))
    assert {"모두 0", "DBN 사전 학습(sigmoid)", "검증 정확도", "에폭"} <= texts
    study = P.label_budget_study(budgets=(20, 30), starts=("dbn", "xavier"), seeds=(0, 1, 2))
    texts = korean_texts(P.budget_figure(study))
    assert "레이블이 있는 훈련 이미지 수(로그 눈금)" in texts
    for table in (P.start_table(runs), P.verdict_table(runs), P.budget_table(study)):
        shown = [*table.header, *[c for row in table.rows for c in row], table.caption]
        assert not _english(shown), _english(shown)
        assert HANGUL.search(table.caption) and all(HANGUL.search(h) or h in P.SHORT.values() for h in table.header)
    assert P.start_table(runs).rows[-1][0] == "모두 0"
    assert P.verdict_table(runs).rows[0][0] == "DBN 대 He"
    assert P.budget_table(study).rows[0][4] == f"시드 3개 중 {P.budget_gaps(study)[0]['k']}개"
