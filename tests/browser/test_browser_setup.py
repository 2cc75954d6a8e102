"""Without Chromium or Playwright the browser tests skip locally and fail in CI."""

import pytest
from labharness import HOW_TO_ENABLE, require_browser


def test_local_run_skips_with_how_to_enable():
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_browser(["chromium"], ci=False)
    message = str(skipped.value)
    assert "\\n" not in message and "chromium" in message and HOW_TO_ENABLE in message


def test_ci_run_fails_instead_of_skipping():
    with pytest.raises(pytest.fail.Exception, match="CI=true but browser tests need playwright"):
        require_browser(["playwright"], ci=True)


def test_nothing_missing_goes_ahead():
    require_browser([], ci=True)
    require_browser([], ci=False)
