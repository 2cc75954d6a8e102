"""The report: sections as markdown tables, the whole RESULTS.md, the README's table.

No numpy here: ``bench.cli`` imports this before ``--threads`` has set the BLAS
threads, which must happen before numpy loads.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The README's table of targets is replaced between these two lines.
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def median(values):
    """The median of ``values``, ``None`` entries left out; NaN when none is left."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def fmt_s(seconds, digits=3):
    """Seconds as ``"1.234"``, or ``"n/a"`` for None or NaN."""
    if seconds is None or seconds != seconds:
        return "n/a"
    return f"{seconds:.{digits}f}"


def fmt_ms(seconds):
    """Seconds as ``"12.3 ms"``, or ``"n/a"`` for None or NaN."""
    if seconds is None or seconds != seconds:
        return "n/a"
    return f"{seconds * 1e3:.1f} ms"


def verdict(ok):
    """A target's verdict: ``"met"``, ``"**missed**"``, or ``"n/a"`` for None."""
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def table(header, rows):
    """A markdown table, as a list of lines (``header`` is a list of column names)."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + table_rows(rows)


def table_rows(rows):
    """The body lines of a markdown table."""
    return ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


#: The head of the targets table (RESULTS.md and the README); its verdict column is unnamed.
TARGETS_HEAD = ["| target | measured | |", "|---|---|---|"]


def targets_lines(rows):
    """The targets table, as a list of lines (``rows``: ``[target, measured, verdict]``)."""
    return TARGETS_HEAD + table_rows(rows)


@dataclass
class Section:
    """One part of RESULTS.md: a title, a note, a table and notes below it.

    Attributes
    ----------
    title, note : str
        The heading, and the paragraph under it (what was measured, the targets).
    header : list of str
        The table's columns; no table when empty.
    rows : list of list
        The table's rows, one cell per column.
    notes : list of str
        Bullet points under the table (skipped rows, load averages).
    """

    title: str
    note: str = ""
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def markdown(self):
        """The section as markdown, ending with a blank line."""
        lines = [f"## {self.title}", ""]
        if self.note:
            lines += [self.note, ""]
        if self.header:
            lines += table(self.header, self.rows) + [""]
        lines += [f"- {note}" for note in self.notes]
        if self.notes:
            lines.append("")
        return "\n".join(lines)


@dataclass
class Results:
    """Everything one run measured.

    Attributes
    ----------
    quick : bool
        Made with ``--quick`` (tiny sizes: not comparable with a full run).
    sections : list of Section
    targets : list of list
        Rows ``[target, measured, verdict]``.
    machine : dict
        ``bench.machine.machine_info()`` plus ``date``, ``load_end`` and ``seconds``.
    summaries : dict
        Each section's numbers by section name (what ``targets_table`` reads).
    """

    quick: bool
    sections: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    machine: dict = field(default_factory=dict)
    summaries: dict = field(default_factory=dict)


def render(results):
    """The text of RESULTS.md for ``results``."""
    m = results.machine
    env = m.get("env")
    quick = " --quick" if results.quick else ""
    lines = [
        "# Benchmarks",
        "",
        f"Made by `python -m bench{quick}` on {m['date']}. "
        f"{'**Quick mode: tiny sizes, not comparable.**' if results.quick else ''}".rstrip(),
        "",
        f"- Machine: {m['cores']} cores available, {m['processor']}, {m['platform']}; load average (1, 5, 15 min) "
        f"{m['load_start']} at the start, {m['load_end']} at the end (the machine is shared: read the numbers "
        "as medians under that load).",
        f"- Python {m['python']}, numpy {m['numpy']}, matplotlib {m.get('matplotlib', '?')}, "
        f"scikit-learn {m['sklearn']}.",
        f"- BLAS: {m['blas']}."
        + (f" Environment: {', '.join(f'{k}={v}' for k, v in env.items())}." if env else ""),
        f"- Run took {m['seconds']:.0f} s.",
        "",
        "## Targets",
        "",
        *targets_lines(results.targets),
        "",
    ]
    lines += [section.markdown() for section in results.sections]
    return "\n".join(lines).rstrip() + "\n"


#: README.ko.md's words for the lines ``update_readme`` writes around the table's rows (the
#: rows, measured names and numbers, stay as RESULTS.md has them)
KOREAN = {
    "head": "최근 실행({date}, 코어 {cores}개, 평균 부하 시작 {start}, 끝 {end}, numpy {numpy}, scikit-learn "
            "{sklearn}; 자세한 내용은 [bench/RESULTS.md](bench/RESULTS.md)):",
    "table": ["| 목표 | 측정값 | |", "|---|---|---|"],
    "verdicts": {"met": "달성", "**missed**": "**미달**", "n/a": "해당 없음"},
}


def update_readme(results, readme=ROOT / "README.md"):
    """Replace the table between the README's bench markers.

    Parameters
    ----------
    results : Results
    readme : pathlib.Path, optional
        The file to change (default: the clone's README.md). A file named README.ko.md
        gets the head line, the column names and the verdicts in Korean (``KOREAN``).

    Returns
    -------
    bool
        False, and the file untouched, when it has no markers.
    """
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    m = results.machine
    values = {
        "date": m["date"], "cores": m["cores"], "numpy": m["numpy"], "sklearn": m["sklearn"],
        "start": m["load_start"][0] if m.get("load_start") else "?",
        "end": m["load_end"][0] if m.get("load_end") else "?",
    }
    if readme.name == "README.ko.md":
        rows = [[*row[:-1], KOREAN["verdicts"][row[-1]]] for row in results.targets]
        lines = [KOREAN["head"].format(**values), "", *KOREAN["table"], *table_rows(rows)]
    else:
        lines = [
            "Latest run ({date}, {cores} cores, load average {start} at the start and {end} at the end, "
            "numpy {numpy}, scikit-learn {sklearn}; details in [bench/RESULTS.md](bench/RESULTS.md)):".format(**values),
            "",
            *targets_lines(results.targets),
        ]
    readme.write_text(
        head + README_START + "\n" + "\n".join(lines) + "\n" + README_END + tail, encoding="utf-8"
    )
    return True


def update_readmes(results, root=ROOT):
    """``update_readme`` on README.md and, when it exists, README.ko.md; the names of the
    files whose table was replaced."""
    return [path.name for path in (root / "README.md", root / "README.ko.md")
            if path.exists() and update_readme(results, path)]
