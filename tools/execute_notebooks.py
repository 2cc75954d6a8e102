"""Execute notebooks top to bottom in a clean kernel and store their outputs.

    python tools/execute_notebooks.py                 # every notebook in notebooks/
    python tools/execute_notebooks.py notebooks/01_zero_init_fails.ipynb

This is how the committed outputs are made, so that GitHub shows them and nbval
(``python -m pytest``) can compare a fresh run against them. After running, the
notebook is normalized: no widget state (its model ids change every run), no timing
metadata, the python3 kernel spec. A notebook that stores an error or anything on
stderr is reported and the command exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def normalize(nb):
    """Drop what changes from run to run without meaning anything to a reader."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
                if "data" in output:
                    output["data"].pop("application/vnd.jupyter.widget-view+json", None)
    return nb


def problems(nb):
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr: {output.text[:200]!r}")
    return found


def execute(path, timeout=600):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
        allow_errors=True,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    normalize(nb)
    nbformat.write(nb, path)
    return seconds, problems(nb)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    # The inline backend is what readers and nbval see; an inherited Agg backend
    # would make plt.show() print nothing.
    os.environ.pop("MPLBACKEND", None)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    failed = False
    for path in paths:
        seconds, found = execute(path.resolve())
        print(f"{path.name}: {seconds:.1f} s{'' if not found else ' -- PROBLEMS'}")
        for line in found:
            print("   ", line)
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
