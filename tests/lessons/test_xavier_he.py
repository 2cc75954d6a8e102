"""Tests for lessonlib.lessons.xavier_he: the explorer of notebook 04 and its 30-layer experiment."""

import io
import math

import numpy as np
import pytest
from PIL import Image

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


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


STATES = [
    dict(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0),
    dict(width=7, seed=3, depth=10, activation="tanh", init="glorot_uniform", scale=1.0),
    dict(width=100, seed=0, depth=37, activation="relu", init="he_normal", scale=0.5),
    dict(width=256, seed=20, depth=1, activation="sigmoid", init="lecun_normal", scale=1e3),
]


def test_partial_redraws_never_leave_a_stale_axis(explorer):
    """A redraw repaints only the changing artists over a stored background: after any
    sequence of moves the picture must be the one a fresh explorer draws for that state,
    and (up to resampling at the histograms' row edges) a full redraw."""
    assert explorer.animated and explorer.im_act in explorer.animated
    for state in STATES:
        # arrive from states of the same activation, other depths, widths and scales
        explorer.set(**{**state, "depth": 1 + state["depth"] % 50, "width": 1, "scale": 1e-3})
        explorer.set(**{**state, "depth": 50, "scale": 1e3})
        png = explorer.set(**state)
        fresh = PropagationExplorer(**{k: v for k, v in state.items()})
        assert np.array_equal(_pixels(png), _pixels(fresh.render())), state
        differ = (_pixels(png) != _pixels(explorer.render_full())).any(axis=2)
        assert differ.mean() < 0.01, (state, differ.mean())
        explorer.set(**state)


def test_layer_table_is_html_and_fits_beside_or_under_the_picture(explorer):
    explorer.set(**STATES[0])
    html = explorer.table.value
    assert "<table" in html and html.count("<tr>") == 1 + 10 and "act std" in html
    assert "white-space:nowrap" in html  # cells never wrap into fragments
    explorer.set(depth=50)
    assert explorer.table.value.count("<tr>") == 1 + 16 and "…" in explorer.table.value
    box = explorer.widget
    body = box.children[1]
    assert explorer.image in body.children and explorer.table in body.children
    assert body.layout.flex_flow == "row wrap"  # the table goes under the picture when narrow
    table = xavier_he.layer_table(explorer.result, max_rows=16)
    assert str(table) == explorer.result.table(max_rows=16)
    explorer.set(**STATES[0])


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
