"""The Korean edition: lessonlib's catalog and the notebooks' translations, kept in step.

    python tools/i18n.py extract                      # lessonlib/locale/ko.po from the code
    python tools/i18n.py template 01_zero_init_fails  # notebooks/ko/01_zero_init_fails.po
    python tools/i18n.py build [STEM ...] [--no-execute] [--allow-missing]
    python tools/i18n.py check                        # every problem; exit 1 if any

The English notebooks ``notebooks/NN_name.ipynb`` are the source. Each Korean notebook
``notebooks/ko/NN_name.ipynb`` is *built* from its English notebook and a translation file
``notebooks/ko/NN_name.po`` (gettext, UTF-8): one entry per markdown cell, ``msgctxt`` = the
cell's id, ``msgid`` = the cell's full English text, ``msgstr`` = the full Korean cell. An
entry whose ``msgid`` is no longer the English cell's text is *stale*. Code cells are
copied, except that the set-up cell gets the Korean set-up block of
``tools/notebook_cells.py`` (``lessonlib.set_language("ko")``), and the title cell the
Korean lecture header.

What lessonlib shows a person goes through ``lessonlib.i18n``: ``_("text")``,
``_("text", context="...")``, ``N_("text")`` in lessonlib, and ``tr("text", ...)`` in the
notebooks' code cells. ``extract`` finds those literals and rewrites the one catalog,
``lessonlib/locale/ko.po``, keeping every translation it already has.

- ``extract``: rewrite ko.po from the literals (new ones with an empty ``msgstr``, unused
  ones dropped; both printed); sorted, no line wrapping, the same output for the same code.
- ``template STEM``: (re)write ``notebooks/ko/STEM.po`` for the English notebook's cells,
  keeping the translations of unchanged cells; a changed cell's entry keeps its Korean,
  is marked fuzzy and remembers the English it was translated from (``#| msgid``), so a
  translator's tool shows what changed. Entries of cells that are gone become obsolete
  (``#~``) for reuse; ``--prune`` drops them.
- ``build``: write the Korean notebooks, outputs cleared, then execute them in a clean
  kernel (``tools/notebook_runner.py``, from ``notebooks/ko/``) unless ``--no-execute``;
  the book's Korean part (``book/_toc.yml``) lists the Korean notebooks present. A
  cell without a current translation stops the build, naming it; ``--allow-missing``
  keeps the English of those cells instead (to preview partial work).
- ``check``: list every problem (catalog incomplete, placeholders changed, stale or
  missing translations, Korean notebooks out of step with their sources) and exit 1.
  ``tests/test_i18n.py`` runs the same checks.

Only the standard library and polib are needed (nbclient for ``build`` without
``--no-execute``).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
import notebook_cells  # noqa: E402

LANGUAGE = "ko"
CATALOG = f"lessonlib/locale/{LANGUAGE}.po"
ENGLISH = "notebooks"
KOREAN = f"notebooks/{LANGUAGE}"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
#: lessonlib's one door for languages: it calls ``_`` with variables on purpose.
DOOR = "lessonlib/i18n.py"
#: The marking functions: in lessonlib ``_`` and ``N_`` (``tr`` too), in notebooks ``tr``.
LIBRARY_MARKERS = {"_", "N_", "tr"}
NOTEBOOK_MARKERS = {"tr"}
#: The share of a Korean notebook's prose words that must be Hangul.
MIN_HANGUL_SHARE = 0.75

CATALOG_HEADER = (
    " Korean catalog of every text lessonlib shows a person (figures, tables, verdicts,\n"
    " explorer controls, exercise checks). Update the entries with: python tools/i18n.py extract"
)
CATALOG_METADATA = {
    "Project-Id-Version": "lessonlib",
    "Language": LANGUAGE,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}
NOTEBOOK_METADATA = {**CATALOG_METADATA, "Project-Id-Version": "init-wisely notebooks"}


def _polib():
    import polib

    return polib


class Refused(Exception):
    """A problem the command reports in one sentence (no traceback) and exits 1 for."""


class Problem(str):
    """One problem found by ``check``: its text, and ``kind``, the check that found it
    (``"untranslated"``, ``"placeholders"``, ``"stale"``, ``"code"``, ...)."""

    kind = ""


def problem(kind, text):
    found = Problem(text)
    found.kind = kind
    return found


# --- lessonlib's catalog -------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One marked text: where it is, its context (or None) and the text."""

    msgid: str
    context: str | None
    file: str
    line: str


