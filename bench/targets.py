"""The targets (issues 8 and 15) and the table that sets each measurement beside its target.

They are reported, never turned into timed tests: a shared machine makes every number
noisy.
"""

from __future__ import annotations

from bench.report import verdict

#: Each target, by name: seconds, or a ratio / fraction.
TARGETS = {
    "notebook_s": 20.0,
    "series_s": 90.0,
    # kernel side: a control change to a finished PNG (bench.explorers)
    "explorer_median_s": 0.1,
    "explorer_p95_s": 0.2,
    # in the browser: a control change to the new picture on the page (bench.browser)
    "browser_median_s": 0.1,
    "browser_p95_s": 0.2,
    # lessonlib / scikit-learn seconds per epoch
    "rbm_speed_ratio": 1.0,
    "mlp_speed_ratio": 0.7,
    # share of an RBM epoch in the matrix products it requires
    "product_fraction": 0.4,
    # MLPStack / a loop over the same seeds
    "stack_ratio": 1.0,
}


def _notebook_rows(nb):
    if not nb or not nb.get("notebooks"):
        return []
    worst_name, worst = max(nb["notebooks"].items(), key=lambda kv: kv[1])
    return [
        [
            f"every notebook < {TARGETS['notebook_s']:.0f} s",
            f"slowest: {worst_name} {worst:.1f} s",
            verdict(worst < TARGETS["notebook_s"] and not nb["errors"]),
        ],
        [
            f"series < {TARGETS['series_s']:.0f} s",
            f"{nb['total']:.1f} s ({len(nb['notebooks'])} notebooks)",
            verdict(nb["total"] < TARGETS["series_s"]),
        ],
    ]


def _explorer_rows(ex):
    rows = []
    for name, r in (ex or {}).items():
        short = name.split(".")[-1]
        if "steady_median" in r:
            rows.append(
                [
                    f"{short} (kernel): median < {TARGETS['explorer_median_s']} s, "
                    f"p95 < {TARGETS['explorer_p95_s']} s",
                    f"{r['steady_median']:.3f} s / {r['steady_p95']:.3f} s",
                    verdict(r["ok"]),
                ]
            )
        else:
            rows.append([f"{short} explorer", r.get("skipped") or r.get("error"), "n/a"])
    return rows


def _browser_rows(br):
    if not br:
        return []
    if "skipped" in br or "error" in br:
        why = f"skipped: {br['skipped']}" if "skipped" in br else f"error: {br['error']}"
        return [["browser latency", why, "n/a" if "skipped" in br else verdict(False)]]
    rows = []
    for name, r in br["explorers"].items():
        short = name.split(".")[-1]
        if r.get("error"):
            rows.append([f"{short} (browser)", f"the sweep failed: {r['error']}", verdict(False)])
            continue
        fps = "" if r.get("drag_fps") is None else f"; drag {r['drag_fps']:.1f} fps"
        fps += "" if r.get("play_fps") is None else f"; play {r['play_fps']:.1f} fps"
        size = "" if not r.get("png_bytes") else f"; {r['png_bytes'] / 1000:.0f} kB/frame"
        rows.append(
            [
                f"{short} (browser): median < {TARGETS['browser_median_s']} s, "
                f"p95 < {TARGETS['browser_p95_s']} s",
                f"{r['median']:.3f} s / {r['p95']:.3f} s (max {r['max']:.2f} s, {r['moves']} moves{fps}{size})",
                verdict(r["ok"]),
            ]
        )
    return rows


def _training_rows(tr):
    rows = []
    if not tr:
        return rows
    for kind in ("rbm", "mlp"):
        target = TARGETS[f"{kind}_speed_ratio"]
        for r in tr[kind]:
            parts = r["setting"].split(";")
            label = f"{kind.upper()}: {parts[0]}" + (
                f"; {parts[1].strip()}" if kind == "rbm" else ""
            )
            if r["ok_ratio"] is None:
                rows.append([f"{label}: ratio <= {target}", f"skipped: {tr['sklearn']}", "n/a"])
            else:
                rows.append(
                    [
                        f"{label}: ratio <= {target}",
                        f"{r['ratio']:.2f} ({r['ours'] * 1e3:.1f} vs {r['sklearn'] * 1e3:.1f} ms/epoch)",
                        verdict(r["ok_ratio"]),
                    ]
                )
            if kind == "rbm":
                rows.append(
                    [
                        f"{label}: >= {TARGETS['product_fraction']:.0%} in matrix products",
                        f"{r['share']:.0%}",
                        verdict(r["ok_share"]),
                    ]
                )
    for r in tr.get("stack", []):
        rows.append(
            [
                f"MLPStack of {r['seeds']} seeds: {r['label']}: faster than a loop over them",
                f"{r['ratio']:.2f} ({r['stack']:.3f} vs {r['loop']:.3f} s)",
                verdict(r["ok"]),
            ]
        )
    return rows


def targets_table(summaries):
    """Rows ``[target, measured, verdict]`` for every target a section measured.

    Parameters
    ----------
    summaries : dict
        Section name (``"notebooks"``, ``"explorers"``, ``"browser"``, ``"training"``,
        ...) -> that section's summary; sections that did not run are simply absent.

    Returns
    -------
    list of list of str
    """
    return (
        _notebook_rows(summaries.get("notebooks"))
        + _explorer_rows(summaries.get("explorers"))
        + _browser_rows(summaries.get("browser"))
        + _training_rows(summaries.get("training"))
    )
