"""tools/check_book.py, the offline link checker of the book site, on a tiny made-up site."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("check_book", ROOT / "tools" / "check_book.py")
check_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_book)


def site(tmp_path, pages):
    for name, body in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return tmp_path


def test_a_sound_site_passes(tmp_path):
    root = site(tmp_path, {
        "index.html": '<a href="notebooks/a.html#glossary">a</a> <a href="#top">top</a><p id="top">'
                      '<a href="https://example.org/x">out</a>'
                      '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>',
        "notebooks/a.html": '<h2 id="glossary">Glossary</h2><a href="../index.html">home</a>'
                            '<img src="../_images/x.png">',
        "_images/x.png": "",
    })  # fmt: skip
    problems, remote, checked = check_book.check(root)
    assert problems == []
    assert checked == 4
    assert remote == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"]


def test_broken_links_missing_anchors_and_cdn_assets_are_reported(tmp_path):
    root = site(tmp_path, {
        "index.html": '<a href="notebooks/missing.html">x</a> <a href="a.html#nowhere">y</a>'
                      '<a href="notebooks/00.ipynb">raw</a>'
                      '<link rel="stylesheet" href="https://cdn.example.com/theme.css">',
        "a.html": '<p id="somewhere"></p>',
    })  # fmt: skip
    problems, _, _ = check_book.check(root)
    assert len(problems) == 4, problems
    assert any("missing.html" in p for p in problems)
    assert any("#nowhere" in p for p in problems)
    assert any("00.ipynb" in p for p in problems)
    assert any("cdn.example.com" in p for p in problems)
