"""How fast every explorer answers in a real browser: JupyterLab + headless Chromium.

For each notebook that shows explorers (``lessonlib.lessons.EXPLORERS``) this runs the
notebook in JupyterLab at laptop size (1280 x 800, file browser open), then sweeps every
control of every explorer as a person would: clicks at several places on each slider's
track (every stop of a selection slider, so each ``initial std`` is a first visit), every
option of each drop-down, each control from the notebook's setting (the others at
theirs). In the page, a MutationObserver on the picture's ``src``
measures the time from the input event to the new picture:

- ``median`` / ``p95`` / ``max``: to the first new picture after the change;
- ``settled max``: to the last one (an explorer that shows a part at once and the rest
  with a progress line, such as a new std of the seed explorer, sends two);
- ``drag fps``: pictures per second while a slider is dragged steadily across 80 % of
  its track in about two seconds (live sliders only; ``-`` where every slider sends on
  release), and ``drag frames / values``: pictures shown per distinct value crossed
  (1.0: every value was drawn; a slider of ten values cannot give more than ten frames);
- ``play fps``: pictures per second while a Play widget runs for about two seconds
  (an animation: its pace is the Play widget's interval, so it is not a latency sample);
- ``PNG bytes``: median size of one picture.

An explorer whose sweep fails (a control that does not answer within the harness's
bounds) is reported with the error, and the other explorers are still measured.

Run:  python tools/browser_latency.py            (all explorers, ~3 minutes)
      python tools/browser_latency.py --notebooks 01 04 --markdown latency.md
It prints the table and writes it as markdown (default artifacts/browser/latency.md)
with the machine's load, plus the raw samples as JSON beside it. Needs chromium and
playwright (requirements-dev.txt), like the browser tests, whose harness it uses.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

import labharness  # noqa: E402  (the browser tests' harness: server, browser, page)

from lessonlib.lessons import EXPLORERS  # noqa: E402

#: where on a slider's track the sweep clicks (fractions of its length)
CLICKS = (0.15, 0.85, 0.5, 0.3, 0.7)
#: longest wait for one new picture before the move counts as lost
MOVE_SECONDS = 30.0
#: how long a Play widget is left running
PLAY_SECONDS = 2.0


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed_move(notebook, explorer, act, event):
    """Do ``act()``; return (first, settled) seconds from the first ``event`` to the pictures."""
    notebook.probe_reset(explorer)
    act()
    try:
        notebook.page.wait_for_function(
            "el => el.__probe.changes.length > 0", arg=explorer.element_handle(), timeout=MOVE_SECONDS * 1000
        )
    except Exception:  # playwright's TimeoutError: the move changed nothing
        return None
    notebook.settle(explorer)
    probe = notebook.probe(explorer)
    starts = [t for kind, t in probe["inputs"] if kind == event]
    if not starts:
        return None
    t0 = starts[0]
    after = [t for t in probe["changes"] if t >= t0]
    if not after:
        return None
    return (after[0] - t0) / 1000, (after[-1] - t0) / 1000, probe["bytes"]


def slider_stops(control):
    """(number of positions - 1, current fraction) of a slider, read from noUiSlider."""
    return control["locator"].evaluate(
        "el => { const s = el.querySelector('.noUi-target').noUiSlider;"
        " const r = s.options.range; const v = Number(s.get());"
        " return [r.max - r.min, (v - r.min) / (r.max - r.min)]; }"
    )


def measure_explorer(notebook, explorer, name, number):
    explorer.scroll_into_view_if_needed()
    notebook.install_probe(explorer)
    notebook.settle(explorer)
    samples, sizes, drags, plays, lost = [], [], [], [], []
    controls = notebook.controls(explorer)
    for control in controls:
        label = control["label"]
        if control["kind"] in ("slider", "selection"):
            span, now = slider_stops(control)
            home = now
            if control["kind"] == "selection" or span <= 10:
                fractions = [k / span for k in range(int(span) + 1)]  # every stop
            else:
                fractions = list(CLICKS)
            for fraction in fractions:
                if abs(fraction - now) < max(0.5 / max(span, 1), 0.05):
                    continue  # on the handle: a click there grabs it instead of moving it
                result = timed_move(
                    notebook, explorer, lambda f=fraction, c=control: notebook.click_track(c, f), "pointerdown"
                )
                if result is None:
                    lost.append(f"{label} at {fraction:.2f}")
                    continue
                samples.append({"control": label, "at": round(fraction, 3), "first": result[0], "settled": result[1]})
                sizes.extend(result[2])
                now = fraction
            # a steady drag across the track: how many pictures arrive while it lasts
            notebook.probe_reset(explorer)
            start, end = 0.1, 0.9
            crossed = max(1, round(span * (end - start)))  # distinct values the drag passes
            seconds = notebook.sweep_drag(control, start, end)
            notebook.settle(explorer)
            probe = notebook.probe(explorer)
            downs = [t for kind, t in probe["inputs"] if kind == "pointerdown"]
            ups = [t for kind, t in probe["inputs"] if kind == "pointerup"]
            if downs and ups:
                during = [t for t in probe["changes"] if downs[0] <= t <= ups[-1]]
                drags.append({"control": label, "seconds": (ups[-1] - downs[0]) / 1000, "frames": len(during),
                              "values": crossed})
            else:
                drags.append({"control": label, "seconds": seconds, "frames": 0, "values": crossed})
            # back to the notebook's setting, so each control is swept from there
            timed_move(notebook, explorer, lambda f=home, c=control: notebook.click_track(c, f), "pointerdown")
        elif control["kind"] == "play":
            plays.append(measure_play(notebook, explorer, control))
        else:
            options = control["locator"].locator("option").count()
            for _ in range(options - 1):
                result = timed_move(notebook, explorer, lambda c=control: notebook.select_other(c), "change")
                if result is None:
                    lost.append(f"{label} option")
                    continue
                samples.append({"control": label, "first": result[0], "settled": result[1]})
                sizes.extend(result[2])
            # back to where it started, so later controls see the notebook's setting
            timed_move(notebook, explorer, lambda c=control: notebook.select_other(c), "change")
        explorer.screenshot(path=str(notebook.artifact(f".latency-{number}.{re.sub('[^a-z0-9]+', '-', label.lower())}.png")))
    first = [s["first"] for s in samples]
    live = [d for d in drags if d["frames"] > 1]
    return {
        "explorer": name,
        "moves": len(samples),
        "median": statistics.median(first) if first else float("nan"),
        "p95": percentile(first, 95),
        "max": max(first) if first else float("nan"),
        "settled_max": max((s["settled"] for s in samples), default=float("nan")),
        "drag_fps": (sum(d["frames"] for d in live) / sum(d["seconds"] for d in live)) if live else None,
        "live_sliders": [d["control"] for d in live],
        "drag_shown": (sum(d["frames"] for d in live) / sum(d["values"] for d in live)) if live else None,
        "play_fps": (sum(p["frames"] for p in plays) / sum(p["seconds"] for p in plays)) if plays else None,
        "png_bytes": int(statistics.median(sizes)) if sizes else None,
        "lost": lost,
        "samples": samples,
        "drags": drags,
        "plays": plays,
    }


def measure_play(notebook, explorer, control):
    """Press a Play widget's play, let it run ``PLAY_SECONDS``, press stop: pictures per second."""
    play, stop = notebook.play_buttons(control)
    notebook.probe_reset(explorer)
    began = time.monotonic()
    play.click()
    notebook.page.wait_for_timeout(PLAY_SECONDS * 1000)
    stop.click()
    seconds = time.monotonic() - began
    notebook.settle(explorer)
    probe = notebook.probe(explorer)
    downs = [t for kind, t in probe["inputs"] if kind == "pointerdown"]
    if len(downs) >= 2:
        seconds = (downs[-1] - downs[0]) / 1000
        frames = len([t for t in probe["changes"] if downs[0] <= t <= downs[-1]])
    else:
        frames = len(probe["changes"])
    return {"control": control["label"], "seconds": seconds, "frames": frames}


