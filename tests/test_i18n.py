"""The language door: lessonlib.set_language and the lookup of texts in a catalog."""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import i18n


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    lessonlib.set_language("en")


def test_english_is_the_default_and_the_text_itself():
    assert i18n.language() == "en"
    assert i18n._("no such text anywhere") == "no such text anywhere"


def test_set_language_switches_and_refuses_unknown_languages():
    lessonlib.set_language("ko")
    assert i18n.language() == "ko"
    with pytest.raises(ValueError, match="language must be one of 'en', 'ko'"):
        lessonlib.set_language("de")
    assert i18n.language() == "ko"


def test_lookup_uses_the_catalog_with_its_context(monkeypatch):
    monkeypatch.setitem(i18n._catalogs, "ko", {(None, "seed"): "시드", ("plot", "seed"): "시드 번호"})
    lessonlib.set_language("ko")
    assert i18n._("seed") == "시드"
    assert i18n._("seed", context="plot") == "시드 번호"
    assert i18n._("untranslated") == "untranslated"
    lessonlib.set_language("en")
    assert i18n._("seed") == "seed"


def test_the_catalog_ships_inside_the_package():
    assert i18n._catalog_path("ko").is_file()


def test_tr_formats_the_translated_text(monkeypatch):
    monkeypatch.setitem(i18n._catalogs, "ko", {(None, "{n} seeds"): "시드 {n}개"})
    assert lessonlib.tr("{n} seeds", n=5) == "5 seeds"
    lessonlib.set_language("ko")
    assert lessonlib.tr("{n} seeds", n=5) == "시드 5개"
    with pytest.raises(ValueError, match="field 'n'"):
        lessonlib.tr("{n} seeds")


# =============================================================================================
# The Korean edition's machinery: tools/i18n.py (extract, template, build, check) on fixtures
# in a temporary folder, then the same checks on the repository itself. The repository
# checks are data-driven: they pass while nothing is translated yet, and fail as soon as a
# translation, a Korean notebook or a marked text is out of step, naming the cell or text.
# =============================================================================================

import importlib.util  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import string  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import polib  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(_spec)
sys.modules["i18n_tool"] = tool  # (its dataclasses look their module up)
_spec.loader.exec_module(tool)
notebook_cells = tool.notebook_cells
URL = "https://github.com/someone/some-fork"


