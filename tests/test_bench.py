"""The benchmark harness (bench/run.py) on tiny sizes, so that it cannot rot.

Nothing here checks a timing: the targets are reported by ``python bench/run.py``, not
tested. These tests pass with and without scikit-learn installed.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _tiny_configs(bench, monkeypatch):
    monkeypatch.setattr(
        bench,
        "rbm_configs",
        lambda quick: [
            dict(label="tiny", n_hidden=8, batch=50, epochs=1, lr=0.1, n=100, variants=("CD-1",))
        ],
    )
    monkeypatch.setattr(
        bench,
        "mlp_configs",
        lambda quick: [
            dict(label="tiny", sizes=(64, 8, 10), batch=50, epochs=1, lr=0.1, momentum=0.9, n=100)
        ],
    )


def test_training_without_sklearn_skips_those_rows(bench, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # "import sklearn" now raises ImportError
    _tiny_configs(bench, monkeypatch)
    sections, summary = bench.bench_training(quick=True, repeats=1)
    speed, eff = sections
    assert "scikit-learn is not installed" in summary["sklearn"]
    assert any("skipped" in note for note in speed.notes)
    assert [row[0] for row in speed.rows] == ["RBM", "MLP"]
    assert all(row[4] == "n/a" for row in speed.rows)
    assert summary["rbm"][0]["ours"] > 0 and summary["mlp"][0]["products"] > 0
    assert "skipped" in " ".join(row[1] for row in bench.targets_table({"training": summary}))
    assert "| RBM |" in eff.markdown()


def test_training_against_sklearn(bench, monkeypatch):
    pytest.importorskip("sklearn")
    _tiny_configs(bench, monkeypatch)
    _, summary = bench.bench_training(quick=True, repeats=1)
    for row in summary["rbm"] + summary["mlp"]:
        assert row["sklearn"] > 0 and row["ratio"] > 0 and row["ok_ratio"] in (True, False)


def test_products_match_the_shapes_of_an_epoch(bench):
    # the product timers must run: a wrong shape raises ValueError here
    bench.rbm_products(95, 20, 64, 7, persistent=True)()
    bench.rbm_sigmoids(95, 20, 64, 7)()
    bench.mlp_products(95, 20, (64, 9, 5, 10))()


def test_explorers_are_discovered_and_swept(bench):
    from lessonlib.lessons import EXPLORERS
    from lessonlib.lessons.start_here import WaveDemo

    found, errors = bench.discover_explorers()
    assert not errors
    assert "lessonlib.lessons.start_here.WaveDemo" in found and "lessonlib.lessons.zero_init.SeedExplorer" in found
    assert len(found) == sum(len(v) for v in EXPLORERS.values())
    for cls in found.values():
        make, reason = bench.explorer_constructor(cls, quick=True)
        assert make is not None or "EXPLORER_FACTORIES" in reason
    r = bench.time_explorer(WaveDemo, n_values=3, passes=2)
    assert r["settings"] == 4  # frequencies 1, 6 and 10, then back to the start (2)
    assert len(r["steady"]) == 4 and r["steady_p95"] >= r["steady_median"] > 0

    class NeedsData(WaveDemo):
        def __init__(self, data, frequency=2):
            super().__init__(frequency)

    make, reason = bench.explorer_constructor(NeedsData, quick=True)
    assert make is None and "data" in reason
    # each control's values span its range and leave out the current value
    values = bench.control_values(WaveDemo().controls["frequency"], 4)
    assert values == [1, 4, 7, 10]


def test_selection_controls_sweep_their_values(bench):
    import ipywidgets as w

    drop = w.Dropdown(options=[("a", "x"), ("b", "y"), ("c", "z")], value="y")
    assert bench.control_values(drop, 5) == ["x", "z"]
    log = w.FloatLogSlider(value=1.0, base=10, min=-1, max=1)
    assert bench.control_values(log, 3) == pytest.approx([0.1, 10.0])
    stds = w.SelectionSlider(options=[("zeros", 0.0), ("0.1", 0.1), ("1", 1.0)], value=0.1)
    assert bench.control_values(stds, 5) == [0.0, 1.0]


def test_notebook_timing_runs_a_copy(bench, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1 + 1\nprint(x)"))
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    section, summary = bench.bench_notebooks([path], repeats=1, baseline=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never written back
    assert not summary["errors"]
    assert summary["notebooks"]["00_tiny.ipynb"] > 0
    assert "00_tiny.ipynb" in section.markdown()


def test_main_writes_results(bench, tmp_path):
    out = tmp_path / "RESULTS.md"
    assert bench.main(["--quick", "--sections", "import", "--output", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks")
    for part in ("cores available", "numpy", "BLAS", "load average", "## Targets", "Import time"):
        assert part in text
    assert "every `lessonlib.*` module" in text


def test_readme_table_is_replaced_between_markers(bench, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{bench.README_START}\nold\n{bench.README_END}\nend\n")
    results = bench.Results(quick=True, targets=[["t", "1 s", "met"]])
    results.machine = {
        "date": "today",
        "cores": 2,
        "load_start": (1.0, 1.0, 1.0),
        "numpy": "2",
        "sklearn": "x",
    }
    assert bench.update_readme(results, readme)
    text = readme.read_text()
    assert "old" not in text and "| t | 1 s | met |" in text and text.endswith("end\n")
