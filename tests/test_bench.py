"""The benchmark (``python -m bench``) on tiny sizes, so that it cannot rot.

Nothing here checks a timing: the targets are reported by ``python -m bench``, not
tested. These tests pass with and without scikit-learn installed.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from bench import browser, cli, explorers, products, report, targets, training
from bench.notebooks import bench_notebooks
from tools.notebook_runner import KERNELSPEC

ROOT = Path(__file__).resolve().parents[1]


def _tiny_configs(monkeypatch):
    monkeypatch.setattr(
        training,
        "rbm_configs",
        lambda quick: [
            dict(label="tiny", n_hidden=8, batch=50, epochs=1, lr=0.1, n=100, variants=("CD-1",))
        ],
    )
    monkeypatch.setattr(
        training,
        "mlp_configs",
        lambda quick: [
            dict(label="tiny", sizes=(64, 8, 10), batch=50, epochs=1, lr=0.1, momentum=0.9, n=100)
        ],
    )
    monkeypatch.setattr(
        training,
        "stack_configs",
        lambda quick: [training.stack_config("tiny", (64, 8, 10), 50, seeds=2, epochs=1, n=100)],
    )


def test_training_without_sklearn_skips_those_rows(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # "import sklearn" now raises ImportError
    _tiny_configs(monkeypatch)
    sections, summary = training.bench_training(quick=True, repeats=1)
    speed, eff, stacked = sections
    assert "scikit-learn is not installed" in summary["sklearn"]
    assert any("skipped" in note for note in speed.notes)
    assert [row[0] for row in speed.rows] == ["RBM", "MLP"]
    assert all(row[4] == "n/a" for row in speed.rows)
    assert summary["rbm"][0]["ours"] > 0 and summary["mlp"][0]["products"] > 0
    rbm = summary["rbm"][0]
    assert rbm["full_pass"] > 0 and rbm["sigmoid"] > 0 and rbm["random"] > 0
    assert rbm["ok_share"] in (True, False) and summary["mlp"][0]["ok_share"] is None  # no MLP share target
    assert "skipped" in " ".join(row[1] for row in targets.targets_table({"training": summary}))
    assert "| RBM |" in eff.markdown() and "random numbers alone" in eff.markdown()
    assert "tanh" not in eff.markdown()  # fit's sigmoid is the exp form
    # the stacked seeds run without scikit-learn too
    (r,) = summary["stack"]
    assert r["seeds"] == 2 and r["stack"] > 0 and r["loop"] > 0 and r["ok"] in (True, False)
    assert stacked.rows[0][:3] == ["tiny", 2, 1] and "MLPStack" in stacked.markdown()


def test_training_against_sklearn(monkeypatch):
    pytest.importorskip("sklearn")
    _tiny_configs(monkeypatch)
    _, summary = training.bench_training(quick=True, repeats=1)
    for row in summary["rbm"] + summary["mlp"]:
        assert row["sklearn"] > 0 and row["ratio"] > 0 and row["ok_ratio"] in (True, False)


def test_targets_table_names_the_issues_targets():
    rbm = dict(setting="s; ours CD-1 vs BernoulliRBM PCD-1; 10 epochs", ours=0.004, sklearn=0.008, ratio=0.5,
               ok_ratio=True, share=0.45, ok_share=True)
    mlp = dict(setting="m; SGD; 10 epochs", ours=0.006, sklearn=0.01, ratio=0.6, ok_ratio=True, share=0.2,
               ok_share=None)
    stack = dict(label="net", seeds=10, stack=0.8, loop=1.1, ratio=0.73, ok=True)
    rows = targets.targets_table({"training": {"rbm": [rbm], "mlp": [mlp], "stack": [stack], "sklearn": "1"}})
    text = [row[0] for row in rows]
    assert "RBM: s; ours CD-1 vs BernoulliRBM PCD-1: >= 40% in matrix products" in text
    assert "MLP: m: ratio <= 0.7" in text and not any("MLP" in t and "matrix products" in t for t in text)
    assert rows[-1] == ["MLPStack of 10 seeds: net: faster than a loop over them", "0.73 (0.800 vs 1.100 s)", "met"]
    assert targets.TARGETS["product_fraction"] == 0.4


def test_products_match_the_shapes_of_an_epoch():
    # the part timers must run: a wrong shape raises ValueError here
    products.rbm_products(95, 20, 64, 7, persistent=True)()
    products.rbm_sigmoids(95, 20, 64, 7)()
    products.rbm_random_numbers(95, 20, 64, 7, k=2, persistent=True)()
    products.mlp_products(95, 20, (64, 9, 5, 10))()
    products.rbm_reconstruction_error(products.np.zeros((30, 64)), 7)()
    assert products.batch_sizes(95, 20) == [20, 20, 20, 20, 15]


def _listed():
    from lessonlib.lessons import EXPLORERS

    return [dotted for names in EXPLORERS.values() for dotted in names]


def test_explorers_are_found_through_the_registry_and_swept():
    from lessonlib.lessons.start_here import WaveDemo

    found, errors = explorers.discover_explorers()
    assert not errors, errors
    assert found, "no explorer found"
    assert sorted(found) == sorted(_listed())
    assert len(found) == len(_listed())  # every class the registry lists, no more
    assert set(explorers.EXPLORER_FACTORIES) <= set(found), "a factory for an unlisted explorer"
    for dotted, cls in found.items():
        make, reason = explorers.explorer_constructor(dotted, cls, quick=True)
        assert make is not None, reason
    r = explorers.time_explorer(WaveDemo, n_values=3, passes=2)
    assert r["settings"] == 4  # frequencies 1, 6 and 10, then back to the start (2)
    assert len(r["steady"]) == 4 and r["steady_p95"] >= r["steady_median"] > 0
    # each control's values span its range and leave out the current value
    assert explorers.control_values(WaveDemo().controls["frequency"], 4) == [1, 4, 7, 10]


def test_a_listed_explorer_that_cannot_be_found_is_reported(monkeypatch):
    from lessonlib import lessons

    monkeypatch.setitem(lessons.EXPLORERS, "99_extra.ipynb", ("start_here.NoSuchExplorer",))
    found, errors = explorers.discover_explorers()
    assert (
        "start_here.NoSuchExplorer" in errors
        and "NoSuchExplorer" in errors["start_here.NoSuchExplorer"]
    )
    assert len(found) == len(_listed()) - 1
    section, summary = explorers.bench_explorers(quick=True, n_values=1, passes=1)
    assert any("NoSuchExplorer" in note for note in section.notes)
    assert "start_here.NoSuchExplorer" not in summary


def test_no_listed_explorer_is_said(monkeypatch):
    from lessonlib import lessons

    monkeypatch.setattr(lessons, "EXPLORERS", {"00_start_here.ipynb": ()})
    section, summary = explorers.bench_explorers(quick=True)
    assert summary == {} and any("no explorers found" in note for note in section.notes)


def test_an_explorer_needing_arguments_without_a_factory_is_skipped():
    from lessonlib.lessons.start_here import WaveDemo

    class NeedsData(WaveDemo):
        def __init__(self, data, frequency=2):
            super().__init__(frequency)

    make, reason = explorers.explorer_constructor("start_here.NeedsData", NeedsData, quick=True)
    assert make is None and "data" in reason and "start_here.NeedsData" in reason


def test_selection_controls_sweep_their_values():
    import ipywidgets as w

    drop = w.Dropdown(options=[("a", "x"), ("b", "y"), ("c", "z")], value="y")
    assert explorers.control_values(drop, 5) == ["x", "z"]
    log = w.FloatLogSlider(value=1.0, base=10, min=-1, max=1)
    assert explorers.control_values(log, 3) == pytest.approx([0.1, 10.0])
    stds = w.SelectionSlider(options=[("zeros", 0.0), ("0.1", 0.1), ("1", 1.0)], value=0.1)
    assert explorers.control_values(stds, 5) == [0.0, 1.0]


def test_notebook_timing_runs_a_copy(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1 + 1\nprint(x)"))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    section, summary = bench_notebooks([path], repeats=1, baseline=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never written back
    assert not summary["errors"]
    assert summary["notebooks"]["00_tiny.ipynb"] > 0
    assert "00_tiny.ipynb" in section.markdown()


def test_quick_mode_times_no_notebooks():
    steps = cli._steps(quick=True, repeats=1, notebook_repeats=None, notebooks=None)
    section, summary = steps["notebooks"][1]()
    assert summary["notebooks"] == {} and "no notebooks timed" in section.notes[0]


def test_main_writes_results(tmp_path):
    out = tmp_path / "RESULTS.md"
    assert cli.main(["--quick", "--sections", "import", "--output", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks")
    assert "`python -m bench --quick`" in text
    for part in ("cores available", "numpy", "BLAS", "load average", "## Targets", "Import time"):
        assert part in text
    assert "| target | measured | |" in text
    assert "every `lessonlib.*` module" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--repeats", "0"], "whole number >= 1"),
        (["--repeats", "two"], "whole number >= 1"),
        (["--threads", "-1"], "whole number >= 1"),
        (["--notebook-repeats", "1.5"], "whole number >= 1"),
        (["--sections", "notebooks,speed"], "unknown sections ['speed']"),
        (["--sections", ","], "unknown sections"),
        (["--notebooks", "no/such.ipynb"], "no such notebook"),
        (["--output", "no/such/folder/RESULTS.md"], "no folder"),
        (["--output", "bench"], "is a folder"),
    ],
)
def test_bad_command_lines_are_refused_with_a_reason(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_python_m_bench_is_the_command():
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--repeats", "0"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 2 and "python -m bench" in out.stderr


def test_readme_table_is_replaced_between_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.README_START}\nold\n{report.README_END}\nend\n")
    results = report.Results(quick=True, targets=[["t", "1 s", "met"]])
    results.machine = {
        "date": "today",
        "cores": 2,
        "load_start": (1.0, 1.0, 1.0),
        "load_end": (4.5, 2.0, 1.0),
        "numpy": "2",
        "sklearn": "x",
    }
    assert report.update_readme(results, readme)
    text = readme.read_text()
    assert "old" not in text and "| t | 1 s | met |" in text and text.endswith("end\n")
    assert "load average 1.0 at the start and 4.5 at the end" in text
    readme.write_text("no markers\n")
    assert not report.update_readme(results, readme) and readme.read_text() == "no markers\n"


def test_the_korean_readme_gets_its_head_and_verdicts_in_korean(tmp_path):
    for name in ("README.md", "README.ko.md"):
        (tmp_path / name).write_text(f"intro\n{report.README_START}\nold\n{report.README_END}\nend\n")
    results = report.Results(quick=True, targets=[["t", "1 s", "met"], ["u", "2 s", "**missed**"], ["v", "-", "n/a"]])
    results.machine = {"date": "today", "cores": 2, "load_start": (1.0, 1.0, 1.0), "load_end": (4.5, 2.0, 1.0),
                       "numpy": "2", "sklearn": "x"}
    assert report.update_readmes(results, tmp_path) == ["README.md", "README.ko.md"]
    english = (tmp_path / "README.md").read_text()
    korean = (tmp_path / "README.ko.md").read_text(encoding="utf-8")
    assert "| target | measured | |" in english and "| u | 2 s | **missed** |" in english
    assert "최근 실행(today, 코어 2개, 평균 부하 시작 1.0, 끝 4.5, numpy 2, scikit-learn x;" in korean
    assert "| 목표 | 측정값 | |" in korean and "| t | 1 s | 달성 |" in korean and "| u | 2 s | **미달** |" in korean
    assert "| v | - | 해당 없음 |" in korean and "old" not in korean and korean.endswith("end\n")
    (tmp_path / "README.ko.md").unlink()
    assert report.update_readmes(results, tmp_path) == ["README.md"]


# --- the browser section: no browser is started here (tests/browser does that) -----------


def _latency_result(name, median, p95, lost=()):
    return {"explorer": name, "notebook": "01_x.ipynb", "moves": 12, "median": median, "p95": p95, "max": p95 + 0.01,
            "settled_max": p95 + 0.02, "drag_fps": None, "drag_shown": None, "png_bytes": 32908,
            "live_sliders": [], "lost": list(lost), "samples": [{"first": median}], "drags": []}


def test_browser_results_are_summarized_against_the_targets():
    from tools.browser_latency import failed

    playground = _latency_result("training_dynamics.BoundaryExplorer", 0.07, 0.09) | {"play_fps": 4.5}
    results = [_latency_result("zero_init.SeedExplorer", 0.08, 0.15),
               _latency_result("xavier_he.PropagationExplorer", 0.12, 0.15),
               _latency_result("start_here.WaveDemo", 0.05, 0.06, lost=["frequency at 0.50"]),
               playground, failed("rbm_reconstruction.EpochExplorer", TimeoutError("Timeout 60000ms exceeded.\nlog"))]
    summary = browser.summarize(results)
    assert [summary[name]["ok"] for name in summary] == [True, False, False, True, False]  # median; lost; failed
    assert "samples" not in summary["zero_init.SeedExplorer"]  # the raw samples stay in the tool's JSON
    section = browser.section_for({"explorers": summary}, seconds=42)
    text = section.markdown()
    assert "`lessonlib.lessons.zero_init.SeedExplorer` | 12 | 0.080 | 0.150 | 0.160 | 0.170 | - | - | - | 32908 | met" in text
    assert "| 0.070 | 0.090 | 0.100 | 0.110 | - | - | 4.5 | 32908 | met" in text
    assert any("frequency at 0.50" in note for note in section.notes) and "42 s" in text
    assert "`rbm_reconstruction.EpochExplorer`: the sweep failed: TimeoutError: Timeout 60000ms exceeded." in section.notes
    rows = targets.targets_table({"browser": {"explorers": summary}})
    assert rows[0][0] == "SeedExplorer (browser): median < 0.1 s, p95 < 0.2 s"
    assert rows[0][1] == "0.080 s / 0.150 s (max 0.16 s, 12 moves; 33 kB/frame)" and rows[0][2] == "met"
    assert rows[1][2] == "**missed**" and "play 4.5 fps" in rows[3][1]
    assert rows[4] == ["EpochExplorer (browser)", "the sweep failed: TimeoutError: Timeout 60000ms exceeded.",
                       "**missed**"]


def test_browser_section_without_a_browser_is_skipped_with_the_reason(monkeypatch):
    from tools import browser_latency

    monkeypatch.setattr(browser_latency.labharness, "missing_requirements", lambda: ["chromium"])
    section, summary = browser.bench_browser(quick=True)
    assert "chromium" in summary["skipped"] and "skipped" in section.notes[0]
    assert targets.targets_table({"browser": summary}) == [["browser latency", f"skipped: {summary['skipped']}", "n/a"]]


def test_a_notebook_failing_in_the_page_is_reported(monkeypatch):
    from tools import browser_latency

    def fail(notebooks, artifacts):
        raise SystemExit("01_x.ipynb does not run cleanly")

    monkeypatch.setattr(browser_latency.labharness, "missing_requirements", lambda: [])
    monkeypatch.setattr(browser_latency, "run", fail)
    section, summary = browser.bench_browser(notebooks=["01_x.ipynb"])
    assert "does not run cleanly" in summary["error"] and "error" in section.notes[0]
    assert targets.targets_table({"browser": summary})[0][2] == "**missed**"

    def crash(notebooks, artifacts):
        raise RuntimeError("the server did not start\nits log")

    monkeypatch.setattr(browser_latency, "run", crash)  # the benchmark goes on with its other sections
    _, summary = browser.bench_browser(notebooks=["01_x.ipynb"])
    assert summary == {"error": "the server did not start"}


def test_browser_sweeps_every_notebook_with_explorers():
    from lessonlib.lessons import EXPLORERS

    chosen = browser.notebooks_with_explorers()
    assert chosen == [name for name, names in EXPLORERS.items() if names]
    assert browser.notebooks_with_explorers(quick=True) == chosen[:1]
    assert "browser" in cli.SECTIONS and "browser" in cli.RUN_ORDER


def test_the_share_is_the_median_of_paired_ratios_of_products_to_a_fit_epoch(monkeypatch):
    """Products and fit timed in the same rounds; each round gives one share, the median is reported."""
    calls = []
    # a fit of 4 epochs and one epoch's products, in turns (the first calls are not timed);
    # the load changes between the pairs, not within one: the second pair is twice as slow
    seconds = iter([0.4, 0.05, 0.1, 0.8, 0.4, 0.06])

    def fake_timed(fn):
        fn()
        return next(seconds)

    def fit():
        calls.append("fit")

    def prods():
        calls.append("products")

    monkeypatch.setattr(training, "timed", fake_timed)
    r = training.compare(fit, None, 4, 3, "s", 1.0, {"products": prods})
    alone, share = r["products"], r["products_share"]
    # pairs: (0.4, 0.05) -> 0.5, (0.8, 0.1) -> 0.5 (the order flips), (0.4, 0.06) -> 0.6
    assert share == pytest.approx(0.5) and alone == pytest.approx(0.06)
    assert calls == ["fit", "products", "fit", "products", "products", "fit", "fit", "products"]


def test_fits_and_parts_run_in_the_same_rounds(monkeypatch):
    """Ours, scikit-learn's and a part: every round runs each once, the order reversing;
    the ratio and both shares come round by round."""
    calls = []
    seconds = iter([1.0, 2.0, 0.1, 0.4, 4.0, 2.0, 1.0, 2.0, 0.1])  # round 2 is twice as slow

    def fake_timed(fn):
        fn()
        return next(seconds)

    def make(name):
        return lambda: calls.append(name)

    monkeypatch.setattr(training, "timed", fake_timed)
    r = training.compare(make("ours"), make("theirs"), 2, 3, "s", 0.6, {"products": make("products")})
    assert calls == ["ours", "theirs", "products"] + ["ours", "theirs", "products", "products", "theirs", "ours"] + [
        "ours", "theirs", "products"]
    assert r["ratio"] == pytest.approx(0.5) and r["ok_ratio"]
    assert r["products_share"] == pytest.approx(0.2) and r["products_share_sklearn"] == pytest.approx(0.1)
