"""The Colab set-up block (tools/notebook_cells.py) run as Colab would run it.

Each case runs the block in a fresh Python process with a stand-in ``google.colab``
module and lessonlib hidden (``sys.modules["lessonlib"] = None`` makes ``find_spec``
answer None), so nothing here touches this environment or the network:

- failure: real pip, real git, a ``file://`` URL to a folder that does not exist; run in
  an IPython shell, it must print the status line and one sentence, no traceback;
- success: ``subprocess.run`` replaced by a recorder; the exact pip command, both status
  lines and the widget manager switched on;
- not on Colab: nothing printed, nothing run.

The real install from a git URL is exercised by .ci/colab-versions, which installs
lessonlib into its Colab-version environment with this very block.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = textwrap.dedent(
    """
    import json, sys, types
    sys.path.insert(0, {tools!r})
    import notebook_cells
    calls = []
    if {on_colab!r}:
        google = types.ModuleType("google")
        colab = types.ModuleType("google.colab")
        output = types.ModuleType("google.colab.output")
        output.enable_custom_widget_manager = lambda: calls.append("widget manager")
        colab.output = output
        google.colab = colab
        sys.modules.update({{"google": google, "google.colab": colab,
                             "google.colab.output": output}})
    sys.modules["lessonlib"] = None   # as on a fresh Colab runtime: not installed
    code = notebook_cells.setup_code({url!r})
    """
)


def run(body, url, on_colab=True, timeout=120):
    script = PRELUDE.format(tools=str(ROOT / "tools"), on_colab=on_colab, url=url) + body
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout,
        cwd=ROOT,
    )  # fmt: skip


def test_unreachable_repository_prints_one_sentence_and_stops(tmp_path):
    pytest.importorskip("IPython")
    url = (tmp_path / "no-such-repository").as_uri()
    body = textwrap.dedent(
        """
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(colors="NoColor")
        result = shell.run_cell(code + "print('the rest of the cell ran')")
        error = result.error_in_exec
        print("@@" + json.dumps({"error": type(error).__name__ if error else None, "calls": calls}))
        """
    )
    result = run(body, url)
    assert result.returncode == 0, result.stderr[-2000:]
    shown, _, report = result.stdout.rpartition("@@")
    report = json.loads(report)
    assert report == {"error": "SetupError", "calls": []}, (report, shown)
    lines = [line for line in shown.splitlines() if line.strip()]
    assert lines == [
        f"Installing lessonlib from {url} (about 10 s) ...",
        f"Could not install lessonlib from {url}: publish the repository there, or point the"
        " notebooks at your copy (python tools/retarget.py YOUR_URL).",
    ], shown
    assert "Traceback" not in result.stdout + result.stderr


def test_successful_install_runs_pip_once_and_enables_widgets():
    url = "https://github.com/someone/some-fork"
    body = textwrap.dedent(
        """
        import subprocess
        commands = []
        def fake_run(command, **kwargs):
            commands.append(command)
            return subprocess.CompletedProcess(command, 0, b"", b"")
        subprocess.run = fake_run
        exec(code, {})
        print("@@" + json.dumps({"commands": commands, "calls": calls, "python": sys.executable}))
        """
    )
    result = run(body, url)
    assert result.returncode == 0, result.stderr[-2000:]
    shown, _, report = result.stdout.rpartition("@@")
    report = json.loads(report)
    assert report["commands"] == [
        [report["python"], "-m", "pip", "install", "-q", f"lessonlib @ git+{url}@main"]
    ]
    assert report["calls"] == ["widget manager"]
    assert shown.splitlines() == [
        f"Installing lessonlib from {url} (about 10 s) ...",
        "lessonlib is installed.",
    ]


def test_outside_colab_the_block_does_nothing():
    body = textwrap.dedent(
        """
        import subprocess
        def refuse(*args, **kwargs):
            raise AssertionError("ran a command outside Colab")
        subprocess.run = refuse
        exec(code, {})
        print("@@" + json.dumps(calls))
        """
    )
    result = run(body, "https://github.com/someone/some-fork", on_colab=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "@@[]\n"