def make_root(tmp_path, catalog=None, files=None):
    """A folder shaped like the repository: lessonlib/ (its URL line, a catalog, modules)."""
    root = tmp_path / "repo"
    (root / "lessonlib" / "locale").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "lessonlib" / "__init__.py").write_text(f'REPOSITORY_URL = "{URL}"\n', encoding="utf-8")
    if catalog is not None:
        (root / tool.CATALOG).write_text(catalog, encoding="utf-8")
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def catalog_text(*entries):
    """A ko.po with ``entries`` (polib.POEntry keyword dicts)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = dict(tool.CATALOG_METADATA)
    for entry in entries:
        po.append(polib.POEntry(**entry))
    return str(po)


def kinds(problems):
    return sorted({p.kind for p in problems})


def lines(out):
    found = []
    return found, found.append


# --- extract ----------------------------------------------------------------------------

MODULE = '''
from lessonlib.i18n import N_, _, tr

LABELS = {"zeros": N_("all zeros"), "he": N_("He normal")}


def shown(k, n, loss, key):
    a = _("{k} of {n} seeds").format(k=k, n=n)
    b = _("loss {loss:.3f}"
          " after training").format(loss=loss)
    c = _("seed", context="axis label")
    d = _(LABELS[key])  # a constant marked with N_ where it is defined
    return a, b, c, d, tr("diverged")
'''


def test_extract_finds_literals_contexts_concatenation_and_markers(tmp_path):
    old = catalog_text(
        {"msgid": "seed", "msgctxt": "axis label", "msgstr": "시드", "occurrences": [("old.py", "1")]},
        {"msgid": "no longer shown", "msgstr": "더 이상 없음"},
    )
    root = make_root(tmp_path, old, {"lessonlib/lessons/demo.py": MODULE})
    out, say = lines(None)
    assert tool.extract(root, out=say) == 0
    po = polib.pofile(str(root / tool.CATALOG))
    entries = {(e.msgctxt, e.msgid): e for e in po}
    assert set(entries) == {
        (None, "all zeros"), (None, "He normal"), (None, "{k} of {n} seeds"),
        (None, "loss {loss:.3f} after training"), ("axis label", "seed"), (None, "diverged"),
    }  # fmt: skip
    assert entries[("axis label", "seed")].msgstr == "시드"  # kept
    assert entries[(None, "{k} of {n} seeds")].msgstr == ""  # new, empty
    assert entries[(None, "{k} of {n} seeds")].occurrences == [("lessonlib/lessons/demo.py", "8")]
    assert "python-brace-format" in entries[(None, "{k} of {n} seeds")].flags
    assert [e.msgid for e in po] == sorted(e.msgid for e in po)
    assert "dropped: 'no longer shown' (no longer used)" in out
    assert "added: '{k} of {n} seeds'" in out
    # the same code gives the same bytes, and --check then finds nothing to do
    before = (root / tool.CATALOG).read_bytes()
    assert tool.extract(root, out=lambda line: None) == 0
    assert (root / tool.CATALOG).read_bytes() == before
    assert tool.extract(root, check=True, out=lambda line: None) == 0
    assert "msgid \"loss {loss:.3f} after training\"" in before.decode()  # one line, no wrapping


def test_extract_reads_tr_in_the_english_notebooks_code_cells(tmp_path):
    root = make_root(tmp_path, catalog_text(), {})
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook(extra_code='print(lessonlib.tr("{n} runs", n=3))'))
    found, refused = tool.scan(root)
    assert refused == []
    assert [(f.msgid, f.file) for f in found] == [("{n} runs", "notebooks/01_demo.ipynb#code0001")]


@pytest.mark.parametrize(
    "code, why",
    [
        ('_(f"{k} of {n} seeds")', "an f-string"),
        ('_("loss " + str(x))', "got"),
        ('_("{} seeds".format(k))', "got"),
        ('_("%d seeds" % k)', "got"),
        ('N_(name)', "got 'name'"),
        ('_("seed", context=where)', "context must be a string literal"),
        ("_()", "without a text"),
    ],
)
def test_extract_refuses_what_is_not_a_literal_naming_file_and_line(tmp_path, code, why):
    root = make_root(tmp_path, catalog_text(), {"lessonlib/bad.py": f"from lessonlib.i18n import N_, _\n\n\ndef f(k, n, x, name, where):\n    return {code}\n"})
    before = (root / tool.CATALOG).read_text(encoding="utf-8")
    out, say = lines(None)
    assert tool.extract(root, out=say) == 1
    assert any(line.startswith("refused: lessonlib/bad.py:5: ") and why in line for line in out), out
    assert (root / tool.CATALOG).read_text(encoding="utf-8") == before  # nothing written
    assert "refused" in kinds(tool.catalog_problems(root))


def test_the_language_door_itself_is_not_scanned(tmp_path):
    door = (ROOT / tool.DOOR).read_text(encoding="utf-8")
    root = make_root(tmp_path, catalog_text(), {tool.DOOR: door})
    assert tool.scan(root) == ([], [])


# --- the catalog's problems ----------------------------------------------------------------


def test_catalog_problems_name_the_text_and_what_is_wrong(tmp_path):
    catalog = catalog_text(
        {"msgid": "{k} of {n} seeds", "msgstr": "시드 {n}개 중 {k}개에서"},   # fine: order may change
        {"msgid": "loss {loss:.3f} after training", "msgstr": "학습 후 손실 {loss:.2f}"},  # spec changed
        {"msgid": "all zeros", "msgstr": ""},                              # no Korean
        {"msgid": "He normal", "msgstr": "He 정규분포", "flags": ["fuzzy"]},
        {"msgid": "seed", "msgctxt": "axis label", "msgstr": "시드 $s$"},   # Hangul beside math
        {"msgid": "diverged", "msgstr": "발산함"},
        {"msgid": "not used anywhere", "msgstr": "없음"},
    )
    root = make_root(tmp_path, catalog, {"lessonlib/lessons/demo.py": MODULE + '\n\ndef more():\n    return _("a new text")\n'})
    problems = tool.catalog_problems(root)
    text = "\n".join(problems)
    assert kinds(problems) == ["fuzzy", "math", "placeholders", "untranslated", "unused"], text
    assert "'a new text'" in text and "lessonlib/lessons/demo.py:17" in text  # not in the catalog yet
    assert "without Korean: 'all zeros' (lessonlib/lessons/demo.py:4)" in text
    assert "placeholders differ for 'loss {loss:.3f} after training': English ['{loss:.3f}'], Korean ['{loss:.2f}']" in text
    assert "unused entry (no lessonlib text is 'not used anywhere'" in text
    assert "Hangul beside $math$" in text and "'시드 $s$'" in text
    assert "{k} of {n} seeds" not in text
    assert tool.check(root, out=lambda line: None) == 1


def test_placeholders_are_compared_with_their_format_specs():
    assert tool.fields("{k} of {n}: {loss:.3f} {name!r}") == {"{k}", "{n}", "{loss:.3f}", "{name!r}"}
    assert tool.fields("no fields, {{braces}} doubled") == set()
    with pytest.raises(ValueError):
        tool.fields("{unbalanced")


# --- notebooks: template, build, check --------------------------------------------------------


def write_notebook(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def demo_notebook(extra_code="print(1 + 1)", title="# 01 · Demo"):
    def cell(kind, identifier, source, **more):
        base = {"cell_type": kind, "id": identifier, "metadata": more.pop("metadata", {}), "source": source}
        if kind == "code":
            base.update(execution_count=None, outputs=[])
        return base

    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": dict(tool_runner_kernelspec()), "language_info": {"name": "python"}},
        "cells": [
            cell("markdown", "title000", f"{title}\n\n{notebook_cells.header_line()}\n\nWhat the weights do at the start."),
            cell("code", "setup000", notebook_cells.setup_code(URL) + "%matplotlib inline\nimport lessonlib\n"),
            cell("markdown", "prose001", "## 1. Weights\n\nAll the weights start at zero, and the hidden units\nstay the same forever."),
            cell("code", "code0001", extra_code, metadata={"tags": ["nbval-ignore-output"]}),
            cell("markdown", "prose002", "**Predict:** what happens with `W = 0` and $x \\neq 0$?"),
        ],
    }  # fmt: skip


def tool_runner_kernelspec():
    return {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


KOREAN = {
    "title000": "# 01 · 데모\n\n{header}\n\n가중치가 처음에 하는 일입니다.",
    "prose001": "## 1. 가중치\n\n모든 가중치가 0에서 시작하면 은닉 유닛은\n영원히 같은 값으로 남습니다.",
    "prose002": "**예측:** `W = 0`이고 $x \\neq 0$이면 어떻게 될까요?",
}


def translate(po_path, texts=KOREAN, header=None):
    po = polib.pofile(str(po_path), wrapwidth=0)
    for entry in po:
        if entry.msgctxt in texts:
            entry.msgstr = texts[entry.msgctxt].format(header=header or notebook_cells.header_line("en"))
    po.save(str(po_path))


@pytest.fixture
def demo(tmp_path):
    """A repository with one English notebook, its translation and its Korean build."""
    root = make_root(tmp_path, catalog_text())
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook())
    assert tool.template(root, "01_demo", out=lambda line: None) == 0
    translate(root / "notebooks" / "ko" / "01_demo.po")
    assert tool.build(root, ["01_demo"], execute=False, out=lambda line: None) == 0
    return root


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_template_has_one_entry_per_markdown_cell_keyed_by_its_id(tmp_path):
    root = make_root(tmp_path, catalog_text())
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook())
    out, say = lines(None)
    assert tool.template(root, "01_demo", out=say) == 0
    po = polib.pofile(str(root / "notebooks" / "ko" / "01_demo.po"))
    nb = read(root / "notebooks" / "01_demo.ipynb")
    assert [(e.msgctxt, e.msgid, e.msgstr, e.comment) for e in po] == [
        (c["id"], c["source"], "", f"cell {i} of 5") for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
    ]
    assert out[-1] == "wrote notebooks/ko/01_demo.po: 0 translated, 0 fuzzy (English changed), 3 to translate"
    assert "\n#. cell 2 of 5\nmsgctxt \"prose001\"\nmsgid \"\"\n\"## 1. Weights\\n\"\n" in (root / "notebooks/ko/01_demo.po").read_text()


def test_build_makes_the_korean_notebook_and_check_finds_it_in_step(demo):
    english = read(demo / "notebooks" / "01_demo.ipynb")
    korean = read(demo / "notebooks" / "ko" / "01_demo.ipynb")
    assert [c["id"] for c in korean["cells"]] == [c["id"] for c in english["cells"]]
    title = "".join(korean["cells"][0]["source"])
    assert title.splitlines()[:3] == ["# 01 · 데모", "", notebook_cells.header_line("ko")]  # the Korean header
    assert "".join(korean["cells"][2]["source"]) == KOREAN["prose001"]
    setup = "".join(korean["cells"][1]["source"])
    assert setup == notebook_cells.setup_code(URL, "ko") + "%matplotlib inline\nimport lessonlib\n"
    assert 'lessonlib.set_language("ko")' in setup
    assert korean["cells"][3]["source"] == english["cells"][3]["source"]
    assert korean["cells"][3]["metadata"] == {"tags": ["nbval-ignore-output"]}
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in korean["cells"] if c["cell_type"] == "code")
    assert tool.notebook_problems(demo) == []
    # building again changes nothing
    before = (demo / "notebooks" / "ko" / "01_demo.ipynb").read_bytes()
    tool.build(demo, ["01_demo"], execute=False, out=lambda line: None)
    assert (demo / "notebooks" / "ko" / "01_demo.ipynb").read_bytes() == before


def test_an_edited_english_cell_is_named_stale_and_becomes_fuzzy(demo):
    path = demo / "notebooks" / "01_demo.ipynb"
    nb = read(path)
    nb["cells"][2]["source"] = nb["cells"][2]["source"].replace("stay the same forever.", "stay exact copies forever.")
    write_notebook(path, nb)
    problems = tool.notebook_problems(demo)
    assert kinds(problems) == ["stale"], problems
    (stale,) = problems
    assert stale.startswith("notebooks/ko/01_demo.po: cell prose001 (2 of 5 in notebooks/01_demo.ipynb): stale")
    assert "line 4: the English now reads 'stay exact copies forever.', the translation is of 'stay the same forever.'" in stale
    # build refuses, naming the cell; --allow-missing keeps the English of that cell
    out, say = lines(None)
    assert tool.build(demo, ["01_demo"], execute=False, out=say) == 1
    assert any("cell prose001" in line and "stale" in line for line in out)
    assert tool.build(demo, ["01_demo"], execute=False, allow_missing=True, out=lambda line: None) == 0
    korean = read(demo / "notebooks" / "ko" / "01_demo.ipynb")
    assert "stay exact copies forever." in "".join(korean["cells"][2]["source"])
    # template: the Korean is kept, marked fuzzy, with the English it was translated from
    out, say = lines(None)
    tool.template(demo, "01_demo", out=say)
    assert "1 fuzzy (English changed)" in out[-1]
    entry = next(e for e in polib.pofile(str(demo / "notebooks/ko/01_demo.po")) if e.msgctxt == "prose001")
    assert entry.msgid == nb["cells"][2]["source"] and entry.msgstr == KOREAN["prose001"]
    assert "fuzzy" in entry.flags and entry.previous_msgid.endswith("stay the same forever.")
    assert kinds(tool.notebook_problems(demo, hangul=False)) == ["fuzzy"]  # (its English cell lowers the share)
    # the translator updates the Korean and removes the flag: in step again
    po = polib.pofile(str(demo / "notebooks/ko/01_demo.po"), wrapwidth=0)
    for e in po:
        if e.msgctxt == "prose001":
            e.flags.remove("fuzzy")
            e.previous_msgid = None
    po.save(str(demo / "notebooks/ko/01_demo.po"))
    tool.build(demo, ["01_demo"], execute=False, out=lambda line: None)
    assert tool.notebook_problems(demo) == []


def test_a_real_notebook_edited_in_a_copy_is_named_stale(tmp_path):
    """The same on a copy of the series' notebook 01: template, translate, build, edit."""
    stem = "01_zero_init_fails"
    root = make_root(tmp_path, catalog_text())
    (root / "notebooks" / f"{stem}.ipynb").write_bytes((ROOT / "notebooks" / f"{stem}.ipynb").read_bytes())
    tool.template(root, stem, out=lambda line: None)
    po_path = root / "notebooks" / "ko" / f"{stem}.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    for entry in po:  # a stand-in translation: every English word made Hangul
        entry.msgstr = re.sub(r"(?<![`$\\/\w])[A-Za-z]{2,}(?![\w/])", "가중치", entry.msgid)
    po.save(str(po_path))
    assert tool.build(root, [stem], execute=False, out=lambda line: None) == 0
    assert tool.notebook_problems(root) == []
    nb = read(root / "notebooks" / f"{stem}.ipynb")
    index, cell = next((i, c) for i, c in enumerate(nb["cells"]) if i > 0 and c["cell_type"] == "markdown")
    first_line = cell["source"][0]
    cell["source"][0] = first_line.rstrip("\n") + " (edited)\n"
    write_notebook(root / "notebooks" / f"{stem}.ipynb", nb)
    (stale,) = tool.notebook_problems(root)
    assert stale.kind == "stale"
    assert f"notebooks/ko/{stem}.po: cell {cell['id']} ({index} of {len(nb['cells'])} in notebooks/{stem}.ipynb): stale" in stale
    assert f"line 1: the English now reads {first_line.rstrip() + ' (edited)'!r}" in stale


