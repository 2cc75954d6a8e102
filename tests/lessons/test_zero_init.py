import math
import re
import warnings

import matplotlib
import numpy as np
import pytest

from lessonlib import plots
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


# --- section 1 exactly: which gradients of an all-zero start are 0 -------------------------


def test_zero_start_gradients_exact():
    grads = symmetry.zero_start_gradients()
    assert grads["relu"] == [0.0, 0.0, 0.0]
    assert grads["tanh"] == [0.0, 0.0, 0.0]
    # sigmoid: hidden layers 0, the output layer's input is sigmoid(0) = 0.5 for every unit
    assert grads["sigmoid"][:2] == [0.0, 0.0]
    X, _, y, _ = symmetry.small_digits()
    _, g = MLP(symmetry.NET, "sigmoid", "zeros").loss_and_grads(X, y)
    assert grads["sigmoid"][2] == pytest.approx(0.5 * np.abs(g[-1][1]).max())
    assert grads["sigmoid"][2] > 0


def test_sigmoid_zero_start_goes_below_label_frequency_loss():
    entropy = symmetry.label_entropy(symmetry.small_digits()[2])
    run = symmetry.start_run("zeros, sigmoid", 0)
    assert run.history.loss[-1] < entropy
    assert all(W.any() for W in run.model.weights)  # every layer moved ...
    assert symmetry.hidden_spreads("zeros, sigmoid", seeds=(0,)) == [0.0]  # ... symmetrically


# --- the cached starts and the verdict over seeds -----------------------------------------


def test_start_run_is_cached_and_rejects_unknown_names():
    assert symmetry.start_run("no hidden layer, zeros", 1) is symmetry.start_run("no hidden layer, zeros", 1)
    with pytest.raises(ValueError, match="unknown start"):
        symmetry.start_run("ones", 0)
    with pytest.raises(ValueError, match="measure"):
        symmetry.scores("He normal", seeds=(0,), measure="speed")


def test_every_start_has_a_style_and_okabe_ito_fallback():

    markers = set()
    for name in symmetry.STARTS:
        colour, marker = symmetry.start_style(name)
        assert colour.startswith("#")
        markers.add(marker)
    assert symmetry.start_style("no hidden layer, zeros")[0] == plots.OKABE_ITO["black"]
    assert symmetry.start_style("He normal")[0] == plots.color_for("he_normal")
    assert len(markers) >= 5


def test_seed_verdict_names_a_winner_only_with_evidence():
    v = symmetry.seed_verdict([0.9, 0.91, 0.92, 0.9, 0.93], [0.5, 0.6, 0.55, 0.52, 0.58], "A", "B")
    assert v.winner == "A" and v.wins_a == 5 and v.k == 5 and v.n == 5
    assert "A beats B: holds on 5 of 5 seeds" in str(v)
    assert v.mean_a == pytest.approx(0.912)
    assert v.std_a == pytest.approx(np.std([0.9, 0.91, 0.92, 0.9, 0.93], ddof=1))
    # ahead on 4 of 5 but the intervals overlap: a tie
    tie = symmetry.seed_verdict([0.80, 0.81, 0.82, 0.83, 0.70], [0.79, 0.80, 0.81, 0.82, 0.84], "A", "B")
    assert tie.winner is None and tie.wins_a == 4
    assert "tie: A is ahead on 4 of 5 seeds" in str(tie)
    # intervals apart but only 3 of 5: a tie
    few = symmetry.seed_verdict([1.0, 1.0, 1.0, 0.0, 0.0], [0.1] * 5, "A", "B")
    assert few.winner is None
    # losses: lower is better; b wins
    loss = symmetry.seed_verdict([2.3] * 5, [0.1, 0.2, 0.15, 0.12, 0.11], "A", "B", higher_is_better=False)
    assert loss.winner == "B" and loss.wins_b == 5
    # a diverged seed (NaN) counts against its side and stays out of the mean
    nan = symmetry.seed_verdict([float("nan"), 0.9, 0.9, 0.91, 0.92], [0.5] * 5, "A", "B")
    assert nan.wins_a == 4 and nan.mean_a == pytest.approx(0.9075)


def test_seed_verdict_validates():
    with pytest.raises(ValueError, match="pair seed by seed"):
        symmetry.seed_verdict([1, 2], [1], "a", "b")
    with pytest.raises(ValueError, match="at least 2 seeds"):
        symmetry.seed_verdict([1], [1], "a", "b")
    with pytest.raises(ValueError, match="min_share"):
        symmetry.seed_verdict([1, 2], [1, 2], "a", "b", min_share=0.3)


def test_mean_std_and_holds_on_texts():
    assert symmetry.mean_std([1.0, 2.0, 3.0]) == "2.000 ± 1.000"
    assert symmetry.holds_on([True, False, True]) == "holds on 2 of 3 seeds"


def test_small_random_beats_zeros_over_seeds():
    small = symmetry.scores("N(0, 0.01²)")
    zeros = symmetry.scores("zeros, relu")
    assert symmetry.seed_verdict(small, zeros, "small", "zeros").winner == "small"
    assert all(s > 0 for s in symmetry.hidden_spreads("N(0, 0.01²)"))
    assert symmetry.epochs_below("N(0, 0.01²)", 1.0, seeds=(0,))[0] > symmetry.epochs_below("He normal", 1.0, seeds=(0,))[0]


