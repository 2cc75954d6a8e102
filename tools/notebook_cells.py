"""The two cells every notebook shares, written once here: the lecture header and the set-up block.

    python tools/notebook_cells.py            # write both into every notebook (both editions)
    python tools/notebook_cells.py notebooks/01_zero_init_fails.ipynb   # only these
    python tools/notebook_cells.py --check    # only report notebooks that differ (exit 1)

Two editions: the English notebooks ``notebooks/NN_name.ipynb`` and the Korean ones
``notebooks/ko/NN_name.ipynb`` (built by ``tools/i18n.py``). A notebook's edition is its
folder; each gets the header and the set-up block in its language.

The lecture header is one markdown line right under the notebook's title (the first line,
``# ...``, of its first cell): links to the video and the slides of lecture 10-2. Only
that line of that cell is written; running the command again changes nothing.

The first code cell of a notebook is this block (everything above its ``%matplotlib
inline`` line), then the notebook's own imports. Outside Colab the block does nothing and
prints nothing, so the stored outputs do not change when it is rewritten. On Colab it
installs lessonlib from ``lessonlib.REPOSITORY_URL`` with a status line, and if that fails
(repository not published, a fork not renamed, no network) it stops the notebook with one
sentence instead of pip's traceback. Then it turns on Colab's custom widget manager, which
ipywidgets 7's ``Image``, ``Play`` and ``jslink`` need there (see CONTRIBUTING.md). Last,
everywhere, it sets the edition's language, ``lessonlib.set_language("en")`` or ``("ko")``:
the only line (with the status messages) in which the two editions' code cells differ, and
it also resets a kernel that ran the other edition before.

Only the standard library is used, so tests and CI can import this file anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = "notebooks/[0-9][0-9]_*.ipynb"
#: The editions: language -> the folder of its notebooks (English is the source).
EDITIONS = {"en": "notebooks", "ko": "notebooks/ko"}
# The notebook's own part of the first cell starts at this line.
OWN_PART = "%matplotlib inline"

# Lecture 10-2 of Sung Kim's course, as its own course page lists it: https://hunkim.github.io/ml/
# is the GitHub Pages site of github.com/hunkim/ml, whose index.html links "Weight 초기화
# 잘해보자" to https://youtu.be/4rC0sWrp3Uw and the slides of lecture 10 ("Neural Network 2:
# ReLU and 초기값 정하기") to lec10.pdf beside it; the whole season is the YouTube playlist
# PLlMkM4tgfjnLSOjrEJN31gZATbcj_MpUm linked from the same page.
LECTURE_VIDEO = "https://youtu.be/4rC0sWrp3Uw"
LECTURE_SLIDES = "https://hunkim.github.io/ml/lec10.pdf"
COURSE_PAGE = "https://hunkim.github.io/ml/"
# A line under the title that starts with one of these is the header (and is replaced when
# it differs), in either language: a Korean title cell translated from the English one may
# still carry the English header.
HEADER_PREFIXES = {"en": "**Lecture 10-2** of", "ko": "**강의 10-2**,"}
HEADER_PREFIX = HEADER_PREFIXES["en"]
HEADER_TEMPLATES = {
    "en": (
        HEADER_PREFIXES["en"] + " Sung Kim's 모두를 위한 딥러닝, \"Weight 초기화 잘해보자\":"
        " [video]({video}) · [slides]({slides}) (lecture 10, PDF) · [course page]({course})"
    ),
    "ko": (
        HEADER_PREFIXES["ko"] + " 김성훈(Sung Kim) 교수의 「모두를 위한 딥러닝」 \"Weight 초기화 잘해보자\":"
        " [동영상]({video}) · [슬라이드]({slides}) (강의 10, PDF) · [강좌 페이지]({course})"
    ),
}
HEADER_TEMPLATE = HEADER_TEMPLATES["en"]


def language_of(path) -> str:
    """The edition of the notebook at ``path``: "ko" inside ``notebooks/ko/``, else "en"."""
    return "ko" if Path(path).parent.name == "ko" else "en"


def _check_language(language: str) -> str:
    if language not in HEADER_TEMPLATES:
        raise ValueError(f"language must be one of {', '.join(map(repr, HEADER_TEMPLATES))}, got {language!r}")
    return language


def header_line(language: str = "en") -> str:
    """The lecture header, one markdown line with the video, slides and course links."""
    template = HEADER_TEMPLATES[_check_language(language)]
    return template.format(video=LECTURE_VIDEO, slides=LECTURE_SLIDES, course=COURSE_PAGE)


def with_header(source: str, language: str = "en") -> str:
    """The title cell's text with the header as the line under the title (blank lines around).

    Idempotent: an existing header line (starting with one of ``HEADER_PREFIXES``) is
    replaced, everything else in the cell is kept as it was.
    """
    lines = source.splitlines(keepends=True)
    if not lines or not lines[0].startswith("# "):
        raise ValueError("the first cell must be markdown that starts with the title line '# ...'")
    title, rest = lines[0].rstrip("\n") + "\n", lines[1:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    if rest and rest[0].startswith(tuple(HEADER_PREFIXES.values())):
        rest = rest[1:]
        while rest and not rest[0].strip():
            rest = rest[1:]
    body = "".join(rest)
    return title + "\n" + header_line(language) + ("\n\n" + body if body else "\n")


def title_cell(nb):
    first = nb["cells"][0]
    if first["cell_type"] != "markdown":
        raise ValueError("the first cell must be the markdown title cell")
    return first


SETUP_TEMPLATE = '''\
# Set-up: on Colab this installs lessonlib from the repository; elsewhere it does nothing.
import importlib.util
import subprocess
import sys

if "google.colab" in sys.modules:
    if importlib.util.find_spec("lessonlib") is None:
        print("{installing}", flush=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "lessonlib @ git+{url}@main"]
        if subprocess.run(pip, capture_output=True).returncode != 0:

            class SetupError(Exception):
                def _render_traceback_(self):  # Jupyter shows this sentence, no traceback
                    return [str(self)]

            raise SetupError(
                "{failed_1}"
                "{failed_2}"
            )
        importlib.invalidate_caches()
        print("{installed}")
    from google.colab import output

    output.enable_custom_widget_manager()  # ipywidgets 7 on Colab: Image, Play, jslink

import lessonlib

{language_line}

'''

#: What the set-up block says, per edition (the failure sentence in two source lines).
SETUP_MESSAGES = {
    "en": {
        "installing": "Installing lessonlib from {url} (about 10 s) ...",
        "installed": "lessonlib is installed.",
        "failed_1": "Could not install lessonlib from {url}: publish the repository there,",
        "failed_2": " or point the notebooks at your copy (python tools/retarget.py YOUR_URL).",
        "comment": "the language of lessonlib's figures, tables and messages",
    },
    "ko": {
        "installing": "{url}에서 lessonlib을 설치합니다(약 10초) ...",
        "installed": "lessonlib을 설치했습니다.",
        "failed_1": "{url}에서 lessonlib을 설치하지 못했습니다. 그 주소에 저장소를 공개하거나,",
        "failed_2": " 노트북이 여러분의 사본을 가리키게 하세요(python tools/retarget.py YOUR_URL).",
        "comment": "lessonlib이 보여 주는 그림, 표, 메시지의 언어",
    },
}


def language_line(language: str = "en") -> str:
    """The one line of the set-up block that differs between the editions (with its comment)."""
    comment = SETUP_MESSAGES[_check_language(language)]["comment"]
    return f'lessonlib.set_language("{language}")  # {comment}'


def setup_code(url: str, language: str = "en") -> str:
    """The set-up block for a repository at ``url`` (``https://github.com/OWNER/REPO``),
    for the edition in ``language`` ("en" or "ko")."""
    messages = {key: text.format(url=url) for key, text in SETUP_MESSAGES[_check_language(language)].items()}
    messages.pop("comment")
    return SETUP_TEMPLATE.format(url=url, language_line=language_line(language), **messages)


def repository_url(root: Path = ROOT) -> str:
    """``REPOSITORY_URL`` as written in ``lessonlib/__init__.py`` (read, not imported)."""
    text = (root / "lessonlib" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^REPOSITORY_URL = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit(f"no REPOSITORY_URL = \"...\" line in {root / 'lessonlib/__init__.py'}")
    return match.group(1)


def source_text(cell) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def first_code_cell(nb):
    return next(cell for cell in nb["cells"] if cell["cell_type"] == "code")


def split_setup(source: str) -> tuple[str, str]:
    """(set-up block, the notebook's own part) of a first code cell."""
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.rstrip("\n") == OWN_PART:
            return "".join(lines[:number]), "".join(lines[number:])
    raise ValueError(f"the first code cell has no {OWN_PART!r} line after the set-up block")


def read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, nb) -> None:
    # nbformat's own layout, so a rewrite changes only the lines that changed
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip


def update(path: Path, url: str, check: bool = False, language: str | None = None) -> list[str]:
    """Put the header and the set-up block for ``url`` into one notebook.

    ``language`` is the notebook's edition (default: from its folder, see
    ``language_of``). Returns what was (or, with ``check``, would be) changed:
    ``"header"``, ``"set-up cell"``, both or neither. Nothing else in the notebook is touched.
    """
    nb = read(path)
    changed = apply(nb, url, _check_language(language or language_of(path)))
    if changed and not check:
        write(path, nb)
    return changed


def apply(nb, url: str, language: str) -> list[str]:
    """``update``'s work on a notebook in memory (``nb`` is changed in place): the header
    in the title cell and the set-up block in the first code cell, for ``url`` and the
    edition in ``language``. Returns what changed: ``"header"``, ``"set-up cell"``, both
    or neither."""
    language = _check_language(language)
    changed = []
    cell = title_cell(nb)
    source = source_text(cell)
    wanted_title = with_header(source, language)
    if source != wanted_title:
        changed.append("header")
        cell["source"] = wanted_title.splitlines(keepends=True)
    cell = first_code_cell(nb)
    head, own = split_setup(source_text(cell))
    wanted = setup_code(url, language)
    if head != wanted:
        changed.append("set-up cell")
        cell["source"] = (wanted + own).splitlines(keepends=True)
    return changed


def all_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of both editions: ``notebooks/NN_*.ipynb``, then ``notebooks/ko/NN_*.ipynb``."""
    return [path for folder in EDITIONS.values() for path in sorted((root / folder).glob("[0-9][0-9]_*.ipynb"))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="only these (default: every notebook)")
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = repository_url(args.root)
    paths = [p.resolve() for p in args.notebooks] or all_notebooks(args.root)
    found = False
    for path in paths:
        changed = update(path, url, check=args.check)
        if changed:
            found = True
            verb = "differs from the template" if args.check else "rewritten"
            try:
                name = path.relative_to(args.root.resolve())
            except ValueError:
                name = path
            print(f"{name}: {' and '.join(changed)} {verb}")
    return 1 if (args.check and found) else 0


if __name__ == "__main__":
    sys.exit(main())
