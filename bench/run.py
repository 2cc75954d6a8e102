"""How fast the series runs and responds, side by side with scikit-learn: one command.

    python bench/run.py                    # everything; writes bench/RESULTS.md
    python bench/run.py --quick            # tiny sizes, about a minute; bench/RESULTS-quick.md
    python bench/run.py --sections training,import --repeats 3
    python bench/run.py --threads 1        # pin BLAS to one thread (set before numpy loads)
    python bench/run.py --update-readme    # also refresh the table in README.md

What is measured (medians over repeats; the machine's load average is recorded, since a
shared machine makes every number noisy):

- notebooks: every ``notebooks/NN_*.ipynb`` executed headless with nbclient in a fresh
  kernel, on a temporary copy (the repository's notebooks are never touched), and the
  total; an empty notebook gives the kernel start-up cost included in each number.
- explorers: every explorer listed in ``lessonlib.lessons.EXPLORERS`` (the notebooks')
  modules, built at its default sizes, then moved through a sweep of settings (each
  control through its range, one change at a time, as a person would). The time of one
  ``explorer.set(...)`` is a control change to a finished PNG. The first pass over the
  sweep fills the explorer's caches ("first visit", reported apart); the later passes are
  the steady state (median and 95th percentile).
- training: ``lessonlib.rbm.RBM.fit`` (CD-1, and PCD-1) against scikit-learn's
  ``BernoulliRBM`` (always PCD-1) on the binarized digits, and ``lessonlib.nn.MLP.fit``
  against ``MLPClassifier(solver="sgd")``, with the same sizes, batch size, epochs and
  learning rule; the two are timed alternately in one run and the ratio is the median of
  the paired ratios.
- efficiency: the matrix products one epoch requires, timed alone with the same BLAS and
  shapes, as a fraction of the epoch (and, for the RBM, the element-wise sigmoid alone).
- import: ``import lessonlib`` and all its modules, in a fresh interpreter.

scikit-learn is only needed here (``python -m pip install -r requirements-bench.txt``);
without it, its rows say so and everything else still runs.

An explorer whose constructor needs arguments (data, a trained history) gets them from
``EXPLORER_FACTORIES`` below, or from a ``bench_example()`` classmethod on the class
itself; one with neither is listed as skipped, with that reason.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import inspect
import json
import os
import pkgutil
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a clone without installing
    sys.path.insert(0, str(ROOT))

#: The targets of issue 8 (reported, never turned into timed tests).
TARGETS = {
    "notebook_s": 20.0,
    "series_s": 90.0,
    "explorer_median_s": 0.1,
    "explorer_p95_s": 0.2,
    "speed_ratio": 1.0,
    "product_fraction": 0.5,
}

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


# --- small helpers ---------------------------------------------------------------------------


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def percentile(values, q):
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def fmt_s(seconds, digits=3):
    if seconds is None or seconds != seconds:
        return "n/a"
    return f"{seconds:.{digits}f}"


def fmt_ms(seconds):
    if seconds is None or seconds != seconds:
        return "n/a"
    return f"{seconds * 1e3:.1f} ms"


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def load_average():
    try:
        return tuple(round(x, 2) for x in os.getloadavg())
    except (OSError, AttributeError):
        return None


def core_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def load_sklearn():
    """scikit-learn's two estimators, or (None, reason) when it is not installed."""
    try:
        import sklearn
        from sklearn.neural_network import BernoulliRBM, MLPClassifier
    except ImportError as error:
        return (
            None,
            f"scikit-learn is not installed ({error.__class__.__name__}); pip install -r requirements-bench.txt",
        )
    return {
        "version": sklearn.__version__,
        "BernoulliRBM": BernoulliRBM,
        "MLPClassifier": MLPClassifier,
    }, ""


@dataclass
class Section:
    title: str
    note: str = ""
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def markdown(self):
        lines = [f"## {self.title}", ""]
        if self.note:
            lines += [self.note, ""]
        if self.header:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "---|" * len(self.header))
            for row in self.rows:
                lines.append("| " + " | ".join(str(c) for c in row) + " |")
            lines.append("")
        for note in self.notes:
            lines.append(f"- {note}")
        if self.notes:
            lines.append("")
        return "\n".join(lines)


