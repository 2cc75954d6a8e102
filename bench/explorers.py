"""Explorer timing: a control change to a finished PNG, for every explorer of the series.

The explorers are the ones ``lessonlib.lessons.EXPLORERS`` lists, nothing else (a class
it names that cannot be imported is reported). Each is built at its default sizes and
moved through a sweep of settings: each control through its range, one change at a
time, as a person would. The first pass over the sweep fills the explorer's caches
("first visit", reported apart); the later passes are the steady state.

An explorer whose constructor needs arguments (data, a trained history) gets them from
a factory in ``EXPLORER_FACTORIES``, keyed by its dotted name in the registry.
"""

from __future__ import annotations

import inspect
import time

import numpy as np

from bench.report import Section, fmt_s, median, verdict
from bench.targets import TARGETS


def _epoch_explorer(quick):
    """Notebook 02's epoch slider: RBM(64, 100) trained 20 epochs with a snapshot each."""
    from lessonlib.data import binarize, digits_split
    from lessonlib.lessons.rbm_reconstruction import EpochExplorer
    from lessonlib.rbm import RBM

    X_train, X_test, _, _ = digits_split()
    V_train, V_test = binarize(X_train), binarize(X_test)
    epochs = 3 if quick else 20
    hidden = 25 if quick else 100
    rbm = RBM(n_visible=64, n_hidden=hidden, seed=0)
    history = rbm.fit(
        V_train[: 300 if quick else None],
        epochs=epochs,
        lr=0.1,
        batch_size=20,
        momentum=0.5,
        seed=0,
        snapshot_epochs=range(epochs + 1),
    )
    return lambda: EpochExplorer(history, V_test[:8], epoch=epochs)


#: Explorers whose constructor needs arguments: dotted name in
#: ``lessonlib.lessons.EXPLORERS`` -> factory(quick) returning a zero-argument
#: constructor (the preparation, such as training, is not timed).
EXPLORER_FACTORIES = {
    "rbm_reconstruction.EpochExplorer": _epoch_explorer,
}


def discover_explorers():
    """Every explorer ``lessonlib.lessons.EXPLORERS`` lists, imported.

    Returns
    -------
    (dict, dict)
        ``{dotted name: class}`` in name order, and ``{dotted name: error}`` for each
        listed class that could not be imported (a module mid-edit must not stop the
        benchmark, but it must be reported).
    """
    from lessonlib.lessons import EXPLORERS, explorer_class

    found, errors = {}, {}
    for names in EXPLORERS.values():
        for dotted in names:
            try:
                found[dotted] = explorer_class(dotted)
            except Exception as exc:
                errors[dotted] = f"{exc.__class__.__name__}: {exc}"
    return dict(sorted(found.items())), errors


