"""Notebook 06's machinery: the playground's frames and explorer, the studies."""

import re
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from lessonlib import lessons
from lessonlib.lessons import training_dynamics as td

matplotlib.use("Agg")


def _first(frames, n, diverged_step=None):
    """The first ``n`` frames of a run, as a run that ended there (``diverged_step``: how)."""
    import dataclasses

    return dataclasses.replace(frames, step=frames.step[:n], loss=frames.loss[:n], spread=frames.spread[:n],
                               parameters=frames.parameters[:n], diverged_step=diverged_step)


@pytest.mark.parametrize("start", ["zeros", "constant"])
def test_zero_and_constant_starts_keep_identical_hidden_units_in_every_frame(start):
    frames = td.playground_frames(start)
    assert len(frames.step) == 31 and frames.step[-1] == 300
    assert np.all(frames.spread == 0.0)


def test_random_starts_break_symmetry_and_he_learns():
    he = td.playground_frames("He")
    assert np.all(he.spread[1:] > 0)
    assert he.loss[-1] < 0.2 < he.loss[0]
    zeros = td.playground_frames("zeros")
    assert np.all(np.abs(zeros.prob - zeros.prob[:, :1, :1]) < 1e-12)  # no boundary at all
    assert td.playground_frames("too large").loss[0] > 50  # starts huge


def test_frames_are_cached():
    assert td.playground_frames("He", 1.0, "moons") is td.playground_frames("He", 1.0, "moons")


def test_explorer_step_and_play_change_the_picture():
    explorer = td.BoundaryExplorer()
    first = explorer.image.value
    assert explorer.set(step=150) != first
    # Play is linked to the step slider in the browser (jslink); it covers the same range
    assert (explorer.link.source[0], explorer.link.target[0]) == (explorer.play, explorer.controls["step"])
    assert (explorer.play.min, explorer.play.max, explorer.play.step) == (0, 300, td.FRAME_EVERY)
    before = explorer.image.value
    explorer.controls["step"].value = 200  # what a Play tick does to the slider
    assert explorer.image.value != before
    assert explorer.widget.children[0].children[0] is explorer.play