def test_check_names_every_way_a_korean_notebook_drifts(demo):
    path = demo / "notebooks" / "ko" / "01_demo.ipynb"
    nb = read(path)
    nb["cells"][3]["source"] = "print(2 + 2)"                       # a code cell edited
    nb["cells"][1]["source"] = nb["cells"][1]["source"][:-3]        # the set-up cell
    nb["cells"][4]["source"] = ["**예측:** 바뀐 문장"]                # markdown not from the .po
    write_notebook(path, nb)
    problems = tool.notebook_problems(demo)
    assert kinds(problems) == ["code", "markdown", "setup"], problems
    text = "\n".join(problems)
    assert "cell code0001 (3): a code cell differs from notebooks/01_demo.ipynb's; line 1: the notebook has 'print(2 + 2)', the build makes 'print(1 + 1)'" in text
    assert "cell setup000 (1): the set-up cell is not the Korean set-up block" in text
    assert "cell prose002 (4): the markdown differs from notebooks/ko/01_demo.po" in text
    # tags count as part of a code cell
    nb = read(path)
    tool.build(demo, ["01_demo"], execute=False, out=lambda line: None)
    nb = read(path)
    nb["cells"][3]["metadata"] = {}
    write_notebook(path, nb)
    assert "its tags [] differ from the English ['nbval-ignore-output']" in "\n".join(tool.notebook_problems(demo))