@dataclass
class Results:
    quick: bool
    sections: list = field(default_factory=list)
    targets: list = field(default_factory=list)  # (target, measured, ok)
    machine: dict = field(default_factory=dict)


# --- machine -------------------------------------------------------------------------------


def machine_info():
    import numpy as np

    info = {
        "cores": core_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "processor": platform.machine(),
        "numpy": np.__version__,
        "blas": "unknown",
        "load_start": load_average(),
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name):
            info.setdefault("env", {})[name] = os.environ[name]
    try:
        import matplotlib

        info["matplotlib"] = matplotlib.__version__
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            info["blas"] = "; ".join(
                f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')} kernel, "
                f"{p.get('num_threads')} threads)"
                for p in pools
            )
    except ImportError:
        pass
    if info["blas"] == "unknown":
        try:
            config = np.show_config(mode="dicts")
            blas = config["Build Dependencies"]["blas"]
            info["blas"] = f"{blas.get('name')} {blas.get('version')} (threads: library default)"
        except Exception:  # numpy < 1.26 has no mode="dicts"
            pass
    sk, _ = load_sklearn()
    info["sklearn"] = sk["version"] if sk else "not installed"
    return info


# --- notebooks -------------------------------------------------------------------------------


def notebook_paths(folder=None):
    folder = Path(folder) if folder else ROOT / "notebooks"
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _empty_notebook():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("pass"))
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    return nb


def execute_notebook(path, timeout=600):
    """Execute the notebook at ``path`` in a fresh kernel; return (seconds, error or "").

    The caller passes a copy: the executed outputs are written nowhere.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        record_timing=False,
        store_widget_state=False,
        allow_errors=False,
    )
    start = time.perf_counter()
    error = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # jupyter's own deprecation notices
            client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1][:120] if str(exc).strip() else "cell error"
    except Exception as exc:  # timeouts, dead kernels: report, do not crash the run
        error = f"{exc.__class__.__name__}: {str(exc)[:100]}"
    return time.perf_counter() - start, error


def bench_notebooks(paths, repeats=1, timeout=600, baseline=True):
    """Per-notebook execution times (on temporary copies) and the series total."""
    section = Section(
        "Notebooks (headless, nbclient, fresh kernel each)",
        note=f"Wall time of executing each notebook top to bottom, kernel start included; "
        f"median of {repeats} run(s). Targets: each < {TARGETS['notebook_s']:.0f} s, "
        f"series < {TARGETS['series_s']:.0f} s.",
        header=["notebook", "median (s)", "runs (s)", "target"],
    )
    os.environ.pop("MPLBACKEND", None)  # the inline backend, as readers and nbval see it
    summary = {"notebooks": {}, "total": None, "errors": {}}
    if not paths:
        section.notes.append(
            "no notebooks timed (quick mode times none unless --notebooks names some)"
        )
        return section, summary
    import nbformat

    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as tmp:
        tmp = Path(tmp)
        copies, folders = [], {}
        for path in paths:
            # copy each notebook's whole folder once, so that relative paths still work
            source = Path(path).resolve().parent
            if source not in folders:
                folders[source] = tmp / f"{len(folders)}_{source.name}"
                shutil.copytree(
                    source, folders[source], ignore=shutil.ignore_patterns(".ipynb_checkpoints")
                )
            copies.append(folders[source] / Path(path).name)
        empty = tmp / "empty.ipynb"
        nbformat.write(_empty_notebook(), empty)
        base = (
            [execute_notebook(empty, timeout)[0] for _ in range(max(1, min(repeats, 3)))]
            if baseline
            else []
        )
        times = {Path(p).name: [] for p in paths}
        for _ in range(repeats):
            for path, copy in zip(paths, copies):
                seconds, error = execute_notebook(copy, timeout)
                times[Path(path).name].append(seconds)
                if error:
                    summary["errors"][Path(path).name] = error
    total = 0.0
    for name, runs in times.items():
        med = median(runs)
        total += med
        summary["notebooks"][name] = med
        ok = med < TARGETS["notebook_s"] and name not in summary["errors"]
        label = name + (f" (error: {summary['errors'][name]})" if name in summary["errors"] else "")
        section.rows.append(
            [label, fmt_s(med, 1), ", ".join(fmt_s(r, 1) for r in runs), verdict(ok)]
        )
    summary["total"] = total
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


# --- explorers -------------------------------------------------------------------------------


def _epoch_explorer(quick):
    """Notebook 02's epoch slider: RBM(64, 100) trained 20 epochs with a snapshot each."""
    from lessonlib.data import binarize, digits_split
    from lessonlib.rbm import RBM
    from lessonlib.lessons.rbm_reconstruction import EpochExplorer

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


