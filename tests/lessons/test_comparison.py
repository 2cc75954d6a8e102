"""Tests for lessonlib.lessons.comparison: the grid of notebook 05 on tiny settings."""

import math
import warnings

import numpy as np
import pytest

from lessonlib.lessons import comparison as ex
from lessonlib.training import CHANCE_LIMIT

TINY = dict(hidden=(16, 16), n_train=120, epochs=2, dbn_epochs=1)


def test_starts_cover_the_lecture_and_the_paper():
    assert list(ex.STARTS) == [
        "zeros", "normal_0.01", "normal_1", "slide_xavier", "glorot_uniform",
        "he_normal", "orthogonal", "lsuv", "dbn",
    ]
    assert set(ex.GRID_ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu"}


def test_paper_table_quotes_integer_parts_only():
    table = ex.PAPER_TABLE
    assert table["columns"] == ("maxout", "ReLU", "VLReLU", "tanh", "sigmoid")
    assert table["rows"]["LSUV"] == (93, 92, 92, 89, None)
    assert table["rows"]["Xavier"] == (91, 90, 92, 89, None)
    assert table["rows"]["MSRA (He)"] == (None, 90, 92, 89, None)
    for row in table["rows"].values():
        assert row[-1] is None  # sigmoid: n/c with every init
        assert all(v is None or isinstance(v, int) for v in row)


def test_bad_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="expected one of: zeros, normal_0.01"):
        ex.run_one("xavierr", "relu", 0, **TINY)
    with pytest.raises(ValueError, match="expected one of: .*leaky_relu"):
        ex.run_one("zeros", "softplus", 0, **TINY)
    with pytest.raises(ValueError, match="unknown option\\(s\\) 'epoch'; it takes 'hidden'"):
        ex.run_one("zeros", "relu", 0, epoch=3)
    with pytest.raises(ValueError, match="expected one of"):
        ex.run_grid(inits=["zeros", "lsuw"], **TINY)
    with pytest.raises(ValueError, match="seeds"):
        ex.run_grid(seeds=[-1], **TINY)
    with pytest.raises(ValueError, match="n_train"):
        ex.run_one("zeros", "relu", 0, n_train=5)


def test_exploding_run_is_recorded_as_did_not_converge_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # N(0, 1) weights through six leaky ReLU layers: logits in the tens of thousands
        run = ex.run_one("normal_1", "leaky_relu", 0, hidden=(32,) * 6, n_train=200, epochs=3, lr=0.5)
    assert run.diverged and not run.converged
    assert run.status == "n/c"
    assert math.isnan(run.test_accuracy)
    assert ex.format_accuracy(run.test_accuracy) == "n/c"
    assert all(math.isfinite(v) for v in run.loss)


def test_chance_accuracy_counts_as_did_not_converge():
    run = ex.run_one("zeros", "relu", 0, **TINY)
    assert not run.diverged and not run.converged and run.status == "n/c"
    assert run.test_accuracy < CHANCE_LIMIT


def test_runs_are_reproducible_by_seed():
    a = ex.run_one("lsuv", "tanh", 3, **TINY)
    b = ex.run_one("lsuv", "tanh", 3, **TINY)
    c = ex.run_one("lsuv", "tanh", 4, **TINY)
    assert a.loss == b.loss and a.test_accuracy == b.test_accuracy
    assert a.loss != c.loss
    assert a.converged and len(a.loss) == TINY["epochs"] + 1


