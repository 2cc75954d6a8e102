"""Import time: ``import lessonlib``, then every public module of it, in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from bench.report import ROOT, Section, fmt_s, median
from tools.notebook_runner import kernel_environment

# Run in a subprocess, so that nothing is imported yet. Both floors: the concept modules
# and lessonlib.lessons.* (what the notebooks' set-up cells import); private ones left out.
_IMPORT_CODE = r"""
import importlib, json, pkgutil, time
t0 = time.perf_counter()
import lessonlib
t1 = time.perf_counter()
for info in pkgutil.walk_packages(lessonlib.__path__, "lessonlib."):
    if not any(part.startswith("_") for part in info.name.split(".")):
        importlib.import_module(info.name)
t2 = time.perf_counter()
print(json.dumps({"package": t1 - t0, "all": t2 - t0}))
"""


def bench_import(repeats=5):
    """Median import times over ``repeats`` fresh interpreters.

    Returns
    -------
    (Section, dict)
        The section, and ``{"package", "all", "process"}`` in seconds (empty when the
        import failed; the section's notes say why).
    """
    section = Section(
        "Import time (fresh interpreter)",
        note=f"Median of {repeats} subprocesses. `import lessonlib` alone, then every module (what the "
        "notebooks' set-up cells load: numpy, matplotlib, ipywidgets included); the process total adds "
        "interpreter start-up.",
        header=["what", "median (s)"],
    )
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_CODE],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=kernel_environment(),  # what a notebook's kernel sees: no MPLBACKEND
        )
        wall = time.perf_counter() - start
        if out.returncode != 0:
            stderr = out.stderr.strip()
            section.notes.append(
                f"import failed: {stderr.splitlines()[-1] if stderr else out.returncode}"
            )
            return section, {}
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]) | {"process": wall})
    summary = {k: median([r[k] for r in runs]) for k in ("package", "all", "process")}
    section.rows += [
        ["`import lessonlib`", fmt_s(summary["package"], 4)],
        ["every `lessonlib.*` module", fmt_s(summary["all"], 2)],
        ["whole process (`python -c ...`)", fmt_s(summary["process"], 2)],
    ]
    return section, summary
