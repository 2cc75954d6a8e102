"""The built wheel carries the package and its data: the digits load from a wheel
installed elsewhere exactly as from this checkout (Colab installs lessonlib from git as a
wheel, and fetches only the notebook, so nothing may depend on the repository's folders).

The wheel is built from a copy of the sources in a temporary folder, so the checkout is
left untouched. Building needs setuptools from the package index (pip's build isolation).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lessonlib import data

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "lessonlib", "data")


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.exists():
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
         "--disable-pip-version-check", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    wheels = sorted(out.glob("lessonlib-*.whl"))
    if result.returncode != 0 or not wheels:
        message = f"could not build the wheel: {result.stderr.strip()[-800:]}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return wheels[0]


def test_wheel_contains_every_module_and_the_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"lessonlib/{p.name}" for p in (ROOT / "lessonlib").glob("*.py")}
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"
    assert {"lessonlib/_data/digits.csv.gz", "lessonlib/_data/README.md"} <= names


def test_digits_from_installed_wheel_match_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
         "--disable-pip-version-check", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import numpy as np
        import lessonlib
        from lessonlib import data
        assert lessonlib.__file__.startswith(sys.argv[1]), lessonlib.__file__
        for module in pkgutil.iter_modules(lessonlib.__path__):
            importlib.import_module("lessonlib." + module.name)
        X, y = data.load_digits()
        np.save("X.npy", X)
        np.save("y.npy", y)
        print(lessonlib.__file__)
        """
    )
    env = dict(os.environ, PYTHONPATH=str(target), MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().startswith(str(target))
    X, y = data.load_digits()
    X_wheel, y_wheel = np.load(elsewhere / "X.npy"), np.load(elsewhere / "y.npy")
    assert X_wheel.dtype == X.dtype and y_wheel.dtype == y.dtype
    assert np.array_equal(X_wheel, X) and np.array_equal(y_wheel, y)
