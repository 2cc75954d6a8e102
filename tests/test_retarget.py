"""tools/retarget.py on a temporary copy of the repository: afterwards no old address is
left anywhere (the Korean edition's notebooks/ko/ and README.ko.md included), and the link
and set-up-cell tests pass for the new address."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lessonlib

ROOT = Path(__file__).resolve().parents[1]
NEW = "https://github.com/teacher-org/weights-2027"
IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", "_build", "build", "*.egg-info", ".ipynb_checkpoints", "artifacts",
    ".venv", "venv", ".pytest_cache",
)


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "repo"
    shutil.copytree(ROOT, target, ignore=IGNORE)
    return target


def add_korean_edition(root):
    """If the copy has no Korean edition yet, give it one notebook and README.ko.md, with
    every kind of address (the set-up cell's git URL, Colab and Binder badges), so the
    retargeting is proven on notebooks/ko/ and README.ko.md too."""
    import json

    sys.path.insert(0, str(root / "tools"))
    try:
        import notebook_cells
    finally:
        sys.path.pop(0)
    slug = lessonlib.REPOSITORY_URL.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{slug}/blob/main/notebooks/ko/00_start_here.ipynb"
    binder = f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/notebooks/ko/00_start_here.ipynb"
    badges = f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n[![Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})\n"
    korean = root / "notebooks" / "ko" / "00_start_here.ipynb"
    if not korean.exists():
        korean.parent.mkdir(exist_ok=True)
        nb = json.loads((root / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown" and index > 0:
                cell["source"] = badges if index == 1 else "한국어 본문입니다.\n"
        korean.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        notebook_cells.update(korean, lessonlib.REPOSITORY_URL)  # the Korean header and set-up block
    if not (root / "README.ko.md").exists():
        (root / "README.ko.md").write_text("# 한국어판\n\n" + badges + "\n[English](README.md)\n", encoding="utf-8")
        with open(root / "README.md", "a", encoding="utf-8") as readme:
            readme.write("\n[한국어판](README.ko.md)\n")
    # the book lists it (what python tools/i18n.py build does)
    spec = importlib.util.spec_from_file_location("i18n_tool_copy", root / "tools" / "i18n.py")
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool
    spec.loader.exec_module(tool)
    tool.write_book_toc(root, out=lambda line: None)
    assert slug.encode() in korean.read_bytes()

def retarget(root, *args):
    return subprocess.run(
        [sys.executable, str(root / "tools" / "retarget.py"), *args],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_no_old_address_is_left_and_the_link_tests_pass(copy):
    old = lessonlib.REPOSITORY_URL.removeprefix("https://github.com/")
    add_korean_edition(copy)
    result = retarget(copy, NEW + ".git")
    assert result.returncode == 0, result.stdout + result.stderr
    found = [
        str(path.relative_to(copy))
        for path in copy.rglob("*")
        if path.is_file() and old.encode() in path.read_bytes()
    ]
    assert not found, f"still pointing at {old}: {found}"
    new = NEW.removeprefix("https://github.com/")
    for name in ("notebooks/ko/00_start_here.ipynb", "README.ko.md"):
        text = (copy / name).read_text(encoding="utf-8")
        assert f"colab.research.google.com/github/{new}/blob/main/notebooks/ko/" in text, name
        assert f"mybinder.org/v2/gh/{new}/main?urlpath=lab/tree/notebooks/ko/" in text, name
    assert f"git+{NEW}@main" in (copy / "notebooks/ko/00_start_here.ipynb").read_text(encoding="utf-8")
    assert f'REPOSITORY_URL = "{NEW}"' in (copy / "lessonlib" / "__init__.py").read_text()
    # the repository's own link tests, run against the copy's lessonlib
    env = dict(os.environ, PYTHONPATH=str(copy))
    check = subprocess.run(
        [sys.executable, "-c", "import lessonlib; print(lessonlib.REPOSITORY_URL, lessonlib.__file__)"],
        cwd=copy, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert check.stdout.split() == [NEW, str(copy / "lessonlib" / "__init__.py")], check
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-o", "addopts=-p no:cacheprovider",
         "tests/test_repository.py", "tests/test_notebooks_hygiene.py"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-3000:]
    # and a second run has nothing left to do
    again = retarget(copy, NEW)
    assert again.returncode == 0 and "nothing to do" in again.stdout


@pytest.mark.parametrize(
    "url",
    [
        "https://gitlab.com/teacher-org/weights",
        "http://github.com/teacher-org/weights",
        "https://github.com/teacher-org",
        "https://github.com/teacher-org/weights/tree/main",
        "github.com/teacher-org/weights",
        "https://github.com/-bad-/weights",
    ],
)
def test_bad_addresses_are_refused_and_nothing_changes(copy, url):
    before = (copy / "README.md").read_text(encoding="utf-8")
    result = retarget(copy, url)
    assert result.returncode == 2
    assert "is not a GitHub repository address; expected https://github.com/OWNER/REPO" in result.stderr
    assert "Traceback" not in result.stderr
    assert (copy / "README.md").read_text(encoding="utf-8") == before
