"""Notebook timing: every notebook executed headless in a fresh kernel, on a copy.

The running itself is ``tools.notebook_runner.execute``, the same code that makes the
stored outputs; here it runs on temporary copies, so the repository's notebooks are
never touched.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from bench.report import ROOT, Section, fmt_s, median, verdict
from bench.targets import TARGETS
from tools.notebook_runner import KERNELSPEC, execute, series_notebooks


def notebook_paths(folder=None):
    """The series' notebooks (``NN_name.ipynb``) in ``folder``, default ``notebooks/``."""
    return series_notebooks(folder or ROOT / "notebooks")


def _empty_notebook():
    """One ``pass`` cell: running it costs a kernel's start and shutdown."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("pass"))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def _copies(paths, tmp):
    """Copy each notebook's whole folder once into ``tmp`` (relative paths keep working)."""
    copies, folders = [], {}
    for path in paths:
        source = Path(path).resolve().parent
        if source not in folders:
            folders[source] = tmp / f"{len(folders)}_{source.name}"
            shutil.copytree(
                source, folders[source], ignore=shutil.ignore_patterns(".ipynb_checkpoints")
            )
        copies.append(folders[source] / Path(path).name)
    return copies


def _time_copies(paths, repeats, timeout, baseline):
    """Seconds per run of each notebook, its first problem, and the empty notebook's runs."""
    times = {Path(p).name: [] for p in paths}
    errors = {}
    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as tmp:
        tmp = Path(tmp)
        copies = _copies(paths, tmp)
        empty = tmp / "empty.ipynb"
        nbformat.write(_empty_notebook(), empty)
        runs = max(1, min(repeats, 3)) if baseline else 0
        base = [execute(empty, timeout).seconds for _ in range(runs)]
        for _ in range(repeats):
            for path, copy in zip(paths, copies):
                run = execute(copy, timeout)
                times[Path(path).name].append(run.seconds)
                if run.problems:
                    errors[Path(path).name] = run.problems[0][:120]
    return times, errors, base


def bench_notebooks(paths, repeats=1, timeout=600, baseline=True):
    """Per-notebook execution times (on temporary copies) and the series total.

    Parameters
    ----------
    paths : list of path-like
        The notebooks to time; none gives a section that says so.
    repeats : int, optional
        Runs per notebook (the median is reported).
    timeout : float, optional
        Seconds one cell may take.
    baseline : bool, optional
        Also time an empty notebook (the kernel's start-up and shutdown).

    Returns
    -------
    (Section, dict)
        The section, and ``{"notebooks": {name: median s}, "total", "errors",
        "kernel_start"}``.
    """
    section = Section(
        "Notebooks (headless, nbclient, fresh kernel each)",
        note=f"Wall time of executing each notebook top to bottom, kernel start included; "
        f"median of {repeats} run(s). Targets: each < {TARGETS['notebook_s']:.0f} s, "
        f"series < {TARGETS['series_s']:.0f} s.",
        header=["notebook", "median (s)", "runs (s)", "target"],
    )
    summary = {"notebooks": {}, "total": None, "errors": {}}
    if not paths:
        section.notes.append(
            "no notebooks timed (quick mode times none unless --notebooks names some)"
        )
        return section, summary
    times, summary["errors"], base = _time_copies(paths, repeats, timeout, baseline)
    for name, runs in times.items():
        summary["notebooks"][name] = med = median(runs)
        error = summary["errors"].get(name)
        label = name + (f" (error: {error})" if error else "")
        ok = med < TARGETS["notebook_s"] and not error
        section.rows.append(
            [label, fmt_s(med, 1), ", ".join(fmt_s(r, 1) for r in runs), verdict(ok)]
        )
    summary["total"] = total = sum(summary["notebooks"].values())
    summary["kernel_start"] = median(base)
    section.rows.append(
        [
            f"**series ({len(times)} notebooks)**",
            f"**{fmt_s(total, 1)}**",
            "",
            verdict(total < TARGETS["series_s"]),
        ]
    )
    if base:
        section.rows.append(
            [
                "(an empty notebook: kernel start-up and shutdown)",
                fmt_s(summary["kernel_start"], 1),
                ", ".join(fmt_s(b, 1) for b in base),
                "",
            ]
        )
    return section, summary