#: Explorers whose constructor needs arguments: class name -> factory(quick) returning a
#: zero-argument constructor (the preparation, such as training, is not timed).
EXPLORER_FACTORIES = {
    "EpochExplorer": _epoch_explorer,
}


def lessonlib_modules():
    """Import every public module of lessonlib; return ({name: module}, {name: error})."""
    import lessonlib

    modules, errors = {}, {}
    for info in pkgutil.iter_modules(lessonlib.__path__):
        if info.name.startswith("_"):
            continue
        name = f"lessonlib.{info.name}"
        try:
            modules[name] = importlib.import_module(name)
        except Exception as exc:  # a module mid-edit must not stop the benchmark
            errors[name] = f"{exc.__class__.__name__}: {exc}"
    return modules, errors


def discover_explorers():
    """Every explorer the notebooks show (``lessonlib.lessons.EXPLORERS``), by dotted name."""
    from lessonlib.lessons import EXPLORERS, explorer_class

    found, errors = {}, {}
    for names in EXPLORERS.values():
        for dotted in names:
            try:
                cls = explorer_class(dotted)
            except Exception as exc:  # a module mid-edit must not stop the benchmark
                errors[dotted] = f"{exc.__class__.__name__}: {exc}"
                continue
            found[f"{cls.__module__}.{cls.__name__}"] = cls
    return dict(sorted(found.items())), errors


def explorer_constructor(cls, quick):
    """A zero-argument callable building ``cls``, or (None, reason)."""
    if cls.__name__ in EXPLORER_FACTORIES:
        return EXPLORER_FACTORIES[cls.__name__](quick), ""
    if hasattr(cls, "bench_example"):
        return (lambda: cls.bench_example()), ""
    required = [
        p.name
        for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    if required:
        return (
            None,
            f"needs constructor arguments {required}: add a factory to EXPLORER_FACTORIES in bench/run.py",
        )
    return cls, ""


def control_values(control, n):
    """Up to ``n`` values across a control's range, its current value excluded."""
    import ipywidgets as w
    import numpy as np

    current = control.value
    if isinstance(control, w.FloatLogSlider):
        values = [float(control.base**e) for e in np.linspace(control.min, control.max, n)]
    elif isinstance(control, w.IntSlider):
        values = sorted({int(round(v)) for v in np.linspace(control.min, control.max, n)})
    elif isinstance(control, w.FloatSlider):
        values = [float(round(v, 10)) for v in np.linspace(control.min, control.max, n)]
    elif hasattr(control, "_options_values"):
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
        for value in values:
            steps.append({name: value})
        if values:
            steps.append({name: start[name]})
    return steps


def time_explorer(make, n_values=5, passes=4):
    """Build an explorer and time ``set`` over the sweep; return a dict of timings."""
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
        "steady_p95": percentile(steady, 95),
        "steady_cpu_median": median(steady_cpu),
        "controls": list(explorer.controls),
    }