def test_check_names_cells_that_are_gone_or_new(demo):
    path = demo / "notebooks" / "01_demo.ipynb"
    nb = read(path)
    del nb["cells"][4]
    nb["cells"].append({"cell_type": "markdown", "id": "prose003", "metadata": {}, "source": "A new closing cell."})
    write_notebook(path, nb)
    problems = tool.notebook_problems(demo)
    text = "\n".join(problems)
    assert kinds(problems) == ["cells", "gone", "missing"], text
    assert "cell prose003 (4 of 5 in notebooks/01_demo.ipynb): no translation" in text
    assert "cell prose002: a translation for a cell that no longer exists" in text
    # template keeps the gone cell's Korean as obsolete (#~) for reuse; --prune drops it
    tool.template(demo, "01_demo", out=lambda line: None)
    po_text = (demo / "notebooks/ko/01_demo.po").read_text()
    assert '#~ msgctxt "prose002"' in po_text
    assert "an obsolete entry (#~)" in "\n".join(tool.notebook_problems(demo))
    out, say = lines(None)
    tool.template(demo, "01_demo", prune=True, out=say)
    assert "dropped: the translation of cell prose002, which no longer exists" in out
    assert "#~" not in (demo / "notebooks/ko/01_demo.po").read_text()


def test_once_one_korean_notebook_exists_every_english_one_needs_its_edition(demo):
    write_notebook(demo / "notebooks" / "02_other.ipynb", demo_notebook(title="# 02 · Other"))
    problems = tool.notebook_problems(demo)
    assert kinds(problems) == ["edition"]
    assert sorted(problems) == [
        "notebooks/ko/02_other.ipynb: missing: notebooks/02_other.ipynb has no Korean edition (python tools/i18n.py build 02_other)",
        "notebooks/ko/02_other.po: missing: notebooks/02_other.ipynb has no Korean translation (python tools/i18n.py template 02_other)",
    ]
    # and a Korean file whose English notebook is gone is named too
    (demo / "notebooks" / "01_demo.ipynb").rename(demo / "notebooks" / "03_renamed.ipynb")
    assert "orphan" in kinds(tool.notebook_problems(demo))


