"""The command line: which sections to run, with what sizes, and where the report goes.

Only the standard library and ``bench.report`` are imported at the top: ``--threads``
must set the BLAS thread variables before numpy loads, so the sections (which import
numpy) are imported inside ``run``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import time
from pathlib import Path

import bench
from bench.report import Results, render, update_readmes

#: The sections, in the order the report shows them.
SECTIONS = ("notebooks", "explorers", "browser", "training", "import")
#: The order they run in: the quick ones first, the browser and the notebooks last.
RUN_ORDER = ("import", "training", "explorers", "browser", "notebooks")
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _log(message):
    print(message, file=sys.stderr, flush=True)


def _steps(quick, repeats, notebook_repeats, notebooks):
    """Section name -> (what the log says, a function returning (section(s), summary))."""
    from bench.browser import bench_browser
    from bench.explorers import bench_explorers
    from bench.importtime import bench_import
    from bench.notebooks import bench_notebooks, notebook_paths
    from bench.training import bench_training

    if notebooks is None:
        paths = [] if quick else notebook_paths()
    else:
        paths = [Path(p) for p in notebooks]
    return {
        "import": ("import time", lambda: bench_import(repeats=1 if quick else max(repeats, 5))),
        "training": (
            "training speed (RBM, MLP) against scikit-learn",
            lambda: bench_training(quick=quick, repeats=repeats),
        ),
        "explorers": (
            "explorers",
            lambda: bench_explorers(
                quick=quick, n_values=2 if quick else 5, passes=2 if quick else 4
            ),
        ),
        "browser": (
            "browser latency (JupyterLab + Chromium)",
            lambda: bench_browser(quick=quick),
        ),
        "notebooks": (
            "notebooks",
            lambda: bench_notebooks(paths, repeats=notebook_repeats or (1 if quick else 3)),
        ),
    }


def run(
    sections=SECTIONS, quick=False, repeats=None, notebook_repeats=None, notebooks=None, log=_log
):
    """Run the chosen sections.

    Parameters
    ----------
    sections : sequence of str, optional
        A subset of ``SECTIONS``.
    quick : bool, optional
        Tiny sizes, one repeat, no notebooks unless ``notebooks`` names some, and the
        browser on the first notebook with an explorer only.
    repeats, notebook_repeats : int, optional
        Repeats of each timing (default 5, quick 1) and runs per notebook (default 3,
        quick 1).
    notebooks : list of path-like, optional
        The notebooks to time (default: the series; quick: none).
    log : callable, optional
        Called with a line as each section starts.

    Returns
    -------
    Results
        ``render`` makes the markdown.
    """
    from bench.machine import load_average, machine_info
    from bench.targets import targets_table

    started = time.perf_counter()
    repeats = repeats or (1 if quick else 5)
    results = Results(quick=quick)
    results.machine = machine_info()
    results.machine["date"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    steps = _steps(quick, repeats, notebook_repeats, notebooks)
    for name in RUN_ORDER:
        if name not in sections:
            continue
        title, step = steps[name]
        log(f"== {title}")
        before = load_average()
        made, results.summaries[name] = step()
        made = made if isinstance(made, list) else [made]
        made[0].notes.append(
            f"load average (1, 5, 15 min): {before} before, {load_average()} after"
        )
        if name == "notebooks":  # shown first, run last
            results.sections[:0] = made
        else:
            results.sections += made
    results.targets = targets_table(results.summaries)
    results.machine["load_end"] = load_average()
    results.machine["seconds"] = time.perf_counter() - started
    return results


def positive_int(text):
    """argparse type: an integer >= 1, with a clear message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def parser():
    """The argument parser of ``python -m bench``."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=bench.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes and one repeat (a smoke run)")
    p.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all)",
    )
    p.add_argument(
        "--repeats",
        type=positive_int,
        default=None,
        help="repeats for timings (default 5, quick 1)",
    )
    p.add_argument(
        "--notebook-repeats",
        type=positive_int,
        default=None,
        help="runs per notebook (default 3, quick 1)",
    )
    p.add_argument(
        "--notebooks",
        nargs="*",
        type=Path,
        default=None,
        help="notebooks to time (default: notebooks/NN_*.ipynb; quick: none)",
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        help="BLAS/OpenMP threads (sets *_NUM_THREADS before numpy loads; default: leave as is)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default bench/RESULTS.md, quick: bench/RESULTS-quick.md)",
    )
    p.add_argument(
        "--update-readme",
        action="store_true",
        help="refresh the table between the bench markers of README.md and README.ko.md",
    )
    return p


def parse(argv=None):
    """Parse and check the command line; exit with a usage message on bad input.

    Returns
    -------
    argparse.Namespace
        With ``sections`` as a tuple of known section names.
    """
    p = parser()
    args = p.parse_args(argv)
    args.sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown or not args.sections:
        p.error(f"unknown sections {unknown or args.sections}; choose from {', '.join(SECTIONS)}")
    missing = [str(path) for path in args.notebooks or () if not path.is_file()]
    if missing:
        p.error(f"--notebooks: no such notebook: {', '.join(missing)}")
    if args.output is not None and not args.output.parent.is_dir():
        p.error(f"--output: no folder {args.output.parent}")
    if args.output is not None and args.output.is_dir():
        p.error(f"--output: {args.output} is a folder; give the path of the markdown file to write")
    return args


def main(argv=None):
    """Run the benchmark from the command line; write the report (and the README table).

    Returns
    -------
    int
        0 (a missed target is reported, not an exit status).
    """
    args = parse(argv)
    if args.threads:
        if "numpy" in sys.modules:
            print("warning: numpy already loaded; --threads may not take effect", file=sys.stderr)
        for name in THREAD_VARIABLES:
            os.environ[name] = str(args.threads)
    results = run(
        args.sections,
        quick=args.quick,
        repeats=args.repeats,
        notebook_repeats=args.notebook_repeats,
        notebooks=args.notebooks,
    )
    text = render(results)
    print(text)
    output = args.output or (
        Path(__file__).parent / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    )
    output.write_text(text, encoding="utf-8")
    print(f"written to {output}")
    if args.update_readme:
        updated = update_readmes(results)
        print(f"table updated in {', '.join(updated)}" if updated else "no README has bench markers; none updated")
    return 0
