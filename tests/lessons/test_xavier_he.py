"""Tests for lessonlib.lessons.xavier_he: the explorer of notebook 04 and its 30-layer experiment."""

import math

import pytest

from lessonlib import init, propagation
from lessonlib.lessons import xavier_he
from lessonlib.lessons.xavier_he import PropagationExplorer

PNG = b"\x89PNG\r\n\x1a\n"

# --- the explorer -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    return PropagationExplorer()


def test_explorer_starts_with_a_picture_and_a_table(explorer):
    assert bytes(explorer.image.value).startswith(PNG)
    assert "healthy" in explorer.status.value
    assert "act std" in explorer.table.value
    assert explorer.figure.get_layout_engine() is None  # fixed layout: fast redraws


def test_every_control_across_its_range_changes_the_png_and_never_raises(explorer):
    explorer.set(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    moves = [
        *({"width": w} for w in (1, explorer.controls["width"].max)),
        {"seed": explorer.controls["seed"].max},
        *({"depth": d} for d in (1, explorer.controls["depth"].max)),
        *({"activation": a} for a in propagation.ACTIVATIONS),
        *({"init": name} for name in init.names()),
        *({"scale": s} for s in (1e-3, 1e3)),
    ]
    defaults = dict(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    for move in moves:
        before = bytes(explorer.image.value)
        png = explorer.set(**{**defaults, **move})  # one control away from the default
        assert png.startswith(PNG)
        assert png != before, move
        assert explorer.result.verdict in explorer.status.value


def test_extreme_settings_show_words_not_tracebacks(explorer):
    explorer.set(width=256, depth=50, activation="relu", init="constant", scale=1e3, seed=0)
    assert "diverged (inf/NaN)" in explorer.status.value
    explorer.set(init="zeros", scale=1.0)
    assert "dead" in explorer.status.value
    explorer.set(width=1, depth=50, init="he_normal", activation="sigmoid", scale=1e-3)
    assert explorer.result.state in ("vanishing", "dead")
    explorer.set(width=100, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)


def test_a_slider_move_through_the_widget_redraws(explorer):
    before = explorer.set(seed=0)
    explorer.controls["width"].value = 37
    assert bytes(explorer.image.value) != before
    assert "fan-in 37" in explorer.title.get_text()
    assert explorer.widget is not None


def test_thirty_layer_relu_net_stalls_with_1_over_n_and_trains_with_2_over_n():
    runs = xavier_he.deep_relu_runs(seeds=(0,))
    for history in runs["lecun_normal"]:
        assert history.loss[0] == pytest.approx(math.log(10), abs=1e-3)  # starts at ln 10
        assert history.loss[-1] == pytest.approx(math.log(10), abs=1e-3)  # and stays there
        assert history.val_accuracy[-1] == pytest.approx(0.1)  # balanced test set: chance
    for history in runs["he_normal"]:
        assert not history.diverged
        assert min(history.loss[1:]) < history.loss[0] - 0.3
        assert max(history.val_accuracy) > 0.2
