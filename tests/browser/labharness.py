"""What the browser tests need, and what happens without it (used by conftest.py)."""

from __future__ import annotations

import os
import shutil

import pytest

HOW_TO_ENABLE = "apt-get install chromium && python -m pip install -r requirements-dev.txt"


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_requirements():
    """What the browser tests need and this machine lacks (an empty list if nothing)."""
    missing = []
    if not chromium_path():
        missing.append("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright")
    return missing


def require_browser(missing, ci):
    """Skip (on a local machine) or fail (in CI) when something the tests need is missing."""
    if missing:
        message = f"browser tests need {' and '.join(missing)}: {HOW_TO_ENABLE}"
        if ci:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
