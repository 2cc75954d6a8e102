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