def test_grid_is_tidy_and_reports_progress():
    calls = []
    grid = ex.run_grid(
        inits=["zeros", "glorot_uniform", "dbn"], activations=["sigmoid", "tanh"], seeds=[0, 1],
        progress=lambda done, total, run: calls.append((done, total, run.start)), **TINY,
    )
    # dbn only for sigmoid by default: 3 x 2 x 2 - 2 = 10 runs
    assert len(grid.runs) == 10 and grid.skipped == [("dbn", "tanh")]
    assert [c[0] for c in calls] == list(range(1, 11)) and {c[1] for c in calls} == {10}
    rows = grid.rows()
    assert set(rows[0]) == {"start", "activation", "seed", "n_labels", "test_accuracy", "loss", "diverged", "converged", "status"}
    assert grid.cell("zeros", "tanh")["text"] == "n/c (2/2)"
    assert grid.cell("dbn", "tanh") is None
    good = grid.cell("glorot_uniform", "tanh")
    assert good["n"] == 2 and good["n_nc"] == 0 and " ± " in good["text"]
    mean, std, n_nc, n = grid.matrix()
    assert mean.shape == (3, 2) and n[2, 1] == 0 and math.isnan(mean[2, 1])
    assert n_nc[0, 0] == 2
    table = grid.table()
    assert "all zeros" in table and "n/c" in table and "DBN pre-training" in table
    html = grid.table_html()._repr_html_()  # what notebook 05 shows: an HTML table
    assert html.count("<tr>") == 1 + 3 and html.count("<td") == 3 * (1 + 2)
    assert "all zeros" in html and "n/c" in html and "DBN pre-training" in html and "<th" in html
    assert str(grid.table_html()) == table  # printed, the same aligned text
    assert grid.summary().startswith("10 runs (3 starts x 2 activations x 2 seeds, 1 combinations not applicable)")


def test_dbn_can_be_run_for_every_activation_when_asked():
    grid = ex.run_grid(inits=["dbn"], activations=["relu"], seeds=[0], dbn_activations=("relu",), **TINY)
    assert len(grid.runs) == 1 and not grid.skipped


def test_progress_bar_follows_the_runs():
    bar = ex.ProgressBar()
    grid = ex.run_grid(inits=["zeros"], activations=["relu", "tanh"], seeds=[0], progress=bar, **TINY)
    assert bar.bar.value == bar.bar.max == len(grid.runs) == 2
    assert bar.text.value.startswith("2/2 runs")


def test_depth_study_rows():
    rows = ex.depth_study("tanh", "glorot_uniform", depths=(1, 2), seeds=(0,), hidden=(16,), n_train=120, epochs=2)
    assert [r["depth"] for r in rows] == [1, 2]
    assert all(len(r["accuracies"]) == 1 for r in rows)
    with pytest.raises(ValueError, match="depths"):
        ex.depth_study(depths=(0,), **TINY)


def test_pre_activation_variances_show_lsuv_scaling_on_unseen_digits():
    lsuv = ex.pre_activation_variances("lsuv", "relu", seed=0, hidden=(32,) * 4)
    small = ex.pre_activation_variances("normal_0.01", "relu", seed=0, hidden=(32,) * 4)
    assert len(lsuv) == 5
    assert all(0.7 < v < 1.4 for v in lsuv)  # fitted on training digits, close on test digits
    assert small[-1] < 1e-12  # N(0, 0.01²): the signal vanishes layer by layer


def test_heatmap_and_paper_table_draw_every_cell():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    grid = ex.run_grid(inits=["zeros", "glorot_uniform", "dbn"], activations=["tanh", "sigmoid"], seeds=[0], **TINY)
    fig, (a, b) = plt.subplots(1, 2)
    ex.grid_heatmap(a, grid)
    ex.paper_table(b)
    ours = [t.get_text() for t in a.texts]
    paper = [t.get_text() for t in b.texts]
    plt.close(fig)
    assert len(ours) == 6 and sum(t.startswith("n/c") for t in ours) >= 2 and "–" in ours  # dbn x tanh: not run
    assert any(t.startswith("0.") for t in ours)  # one seed: a value, never "± 0.00"
    assert not any(" ± " in t for t in ours)
    assert len(paper) == 15 and paper.count("n/c") == 4 and "93" in paper
    assert [t.get_text() for t in a.get_yticklabels()] == ["all zeros", "Glorot uniform", "DBN pre-training"]