def bench_explorers(quick=False, n_values=5, passes=4):
    section = Section(
        "Explorers: control change to finished PNG",
        note=f"Each explorer at its default sizes; a sweep moves each control through its range "
        f"one change at a time ({n_values} values per control, then back). The first pass fills "
        f"the explorer's caches (first visit, reported apart); the next {passes - 1} pass(es) give "
        f"the steady state. Targets: median < {TARGETS['explorer_median_s']} s, "
        f"95th percentile < {TARGETS['explorer_p95_s']} s (wall clock). The CPU column is this process's "
        "CPU time per change: on a loaded machine it shows what an idle one would take.",
        header=[
            "explorer",
            "controls",
            "build + first draw (s)",
            "first visit: median / max (s)",
            "steady median (s)",
            "steady p95 (s)",
            "steady median CPU (s)",
            "target",
        ],
    )
    summary = {}
    explorers, errors = discover_explorers()
    for name, error in errors.items():
        section.notes.append(f"`{name}` did not import: {error}")
    for name, cls in explorers.items():
        try:
            make, reason = explorer_constructor(cls, quick)
            if make is None:
                section.rows.append([f"`{name}`", "", "", "", "", "", "", f"skipped: {reason}"])
                summary[name] = {"skipped": reason}
                continue
            r = time_explorer(make, n_values=n_values, passes=passes)
        except Exception as exc:
            section.rows.append(
                [
                    f"`{name}`",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"error: {exc.__class__.__name__}: {str(exc)[:80]}",
                ]
            )
            summary[name] = {"error": str(exc)}
            continue
        ok = (
            r["steady_median"] < TARGETS["explorer_median_s"]
            and r["steady_p95"] < TARGETS["explorer_p95_s"]
        )
        summary[name] = {k: v for k, v in r.items() if k != "steady"} | {"ok": ok}
        section.rows.append(
            [
                f"`{name}`",
                ", ".join(r["controls"]),
                fmt_s(r["construct"], 2),
                f"{fmt_s(r['first_median'])} / {fmt_s(r['first_max'])}",
                fmt_s(r["steady_median"]),
                fmt_s(r["steady_p95"]),
                fmt_s(r["steady_cpu_median"]),
                verdict(ok),
            ]
        )
    if not explorers:
        section.notes.append("no FigureExplorer subclasses found in lessonlib")
    return section, summary


# --- training speed against scikit-learn ------------------------------------------------------


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _median_time(fn, repeats):
    return median([_timed(fn) for _ in range(repeats)])