def failed(name, error):
    """The result of an explorer whose sweep raised ``error``."""
    message = f"{error.__class__.__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    nan = float("nan")
    return {"explorer": name, "error": message, "moves": 0, "median": nan, "p95": nan, "max": nan,
            "settled_max": nan, "drag_fps": None, "live_sliders": [], "drag_shown": None, "play_fps": None,
            "png_bytes": None, "lost": [], "samples": [], "drags": [], "plays": []}


def run(notebooks, artifacts, source=ROOT / "notebooks"):
    results = []
    with tempfile.TemporaryDirectory(prefix="latency-root-") as root, tempfile.TemporaryDirectory(
        prefix="latency-home-"
    ) as home, tempfile.TemporaryDirectory(prefix="latency-chromium-") as profile:
        labharness.copy_notebooks(root, source)
        server = labharness.LabServer(root, home).start()
        try:
            with labharness.launch_chromium(profile) as browser:
                for notebook_name in notebooks:
                    page = browser.new_page()
                    stem = Path(notebook_name).stem
                    notebook = labharness.NotebookPage(page, server, f"notebooks/{notebook_name}", stem, artifacts)
                    notebook.open()
                    state = notebook.run_all()
                    problems = notebook.problems(state)
                    if problems:
                        raise SystemExit(f"{notebook_name} does not run cleanly:\n  " + "\n  ".join(problems))
                    explorers = notebook.explorers()
                    names = EXPLORERS[notebook_name]
                    if len(explorers) != len(names):
                        raise SystemExit(f"{notebook_name}: {len(explorers)} explorers on the page, expected {len(names)}")
                    for number, (explorer, name) in enumerate(zip(explorers, names), start=1):
                        print(f"  {notebook_name}: {name} ...", flush=True)
                        try:
                            result = measure_explorer(notebook, explorer, name, number)
                        except Exception as error:  # playwright's TimeoutError, a detached element
                            result = failed(name, error)
                            print(f"  {notebook_name}: {name} failed: {result['error']}", flush=True)
                        result["notebook"] = notebook_name
                        results.append(result)
                    notebook.write_log()
                    page.close()
                    server.shutdown_kernels()
        finally:
            server.stop()
    return results


