"""Every notebook, run in JupyterLab in a real (headless) browser.

For each notebook in ``notebooks/`` (``NN_name.ipynb``): open it in JupyterLab, clear
the stored outputs, run all cells, wait until the kernel is idle and no cell is still
queued, and check that every code cell ran and none shows an error, a traceback or
stderr. Then, in every explorer (a widget output holding an ipywidgets ``Image``), move
the first slider by dragging its handle with the mouse, and once more by typing into its
readout, and check that the picture changed each time. A screenshot of each notebook goes
to ``artifacts/browser/``.

A generated notebook (``test_explorer_smoke``) checks the same machinery on
``lessonlib.widgets.FigureExplorer`` alone, so the harness is proven even where no lesson
has an explorer.

Run only these:  python -m pytest tests/browser -p no:nbval  (or -m browser)
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.browser


def check_explorers(notebook, minimum=0):
    """Move a slider in every explorer; assert each move changes the picture."""
    explorers = notebook.explorers()
    assert len(explorers) >= minimum, f"{notebook.path}: expected an explorer, found none"
    for number, explorer in enumerate(explorers, start=1):
        explorer.scroll_into_view_if_needed()
        sliders = explorer.locator(".widget-slider")
        assert sliders.count(), f"{notebook.path}: explorer {number} has no slider"
        slider = sliders.first
        readout = slider.locator(".widget-readout").first
        label = slider.locator(".widget-label").first.inner_text().strip()
        value_before = readout.inner_text().strip()

        # 1. with the mouse: drag the handle
        before = notebook.image_src(explorer)
        assert before, f"{notebook.path}: explorer {number} shows no picture before any move"
        notebook.drag_slider(slider)
        notebook.wait_for_new_image(
            explorer, before, f"dragging slider {label!r} in explorer {number}"
        )
        value_after = readout.inner_text().strip()
        assert value_after != value_before, (
            f"{notebook.path}: dragging {label!r} did not change its value ({value_before})"
        )
        notebook.console.append(
            f"explorer {number}: dragged {label} {value_before} -> {value_after}"
        )

        # 2. with the keyboard: type the old value into the readout, press Enter
        if readout.get_attribute("contenteditable") == "true":
            before = notebook.image_src(explorer)
            readout.click()
            readout.fill(value_before)
            readout.press("Enter")
            notebook.wait_for_new_image(
                explorer, before, f"typing {value_before} into {label!r} in explorer {number}"
            )
            notebook.console.append(f"explorer {number}: typed {label} = {value_before}")
        explorer.screenshot(path=str(notebook.artifact(f".explorer-{number}.png")))


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab, name):
    start = time.monotonic()
    notebook = lab(f"notebooks/{name}")
    opened = time.monotonic()
    try:
        state = notebook.run_all()
        ran = time.monotonic()
        problems = notebook.problems(state)
        assert not problems, f"{name} shows problems in JupyterLab:\n  " + "\n  ".join(problems)
        check_explorers(notebook)
        problems = notebook.problems(notebook.state())
        assert not problems, f"{name} after moving sliders:\n  " + "\n  ".join(problems)
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
                scale = widgets.slider('scale', -2, 1, 0.1, step=0.1, log=True)
                super().__init__({'seed': seed, 'scale': scale}, figsize=(4, 2.5))
                self.ax = self.figure.add_subplot()
                self.im = self.ax.imshow(np.zeros((8, 8)), vmin=-3, vmax=3)
            def draw(self, seed, scale):
                self.im.set_data(np.random.default_rng(seed).normal(0, scale, (8, 8)))
                return f'seed {seed}, scale {scale:.3f}'
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
        check_explorers(notebook, minimum=1)
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
