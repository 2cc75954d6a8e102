"""tools/retarget.py on a temporary copy of the repository: afterwards no old address is
left anywhere, and the link and set-up-cell tests pass for the new address."""

from __future__ import annotations

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


def retarget(root, *args):
    return subprocess.run(
        [sys.executable, str(root / "tools" / "retarget.py"), *args],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_no_old_address_is_left_and_the_link_tests_pass(copy):
    old = lessonlib.REPOSITORY_URL.removeprefix("https://github.com/")
    result = retarget(copy, NEW + ".git")
    assert result.returncode == 0, result.stdout + result.stderr
    found = [
        str(path.relative_to(copy))
        for path in copy.rglob("*")
        if path.is_file() and old.encode() in path.read_bytes()
    ]
    assert not found, f"still pointing at {old}: {found}"
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