def table(results):
    def seconds(x):
        return "-" if x is None or x != x else f"{x:.3f}"

    head = ("| explorer | moves | median s | p95 s | max s | settled max s | drag fps | drag frames / values"
            " | play fps | PNG bytes/frame |")
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        fps = "-" if r["drag_fps"] is None else f"{r['drag_fps']:.1f}"
        shown = "-" if r.get("drag_shown") is None else f"{r['drag_shown']:.2f}"
        play = "-" if r.get("play_fps") is None else f"{r['play_fps']:.1f}"
        name = r["explorer"] + (f" (failed: {r['error']})" if r.get("error") else "")
        rows.append(
            f"| {name} | {r['moves']} | {seconds(r['median'])} | {seconds(r['p95'])} | {seconds(r['max'])}"
            f" | {seconds(r['settled_max'])} | {fps} | {shown} | {play} | {r['png_bytes'] or '-'} |"
        )
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", help="notebook numbers or names (default: all with explorers)")
    parser.add_argument("--markdown", type=Path, default=labharness.ARTIFACTS / "latency.md")
    parser.add_argument("--notebook-dir", type=Path, default=ROOT / "notebooks",
                        help="where the notebooks come from (e.g. another checkout, with its PYTHONPATH)")
    parser.add_argument("--blas-threads", type=int, help="set OPENBLAS_NUM_THREADS/OMP_NUM_THREADS for the kernels")
    args = parser.parse_args(argv)
    missing = labharness.missing_requirements()
    if missing:
        raise SystemExit(f"needs {' and '.join(missing)}: {labharness.HOW_TO_ENABLE}")
    from bench.browser import notebooks_with_explorers

    chosen = notebooks_with_explorers()
    if args.notebooks:
        chosen = [nb for nb in chosen if any(nb.startswith(n) or nb == n for n in args.notebooks)]
    if args.blas_threads:
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.blas_threads)
    load_before = os.getloadavg()
    began = time.monotonic()
    results = run(chosen, args.markdown.parent, args.notebook_dir)
    load_after = os.getloadavg()
    text = table(results)
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load_before[0]:.2f} before"
        f" and {load_after[0]:.2f} after (1 min), {time.monotonic() - began:.0f} s in all"
        + (f", BLAS threads {args.blas_threads}" if args.blas_threads else "")
    )
    lost = [f"{r['explorer']}: {item}" for r in results for item in r["lost"]]
    print()
    print(text)
    print(machine)
    if lost:
        print("moves with no new picture:", "; ".join(lost))
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(
        "Browser latency (control change to new picture, MutationObserver on the image; "
        "JupyterLab + headless Chromium at 1280 x 800, file browser open)\n\n"
        f"{text}\n\n{machine}\n" + (f"\nMoves with no new picture: {'; '.join(lost)}\n" if lost else "")
    )
    args.markdown.with_suffix(".json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    print(f"written: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
