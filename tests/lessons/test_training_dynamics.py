"""Notebook 06's machinery: the playground's frames and explorer, the studies."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from lessonlib import lessons
from lessonlib.lessons import training_dynamics as td

matplotlib.use("Agg")


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
