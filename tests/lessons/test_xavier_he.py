"""Tests for lessonlib.lessons.xavier_he: the explorer of notebook 04 and its 30-layer experiment."""

import io
import math
import re

import numpy as np
import pytest
from PIL import Image

from lessonlib import init, propagation
from lessonlib.lessons import xavier_he
from lessonlib.lessons.xavier_he import PropagationExplorer

PNG = b"\x89PNG\r\n\x1a\n"

# --- the explorer -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    return PropagationExplorer()


def test_explorer_starts_with_a_picture_and_a_table(explorer):
    assert bytes(explorer.image.value).startswith(PNG)
    assert "healthy" in explorer.status.value
    assert "act std" in explorer.table.value
    assert explorer.figure.get_layout_engine() is None  # fixed layout: fast redraws


def test_every_control_across_its_range_changes_the_png_and_never_raises(explorer):
    explorer.set(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    moves = [
        *({"width": w} for w in (1, explorer.controls["width"].max)),
        {"seed": explorer.controls["seed"].max},
        *({"depth": d} for d in (1, explorer.controls["depth"].max)),
        *({"activation": a} for a in propagation.ACTIVATIONS),
        *({"init": name} for name in init.names()),
        *({"scale": s} for s in (1e-3, 1e3)),
    ]
    defaults = dict(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)
    for move in moves:
        before = bytes(explorer.image.value)
        png = explorer.set(**{**defaults, **move})  # one control away from the default
        assert png.startswith(PNG)
        assert png != before, move
        assert explorer.result.verdict in explorer.status.value


def test_extreme_settings_show_words_not_tracebacks(explorer):
    explorer.set(width=256, depth=50, activation="relu", init="constant", scale=1e3, seed=0)
    assert "diverged (inf/NaN)" in explorer.status.value
    explorer.set(init="zeros", scale=1.0)
    assert "symmetric (units identical)" in explorer.status.value
    assert "healthy" not in explorer.status.value
    explorer.set(width=1, depth=50, init="he_normal", activation="sigmoid", scale=1e-3)
    assert explorer.result.state in ("vanishing", "dead")
    explorer.set(width=100, depth=10, activation="tanh", init="normal", scale=100.0)  # std 0.01 x 100
    assert explorer.result.state == "saturated"  # N(0, 1) with tanh: saturated, not "exploding"
    explorer.set(width=100, depth=10, activation="tanh", init="glorot_uniform", scale=1.0)


def test_a_slider_move_through_the_widget_redraws(explorer):
    before = explorer.set(seed=0)
    explorer.controls["width"].value = 37
    assert bytes(explorer.image.value) != before
    assert "fan-in 37" in explorer.title.get_text()
    assert explorer.widget is not None


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


STATES = [
    dict(width=100, seed=0, depth=10, activation="tanh", init="glorot_uniform", scale=1.0),
    dict(width=7, seed=3, depth=10, activation="tanh", init="glorot_uniform", scale=1.0),
    dict(width=100, seed=0, depth=37, activation="relu", init="he_normal", scale=0.5),
    dict(width=256, seed=20, depth=1, activation="sigmoid", init="lecun_normal", scale=1e3),
]


def test_partial_redraws_never_leave_a_stale_axis(explorer):
    """A redraw repaints only the changing artists over a stored background: after any
    sequence of moves the picture must be the one a fresh explorer draws for that state,
    and (up to resampling at the histograms' row edges) a full redraw."""
    assert explorer.animated and explorer.im_act in explorer.animated
    for state in STATES:
        # arrive from states of the same activation, other depths, widths and scales
        explorer.set(**{**state, "depth": 1 + state["depth"] % 50, "width": 1, "scale": 1e-3})
        explorer.set(**{**state, "depth": 50, "scale": 1e3})
        png = explorer.set(**state)
        fresh = PropagationExplorer(**{k: v for k, v in state.items()})
        assert np.array_equal(_pixels(png), _pixels(fresh.render())), state
        differ = (_pixels(png) != _pixels(explorer.render_full())).any(axis=2)
        assert differ.mean() < 0.01, (state, differ.mean())
        explorer.set(**state)


def test_layer_table_is_html_and_fits_beside_or_under_the_picture(explorer):
    explorer.set(**STATES[0])
    html = explorer.table.value
    assert "<table" in html and html.count("<tr>") == 1 + 10 and "act std" in html
    assert "white-space:nowrap" in html  # cells never wrap into fragments
    explorer.set(depth=50)
    assert explorer.table.value.count("<tr>") == 1 + 16 and "…" in explorer.table.value
    box = explorer.widget
    body = box.children[1]
    assert explorer.image in body.children and explorer.table in body.children
    assert body.layout.flex_flow == "row wrap"  # the table goes under the picture when narrow
    table = xavier_he.layer_table(explorer.result, max_rows=16)
    assert str(table) == explorer.result.table(max_rows=16)
    explorer.set(**STATES[0])


def test_thirty_layer_relu_net_stalls_with_1_over_n_and_trains_with_2_over_n():
    runs = xavier_he.deep_relu_runs(seeds=(0,))
    for history in runs["lecun_normal"]:
        assert history.loss[0] == pytest.approx(math.log(10), abs=1e-3)  # starts at ln 10
        assert history.loss[-1] == pytest.approx(math.log(10), abs=1e-3)  # and stays there
        assert history.val_accuracy[-1] == pytest.approx(0.1)  # balanced test set: chance
    for history in runs["he_normal"]:
        assert not history.diverged
        assert min(history.loss[1:]) < history.loss[0] - 0.3
        assert max(history.val_accuracy) > 0.2


def test_thirty_layer_table_shows_each_seed_counts_them_and_gives_the_verdict():
    from lessonlib.training import compare, mean_sd

    runs = xavier_he.deep_relu_runs(seeds=(3, 5), epochs=3)
    table = xavier_he.deep_relu_table(runs, seeds=(3, 5))
    assert table.header == ["start", "", "seed 3", "seed 5", "all seeds"]
    rows, start = {}, None
    for row in table.rows:  # a start's name stands in its first row only
        start = row[0] or start
        rows[start, row[1]] = row[2:]
    lecun, he = runs["lecun_normal"], runs["he_normal"]
    assert rows["lecun_normal", "loss before training"] == [f"{h.loss[0]:.4f}" for h in lecun] + [""]
    assert rows["lecun_normal", "stays at ln 10"] == ["yes", "yes", "2 of 2 seeds"]
    assert rows["lecun_normal", "converged"] == ["n/c", "n/c", "0 of 2 seeds"]
    mean, sd = mean_sd([h.val_accuracy[-1] for h in he])
    assert rows["he_normal", "test accuracy"] == [f"{h.val_accuracy[-1]:.3f}" for h in he] + [f"{mean:.3f} ± {sd:.3f}"]
    mean, sd = mean_sd([h.loss[-1] for h in he])
    assert rows["he_normal", "final loss"][-1] == f"{mean:.3f} ± {sd:.3f}"
    verdict = compare([h.val_accuracy[-1] for h in he], [h.val_accuracy[-1] for h in lecun],
                      names=("he_normal", "lecun_normal"))
    assert table.notes == [verdict.text] and "2 seeds" in verdict.text
    assert str(table).splitlines()[-1] == verdict.text


def test_describe_names_the_forward_and_the_backward_verdict():
    r = propagation.propagate(100, 10, "tanh", "normal", init_options={"std": 1.0}, batch=50)
    assert "[forward: saturated]" in xavier_he.describe("big", r)
    assert "[backward: exploding]" in xavier_he.describe("big", r, "grad")
    small = propagation.propagate(100, 10, "tanh", "normal", init_options={"std": 0.01}, batch=50)
    # Glorot & Bengio's observation: dL/dz vanishes going down, |dL/dW| stays level
    assert small.backward_state == "vanishing"
    assert 0.5 < xavier_he.weight_gradient_ratio(small) < 2.0


def test_theory_and_simulation_agree_for_tanh():
    results = xavier_he.tanh_theory_and_simulation(depth=50, seeds=(0, 1, 2))
    lecun, he, gain = results
    assert lecun["sim_std"].shape == (3, 50) and lecun["theory_std"].shape == (50,)
    assert lecun["theory_std"][0] == pytest.approx(0.628, abs=1e-3)
    assert lecun["theory_std"][9] == pytest.approx(0.228, abs=1e-3)
    assert lecun["theory_std"][49] == pytest.approx(0.101, abs=1e-3)
    assert he["theory_std"][9] == pytest.approx(0.556, abs=1e-3)
    assert he["theory_grad_var"][0] == pytest.approx(58.7, abs=0.1)
    assert lecun["theory_grad_var"][0] == pytest.approx(0.0146, abs=1e-4)
    for r in results:  # the simulated 100-unit network is near the wide-network theory
        assert abs(r["sim_std"][:, 9].mean() / r["theory_std"][9] - 1) < 0.05
        assert 0.4 < float(np.median(r["sim_grad_var"][:, 0])) / r["theory_grad_var"][0] < 2.5
    assert he["chi1"] > 1 > gain["chi1"] - 0.3 and lecun["chi1"] == pytest.approx(1.0)
    table = xavier_he.theory_table(results)
    assert table.header == ["", "Var 1/fan_in (LeCun = Glorot)", "Var 2/fan_in (He)", "gain 5/3 (PyTorch)"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["χ₁"][0] == "1.000" and rows["gradient variance, layer 1 / layer 50"][1] == "×58.7"
    low, high = lecun["sim_std"][:, 9].min(), lecun["sim_std"][:, 9].max()
    assert rows["activation std, layer 10"][0] == f"0.228 ({low:.3f}–{high:.3f})"
    g = he["sim_grad_var"][:, 0]
    assert rows["simulated: median"][1] == f"×{np.median(g):.3g}"
    assert rows["simulated: lowest–highest"][1] == f"×{g.min():.3g}–{g.max():.3g}"
    assert rows["gradient std, layer 1 / layer 50"][1] == f"×{math.sqrt(he['theory_grad_var'][0]):.3g}"
    assert "3 seeds" in table.caption
    assert [row[0] for row in xavier_he.theory_table(results, layers=(1, 60)).rows].count("activation std, layer 1") == 1


def test_theory_figure_and_phase_diagram_have_labels_and_a_colour_bar():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = xavier_he.tanh_theory_and_simulation(depth=10, seeds=(0, 1))
    fig = xavier_he.plot_theory_and_simulation(results)
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()
    assert fig.legends
    plt.close(fig)
    fig, rows = xavier_he.phase_diagram_figure(sigma_w2=np.geomspace(0.01, 200, 8), sigma_b2=np.linspace(0, 0.5, 4))
    main, bar = fig.axes[0], fig.axes[1]
    assert main.get_xlabel().startswith("σ_w²") and main.get_ylabel().startswith("σ_b²")
    assert "χ₁" in bar.get_ylabel()
    phases = {row["label"]: row["phase"] for row in rows}
    assert phases["LeCun N(0, 1/fan_in)"] == "critical" and phases["He N(0, 2/fan_in)"] == "chaotic"
    assert phases["N(0, 0.01²)"] == "ordered"
    plt.close(fig)


def test_framework_table_draws_each_default_and_names_them():
    from lessonlib import frameworks

    table = xavier_he.framework_table(256, 128, seed=0)
    assert [row[0] for row in table.rows] == [d.layer for d in frameworks.DEFAULTS]
    torch = table.rows[0]
    assert torch[1:3] == ["1/(3·fan_in)", "0.00130"] and torch[3].startswith("0.0012")  # PyTorch: 1/(3·256)
    assert table.caption == "fan_in 256, fan_out 128, seed 0:"
    names = xavier_he.framework_names_table()
    assert len(names.rows) == 3 * len(frameworks.NAMES) and names.wrap == [2]
    text = str(names)
    assert "kaiming_normal_" in text and "GlorotUniform" in text and "lecun_normal" in text
    assert [row[0] for row in names.rows if row[0]] == list(frameworks.NAMES)


def test_histogram_panels_are_labelled_and_say_when_they_clip():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, results = xavier_he.histogram_grid("relu", "act")
    axes = fig.axes
    assert len(axes) == 4 and all(ax.get_xlabel() and ax.get_ylabel() for ax in axes)
    assert fig.legends and not any(ax.get_legend() for ax in axes)  # the legend is below, not on a curve
    big = [t.get_text() for t in axes[1].texts]  # N(0, 1): activations far beyond the range
    assert any(text.startswith("spike at 0 cut off") and "clipped:" in text for text in big)
    he = [t.get_text() for t in axes[3].texts]
    assert not any("clipped" in text for text in he)
    plt.close(fig)
    fig, results = xavier_he.histogram_grid("tanh", "act")  # saturated at ±1 is not clipped
    assert not any("clipped" in t.get_text() for ax in fig.axes for t in ax.texts)
    plt.close(fig)


def test_describe_table_is_html_and_prints_the_describe_lines():
    runs = [("Glorot", propagation.propagate(100, 10, "tanh", "glorot_uniform", seed=0, batch=50)),
            ("tiny", propagation.propagate(100, 10, "tanh", "normal", seed=0, batch=50, init_options={"std": 0.01}))]
    for kind, verdict in (("act", "forward"), ("grad", "backward")):
        table = xavier_he.describe_table(runs, kind)
        html = table._repr_html_()
        assert html.count("<tr>") == 1 + len(runs) and "Glorot" in html and verdict in html
        assert str(table).splitlines() == [xavier_he.describe(label, r, kind) for label, r in runs]


# --- the Korean edition -------------------------------------------------------------------

HANGUL = re.compile("[\uac00-\ud7a3]")

#: Words that stay as they are in the Korean edition: names, code and notation.
KEPT = {"He", "LeCun", "Glorot", "Xavier", "PyTorch", "Var", "N", "n", "fan_in", "fan_out", "tanh", "relu",
        "sigmoid", "leaky_relu", "dL", "dz", "dW", "dW_l", "dz_l", "z", "z_l", "a", "f", "b", "W", "e", "q",
        "log", "ln", "lecun_normal", "he_normal", "glorot_uniform", "glorot_normal", "pytorch", "keras", "tf1",
        "flax", "torch", "nn", "Linear", "layers", "Dense", "linen", "contrib", "init", "initializers",
        "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_", "xavier_initializer",
        "variance_scaling_initializer", "LecunNormal", "LecunUniform", "GlorotUniform", "GlorotNormal",
        "HeNormal", "HeUniform", "lecun_uniform", "he_uniform", "kaiming_normal", "xavier_uniform", "U",
        "sqrt", "factor", "mode", "FAN_IN", "FAN_AVG", "nonlinearity", "linear", "uniform", "False", "w",
        "inf", "nan", "tf"}
#: Symbols kept in both editions, like the prose of both: "n/c" (did not converge).
SYMBOLS = ("n/c",)


def _leftover_english(text):
    """The English words of ``text`` a Korean reader should not meet (names and code aside)."""
    text = re.sub(r"\d+(\.\d+)?e[+-]?\d+", "", text)  # 1.2e-05 is a number
    for symbol in SYMBOLS:
        text = text.replace(symbol, "")
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z_]*\d*", text) if w.rstrip("0123456789") not in KEPT})


@pytest.fixture
def korean():
    """Korean, Hangul glyphs available, warnings (a missing glyph among them) as errors."""
    import warnings

    import matplotlib as mpl

    import lessonlib
    from lessonlib import plots

    with mpl.rc_context(), warnings.catch_warnings():
        plots.use_hangul_font()  # what importing lessonlib.plots did (a test may have reset rcParams)
        warnings.simplefilter("error")
        lessonlib.set_language("ko")
        try:
            yield
        finally:
            lessonlib.set_language("en")


def _figure_texts(fig):
    """Every text a person reads on ``fig``: titles, axis labels, legends, notes, colour bars."""
    fig.canvas.draw()  # a glyph missing from the fonts warns here
    texts = [fig._suptitle.get_text() if fig._suptitle else "", *(t.get_text() for t in fig.texts)]
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]:
        texts += [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
    return [t for t in texts if t]


def _assert_korean(texts, where):
    texts = list(texts)
    assert any(HANGUL.search(t) for t in texts), where
    left = {t: _leftover_english(t) for t in texts if not HANGUL.search(t) and _leftover_english(t)}
    assert not left, f"{where}: English left over in {left}"


def _table_texts(table):
    return [*table.header, *(cell for row in table.rows for cell in row), table.caption or "", *table.notes]


def test_every_text_of_notebook_04_has_a_korean_entry_with_the_same_fields(i18n_tool):
    """The texts of the lesson module (``_``/``N_``) and of the notebook's code cells (``tr``)."""
    import json
    import string
    from pathlib import Path

    import polib

    from lessonlib import i18n

    def fields(text):
        return sorted({(name, spec or "") for _t, name, spec, _c in string.Formatter().parse(text) if name is not None})


    def literals(source, names):  # the marked texts, as tools/i18n.py extract finds them
        return [found.msgid for found in i18n_tool.scan_source(source, "<test>", set(names))[0]]

    root = Path(__file__).resolve().parents[2]
    texts = literals((root / "lessonlib/lessons/xavier_he.py").read_text(encoding="utf-8"), ("_", "N_"))
    notebook = json.loads((root / "notebooks/04_xavier_he.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines()
            texts += literals("\n".join(line for line in lines if not line.startswith(("%", "!"))), ("tr",))
    catalog = {e.msgid: e.msgstr for e in polib.pofile(str(i18n._catalog_path("ko"))) if not e.msgctxt}
    assert len(texts) > 90
    problems = []
    for text in texts:
        korean_text = catalog.get(text)
        if not korean_text:
            problems.append(f"no Korean entry for {text!r}")
        elif fields(korean_text) != fields(text):
            problems.append(f"the Korean entry of {text!r} has the fields {fields(korean_text)}")
        elif not HANGUL.search(korean_text):
            problems.append(f"the Korean entry of {text!r} has no Hangul")
    assert not problems, "\n".join(problems)


def test_the_histograms_and_their_lines_speak_korean(korean):
    import matplotlib.pyplot as plt

    from lessonlib.i18n import text_width

    for activation, kind in (("relu", "act"), ("tanh", "act"), ("tanh", "grad")):
        fig, runs = xavier_he.histogram_grid(activation, kind, width=20, depth=5, batch=20)
        texts = _figure_texts(fig)
        _assert_korean(texts, f"histogram_grid({activation!r}, {kind!r})")
        assert any("층" in t for t in texts)
        plt.close(fig)
        table = xavier_he.describe_table(runs, kind)
        _assert_korean(_table_texts(table), f"describe_table({kind!r})")
        assert "<th" in table.html and ("순방향" in table.html or "역방향" in table.html)
        for line, (label, r) in zip(str(table).splitlines(), runs):
            assert line == xavier_he.describe(label, r, kind)
            # the label column is 30 columns wide whatever the language
            head = line.split(" 활성값 표준편차 " if kind == "act" else " 기울기 표준편차 ")[0]
            assert text_width(head) == 30, line
    fig, runs = xavier_he.histogram_grid("relu", "act", width=20, depth=5, batch=20)
    assert "0에 솟은 봉우리는 잘라 냄" in " ".join(_figure_texts(fig))
    plt.close(fig)


def test_the_tanh_theory_and_the_phase_diagram_speak_korean(korean):
    import matplotlib.pyplot as plt

    results = xavier_he.tanh_theory_and_simulation(width=20, depth=10, seeds=(0, 1), batch=20)
    table = xavier_he.theory_table(results, layers=(1, 10))
    _assert_korean(_table_texts(table), "theory_table")
    assert "시드 2개" in table.caption
    fig = xavier_he.plot_theory_and_simulation(results)
    _assert_korean(_figure_texts(fig), "plot_theory_and_simulation")
    plt.close(fig)
    fig, rows = xavier_he.phase_diagram_figure(sigma_w2=np.geomspace(0.01, 200, 8), sigma_b2=np.linspace(0, 0.5, 4))
    texts = _figure_texts(fig)
    _assert_korean(texts, "phase_diagram_figure")
    assert any("혼돈" in t for t in texts) and any("질서" in t for t in texts)
    plt.close(fig)
    lines = [xavier_he.phase_line(row) for row in rows]
    _assert_korean(lines, "phase_line")
    from lessonlib.i18n import text_width

    assert {text_width(line.split(" σ_w²")[0]) for line in lines} == {26}  # the names' column lines up


def test_the_tables_of_the_experiment_and_the_frameworks_speak_korean(korean):
    runs = xavier_he.deep_relu_runs(seeds=(0, 1), depth=3, width=8, epochs=1, per_class=3)
    table = xavier_he.deep_relu_table(runs, seeds=(0, 1))
    _assert_korean(_table_texts(table), "deep_relu_table")
    assert "시드 0" in table.header and "모든 시드" in table.header
    assert any("n/c" in row for row in table.rows)  # the symbol the Korean prose uses too
    for table, where in ((xavier_he.framework_table(), "framework_table"),
                         (xavier_he.framework_names_table(), "framework_names_table")):
        _assert_korean(_table_texts(table), where)


def test_the_explorer_speaks_korean(korean):
    import matplotlib.pyplot as plt

    explorer = PropagationExplorer(width=8, depth=3, batch=8, bins=10)
    descriptions = [control.description for control in explorer.controls.values()]
    _assert_korean(descriptions, "explorer controls")
    assert all(HANGUL.search(d) for d in descriptions if d != "init")
    texts = _figure_texts(explorer.figure)
    _assert_korean(texts, "explorer figure")
    assert "시드 0" in explorer.title.get_text() and "정상" in explorer.title.get_text()
    assert HANGUL.search(explorer.status.value)
    table = xavier_he.layer_table(explorer.result)
    _assert_korean(_table_texts(table), "layer_table")
    assert str(table) == explorer.result.table()
    explorer.set(activation="relu", init="normal", scale=100.0)
    _assert_korean(_figure_texts(explorer.figure), "explorer figure (relu)")
    plt.close(explorer.figure)


def test_going_back_to_a_depth_seen_before_repaints_only_the_changing_artists():
    explorer = PropagationExplorer(dpi=40)
    first = explorer.background_draws
    explorer.set(depth=20)
    explorer.set(depth=10)  # the explorer's first depth: its background is still kept
    assert explorer.background_draws == first + 1
    assert np.array_equal(_pixels(explorer.image.value), _pixels(PropagationExplorer(dpi=40).image.value))
    for depth in range(1, 1 + PropagationExplorer.BACKGROUNDS + 1):  # more depths than are kept
        explorer.set(depth=depth)
    drawn = explorer.background_draws
    explorer.set(depth=20)  # pushed out by the last BACKGROUNDS depths: drawn again
    assert explorer.background_draws == drawn + 1
    assert len(explorer._backgrounds) == PropagationExplorer.BACKGROUNDS
