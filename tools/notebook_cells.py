"""The two cells every notebook shares, written once here: the lecture header and the set-up block.

    python tools/notebook_cells.py            # write both into every notebook
    python tools/notebook_cells.py notebooks/01_zero_init_fails.ipynb   # only these
    python tools/notebook_cells.py --check    # only report notebooks that differ (exit 1)

The lecture header is one markdown line right under the notebook's title (the first line,
``# ...``, of its first cell): links to the video and the slides of lecture 10-2. Only
that line of that cell is written; running the command again changes nothing.

The first code cell of a notebook is this block (everything above its ``%matplotlib
inline`` line), then the notebook's own imports. Outside Colab the block does nothing and
prints nothing, so the stored outputs do not change when it is rewritten. On Colab it
installs lessonlib from ``lessonlib.REPOSITORY_URL`` with a status line, and if that fails
(repository not published, a fork not renamed, no network) it stops the notebook with one
sentence instead of pip's traceback. Then it turns on Colab's custom widget manager, which
ipywidgets 7's ``Image``, ``Play`` and ``jslink`` need there (see CONTRIBUTING.md).

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
# A line under the title that starts with this is the header (and is replaced when it differs).
HEADER_PREFIX = "**Lecture 10-2** of"
HEADER_TEMPLATE = (
    HEADER_PREFIX + " Sung Kim's 모두를 위한 딥러닝, \"Weight 초기화 잘해보자\":"
    " [video]({video}) · [slides]({slides}) (lecture 10, PDF) · [course page]({course})"
)


def header_line() -> str:
    """The lecture header, one markdown line with the video, slides and course links."""
    return HEADER_TEMPLATE.format(video=LECTURE_VIDEO, slides=LECTURE_SLIDES, course=COURSE_PAGE)


def with_header(source: str) -> str:
    """The title cell's text with the header as the line under the title (blank lines around).

    Idempotent: an existing header line (starting with ``HEADER_PREFIX``) is replaced,
    everything else in the cell is kept as it was.
    """
    lines = source.splitlines(keepends=True)
    if not lines or not lines[0].startswith("# "):
        raise ValueError("the first cell must be markdown that starts with the title line '# ...'")
    title, rest = lines[0].rstrip("\n") + "\n", lines[1:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    if rest and rest[0].startswith(HEADER_PREFIX):
        rest = rest[1:]
        while rest and not rest[0].strip():
            rest = rest[1:]
    body = "".join(rest)
    return title + "\n" + header_line() + ("\n\n" + body if body else "\n")


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
        print("Installing lessonlib from {url} (about 10 s) ...", flush=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "lessonlib @ git+{url}@main"]
        if subprocess.run(pip, capture_output=True).returncode != 0:

            class SetupError(Exception):
                def _render_traceback_(self):  # Jupyter shows this sentence, no traceback
                    return [str(self)]

            raise SetupError(
                "Could not install lessonlib from {url}: publish the repository there,"
                " or point the notebooks at your copy (python tools/retarget.py YOUR_URL)."
            )
        importlib.invalidate_caches()
        print("lessonlib is installed.")
    from google.colab import output

    output.enable_custom_widget_manager()  # ipywidgets 7 on Colab: Image, Play, jslink

'''


def setup_code(url: str) -> str:
    """The set-up block for a repository at ``url`` (``https://github.com/OWNER/REPO``)."""
    return SETUP_TEMPLATE.format(url=url)


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


def update(path: Path, url: str, check: bool = False) -> list[str]:
    """Put the header and the set-up block for ``url`` into one notebook.

    Returns what was (or, with ``check``, would be) changed: ``"header"``, ``"set-up
    cell"``, both or neither. Nothing else in the notebook is touched.
    """
    nb = read(path)
    changed = []
    cell = title_cell(nb)
    source = source_text(cell)
    wanted_title = with_header(source)
    if source != wanted_title:
        changed.append("header")
        cell["source"] = wanted_title.splitlines(keepends=True)
    cell = first_code_cell(nb)
    head, own = split_setup(source_text(cell))
    wanted = setup_code(url)
    if head != wanted:
        changed.append("set-up cell")
        cell["source"] = (wanted + own).splitlines(keepends=True)
    if changed and not check:
        write(path, nb)
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="only these (default: every notebook)")
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = repository_url(args.root)
    paths = [p.resolve() for p in args.notebooks] or sorted(args.root.glob(NOTEBOOKS))
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
