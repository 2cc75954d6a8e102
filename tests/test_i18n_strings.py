"""The concept modules speak the notebook's language: with ``set_language("ko")`` every
exercise check, verdict, report and table of lessonlib's concept modules is Korean, every
text they translate has a Korean entry with the same ``{fields}``, and English stays the
source (its exact bytes are what the English notebooks store; nbval compares them)."""

from __future__ import annotations

import ast
import math
import re
import string
import warnings
from pathlib import Path

import numpy as np
import polib
import pytest

import lessonlib
from lessonlib import (
    checks,
    frameworks,
    i18n,
    lsuv,
    meanfield,
    propagation,
    solutions,
    starts,
    training,
)
from lessonlib.dbn import DBN
from lessonlib.nn import MLP

HANGUL = re.compile("[\uac00-\ud7a3]")

#: The modules whose texts go through the language door (the lesson modules come later).
MODULES = ("checks", "widgets", "plots", "training", "propagation", "frameworks", "monitor", "nn", "rbm", "dbn",
           "lsuv", "meanfield", "starts", "data")

PACKAGE = Path(lessonlib.__file__).resolve().parent


@pytest.fixture(autouse=True)
def korean_then_english():
    """Each test runs in Korean with warnings as errors, and leaves English behind."""
    lessonlib.set_language("ko")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    lessonlib.set_language("en")


def korean(text):
    return bool(HANGUL.search(text))


def assert_korean_verdict(verdict, passed):
    assert bool(verdict) is passed, str(verdict)
    text = str(verdict)
    assert text.startswith("정답입니다" if passed else "아직 아닙니다"), text
    for line in verdict.failures:  # every hint itself is Korean, not only the heading
        assert korean(line), line


# --- the exercise checks: a wrong and a right answer each ---------------------------------


def _normal(variance_of):
    def func(fan_in, fan_out, seed):
        return np.random.default_rng(seed).normal(0.0, np.sqrt(variance_of(fan_in, fan_out)), (fan_in, fan_out))

    return func


def _todo(*args):
    raise NotImplementedError


def _crash(*args):
    return 1 / 0


def _broken_layer_model(change):
    model = checks.flat_loss_network()
    model.weights[2] = change(model.weights[2])
    return model


def _unroll(weight=None, bias=None, copy=True, output_init="glorot_uniform"):
    def func(dbn, n_classes, seed):
        net = MLP([*dbn.layer_sizes, n_classes], activation="sigmoid", init=output_init, seed=seed)
        for layer, rbm in enumerate(dbn.rbms):
            W = weight(rbm) if weight else rbm.W
            c = bias(rbm) if bias else rbm.hidden_bias
            net.weights[layer] = W.copy() if copy else W
            net.biases[layer] = c.copy() if copy else c
        return net

    return func


