"""The Colab set-up block that opens every notebook's first code cell, written once here.

    python tools/notebook_cells.py            # write the block into every notebook
    python tools/notebook_cells.py --check    # only report notebooks that differ (exit 1)

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


def update(path: Path, url: str, check: bool = False) -> bool:
    """Put the set-up block for ``url`` into one notebook; True if it was (or would be) changed."""
    nb = read(path)
    cell = first_code_cell(nb)
    head, own = split_setup(source_text(cell))
    wanted = setup_code(url)
    if head == wanted:
        return False
    if not check:
        cell["source"] = (wanted + own).splitlines(keepends=True)
        write(path, nb)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = repository_url(args.root)
    changed = [p for p in sorted(args.root.glob(NOTEBOOKS)) if update(p, url, check=args.check)]
    for path in changed:
        verb = "differs from the template" if args.check else "set-up cell rewritten"
        print(f"{path.relative_to(args.root)}: {verb}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