def test_dead_relu_units_counts_units_that_never_fire():
    assert symmetry.dead_relu_units(1.0, 3) > symmetry.dead_relu_units(0.3, 3)
    assert 0 <= symmetry.dead_relu_units(0.3, 0) <= sum(symmetry.SEED_NET[1:-1])


def test_plot_starts_draws_every_start_with_a_legend_below():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = symmetry.plot_starts(["zeros, relu", "no hidden layer, zeros"], seed=0)
    ax_loss, ax_acc = fig.axes
    assert len(ax_loss.lines) == 2 and ax_loss.get_ylabel() and ax_acc.get_xlabel()
    assert ax_loss.lines[0].get_marker() != ax_loss.lines[1].get_marker()
    assert fig.legends and ax_loss.get_legend() is None
    plt.close(fig)


def test_seed_run_cache_is_shared_however_called():
    assert symmetry.seed_run(0.3, 2) is symmetry.seed_run(0.3, 2, "relu", symmetry.SEED_EPOCHS)
    run = symmetry.seed_run(0.3, 2)
    assert not run.history.val_accuracy  # the seed study records the test accuracy at the end only
    assert run.test_accuracy == run.model.score(*symmetry.small_digits()[1::2])


def test_test_tracking_does_not_change_training():
    a = symmetry.train_start("a", layer_sizes=(64, 16, 10), seed=4, epochs=3, track_test=True)
    b = symmetry.train_start("b", layer_sizes=(64, 16, 10), seed=4, epochs=3, track_test=False)
    assert a.history.loss == b.history.loss and a.test_accuracy == b.test_accuracy
    assert len(a.history.val_accuracy) == 4 and not b.history.val_accuracy


HANGUL = re.compile("[\uac00-\ud7a3]")


def _figure_texts(fig):
    """Every non-empty text a person reads in ``fig``: titles, axis labels, texts, legends."""
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return [t for t in texts if t.strip() and not re.fullmatch(r"[\d.\s−-]+", t)]


def test_figures_verdicts_and_explorer_speak_korean():
    import matplotlib.pyplot as plt

    import lessonlib

    lessonlib.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing glyph warns: every Hangul letter must have a font
            fig = symmetry.plot_starts(["zeros, relu", "no hidden layer, zeros", "He normal"], seed=0)
            fig.canvas.draw()
            texts = _figure_texts(fig)
            assert {"에폭", "학습 손실(내트)", "테스트 정확도", "시드 0"} <= set(texts)
            assert {"모두 0, relu", "은닉층 없음, 모두 0", "He 정규분포"} <= set(texts)
            assert all(HANGUL.search(t) for t in texts), texts
            plt.close(fig)

            explorer = symmetry.SeedExplorer(seed=1, std=0.1, precompute=False)
            assert explorer.controls["seed"].description == "시드"
            assert explorer.controls["std"].description == "초기 표준편차"
            assert explorer.controls["std"].options[0][0] == "0 (모두 0)"
            assert "시드 1: 최종 학습 손실" in explorer.status.value
            explorer.figure.canvas.draw()
            texts = _figure_texts(explorer.figure)
            assert "N(0, 0.1²): 시드 1(빨강)와 시드 0-9(회색)" in texts
            assert "ln 10: 무작위로 찍기" in texts and all(HANGUL.search(t) for t in texts), texts
            progress = []
            explorer.show_progress = lambda message, picture=True: progress.append(message)
            explorer.set(std=0.0)  # a new std: the band is trained under a progress line
            assert progress and all(HANGUL.search(m) for m in progress), progress
            assert explorer.ax_loss.get_title().startswith("모두 0: 시드 1")
            explorer._draw_band(1, 0.0, [])
            assert explorer.ax_acc.get_title() == "시드 0-9: 학습 중…"
            plt.close(explorer.figure)

        v = symmetry.seed_verdict([0.9, 0.91, 0.92, 0.9, 0.93], [0.5, 0.6, 0.55, 0.52, 0.58], "A", "B")
        assert str(v) == ("시드 5개의 테스트 정확도: A 0.912 ± 0.013, B 0.550 ± 0.041\n"
                          "  A 쪽이 B보다 나음: 시드 5개 중 5개에서 성립")
        tie = symmetry.seed_verdict([0.80, 0.81, 0.82, 0.83, 0.70], [0.79, 0.80, 0.81, 0.82, 0.84], "A", "B")
        assert "무승부(차이 없음): 시드 5개 중 4개에서 A 쪽이 앞섬" in str(tie)
        assert symmetry.holds_on([True, False, True]) == "시드 3개 중 2개에서 성립"
        assert symmetry.start_label("constant 0.05, tanh") == "상수 0.05, tanh"
        assert symmetry.start_label("N(0, 0.01²)") == "N(0, 0.01²)"
        assert all(HANGUL.search(symmetry.start_label(name)) for name in symmetry.STARTS if name != "N(0, 0.01²)")
    finally:
        lessonlib.set_language("en")
    assert symmetry.start_label("zeros, relu") == "zeros, relu"
    assert "A beats B" in str(v)