def _literal(node):
    """The text of a string literal node (implicit concatenation included), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _marker_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in {"i18n", "lessonlib"}:
        return func.attr
    return None


def _refusal(where, name, why):
    return (
        f"{where}: {name}() needs a string literal ({why}); write the whole text as one literal"
        f' with {{fields}} and .format() after the call: {name}("{{k}} of {{n}}").format(k=k, n=n)'
    )


def scan_source(text, file, markers, line_offset=0, line_label=None):
    """The marked texts of one piece of Python source, and its refusals.

    ``_`` and ``N_`` calls need a string literal (adjacent literals count as one);
    ``_(name)``, ``_(obj.attr)`` and ``_(table[key])`` are allowed for texts marked with
    ``N_`` where they are defined. An f-string, a ``%`` or ``+`` expression or a call
    inside the marker is refused, naming the file and line.
    """
    found, refused = [], []
    tree = ast.parse(text, filename=file)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _marker_name(node.func)
        if name not in markers:
            continue
        line = node.lineno + line_offset
        where = f"{file}:{line}" if line_label is None else f"{file} {line_label(node.lineno)}"
        if not node.args:
            refused.append(f"{where}: {name}() without a text")
            continue
        first = node.args[0]
        msgid = _literal(first)
        if msgid is None:
            if isinstance(first, ast.JoinedStr):
                refused.append(_refusal(where, name, "an f-string is formatted before it is looked up"))
            elif isinstance(first, (ast.Name, ast.Attribute, ast.Subscript)) and name == "_":
                continue  # a constant marked with N_() where it is defined
            else:
                refused.append(_refusal(where, name, f"got {ast.unparse(first)[:60]!r}"))
            continue
        context = None
        contexts = [kw.value for kw in node.keywords if kw.arg == "context"]
        if name == "_" and len(node.args) > 1:
            contexts.append(node.args[1])
        if contexts:
            context = _literal(contexts[0])
            if context is None:
                refused.append(f"{where}: {name}()'s context must be a string literal, got {ast.unparse(contexts[0])[:60]!r}")
                continue
        found.append(Found(msgid, context, file, str(line)))
    return found, refused


def _code_of_cell(source):
    """A code cell's source as Python: IPython's ``%magic`` and ``!shell`` lines blanked."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def scan(root=ROOT):
    """Every marked text of lessonlib (``_``, ``N_``) and of the English notebooks' code
    cells (``tr``): a list of ``Found`` and a list of refusals (file:line and why)."""
    root = Path(root)
    found, refused = [], []
    for path in sorted((root / "lessonlib").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative == DOOR:
            continue
        more, bad = scan_source(path.read_text(encoding="utf-8"), relative, LIBRARY_MARKERS)
        found += more
        refused += bad
    for path in english_notebooks(root):
        relative = path.relative_to(root).as_posix()
        for index, cell in enumerate(read_notebook(path)["cells"]):
            if cell["cell_type"] != "code":
                continue
            source = _code_of_cell(notebook_cells.source_text(cell))
            cell_id = cell.get("id", str(index))
            try:
                more, bad = scan_source(source, f"{relative}#{cell_id}", NOTEBOOK_MARKERS)
            except SyntaxError as error:
                refused.append(f"{relative} cell {index} ({cell_id}): not Python: {error.msg}")
                continue
            found += more
            refused += bad
    return found, refused


def _sort_key(entry):
    return (entry.msgid, entry.msgctxt or "")


def _occurrence_key(occurrence):
    file, line = occurrence
    return (file, int(line) if str(line).isdigit() else 0, str(line))


def load_catalog(root=ROOT):
    path = Path(root) / CATALOG
    polib = _polib()
    return polib.pofile(str(path), wrapwidth=0) if path.exists() else polib.POFile(wrapwidth=0)


def updated_catalog(root=ROOT):
    """(the catalog as ``extract`` writes it, added keys, dropped keys, refusals)."""
    polib = _polib()
    found, refused = scan(root)
    old = load_catalog(root)
    places = {}
    for item in found:
        places.setdefault((item.context, item.msgid), []).append((item.file, item.line))
    existing = {(entry.msgctxt, entry.msgid): entry for entry in old if not entry.obsolete}
    new = polib.POFile(wrapwidth=0)
    new.header = old.header or CATALOG_HEADER
    new.metadata = dict(old.metadata) or dict(CATALOG_METADATA)
    for key in sorted(places, key=lambda k: (k[1], k[0] or "")):
        context, msgid = key
        before = existing.get(key)
        entry = polib.POEntry(
            msgid=msgid,
            msgctxt=context,
            msgstr=before.msgstr if before else "",
            occurrences=sorted(set(places[key]), key=_occurrence_key),
            flags=sorted({*(before.flags if before else []), *(["python-brace-format"] if _has_fields(msgid) else [])}),
            tcomment=before.tcomment if before else "",
            previous_msgid=before.previous_msgid if before else None,
        )
        new.append(entry)
    added = [key for key in places if key not in existing]
    dropped = [(entry.msgctxt, entry.msgid) for entry in old if entry.obsolete or (entry.msgctxt, entry.msgid) not in places]
    return new, sorted(added, key=lambda k: (k[1], k[0] or "")), dropped, refused


def _describe(key):
    context, msgid = key
    return repr(msgid) + (f" (context {context!r})" if context else "")


def extract(root=ROOT, check=False, out=print):
    """Rewrite the catalog (or, with ``check``, only say what would change). Returns 0, or
    1 for refusals (and, with ``check``, for any change)."""
    new, added, dropped, refused = updated_catalog(root)
    for line in refused:
        out(f"refused: {line}")
    if refused:
        out(f"{len(refused)} marked text(s) are not literals; nothing written")
        return 1
    for key in added:
        out(f"added: {_describe(key)}")
    for key in dropped:
        out(f"dropped: {_describe(key)} (no longer used)")
    path = Path(root) / CATALOG
    text = str(new).rstrip("\n") + "\n"
    if check:
        return 1 if (added or dropped or not path.exists() or path.read_text(encoding="utf-8") != text) else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    out(f"{CATALOG}: {len(new)} entries, {sum(1 for e in new if not e.msgstr)} without Korean")
    return 0


# --- placeholders and script checks --------------------------------------------------------

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
MATH = re.compile(r"(?<!\\)\$[^$\n]+(?<!\\)\$")


def fields(text):
    """The ``{placeholders}`` of a format string, as written (``{loss:.3f}``), or raises
    ValueError for unbalanced braces."""
    found = set()
    for _literal_text, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        found.add("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return found


def _has_fields(text):
    try:
        return bool(fields(text))
    except ValueError:
        return False


def catalog_problems(root=ROOT):
    """Every problem of lessonlib's catalog: texts without Korean, unused or obsolete
    entries, placeholders that differ, Hangul beside ``$math$``, refused markers."""
    problems = []
    new, added, dropped, refused = updated_catalog(root)
    problems += [problem("refused", line) for line in refused]
    old = load_catalog(root)
    present = {(e.msgctxt, e.msgid) for e in old if not e.obsolete}
    for key in added:
        where = next((f"{f}:{line}" for f, line in next(e for e in new if (e.msgctxt, e.msgid) == key).occurrences), "")
        problems.append(problem("untranslated", f"{CATALOG}: a lessonlib text without Korean (not in the catalog; run python tools/i18n.py extract): {_describe(key)} at {where}"))
    for entry in old:
        key = (entry.msgctxt, entry.msgid)
        if entry.obsolete:
            problems.append(problem("obsolete", f"{CATALOG}: an obsolete entry (#~): {_describe(key)}"))
            continue
        if key in dropped:
            problems.append(problem("unused", f"{CATALOG}: an unused entry (no lessonlib text is {_describe(key)}; run python tools/i18n.py extract)"))
            continue
        if key not in present:
            continue
        if not entry.msgstr:
            current = next((e for e in new if (e.msgctxt, e.msgid) == key), entry)
            where = ", ".join(f"{f}:{line}" for f, line in current.occurrences)
            problems.append(problem("untranslated", f"{CATALOG}: a lessonlib text without Korean: {_describe(key)} ({where})"))
            continue
        if "fuzzy" in entry.flags:
            problems.append(problem("fuzzy", f"{CATALOG}: a fuzzy translation (check it, then remove the flag): {_describe(key)}"))
        try:
            want, have = fields(entry.msgid), fields(entry.msgstr)
        except ValueError as error:
            problems.append(problem("placeholders", f"{CATALOG}: {_describe(key)}: not a valid format text ({error})"))
            continue
        if want != have:
            problems.append(problem(
                "placeholders",
                f"{CATALOG}: the placeholders differ for {_describe(key)}: English {sorted(want)}, Korean {sorted(have)}",
            ))
        if MATH.search(entry.msgstr) and HANGUL.search(entry.msgstr):
            problems.append(problem(
                "math",
                f"{CATALOG}: Hangul beside $math$ in one text: {entry.msgstr!r} (matplotlib draws all of such a"
                " text with its math fonts, which have no Hangul: keep the math in a text of its own, or write"
                " it without $...$)",
            ))
    return problems


# --- notebooks ------------------------------------------------------------------------------


def read_notebook(path):
    return notebook_cells.read(Path(path))


def english_notebooks(root=ROOT):
    return sorted((Path(root) / ENGLISH).glob(NOTEBOOK_GLOB))


def korean_path(root, stem, suffix):
    return Path(root) / KOREAN / f"{stem}{suffix}"


def _relative(root, path):
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def markdown_cells(nb):
    """(index, cell) of each markdown cell, ``index`` counting all cells from 0."""
    return [(index, cell) for index, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"]


def cell_id(cell, index):
    if not cell.get("id"):
        raise Refused(f"cell {index} has no id (nbformat 4.5 cell ids key the translations)")
    return cell["id"]


def markdown_sources(nb):
    """(index, cell id, source text) of each markdown cell: what a translation entry keys
    (``msgctxt``) and translates (``msgid``)."""
    return [(index, cell_id(cell, index), notebook_cells.source_text(cell)) for index, cell in markdown_cells(nb)]


def cell_entries(po):
    """A notebook translation's live entries by cell id (``msgctxt``); the first one of an id wins."""
    entries = {}
    for entry in po:
        if not entry.obsolete and entry.msgctxt is not None:
            entries.setdefault(entry.msgctxt, entry)
    return entries


def load_translation(path):
    polib = _polib()
    return polib.pofile(str(path), wrapwidth=0)


def _first_difference(old, new, new_is="the English now reads", old_is="the translation is of"):
    """'line N: <new_is> ..., <old_is> ...' for the first line that differs."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a != b:
            return f"line {number}: {new_is} {b[:100]!r}, {old_is} {a[:100]!r}"
    number = min(len(old_lines), len(new_lines)) + 1
    if len(new_lines) > len(old_lines):
        return f"line {number}: {new_is} {new_lines[number - 1][:100]!r}, {old_is} nothing"
    if len(old_lines) > len(new_lines):
        return f"line {number}: {new_is} nothing, {old_is} {old_lines[number - 1][:100]!r}"
    return "they differ only in line endings or trailing whitespace"


@dataclass
class CellState:
    """How a markdown cell's translation stands: ``ok``, ``missing``, ``empty``, ``fuzzy`` or ``stale``."""

    index: int
    id: str
    state: str
    korean: str | None
    detail: str = ""


def translation_states(english_nb, po):
    """One ``CellState`` per markdown cell of the English notebook, and the entries of the
    translation that belong to no markdown cell (obsolete ones included)."""
    entries = cell_entries(po)
    states = []
    ids = set()
    for index, identifier, source in markdown_sources(english_nb):
        ids.add(identifier)
        entry = entries.get(identifier)
        if entry is None:
            states.append(CellState(index, identifier, "missing", None))
        elif not entry.msgstr.strip():
            states.append(CellState(index, identifier, "empty", None))
        elif entry.msgid != source:
            states.append(CellState(index, identifier, "stale", None, _first_difference(entry.msgid, source)))
        elif "fuzzy" in entry.flags:
            states.append(CellState(index, identifier, "fuzzy", None))
        elif index == 0 and not entry.msgstr.startswith("# "):
            states.append(CellState(index, identifier, "title", None))
        else:
            states.append(CellState(index, identifier, "ok", entry.msgstr))
    extra = [entry for entry in po if entry.obsolete or entry.msgctxt not in ids]
    return states, extra


STATE_TEXT = {
    "missing": "no translation (no entry with this msgctxt)",
    "empty": "no translation (empty msgstr)",
    "fuzzy": "a fuzzy translation (the English changed; update the Korean, then remove the fuzzy flag)",
    "stale": "stale: the English changed since it was translated",
    "title": "the Korean of the title cell must start with the title line '# ...'",
}


def _cell_where(stem, state, total):
    return f"{KOREAN}/{stem}.po: cell {state.id} ({state.index} of {total} in {ENGLISH}/{stem}.ipynb)"


def korean_notebook(english_nb, states, url):
    """The Korean notebook built from the English one and the translations in ``states``
    (a cell whose state is not ``ok`` keeps its English), with the Korean edition's header
    and set-up block (``notebook_cells.apply``). Outputs are cleared."""
    nb = json.loads(json.dumps(english_nb))
    by_id = {state.id: state for state in states}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            state = by_id.get(cell.get("id"))
            if state and state.state == "ok":
                cell["source"] = state.korean.splitlines(keepends=True)
        elif cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    notebook_cells.apply(nb, url, LANGUAGE)
    return nb


def _write_notebook(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook_cells.write(path, nb)


def stems_of(root, stems):
    known = {path.stem: path for path in english_notebooks(root)}
    if not stems:
        return list(known)
    unknown = [stem for stem in stems if Path(stem).stem not in known]
    if unknown:
        raise Refused(f"no English notebook {', '.join(f'{ENGLISH}/{s}.ipynb' for s in unknown)}; known: {', '.join(known)}")
    return [Path(stem).stem for stem in stems]


def build(root=ROOT, stems=(), execute=True, allow_missing=False, out=print):
    """Write (and execute) the Korean notebooks; returns the exit code."""
    root = Path(root)
    url = notebook_cells.repository_url(root)
    chosen = stems_of(root, stems)
    if not stems:
        chosen = [stem for stem in chosen if korean_path(root, stem, ".po").exists()] or chosen
    written, failed = [], False
    for stem in chosen:
        english_nb = read_notebook(root / ENGLISH / f"{stem}.ipynb")
        po_path = korean_path(root, stem, ".po")
        if po_path.exists():
            states, _extra = translation_states(english_nb, load_translation(po_path))
        elif allow_missing:
            states = [CellState(i, cell_id(c, i), "missing", None) for i, c in markdown_cells(english_nb)]
        else:
            raise Refused(f"{_relative(root, po_path)} does not exist: run  python tools/i18n.py template {stem}")
        total = len(english_nb["cells"])
        bad = [state for state in states if state.state != "ok"]
        for state in bad:
            detail = f"; {state.detail}" if state.detail else ""
            out(f"{'kept English: ' if allow_missing else ''}{_cell_where(stem, state, total)}: {STATE_TEXT[state.state]}{detail}")
        if bad and not allow_missing:
            out(f"{stem}: {len(bad)} of {len(states)} markdown cells have no current translation; not built"
                " (--allow-missing keeps their English)")
            failed = True
            continue
        path = korean_path(root, stem, ".ipynb")
        _write_notebook(path, korean_notebook(english_nb, states, url))
        written.append(path)
        out(f"wrote {_relative(root, path)} ({len(states) - len(bad)} of {len(states)} markdown cells in Korean)")
    write_book_toc(root, out)
    if execute and written:
        from notebook_runner import execute as run_notebook  # tools/ is on sys.path (above)

        for path in written:
            run = run_notebook(path, write=True)
            out(f"{_relative(root, path)}: executed in {run.seconds:.1f} s{' -- PROBLEMS' if run.problems else ''}")
            for line in run.problems:
                out(f"    {line}")
            failed = failed or bool(run.problems)
    return 1 if failed else 0


def template(root=ROOT, stem="", prune=False, out=print):
    """(Re)write ``notebooks/ko/STEM.po`` for the English notebook's markdown cells."""
    polib = _polib()
    root = Path(root)
    (stem,) = stems_of(root, [stem])
    english_nb = read_notebook(root / ENGLISH / f"{stem}.ipynb")
    path = korean_path(root, stem, ".po")
    old = load_translation(path) if path.exists() else polib.POFile(wrapwidth=0)
    by_id = cell_entries(old)
    new = polib.POFile(wrapwidth=0)
    new.header = old.header or f" Korean translation of {ENGLISH}/{stem}.ipynb: one entry per markdown cell (msgctxt = cell id)."
    new.metadata = dict(old.metadata) or dict(NOTEBOOK_METADATA)
    total = len(english_nb["cells"])
    counts = {"new": 0, "kept": 0, "changed": 0}
    ids = set()
    for index, identifier, source in markdown_sources(english_nb):
        ids.add(identifier)
        before = by_id.get(identifier)
        entry = polib.POEntry(msgctxt=identifier, msgid=source, msgstr="", comment=f"cell {index} of {total}")
        if before is not None:
            entry.msgstr = before.msgstr
            entry.tcomment = before.tcomment
            entry.flags = [flag for flag in before.flags]
            entry.previous_msgid = before.previous_msgid
            if before.msgid != source and before.msgstr:
                if "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = before.msgid
                counts["changed"] += 1
                out(f"fuzzy: cell {identifier} ({index} of {total}): {_first_difference(before.msgid, source)}")
            elif before.msgstr:
                counts["kept"] += 1
            else:
                counts["new"] += 1
        else:
            counts["new"] += 1
        new.append(entry)
    gone = [e for e in old if (e.obsolete or e.msgctxt not in ids) and e.msgstr]
    for entry in gone:
        if prune:
            out(f"dropped: the translation of cell {entry.msgctxt}, which no longer exists")
            continue
        entry.obsolete = True
        new.append(entry)
        out(f"obsolete: cell {entry.msgctxt} no longer exists; its translation is kept as #~ for reuse (--prune drops it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(new).rstrip("\n") + "\n", encoding="utf-8")
    out(f"wrote {_relative(root, path)}: {counts['kept']} translated, {counts['changed']} fuzzy (English changed),"
        f" {counts['new']} to translate")
    return 0


# --- checks of the notebooks ---------------------------------------------------------------


def notebook_problems(root=ROOT, stem=None, hangul=True):
    """Every problem of the Korean notebooks and their translations (one stem, or all).

    Once any Korean notebook or translation exists, every English notebook must have both.
    """
    root = Path(root)
    problems = []
    url = notebook_cells.repository_url(root)
    stems = [path.stem for path in english_notebooks(root)]
    korean_files = sorted((root / KOREAN).glob("[0-9][0-9]_*.*")) if (root / KOREAN).exists() else []
    for path in korean_files:
        if path.suffix in {".po", ".ipynb"} and path.stem not in stems:
            problems.append(problem("orphan", f"{_relative(root, path)}: no English notebook {ENGLISH}/{path.stem}.ipynb (renamed or removed?)"))
    if not korean_files:
        return problems
    for name in [stem] if stem else stems:
        english_nb = read_notebook(root / ENGLISH / f"{name}.ipynb")
        total = len(english_nb["cells"])
        po_path, nb_path = korean_path(root, name, ".po"), korean_path(root, name, ".ipynb")
        states = None
        if not po_path.exists():
            problems.append(problem("edition", f"{KOREAN}/{name}.po: missing: {ENGLISH}/{name}.ipynb has no Korean translation"
                                               f" (python tools/i18n.py template {name})"))
        else:
            states, extra = translation_states(english_nb, load_translation(po_path))
            for state in states:
                if state.state != "ok":
                    detail = f"; {state.detail}" if state.detail else ""
                    problems.append(problem(state.state, f"{_cell_where(name, state, total)}: {STATE_TEXT[state.state]}{detail}"))
            for entry in extra:
                kind = "an obsolete entry (#~)" if entry.obsolete else "a translation for a cell that no longer exists"
                problems.append(problem("gone", f"{KOREAN}/{name}.po: cell {entry.msgctxt}: {kind} (reuse its text, then delete it;"
                                                f" python tools/i18n.py template {name} --prune)"))
        if not nb_path.exists():
            problems.append(problem("edition", f"{KOREAN}/{name}.ipynb: missing: {ENGLISH}/{name}.ipynb has no Korean edition"
                                               f" (python tools/i18n.py build {name})"))
            continue
        korean_nb = read_notebook(nb_path)
        problems += sync_problems(name, english_nb, korean_nb, states, url)
        if hangul:
            share, counted = hangul_share(korean_nb)
            if counted and share < MIN_HANGUL_SHARE:
                problems.append(problem("hangul", f"{KOREAN}/{name}.ipynb: only {share:.0%} of its {counted} prose words are Hangul"
                                                  f" (at least {MIN_HANGUL_SHARE:.0%} wanted)"))
    return problems


def sync_problems(stem, english_nb, korean_nb, states, url):
    """The Korean notebook against what ``build`` makes of its sources: the same cells,
    code cells identical except the set-up cell (the Korean block), markdown = the .po."""
    where = f"{KOREAN}/{stem}.ipynb"
    shape = [(c["cell_type"], c.get("id")) for c in english_nb["cells"]]
    if [(c["cell_type"], c.get("id")) for c in korean_nb["cells"]] != shape:
        return [problem("cells", f"{where}: its cells (types and ids, in order) differ from {ENGLISH}/{stem}.ipynb's"
                                 f" (rebuild it: python tools/i18n.py build {stem})")]
    problems = []
    if states is None:
        states = [CellState(i, c.get("id"), "missing", None) for i, c in markdown_cells(english_nb)]
    expected = korean_notebook(english_nb, states, url)
    # a cell without a current translation is reported once, as such (not also as different)
    by_state = {state.id: state.state for state in states}
    first_code = next((i for i, c in enumerate(english_nb["cells"]) if c["cell_type"] == "code"), None)
    for index, (want, have) in enumerate(zip(expected["cells"], korean_nb["cells"])):
        wanted_text, text = notebook_cells.source_text(want), notebook_cells.source_text(have)
        if want["cell_type"] == "code":
            tags = (want.get("metadata", {}).get("tags", []), have.get("metadata", {}).get("tags", []))
            if wanted_text != text:
                what = "the set-up cell is not the Korean set-up block of tools/notebook_cells.py" if index == first_code \
                    else f"a code cell differs from {ENGLISH}/{stem}.ipynb's"
                problems.append(problem("setup" if index == first_code else "code",
                                        f"{where}: cell {have.get('id')} ({index}): {what};"
                                        f" {_first_difference(wanted_text, text, 'the notebook has', 'the build makes')}"
                                        f" (rebuild: python tools/i18n.py build {stem})"))
            elif tags[0] != tags[1]:
                problems.append(problem("code", f"{where}: cell {have.get('id')} ({index}): its tags {tags[1]} differ from the English {tags[0]}"))
        elif want["cell_type"] == "markdown" and wanted_text != text and by_state.get(want.get("id")) == "ok":
            problems.append(problem("markdown", f"{where}: cell {have.get('id')} ({index}): the markdown differs from {KOREAN}/{stem}.po;"
                            f" {_first_difference(wanted_text, text, 'the notebook has', 'the build makes')}"
                            f" (rebuild: python tools/i18n.py build {stem})"))
    return problems


# --- the book's Korean part ------------------------------------------------------------------

BOOK_TOC = "book/_toc.yml"
KOREAN_PART = "  - caption: 한국어판"


def book_toc(root=ROOT):
    """book/_toc.yml with its Korean part (the last) listing README.ko and the Korean
    notebooks present, in order; no Korean part while there are none."""
    root = Path(root)
    text = (root / BOOK_TOC).read_text(encoding="utf-8")
    head = text.split("\n" + KOREAN_PART + "\n", 1)[0].rstrip("\n") + "\n"
    pages = (["README.ko"] if (root / "README.ko.md").exists() else []) + [
        f"{KOREAN}/{path.stem}" for path in sorted((root / KOREAN).glob(NOTEBOOK_GLOB))
    ]
    if not sorted((root / KOREAN).glob(NOTEBOOK_GLOB)):
        return head
    return head + KOREAN_PART + "\n    chapters:\n" + "".join(f"      - file: {page}\n" for page in pages)


def book_problems(root=ROOT):
    root = Path(root)
    if not (root / BOOK_TOC).exists() or (root / BOOK_TOC).read_text(encoding="utf-8") == book_toc(root):
        return []
    return [problem("book", f"{BOOK_TOC}: its Korean part does not list the Korean notebooks present"
                            " (python tools/i18n.py build writes it)")]


def write_book_toc(root=ROOT, out=print):
    root = Path(root)
    if (root / BOOK_TOC).exists() and book_problems(root):
        (root / BOOK_TOC).write_text(book_toc(root), encoding="utf-8")
        out(f"wrote {BOOK_TOC}'s Korean part")


def check(root=ROOT, out=print):
    problems = catalog_problems(root) + notebook_problems(root) + book_problems(root)
    for line in problems:
        out(line)
    out(f"{len(problems)} problem(s)" if problems else "the catalog and the Korean edition are complete and in step")
    return 1 if problems else 0


# --- the share of Hangul in the prose ------------------------------------------------------

#: Names and terms that stay as they are in Korean prose (not counted either way).
PROPER_NAMES = {
    "xavier", "he", "kaiming", "lecun", "glorot", "bengio", "hinton", "osindero", "teh",
    "salakhutdinov", "saxe", "mishkin", "matas", "sung", "kim", "hunkim", "schoenholz",
    "poole", "pennington", "ioffe", "szegedy", "okabe", "ito", "gibbs", "boltzmann",
    "kullback", "leibler", "relu", "tanh", "sigmoid", "softmax", "softplus", "lsuv", "pytorch",
    "keras", "tensorflow", "flax", "jax", "numpy", "scipy", "matplotlib", "ipywidgets",
    "jupyter", "jupyterlab", "colab", "binder", "github", "nbviewer", "python", "lessonlib",
    "nanumgothic", "dejavu", "sans", "adam", "sgd", "mnist", "uci", "youtube", "pdf", "torch",
    "elu", "selu", "gelu", "nbval", "playwright", "chromium", "ruff", "pip", "git",
}
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$[^$\n]+?\$|\\\(.*?\\\)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]|^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")
_HTML = re.compile(r"<[^>\n]+>|&[a-zA-Z]+;|&#\d+;")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-z]")


def prose(markdown):
    """The prose of a markdown text: code, math, URLs, link targets and HTML tags removed."""
    for pattern in (_FENCE, _DISPLAY_MATH, _CODE_SPAN, _INLINE_MATH, _LINK_TARGET, _URL, _HTML):
        markdown = pattern.sub(" ", markdown)
    return markdown


def prose_words(markdown):
    """(Hangul words, other counted words) of a markdown text's prose.

    A word with any Hangul counts as Hangul ("He는" included). Not counted: proper names
    and the terms that stay as written (``PROPER_NAMES``), acronyms (RBM, KL), CamelCase
    names (PyTorch), single letters (variables) and words in other scripts (σ).
    """
    hangul, other = [], []
    for word in _WORD.findall(prose(markdown)):
        if HANGUL.search(word):
            hangul.append(word)
        elif not _LATIN.search(word) or len(word) == 1:
            continue
        elif word.lower() in PROPER_NAMES or word.isupper() or any(ch.isupper() for ch in word[1:]):
            continue
        else:
            other.append(word)
    return hangul, other


def hangul_share(nb):
    """(share of Hangul words, words counted) over a notebook's markdown cells."""
    hangul = other = 0
    for _index, cell in markdown_cells(nb):
        h, o = prose_words(notebook_cells.source_text(cell))
        hangul += len(h)
        other += len(o)
    counted = hangul + other
    return (hangul / counted if counted else 0.0), counted


# --- command line --------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser("extract", help="rewrite lessonlib/locale/ko.po from the marked texts")
    extract_parser.add_argument("--check", action="store_true", help="only say what would change (exit 1 if anything)")
    template_parser = commands.add_parser("template", help="(re)write notebooks/ko/STEM.po for a notebook's cells")
    template_parser.add_argument("stem", help="the notebook's name without .ipynb, e.g. 01_zero_init_fails")
    template_parser.add_argument("--prune", action="store_true", help="drop translations of cells that are gone")
    build_parser = commands.add_parser("build", help="write (and execute) notebooks/ko/*.ipynb")
    build_parser.add_argument("stems", nargs="*", help="notebook names (default: every notebook with a .po)")
    build_parser.add_argument("--no-execute", action="store_true", help="write without executing (no outputs)")
    build_parser.add_argument("--allow-missing", action="store_true",
                              help="keep the English of cells without a current translation (a preview)")
    commands.add_parser("check", help="list every problem of the catalog and the Korean edition")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "extract":
            return extract(root, check=args.check)
        if args.command == "template":
            return template(root, args.stem, prune=args.prune)
        if args.command == "build":
            return build(root, args.stems, execute=not args.no_execute, allow_missing=args.allow_missing)
        return check(root)
    except (Refused, ValueError, OSError) as error:
        print(f"i18n {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
