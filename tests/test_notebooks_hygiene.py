"""Every stored notebook is clean, small, and renders as a static preview.

Learners often meet a notebook first on GitHub or nbviewer, where nothing runs: what they
see is what is stored. So for every ``notebooks/NN_name.ipynb`` and every Korean
``notebooks/ko/NN_name.ipynb``:

- the python3 kernel spec, every code cell executed in order 1..n, no stored error,
  traceback or stderr;
- no absolute paths or home folders in outputs or metadata (they leak the machine that
  ran it, and differ on every machine);
- pictures small enough to keep the repository small;
- no widget state (it churns on every run; GitHub refuses ``metadata.widgets`` without
  ``state``), and a static figure before every widget, so a preview shows a picture;
- the title cell carries the lecture header of ``tools/notebook_cells.py`` (links to the
  lecture's video and slides) as the line right under the title, in the edition's language;
- the first code cell opens with the Colab set-up block of ``tools/notebook_cells.py``
  for ``lessonlib.REPOSITORY_URL`` and the edition's language (it installs
  ``lessonlib @ git+{REPOSITORY_URL}@main`` only on Colab, prints nothing elsewhere, and
  sets the language); no other cell installs anything;
- every ``**bold**`` in the markdown renders as bold under CommonMark's rules, which
  GitHub and JupyterLab follow: ``**크기(스케일)**에`` stays literal (a closing ``**``
  after punctuation must be followed by a space or punctuation), ``**크기**(스케일)에``
  is bold.

Only the standard library is used here, so these checks run in any test environment.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest

import lessonlib

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("notebook_cells", ROOT / "tools" / "notebook_cells.py")
notebook_cells = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_cells)
NOTEBOOKS = notebook_cells.all_notebooks(ROOT)  # both editions
MAX_PNG_BYTES = 250_000
MAX_NOTEBOOK_BYTES = 3_000_000
ABSOLUTE_PATH = re.compile(
    r"(?<![\w.:/])(/work/|/tmp/|/root\b|/home/|/Users/|/private/var/|[A-Za-z]:\\\\?Users\\)"
)
# The text/plain repr a widget leaves in a stored notebook: VBox(children=(...)), ...
WIDGET_REPR = re.compile(r"^[A-Z]\w*\((children|value|description|layout|options)=")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"

pytestmark = pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]
)


def _name(path):
    """``notebooks/01_x.ipynb`` or ``notebooks/ko/01_x.ipynb``: which edition, in messages."""
    return path.relative_to(ROOT).as_posix()


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def code_cells(nb):
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def shows_widget(cell):
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if WIDGET_VIEW in data or WIDGET_REPR.match(text(data.get("text/plain", ""))):
            return True
    return False


def has_picture(cell):
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_kernelspec_is_python3(path):
    nb = load(path)
    assert nb["nbformat"] == 4
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    assert nb["metadata"].get("language_info", {}).get("name") == "python"


def test_no_errors_or_stderr(path):
    found = []
    for index, cell in code_cells(load(path)):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output["output_type"] == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index}: stderr {text(output.get('text'))[:200]!r}")
            elif "Traceback (most recent call last)" in json.dumps(output):
                found.append(f"cell {index}: a traceback in its output")
    assert not found, f"{_name(path)}:\n  " + "\n  ".join(found)


def test_every_code_cell_executed_in_order(path):
    cells = code_cells(load(path))
    counts = [cell.get("execution_count") for _, cell in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{_name(path)}: execution counts {counts}; re-run it top to bottom with "
        f"python tools/execute_notebooks.py {_name(path)}"
    )
    for index, cell in cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "execute_result":
                assert output.get("execution_count") == cell["execution_count"], f"cell {index}"


def test_no_absolute_paths_in_outputs_or_metadata(path):
    nb = load(path)
    places = {"notebook metadata": nb["metadata"]}
    for index, cell in enumerate(nb["cells"]):
        places[f"cell {index} metadata"] = cell.get("metadata", {})
        for number, output in enumerate(cell.get("outputs", [])):
            shown = {k: v for k, v in output.get("data", {}).items() if not k.startswith("image/")}
            shown["text"] = output.get("text", "")
            shown["evalue"] = output.get("evalue", "")
            places[f"cell {index} output {number}"] = shown
    home = str(Path.home())
    found = []
    for where, value in places.items():
        dumped = json.dumps(value)
        match = ABSOLUTE_PATH.search(dumped)
        if match:
            found.append(f"{where}: {dumped[max(0, match.start() - 40) : match.end() + 40]!r}")
        elif len(home) > 1 and home in dumped:
            found.append(f"{where}: mentions {home}")
    assert not found, f"{_name(path)} stores machine-specific paths:\n  " + "\n  ".join(found)


def test_pictures_and_file_are_small(path):
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES, f"{_name(path)} is {path.stat().st_size} bytes"
    for index, cell in code_cells(load(path)):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                size = len(base64.b64decode(text(png)))
                assert size < MAX_PNG_BYTES, (
                    f"{_name(path)} cell {index}: a {size // 1000} kB picture; lower its dpi or size"
                )


def test_no_widget_state(path):
    nb = load(path)
    widgets = nb["metadata"].get("widgets")
    if widgets is not None:
        saved = widgets.get("application/vnd.jupyter.widget-state+json") or {}
        pytest.fail(
            f"{_name(path)} stores widget state"
            + ("" if "state" in saved else " without 'state' (GitHub cannot render it)")
            + "; re-run it with tools/execute_notebooks.py, which drops it"
        )
    for index, cell in code_cells(nb):
        assert "widgets" not in cell.get("metadata", {}), f"cell {index} stores widget state"
        for output in cell.get("outputs", []):
            assert WIDGET_VIEW not in output.get("data", {}), (
                f"{_name(path)} cell {index} stores a widget view (its model id changes every run)"
            )


def test_static_figure_before_every_widget(path):
    cells = code_cells(load(path))
    since_last_widget = False
    for index, cell in cells:
        if shows_widget(cell):
            tags = cell.get("metadata", {}).get("tags", [])
            assert IGNORE_OUTPUT_TAG in tags, (
                f"{_name(path)} cell {index} shows a widget: tag it {IGNORE_OUTPUT_TAG}"
            )
            assert since_last_widget, (
                f"{_name(path)} cell {index} shows a widget with no static figure before it:"
                " on GitHub it would show nothing; draw the default setting first"
            )
            since_last_widget = False
        elif has_picture(cell):
            since_last_widget = True


def test_first_code_cell_is_the_colab_setup(path):
    nb = load(path)
    cells = code_cells(nb)
    assert cells, f"{_name(path)} has no code cell"
    index, first = cells[0]
    try:
        head, _ = notebook_cells.split_setup(text(first["source"]))
    except ValueError as exc:
        pytest.fail(f"{_name(path)}: {exc}")
    language = notebook_cells.language_of(path)
    assert head == notebook_cells.setup_code(lessonlib.REPOSITORY_URL, language), (
        f"{_name(path)}: the set-up cell differs from tools/notebook_cells.py's template for"
        f" {lessonlib.REPOSITORY_URL} ({language}); run  python tools/notebook_cells.py"
    )
    assert not first.get("outputs"), f"{_name(path)}: the set-up cell prints something outside Colab"
    # and no other cell installs anything
    for other_index, cell in cells[1:]:
        assert not re.search(r'[%!]pip\s+install|"pip", "install"', text(cell["source"])), (
            f"{_name(path)} cell {other_index} installs packages; only the set-up cell may"
        )


def test_title_cell_has_the_lecture_header(path):
    nb = load(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown", f"{_name(path)}: the first cell is not the title"
    source = text(first["source"])
    lines = source.splitlines()
    assert lines[0].startswith("# "), f"{_name(path)}: the first cell does not start with '# title'"
    language = notebook_cells.language_of(path)
    assert len(lines) > 2 and lines[1] == "" and lines[2] == notebook_cells.header_line(language), (
        f"{_name(path)}: the line under the title is not the lecture header of"
        " tools/notebook_cells.py; run  python tools/notebook_cells.py"
    )
    # writing it again changes nothing, and it is the only line the tool manages
    assert notebook_cells.with_header(source, language) == source
    without = "\n".join([lines[0], *lines[3:]]) + ("\n" if source.endswith("\n") else "")
    assert notebook_cells.with_header(without, language) == source
    assert notebook_cells.update(path, lessonlib.REPOSITORY_URL, check=True) == []


def test_valid_against_the_notebook_schema(path):
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.read(path, as_version=nbformat.NO_CONVERT))


def _punctuation(ch):
    return unicodedata.category(ch)[0] in "PS"  # CommonMark: Unicode punctuation and symbols


def _space(ch):
    return ch == "" or ch.isspace()


def broken_bold(markdown):
    """The ``**...**`` spans of ``markdown`` that CommonMark would not make bold.

    A ``**`` opens only when left-flanking (not followed by a space, and if followed by
    punctuation, preceded by a space or punctuation) and closes only when
    right-flanking (the mirror rule). Code, fenced code and math are left out.
    """
    blank = lambda m: "x" * len(m.group())  # noqa: E731
    text = re.sub(r"```.*?```", blank, markdown, flags=re.S)
    text = re.sub(r"`[^`\n]*`", blank, text)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", blank, text, flags=re.S)
    broken = []
    for paragraph in re.split(r"\n\s*\n", text):
        marks = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", paragraph)]
        for a, b in zip(marks[::2], marks[1::2]):
            before_open, after_open = paragraph[a - 1 : a], paragraph[a + 2 : a + 3]
            before_close, after_close = paragraph[b - 1 : b], paragraph[b + 2 : b + 3]
            opens = not _space(after_open) and (
                not _punctuation(after_open) or _space(before_open) or _punctuation(before_open))
            closes = not _space(before_close) and (
                not _punctuation(before_close) or _space(after_close) or _punctuation(after_close))
            if not (opens and closes):
                broken.append(paragraph[max(0, a - 10) : b + 12].replace("\n", " "))
    return broken


def test_broken_bold_finds_what_commonmark_leaves_literal(path):
    assert broken_bold("값의 **크기(스케일)**에 따라") == ["값의 **크기(스케일)**에 따라"]
    assert broken_bold("값의 **크기**(스케일)에 따라") == []
    assert broken_bold('은**"제한된"** 것') != []
    assert broken_bold("**bold.** Next, **(a)** and `**x)**y` or $**a)**b$") == []


def test_bold_renders_in_commonmark(path):
    nb = load(path)
    broken = [(i, span) for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
              for span in broken_bold(text(cell["source"]))]
    assert not broken, (
        f"{path.name}: bold that CommonMark leaves as literal asterisks (bold the word, not the"
        f" parenthesis: **크기**(스케일)에): {broken}"
    )