#: Per check: the reference answer and wrong answers that reach its different hints.
ANSWERS = {
    "check_initial_loss": (solutions.initial_loss, [
        math.log10, math.log2, lambda c: math.log(1 / c), lambda c: 1 / c, lambda c: c * math.log(c),
        lambda c: math.log(c - 1), lambda c: 2.302585, lambda c: c, lambda c: None, lambda c: math.inf,
        _todo, _crash, 2.3026,
    ]),
    "check_small_random_init": (solutions.small_random_init, [
        _normal(lambda i, o: 1e-8), lambda i, o, s: np.random.default_rng().normal(0, 0.01, (i, o)),
        lambda i, o, s: np.random.default_rng(s).normal(0, 0.01, (o, i)), lambda i, o, s: np.zeros((i, o)),
        lambda i, o, s: np.full((i, o), np.nan), lambda i, o, s: np.random.default_rng(s).normal(0.01, 0.01, (i, o)),
        lambda i, o, s: "weights", lambda i, o, s: [[1.0], [1.0, 2.0]], _todo, _crash,
    ]),
    "check_hidden_probabilities": (solutions.hidden_probabilities, [
        lambda V, W, c: 1 / (1 + np.exp(-(V @ W))), lambda V, W, c: 1 / (1 + np.exp(V @ W + c)),
        lambda V, W, c: (V @ W + c > 0).astype(float), lambda V, W, c: V @ W + c,
        lambda V, W, c: np.tanh(V @ W + c), lambda V, W, c: np.zeros((2, 2)), _todo,
    ]),
    "check_unroll": (solutions.unroll, [
        _unroll(bias=lambda m: m.visible_bias), _unroll(weight=lambda m: m.W.T), _unroll(copy=False),
        _unroll(output_init="zeros"), _unroll(weight=lambda m: m.W + 1.0, bias=lambda m: m.hidden_bias + 1.0),
        lambda d, n, s: MLP([6, 3], seed=s), lambda d, n, s: "a network",
        lambda d, n, s: d.to_mlp(n, activation="relu", seed=s),
        lambda d, n, s: d.to_mlp(n, seed=int(np.random.default_rng().integers(1000))), _todo,
    ]),
    "check_xavier_init": (solutions.xavier_init, [
        _normal(lambda i, o: 1 / i), _normal(lambda i, o: 2 / i), _normal(lambda i, o: 1 / (i + o)),
        _normal(lambda i, o: (2 / (i + o)) ** 2), _normal(lambda i, o: 5.0),
        lambda i, o, s: np.random.default_rng(s).normal(0, np.sqrt(2 / (i + o)), (o, i)),
        lambda i, o, s: np.full((i, o), 0.1) + np.random.default_rng(s).normal(0, np.sqrt(2 / (i + o)), (i, o)),
        lambda i, o, s: np.random.default_rng().normal(0, np.sqrt(2 / (i + o)), (i, o)),
        lambda i, o, s: np.random.default_rng(s).normal(0, np.sqrt(2 / 500), (400, 100)), _todo,
    ]),
    "check_he_init": (solutions.he_init, [
        _normal(lambda i, o: 2 / o), _normal(lambda i, o: 1 / i), _normal(lambda i, o: 1 / o),
        _normal(lambda i, o: (2 / i) ** 2), _normal(lambda i, o: 2 / (i + o)), _crash,
    ]),
    "check_lsuv_rescale": (solutions.lsuv_rescale, [
        lambda W, A: W / np.var(A @ W), lambda W, A: W * np.std(A @ W), lambda W, A: W / np.std(W),
        lambda W, A: W / np.std(A), lambda W, A: W / np.sqrt(np.mean((A @ W) ** 2)), lambda W, A: W,
        lambda W, A: np.random.default_rng(0).normal(size=W.shape), lambda W, A: (W / np.std(A @ W)).T,
        lambda W, A: W * np.nan, _crash,
    ]),
    "check_relu_forward_std": (solutions.relu_forward_std(), [
        0.1, 0.01, 0.15, 1.0, 10.0, "0.14", None, math.nan, -1, np.zeros(3), len, object(),
    ]),
    "check_relu_backward_std": (solutions.relu_backward_std(), [0.1, 0.2, 1.0, 3.0, True, [0.1, 0.2]]),
    "check_broken_layer": (solutions.BROKEN_LAYER, [1, 2, 4, 0, 5, 2.5, "abc", None, len, np.zeros(2)]),
    "check_repaired_network": (solutions.repair_network(checks.flat_loss_network()), [
        checks.flat_loss_network(), _broken_layer_model(np.abs), _broken_layer_model(lambda W: W * 0.0),
        _broken_layer_model(lambda W: 0.001 * np.sign(np.random.default_rng(0).normal(size=W.shape))),
        _broken_layer_model(lambda W: np.full((3, 3), np.nan)),
        solutions.repair_network(checks.flat_loss_network(), layer=2), MLP([64, 10], seed=0), "a network",
    ]),
}


