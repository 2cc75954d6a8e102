"""Every notebook, run in JupyterLab in a real (headless) browser.

For each notebook in ``notebooks/`` (``NN_name.ipynb``) and each Korean one in
``notebooks/ko/`` (the same names, the same explorers): open it in JupyterLab, clear
the stored outputs, run all cells, wait until the kernel is idle and no cell is still
queued, and check that every code cell ran and none shows an error, a traceback or
stderr. The page is laptop-sized (1280 x 800) with the file browser open. There must be
as many explorers (widget outputs holding an ipywidgets ``Image``) as
``lessonlib.lessons.EXPLORERS`` lists; in each, every control is moved (sliders dragged
with the mouse and typed into, drop-downs set to another option, Play pressed) and the
picture must change each time. No output may be wider than the page (a wrapping text line, a table or
a widget box sticking out). Screenshots of each notebook and of each explorer state go
to ``artifacts/browser/``.

A generated notebook (``test_explorer_smoke``) checks the same machinery on
``lessonlib.widgets.FigureExplorer`` alone, so the harness is proven even where no lesson
has an explorer.

Run only these:  python -m pytest tests/browser -p no:nbval  (or -m browser)
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from textwrap import dedent

import pytest

from lessonlib.lessons import EXPLORERS

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KOREAN_NOTEBOOKS = sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))
#: Both editions, as paths below the server's root: notebooks/NN_x.ipynb, notebooks/ko/NN_x.ipynb
EDITIONS = [path.relative_to(ROOT).as_posix() for path in NOTEBOOKS + KOREAN_NOTEBOOKS]

pytestmark = pytest.mark.browser


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "control"


def check_explorers(notebook, expected):
    """Move every control of every explorer; assert each move changes the picture.

    Sliders are dragged with the mouse and, where their readout box is editable, typed
    into; a slider over labelled stops must not offer an editable box (it would ignore
    what is typed) and shows its value beside it; drop-downs get another option. A
    screenshot of the explorer is taken after every move.
    """
    explorers = notebook.explorers()
    assert len(explorers) == expected, (
        f"{notebook.path}: expected {expected} explorer(s) (lessonlib.lessons.EXPLORERS),"
        f" found {len(explorers)}"
    )
    for number, explorer in enumerate(explorers, start=1):
        explorer.scroll_into_view_if_needed()
        notebook.install_probe(explorer)
        controls = notebook.controls(explorer)
        assert controls, f"{notebook.path}: explorer {number} has no control"
        assert notebook.image_src(explorer), f"{notebook.path}: explorer {number} shows no picture"
        for control in controls:
            label, kind = control["label"], control["kind"]
            typed = None
            moves = {"slider": ["drag", "type"], "selection": ["drag"], "dropdown": ["select"], "play": ["play"]}[kind]
            for how in moves:
                notebook.settle(explorer)
                before, shown = notebook.image_src(explorer), notebook.shown_value(control)
                what = f"{how} {label!r} in explorer {number}"
                if how == "drag":
                    notebook.drag_slider(control["locator"])
                elif how == "type":
                    notebook.type_value(control, typed)
                elif how == "play":
                    notebook.play(control, explorer, what)
                else:
                    notebook.select_other(control)
                notebook.wait_for_new_image(explorer, before, what)
                notebook.settle(explorer)
                now = notebook.shown_value(control)
                if how == "type":
                    assert now == typed, f"{notebook.path}: typed {typed!r} into {label!r}, it shows {now!r}"
                elif how != "play":
                    assert now != shown, f"{notebook.path}: {what} did not change its value ({shown!r})"
                typed = shown  # type the value from before the drag back in
                notebook.console.append(f"explorer {number}: {how} {label}: {shown} -> {now}")
                explorer.screenshot(path=str(notebook.artifact(f".explorer-{number}.{_slug(label)}-{how}.png")))
            if kind == "selection":
                assert notebook.shown_value(control), f"{notebook.path}: {label!r} shows no value"


def check_nothing_overflows(notebook):
    """No table wraps (fixed-width text of several lines, or HTML), no widget box is wider
    than its output area. A single long sentence may wrap: it is logged, not failed."""
    found = []
    for item in notebook.overflowing_outputs():
        if item["kind"] == "text line":
            notebook.console.append(f"note: a long line wraps at laptop width: {item}")
        else:
            found.append(item)
    assert not found, f"{notebook.path}: outputs too wide for the page at laptop width:\n  " + "\n  ".join(
        f"cell {f['cell']}: {f['kind']} needs {f['needs']} px, has {f['room']} px: {f['text']!r}" for f in found
    )


def test_both_editions_are_run():
    """Every Korean notebook is run here too, with the explorers of its English source."""
    assert KOREAN_NOTEBOOKS and any(path.startswith("notebooks/ko/") for path in EDITIONS)
    assert all(path.name in EXPLORERS for path in NOTEBOOKS + KOREAN_NOTEBOOKS)
    assert {path.name for path in KOREAN_NOTEBOOKS} <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", EDITIONS, ids=[p.removeprefix("notebooks/") for p in EDITIONS])
def test_notebook_runs_in_jupyterlab(lab, path):
    name = Path(path).name
    start = time.monotonic()
    notebook = lab(path)
    opened = time.monotonic()
    try:
        state = notebook.run_all()
        ran = time.monotonic()
        problems = notebook.problems(state)
        assert not problems, f"{path} shows problems in JupyterLab:\n  " + "\n  ".join(problems)
        check_explorers(notebook, len(EXPLORERS[name]))
        check_nothing_overflows(notebook)
        problems = notebook.problems(notebook.state())
        assert not problems, f"{path} after moving sliders:\n  " + "\n  ".join(problems)
        notebook.console.append(
            f"timing: opened in {opened - start:.1f} s, ran all cells in {ran - opened:.1f} s,"
            f" sliders in {time.monotonic() - ran:.1f} s"
        )
    finally:
        notebook.screenshot()


SMOKE_CELLS = [
    dedent(
        """\
        import matplotlib.pyplot as plt
        import numpy as np
        from lessonlib import widgets
        %matplotlib inline
        print('ready')"""
    ),
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot(np.arange(5) ** 2)\nplt.show()",
    dedent(
        """\
        class Demo(widgets.FigureExplorer):
            def __init__(self):
                seed = widgets.slider('seed', 0, 20, 3)
                scale = widgets.slider('scale', -2, 1, 0.1, step=0.1, log=True, live=True)
                kind = widgets.dropdown('kind', ['normal', 'uniform'], 'normal')
                cmap = widgets.selection_slider('colours', [('grey', 'gray'), ('magma', 'magma'), ('blue-red', 'RdBu')], 'gray')
                super().__init__({'seed': seed, 'scale': scale, 'kind': kind, 'cmap': cmap}, figsize=(4, 2.5))
                self.ax = self.figure.add_subplot()
                self.im = self.ax.imshow(np.zeros((8, 8)), vmin=-3, vmax=3)
                self.animated = (self.im,)
            def draw(self, seed, scale, kind, cmap):
                rng = np.random.default_rng(seed)
                data = rng.normal(0, scale, (8, 8)) if kind == 'normal' else rng.uniform(-scale, scale, (8, 8))
                self.im.set_data(data)
                self.im.set_cmap(cmap)
                return f'seed {seed}, scale {scale:.3f}, {kind}, {cmap}'
        Demo().widget"""
    ),
]


def smoke_notebook():
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{i}",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(SMOKE_CELLS)
        ],
    }


def test_explorer_smoke(lab, lab_root):
    """The harness itself, on a small FigureExplorer: a print, an inline figure, a slider."""
    (lab_root / "_explorer_smoke.ipynb").write_text(json.dumps(smoke_notebook()))
    notebook = lab("_explorer_smoke.ipynb")
    try:
        state = notebook.run_all(seconds=120)
        assert not notebook.problems(state), notebook.problems(state)
        assert [c["count"] for c in state["cells"]] == [1, 2, 3]
        page = notebook.page
        assert page.locator(".jp-OutputArea-output", has_text="ready").count() == 1
        assert page.locator('.jp-OutputArea-output[data-mime-type="image/png"] img').count() == 1
        check_explorers(notebook, 1)
        assert "seed" in page.locator(".widget-html").last.inner_text()
    finally:
        notebook.screenshot()


def test_harness_reports_errors(lab, lab_root):
    """The checks above would catch a broken notebook: stderr, an exception, cells not run."""
    cells = ["import sys\nprint('careful', file=sys.stderr)", "1 / 0", "print('never')"]
    notebook_json = smoke_notebook()
    notebook_json["cells"] = [
        dict(notebook_json["cells"][0], id=f"c{i}", source=s) for i, s in enumerate(cells)
    ]
    (lab_root / "_broken.ipynb").write_text(json.dumps(notebook_json))
    notebook = lab("_broken.ipynb")
    state = notebook.run_all(seconds=60)
    problems = "\n".join(notebook.problems(state))
    assert "stderr: 'careful\\n'" in problems
    assert "ZeroDivisionError" in problems
    assert "cell 2: not executed" in problems
    assert "shown on the page as stderr/error" in problems
