"""Fixtures shared by the lesson modules' tests."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture
def in_korean():
    """Korean texts, lessonlib's Hangul font (NanumGothic behind DejaVu Sans, glyph by
    glyph), warnings as errors: a missing glyph warns when the figure is drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import lessonlib
    from lessonlib import plots

    lessonlib.set_language("ko")
    try:
        with plt.rc_context(), warnings.catch_warnings():
            assert plots.use_hangul_font(), "koreanize-matplotlib's NanumGothic files are missing"
            warnings.simplefilter("error")
            yield
    finally:
        lessonlib.set_language("en")
        plt.close("all")


@pytest.fixture(scope="session")
def i18n_tool():
    """The checkout's tools/i18n.py, loaded from its file: the Colab job runs ``pytest``
    (not ``python -m pytest``), so the repository root is not on sys.path there."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "i18n.py"
    name = "_lessonlib_tools_i18n"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