def test_every_control_at_its_extremes_draws_without_warnings():
    explorer = td.BoundaryExplorer(dpi=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for dataset in td.DATASETS:
            for start in td.STARTS:
                for scale in (td.SCALES[0], td.SCALES[-1]):
                    for step in (0, 300):
                        assert explorer.set(step=step, start=start, scale=scale, dataset=dataset)
                        assert "step" in explorer.status.value


def test_static_row_and_statistics_figures_draw():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        td.plot_starts_row(Figure(figsize=(10, 2)))
        td.plot_histograms(Figure(figsize=(10, 3)))
        td.plot_statistics(Figure(figsize=(10, 4)))


def test_statistics_tell_the_bad_start_from_the_good():
    bad, good = (td.training_statistics(s)[0] for s in td.STAT_STARTS)
    assert bad["saturated"][0].min() > 0.4 > good["saturated"][0].max()
    assert bad["histogram"].shape[1:] == (5, 20)


def test_statistics_table_has_a_column_per_layer_and_the_loss_below():
    table = td.statistics_table()
    assert table.header == ["start", "", *(f"layer {k}" for k in range(1, 7))]
    assert [row[0] for row in table.rows] == ["N(0, 1)", "", "", "LeCun N(0, 1/fan_in)", "", ""]
    r, history, accuracy, _ = td.training_statistics("N(0, 1)")
    saturated, early, late = table.rows[:3]
    assert saturated[2:] == [f"{s:.2f}" for s in r["saturated"][0]] + [""]  # no saturation for the output layer
    assert early[1] == "log10 update/data, steps 2-20" and r["step"][9] == 20  # every second step is recorded
    assert early[2:] == [f"{x:.1f}" for x in np.nanmedian(r["update_ratio"][:10], axis=0)]
    assert late[2:] == [f"{x:.1f}" for x in np.nanmedian(r["update_ratio"][-10:], axis=0)]
    assert table.notes[0] == (f"N(0, 1): loss {history.loss[0]:.2f} -> {history.loss[-1]:.3f}, "
                              f"test accuracy {accuracy:.3f}")
    assert len(td.statistics_table(["LeCun N(0, 1/fan_in)"]).rows) == 3


def test_output_layer_start_begins_near_ln_10():
    small, _ = td.output_layer_run(0.1, 0)
    large, _ = td.output_layer_run(1.0, 0)
    assert abs(small[0] - np.log(10)) < 0.2 < large[0] - np.log(10)


def test_compare_over_seeds_verdicts():
    assert "A wins: holds on 5 of 5" in td.compare_over_seeds([0.9] * 4 + [0.91], [0.1, 0.12, 0.1, 0.1, 0.11], "A", "B")
    assert "no clear winner" in td.compare_over_seeds([0.5, 0.6, 0.4, 0.5, 0.6], [0.5, 0.5, 0.5, 0.6, 0.4], "A", "B")
    assert "B wins" in td.compare_over_seeds([0.1] * 5 + [0.12], [0.9] * 6, "A", "B")


def test_registered_for_the_notebook():
    assert lessons.LESSONS["06_training_dynamics.ipynb"] == "training_dynamics"
    assert lessons.explorer_class(lessons.EXPLORERS["06_training_dynamics.ipynb"][0]) is td.BoundaryExplorer


def test_frame_recorder_marks_divergence_without_warnings():
    X, y = td.toy_data("moons")
    recorder = td.FrameRecorder(X, y)
    model = td.playground_model("He")
    recorder.snapshot(0, model)
    model.weights[0][:] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recorder.on_step(10, model, None, None)
        recorder.on_step(20, model, None, None)
    frames = recorder.frames()
    assert frames.diverged_step == 10 and frames.step.tolist() == [0]


# --- the Korean edition: every text this module shows, in the notebook's language ---------

HANGUL = re.compile("[\uac00-\ud7a3]")
#: Words that stay as they are in Korean: proper names, function names, math.
KEPT = re.compile(r"LeCun|Glorot|He\b|ReLU|sigmoid|tanh|fan_in|log10|ln|N\(|[xWzua]\b")


@pytest.fixture
def korean():
    """Korean texts, a font with Hangul (NanumGothic after DejaVu Sans), warnings as errors."""
    import importlib.util
    from pathlib import Path

    from matplotlib import font_manager

    import lessonlib

    fonts = Path(importlib.util.find_spec("koreanize_matplotlib").submodule_search_locations[0]) / "fonts"
    font_manager.fontManager.addfont(str(fonts / "NanumGothic.ttf"))
    lessonlib.set_language("ko")
    try:
        with matplotlib.rc_context({"font.family": ["DejaVu Sans", "NanumGothic"]}), warnings.catch_warnings():
            warnings.simplefilter("error")
            yield
    finally:
        lessonlib.set_language("en")


def _english_left(text):
    """Latin words of ``text`` that are neither kept names nor beside Korean."""
    if not text or text.startswith("$") or HANGUL.search(text):
        return None
    return text if re.search("[A-Za-z]{2,}", KEPT.sub("", text)) else None


def _texts_of(fig):
    """Every text a figure shows: titles, labels, tick labels, legends (drawn, so a missing
    glyph warns)."""
    import io

    fig.savefig(io.BytesIO(), format="png")
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_figures_are_korean(korean):
    figures = [Figure(figsize=(10, 2)), Figure(figsize=(10, 3)), Figure(figsize=(10, 4)), Figure(figsize=(7, 3))]
    td.plot_starts_row(figures[0])
    td.plot_histograms(figures[1])
    td.plot_statistics(figures[2])
    td.plot_output_start(figures[3].subplots())
    for fig in figures:
        texts = _texts_of(fig)
        assert any(HANGUL.search(t) for t in texts)
        assert not [t for t in texts if _english_left(t)], [t for t in texts if _english_left(t)]
    row = _texts_of(figures[0])
    assert "너무 작음" in row and "모두 0\n손실 0.69" in row
    assert any(t.startswith("300단계 뒤의 결정 경계") for t in row)


def test_tables_and_reports_are_korean(korean, capsys):
    table = td.statistics_table()
    assert table.header == ["초기화", "", *(f"{k}층" for k in range(1, 7))]
    assert [row[1] for row in table.rows[:3]] == ["시작 시 포화 비율", "log10 업데이트/데이터, 2-20단계",
                                                  "log10 업데이트/데이터, 마지막 20단계"]
    r, history, accuracy, _ = td.training_statistics("N(0, 1)")
    assert table.notes[0] == (f"N(0, 1): 손실 {history.loss[0]:.2f} -> {history.loss[-1]:.3f}, "
                              f"테스트 정확도 {accuracy:.3f}")
    lines = td.bn_table().splitlines()
    assert lines[0] == "ReLU, 너무 작음 N(0, 0.01²)" and lines[2] == "ReLU, 너무 큼 N(0, 1) (시드 1개에서 발산함)"
    assert lines[1].startswith("    배치 정규화 있음 0.")
    assert lines[1].endswith(": 배치 정규화 있음 승: 시드 5개 중 5개에서 성립")
    assert td.compare_over_seeds([0.5, 0.6, 0.4, 0.5, 0.6], [0.5, 0.5, 0.5, 0.6, 0.4], "A", "B").endswith(
        "뚜렷한 승자 없음(시드 5개 중 2개에서 A 쪽이 앞섬)")
    td.signal_change(0.1)
    assert capsys.readouterr().out.startswith("표준편차 0.1: 층 50개를 지나며 순방향 신호 ×")
    assert [td.start_label(s) for s in td.STARTS] == ["모두 0", "상수", "너무 작음", "He", "너무 큼"]
    assert (td.flag_text(True), td.flag_text(np.False_)) == ("예", "아니요")


def test_explorer_controls_status_and_figure_are_korean(korean, monkeypatch):
    explorer = td.BoundaryExplorer(start="zeros", dpi=40)
    controls = explorer.controls
    assert [controls[k].description for k in ("step", "start", "scale", "dataset")] == ["단계", "초기화", "배율 ×",
                                                                                         "데이터"]
    assert explorer.play.description == "재생"
    assert controls["start"].options == (("모두 0", "zeros"), ("상수", "constant"), ("너무 작음", "too small"),
                                         ("He", "He"), ("너무 큼", "too large"))
    assert [label for label, _ in controls["dataset"].options] == ["반달", "동심원"]
    assert ">0단계: 손실 0.693, 은닉층마다 유닛이 모두 같음 " in explorer.status.value
    explorer.set(start="He", step=100, dataset="circles")
    assert ">100단계: 손실 " in explorer.status.value and ", 유닛들이 서로 다름 " in explorer.status.value
    texts = _texts_of(explorer.figure)
    assert "He N(0, 2/fan_in) × 1, 100단계" in texts and "전체 학습" in texts
    assert not [t for t in texts if _english_left(t)], texts
    frames = td.playground_frames("He", 1.0, "circles")
    cut = _first(frames, 6, diverged_step=60)
    monkeypatch.setattr(td, "playground_frames", lambda *args: cut)
    explorer.set(step=200)
    assert ">200단계: 60단계에서 발산함(50단계의 그림) " in explorer.status.value
    assert "60단계에서 발산함" in _texts_of(explorer.figure)
    plt.close(explorer.figure)


def test_every_text_of_the_module_has_a_korean_entry_with_the_same_fields():
    import ast
    import string
    from pathlib import Path

    import polib

    from lessonlib import i18n

    catalog = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(i18n._catalog_path("ko")))}

    def fields(text):
        return sorted({(name, spec) for _t, name, spec, _c in string.Formatter().parse(text) if name is not None})

    tree = ast.parse(Path(td.__file__).read_text(encoding="utf-8"))
    marked = [node.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
              and node.args and isinstance(node.args[0], ast.Constant)]
    assert len(marked) > 50
    for text in marked:
        korean_text = catalog.get((None, text))
        assert korean_text and fields(korean_text) == fields(text), text
        assert HANGUL.search(korean_text), text