def test_build_refuses_a_missing_translation_file_and_a_title_without_title(tmp_path):
    root = make_root(tmp_path, catalog_text())
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook())
    with pytest.raises(tool.Refused, match="notebooks/ko/01_demo.po does not exist: run  python tools/i18n.py template 01_demo"):
        tool.build(root, ["01_demo"], execute=False, out=lambda line: None)
    with pytest.raises(tool.Refused, match="no English notebook notebooks/99_nothing.ipynb"):
        tool.build(root, ["99_nothing"], execute=False, out=lambda line: None)
    tool.template(root, "01_demo", out=lambda line: None)
    translate(root / "notebooks/ko/01_demo.po", {**KOREAN, "title000": "데모 (제목 줄 없음)"})
    out, say = lines(None)
    assert tool.build(root, ["01_demo"], execute=False, out=say) == 1
    assert any("cell title000" in line and "must start with the title line" in line for line in out)


def test_the_command_line_reports_in_one_sentence(tmp_path):
    import subprocess
    import sys

    root = make_root(tmp_path, catalog_text())
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook())
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "--root", str(root), "build", "01_demo", "--no-execute"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == "i18n build: notebooks/ko/01_demo.po does not exist: run  python tools/i18n.py template 01_demo"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "--root", str(root), "check"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "the catalog and the Korean edition are complete and in step"