def rbm_products(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function running the matrix products of one CD-k (PCD-k) epoch, alone."""
    import numpy as np

    rng = np.random.default_rng(0)
    W = rng.random((n_visible, n_hidden))
    sizes = [min(batch, n - s) for s in range(0, n, batch)]
    arrays = {m: (rng.random((m, n_visible)), rng.random((m, n_hidden))) for m in set(sizes)}

    def run():
        for m in sizes:
            v, h = arrays[m]
            v @ W  # p0 = sigmoid(v0 W + c)
            if persistent:
                v @ W  # the persistent chains' hidden probabilities
            for _ in range(k):
                h @ W.T  # p(v | h)
                v @ W  # p(h | v)
            v.T @ h  # <v h>_data
            v.T @ h  # <v h>_model

    return run


def rbm_sigmoids(n, batch, n_visible, n_hidden, k=1, persistent=False):
    """A function running the element-wise sigmoids of one CD-k epoch, alone."""
    import numpy as np

    from lessonlib.rbm import sigmoid

    rng = np.random.default_rng(0)
    sizes = [min(batch, n - s) for s in range(0, n, batch)]
    arrays = {
        m: (rng.normal(size=(m, n_visible)), rng.normal(size=(m, n_hidden))) for m in set(sizes)
    }

    def run():
        for m in sizes:
            zv, zh = arrays[m]
            sigmoid(zh)
            if persistent:
                sigmoid(zh)
            for _ in range(k):
                sigmoid(zv)
                sigmoid(zh)

    return run


def rbm_record(V, n_hidden):
    """A function running what ``RBM.fit`` records after each epoch (reconstruction error)."""
    from lessonlib.rbm import RBM, History

    model = RBM(V.shape[1], n_hidden, seed=0)

    def run():
        model._record(History(), 1, V, False, 0.0, set())

    return run


def mlp_products(n, batch, layer_sizes):
    """A function running the matrix products of one SGD epoch (forward and backward), alone."""
    import numpy as np

    rng = np.random.default_rng(0)
    Ws = [rng.random((a, b)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
    sizes = [min(batch, n - s) for s in range(0, n, batch)]
    acts = {m: [rng.random((m, s)) for s in layer_sizes] for m in set(sizes)}

    def run():
        for m in sizes:
            a = acts[m]
            for layer, W in enumerate(Ws):
                a[layer] @ W  # z_l = a_{l-1} W_l
            for layer in range(len(Ws) - 1, -1, -1):
                a[layer].T @ a[layer + 1]  # dW_l = a_{l-1}.T delta_l
                if layer > 0:
                    a[layer + 1] @ Ws[layer].T  # delta_{l-1} = (delta_l W_l.T) * f'

    return run


def rbm_configs(quick):
    if quick:
        return [
            dict(
                label="tiny",
                n_hidden=16,
                batch=20,
                epochs=2,
                lr=0.1,
                n=200,
                variants=("CD-1", "PCD-1"),
            )
        ]
    return [
        dict(
            label="notebook 02: 100 hidden, batch 20",
            n_hidden=100,
            batch=20,
            epochs=10,
            lr=0.1,
            n=None,
            variants=("CD-1", "PCD-1"),
        ),
        dict(
            label="scikit-learn's defaults: 100 hidden, batch 10",
            n_hidden=100,
            batch=10,
            epochs=10,
            lr=0.1,
            n=None,
            variants=("CD-1",),
        ),
    ]


def mlp_configs(quick):
    if quick:
        return [
            dict(label="tiny", sizes=(64, 8, 10), batch=50, epochs=2, lr=0.1, momentum=0.9, n=200)
        ]
    return [
        dict(
            label="notebook 01: 64-16-16-16-10 relu, batch 50",
            sizes=(64, 16, 16, 16, 10),
            batch=50,
            epochs=10,
            lr=0.1,
            momentum=0.9,
            n=None,
        ),
        dict(
            label="64-100-10 relu, batch 32",
            sizes=(64, 100, 10),
            batch=32,
            epochs=10,
            lr=0.1,
            momentum=0.9,
            n=None,
        ),
    ]


def bench_training(quick=False, repeats=5):
    """RBM and MLP seconds per epoch against scikit-learn, and the share in matrix products."""
    from lessonlib.data import binarize, digits_split
    from lessonlib.nn import MLP
    from lessonlib.rbm import RBM

    sk, reason = load_sklearn()
    speed = Section(
        "Training speed against scikit-learn",
        note=f"Seconds per epoch of a whole `fit` (its per-epoch bookkeeping included), median of {repeats} "
        "repeats, the two libraries timed alternately; the ratio is the median of the paired ratios "
        f"(lessonlib / scikit-learn; target <= {TARGETS['speed_ratio']:.1f}). Data: the digits' training "
        "split (1347 x 64), binarized for the RBMs. float64 in both.",
        header=["model", "setting", "lessonlib s/epoch", "scikit-learn s/epoch", "ratio", "target"],
    )
    eff = Section(
        "Efficiency: share of an epoch in the required matrix products",
        note="The products one epoch's updates need, timed alone with the same BLAS, shapes and number of "
        f"calls, divided by the epoch time above (target >= {TARGETS['product_fraction']:.0%} for lessonlib).",
        header=[
            "model",
            "setting",
            "products alone s/epoch",
            "lessonlib share",
            "scikit-learn share",
            "other measured part",
            "target",
        ],
    )
    summary = {"rbm": [], "mlp": [], "sklearn": reason or sk["version"]}
    if sk is None:
        speed.notes.append(f"scikit-learn rows skipped: {reason}")
    X_train, _, y_train, _ = digits_split()
    V_train = binarize(X_train)

    for cfg in rbm_configs(quick):
        V = V_train[: cfg["n"]] if cfg["n"] else V_train
        n = V.shape[0]
        for variant in cfg["variants"]:
            persistent = variant.startswith("PCD")

            def ours(cfg=cfg, V=V, persistent=persistent):
                RBM(64, cfg["n_hidden"], seed=0).fit(
                    V,
                    epochs=cfg["epochs"],
                    lr=cfg["lr"],
                    k=1,
                    batch_size=cfg["batch"],
                    persistent=persistent,
                    seed=0,
                )

            def theirs(cfg=cfg, V=V):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sk["BernoulliRBM"](
                        n_components=cfg["n_hidden"],
                        learning_rate=cfg["lr"],
                        batch_size=cfg["batch"],
                        n_iter=cfg["epochs"],
                        random_state=0,
                    ).fit(V)

            a, b = _paired(ours, theirs if sk else None, repeats)
            a = [t / cfg["epochs"] for t in a]
            b = [t / cfg["epochs"] for t in b]
            ratio = median([x / y for x, y in zip(a, b)]) if b else float("nan")
            ours_s, theirs_s = median(a), (median(b) if b else float("nan"))
            ok = (ratio <= TARGETS["speed_ratio"]) if b else None
            setting = (
                f"{cfg['label']}; ours {variant} vs BernoulliRBM PCD-1; {cfg['epochs']} epochs"
            )
            speed.rows.append(
                [
                    "RBM",
                    setting,
                    fmt_ms(ours_s),
                    fmt_ms(theirs_s) if b else f"skipped ({'no scikit-learn'})",
                    f"{ratio:.2f}" if b else "n/a",
                    verdict(ok),
                ]
            )
            products = _median_time(
                rbm_products(n, cfg["batch"], 64, cfg["n_hidden"], persistent=persistent), repeats
            )
            sig = _median_time(
                rbm_sigmoids(n, cfg["batch"], 64, cfg["n_hidden"], persistent=persistent), repeats
            )
            record = _median_time(rbm_record(V, cfg["n_hidden"]), repeats)
            share = products / ours_s
            eff.rows.append(
                [
                    "RBM",
                    f"{cfg['label']}; {variant}",
                    fmt_ms(products),
                    f"{share:.0%}",
                    f"{products / theirs_s:.0%}" if b else "n/a",
                    f"sigmoids alone (tanh): {fmt_ms(sig)} = {sig / ours_s:.0%}; per-epoch "
                    f"reconstruction error on all of X: {fmt_ms(record)} = {record / ours_s:.0%}",
                    verdict(share >= TARGETS["product_fraction"]),
                ]
            )
            summary["rbm"].append(
                dict(
                    setting=setting,
                    ours=ours_s,
                    sklearn=theirs_s,
                    ratio=ratio,
                    products=products,
                    sigmoid=sig,
                    record=record,
                    share=share,
                    ok_ratio=ok,
                    ok_share=share >= TARGETS["product_fraction"],
                )
            )

    X_all, y_all = X_train, y_train
    for cfg in mlp_configs(quick):
        X = X_all[: cfg["n"]] if cfg["n"] else X_all
        y = y_all[: cfg["n"]] if cfg["n"] else y_all
        n = X.shape[0]

        def ours(cfg=cfg, X=X, y=y):
            MLP(cfg["sizes"], activation="relu", init="he_normal", seed=0).fit(
                X,
                y,
                epochs=cfg["epochs"],
                lr=cfg["lr"],
                batch_size=cfg["batch"],
                momentum=cfg["momentum"],
                seed=0,
            )

        def theirs(cfg=cfg, X=X, y=y):
            clf = sk["MLPClassifier"](
                hidden_layer_sizes=cfg["sizes"][1:-1],
                activation="relu",
                solver="sgd",
                alpha=0.0,
                batch_size=cfg["batch"],
                learning_rate="constant",
                learning_rate_init=cfg["lr"],
                momentum=cfg["momentum"],
                nesterovs_momentum=False,
                max_iter=cfg["epochs"],
                shuffle=True,
                random_state=0,
                tol=0.0,
                n_iter_no_change=cfg["epochs"] + 1,
                early_stopping=False,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter reached, as intended
                clf.fit(X, y)
            if clf.n_iter_ != cfg["epochs"]:
                raise RuntimeError(f"MLPClassifier ran {clf.n_iter_} epochs, not {cfg['epochs']}")

        a, b = _paired(ours, theirs if sk else None, repeats)
        a = [t / cfg["epochs"] for t in a]
        b = [t / cfg["epochs"] for t in b]
        ratio = median([x / y for x, y in zip(a, b)]) if b else float("nan")
        ours_s, theirs_s = median(a), (median(b) if b else float("nan"))
        ok = (ratio <= TARGETS["speed_ratio"]) if b else None
        setting = f"{cfg['label']}; SGD, momentum {cfg['momentum']}; {cfg['epochs']} epochs"
        speed.rows.append(
            [
                "MLP",
                setting,
                fmt_ms(ours_s),
                fmt_ms(theirs_s) if b else "skipped (no scikit-learn)",
                f"{ratio:.2f}" if b else "n/a",
                verdict(ok),
            ]
        )
        products = _median_time(mlp_products(n, cfg["batch"], cfg["sizes"]), repeats)
        share = products / ours_s
        eff.rows.append(
            [
                "MLP",
                cfg["label"],
                fmt_ms(products),
                f"{share:.0%}",
                f"{products / theirs_s:.0%}" if b else "n/a",
                "",
                verdict(share >= TARGETS["product_fraction"]),
            ]
        )
        summary["mlp"].append(
            dict(
                setting=setting,
                ours=ours_s,
                sklearn=theirs_s,
                ratio=ratio,
                products=products,
                share=share,
                ok_ratio=ok,
                ok_share=share >= TARGETS["product_fraction"],
            )
        )
    return [speed, eff], summary


def _paired(ours, theirs, repeats):
    """Time ``ours`` and ``theirs`` alternately (the order flips every repeat)."""
    a, b = [], []
    ours()  # warm-up: first-call costs (imports, caches) are not an epoch's cost
    if theirs is not None:
        theirs()
    for r in range(repeats):
        if theirs is None:
            a.append(_timed(ours))
        elif r % 2 == 0:
            a.append(_timed(ours))
            b.append(_timed(theirs))
        else:
            b.append(_timed(theirs))
            a.append(_timed(ours))
    return a, b


# --- import time --------------------------------------------------------------------------

_IMPORT_CODE = r"""
import json, pkgutil, importlib, time
t0 = time.perf_counter()
import lessonlib
t1 = time.perf_counter()
for info in pkgutil.iter_modules(lessonlib.__path__):
    if not info.name.startswith("_"):
        importlib.import_module("lessonlib." + info.name)
t2 = time.perf_counter()
print(json.dumps({"package": t1 - t0, "all": t2 - t0}))
"""


def bench_import(repeats=5):
    section = Section(
        "Import time (fresh interpreter)",
        note=f"Median of {repeats} subprocesses. `import lessonlib` alone, then every module (what the "
        "notebooks' set-up cells load: numpy, matplotlib, ipywidgets included); the process total adds "
        "interpreter start-up.",
        header=["what", "median (s)"],
    )
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_CODE], capture_output=True, text=True, cwd=ROOT, env=env
        )
        wall = time.perf_counter() - start
        if out.returncode != 0:
            section.notes.append(
                f"import failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}"
            )
            return section, {}
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]) | {"process": wall})
    summary = {k: median([r[k] for r in runs]) for k in ("package", "all", "process")}
    section.rows += [
        ["`import lessonlib`", fmt_s(summary["package"], 4)],
        ["every `lessonlib.*` module", fmt_s(summary["all"], 2)],
        ["whole process (`python -c ...`)", fmt_s(summary["process"], 2)],
    ]
    return section, summary


# --- report ----------------------------------------------------------------------------------


def targets_table(summaries):
    rows = []
    nb = summaries.get("notebooks")
    if nb and nb.get("notebooks"):
        worst_name, worst = max(nb["notebooks"].items(), key=lambda kv: kv[1])
        rows.append(
            [
                f"every notebook < {TARGETS['notebook_s']:.0f} s",
                f"slowest: {worst_name} {worst:.1f} s",
                verdict(worst < TARGETS["notebook_s"] and not nb["errors"]),
            ]
        )
        rows.append(
            [
                f"series < {TARGETS['series_s']:.0f} s",
                f"{nb['total']:.1f} s ({len(nb['notebooks'])} notebooks)",
                verdict(nb["total"] < TARGETS["series_s"]),
            ]
        )
    ex = summaries.get("explorers")
    if ex:
        for name, r in ex.items():
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
    tr = summaries.get("training")
    if tr:
        for kind in ("rbm", "mlp"):
            for r in tr[kind]:
                label = (
                    kind.upper()
                    + ": "
                    + r["setting"].split(";")[0]
                    + ("; " + r["setting"].split(";")[1].strip() if kind == "rbm" else "")
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
                    [
                        f"{label}: >= 50% in matrix products",
                        f"{r['share']:.0%}",
                        verdict(r["ok_share"]),
                    ]
                )
    return rows


def render(results):
    m = results.machine
    env = m.get("env")
    lines = [
        "# Benchmarks",
        "",
        f"Made by `python bench/run.py{' --quick' if results.quick else ''}` on "
        f"{m['date']}. {'**Quick mode: tiny sizes, not comparable.**' if results.quick else ''}".rstrip(),
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
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in results.targets]
    lines.append("")
    for section in results.sections:
        lines.append(section.markdown())
    return "\n".join(lines).rstrip() + "\n"


def update_readme(results, readme=ROOT / "README.md"):
    """Replace the table between the bench markers in README.md; False if there are none."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    m = results.machine
    table = [
        f"Latest run ({m['date']}, {m['cores']} cores, load average {m['load_start'][0] if m['load_start'] else '?'}, "
        f"numpy {m['numpy']}, scikit-learn {m['sklearn']}; details in [bench/RESULTS.md](bench/RESULTS.md)):",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ] + ["| " + " | ".join(str(c) for c in row) + " |" for row in results.targets]
    readme.write_text(
        head + README_START + "\n" + "\n".join(table) + "\n" + README_END + tail, encoding="utf-8"
    )
    return True


SECTIONS = ("notebooks", "explorers", "training", "import")


def _log(message):
    print(message, file=sys.stderr, flush=True)


def run(
    sections=SECTIONS, quick=False, repeats=None, notebook_repeats=None, notebooks=None, log=_log
):
    """Run the chosen sections; return a ``Results`` (``render`` makes the markdown)."""
    started = time.perf_counter()
    repeats = repeats or (1 if quick else 5)
    results = Results(quick=quick)
    results.machine = machine_info()
    results.machine["date"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summaries = {}

    def loads(section, before):
        section.notes.append(
            f"load average (1, 5, 15 min): {before} before, {load_average()} after"
        )

    if "import" in sections:
        log("== import time")
        before = load_average()
        section, summaries["import"] = bench_import(repeats=1 if quick else max(repeats, 5))
        loads(section, before)
        results.sections.append(section)
    if "training" in sections:
        log("== training speed (RBM, MLP) against scikit-learn")
        before = load_average()
        secs, summaries["training"] = bench_training(quick=quick, repeats=repeats)
        loads(secs[0], before)
        results.sections += secs
    if "explorers" in sections:
        log("== explorers")
        before = load_average()
        section, summaries["explorers"] = bench_explorers(
            quick=quick, n_values=2 if quick else 5, passes=2 if quick else 4
        )
        loads(section, before)
        results.sections.append(section)
    if "notebooks" in sections:
        log("== notebooks")
        before = load_average()
        if notebooks is None:
            paths = [] if quick else notebook_paths()
        else:
            paths = [Path(p) for p in notebooks]
        nb_repeats = notebook_repeats or (1 if quick else 3)
        section, summaries["notebooks"] = bench_notebooks(paths, repeats=nb_repeats)
        loads(section, before)
        results.sections.insert(0, section)
    results.targets = targets_table(summaries)
    results.machine["load_end"] = load_average()
    results.machine["seconds"] = time.perf_counter() - started
    results.summaries = summaries
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and one repeat (a smoke run)"
    )
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats for timings (default 5, quick 1)"
    )
    parser.add_argument(
        "--notebook-repeats", type=int, default=None, help="runs per notebook (default 3, quick 1)"
    )
    parser.add_argument(
        "--notebooks",
        nargs="*",
        default=None,
        help="notebooks to time (default: notebooks/NN_*.ipynb)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="BLAS/OpenMP threads (sets *_NUM_THREADS before numpy loads; default: leave as is)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default bench/RESULTS.md, quick: bench/RESULTS-quick.md)",
    )
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="refresh the table between the README's markers",
    )
    args = parser.parse_args(argv)
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {', '.join(SECTIONS)}")
    if args.threads:
        if "numpy" in sys.modules:
            print("warning: numpy already loaded; --threads may not take effect", file=sys.stderr)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.threads)
    results = run(
        sections,
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
        print(
            "README.md table updated"
            if update_readme(results)
            else "README.md has no bench markers; not updated"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