def test_training_seeds_together_equals_training_them_one_by_one():
    import numpy as np

    for init, activation in [("he_normal", "relu"), ("lsuv", "tanh"), ("normal_1", "leaky_relu")]:
        together = ex.run_cell(init, activation, [0, 1, 2], **TINY)
        alone = [ex.run_one(init, activation, s, **TINY) for s in (0, 1, 2)]
        for a, b in zip(together, alone):
            assert a.seed == b.seed and a.diverged == b.diverged
            np.testing.assert_allclose(a.loss, b.loss, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(a.history.accuracy, b.history.accuracy)
            assert a.test_accuracy == b.test_accuracy or (math.isnan(a.test_accuracy) and math.isnan(b.test_accuracy))


def test_a_diverging_seed_stops_alone_and_keeps_its_finite_history():
    settings = dict(hidden=(32,) * 6, n_train=200, epochs=3, lr=0.5)
    together = ex.run_cell("normal_1", "leaky_relu", [0, 1], **settings)
    alone = [ex.run_one("normal_1", "leaky_relu", s, **settings) for s in (0, 1)]
    for a, b in zip(together, alone):
        assert a.diverged == b.diverged and a.loss == pytest.approx(b.loss)
        assert all(math.isfinite(v) for v in a.loss)


def test_cells_report_all_seeds_with_the_sample_std_and_n_c_counts():
    import numpy as np

    grid = ex.run_grid(inits=["zeros", "he_normal"], activations=["relu"], seeds=[0, 1, 2], **TINY)
    values = grid.scores("he_normal", "relu")
    cell = grid.cell("he_normal", "relu")
    assert cell["mean"] == pytest.approx(values.mean())
    assert cell["std"] == pytest.approx(values.std(ddof=1))
    n_nc = sum(not r.converged for r in grid.select("he_normal", "relu"))
    assert cell["n_nc"] == n_nc and cell["n"] == 3
    if 0 < n_nc < 3:
        assert f"{n_nc}/3 n/c" in cell["text"]
    elif n_nc == 3:
        assert cell["text"] == "n/c (3/3)"
    zeros = grid.cell("zeros", "relu")
    assert zeros["text"] == "n/c (3/3)" and zeros["mean"] == pytest.approx(np.mean(grid.scores("zeros", "relu")))
    verdict = grid.compare("he_normal", "zeros", "relu")
    assert verdict.n == 3 and verdict.names == ("He normal", "all zeros")
    top, verdicts = grid.best("relu")
    assert top in ("he_normal", "zeros") and len(verdicts) == 1


def test_a_diverged_run_scores_chance():
    grid = ex.Grid(inits=["normal_1"], activations=["leaky_relu"], seeds=[0])
    grid.runs.append(ex.run_one("normal_1", "leaky_relu", 0, hidden=(32,) * 6, n_train=200, epochs=3, lr=0.5))
    assert grid.runs[0].diverged
    assert list(grid.scores("normal_1", "leaky_relu")) == [ex.CHANCE]
    assert grid.cell("normal_1", "leaky_relu")["n_diverged"] == 1


def test_claims_and_beats_tables_give_each_verdict_in_two_rows():
    grid = ex.run_grid(inits=["normal_1", "glorot_uniform", "he_normal"], activations=["tanh"], seeds=[0, 1, 2], **TINY)
    claims = [("tanh", "he_normal", "glorot_uniform"), ("tanh", "glorot_uniform", "normal_1")]
    table = grid.claims_table(claims)
    assert table.header == ["activation", "start", "mean ± sd", "ahead on", "verdict"] and len(table.rows) == 4
    for (act, a, b), first, second in zip(claims, table.rows[::2], table.rows[1::2]):
        v = grid.compare(a, b, act)
        assert first[:3] == [act, ex.label(a), f"{v.mean[0]:.3f} ± {v.sd[0]:.3f}"] and first[4] == v.outcome
        assert second[:3] == ["", ex.label(b), f"{v.mean[1]:.3f} ± {v.sd[1]:.3f}"] and second[4] == ""
        assert not (first[3] and second[3])  # the count stands beside the leader only
        ahead = first[3] or second[3]
        assert ahead == f"{v.k} of 3 seeds" and (first[3] if v.leader == v.names[0] else second[3]) == ahead
        assert (v.winner is None) == v.outcome.endswith("a tie")
    assert table.grouped and "border-top" in table.html  # a line between claims

    beats = grid.beats_table(["glorot_uniform", "he_normal"], "normal_1", ["tanh"])
    verdicts = [grid.compare(name, "normal_1", "tanh") for name in ("glorot_uniform", "he_normal")]
    wins = sum(v.winner == v.names[0] for v in verdicts)
    weakest = min(int(np.sum(v.scores[0] > v.scores[1])) for v in verdicts)  # seeds each start is ahead on
    assert beats.rows == [["tanh", f"{wins} of 2", f"{weakest} of 3 seeds"]]
    assert beats.caption == "Each of Glorot uniform, He normal against N(0, 1):"
    # a start that loses to the baseline: the count is its own, not the baseline's (the leader's)
    lost = grid.compare("normal_1", "he_normal", "tanh")
    assert lost.leader == ex.label("he_normal") and lost.k == 3
    own = int(np.sum(lost.scores[0] > lost.scores[1]))
    assert grid.beats_table(["normal_1"], "he_normal", ["tanh"]).rows == [["tanh", "0 of 1", f"{own} of 3 seeds"]]
    assert own == 0


def test_lsuv_table_shows_each_layer_and_why_one_was_left_alone():
    from lessonlib import lsuv
    from lessonlib.nn import MLP

    X = ex.digits()[0][:100]
    model = MLP([64, 16, 16, 10], activation="tanh", init="orthogonal", seed=0)
    model.biases[1] = 1.5 * np.linspace(-1.7, 1.7, 16)  # Var(b) > 1: no scale reaches 1
    report = lsuv.lsuv(model, X)
    table = ex.lsuv_table(report)
    assert table.header == ["layer", "W ×", "Var(z) before", "Var(z) after", "step"]
    assert [row[0] for row in table.rows] == ["1", "2", "3"]
    first, second, third = table.rows
    assert first == ["1", f"{report.scale[0]:.4g}", f"{report.before[0]:.4g}", f"{report.variance[0]:.4g}", "closed form"]
    assert second[1] == "-" and second[2] == second[3] and second[4] == "left alone"
    assert third[4] == "closed form"
    assert table.caption == report.summary() and "layer 2: left alone: no scale reaches variance 1" in table.caption
    again = ex.lsuv_table(lsuv.lsuv(model, X))  # now layers 1 and 3 are already at unit variance
    assert [row[4] for row in again.rows] == ["already within tol", "left alone", "already within tol"]


# --- the Korean edition: every figure, table and status line in the notebook's language ---


def _korean(text):
    import re

    return bool(re.search("[\uac00-\ud7a3]", text))


@pytest.fixture
def korean_mode():
    """Korean, with warnings as errors; English again afterwards."""
    import lessonlib

    lessonlib.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield
    finally:
        lessonlib.set_language("en")


def test_the_grid_its_tables_and_figures_speak_korean(korean_mode):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lessonlib import i18n

    grid = ex.run_grid(inits=["normal_1", "slide_xavier", "glorot_uniform", "dbn"], activations=["tanh", "sigmoid"],
                       seeds=[0, 1], **TINY)
    assert _korean(grid.summary()) and "번은 수렴하지 않았고" in grid.summary()
    lines = grid.table().splitlines()
    assert _korean(lines[0]) and len(lines) == 5
    # the columns line up in a fixed-width font although the labels are Hangul
    assert len({i18n.text_width(line) for line in lines}) == 1
    assert lines[2].startswith("슬라이드의 한 줄 코드(LeCun)")
    html = grid.table_html()
    assert html.header[0] == "초기화" and _korean(html.html)
    one_seed = ex.Grid(inits=["glorot_uniform"], activations=["tanh"], seeds=[0],
                       runs=[r for r in grid.runs if r.start == "glorot_uniform" and r.activation == "tanh"][:1])
    assert one_seed.cell("glorot_uniform", "tanh")["text"].endswith("(시드 1개)")

    beats = grid.beats_table(["slide_xavier", "glorot_uniform"], "normal_1", ["tanh"])
    assert all(_korean(h) for h in beats.header) and _korean(beats.caption)
    assert _korean(beats.rows[0][1]) and beats.rows[0][2].startswith("시드 2개 중")
    claims = grid.claims_table([("tanh", "glorot_uniform", "slide_xavier"), ("sigmoid", "dbn", "slide_xavier")])
    assert all(_korean(h) for h in claims.header[1:]) and claims.header[2] == "평균 ± 표준편차"
    assert all(_korean(row[4]) for row in claims.rows[::2]) and _korean(claims.rows[1][1])

    fig, (a, b) = plt.subplots(1, 2)
    ex.grid_heatmap(a, grid)
    ex.paper_table(b)
    try:
        assert _korean(a.get_title()) and _korean(b.get_title())
        assert [t.get_text() for t in a.get_xticklabels()] == ["tanh", "sigmoid"]
        assert _korean([t.get_text() for t in b.get_xticklabels()][0])  # maxout
        assert [t.get_text() for t in a.get_yticklabels()][2] == "Glorot 균등분포"
        fig.canvas.draw()  # every Hangul glyph has a font (a missing one warns, an error here)
    finally:
        plt.close(fig)
    assert ex.activation_label("leaky_relu") == "리키 ReLU" and ex.activation_label("relu") == "ReLU"


def test_the_progress_bar_and_the_lsuv_table_speak_korean(korean_mode):
    from lessonlib import lsuv
    from lessonlib.nn import MLP

    bar = ex.ProgressBar()
    assert bar.bar.description == "학습"
    grid = ex.run_grid(inits=["zeros"], activations=["relu"], seeds=[0], progress=bar, **TINY)
    assert bar.text.value == "실행 1/1 (마지막: 모두 0, relu)" and len(grid.runs) == 1
    bar(0, 3)
    assert bar.text.value == "실행 0/3"

    X = ex.digits()[0][:100]
    model = MLP([64, 16, 16, 10], activation="tanh", init="orthogonal", seed=0)
    model.biases[1] = 1.5 * np.linspace(-1.7, 1.7, 16)
    table = ex.lsuv_table(lsuv.lsuv(model, X))
    assert table.header == ["층", "W ×", "조정 전 Var(z)", "조정 후 Var(z)", "처리"]
    assert [row[4] for row in table.rows] == ["닫힌 형태의 해", "그대로 둠", "닫힌 형태의 해"]
    assert _korean(table.caption)
    again = ex.lsuv_table(lsuv.lsuv(model, X))
    assert [row[4] for row in again.rows] == ["이미 허용 오차 안", "그대로 둠", "이미 허용 오차 안"]


def test_every_text_of_the_lesson_and_its_notebook_has_a_korean_entry(i18n_tool):
    """Each ``_``/``N_`` literal of this module and each ``tr`` literal of notebook 05's code
    cells has a Korean entry with the same fields, with Hangul where the English has words."""
    import json
    import re
    import string
    from pathlib import Path

    import polib

    from lessonlib import i18n

    root = Path(__file__).resolve().parents[2]
    catalog = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(i18n._catalog_path("ko")))}


    def literals(source, names):  # the marked texts, as tools/i18n.py extract finds them
        return [found.msgid for found in i18n_tool.scan_source(source, "<test>", set(names))[0]]

    def fields(text):
        return sorted((name, spec or "") for _t, name, spec, _c in string.Formatter().parse(text) if name is not None)

    texts = literals(Path(ex.__file__).read_text(encoding="utf-8"), {"_", "N_"})
    notebook = json.loads((root / "notebooks" / "05_comparison.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(line for line in c["source"] if not line.startswith("%"))
                     for c in notebook["cells"] if c["cell_type"] == "code")
    notebook_texts = literals(code, {"tr"})
    assert len(texts) >= 20 and len(notebook_texts) >= 10
    problems = []
    for text in texts + notebook_texts:
        korean = catalog.get((None, text))
        words = re.search("[A-Za-z]", "".join(lit for lit, *_rest in string.Formatter().parse(text)))
        if not korean:
            problems.append(f"no Korean entry for {text!r}")
        elif fields(korean) != fields(text):
            problems.append(f"the Korean entry of {text!r} has the fields {fields(korean)}")
        elif words and not _korean(korean):
            problems.append(f"the Korean entry of {text!r} has no Hangul")
    assert not problems, "\n".join(problems)