def test_build_executes_the_korean_notebook_in_notebooks_ko(tmp_path):
    """Executed like the English ones (tools/notebook_runner.py), from notebooks/ko/, in a
    kernel whose lessonlib speaks Korean and whose figures draw Hangul without a warning."""
    pytest.importorskip("nbclient", reason="the notebook runner needs nbclient (requirements.txt has it)")
    code = (
        "import os\nimport matplotlib.pyplot as plt\nfrom lessonlib import i18n, plots\n"
        "print(i18n.language(), os.path.basename(os.getcwd()))\n"
        "fig, ax = plt.subplots(figsize=(2, 1.5))\nax.set_title(chr(44032) + chr(51473) + chr(52824), fontweight='bold')\n"
        "ax.plot([0, 1], label=chr(49552) + chr(49892))\nax.legend()\nplt.show()"
    )
    root = make_root(tmp_path, catalog_text())
    write_notebook(root / "notebooks" / "01_demo.ipynb", demo_notebook(extra_code=code))
    tool.template(root, "01_demo", out=lambda line: None)
    translate(root / "notebooks/ko/01_demo.po")
    out, say = lines(None)
    assert tool.build(root, ["01_demo"], out=say) == 0, out
    assert "notebooks/ko/01_demo.ipynb: executed in" in out[-1]
    nb = read(root / "notebooks" / "ko" / "01_demo.ipynb")
    outputs = nb["cells"][3]["outputs"]
    assert [o["output_type"] for o in outputs] == ["stream", "display_data"], outputs
    assert outputs[0]["name"] == "stdout" and "".join(outputs[0]["text"]) == "ko ko\n"
    assert "image/png" in outputs[1]["data"]
    assert [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"] == [1, 2]
    assert tool.notebook_problems(root) == []


# --- the share of Hangul in a Korean notebook's prose ----------------------------------------


def test_prose_words_leave_out_code_math_urls_link_targets_and_names():
    text = (
        "## 3. Xavier(자비에) 초기화\n\n`np.random.normal(0, 1)`로 만든 $W$는 분산이 $1/n$입니다.\n"
        "$$\\mathrm{Var}(W) = \\frac{2}{n_{in}}$$\n"
        "[강의 영상](https://youtu.be/abc) · <https://hunkim.github.io/ml/> · He는 ReLU에 맞춥니다.\n"
        "```python\nprint('hello world')\n```\n<details><summary>풀이</summary>PyTorch의 기본값</details>\n"
        "LSUV와 RBM, σ, x, and one English sentence.\n"
    )
    hangul, other = tool.prose_words(text)
    assert other == ["and", "one", "English", "sentence"]
    assert hangul == ["자비에", "초기화", "로", "만든", "는", "분산이", "입니다", "강의", "영상", "He는", "ReLU에", "맞춥니다",
                      "풀이", "PyTorch의", "기본값", "LSUV와"]


def test_the_english_notebooks_are_far_below_the_hangul_share():
    """The measure can fail: the English notebooks (with their Korean summaries) score low."""
    for path in tool.english_notebooks(ROOT):
        share, counted = tool.hangul_share(tool.read_notebook(path))
        assert counted > 500 and share < 0.25, (path.name, share)


def test_every_korean_notebook_is_at_least_three_quarters_hangul():
    low = []
    for path in sorted((ROOT / tool.KOREAN).glob(tool.NOTEBOOK_GLOB)):
        share, counted = tool.hangul_share(tool.read_notebook(path))
        if share < tool.MIN_HANGUL_SHARE:
            low.append(f"{path.relative_to(ROOT)}: {share:.1%} of {counted} prose words in Hangul")
    assert not low, "\n".join(low)


# --- the repository itself: no drift -----------------------------------------------------------


@pytest.fixture(scope="module")
def repository_catalog_problems():
    return tool.catalog_problems(ROOT)


@pytest.fixture(scope="module")
def repository_notebook_problems():
    return tool.notebook_problems(ROOT, hangul=False)


def _only(problems, *wanted):
    return [p for p in problems if p.kind in wanted]


def test_every_text_lessonlib_shows_has_korean(repository_catalog_problems):
    found = _only(repository_catalog_problems, "untranslated", "fuzzy", "refused")
    assert not found, "\n".join(found)


def test_translations_keep_the_placeholders(repository_catalog_problems):
    found = _only(repository_catalog_problems, "placeholders")
    assert not found, "\n".join(found)


def test_the_catalog_has_no_unused_or_obsolete_entries(repository_catalog_problems):
    found = _only(repository_catalog_problems, "unused", "obsolete")
    assert not found, "\n".join(found)


def test_no_figure_text_puts_hangul_beside_math(repository_catalog_problems):
    found = _only(repository_catalog_problems, "math")
    assert not found, "\n".join(found)


def test_every_english_notebook_has_its_korean_edition_once_one_exists(repository_notebook_problems):
    found = _only(repository_notebook_problems, "edition", "orphan")
    assert not found, "\n".join(found)


def test_every_markdown_cell_has_a_current_translation(repository_notebook_problems):
    found = _only(repository_notebook_problems, "missing", "empty", "fuzzy", "stale", "title", "gone")
    assert not found, "\n".join(found)


def test_korean_notebooks_match_their_sources(repository_notebook_problems):
    """Code cells identical to the English (the set-up cell: the Korean block), markdown
    = the translation file's Korean."""
    found = _only(repository_notebook_problems, "cells", "code", "setup", "markdown")
    assert not found, "\n".join(found)


def test_the_book_has_the_korean_notebooks_present():
    found = tool.book_problems(ROOT)
    assert not found, "\n".join(found)


def test_the_repository_checks_above_cover_every_kind_check_reports(repository_catalog_problems):
    covered = {"untranslated", "fuzzy", "refused", "placeholders", "unused", "obsolete", "math", "edition",
               "orphan", "missing", "empty", "stale", "title", "gone", "cells", "code", "setup", "markdown", "book"}
    source = (ROOT / "tools" / "i18n.py").read_text(encoding="utf-8")
    made = set(re.findall(r'problem\("(\w+)"', source)) | set(tool.STATE_TEXT) | {"setup", "code"}
    assert made - covered == {"hangul"}  # tested by test_every_korean_notebook_is_at_least_three_quarters_hangul


# --- Korean mode: what lessonlib answers --------------------------------------------------------


def _translated_in(module_file):
    """Whether the real catalog has Korean for any text of ``module_file``."""
    po = tool.load_catalog(ROOT)
    return any(e.msgstr and any(f == module_file for f, _ in e.occurrences) for e in po)


def test_exercise_checks_answer_in_korean_once_their_texts_are_translated():
    """In Korean mode every line a check returns has Hangul, as soon as the catalog holds
    Korean for lessonlib/checks.py (before that, the English is shown and this only runs them)."""
    from test_bad_inputs import CHECKS, LEARNER_ANSWERS

    from lessonlib import checks, solutions

    lessonlib.set_language("ko")
    texts = {}
    for name in CHECKS:
        for answer, value in LEARNER_ANSWERS.items():
            texts[f"{name}({answer})"] = str(getattr(checks, name)(value))
        solution = getattr(solutions, name.removeprefix("check_"), None)
        if solution is not None and not name.endswith("_std"):
            texts[f"{name}(the solution)"] = str(getattr(checks, name)(solution))
    texts["check_environment()"] = str(checks.check_environment())
    assert all(texts.values())
    if not _translated_in("lessonlib/checks.py"):
        return
    english = [f"{where}: {line!r}" for where, text in texts.items() for line in text.splitlines()
               if line.strip() and not tool.HANGUL.search(line)]  # fmt: skip
    assert not english, "lines of the exercise checks still in English in Korean mode:\n" + "\n".join(english[:40])


def _sample(text):
    """``text`` with its {fields} filled by sample values of their format (for the sanitize test)."""
    values = {}
    for _literal, name, spec, _conversion in string.Formatter().parse(text):
        if name is None:
            continue
        kind = (spec or "")[-1:] if spec else ""
        values[name] = 0.123 if kind in "efg%" and kind else (3 if kind in "dxob" and kind else "3")
    try:
        return text.format(**{k.split(".")[0].split("[")[0]: v for k, v in values.items()})
    except (KeyError, IndexError, ValueError, AttributeError):
        return None


def test_nbval_sanitizing_covers_the_korean_texts_too():
    """tests/nbval_sanitize.cfg hides numbers that round-off decides. For every translated
    catalog text that one of its patterns matches in English, the pattern matches the
    Korean as often, so the Korean notebooks are compared as leniently (name: the text)."""
    import configparser

    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    patterns = {section: re.compile(config[section]["regex"]) for section in config.sections()}
    assert patterns, "no patterns read"
    wrong = []
    for entry in tool.load_catalog(ROOT):
        if not entry.msgstr:
            continue
        english, korean = _sample(entry.msgid), _sample(entry.msgstr)
        if english is None or korean is None:
            continue
        for section, pattern in patterns.items():
            if len(pattern.findall(english)) != len(pattern.findall(korean)):
                wrong.append(f"[{section}] matches {english!r} but not its Korean {korean!r}")
    assert not wrong, "widen tests/nbval_sanitize.cfg for the Korean texts:\n" + "\n".join(wrong)


def test_the_sanitize_test_can_fail():
    pattern = re.compile(r"\d+ did not converge, \d+ of them")
    assert pattern.findall(_sample("{k} did not converge, {m} of them")) != pattern.findall(_sample("{k}개가 수렴하지 않았고"))


def test_build_lists_the_korean_notebooks_in_the_book(demo):
    (demo / "book").mkdir()
    english = "format: jb-book\nroot: README\nparts:\n  - caption: English\n    chapters:\n      - file: notebooks/01_demo\n"
    (demo / tool.BOOK_TOC).write_text(english, encoding="utf-8")
    assert kinds(tool.book_problems(demo)) == ["book"]
    tool.build(demo, ["01_demo"], execute=False, out=lambda line: None)
    assert (demo / tool.BOOK_TOC).read_text(encoding="utf-8") == (
        english + "  - caption: 한국어판\n    chapters:\n      - file: notebooks/ko/01_demo\n"
    )
    assert tool.book_problems(demo) == []
    (demo / "README.ko.md").write_text("# 한국어\n", encoding="utf-8")
    assert "README.ko" in tool.book_toc(demo)


def test_nbval_collects_the_korean_notebooks_through_testpaths(tmp_path):
    """``python -m pytest`` (pyproject's testpaths: tests, notebooks) runs notebooks/ko/ too."""
    import shutil
    import subprocess
    import sys

    root = tmp_path / "clone"
    (root / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", root / "tests" / "nbval_sanitize.cfg")
    for folder in ("notebooks", "notebooks/ko"):
        write_notebook(root / folder / "01_demo.ipynb", demo_notebook())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"], cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    collected = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    assert collected == {"notebooks/01_demo.ipynb", "notebooks/ko/01_demo.ipynb"}, result.stdout
