"""Latency in a real browser: JupyterLab + headless Chromium, through tools/browser_latency.py.

The kernel-side timing (``bench.explorers``) stops at the finished PNG; a learner waits
longer: the comm message to the page, the picture's decoding and layout. This section
runs ``tools/browser_latency.py`` (the browser tests' harness: each notebook with
explorers opened in JupyterLab at laptop size and run, then every control of every
explorer swept as a person would, first visits included) and reports per explorer the
median, 95th percentile and maximum time from the input event to the new picture, the
frames per second while a live slider is dragged, and the PNG bytes per frame.

Needs Debian's ``chromium`` and playwright (requirements-dev.txt); without them the
section says so and the rest of the benchmark runs.
"""

from __future__ import annotations

from bench.report import Section, fmt_s, verdict
from bench.targets import TARGETS

HEADER = [
    "explorer",
    "moves",
    "median (s)",
    "p95 (s)",
    "max (s)",
    "settled max (s)",
    "drag fps",
    "drag frames / values",
    "play fps",
    "PNG bytes / frame",
    "target",
]


def notebooks_with_explorers(quick=False):
    """The notebooks whose explorers are swept: all that show one (quick: the first)."""
    from lessonlib.lessons import EXPLORERS

    chosen = [name for name, explorers in EXPLORERS.items() if explorers]
    return chosen[:1] if quick else chosen


def summarize(results):
    """Per explorer (dotted name): the latency numbers and whether they meet the targets.

    ``results`` is ``tools.browser_latency.run``'s list (one dict per explorer).
    """
    summary = {}
    for r in results:
        ok = (not r.get("error") and r["median"] < TARGETS["browser_median_s"]
              and r["p95"] < TARGETS["browser_p95_s"] and not r["lost"])
        summary[r["explorer"]] = {
            key: r.get(key)
            for key in ("notebook", "moves", "median", "p95", "max", "settled_max", "drag_fps", "drag_shown",
                        "play_fps", "png_bytes", "live_sliders", "lost", "error")
        } | {"ok": ok}
    return summary


def _row(name, r):
    fps = "-" if r["drag_fps"] is None else f"{r['drag_fps']:.1f}"
    shown = "-" if r["drag_shown"] is None else f"{r['drag_shown']:.2f}"
    play = "-" if r.get("play_fps") is None else f"{r['play_fps']:.1f}"
    return [
        f"`lessonlib.lessons.{name}`",
        r["moves"],
        fmt_s(r["median"]),
        fmt_s(r["p95"]),
        fmt_s(r["max"]),
        fmt_s(r["settled_max"]),
        fps,
        shown,
        play,
        r["png_bytes"] or "-",
        verdict(r["ok"]),
    ]


def section_for(summary, seconds=None):
    """The report's section for ``{"explorers": summarize(...)}`` (or a skip or an error)."""
    section = Section(
        "Browser: control change to the new picture on the page",
        note="Each notebook that shows explorers runs in JupyterLab in headless Chromium at 1280 x 800 with the "
        "file browser open; then every control of every explorer is moved as a person would (clicks along each "
        "slider's track, every stop of a selection slider, every option of a drop-down; each control from the "
        "notebook's setting), so first visits are included. A MutationObserver on the picture times the input "
        "event to the first new picture (median, p95, max) and to the last one (settled: an explorer that "
        "shows a part at once and the rest under a progress line sends two). Drag: a slider dragged steadily "
        "across 80 % of its track in about two seconds; frames per second and pictures shown per value "
        "crossed, for sliders that redraw while dragged; play: pictures per second while a Play widget runs "
        "for two seconds (its pace is the widget's interval). Targets: median < "
        f"{TARGETS['browser_median_s']} s and p95 < {TARGETS['browser_p95_s']} s, no move without a picture.",
        header=HEADER,
    )
    if "skipped" in summary or "error" in summary:
        section.notes.append(f"skipped: {summary['skipped']}" if "skipped" in summary else f"error: {summary['error']}")
        return section
    for name, r in summary["explorers"].items():
        section.rows.append(_row(name, r))
        if r["lost"]:
            section.notes.append(f"`{name}`: moves with no new picture: {'; '.join(r['lost'])}")
        if r.get("error"):
            section.notes.append(f"`{name}`: the sweep failed: {r['error']}")
    if seconds is not None:
        section.notes.append(f"the browser run took {seconds:.0f} s (server and notebooks included)")
    return section


def bench_browser(quick=False, notebooks=None, artifacts=None):
    """Sweep every explorer in JupyterLab + Chromium (see the module's docstring).

    Parameters
    ----------
    quick : bool, optional
        Only the first notebook that shows an explorer.
    notebooks : list of str, optional
        Notebook file names to sweep (default: every one that shows an explorer).
    artifacts : path-like, optional
        Where the screenshots and the page logs go (default ``artifacts/browser``).

    Returns
    -------
    (Section, dict)
        The section, and ``{"explorers": {dotted name: numbers}}``, or ``{"skipped": reason}``
        (no browser here) or ``{"error": message}`` (a notebook failed in the page).
    """
    import time

    from tools import browser_latency

    missing = browser_latency.labharness.missing_requirements()
    if missing:
        summary = {"skipped": f"needs {' and '.join(missing)} ({browser_latency.labharness.HOW_TO_ENABLE})"}
        return section_for(summary), summary
    chosen = notebooks or notebooks_with_explorers(quick)
    started = time.perf_counter()
    try:
        results = browser_latency.run(chosen, artifacts or browser_latency.labharness.ARTIFACTS)
    except (SystemExit, Exception) as stop:  # a notebook that does not run cleanly, the server, ...
        summary = {"error": str(stop).splitlines()[0] if str(stop) else stop.__class__.__name__}
        return section_for(summary), summary
    summary = {"explorers": summarize(results)}
    return section_for(summary, time.perf_counter() - started), summary
