"""The targets of issue 8 and the table that sets each measurement beside its target.

They are reported, never turned into timed tests: a shared machine makes every number
noisy.
"""

from __future__ import annotations

from bench.report import verdict

#: Each target, by name: seconds, or a ratio / fraction.
TARGETS = {
    "notebook_s": 20.0,
    "series_s": 90.0,
    "explorer_median_s": 0.1,
    "explorer_p95_s": 0.2,
    "speed_ratio": 1.0,
    "product_fraction": 0.5,
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
                    f"{short}: median < {TARGETS['explorer_median_s']} s, p95 < {TARGETS['explorer_p95_s']} s",
                    f"{r['steady_median']:.3f} s / {r['steady_p95']:.3f} s",
                    verdict(r["ok"]),
                ]
            )
        else:
            rows.append([f"{short} explorer", r.get("skipped") or r.get("error"), "n/a"])
    return rows


def _training_rows(tr):
    rows = []
    if not tr:
        return rows
    for kind in ("rbm", "mlp"):
        for r in tr[kind]:
            parts = r["setting"].split(";")
            label = f"{kind.upper()}: {parts[0]}" + (
                f"; {parts[1].strip()}" if kind == "rbm" else ""
            )
            if r["ok_ratio"] is None:
                rows.append([f"{label}: ratio <= 1.0", f"skipped: {tr['sklearn']}", "n/a"])
            else:
                rows.append(
                    [
                        f"{label}: ratio <= 1.0",
                        f"{r['ratio']:.2f} ({r['ours'] * 1e3:.1f} vs {r['sklearn'] * 1e3:.1f} ms/epoch)",
                        verdict(r["ok_ratio"]),
                    ]
                )
            rows.append(
                [f"{label}: >= 50% in matrix products", f"{r['share']:.0%}", verdict(r["ok_share"])]
            )
    return rows


def targets_table(summaries):
    """Rows ``[target, measured, verdict]`` for every target a section measured.

    Parameters
    ----------
    summaries : dict
        Section name (``"notebooks"``, ``"explorers"``, ``"training"``, ...) -> that
        section's summary; sections that did not run are simply absent.

    Returns
    -------
    list of list of str
    """
    return (
        _notebook_rows(summaries.get("notebooks"))
        + _explorer_rows(summaries.get("explorers"))
        + _training_rows(summaries.get("training"))
    )
