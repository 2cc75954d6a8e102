"""Real-browser tests: JupyterLab in headless Chromium, driven by Playwright.

The fixtures here start ``jupyter lab`` (``labharness.LabServer``) on a temporary copy of
the notebooks and a headless Chromium from the system (Debian's ``chromium`` package; no
browser is ever downloaded), at laptop size with the file browser open. The ``lab``
fixture opens a notebook and returns a ``labharness.NotebookPage`` that runs it and moves
its controls the way a person would. ``tools/browser_latency.py`` uses the same harness.

Needs: ``apt-get install chromium`` and ``python -m pip install -r requirements-dev.txt``.
Without them a local run skips these tests with that hint; with ``CI=true`` it fails.
Screenshots and logs go to ``artifacts/browser/``.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from labharness import (
    ARTIFACTS,
    LabServer,
    NotebookPage,
    copy_notebooks,
    in_ci,
    launch_chromium,
    missing_requirements,
    require_browser,
)


@pytest.fixture(scope="module")
def browser_requirements():
    require_browser(missing_requirements(), in_ci())


@pytest.fixture(scope="module")
def lab_root(browser_requirements):
    """A temporary copy of the notebooks (``notebooks/...`` inside), never the repository's."""
    with tempfile.TemporaryDirectory(prefix="lab-root-") as folder:
        yield copy_notebooks(folder)


@pytest.fixture(scope="module")
def lab_server(lab_root):
    with tempfile.TemporaryDirectory(prefix="lab-home-") as home:
        server = LabServer(lab_root, home).start()
        try:
            yield server
        finally:
            server.stop()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                shutil.copy(server.log_path, ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="module")
def chromium(browser_requirements):
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, launch_chromium(profile) as context:
        yield context


@pytest.fixture
def lab(lab_server, chromium):
    """``lab(path)`` opens ``path`` (relative to the server root) in a new tab."""
    opened = []

    def open_notebook(path):
        # notebooks/ko/01_x.ipynb -> ko_01_x: the two editions' artifacts stay apart
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(path).with_suffix("").as_posix().removeprefix("notebooks/"))
        notebook = NotebookPage(chromium.new_page(), lab_server, path, stem).open()
        opened.append(notebook)
        return notebook

    yield open_notebook
    for notebook in opened:
        with contextlib.suppress(Exception):
            notebook.write_log()
        with contextlib.suppress(Exception):
            notebook.page.close()
    lab_server.shutdown_kernels()
