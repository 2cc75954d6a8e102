"""The Colab set-up block (tools/notebook_cells.py) run as Colab would run it.

Each case runs the block in a fresh Python process with a stand-in ``google.colab``
module and lessonlib hidden (``sys.modules["lessonlib"] = None`` makes ``find_spec``
answer None), so nothing here touches this environment or the network:

- failure: real pip, real git, a ``file://`` URL to a folder that does not exist; run in
  an IPython shell, it must print the status line and one sentence, no traceback;
- success: ``subprocess.run`` replaced by a recorder; the exact pip command, both status
  lines and the widget manager switched on;
- not on Colab: nothing printed, nothing run, only the edition's language set;
- both editions: the Korean block says the same in Korean, and its only other difference
  is the language line.

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
    if {on_colab!r}:
        sys.modules["lessonlib"] = None   # as on a fresh Colab runtime: not installed
    code = notebook_cells.setup_code({url!r}, {language!r})
    """
)


MESSAGES = {
    "en": (
        "Installing lessonlib from {url} (about 10 s) ...",
        "lessonlib is installed.",
        "Could not install lessonlib from {url}: publish the repository there, or point the"
        " notebooks at your copy (python tools/retarget.py YOUR_URL).",
    ),
    "ko": (
        "{url}에서 lessonlib을 설치합니다(약 10초) ...",
        "lessonlib을 설치했습니다.",
        "{url}에서 lessonlib을 설치하지 못했습니다. 그 주소에 저장소를 공개하거나, 노트북이"
        " 여러분의 사본을 가리키게 하세요(python tools/retarget.py YOUR_URL).",
    ),
}
LANGUAGES = pytest.mark.parametrize("language", ["en", "ko"])


def run(body, url, on_colab=True, timeout=120, language="en"):
    script = PRELUDE.format(tools=str(ROOT / "tools"), on_colab=on_colab, url=url, language=language) + body
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout,
        cwd=ROOT,
    )  # fmt: skip


@LANGUAGES
def test_unreachable_repository_prints_one_sentence_and_stops(tmp_path, language):
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
    result = run(body, url, language=language)
    assert result.returncode == 0, result.stderr[-2000:]
    shown, _, report = result.stdout.rpartition("@@")
    report = json.loads(report)
    assert report == {"error": "SetupError", "calls": []}, (report, shown)
    lines = [line for line in shown.splitlines() if line.strip()]
    installing, _, failed = MESSAGES[language]
    assert lines == [installing.format(url=url), failed.format(url=url)], shown
    assert "Traceback" not in result.stdout + result.stderr


@LANGUAGES
def test_successful_install_runs_pip_once_enables_widgets_and_sets_the_language(language):
    url = "https://github.com/someone/some-fork"
    body = textwrap.dedent(
        """
        import subprocess
        commands = []
        def fake_run(command, **kwargs):
            commands.append(command)
            del sys.modules["lessonlib"]   # "installed": the checkout's lessonlib is found
            return subprocess.CompletedProcess(command, 0, b"", b"")
        subprocess.run = fake_run
        exec(code, {})
        import lessonlib.i18n
        print("@@" + json.dumps({"commands": commands, "calls": calls, "python": sys.executable,
                                 "language": lessonlib.i18n.language()}))
        """
    )
    result = run(body, url, language=language)
    assert result.returncode == 0, result.stderr[-2000:]
    shown, _, report = result.stdout.rpartition("@@")
    report = json.loads(report)
    assert report["commands"] == [
        [report["python"], "-m", "pip", "install", "-q", f"lessonlib @ git+{url}@main"]
    ]
    assert report["calls"] == ["widget manager"]
    assert report["language"] == language
    installing, installed, _ = MESSAGES[language]
    assert shown.splitlines() == [installing.format(url=url), installed]


@LANGUAGES
def test_outside_colab_the_block_only_sets_the_language(language):
    body = textwrap.dedent(
        """
        import subprocess
        def refuse(*args, **kwargs):
            raise AssertionError("ran a command outside Colab")
        subprocess.run = refuse
        import lessonlib
        lessonlib.set_language("ko" if {language!r} == "en" else "en")   # a reused kernel
        exec(code, {{}})
        print("@@" + json.dumps([calls, lessonlib.i18n.language()]))
        """
    ).format(language=language)
    result = run(body, "https://github.com/someone/some-fork", on_colab=False, language=language)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == f'@@[[], "{language}"]\n'


def test_the_editions_differ_only_in_the_language_line_and_messages():
    import importlib.util

    spec = importlib.util.spec_from_file_location("notebook_cells", ROOT / "tools" / "notebook_cells.py")
    notebook_cells = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(notebook_cells)
    url = "https://github.com/someone/some-fork"
    english = notebook_cells.setup_code(url, "en").splitlines()
    korean = notebook_cells.setup_code(url, "ko").splitlines()
    assert len(english) == len(korean)
    differ = [(e.strip(), k.strip()) for e, k in zip(english, korean) if e != k]
    assert [pair[0] for pair in differ] == [
        f'print("{MESSAGES["en"][0].format(url=url)}", flush=True)',
        f'"Could not install lessonlib from {url}: publish the repository there,"',
        '" or point the notebooks at your copy (python tools/retarget.py YOUR_URL)."',
        f'print("{MESSAGES["en"][1]}")',
        'lessonlib.set_language("en")  # the language of lessonlib\'s figures, tables and messages',
    ]
    assert korean[-2].startswith('lessonlib.set_language("ko")')
    with pytest.raises(ValueError, match="language must be one of 'en', 'ko'"):
        notebook_cells.setup_code(url, "de")
