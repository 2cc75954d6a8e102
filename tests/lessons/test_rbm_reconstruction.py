"""The pictures and the epoch slider of notebook 02, driven without a browser."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib import tr
from lessonlib.data import bars_and_stripes, binarize, load_digits
from lessonlib.lessons import rbm_reconstruction as rbm_explorer
from lessonlib.rbm import RBM


@pytest.fixture(scope="module")
def trained():
    X = binarize(load_digits()[0][:300])
    model = RBM(64, 25, seed=0)
    history = model.fit(X, epochs=4, lr=0.1, batch_size=20, momentum=0.5, seed=0, snapshot_epochs=range(5))
    return model, history, X[:6]


def test_explorer_slider_redraws(trained):
    _, history, X_show = trained
    explorer = rbm_explorer.EpochExplorer(history, X_show, epoch=4)
    first = explorer.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    explorer.controls["epoch"].value = 0  # what a slider move does
    assert explorer.image.value != first
    assert "epoch 0" in explorer.status.value
    again = explorer.set(epoch=4)
    assert again == first  # same epoch, same picture
    assert explorer.last_seconds < 2.0
    for epoch in range(5):
        explorer.set(epoch=epoch)
    assert explorer.widget is not None
    plt.close("all")


def test_explorer_slider_is_live_and_repaints_only_what_changes(trained):
    import io
    import warnings

    from PIL import Image

    _, history, X_show = trained
    explorer = rbm_explorer.EpochExplorer(history, X_show, epoch=0)
    assert explorer.controls["epoch"].continuous_update  # follows the mouse while dragged
    assert explorer.animated

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in (explorer.controls["epoch"].max, explorer.controls["epoch"].min, 2):
            png = explorer.set(epoch=epoch)
            # equal up to the resampling of the pictures' edges
            differ = (pixels(png) != pixels(explorer.render_full())).any(axis=2)
            assert differ.mean() < 0.01, (epoch, differ.mean())
    plt.close("all")


def test_panels_use_nearest_earlier_snapshot(trained):
    _, history, X_show = trained
    fig = plt.figure()
    panels = rbm_explorer.EpochPanels(fig, history, X_show, n_filters=9)
    assert panels.nearest(3) == 3 and panels.nearest(99) == 4
    assert panels.update(2).startswith("epoch 2: reconstruction error")
    with pytest.raises(ValueError, match="snapshots"):
        rbm_explorer.EpochPanels(fig, type(history)(), X_show)
    plt.close(fig)


def test_static_pictures_draw_without_warnings(trained):
    model, _history, X_show = trained
    fig, axes = plt.subplots(2, 4)
    drawn = rbm_explorer.draw_passes(axes[0], model, X_show[0], seed=0)
    assert drawn["p_h"].shape == (25,) and drawn["x_hat"].shape == (64,)
    again = rbm_explorer.draw_passes(axes[0], model, X_show[:1], seed=0)  # one image as a (1, 64) row
    assert np.array_equal(again["x_hat"], drawn["x_hat"])
    rbm_explorer.draw_bipartite(axes[1, 0], 4, 3, W=model.W[:4, :3])
    rbm_explorer.draw_bipartite(axes[1, 1])
    rbm_explorer.gibbs_grid(axes[1, 2], model, X_show[:2], [1, 5], seed=0)
    X = bars_and_stripes(2)
    small = RBM(4, 3, seed=0)
    run = small.fit(X, epochs=20, lr=0.5, seed=0, track_every=5)
    rbm_explorer.draw_training_curves(axes[1, 3], axes[0, 3], {"CD-1": run}, best_log_likelihood=-np.log(6))
    fig2, ax = plt.subplots()
    assert rbm_explorer.draw_recon_vs_likelihood(ax, run) in run.likelihood_epoch
    snapped = RBM(4, 3, seed=0).fit(X, epochs=20, lr=0.5, seed=0, track_every=5, snapshot_epochs=range(0, 21, 5))
    fig3, ax3 = plt.subplots()
    assert rbm_explorer.draw_recon_vs_likelihood(ax3, snapped, X=X) in snapped.likelihood_epoch
    full_line = ax3.get_lines()[1]  # the full-pass errors at the snapshot epochs
    assert list(full_line.get_xdata()) == [0, 5, 10, 15, 20]
    assert full_line.get_ydata()[-1] == pytest.approx(small.reconstruction_error(X), rel=1e-12)
    fig3.canvas.draw()
    fig.canvas.draw()
    fig2.canvas.draw()
    plt.close("all")


def test_model_vs_data_adds_up_and_moves_towards_the_data():
    bas = bars_and_stripes(3)
    untrained = RBM(9, 16, seed=0)
    before = rbm_explorer.model_vs_data(untrained, bas)
    assert before["p_data"] == pytest.approx(1 / 14)
    assert before["n_elsewhere"] == 512 - 14
    assert before["p_model"].sum() + before["p_elsewhere"] == pytest.approx(1.0)
    assert before["p_elsewhere"] > 0.9  # almost uniform over 512 images: 14/512 on the data
    trained = RBM(9, 16, seed=0)
    trained.fit(bas, epochs=1000, lr=0.2, seed=0, track_likelihood=False)
    after = rbm_explorer.model_vs_data(trained, bas)
    assert after["p_elsewhere"] < 0.5 < before["p_elsewhere"]  # measured: 0.97 before, 0.26 after
    # bar k is the k-th pattern as given (duplicates dropped, order kept)
    assert after["p_model"] == pytest.approx(trained.probabilities(bas), rel=1e-12)
    doubled = rbm_explorer.model_vs_data(trained, np.vstack([bas[3:4], bas]))
    assert len(doubled["p_model"]) == 14 and doubled["p_model"][0] == pytest.approx(after["p_model"][3])
    fig, (ax, ax_share) = plt.subplots(1, 2)
    rbm_explorer.draw_model_vs_data(ax, trained, bas, title="after 1000 epochs", ax_share=ax_share, ymax=0.2)
    assert len(ax.patches) == 14 and ax.get_ylim() == (0.0, 0.2)
    on, elsewhere = (bar.get_height() for bar in ax_share.patches)
    assert on == pytest.approx(1 - after["p_elsewhere"]) and on + elsewhere == pytest.approx(1.0)
    plt.close(fig)


def test_model_vs_data_over_training_draws_each_snapshot_on_one_scale():
    from matplotlib.figure import Figure

    bas = bars_and_stripes(3)
    run = RBM(9, 16, seed=0).fit(bas, epochs=600, lr=0.2, seed=0, track_likelihood=False,
                                 snapshot_epochs=(0, 300, 600))
    fig = Figure(figsize=(9, 3), layout="constrained")
    results = rbm_explorer.draw_model_vs_data_over_training(fig, run, bas, epochs=[0, 600])
    assert list(results) == [0, 600]
    exact = RBM.from_parameters(*run.snapshots[600]).probabilities(bas)
    assert results[600]["p_model"] == pytest.approx(exact, rel=1e-12)
    shares = [1 - results[e]["p_elsewhere"] for e in (0, 600)]
    assert shares[0] == pytest.approx(14 / 512, abs=0.01) and shares[1] > 0.4  # measured: 0.03, then 0.51
    bar_axes = [ax for ax in fig.get_axes() if len(ax.patches) == 14]
    assert len(bar_axes) == 2 and bar_axes[0].get_ylim() == bar_axes[1].get_ylim()
    assert [ax.get_title() for ax in bar_axes] == ["before training", "after 600 epochs"]
    assert len(fig.legends) == 1
    fig.canvas.draw()
    with pytest.raises(ValueError, match="snapshot epochs"):
        rbm_explorer.draw_model_vs_data_over_training(Figure(), run, bas, epochs=[100])
    two = Figure(layout="constrained")
    models = {"first": RBM.from_parameters(*run.snapshots[300]), "second": RBM.from_parameters(*run.snapshots[600])}
    side_by_side = rbm_explorer.draw_models_vs_data(two, models, bas)
    assert list(side_by_side) == ["first", "second"]
    assert side_by_side["second"]["p_model"] == pytest.approx(results[600]["p_model"], rel=1e-12)


def test_patterns_are_numbered_and_framed():
    fig, ax = plt.subplots()
    rbm_explorer.draw_patterns(ax, bars_and_stripes(3))
    assert [t.get_text() for t in ax.texts] == [str(k) for k in range(1, 15)]
    assert len(ax.patches) == 14  # a frame round each tile: the all-off pattern is seen too
    plt.close(fig)


def test_free_energy_differences_are_log_probability_ratios():
    bas = bars_and_stripes(3)
    model = RBM(9, 16, seed=0)
    model.fit(bas, epochs=600, lr=0.2, seed=0, track_likelihood=False)
    fig, ax = plt.subplots()
    drawn = rbm_explorer.draw_free_energies(ax, model, bas, title="after 600 epochs")
    assert len(drawn["F_patterns"]) == 14 and len(drawn["F_others"]) == 512 - 14
    assert drawn["F_patterns"] == pytest.approx(model.free_energy(bas), rel=1e-12)
    # p(v) = exp(-F(v)) / Z: one unit lower in F is e times as probable
    p = model.probabilities(bas[:2])
    assert p[0] / p[1] == pytest.approx(np.exp(drawn["F_patterns"][1] - drawn["F_patterns"][0]), rel=1e-9)
    # every image is drawn once: the patterns' and the others' probabilities add up to 1
    log_z = model.log_partition()
    total = np.exp(-drawn["F_patterns"] - log_z).sum() + np.exp(-drawn["F_others"] - log_z).sum()
    assert total == pytest.approx(1.0, rel=1e-9)
    assert np.median(drawn["F_patterns"]) < np.median(drawn["F_others"])  # training dug valleys at the data
    plt.close(fig)


def test_long_chains_sample_the_model_and_one_step_stays_near_the_data():
    bas = bars_and_stripes(3)
    model = RBM(9, 16, seed=0)
    model.fit(bas, epochs=600, lr=0.2, seed=0, track_likelihood=False)
    exact = 1 - rbm_explorer.model_vs_data(model, bas)["p_elsewhere"]  # measured: 0.51
    samples = rbm_explorer.phase_samples(model, bas, steps=(1, 1000), repeats=50, seed=0)
    assert set(samples) == {1, 1000} and samples[1].shape == (700, 9)
    one_step, long_chain = (rbm_explorer.share_on_patterns(samples[s], bas) for s in (1, 1000))
    # 700 chains: the share's standard error is about 0.02
    assert long_chain == pytest.approx(exact, abs=0.06)  # measured: 0.53
    assert one_step > exact + 0.08  # measured: 0.66: CD-1's negative samples look more like the data
    assert rbm_explorer.share_on_patterns(bas, bas) == 1.0
    assert rbm_explorer.share_on_patterns(1 - bas[:1], bas) == 1.0  # all-on is the complement of all-off
    assert rbm_explorer.share_on_patterns(np.eye(9)[:2], bas) == 0.0
    fig, ax = plt.subplots()
    shares = rbm_explorer.draw_phases(ax, model, bas, steps=(1, 1000), repeats=50, seed=0)
    assert shares == {"data": 1.0, 1: one_step, 1000: long_chain}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 3 and f"{one_step:.0%}" in labels[1] and f"{long_chain:.0%}" in labels[2]
    fig.canvas.draw()
    plt.close(fig)


# --- the Korean edition: every picture and status line in the notebook's language ----------

HANGUL = re.compile("[\uac00-\ud7a3]")
#: English left in a Korean figure is a text whose letters, once the names kept on purpose
#: (code, the model, math) are taken out, still spell a word.
KEPT_NAMES = re.compile(r"reconstruction_error|CD-\d+|KL|rbm\.\w+|\$[^$]*\$")



def korean_texts(fig):
    """Draw ``fig`` to PNG (every glyph rendered) and return its non-empty texts, after
    checking that none of them is English."""
    import io

    from matplotlib.text import Text

    fig.savefig(io.BytesIO(), format="png", dpi=40)
    texts = {t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()}
    english = [t for t in texts if not HANGUL.search(t) and re.search("[A-Za-z]{3,}", KEPT_NAMES.sub("", t))]
    assert not english, english
    return texts


def hangul_in(texts, *expected):
    assert any(HANGUL.search(t) for t in texts), texts
    for part in expected:
        assert any(part in t for t in texts), (part, texts)


def test_every_picture_of_the_notebook_speaks_korean(in_korean, trained):
    model, history, X_show = trained
    fig, ax = plt.subplots()
    rbm_explorer.draw_bipartite(ax, n_visible=6, n_hidden=4)
    hangul_in(korean_texts(fig), "가시층(x)", "은닉층", "층 안에는 연결이 없음")

    fig, axes = plt.subplots(1, 4)
    rbm_explorer.draw_passes(axes, model, X_show[0], seed=0)
    hangul_in(korean_texts(fig), "순방향: p(h=1 | x)", "역방향: x̂ = p(v=1 | h)")

    bas = bars_and_stripes(3)
    fig, ax = plt.subplots()
    rbm_explorer.draw_patterns(ax, bas)  # numbers only: drawn with the Korean font set, no warning
    korean_texts(fig)

    run = RBM(9, 16, seed=0).fit(bas, epochs=60, lr=0.2, seed=0, track_every=10, snapshot_epochs=(0, 30, 60))
    fig = plt.figure(figsize=(9, 3), layout="constrained")
    rbm_explorer.draw_model_vs_data_over_training(fig, run, bas)
    hangul_in(korean_texts(fig), "학습 전", "30 에폭 후", "학습 패턴", "모델: 나머지 이미지 498개 전체", "데이터: 패턴마다 1/14")

    fig, (ax_ll, ax_kl) = plt.subplots(1, 2)
    rbm_explorer.draw_training_curves(ax_ll, ax_kl, {"CD-1": run}, best_log_likelihood=-np.log(14))
    hangul_in(korean_texts(fig), "가능한 최댓값: -2.64", "정확한 KL 발산(0 = 완벽)", "에폭")

    fig, ax = plt.subplots()
    best = rbm_explorer.draw_recon_vs_likelihood(ax, run, X=bas)
    hangul_in(korean_texts(fig), f"에폭 {best}에서\n우도가 최고", "재구성 오차(로그 눈금)", "에폭 중에 기록한 값(샘플링)")

    fig, ax = plt.subplots()
    rbm_explorer.draw_free_energies(ax, RBM.from_parameters(*run.snapshots[60]), bas, title=tr("before training"))
    hangul_in(korean_texts(fig), "학습 패턴 14개", "나머지 이미지 498개", "자유 에너지 F(v)")

    fig, ax = plt.subplots()
    rbm_explorer.draw_phases(ax, RBM.from_parameters(*run.snapshots[60]), bas, steps=(1, 100), repeats=5, seed=0)
    hangul_in(korean_texts(fig), "데이터(양의 단계)", "데이터에서 깁스 1단계(CD-1): 패턴 비율", "데이터에서 깁스 100단계")

    fig, ax = plt.subplots()
    rbm_explorer.gibbs_grid(ax, model, X_show[:2], [1, 5], seed=0)
    korean_texts(fig)

    fig = plt.figure(figsize=(10, 3.4))
    panels = rbm_explorer.EpochPanels(fig, history, X_show)
    assert panels.update(4) == f"에폭 4: 재구성 오차 {history.recon_error[4]:.4f}"
    hangul_in(korean_texts(fig), "필터: W의 열(±", "에폭 4: 테스트 숫자(위)와 x̂(아래)", "재구성 오차")


def test_the_epoch_explorer_speaks_korean(in_korean, trained):
    _, history, X_show = trained
    explorer = rbm_explorer.EpochExplorer(history, X_show, epoch=2)
    assert explorer.controls["epoch"].description == "에폭"
    explorer.set(epoch=3)
    assert "에폭 3: 재구성 오차" in explorer.status.value, explorer.status.value
    hangul_in(korean_texts(explorer.figure), "에폭 3: 테스트 숫자(위)와 x̂(아래)")
    plt.close(explorer.figure)