def test_a_frames_picture_is_the_network_of_that_step_on_the_grid():
    """Frames keep weights; a picture is drawn from them when asked: frame 8 (step 80, the
    end of epoch 20) is what a network trained for 20 epochs shows on the grid."""
    frames = td.playground_frames("He", 3.0, "circles")
    X, y = td.toy_data("circles")
    model = td.playground_model("He", 3.0)
    model.fit(X, y, epochs=20, lr=0.1, batch_size=50, momentum=0.9, seed=0)
    assert frames.step[8] == 80
    np.testing.assert_allclose(frames.prob_at(8), model.forward(frames.points)[:, 0].reshape(td.GRID, td.GRID),
                               rtol=0, atol=1e-12)
    assert frames.loss[8] == pytest.approx(model.loss(X, y), abs=1e-12)
    assert frames.prob_at(-1) is frames.prob_at(30)  # computed once, kept
    assert frames.prob.shape == (31, td.GRID, td.GRID)
    cut = _first(frames, 3)
    assert list(cut.step) == [0, 10, 20] and cut.diverged_step is None
    assert np.array_equal(cut.prob_at(2), frames.prob_at(2))


def test_fit_skips_the_batch_loss_only_for_a_recorder_that_says_so():
    X, y = td.toy_data("moons")
    seen = {}

    class Probe:
        def __init__(self, needs):
            if needs is not None:
                self.needs_batch_loss = needs

        def on_step(self, step, model, trace, updates):
            seen.setdefault(self, []).append(trace.loss)

    probes = [Probe(None), Probe(True), Probe(False)]
    for probe in probes:
        td.playground_model("He").fit(X, y, epochs=1, lr=0.1, batch_size=50, recorder=probe)
    assert all(np.isfinite(seen[probes[0]])) and seen[probes[0]] == seen[probes[1]]
    assert len(seen[probes[2]]) == 4 and all(np.isnan(seen[probes[2]]))