def test_every_exercise_check_is_driven_here():
    names = {name for name in vars(checks) if name.startswith("check_") and callable(getattr(checks, name))}
    assert names - {"check_environment"} == set(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_a_korean_check_answers_in_korean_right_and_wrong(name):
    check = getattr(checks, name)
    right, wrongs = ANSWERS[name]
    assert_korean_verdict(check(right), passed=True)
    hints = set()
    for wrong in wrongs:
        verdict = check(wrong)
        assert_korean_verdict(verdict, passed=False)
        hints.add(tuple(verdict.failures))
    assert len(hints) >= min(3, len(wrongs))  # the wrong answers reach different hints


def test_the_environment_check_answers_in_korean(monkeypatch):
    assert_korean_verdict(checks.check_environment(), passed=True)
    monkeypatch.setattr(checks, "REQUIREMENTS", {"numpy": "999.0", "no_such_module_for_lessonlib": "1.0"})
    verdict = checks.check_environment()
    assert_korean_verdict(verdict, passed=False)
    assert len(verdict.failures) == 2


def test_a_check_that_breaks_says_so_in_korean():
    @checks._never_raises
    def broken(func):
        """Exercise of notebook 07: a check that breaks on any answer."""
        return 1 / 0

    verdict = broken(None)
    assert_korean_verdict(verdict, passed=False)
    assert verdict.title == "노트북 07의 연습 문제"


def test_english_checks_are_untouched_by_the_catalog():
    lessonlib.set_language("en")
    verdict = checks.check_relu_forward_std(0.1)
    assert str(verdict).startswith("Not yet -- a weight std that keeps the forward signal of 50 ReLU layers stable:")
    assert "your std 0.1 is 29% too small: the signal's std changes by" in str(verdict)
    assert not korean(str(verdict))


# --- training: the verdict over seeds and the summary of a run ---------------------------


@pytest.mark.parametrize("a, b, english", [
    ([0.90, 0.91, 0.92, 0.93, 0.94], [0.50, 0.51, 0.52, 0.53, 0.54], "intervals apart: a wins"),
    ([0.90, 0.91, 0.92, 0.93, 0.94], [0.90, 0.92, 0.91, 0.93, 0.95], "intervals overlap: a tie"),
    ([1.0, 1.001, 1.002, 1.003, 1.004], [0.0, 0.0, 0.0, 1.01, 1.01], "higher on only 3 of 5 seeds: a tie"),
])
def test_the_verdict_over_seeds_is_korean(a, b, english):
    verdict = training.compare(a, b, names=("a", "b"))
    assert korean(verdict.text) and "시드 5개" in verdict.text
    assert verdict.text.endswith(": a 승") is (not verdict.tie) and ("무승부" in verdict.text) is verdict.tie
    lessonlib.set_language("en")
    assert training.compare(a, b, names=("a", "b")).text.endswith(english)


def test_history_summaries_and_run_status_are_korean():
    histories = [
        training.History(epoch=[0, 1], loss=[2.3, 1.0], accuracy=[0.1, 0.7]),
        training.History(epoch=[0, 1], loss=[2.3, 1.0], accuracy=[0.1, 0.7], val_accuracy=[0.1, 0.6]),
        training.History(epoch=[0, 1], recon_error=[0.1, 0.05]),
        training.History(epoch=[0, 1], recon_error=[0.1, 0.05], log_likelihood=[-9.0, -7.0], kl=[1.0, 0.5]),
        training.History(epoch=[0], loss=[2.3], accuracy=[0.1], diverged=True),
        training.History(),
    ]
    for history in histories:
        assert korean(history.summary()), history.summary()
    for accuracy, status in ((0.9, "ok"), (0.1, "n/c")):
        run = training.Run("he_normal", 0, training.History(), accuracy)
        assert run.status == status  # a code, the same in every language
        assert korean(i18n._(run.status)) or run.status in SAME_IN_KOREAN


# --- propagation: every state's verdict --------------------------------------------------

CASES = {  # state: arguments of propagate that reach it
    "healthy": dict(width=100, depth=10, activation="tanh", init="lecun_normal"),
    "saturated": dict(width=100, depth=10, activation="tanh", init="normal", init_options={"std": 1.0}),
    "vanishing": dict(width=100, depth=10, activation="sigmoid", init="lecun_normal"),
    "exploding": dict(width=100, depth=10, activation="relu", init="normal", init_options={"std": 1.0}),
    "dead": dict(width=100, depth=10, activation="relu", init="he_normal", scale=1e-200),
    "symmetric": dict(width=50, depth=5, activation="relu", init="zeros"),
    "diverged": dict(width=100, depth=100, activation="relu", init="normal", init_options={"std": 10.0}),
}


@pytest.mark.parametrize("state", sorted(CASES))
def test_every_propagation_verdict_is_korean(state):
    result = propagation.propagate(batch=50, **CASES[state])
    assert result.state == state  # the code stays English: lessons and tests compare it
    assert korean(result.verdict) and result.verdict.startswith(result.state_label)
    assert korean(result.state_label)
    header, rows = result.table_rows()
    assert all(korean(title) for title in header)
    assert len(header) == 4 and all(len(row) in (1, 4) for row in rows)


def test_propagation_table_lines_up_in_korean():
    result = propagation.propagate(width=20, depth=30, activation="relu", init="he_normal", batch=20)
    lines = result.table(max_rows=6).splitlines()
    full = [line for line in lines if line.strip() != "..."]
    assert len({i18n.text_width(line) for line in full}) == 1  # right-aligned columns, one width
    assert korean(lines[0])


def test_text_width_counts_hangul_as_two_columns():
    assert i18n.text_width("층") == 2 and i18n.text_width("layer") == 5 and i18n.text_width("σ_w² ±") == 6
    assert i18n.pad("층", 5) == "층   " and i18n.pad("층", 5, ">") == "   층" and i18n.pad("layers", 3) == "layers"


def test_a_column_widens_only_where_a_translation_needs_it():
    english = [["layer", "std", "note"], ["relu", "0.5", "x"]]
    same = [["layer", "std", "note"], ["relu", "0.5", "x"]]
    assert i18n.column_widths(same, english, [3, 2]) == [3, 2]  # untranslated: the English widths, as given
    shown = [["층", "표준편차", "note"], ["relu", "0.5", "x"]]
    assert i18n.column_widths(shown, english, [6, 4]) == [6, 8]  # 표준편차 takes 8 columns
    with pytest.raises(ValueError, match="same rows"):
        i18n.column_widths(shown[:1], english, [6, 4])
    with pytest.raises(ValueError, match="row 1"):
        i18n.column_widths([shown[0], ["relu"]], english, [6, 4])


# --- the other reports: LSUV, frameworks, the tanh story, starts, DBN, explorers ----------


def test_the_other_reports_are_korean():
    rng = np.random.default_rng(0)
    _model, report = lsuv.lsuv_mlp([64, 32, 10], rng.random((50, 64)))
    assert korean(report.summary()) and all(korean(step) for step in report.steps)
    zero = MLP([4, 3, 2], init="zeros", seed=0)
    stuck = lsuv.lsuv(zero, rng.random((10, 4)))
    assert not stuck.all_converged and korean(stuck.summary()) and all(korean(step) for step in stuck.steps)
    scale, reason = lsuv.unit_variance_scale(np.ones((3, 2)), np.ones((4, 3)), np.array([10.0, -10.0]))
    assert scale is None and korean(reason)
    table = frameworks.table().splitlines()
    assert korean(table[0]) and len(table) == 1 + len(frameworks.DEFAULTS)
    story = meanfield.tanh_story_text()
    assert korean(story.splitlines()[0]) and korean(story.splitlines()[-1])
    assert "혼돈" in story and "임계" in story
    for name in starts.LABELS:
        assert starts.label(name) == i18n._(starts.LABELS[name])
    assert korean(starts.label("he_normal")) and starts.label("lsuv") == "LSUV"
    assert korean(repr(DBN([4, 3], seed=0)))


def test_the_explorers_status_line_is_korean():
    from lessonlib import widgets

    assert korean(widgets._status_html("x", 0.5))


# --- the catalog: every text the concept modules translate has its Korean entry ------------


def _literals(module):
    """(text, line, inside a function) of every ``_("...")`` and ``N_("...")`` in ``module``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = []

    def visit(node, inside):
        for child in ast.iter_child_nodes(node):
            here = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in ("_", "N_"):
                arg = child.args[0] if child.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((child.func.id, arg.value, child.lineno, here))
            visit(child, here)

    visit(tree, False)
    return found


def _fields(text):
    return sorted({(name, spec or "") for _text, name, spec, _conversion in string.Formatter().parse(text)
                   if name is not None})


def _has_words(text):
    """Letters outside the ``{fields}``: a text to translate, not only a pattern like "{a}: {b}"."""
    return bool(re.search("[A-Za-z]", "".join(literal for literal, *_rest in string.Formatter().parse(text))))


#: Texts whose Korean is the same letters on purpose: the Korean notebooks' prose writes
#: "n/c" (did not converge) too, so tables and prose agree.
SAME_IN_KOREAN = {"n/c"}


def test_every_translated_text_has_a_korean_entry_with_the_same_fields():
    catalog = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(i18n._catalog_path("ko")))}
    problems = []
    count = 0
    for module in MODULES:
        for kind, text, line, inside in _literals(module):
            count += 1
            where = f"lessonlib/{module}.py:{line}"
            if kind == "_" and not inside:
                problems.append(f"{where}: _() at import time, {text!r}")
            korean_text = catalog.get((None, text))
            if not korean_text:
                problems.append(f"{where}: no Korean entry for {text!r}")
            elif _fields(korean_text) != _fields(text):
                problems.append(f"{where}: the Korean entry of {text!r} has the fields {_fields(korean_text)}")
            elif _has_words(text) and not korean(korean_text) and text not in SAME_IN_KOREAN:
                problems.append(f"{where}: the Korean entry of {text!r} has no Hangul")
    assert count > 150
    assert not problems, "\n".join(problems)


def test_the_catalog_is_sorted_without_duplicates():
    entries = polib.pofile(str(i18n._catalog_path("ko")))
    keys = [(e.msgid, e.msgctxt or "") for e in entries]  # the order tools/i18n.py extract writes
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