def explorer_constructor(dotted, cls, quick):
    """A zero-argument callable that builds the explorer, or why there is none.

    Parameters
    ----------
    dotted : str
        The explorer's name in ``lessonlib.lessons.EXPLORERS`` (``"module.Class"``).
    cls : type
        Its class.
    quick : bool
        Passed to its factory (smaller preparation).

    Returns
    -------
    (callable or None, str)
        The constructor and ``""``; or ``None`` and the reason, when the class needs
        constructor arguments and ``EXPLORER_FACTORIES`` has no factory for it.
    """
    if dotted in EXPLORER_FACTORIES:
        return EXPLORER_FACTORIES[dotted](quick), ""
    required = [
        p.name
        for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if required:
        return None, (
            f"needs constructor arguments {required}: add a factory for {dotted!r} "
            "to EXPLORER_FACTORIES in bench/explorers.py"
        )
    return cls, ""


def control_values(control, n):
    """Up to ``n`` values across a control's range, its current value left out.

    Parameters
    ----------
    control : ipywidgets.Widget
        A slider (int, float, log), a selection (dropdown, selection slider) or a
        checkbox / toggle button; any other control gives no values.
    n : int

    Returns
    -------
    list
    """
    import ipywidgets as w

    current = control.value
    if isinstance(control, w.FloatLogSlider):
        values = [float(control.base**e) for e in np.linspace(control.min, control.max, n)]
    elif isinstance(control, w.IntSlider):
        values = sorted({int(round(v)) for v in np.linspace(control.min, control.max, n)})
    elif isinstance(control, w.FloatSlider):
        values = [float(round(v, 10)) for v in np.linspace(control.min, control.max, n)]
    elif hasattr(control, "_options_values"):  # every ipywidgets selection (7 and 8)
        options = list(control._options_values)
        index = sorted(
            {int(round(i)) for i in np.linspace(0, len(options) - 1, min(n, len(options)))}
        )
        values = [options[i] for i in index]
    elif isinstance(control, (w.Checkbox, w.ToggleButton)):
        values = [not current]
    else:
        return []
    return [v for v in values if v != current]


def sweep(explorer, n_values):
    """The settings of one pass: each control through its range, then back to its start."""
    steps = []
    start = explorer.values
    for name, control in explorer.controls.items():
        values = control_values(control, n_values)
        steps += [{name: value} for value in values]
        if values:
            steps.append({name: start[name]})
    return steps


def time_explorer(make, n_values=5, passes=4):
    """Build an explorer and time ``set`` over the sweep.

    Parameters
    ----------
    make : callable
        Builds the explorer (timed as "build + first draw").
    n_values : int, optional
        Values per control in the sweep.
    passes : int, optional
        Passes over the sweep; the first is the first visit, the others the steady state.

    Returns
    -------
    dict
        ``construct``, ``settings``, ``first_median``, ``first_max``, ``steady`` (every
        steady time), ``steady_median``, ``steady_p95``, ``steady_cpu_median``,
        ``controls``.
    """
    import matplotlib

    matplotlib.use("Agg")
    start = time.perf_counter()
    explorer = make()
    construct = time.perf_counter() - start
    steps = sweep(explorer, n_values)
    first, steady, steady_cpu = [], [], []
    for p in range(passes):
        for step in steps:
            c0, t0 = time.process_time(), time.perf_counter()
            png = explorer.set(**step)
            seconds = time.perf_counter() - t0
            if p > 0:
                steady_cpu.append(time.process_time() - c0)
            if not png.startswith(b"\x89PNG"):
                raise RuntimeError(f"{type(explorer).__name__}.set({step}) did not return a PNG")
            (first if p == 0 else steady).append(seconds)
    return {
        "construct": construct,
        "settings": len(steps),
        "first_median": median(first),
        "first_max": max(first) if first else float("nan"),
        "steady": steady,
        "steady_median": median(steady),
        "steady_p95": float(np.percentile(steady, 95)) if steady else float("nan"),
        "steady_cpu_median": median(steady_cpu),
        "controls": list(explorer.controls),
    }


HEADER = [
    "explorer",
    "controls",
    "build + first draw (s)",
    "first visit: median / max (s)",
    "steady median (s)",
    "steady p95 (s)",
    "steady median CPU (s)",
    "target",
]


def _row(dotted, r):
    """A table row for one timed explorer, and whether it met its targets."""
    ok = (
        r["steady_median"] < TARGETS["explorer_median_s"]
        and r["steady_p95"] < TARGETS["explorer_p95_s"]
    )
    row = [
        f"`lessonlib.lessons.{dotted}`",
        ", ".join(r["controls"]),
        fmt_s(r["construct"], 2),
        f"{fmt_s(r['first_median'])} / {fmt_s(r['first_max'])}",
        fmt_s(r["steady_median"]),
        fmt_s(r["steady_p95"]),
        fmt_s(r["steady_cpu_median"]),
        verdict(ok),
    ]
    return row, ok


def bench_explorers(quick=False, n_values=5, passes=4):
    """Time every explorer of the series (see the module's docstring).

    Returns
    -------
    (Section, dict)
        The section, and per dotted name the timings (``time_explorer``'s, without the
        list of steady times, plus ``ok``), or ``{"skipped": reason}`` /
        ``{"error": message}``.
    """
    section = Section(
        "Explorers: control change to finished PNG",
        note=f"Each explorer at its default sizes; a sweep moves each control through its range "
        f"one change at a time ({n_values} values per control, then back). The first pass fills "
        f"the explorer's caches (first visit, reported apart); the next {passes - 1} pass(es) give "
        f"the steady state. Targets: median < {TARGETS['explorer_median_s']} s, "
        f"95th percentile < {TARGETS['explorer_p95_s']} s (wall clock). The CPU column is this process's "
        "CPU time per change: on a loaded machine it shows what an idle one would take.",
        header=HEADER,
    )
    blank = [""] * (len(HEADER) - 2)
    summary = {}
    explorers, errors = discover_explorers()
    for dotted, error in errors.items():
        section.notes.append(f"`{dotted}` did not import: {error}")
    for dotted, cls in explorers.items():
        try:
            make, reason = explorer_constructor(dotted, cls, quick)
            if make is None:
                section.rows.append([f"`lessonlib.lessons.{dotted}`", *blank, f"skipped: {reason}"])
                summary[dotted] = {"skipped": reason}
                continue
            r = time_explorer(make, n_values=n_values, passes=passes)
        except Exception as exc:
            message = f"{exc.__class__.__name__}: {str(exc)[:80]}"
            section.rows.append([f"`lessonlib.lessons.{dotted}`", *blank, f"error: {message}"])
            summary[dotted] = {"error": str(exc)}
            continue
        row, ok = _row(dotted, r)
        section.rows.append(row)
        summary[dotted] = {k: v for k, v in r.items() if k != "steady"} | {"ok": ok}
    if not explorers:
        section.notes.append("no explorers found: lessonlib.lessons.EXPLORERS lists none")
    return section, summary
