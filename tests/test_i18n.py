"""The language door: lessonlib.set_language and the lookup of texts in a catalog."""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import i18n


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    lessonlib.set_language("en")


def test_english_is_the_default_and_the_text_itself():
    assert i18n.language() == "en"
    assert i18n._("no such text anywhere") == "no such text anywhere"


def test_set_language_switches_and_refuses_unknown_languages():
    lessonlib.set_language("ko")
    assert i18n.language() == "ko"
    with pytest.raises(ValueError, match="language must be one of 'en', 'ko'"):
        lessonlib.set_language("de")
    assert i18n.language() == "ko"


def test_lookup_uses_the_catalog_with_its_context(monkeypatch):
    monkeypatch.setitem(i18n._catalogs, "ko", {(None, "seed"): "시드", ("plot", "seed"): "시드 번호"})
    lessonlib.set_language("ko")
    assert i18n._("seed") == "시드"
    assert i18n._("seed", context="plot") == "시드 번호"
    assert i18n._("untranslated") == "untranslated"
    lessonlib.set_language("en")
    assert i18n._("seed") == "seed"


def test_the_catalog_ships_inside_the_package():
    assert i18n._catalog_path("ko").is_file()


def test_tr_formats_the_translated_text(monkeypatch):
    monkeypatch.setitem(i18n._catalogs, "ko", {(None, "{n} seeds"): "시드 {n}개"})
    assert lessonlib.tr("{n} seeds", n=5) == "5 seeds"
    lessonlib.set_language("ko")
    assert lessonlib.tr("{n} seeds", n=5) == "시드 5개"
    with pytest.raises(ValueError, match="field 'n'"):
        lessonlib.tr("{n} seeds")
