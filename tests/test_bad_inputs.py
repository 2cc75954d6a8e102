"""Every public callable of lessonlib, driven with bad inputs.

One row of ``ROWS`` is (callable, good keyword arguments, parameter, bad values): each
bad value, put in place of the good one, must raise a ValueError or TypeError from
lessonlib itself (the traceback's last frame is inside lessonlib, never numpy or
ipywidgets) whose message names the parameter, with warnings as errors. Adding a public
function means adding a row; ``test_every_public_name_is_covered`` fails for a public
name that is neither in the table nor in ``EXEMPT`` with a reason. The exercise checks
are driven separately: whatever a learner passes, they return a "Not yet" verdict.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import warnings
from functools import cache

import numpy as np
import pytest

import lessonlib
from lessonlib import checks

NAN, INF = float("nan"), float("inf")

# --- the bad values, by kind -----------------------------------------------------------

SIZE = [0, -1, 2.7, 2.0, True, "3", None]  # a positive integer
COUNT = [-1, 2.7, True, "3", None]  # a non-negative integer
SEED = [-1, 2.7, True, "0", None]
REAL = [NAN, INF, "0.1", None, True]
POSITIVE = [*REAL, 0.0, -1.0]
HUGE = [1e200]  # a gain or std whose square would overflow
FRACTION = [*REAL, -0.1, 1.0, 1.5]  # in [0, 1)
NAME = ["no such name", 3, None]
FLAG = [1, "yes", None]
FUNCTION = [3, "f"]
SEQ_INTS = ["64-10", 64, [64, 2.7], [64, -3], [64, True]]


def arrays(n_columns=4, low=None, high=None, ndim=2):
    """Bad arrays for a parameter of shape (n, n_columns), values in [low, high]."""
    bad = ["abc", None, [[1.0, 2.0], [3.0]], np.full((2, n_columns), NAN), np.full((2, n_columns), INF)]
    if ndim == 2:
        bad += [np.zeros(n_columns), np.zeros((2, n_columns + 1)), np.zeros((0, n_columns)), np.zeros((2, 2, n_columns))]
    if low is not None:
        bad.append(np.full((2, n_columns), low - 0.5))
    if high is not None:
        bad.append(np.full((2, n_columns), high + 1.0))
    return bad


#: A label-budget study as ``lessons.dbn_pretraining.label_budget_study`` returns it.
STUDY = {"budgets": [20], "seeds": [0, 1], "starts": ["dbn", "xavier"], "dbn": {20: [0.5, 0.6]},
         "xavier": {20: [0.4, 0.5]}}

BINARY = [np.full((3, 4), 0.5)]  # probabilities where binary data is required
LABELS = ["abc", None, np.array([0, 1, 5]), np.array([0.5, 1, 2]), np.array([-1, 0, 1]), np.zeros(2), np.zeros((3, 1))]


#: A good row of meanfield.initializer_phases (for lessons.xavier_he.phase_line).
PHASE_ROW = {"label": "N(0, 1)", "sigma_w2": 100.0, "sigma_b2": 0.0, "chi1": 2.5, "phase": "chaotic"}


# --- shared objects, built once -------------------------------------------------------


class Fx:
    """A placeholder in a row for a shared object, built on first use."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"Fx({self.name})"


@cache
def fixture(name):
    from lessonlib import dbn, nn, propagation, rbm, training
    from lessonlib.lessons import comparison, xavier_he

    if name == "ax":
        from matplotlib.figure import Figure

        return Figure().subplots()
    if name == "figure":
        from matplotlib.figure import Figure

        return Figure()
    if name == "mlp":
        return nn.MLP([4, 5, 3], seed=0)
    if name == "stack":
        return nn.MLPStack([4, 5, 3], seeds=[0, 1])
    if name == "rbm":
        return rbm.RBM(4, 3, seed=0)
    if name == "rbm64":
        return rbm.RBM(64, 4, seed=0)
    if name == "X":
        return np.random.default_rng(0).random((6, 4))
    if name == "Xbin":
        return (np.random.default_rng(0).random((6, 4)) < 0.5).astype(float)
    if name == "y":
        return np.array([0, 1, 2, 0, 1, 2])
    if name == "dbn":
        stack = dbn.DBN([4, 3, 2], seed=0)
        stack.pretrain(fixture("Xbin"), epochs=1, batch_size=3)
        return stack
    if name == "propagation":
        return propagation.propagate(width=4, depth=3, batch=8)
    if name == "history":
        return training.History()
    if name == "ll_history":
        return rbm.RBM(4, 3, seed=0).fit(fixture("Xbin"), epochs=2, track_likelihood=True)
    if name == "snap_history4":
        return rbm.RBM(4, 3, seed=0).fit(fixture("Xbin"), epochs=2, snapshot_epochs=(0, 2), track_likelihood=False)
    if name == "snap_history":
        return rbm.RBM(64, 4, seed=0).fit(np.zeros((3, 64)) + 0.5, epochs=2, snapshot_epochs=(0, 2))
    if name == "stopper":
        return training.EarlyStopping(3)
    if name == "run":
        return training.Run("zeros", 0, training.History(), 0.5)
    if name == "grid":
        return comparison.Grid(inits=["zeros"], activations=["relu"], seeds=[0])
    if name == "wave":
        from lessonlib.lessons.start_here import WaveDemo

        return WaveDemo()
    if name == "prop_explorer":
        return xavier_he.PropagationExplorer(width=8, depth=3, batch=8, bins=10)
    if name == "epoch_explorer":
        from lessonlib.lessons.rbm_reconstruction import EpochExplorer

        return EpochExplorer(fixture("snap_history"), np.zeros((2, 64)))
    if name == "panels":
        from matplotlib.figure import Figure

        from lessonlib.lessons.rbm_reconstruction import EpochPanels

        return EpochPanels(Figure(), fixture("snap_history"), np.zeros((2, 64)))
    if name == "progress":
        return comparison.ProgressBar()
    if name == "tanh_results":
        return xavier_he.tanh_theory_and_simulation(width=4, depth=3, seeds=(0,), batch=4)
    if name == "tanh_results_mixed":  # two calls' results: depths 3 and 2
        return fixture("tanh_results")[:1] + xavier_he.tanh_theory_and_simulation(width=4, depth=2, seeds=(0,), batch=4)
    if name == "lsuv_report":
        from lessonlib import lsuv

        return lsuv.lsuv_mlp([4, 3, 2], np.random.default_rng(0).normal(size=(8, 4)))[1]
    if name == "frame_recorder":
        from lessonlib.lessons.training_dynamics import FrameRecorder

        return FrameRecorder(np.zeros((3, 2)), [0, 1, 0])
    if name == "frames":
        from lessonlib.lessons.training_dynamics import playground_frames

        return playground_frames("He")
    if name == "cache":
        return xavier_he.WeightCache()
    raise KeyError(name)


def resolve(value):
    if isinstance(value, Fx):
        return fixture(value.name)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Fx) for v in value):
        return type(value)(resolve(v) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    return value


def target(path):
    """The callable at "module:Qual.name"; "module:fixture.method" takes a method of a fixture."""
    module, _, qual = path.partition(":")
    head, _, rest = qual.partition(".")
    if head.startswith("@"):
        return getattr(fixture(head[1:]), rest)
    obj = importlib.import_module(f"lessonlib.{module}")
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


# --- the table --------------------------------------------------------------------------
# (path, good kwargs, parameter, bad values[, words the message must contain]).
# A path "module:@fixture.method" calls the method of a shared object; its row covers
# "module:Class.method" (see COVERS).

X, XBIN, Y, AX = Fx("X"), Fx("Xbin"), Fx("y"), Fx("ax")

ROWS = [
    # seeding
    ("i18n:set_language", {"language": "en"}, "language", ["de", "", "EN", 3, None]),
    ("i18n:tr", {"message": "{n} seeds", "n": 5}, "message", [3, None, "{m} seeds"]),
    ("i18n:text_width", {"text": "층"}, "text", [3, None, b"layer"]),
    ("i18n:column_widths", {"shown": [["a"]], "english": [["a"]], "widths": [1]}, "widths", [[-1], [2.5], ["3"], 3]),
    ("i18n:column_widths", {"shown": [["a"]], "english": [["a"]], "widths": [1]}, "shown", [[], [[]]]),
    ("i18n:pad", {"text": "층", "width": 5}, "text", [3, None, b"layer"]),
    ("i18n:pad", {"text": "층", "width": 5}, "width", COUNT),
    ("i18n:pad", {"text": "층", "width": 5, "align": "<"}, "align", ["^", "left", 3, None]),
    ("seeding:make_rng", {"seed": 0}, "seed", SEED),
    ("seeding:child", {"seed": 0, "stream": "batches"}, "seed", SEED),
    ("seeding:child", {"seed": 0, "stream": "batches"}, "stream", ["nope", -1, 2.7, None]),
    # _validate: the checkers themselves name the parameter they are given
    ("_validate:integer", {"value": 1, "name": "n"}, "value", [2.7, "1", None, True], "n"),
    ("_validate:positive_int", {"value": 1, "name": "n"}, "value", SIZE, "n"),
    ("_validate:real", {"value": 1.0, "name": "x"}, "value", REAL, "x"),
    ("_validate:positive", {"value": 1.0, "name": "x"}, "value", POSITIVE, "x"),
    ("_validate:scale", {"value": 1.0, "name": "x"}, "value", [*POSITIVE, *HUGE], "x"),
    ("_validate:slope", {"value": 0.1}, "value", FRACTION, "slope"),
    ("_validate:seed", {"value": 0}, "value", SEED, "seed"),
    ("_validate:text", {"value": "a", "name": "label"}, "value", [3, None], "label"),
    ("_validate:instance", {"value": 1, "name": "x", "kind": int}, "value", ["1", None], "x"),
    ("_validate:axes", {"value": AX}, "value", [None, "ax"], "ax"),
    ("_validate:flag", {"value": True, "name": "f"}, "value", FLAG, "f"),
    ("_validate:choice", {"value": "a", "name": "kind", "options": ("a", "b")}, "value", NAME, "kind"),
    ("_validate:keywords", {"given": {}, "accepted": ("a",), "what": "it"}, "given", [{"b": 1}], "'b'"),
    ("_validate:options", {"given": {}, "function": lambda a=1: a, "what": "it"}, "given", [{"b": 1}], "'b'"),
    ("_validate:one_or_each", {"value": 1, "name": "lr", "n": 2}, "value", [[1, 2, 3]], "lr"),
    ("_validate:function", {"value": len, "name": "callback"}, "value", FUNCTION, "callback"),
    ("_validate:sequence", {"value": [1], "name": "xs", "check": lambda v, n: v}, "value", ["1", 1], "xs"),
    ("_validate:sequence_of_ints", {"value": [1], "name": "sizes"}, "value", SEQ_INTS, "sizes"),
    ("_validate:arrays", {"value": [np.zeros(2)], "name": "pre"}, "value", ["a", np.zeros(2), [["a"]]], "pre"),
    ("_validate:array", {"value": np.zeros((2, 4)), "name": "X", "shape": (None, 4)}, "value", arrays(), "X"),
    ("_validate:labels", {"value": np.array([0, 1, 2]), "name": "y", "n": 3, "n_classes": 3}, "value", LABELS, "y"),
    # data
    ("data:binarize", {"X": X}, "X", arrays(ndim=1)),
    ("data:binarize", {"X": X}, "threshold", REAL),
    ("data:train_test_split", {"X": X, "y": Y}, "X", arrays()),
    ("data:train_test_split", {"X": X, "y": Y}, "y", ["abc", None, np.zeros(5, int), np.array([0, 1, 2, 0, 1, -1])]),
    ("data:train_test_split", {"X": X, "y": Y}, "test_fraction", [*REAL, 0.0, 1.0]),
    ("data:train_test_split", {"X": X, "y": Y}, "seed", SEED),
    ("data:digits_split", {}, "test_fraction", [*REAL, 0.0, 1.0]),
    ("data:digits_split", {}, "seed", SEED),
    ("data:digits", {}, "n_train", [0, 2.7, True, "10", 5000]),
    ("data:digits", {}, "seed", SEED),
    ("data:standardized_digits", {}, "seed", SEED),
    ("data:balanced_digits", {}, "per_class", [0, 2.7, True, 1000]),
    ("data:bars_and_stripes", {}, "n", [*SIZE, 7]),
    ("data:make_circles", {}, "n_samples", SIZE),
    ("data:make_circles", {}, "noise", [*REAL, -0.1, *HUGE]),
    ("data:make_circles", {}, "factor", [*REAL, 0.0, 1.0]),
    ("data:make_circles", {}, "seed", SEED),
    ("data:make_moons", {}, "n_samples", SIZE),
    ("data:make_moons", {}, "noise", [*REAL, -0.1]),
    ("data:one_hot", {"y": Y, "n_classes": 3}, "y", LABELS[:3]),
    ("data:one_hot", {"y": Y, "n_classes": 3}, "n_classes", SIZE),
    # init: every initializer function, initialize, variance, gain
    *[(f"init:{name}", {"fan_in": 3, "fan_out": 2, "rng": 0}, p, SIZE if p != "rng" else SEED)
      for name in ("zeros", "constant", "normal", "uniform", "slide_xavier", "slide_he", "lecun_normal",
                   "glorot_standard", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "orthogonal")
      for p in ("fan_in", "fan_out", "rng")],
    ("init:constant", {"fan_in": 3, "fan_out": 2, "rng": 0}, "value", REAL),
    ("init:normal", {"fan_in": 3, "fan_out": 2, "rng": 0}, "std", [*POSITIVE, *HUGE]),
    ("init:uniform", {"fan_in": 3, "fan_out": 2, "rng": 0}, "limit", [*POSITIVE, *HUGE]),
    *[(f"init:{name}", {"fan_in": 3, "fan_out": 2, "rng": 0}, "gain", [v for v in [*POSITIVE, *HUGE] if v is not None
                                                                     or not name.startswith("he")])
      for name in ("lecun_normal", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "orthogonal")],
    ("init:resolve", {"name": "he"}, "name", NAME, "initializer"),
    ("init:check_options", {"name": "normal", "options": {}}, "options",
     [{"sdt": 1}, {"std": -1}, {"std": NAN}, {"gain": 2.0}, "std=1"], "std|sdt|gain|options"),
    ("init:check_options", {"name": "normal", "options": {}}, "name", NAME, "initializer"),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "name", NAME, "initializer"),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "fan_in", SIZE),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "fan_out", SIZE),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "rng", SEED[:-1], "seed"),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "seed", SEED[:-1]),
    ("init:initialize", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "gain", [NAN, INF, "1", True, 0.0, *HUGE]),
    ("init:initialize", {"name": "normal", "fan_in": 3, "fan_out": 2}, "sdt", [0.1]),
    ("init:initialize", {"name": "normal", "fan_in": 3, "fan_out": 2}, "std", [*POSITIVE, *HUGE]),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "name", NAME, "initializer"),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "fan_in", SIZE),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "fan_out", SIZE),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "sdt", [0.1]),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "std", [*POSITIVE, *HUGE]),
    ("init:variance", {"name": "normal", "fan_in": 3, "fan_out": 2}, "gain", [1.0]),
    ("init:variance", {"name": "he_normal", "fan_in": 3, "fan_out": 2}, "gain", [NAN, INF, "1", True, 0.0, *HUGE]),
    ("init:variance", {"name": "uniform", "fan_in": 3, "fan_out": 2}, "limit", [*POSITIVE, *HUGE]),
    ("init:variance", {"name": "constant", "fan_in": 3, "fan_out": 2}, "value", REAL),
    ("init:gain", {"activation": "relu"}, "activation", NAME),
    ("init:gain", {"activation": "leaky_relu"}, "slope", [*FRACTION, *HUGE]),
    # nn
    ("nn:sigmoid", {"z": np.zeros(2)}, "z", ["abc", None, [[1.0], [1.0, 2.0]]]),
    ("nn:activate", {"name": "relu", "z": np.zeros(2)}, "name", NAME, "activation"),
    ("nn:activate", {"name": "relu", "z": np.zeros(2)}, "z", ["abc", None, [NAN], [INF]]),
    ("nn:activate", {"name": "leaky_relu", "z": np.zeros(2)}, "slope", FRACTION),
    ("nn:check_activation", {"name": "relu"}, "name", NAME, "activation"),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "pre", ["a", np.zeros(3)]),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "post", [[], "a"]),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "deltas", [[], None]),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "inputs", ["a", np.zeros(3)]),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "activation", NAME),
    ("nn:layer_statistics", {"pre": [np.zeros((2, 3))], "post": [np.zeros((2, 3))], "deltas": [np.zeros((2, 3))],
                             "inputs": np.zeros((2, 4)), "activation": "relu", "n_hidden": 1}, "n_hidden", [-1, 2, 2.7]),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "layer_sizes", [*SEQ_INTS, [4]]),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "activation", NAME),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "init", [*NAME, lambda i, o, rng: np.full((i, o), NAN),
                                                 lambda i, o, rng: np.zeros((o, i)), lambda i, o, rng: "w"], "init"),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "seed", SEED),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "slope", FRACTION),
    ("nn:MLP", {"layer_sizes": [4, 3]}, "init_options", ["std", [1], {"std": 1.0}, {"gain": -1}], "init_options|std|gain"),
    ("nn:MLP", {"layer_sizes": [4, 3], "init": lambda i, o, rng: np.zeros((i, o))}, "init_options", [{"std": 1.0}], "std"),
    *[(f"nn:@mlp.{m}", {"X": X}, "X", arrays()) for m in ("check_inputs", "pre_activations", "forward",
                                                            "predict_proba", "predict")],
    *[(f"nn:@mlp.{m}", {"X": X, "y": Y}, p, arrays() if p == "X" else LABELS)
      for m in ("score", "loss", "trace", "loss_and_grads", "layer_stats", "fit") for p in ("X", "y")],
    ("nn:@mlp.fit", {"X": X, "y": Y}, "epochs", COUNT),
    ("nn:@mlp.fit", {"X": X, "y": Y}, "lr", POSITIVE),
    ("nn:@mlp.fit", {"X": X, "y": Y}, "batch_size", SIZE),
    ("nn:@mlp.fit", {"X": X, "y": Y}, "momentum", FRACTION),
    ("nn:@mlp.fit", {"X": X, "y": Y}, "seed", SEED),
    ("nn:@mlp.fit", {"X": X, "y": Y}, "callback", FUNCTION),
    ("nn:@mlp.fit", {"X": X, "y": Y, "y_val": Y}, "X_val", arrays()),
    ("nn:@mlp.fit", {"X": X, "y": Y, "X_val": X}, "y_val", LABELS[:5]),
    ("nn:@mlp.fit", {"X": X, "y": Y, "X_val": X, "y_val": Y, "epochs": 0}, "patience", SIZE[:-1]),
    ("nn:@mlp.fit", {"X": X, "y": Y, "epochs": 0}, "patience", [3], "patience .*X_val"),
    ("nn:@mlp.fit", {"X": X, "y": Y, "epochs": 0}, "record_every", SIZE),
    ("nn:@mlp.hidden_unit_spread", {}, "layer", [-1, 2, 2.7, "0", None]),
    *[("nn:MLPStack", {"layer_sizes": [4, 3]}, *spec) for spec in (
        ("layer_sizes", [*SEQ_INTS, [4]]), ("activation", NAME), ("init", NAME, "init"),
        ("seeds", [[], [2.7], [-1], "0", None, [True]]), ("slope", FRACTION), ("init_options", ["std"], "init_options"))],
    ("nn:MLPStack.from_models", {"models": [Fx("mlp")], "seeds": [0]}, "models", [[], None, [Fx("rbm")], "m"]),
    ("nn:MLPStack.from_models", {"models": [Fx("mlp")], "seeds": [0]}, "seeds", [[], [0, 1], [2.7], [-1], "0", None]),
    ("nn:@stack.model", {"i": 0}, "i", [-1, 2, 2.7, "0", None]),
    ("nn:@stack.score", {"X": X, "y": Y}, "X", arrays()),
    ("nn:@stack.score", {"X": X, "y": Y}, "y", LABELS),
    *[("nn:@stack.fit", {"X": X, "y": Y, "epochs": 0}, *spec) for spec in (
        ("X", arrays()), ("y", LABELS), ("epochs", COUNT), ("lr", POSITIVE), ("batch_size", SIZE),
        ("momentum", FRACTION), ("seeds", [[0], [0, 2.7], "01", 3]), ("X_val", [np.zeros((2, 5))]))],
    ("nn:@stack.fit", {"X": X, "y": Y, "epochs": 0, "y_val": Y}, "X_val", arrays()),
    ("nn:@stack.fit", {"X": X, "y": Y, "X_val": X, "y_val": Y, "epochs": 0}, "patience", SIZE[:-1]),
    ("nn:@stack.fit", {"X": X, "y": Y, "epochs": 0}, "patience", [3], "patience .*X_val"),
    ("nn:@stack.fit", {"X": X, "y": Y, "epochs": 0}, "record_every", SIZE),
    ("nn:@stack.fit", {"X": np.zeros((2, 6, 4)), "y": np.zeros((2, 6), dtype=int), "epochs": 0}, "X",
     [np.zeros((3, 6, 4)), np.zeros((2, 6, 5)), np.full((2, 6, 4), NAN)]),
    ("nn:@stack.fit", {"X": np.zeros((2, 6, 4)), "y": np.zeros((2, 6), dtype=int), "epochs": 0}, "y",
     [np.zeros((2, 5), dtype=int), np.zeros(6, dtype=int), np.full((2, 6), 7), np.full((2, 6), 0.5), "y"]),
    *[("nn:batch_norm_forward", {"z": X, "gamma": np.ones(4), "beta": np.zeros(4)}, *spec) for spec in (
        ("z", [v for k, v in enumerate(arrays()) if k != 6]), ("gamma", ["g", None, np.ones(3), np.full(4, NAN)]), ("beta", ["b", None, np.ones(5)]),
        ("mean", ["m", np.zeros(3), np.full(4, NAN)]), ("eps", POSITIVE))],
    ("nn:batch_norm_forward", {"z": X, "gamma": np.ones(4), "beta": np.zeros(4), "mean": np.zeros(4)}, "var",
     [None, "v", np.zeros(3), -np.ones(4)]),
    *[("nn:batch_norm_backward", {"du": X, "gamma": np.ones(4), "cache": (X, np.ones(4), np.zeros(4), np.ones(4), True)},
       *spec) for spec in (("du", arrays()), ("gamma", ["g", None, np.ones(3)]), ("cache", [None, (1, 2), "c", (X,) * 4]))],
    # frameworks
    *[(f"frameworks:{f}", {"framework": "pytorch", "fan_in": 3, "fan_out": 2}, *spec)
      for f in ("bounds", "default_variance", "draw_default") for spec in (
        ("framework", NAME), ("fan_in", SIZE), ("fan_out", SIZE))],
    ("frameworks:draw_default", {"framework": "pytorch", "fan_in": 3, "fan_out": 2}, "seed", SEED),
    *[("frameworks:truncated_normal", {"shape": (2, 3), "sigma": 1.0}, *spec) for spec in (
        ("shape", ["23", (2, 2.5), (-1, 2), None]), ("sigma", [*POSITIVE, *HUGE]), ("rng", SEED, "seed|rng"),
        ("bound", [*POSITIVE, 0.4, *HUGE]))],
    ("frameworks:truncated_normal_std", {}, "bound", [*POSITIVE, *HUGE]),
    # training
    ("training:all_finite", {}, "*arrays", [("abc",), (None,), ([[1.0], [1.0, 2.0]],)], "arrays"),
    # rbm
    ("rbm:softplus", {"z": np.zeros(2)}, "z", ["abc", None, [[1.0], [1.0, 2.0]]]),
    ("rbm:logsumexp", {"a": np.zeros(2)}, "a", ["abc", None, [NAN], [], [[1.0], [1.0, 2.0]]]),
    ("rbm:logsumexp", {"a": np.zeros((2, 2))}, "axis", [2, -3, 1.0, "0"]),
    ("rbm:all_states", {"n": 2}, "n", [*SIZE, 21]),
    ("rbm:data_entropy", {"X": XBIN}, "X", arrays()[:-3]),
    ("rbm:RBM", {"n_visible": 4, "n_hidden": 3}, "n_visible", SIZE),
    ("rbm:RBM", {"n_visible": 4, "n_hidden": 3}, "n_hidden", SIZE),
    ("rbm:RBM", {"n_visible": 4, "n_hidden": 3}, "seed", SEED),
    ("rbm:RBM", {"n_visible": 4, "n_hidden": 3}, "weight_std", [*REAL, -1.0, *HUGE]),
    ("rbm:RBM.from_parameters", {"W": np.zeros((4, 3)), "visible_bias": np.zeros(4), "hidden_bias": np.zeros(3)},
     "W", ["abc", None, np.full((4, 3), NAN), np.zeros(4), np.zeros((0, 3)), [[1.0], [1.0, 2.0]]]),
    ("rbm:RBM.from_parameters", {"W": np.zeros((4, 3)), "visible_bias": np.zeros(4), "hidden_bias": np.zeros(3)},
     "visible_bias", [np.zeros(3), np.full(4, NAN), "b", None]),
    ("rbm:RBM.from_parameters", {"W": np.zeros((4, 3)), "visible_bias": np.zeros(4), "hidden_bias": np.zeros(3)},
     "hidden_bias", [np.zeros(4), np.full(3, INF), "c", None]),
    *[(f"rbm:@rbm.{m}", {p: X}, p, arrays(low=0.0, high=1.0))
      for m, p in (("mean_hiddens", "V"), ("sample_hiddens", "V"), ("forward", "X"), ("transform", "X"),
                   ("reconstruct", "X"), ("gibbs", "X"), ("free_energy", "X"), ("cd_gradient", "X"))],
    *[(f"rbm:@rbm.{m}", {p: np.zeros((2, 3))}, p, arrays(3, low=0.0, high=1.0))
      for m, p in (("mean_visibles", "H"), ("sample_visibles", "H"), ("backward", "H"))],
    *[(f"rbm:@rbm.{m}", {"X": XBIN}, "X", [*arrays(low=0.0, high=1.0), *BINARY])
      for m in ("log_likelihood", "probabilities", "kl_divergence", "log_likelihood_gradient")],
    ("rbm:@rbm.log_likelihood", {"X": XBIN}, "log_z", [NAN, INF, "1", True]),
    ("rbm:@rbm.sample_hiddens", {"V": X}, "seed", SEED),
    ("rbm:@rbm.sample_visibles", {"H": np.zeros((2, 3))}, "seed", SEED),
    ("rbm:@rbm.reconstruct", {"X": X}, "seed", SEED[:-1]),
    ("rbm:@rbm.gibbs", {"X": X}, "steps", SIZE),
    ("rbm:@rbm.gibbs", {"X": X}, "seed", SEED),
    ("rbm:@rbm.gibbs", {"X": X}, "return_probabilities", FLAG),
    ("rbm:@rbm.cd_gradient", {"X": X}, "k", SIZE),
    ("rbm:@rbm.cd_gradient", {"X": X}, "seed", SEED),
    ("rbm:@rbm.energy", {"V": XBIN, "H": np.zeros((6, 3))}, "V", arrays(low=0.0, high=1.0)),
    ("rbm:@rbm.energy", {"V": XBIN, "H": np.zeros((6, 3))}, "H", [np.zeros((2, 3)), *arrays(3, low=0.0, high=1.0)]),
    ("rbm:@rbm.log_partition", {}, "enumerate", ["both", 1]),
    ("rbm:RBM.fit", {"self": Fx("rbm"), "X": X, "epochs": 1}, "X", arrays(low=0.0, high=1.0)),
    *[("rbm:RBM.fit", {"self": Fx("rbm"), "X": X, "epochs": 1}, *spec) for spec in (
        ("epochs", SIZE), ("lr", POSITIVE), ("k", SIZE), ("batch_size", SIZE[:-1]), ("momentum", FRACTION),
        ("weight_decay", [*REAL, -1.0]), ("persistent", FLAG), ("seed", SEED), ("init_visible_bias", FLAG),
        ("track_likelihood", ["yes", 1, None]), ("track_every", SIZE), ("snapshot_epochs", [[2.7], [-1], "1", 3]),
        ("callback", FUNCTION))],
    ("rbm:RBM.fit", {"self": Fx("rbm"), "X": X, "epochs": 1, "track_likelihood": True}, "X", BINARY),
    # dbn
    ("dbn:DBN", {"layer_sizes": [4, 3]}, "layer_sizes", [*SEQ_INTS, [4]]),
    ("dbn:DBN", {"layer_sizes": [4, 3]}, "seed", SEED),
    ("dbn:DBN", {"layer_sizes": [4, 3]}, "weight_std", [*REAL, -1.0]),
    ("dbn:DBN.pretrain", {"self": Fx("dbn"), "X": XBIN, "epochs": 1}, "X", arrays(low=0.0, high=1.0)),
    *[("dbn:DBN.pretrain", {"self": Fx("dbn"), "X": XBIN, "epochs": 1}, *spec) for spec in (
        ("epochs", [*SIZE[:-1], [1, 2, 3]]), ("lr", [v for v in POSITIVE if v is not None]), ("k", SIZE[:-1]),
        ("batch_size", SIZE[:-1]), ("momentum", [v for v in FRACTION if v is not None]),
        ("weight_decay", [-1.0, NAN]), ("seed", SEED[:-1]), ("callback", FUNCTION))],
    ("dbn:@dbn.layer_inputs", {"X": XBIN}, "X", arrays(low=0.0, high=1.0)),
    ("dbn:@dbn.transform", {"X": XBIN}, "X", arrays(low=0.0, high=1.0)),
    ("dbn:@dbn.transform", {"X": XBIN}, "layer", [0, 3, 2.7, "1", True]),
    ("dbn:@dbn.reconstruct", {"X": XBIN}, "layer", [0, 3, 2.7, "1"]),
    ("dbn:@dbn.reconstruct", {"X": XBIN}, "X", arrays(low=0.0, high=1.0)),
    ("dbn:@dbn.to_mlp", {"n_classes": 3}, "n_classes", SIZE),
    ("dbn:@dbn.to_mlp", {"n_classes": 3}, "activation", NAME),
    ("dbn:@dbn.to_mlp", {"n_classes": 3}, "seed", SEED),
    ("dbn:@dbn.to_mlp", {"n_classes": 3}, "output_init", NAME, "initializer"),
    # lsuv
    *[(f"lsuv:{f}", {"W": np.ones((4, 3)), "A": X}, *spec) for f in ("output_variance", "rescale") for spec in (
        ("W", ["abc", None, np.full((4, 3), NAN), np.zeros(4), np.zeros((0, 3))]),
        ("A", ["abc", None, np.full((6, 4), INF), np.zeros((6, 3)), np.zeros(4)]),
        ("b", ["abc", np.zeros(4), np.full(3, NAN)]))],
    ("lsuv:lsuv", {"model": Fx("mlp"), "X_batch": X}, "model", [None, "mlp", Fx("rbm")]),
    ("lsuv:lsuv", {"model": Fx("mlp"), "X_batch": X}, "X_batch", [*arrays(), np.zeros((1, 4))]),
    ("lsuv:lsuv", {"model": Fx("mlp"), "X_batch": X}, "tol", POSITIVE),
    ("lsuv:lsuv", {"model": Fx("mlp"), "X_batch": X}, "max_iter", SIZE),
    ("lsuv:lsuv", {"model": Fx("mlp"), "X_batch": X}, "include_output", FLAG),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "layer_sizes", SEQ_INTS),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "X_batch", arrays()),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "activation", NAME),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "seed", SEED),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "slope", FRACTION),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "tol", POSITIVE),
    ("lsuv:lsuv_mlp", {"layer_sizes": [4, 3], "X_batch": X}, "max_iter", SIZE),
    # propagation
    ("propagation:layer_weights", {"init": "he", "width": 4, "layer": 1, "seed": 0}, "init", NAME, "initializer"),
    ("propagation:layer_weights", {"init": "he", "width": 4, "layer": 1, "seed": 0}, "width", [*SIZE, 5000]),
    ("propagation:layer_weights", {"init": "he", "width": 4, "layer": 1, "seed": 0}, "layer", [*SIZE, 101]),
    ("propagation:layer_weights", {"init": "he", "width": 4, "layer": 1, "seed": 0}, "seed", SEED),
    ("propagation:layer_weights", {"init": "normal", "width": 4, "layer": 1, "seed": 0}, "std", [*POSITIVE, *HUGE]),
    *[("propagation:propagate", {"width": 4, "depth": 2, "batch": 4}, *spec) for spec in (
        ("width", [*SIZE, 5000]), ("depth", [*SIZE, 101]), ("activation", [*NAME, "identity"]),
        ("init", NAME), ("scale", [*POSITIVE, *HUGE]), ("seed", SEED), ("batch", SIZE), ("bins", [*SIZE, 1]),
        ("slope", FRACTION), ("init_options", ["std", {"sdt": 1}, {"gain": -1}], "init_options|sdt|gain"))],
    ("propagation:@propagation.table", {}, "max_rows", [2, 2.7, "5", None]),
    ("propagation:@propagation.table_rows", {}, "max_rows", [2, 2.7, "5", None]),
    ("propagation:signal_variance_ratio", {"depth": 2, "width": 4, "batch": 4}, "depth", [*SIZE, 101]),
    ("propagation:signal_variance_ratio", {"depth": 2, "width": 4, "batch": 4}, "width", SIZE),
    ("propagation:signal_variance_ratio", {"depth": 2, "width": 4, "batch": 4}, "seed", SEED),
    ("propagation:signal_variance_ratio", {"depth": 2, "width": 4, "batch": 4}, "batch", SIZE),
    ("propagation:format_std", {"x": 1.0}, "x", ["1", None, True]),
    ("propagation:format_percent", {"x": 0.5}, "x", ["1", None, True]),
    # starts
    ("starts:check_start", {"name": "zeros"}, "name", NAME, "start"),
    ("starts:label", {"name": "zeros"}, "name", NAME, "start"),
    *[("starts:build_model", {"name": "zeros", "layer_sizes": [4, 3], "activation": "relu"}, *spec) for spec in (
        ("name", NAME, "start"), ("layer_sizes", SEQ_INTS), ("activation", NAME), ("seed", SEED),
        ("slope", FRACTION), ("lsuv_batch", SIZE), ("dbn_epochs", SIZE), ("dbn_lr", POSITIVE))],
    ("starts:build_model", {"name": "lsuv", "layer_sizes": [4, 3], "activation": "relu"}, "X", arrays()[:-4]),
    ("starts:build_model", {"name": "dbn", "layer_sizes": [4, 3, 3], "activation": "relu"}, "X",
     arrays(low=0.0, high=1.0)[:-4]),
    ("starts:build_model", {"name": "dbn", "layer_sizes": [4, 3, 3], "activation": "relu"}, "pretrained",
     ["dbn", Fx("rbm"), Fx("dbn")], "pretrained"),
    ("starts:pre_activation_variances", {"model": Fx("mlp"), "X": X}, "model", [None, "m", Fx("rbm")]),
    ("starts:pre_activation_variances", {"model": Fx("mlp"), "X": X}, "X", arrays()),
    ("training:mean_sd", {"scores": [0.5, 0.6]}, "scores", ["abc", None, [0.5], [0.5, NAN], [[0.5, 0.6]]]),
    ("training:best_epoch", {"scores": [0.5, 0.6]}, "scores", ["abc", None, [[0.5, 0.6]]]),
    ("training:EarlyStopping", {"patience": 3}, "patience", SIZE),
    ("training:@stopper.update", {"epoch": 1, "score": 0.5}, "epoch", COUNT),
    ("training:@stopper.update", {"epoch": 1, "score": 0.5}, "score", ["abc", None, True]),
    *[(f"training:{f}", {"a_scores": [0.5, 0.6], "b_scores": [0.4, 0.5]}, *spec) for f in ("decide", "compare")
      for spec in (("a_scores", ["abc", None, [[0.5, 0.6]]]), ("b_scores", ["abc", None, [0.5]]))],
    ("training:decide", {"a_scores": [0.5, 0.6], "b_scores": [0.4, 0.5]}, "win_fraction", [*REAL, 0.5, 1.5]),
    ("training:decide", {"a_scores": [0.5, 0.6], "b_scores": [0.4, 0.5]}, "higher_is_better", FLAG),
    ("training:compare", {"a_scores": [0.5, 0.6], "b_scores": [0.4, 0.5]}, "names", ["ab", ["a"], ["a", 3], None]),
    ("training:compare", {"a_scores": [0.5, 0.6], "b_scores": [0.4, 0.5]}, "digits", COUNT),
    ("training:compare", {"a_scores": [0.5, NAN], "b_scores": [0.4, 0.5]}, "a_scores", [[0.5, NAN]]),
    # monitor
    ("monitor:saturated_fraction", {"a": X, "activation": "tanh"}, "a", ["abc", None]),
    ("monitor:saturated_fraction", {"a": X, "activation": "tanh"}, "activation", NAME),
    ("monitor:saturated_fraction", {"a": X, "activation": "tanh"}, "threshold", [*REAL, 0.0, 1.5]),
    ("monitor:dead_fraction", {"z": X, "activation": "relu"}, "z", ["abc", None, np.zeros(3)]),
    ("monitor:dead_fraction", {"z": X, "activation": "relu"}, "activation", NAME),
    ("monitor:update_ratio", {"update": X, "W": X}, "update", ["abc", None, np.zeros((2, 2))]),
    ("monitor:update_ratio", {"update": X, "W": X}, "W", ["abc", None]),
    ("monitor:Recorder", {}, "every", SIZE),
    ("monitor:Recorder", {}, "bins", SIZE),
    ("monitor:Recorder", {}, "hist_range", ["ab", (1.0,), (1.0, 0.0), (NAN, 1.0), 3]),
    # rbm
    ("rbm:sigmoid", {"z": np.zeros(2)}, "z", ["abc", None, [[1.0], [1.0, 2.0]]]),
    ("rbm:sigmoid", {"z": np.zeros(2)}, "out", ["o", np.zeros(3), [0.0, 0.0]]),
    ("rbm:@rbm.reconstruction_error", {"X": X}, "X", arrays(low=0.0, high=1.0)),
    # lsuv
    ("lsuv:unit_variance_scale", {"W": np.ones((4, 3)), "A": X}, "W", ["abc", None, np.full((4, 3), NAN), np.zeros(4)]),
    ("lsuv:unit_variance_scale", {"W": np.ones((4, 3)), "A": X}, "A", ["abc", None, np.zeros((6, 3))]),
    ("lsuv:unit_variance_scale", {"W": np.ones((4, 3)), "A": X}, "b", ["abc", np.zeros(4)]),
    # plots
    ("plots:style_for", {"name": "zeros"}, "name", [3, None, ["zeros"]]),
    ("plots:legend_outside", {"ax": AX}, "ax", [None, "ax"]),
    # plots
    ("plots:color_for", {"name": "zeros"}, "name", [3, None, ["zeros"]]),
    ("plots:tile", {"images": np.zeros((2, 4))}, "images", arrays(64), "images"),
    ("plots:tile", {"images": np.zeros((2, 4)), "shape": (2, 2)}, "shape", [(2,), (2, 2, 1), (2.5, 2), "22"]),
    ("plots:tile", {"images": np.zeros((2, 4)), "shape": (2, 2)}, "ncols", SIZE[:-1]),
    ("plots:tile", {"images": np.zeros((2, 4)), "shape": (2, 2)}, "pad", COUNT[:-1]),
    ("plots:image_grid", {"ax": AX, "images": np.zeros((2, 64))}, "images", arrays(64)),
    ("plots:image_grid", {"ax": AX, "images": np.zeros((2, 64))}, "shape", [(8,), (8.0, 8)]),
    ("plots:curve_band", {"ax": AX, "curves": [[1.0, 2.0]]}, "curves", ["abc", [], [np.zeros((2, 2))], [["a"]]]),
    ("plots:curve_band", {"ax": AX, "curves": [[1.0, 2.0]]}, "x", ["abc", [1.0], [[1.0, 2.0]], [NAN, 1.0]]),
    # widgets
    ("widgets:slider", {"description": "seed", "min": 0, "max": 9, "value": 3}, "value", [10, -1, 2.7, NAN, "3", True],
     "seed"),
    ("widgets:slider", {"description": "seed", "min": 0, "max": 9, "value": 3}, "max", [0, -1, NAN, "9"]),
    ("widgets:slider", {"description": "seed", "min": 0, "max": 9, "value": 3}, "min", [NAN, "0", None]),
    ("widgets:slider", {"description": "seed", "min": 0, "max": 9, "value": 3}, "step", [0, -1, NAN]),
    ("widgets:slider", {"description": "scale", "min": -1, "max": 1, "value": 1.0, "step": 0.1, "log": True}, "value",
     [100.0, 0.0, NAN, -1.0], "scale"),
    ("widgets:slider", {"description": "seed", "min": 0, "max": 9, "value": 3}, "description", [3, None]),
    ("widgets:dropdown", {"description": "init", "options": ["a", "b"], "value": "a"}, "value", ["c", 3, None], "init"),
    ("widgets:dropdown", {"description": "init", "options": ["a", "b"], "value": "a"}, "description", [3]),
    ("widgets:FigureExplorer", {"controls": {}}, "controls", [None, "c", [1]]),
    ("widgets:FigureExplorer", {"controls": {}}, "dpi", SIZE),
    # checks: their learner answers are driven in test_checks_never_raise below
    # lessons/start_here
    ("lessons.start_here:milestones", {}, "ax", ["ax", 3]),
    ("lessons.start_here:milestone_date", {"year": 2015.1}, "year", [*REAL, -1.0]),
    *[("lessons.start_here:spread_positions", {"wanted": [1.0, 2.0], "widths": [0.5, 0.5], "low": 0.0, "high": 3.0,
                                              "gap": 0.1}, *spec) for spec in (
        ("wanted", ["ab", None, [NAN, 1.0], ["a", 1.0]]), ("widths", [[0.5], [-1.0, 0.5], "ab", None]),
        ("low", [*REAL, 3.0]), ("high", REAL), ("gap", [*REAL, -0.1]))],
    ("lessons.start_here:WaveDemo", {}, "frequency", [0, 11, 2.7, NAN, "2", True], "frequency"),
    ("lessons.start_here:WaveDemo", {}, "dpi", SIZE),
    ("lessons.start_here:@wave.set", {}, "frequency", [0, 11, 2.7, NAN, "2", None], "frequency"),
    ("lessons.start_here:@wave.set", {}, "freqency", [2], "freqency"),
    # lessons/zero_init
    ("lessons.zero_init:gradient_report", {"model": Fx("mlp"), "X": X, "y": Y}, "model", [None, Fx("rbm")]),
    ("lessons.zero_init:gradient_report", {"model": Fx("mlp"), "X": X, "y": Y}, "X", arrays()),
    ("lessons.zero_init:gradient_report", {"model": Fx("mlp"), "X": X, "y": Y}, "y", LABELS),
    *[("lessons.zero_init:train_start", {"label": "a", "epochs": 0}, *spec) for spec in (
        ("label", [3, None]), ("layer_sizes", SEQ_INTS), ("activation", NAME), ("init", NAME[1:], "initializer"),
        ("init_options", ["std", {"sdt": 1}], "init_options|sdt"), ("seed", SEED), ("epochs", COUNT), ("lr", POSITIVE),
        ("batch_size", SIZE), ("momentum", FRACTION))],
    *[("lessons.zero_init:seed_run", {"std": 0.1, "seed": 0, "epochs": 1}, *spec) for spec in (
        ("std", [*REAL, -0.1, *HUGE, [0.1]]), ("seed", [*SEED, [0]]), ("activation", NAME), ("epochs", SIZE))],
    ("lessons.zero_init:seed_study", {"std": 0.1, "seeds": [0], "epochs": 1}, "seeds", [[2.7], [-1], "0", 3]),
    ("lessons.zero_init:seed_study", {"std": 0.1, "seeds": [0], "epochs": 1}, "std", [*REAL, -0.1]),
    ("lessons.zero_init:label_entropy", {"y": Y}, "y", LABELS[:2] + [np.array([0.5, 1.0]), np.array([-1, 1])]),
    ("lessons.zero_init:SeedExplorer", {}, "std", [0.2, NAN, "0.1", None]),
    ("lessons.zero_init:SeedExplorer", {}, "seed", [50, -1, 2.7, NAN, "1"]),
    ("lessons.zero_init:SeedExplorer", {}, "dpi", SIZE),
    ("lessons.zero_init:SeedExplorer", {}, "precompute", FLAG),
    ("lessons.zero_init:SeedExplorer.run", {"self": None, "std": 0.1, "seed": 0}, "std", [-0.1, NAN]),
    ("lessons.zero_init:dead_relu_units", {"std": 0.1, "seed": 0}, "std", [*REAL, -0.1]),
    ("lessons.zero_init:dead_relu_units", {"std": 0.1, "seed": 0}, "seed", SEED),
    *[(f"lessons.zero_init:{f}", {"name": "zeros, relu"}, *spec) for f in ("epochs_below", "hidden_spreads", "scores")
      for spec in (("name", NAME, "start"), ("seeds", [[], [2.7], [-1], "0", 3]))],
    ("lessons.zero_init:epochs_below", {"name": "zeros, relu"}, "level", REAL),
    ("lessons.zero_init:scores", {"name": "zeros, relu"}, "measure", NAME),
    ("lessons.zero_init:holds_on", {"flags": [True]}, "flags", ["yes", 3, None, [1], ["yes"]]),
    ("lessons.zero_init:mean_std", {"values": [0.5, 0.6]}, "values", ["abc", None, [[0.5]], [[1.0], [1.0, 2.0]]]),
    *[("lessons.zero_init:plot_starts", {"names": ["zeros, relu"]}, *spec) for spec in (
        ("names", [[], ["nope"], "zeros, relu", None], "names|start"), ("seed", SEED), ("figsize", [(10,), (0, 3), "10", (NAN, 3)]))],
    *[("lessons.zero_init:seed_verdict", {"scores_a": [0.5, 0.6], "scores_b": [0.4, 0.5], "label_a": "a",
                                         "label_b": "b"}, *spec) for spec in (
        ("scores_a", ["abc", None, [0.5], [[0.5, 0.6]]]), ("scores_b", ["abc", None, [0.5], [[0.4, 0.5]]]),
        ("label_a", [3, None]), ("label_b", [3, None]), ("higher_is_better", FLAG),
        ("min_share", [*REAL, 0.5, 1.5]), ("measure", [3, None]))],
    ("lessons.zero_init:start_style", {"name": "zeros, relu"}, "name", NAME, "start"),
    ("lessons.zero_init:start_label", {"name": "zeros, relu"}, "name", NAME, "start"),
    ("lessons.zero_init:std_sweep", {"stds": [0.1], "seeds": [0]}, "stds", [[], [-0.1], [NAN], "0.1", 0.1]),
    ("lessons.zero_init:std_sweep", {"stds": [0.1], "seeds": [0]}, "seeds", [[], [2.7], "0", 3]),
    ("lessons.zero_init:zero_start_gradients", {"activations": ["relu"]}, "activations", [[], ["nope"], "relu", None]),
    ("lessons.zero_init:zero_start_gradients", {"activations": ["relu"]}, "layer_sizes", [*SEQ_INTS, [64]]),
    # lessons/rbm_reconstruction
    ("lessons.rbm_reconstruction:model_vs_data", {"model": Fx("rbm"), "patterns": XBIN}, "model", [None, Fx("mlp")]),
    ("lessons.rbm_reconstruction:model_vs_data", {"model": Fx("rbm"), "patterns": XBIN}, "patterns",
     [*arrays(low=0.0, high=1.0), *BINARY]),
    ("lessons.rbm_reconstruction:draw_model_vs_data", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, "ax",
     [None, "ax"]),
    ("lessons.rbm_reconstruction:draw_model_vs_data", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, "title", [3]),
    ("lessons.rbm_reconstruction:draw_model_vs_data", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, "patterns",
     BINARY),
    ("lessons.rbm_reconstruction:draw_model_vs_data", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, "ax_share",
     ["ax", 3]),
    ("lessons.rbm_reconstruction:draw_model_vs_data", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, "ymax",
     [v for v in POSITIVE if v is not None]),
    *[("lessons.rbm_reconstruction:draw_model_vs_data_over_training",
       {"figure": Fx("figure"), "history": Fx("snap_history4"), "patterns": XBIN}, *spec) for spec in (
        ("figure", [None, AX]), ("history", [None, Fx("history")], "history"), ("patterns", BINARY),
        ("epochs", [[], [1], "0", [0.0], [0] * 7, [0, 0]]))],
    *[("lessons.rbm_reconstruction:draw_models_vs_data",
       {"figure": Fx("figure"), "models": {"a": Fx("rbm")}, "patterns": XBIN}, *spec) for spec in (
        ("figure", [None, AX]), ("models", [None, {}, {"a": None}, {3: Fx("rbm")}, [Fx("rbm")],
                                            {str(k): Fx("rbm") for k in range(7)}]), ("patterns", BINARY))],
    *[("lessons.rbm_reconstruction:draw_patterns", {"ax": AX, "patterns": XBIN, "shape": (2, 2)}, *spec) for spec in (
        ("ax", [None, "ax"]), ("patterns", arrays(low=0.0, high=1.0)), ("shape", [(2,), "22", (2.0, 2)]))],
    *[("lessons.rbm_reconstruction:draw_free_energies", {"ax": AX, "model": Fx("rbm"), "patterns": XBIN}, *spec)
      for spec in (("ax", [None, "ax"]), ("model", [None, Fx("mlp")]), ("patterns", [*arrays(), *BINARY]),
                   ("title", [3]))],
    *[("lessons.rbm_reconstruction:phase_samples", {"model": Fx("rbm"), "patterns": XBIN, "repeats": 2}, *spec)
      for spec in (("model", [None, Fx("mlp")]), ("patterns", BINARY), ("steps", [[], [0], "1", [1.5]]),
                   ("repeats", SIZE), ("seed", SEED))],
    *[("lessons.rbm_reconstruction:share_on_patterns", {"samples": XBIN, "patterns": XBIN}, *spec) for spec in (
        ("samples", [*arrays(), *BINARY]), ("patterns", ["abc", None, np.zeros(4), *BINARY]))],
    *[("lessons.rbm_reconstruction:draw_phases",
       {"ax": AX, "model": Fx("rbm"), "patterns": XBIN, "repeats": 2, "shape": (2, 2)}, *spec) for spec in (
        ("ax", [None, "ax"]), ("model", [None, Fx("mlp")]), ("patterns", BINARY), ("steps", [[], [0]]),
        ("repeats", SIZE), ("seed", SEED), ("shape", [(3, 3), (2,), "22"]))],
    ("lessons.rbm_reconstruction:draw_bipartite", {"ax": AX}, "ax", [None, "ax"]),
    ("lessons.rbm_reconstruction:draw_bipartite", {"ax": AX}, "n_visible", [*SIZE, 1000]),
    ("lessons.rbm_reconstruction:draw_bipartite", {"ax": AX}, "n_hidden", [*SIZE, 1000]),
    ("lessons.rbm_reconstruction:draw_bipartite", {"ax": AX}, "W", ["w", np.zeros((4, 6)), np.full((6, 4), NAN)]),
    *[("lessons.rbm_reconstruction:draw_passes", {"axes": [AX] * 4, "rbm": Fx("rbm"), "x": np.zeros(4), "shape": (2, 2)},
       *spec) for spec in (
        ("axes", [[AX] * 3, "axes", [AX, AX, AX, None]]), ("rbm", [None, Fx("mlp")]),
        ("x", ["x", None, np.zeros(5), np.zeros((2, 4)), np.full(4, NAN), np.full(4, 2.0), [[0.0], [0.0, 1.0]]]),
        ("seed", SEED), ("shape", [(2,), (3, 3), (2.0, 2)]), ("hidden_shape", [(1, 1), (3,), "33"]))],
    ("lessons.rbm_reconstruction:draw_training_curves", {"ax_ll": AX, "ax_kl": AX, "runs": {"a": Fx("ll_history")}},
     "ax_ll", [None]),
    ("lessons.rbm_reconstruction:draw_training_curves", {"ax_ll": AX, "ax_kl": AX, "runs": {"a": Fx("ll_history")}},
     "ax_kl", [None]),
    ("lessons.rbm_reconstruction:draw_training_curves", {"ax_ll": AX, "ax_kl": AX, "runs": {"a": Fx("ll_history")}},
     "runs", [None, [1], {"a": 3}, {"a": Fx("history")}]),
    ("lessons.rbm_reconstruction:draw_training_curves", {"ax_ll": AX, "ax_kl": AX, "runs": {"a": Fx("ll_history")}},
     "best_log_likelihood", [NAN, "1"]),
    ("lessons.rbm_reconstruction:draw_recon_vs_likelihood", {"ax": AX, "history": Fx("ll_history")}, "ax", [None]),
    ("lessons.rbm_reconstruction:draw_recon_vs_likelihood", {"ax": AX, "history": Fx("ll_history")}, "history",
     [None, {}, Fx("history")]),
    *[("lessons.rbm_reconstruction:EpochPanels", {"figure": Fx("figure"), "history": Fx("snap_history"),
                                                  "X_show": np.zeros((2, 64))}, *spec) for spec in (
        ("figure", [None, AX]), ("history", [None, Fx("history")]),
        ("X_show", arrays(64, low=0.0, high=1.0)), ("n_filters", SIZE), ("shape", [(8,), (8.0, 8)]))],
    ("lessons.rbm_reconstruction:@panels.nearest", {}, "epoch", COUNT),
    ("lessons.rbm_reconstruction:@panels.update", {}, "epoch", COUNT),
    ("lessons.rbm_reconstruction:EpochExplorer", {"history": Fx("snap_history"), "X_show": np.zeros((2, 64))},
     "history", [None, Fx("history")]),
    ("lessons.rbm_reconstruction:EpochExplorer", {"history": Fx("snap_history"), "X_show": np.zeros((2, 64))},
     "epoch", [-1, 3, 2.7, "0", None]),
    ("lessons.rbm_reconstruction:EpochExplorer", {"history": Fx("snap_history"), "X_show": np.zeros((2, 64))},
     "X_show", arrays(64, low=0.0, high=1.0)),
    ("lessons.rbm_reconstruction:@epoch_explorer.set", {}, "epoch", [-1, 3, 2.7, NAN, "0"]),
    *[("lessons.rbm_reconstruction:gibbs_grid", {"ax": AX, "rbm": Fx("rbm64"), "start": np.zeros((2, 64)),
                                                 "steps": [1]}, *spec)
      for spec in (("ax", [None]), ("rbm", [None, Fx("mlp")]), ("start", arrays(64, low=0.0, high=1.0)),
                     ("steps", [[0], [2.7], "1", 1]), ("seed", SEED), ("ncols", SIZE[1:-1]))],
    # lessons/dbn_pretraining
    ("lessons.dbn_pretraining:pretrained_dbn", {}, "seed", [*SEED, [0]]),
    ("lessons.dbn_pretraining:pretrain_seconds", {}, "seed", [*SEED, [0]]),
    ("lessons.dbn_pretraining:make_network", {"start": "zeros"}, "start", NAME),
    ("lessons.dbn_pretraining:make_network", {"start": "zeros"}, "seed", SEED),
    ("lessons.dbn_pretraining:label_subset", {"n_labels": 20}, "n_labels", [9, 2.7, True, "20"]),
    ("lessons.dbn_pretraining:label_subset", {"n_labels": 20}, "seed", SEED),
    ("lessons.dbn_pretraining:validation_split", {}, "seed", SEED),
    ("lessons.dbn_pretraining:schedule", {}, "n_labels", [9, 2.7, True, "20"]),
    *[("lessons.dbn_pretraining:train_start", {"start": "zeros", "n_labels": 20}, *spec) for spec in (
        ("start", NAME), ("n_labels", [9, 2.7, "20"]), ("seeds", [[2.7], [-1], "0", 3]))],
    ("lessons.dbn_pretraining:compare_starts", {}, "seeds", [[2.7], [-1], "0", 3]),
    ("lessons.dbn_pretraining:stopped_by_the_cap", {"runs": [Fx("run")]}, "runs", [None, [3], "ab"]),
    ("lessons.dbn_pretraining:verdict_table", {"runs": {"zeros": [Fx("run")] * 2}, "pairs": [["zeros", "zeros"]]},
     "runs", [None, {"nope": [Fx("run")]}]),
    ("lessons.dbn_pretraining:verdict_table", {"runs": {"zeros": [Fx("run")] * 2}, "pairs": [["zeros", "zeros"]]},
     "pairs", [[], "ab", [["zeros"]], [["zeros", "dbn"]], [[3, "zeros"]]]),
    ("lessons.dbn_pretraining:scores", {"runs": [Fx("run")]}, "runs", [None, [], [3], "ab"]),
    ("training:scores", {"runs": [Fx("run")]}, "runs", [None, [], [3], "ab"]),
    *[("lessons.dbn_pretraining:verdict", {"a_runs": [Fx("run")] * 2, "b_runs": [Fx("run")] * 2}, *spec)
      for spec in (("a_runs", [None, [], [3]]), ("b_runs", [None, [3], [Fx("run")]]),
                   ("names", ["ab", ["a"], ["a", 3]]))],
    *[(f"lessons.dbn_pretraining:{f}", {"runs": {"zeros": [Fx("run")]}, "reference": "zeros"}, *spec)
      for f in ("summary_table", "start_table") for spec in (
        ("runs", [None, [1], {"nope": [Fx("run")]}, {"zeros": []}, {"zeros": [3]}]), ("target", [NAN, 2.0]),
        ("reference", ["dbn", 3, None]))],
    ("lessons.dbn_pretraining:epochs_to_reach", {"history": Fx("history"), "target": 0.9}, "history", [None, {}]),
    ("lessons.dbn_pretraining:epochs_to_reach", {"history": Fx("history"), "target": 0.9}, "target",
     [*REAL, 1.5, -0.1]),
    ("lessons.dbn_pretraining:label_budget_study", {}, "budgets", ["50", 50, [5], [2.7], []]),
    ("lessons.dbn_pretraining:label_budget_study", {}, "starts", ["dbn", ["nope"], [3], []]),
    ("lessons.dbn_pretraining:label_budget_study", {}, "seeds", [[2.7], "0", [-1]]),
    *[("lessons.dbn_pretraining:budget_gaps", {"study": STUDY}, *spec) for spec in (
        ("study", [None, {}, {"budgets": [20]}, "study"]), ("a", NAME), ("b", NAME))],
    *[(f"lessons.dbn_pretraining:{f}", {"study": STUDY}, *spec) for f in ("budget_table", "budget_figure")
      for spec in (("study", [None, {}, {"budgets": [20], "dbn": {}}]), ("against", [["nope"], "xavier", 3, []]))],
    *[("lessons.dbn_pretraining:draw_tower", {"ax": AX, "layer_sizes": [4, 3, 2], "training": 0}, *spec)
      for spec in (("ax", [None]), ("layer_sizes", [*SEQ_INTS, [4]]), ("training", [-1, 2, 2.7, "0", None]),
                     ("names", ["xh", ["x"], ["x", "h1", "h2", "h3"]]))],
    ("lessons.dbn_pretraining:unit_pictures", {"dbn": Fx("dbn"), "layer": 1, "units": [0]}, "dbn", [None, Fx("rbm")]),
    ("lessons.dbn_pretraining:unit_pictures", {"dbn": Fx("dbn"), "layer": 1, "units": [0]}, "layer", [0, 3, 2.7]),
    ("lessons.dbn_pretraining:unit_pictures", {"dbn": Fx("dbn"), "layer": 1, "units": [0]}, "units",
     [[3], [-1], [0.5], "0", []]),
    ("lessons.dbn_pretraining:top_activating", {"dbn": Fx("dbn"), "X": XBIN, "layer": 1, "unit": 0}, "dbn", [None]),
    ("lessons.dbn_pretraining:top_activating", {"dbn": Fx("dbn"), "X": XBIN, "layer": 1, "unit": 0}, "X",
     arrays(low=0.0, high=1.0)),
    ("lessons.dbn_pretraining:top_activating", {"dbn": Fx("dbn"), "X": XBIN, "layer": 1, "unit": 0}, "layer",
     [0, 3, 2.7]),
    ("lessons.dbn_pretraining:top_activating", {"dbn": Fx("dbn"), "X": XBIN, "layer": 1, "unit": 0}, "unit",
     [3, -1, 2.7]),
    ("lessons.dbn_pretraining:top_activating", {"dbn": Fx("dbn"), "X": XBIN, "layer": 1, "unit": 0}, "n",
     [0, 7, 2.7]),
    ("lessons.dbn_pretraining:picture_shape", {"n": 4}, "n", SIZE),
    ("lessons.dbn_pretraining:stacking_figure", {"dbn": Fx("dbn"), "x": np.zeros(4)}, "dbn", [None, Fx("rbm")]),
    ("lessons.dbn_pretraining:stacking_figure", {"dbn": Fx("dbn"), "x": np.zeros(4)}, "x",
     ["x", None, np.zeros(5), np.full(4, NAN), np.full(4, 2.0)]),
    ("lessons.dbn_pretraining:filters_figure", {"dbn": Fx("dbn")}, "dbn", [None]),
    ("lessons.dbn_pretraining:filters_figure", {"dbn": Fx("dbn")}, "n_units", [0, 3, 2.7]),
    ("lessons.dbn_pretraining:comparison_figure", {"runs": {"zeros": [Fx("run")]}}, "runs", [None, {"zeros": [3]}]),
    ("lessons.dbn_pretraining:comparison_figure", {"runs": {"zeros": [Fx("run")]}}, "target", [NAN]),
    # meanfield
    *[(f"meanfield:{f}", {"q0": 1.0, "depth": 3}, *spec)
      for f in ("length_map", "predicted_act_std", "gradient_variance_ratio") for spec in (
        ("q0", [*REAL, -1.0]), ("depth", [*SIZE, 10**6]), ("activation", NAME), ("sigma_w2", [*POSITIVE]),
        ("sigma_b2", [*REAL, -0.1]), ("slope", [*REAL, -0.1, 1.5]), ("n_points", [1, 371, 2.7, "101"]))],
    *[(f"meanfield:{f}", {"q": 1.0}, *spec) for f in ("act_std", "chi") for spec in (
        ("q", ["x", None, True, -1.0, [1.0, NAN], [[1.0], [1.0, 2.0]]]), ("activation", NAME),
        ("slope", [NAN, -0.1]), ("n_points", [1, 2.7]))],
    ("meanfield:chi", {"q": 1.0}, "sigma_w2", POSITIVE),
    *[("meanfield:chi1", {}, *spec) for spec in (
        ("activation", NAME), ("sigma_w2", POSITIVE), ("sigma_b2", [*REAL, -0.1]), ("slope", [NAN, 1.5]),
        ("q0", [*REAL, -1.0]), ("n_points", [1, 2.7]))],
    *[("meanfield:fixed_point", {}, *spec) for spec in (
        ("activation", NAME), ("sigma_w2", POSITIVE), ("sigma_b2", [*REAL, -0.1]), ("q0", [*REAL, -1.0]),
        ("slope", [NAN, 1.5]), ("tol", POSITIVE), ("max_iter", SIZE), ("n_points", [1, 2.7]))],
    ("meanfield:gauss_expectation", {"g": np.square}, "g", FUNCTION),
    ("meanfield:gauss_expectation", {"g": np.square}, "n_points", [*SIZE, 1, 371]),
    *[("meanfield:phase_diagram", {"sigma_w2_grid": [1.0], "sigma_b2_grid": [0.0]}, *spec) for spec in (
        ("sigma_w2_grid", ["a", None, [], [1.0, -1.0], [0.0], [NAN], [[1.0]]]),
        ("sigma_b2_grid", ["a", None, [], [-0.1], [INF], [[0.0]]]), ("activation", NAME), ("slope", [NAN, -1.0]),
        ("n_points", [1, 2.7]))],
    *[("meanfield:critical_sigma_w2", {}, *spec) for spec in (
        ("sigma_b2", [*REAL, -1.0]), ("activation", NAME), ("slope", [NAN, -1.0]), ("n_points", [1, 2.7]),
        ("tol", POSITIVE))],
    ("meanfield:phase", {"chi_1": 1.0}, "chi_1", [*REAL, -1.0]),
    ("meanfield:phase", {"chi_1": 1.0}, "tol", POSITIVE),
    ("meanfield:named_initializers", {}, "fan_in", SIZE),
    ("meanfield:initializer_phases", {}, "activation", NAME),
    ("meanfield:initializer_phases", {}, "fan_in", SIZE),
    ("meanfield:initializer_phases", {}, "slope", [NAN, -1.0]),
    *[(f"meanfield:{f}", {"depths": (1, 2)}, *spec) for f in ("tanh_story", "tanh_story_text") for spec in (
        ("depths", [(), (0,), (2.7,), "1", 3, None]), ("q0", [*REAL, -1.0]))],
    # lessons/xavier_he
    *[("lessons.xavier_he:deep_relu_runs", {"inits": ["he_normal"], "seeds": [0], "depth": 2, "width": 4,
                                           "epochs": 0, "per_class": 1}, *spec) for spec in (
        ("inits", ["he", ["nope"], [3], []], "inits|initializer"), ("seeds", [[2.7], "0"]), ("depth", SIZE), ("width", SIZE),
        ("epochs", COUNT), ("lr", POSITIVE), ("momentum", FRACTION), ("batch_size", SIZE), ("per_class", SIZE))],
    *[("lessons.xavier_he:plot_layer_histograms", {"ax": AX, "result": Fx("propagation")}, *spec) for spec in (
        ("ax", [None]), ("result", [None, Fx("mlp")]), ("kind", NAME), ("layers", [[0], [4], [1.5], "1"]),
        ("legend", FLAG))],
    *[("lessons.xavier_he:histogram_grid", {"activation": "tanh", "width": 4, "depth": 2, "batch": 4}, *spec)
      for spec in (("activation", NAME), ("kind", NAME), ("width", SIZE), ("depth", SIZE), ("seed", SEED),
                     ("batch", SIZE), ("cases", ["abc", [], [("a", "nope", {})], [("a", "normal", {"sdt": 1})],
                                                 [("a", "normal")]], "cases|initializer|sdt"))],
    ("lessons.xavier_he:weight_gradient_ratio", {"r": Fx("propagation")}, "r", [None, Fx("mlp"), {}]),
    *[("lessons.xavier_he:deep_relu_table", {"runs": {"lecun_normal": [Fx("history")] * 2,
                                                     "he_normal": [Fx("history")] * 2}, "seeds": (0, 1)}, *spec)
      for spec in (
        ("runs", [None, [1], {"lecun_normal": [Fx("history")] * 2}, {"lecun_normal": [3, 3], "he_normal": [3, 3]},
                  {"lecun_normal": [Fx("history")], "he_normal": [Fx("history")]}], "runs|names"),
        ("names", [("he_normal",), ("nope", "he_normal"), "ab", None]),
        ("seeds", [None, "01", (0,), (0, 1, 2), (0, -1), (0, 1.5)], "seeds|runs"))],
    *[("lessons.xavier_he:tanh_theory_and_simulation", {"width": 4, "depth": 3, "seeds": (0,), "batch": 4}, *spec)
      for spec in (("width", SIZE), ("depth", SIZE), ("batch", SIZE), ("seeds", [[], [2.7], [-1], "0", 3]),
                     ("cases", [[], "abc", [("a", "b")], [("a", "b", -1.0)], [(3, "b", 1.0)], [("a", "b", NAN)]]))],
    ("lessons.xavier_he:theory_table", {"results": Fx("tanh_results")}, "results",
     [None, [], [{}], [3], "r", Fx("tanh_results_mixed")]),
    ("lessons.xavier_he:theory_table", {"results": Fx("tanh_results")}, "layers", SEQ_INTS),
    ("lessons.xavier_he:plot_theory_and_simulation", {"results": Fx("tanh_results")}, "results",
     [None, [], [{}], [3], "r"]),
    ("lessons.xavier_he:phase_diagram_figure", {}, "fan_in", SIZE),
    ("lessons.xavier_he:phase_diagram_figure", {}, "sigma_w2", ["a", [], [0.0, 1.0], [-1.0], [NAN], [[1.0]]]),
    ("lessons.xavier_he:phase_diagram_figure", {}, "sigma_b2", ["a", [], [-0.1], [INF], [[0.0]]]),
    ("lessons.xavier_he:phase_line", {"row": PHASE_ROW}, "row",
     [None, [], {}, {**PHASE_ROW, "label": 3}, {**PHASE_ROW, "phase": "no such phase"}, {**PHASE_ROW, "chi1": "1"},
      {**PHASE_ROW, "sigma_w2": None}]),
    ("lessons.xavier_he:framework_table", {}, "fan_in", SIZE),
    ("lessons.xavier_he:framework_table", {}, "fan_out", SIZE),
    ("lessons.xavier_he:framework_table", {}, "seed", SEED),
    ("lessons.xavier_he:describe", {"label": "a", "r": Fx("propagation")}, "label", [3, None]),
    ("lessons.xavier_he:describe", {"label": "a", "r": Fx("propagation")}, "r", [None, Fx("mlp")]),
    ("lessons.xavier_he:describe", {"label": "a", "r": Fx("propagation")}, "kind", NAME),
    ("lessons.xavier_he:WeightCache", {}, "max_bytes", SIZE),
    *[("lessons.xavier_he:PropagationExplorer", {"width": 8, "depth": 3, "batch": 8, "bins": 10}, *spec)
      for spec in (("width", [0, 300, 2.7, NAN, "8"]), ("depth", [0, 60, 2.7]), ("activation", NAME),
                     ("init", NAME), ("scale", [0.0, 1e4, NAN, "1"]), ("seed", [-1, 21, 2.7]),
                     ("max_width", [0, 5000, 2.7]), ("max_depth", [0, 101, 2.7]), ("batch", SIZE), ("bins", SIZE),
                     ("dpi", SIZE))],
    *[("lessons.xavier_he:@prop_explorer.set", {}, *spec) for spec in (
        ("width", [0, 300, 2.7, NAN, "8", None]), ("depth", [0, 60, 2.7]), ("activation", NAME),
        ("init", NAME), ("scale", [0.0, 1e4, NAN, INF, "1"]), ("seed", [-1, 21, 2.7]), ("sead", [1]))],
    # lessons/comparison
    ("lessons.comparison:digits", {}, "n_train", [0, 2.7, True, 5000]),
    *[("lessons.comparison:run_one", {"init": "zeros", "activation": "relu", "seed": 0, "epochs": 0, "n_train": 10,
                                     "hidden": (2,)}, *spec) for spec in (
        ("init", NAME, "start"), ("activation", NAME), ("seed", SEED), ("hidden", ["16", [], [2.7], 16]),
        ("n_train", [9, 2000, 2.7]), ("epochs", COUNT), ("lr", POSITIVE), ("momentum", FRACTION),
        ("batch_size", SIZE), ("slope", FRACTION), ("epoch", [3]))],
    *[("lessons.comparison:run_grid", {"inits": ["zeros"], "activations": ["relu"], "seeds": [0], "epochs": 0,
                                      "n_train": 10, "hidden": (2,)}, *spec) for spec in (
        ("inits", [["nope"], [3]], "start"), ("activations", [["nope"]], "activation"), ("seeds", [[2.7], "0", 0]),
        ("dbn_activations", [["nope"]]), ("progress", FUNCTION), ("n_train", [9]), ("lr", [NAN]))],
    *[("lessons.comparison:depth_study", {"depths": [1], "seeds": [0], "epochs": 0, "n_train": 10, "hidden": (2,)},
       *spec) for spec in (("activation", NAME), ("init", NAME, "start"), ("depths", [[0], [2.7], "1", 1]),
                              ("seeds", [[2.7], "0"]), ("hidden", ["16", []]), ("n_train", [9]))],
    *[("lessons.comparison:pre_activation_variances", {"name": "zeros", "activation": "relu", "n_train": 10,
                                                      "hidden": (2,)}, *spec) for spec in (
        ("name", NAME, "start"), ("activation", NAME), ("seed", SEED), ("hidden", ["16"]), ("epoch", [3]))],
    ("lessons.comparison:format_accuracy", {"value": 0.5}, "value", ["0.5", None, True]),
    ("lessons.comparison:Grid.select", {"self": Fx("grid"), "init": "zeros", "activation": "relu"}, "init", NAME,
     "start"),
    ("lessons.comparison:Grid.select", {"self": Fx("grid"), "init": "zeros", "activation": "relu"}, "activation", NAME),
    ("lessons.comparison:Grid.cell", {"self": Fx("grid"), "init": "zeros", "activation": "relu"}, "init", NAME,
     "start"),
    ("lessons.comparison:Grid.table", {"self": Fx("grid")}, "width", SIZE),
    ("lessons.comparison:Grid.scores", {"self": Fx("grid"), "init": "zeros", "activation": "relu"}, "init", NAME,
     "start"),
    ("lessons.comparison:Grid.scores", {"self": Fx("grid"), "init": "zeros", "activation": "relu"}, "activation", NAME),
    *[("lessons.comparison:Grid.compare", {"self": Fx("grid"), "init_a": "zeros", "init_b": "zeros",
                                          "activation": "relu"}, p, NAME, w)
      for p, w in (("init_a", "start"), ("init_b", "start"), ("activation", "activation"))],
    *[("lessons.comparison:Grid.beats_table", {"self": Fx("grid"), "inits": ["zeros"], "baseline": "zeros",
                                              "activations": ["relu"]}, *spec) for spec in (
        ("inits", [[], ["nope"], "zeros", None], "inits|start"), ("baseline", NAME, "start|baseline"),
        ("activations", [[], ["nope"], "relu", None]))],
    ("lessons.comparison:Grid.claims_table", {"self": Fx("grid"), "claims": [("relu", "zeros", "zeros")]}, "claims",
     [[], None, "relu", [("relu", "zeros")], [("nope", "zeros", "zeros")], [("relu", "nope", "zeros")], ["abc"]],
     "claims|start"),
    ("lessons.comparison:lsuv_table", {"report": Fx("lsuv_report")}, "report", [None, "report", {}]),
    ("lessons.comparison:Grid.best", {"self": Fx("grid"), "activation": "relu"}, "activation", NAME),
    ("lessons.comparison:Grid.best", {"self": Fx("grid"), "activation": "relu"}, "inits", [["nope"], "zeros", 3],
     "inits|start"),
    *[("lessons.comparison:run_cell", {"init": "zeros", "activation": "relu", "seeds": [0], "epochs": 0, "n_train": 10,
                                      "hidden": (2,)}, *spec) for spec in (
        ("init", NAME, "start"), ("activation", NAME), ("seeds", [[], [2.7], [-1], "0", 3]), ("hidden", ["16", []]),
        ("n_train", [9, 2.7]), ("epochs", COUNT), ("lr", POSITIVE), ("momentum", FRACTION), ("batch_size", SIZE),
        ("epoch", [3]))],
    ("lessons.comparison:ProgressBar", {}, "description", [3, None]),
    ("lessons.comparison:@progress.__call__", {"done": 1, "total": 2}, "done", [-1, 3, 2.7, "1"]),
    ("lessons.comparison:@progress.__call__", {"done": 1, "total": 2}, "total", [0, 2.7, "2"]),
    ("lessons.comparison:@progress.__call__", {"done": 1, "total": 2}, "run", ["run", 3]),
    ("lessons.comparison:grid_heatmap", {"ax": AX, "grid": Fx("grid")}, "ax", [None]),
    ("lessons.comparison:grid_heatmap", {"ax": AX, "grid": Fx("grid")}, "grid", [None, {}]),
    ("lessons.comparison:grid_heatmap", {"ax": AX, "grid": Fx("grid")}, "title", [3]),
    ("lessons.comparison:paper_table", {"ax": AX}, "ax", [None]),
    ("lessons.comparison:paper_table", {"ax": AX}, "table", ["t", {"rows": {}}]),
    ("lessons.comparison:activation_label", {"activation": "relu"}, "activation", NAME),
    # lessons/training_dynamics
    ("lessons.training_dynamics:playground_model", {"start": "He"}, "start", NAME),
    ("lessons.training_dynamics:start_label", {"start": "He"}, "start", NAME),
    ("lessons.training_dynamics:flag_text", {"flag": True}, "flag", FLAG),
    ("lessons.training_dynamics:playground_model", {"start": "He"}, "scale", POSITIVE),
    ("lessons.training_dynamics:playground_model", {"start": "He"}, "seed", SEED),
    ("lessons.training_dynamics:FrameRecorder", {"X": np.zeros((3, 2)), "y": [0, 1, 0]}, "X", arrays(2)),
    ("lessons.training_dynamics:FrameRecorder", {"X": np.zeros((3, 2)), "y": [0, 1, 0]}, "y", LABELS),
    ("lessons.training_dynamics:FrameRecorder", {"X": np.zeros((3, 2)), "y": [0, 1, 0]}, "every", SIZE),
    ("lessons.training_dynamics:FrameRecorder.snapshot", {"self": Fx("frame_recorder"), "step": 0, "model": Fx("mlp")},
     "step", COUNT),
    ("lessons.training_dynamics:FrameRecorder.snapshot", {"self": Fx("frame_recorder"), "step": 0, "model": Fx("mlp")},
     "model", [None, Fx("rbm")]),
    ("lessons.training_dynamics:Frames.prob_at", {"self": Fx("frames"), "k": 0}, "k", [31, -32, 2.7, "1", None]),
    *[(f"lessons.training_dynamics:{f}", {"fig": Fx("figure")}, "fig", [None, AX, "fig"])
      for f in ("plot_histograms", "plot_statistics", "plot_starts_row")],
    ("lessons.training_dynamics:plot_starts_row", {"fig": Fx("figure")}, "dataset", NAME),
    ("lessons.training_dynamics:plot_starts_row", {"fig": Fx("figure")}, "frame", [10**6, -10**6, 2.7, "1", None]),
    ("lessons.training_dynamics:plot_output_start", {"ax": AX}, "ax", [None, "ax"]),
    ("lessons.training_dynamics:plot_output_start", {"ax": AX}, "seeds", [[], [2.7], [-1], "0", 3]),
    *[("lessons.training_dynamics:compare_over_seeds", {"a": [0.5, 0.6], "b": [0.4, 0.5], "name_a": "a",
                                                       "name_b": "b"}, *spec) for spec in (
        ("a", ["abc", None, [[0.5]]]), ("b", ["abc", None, [[0.5]]]), ("name_a", [3, None]), ("name_b", [3, None]),
        ("higher_is_better", FLAG))],
    ("lessons.training_dynamics:bn_table", {}, "seeds", [[], [2.7], [-1], "0", 3]),
    ("lessons.training_dynamics:statistics_table", {}, "starts", [[], ["nope"], "N(0, 1)", None, [3]]),
    ("lessons.training_dynamics:signal_change", {"std": 0.1}, "std", [*POSITIVE, *HUGE]),
    ("lessons.training_dynamics:signal_change", {"std": 0.1}, "depth", SIZE),
    ("lessons.training_dynamics:signal_change", {"std": 0.1}, "width", SIZE),
    *[("lessons.training_dynamics:BoundaryExplorer", {}, *spec) for spec in (
        ("start", NAME), ("scale", [0.5, NAN, "1", None]), ("dataset", NAME), ("step", [-1, 10**6, 2.7, "0"]),
        ("dpi", SIZE))],
    # the explorers' layout and tables
    ("widgets:FigureExplorer.control_box", {"self": Fx("wave")}, "name", NAME),
    *[("widgets:FigureExplorer.show_progress", {"self": Fx("wave"), "message": "training"}, *spec) for spec in (
        ("message", [3, None]), ("picture", FLAG))],
    *[("widgets:Table", {"header": ["a", "b"], "rows": [["1", "2"]]}, *spec) for spec in (
        ("header", [[], "ab", None, 3]), ("rows", ["ab", None, [["1", "2", "3"]], ["12"]]), ("text", [3]),
        ("font_size", [12, None]), ("align", ["l", "lx", "lrr", 3]), ("wrap", [[2], [-1], [1.5], "0", 3, None]),
        ("caption", [3]), ("notes", ["ab", [3], None]), ("grouped", FLAG))],
    *[("widgets:encode_png", {"rgba": np.zeros((2, 2, 4), dtype=np.uint8), "dpi": 72}, *spec) for spec in (
        ("rgba", [np.zeros((2, 2)), np.zeros((2, 2, 4)), np.zeros((0, 2, 4), dtype=np.uint8), "x"]),
        ("dpi", SIZE), ("compress_level", [-1, 10, 2.7, "1", None]))],
    *[("widgets:selection_slider", {"description": "std", "options": [0.1, 0.3], "value": 0.1}, *spec)
      for spec in (("description", [3, None]), ("options", [[0.1], "ab", None]), ("value", [0.2, "0.1"], "std"))],
    ("lessons.xavier_he:describe_table", {"runs": [("a", Fx("propagation"))]}, "runs",
     [None, "ab", [("a",)], [(3, Fx("propagation"))], [("a", Fx("mlp"))]]),
    ("lessons.xavier_he:describe_table", {"runs": [("a", Fx("propagation"))]}, "kind", NAME),
    *[("lessons.xavier_he:layer_table", {"result": Fx("propagation")}, *spec) for spec in (
        ("result", [None, Fx("mlp")]), ("max_rows", [2, 2.7, "12", None]))],
    # lessons/__init__
    ("lessons:explorer_class", {"dotted": "start_here.WaveDemo"}, "dotted",
     [3, None, "nope", "start_here.Nope", "nope.Wave"]),
]

#: A row whose path names a fixture's method covers this public name.
COVERS = {
    "nn:@mlp": "nn:MLP", "nn:@stack": "nn:MLPStack", "training:@stopper": "training:EarlyStopping", "rbm:@rbm": "rbm:RBM", "dbn:@dbn": "dbn:DBN",
    "propagation:@propagation": "propagation:Propagation", "lessons.start_here:@wave": "widgets:FigureExplorer",
    "lessons.rbm_reconstruction:@panels": "lessons.rbm_reconstruction:EpochPanels",
    "lessons.rbm_reconstruction:@epoch_explorer": "lessons.rbm_reconstruction:EpochExplorer",
    "lessons.xavier_he:@prop_explorer": "lessons.xavier_he:PropagationExplorer",
    "lessons.comparison:@progress": "lessons.comparison:ProgressBar",
}

#: Public names without a row, each with the reason.
EXEMPT = {
    "widgets:FigureExplorer.control_row": "a bound method with *items: test_control_row_refuses_what_is_not_a_control below",
    # records: lessonlib builds them from checked inputs; their fields are stored as given
    "nn:Trace": "a record of one pass, built by MLP.trace",
    "training:History": "a record of a training run, filled by fit",
    "training:Run": "a record of one trained start, built by the lessons",
    "training:Diverged": "an exception class",
    "_validate:InputTypeError": "an exception class",
    "i18n:N_": "a marker for the catalog: it returns any text unchanged",
    "lsuv:LSUVReport": "a record, built by lsuv",
    "checks:Verdict": "the record a check returns",
    "training:Verdict": "a record, built by compare from checked scores",
    "lessons.zero_init:SeedVerdict": "a record, built by seed_verdict",
    "frameworks:Default": "a record of one framework's documented default, a constant table row",
    "monitor:Recorder.on_step": "the fit callback: MLP.fit calls it every step with its own checked state",
    "lessons.training_dynamics:FrameRecorder.on_step": "the fit callback: MLP.fit calls it every step with its own checked state",
    "lessons.training_dynamics:BoundaryExplorer.draw": "called by refresh() with the control values set() checked",
    # the exercise checks: learner answers are driven in test_checks_never_raise
    **{f"checks:{name}": "driven with bad learner answers in test_checks_never_raise"
       for name in ("check_small_random_init", "check_hidden_probabilities", "check_unroll", "check_xavier_init",
                    "check_he_init", "check_lsuv_rescale", "check_broken_layer", "check_initial_loss",
                    "check_relu_backward_std", "check_relu_forward_std", "check_repaired_network")},
    # reference answers: they are the learner's side of an exercise, checked by the checks
    **{f"solutions:{name}": "a reference answer written as a learner would (numpy only, no checks)"
       for name in ("small_random_init", "hidden_probabilities", "unroll", "xavier_init", "he_init", "lsuv_rescale",
                    "initial_loss", "relu_backward_std", "relu_forward_std", "repair_network")},
    # an explorer's draw(): called by refresh() with its controls' values, which set() checks
    "widgets:FigureExplorer.draw": "abstract; subclasses' draw gets values set() has checked",
    "lessons.start_here:WaveDemo.draw": "called by refresh() with the control values set() checked",
    "lessons.zero_init:SeedExplorer.draw": "called by refresh() with the control values set() checked",
    "lessons.rbm_reconstruction:EpochExplorer.draw": "called by refresh() with the control values set() checked",
    "lessons.xavier_he:PropagationExplorer.draw": "called by refresh() with the control values set() checked",
    "lessons.xavier_he:WeightCache.get": "a dict lookup: any key is valid, a missing one gives the default",
}


def public_names():
    """Every public function, class and method of every lessonlib module, as "module:Qual"."""
    names = set()
    modules = [m.name for m in pkgutil.walk_packages(lessonlib.__path__, "lessonlib.") if "._data" not in m.name]
    for module_name in modules:
        module = importlib.import_module(module_name)
        short = module_name.removeprefix("lessonlib.")
        for name, obj in vars(module).items():
            if name.startswith("_") and short != "_validate" or getattr(obj, "__module__", None) != module_name:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if name.startswith("_"):
                continue
            if inspect.isfunction(obj) and not _takes_arguments(obj):
                continue
            names.add(f"{short}:{name}")
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    public = not attr.startswith("_") or attr == "__call__"
                    if public and inspect.isfunction(member) and _takes_arguments(member, method=True):
                        names.add(f"{short}:{name}.{attr}")
                    elif public and isinstance(member, classmethod):
                        names.add(f"{short}:{name}.{attr}")
    return names


def _takes_arguments(function, method=False):
    parameters = list(inspect.signature(function).parameters)
    return bool(parameters[1:] if method else parameters)


def covered_names():
    names = set()
    for row in ROWS:
        path = row[0]
        module, _, qual = path.partition(":")
        if qual.startswith("@"):
            fixture_name, _, method = qual.partition(".")
            owner = COVERS[f"{module}:{fixture_name}"]
            names.add(owner)
            names.add(f"{owner}.{method}")
            if method != "set":
                names.add(f"{module}:{type(fixture(fixture_name[1:])).__name__}.{method}")
        else:
            names.add(path)
            head = qual.split(".")[0]
            names.add(f"{module}:{head}")
    return names


def test_every_public_name_is_covered():
    public = public_names()
    missing = sorted(public - covered_names() - set(EXEMPT))
    assert not missing, f"public names with neither a row in ROWS nor a reason in EXEMPT: {missing}"
    stale = sorted(set(EXEMPT) - public)
    assert not stale, f"EXEMPT lists names that are not public (any more): {stale}"
    both = sorted(set(EXEMPT) & covered_names())
    assert not both, f"names both covered by a row and exempt: {both}"


def _cases():
    for row in ROWS:
        path, good, parameter, bad = row[:4]
        words = row[4] if len(row) > 4 else parameter
        for k, value in enumerate(bad):
            yield pytest.param(path, good, parameter, value, words, id=f"{path}-{parameter}-{k}")


@pytest.mark.parametrize("path, good, parameter, value, words", list(_cases()))
def test_bad_input_is_refused_by_name(path, good, parameter, value, words):
    kwargs = {name: resolve(v) for name, v in good.items()}
    function = target(path)
    if parameter.startswith("*"):  # a *args parameter: the bad values are the positional arguments
        function = _positional(function, resolve(value))
    else:
        kwargs[parameter] = resolve(value)
    if "self" in kwargs:
        self = kwargs.pop("self")
        function = function.__get__(self) if self is not None else _unbound(function)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises((ValueError, TypeError)) as info:
            function(**kwargs)
    message = str(info.value)
    assert re.search(words, message), f"the message does not name {words!r}: {message}"
    last = str(info.traceback[-1].path)
    assert "lessonlib" in last and "numpy" not in last, f"raised outside lessonlib, in {last}: {message}"


def _positional(function, args):
    return lambda **kwargs: function(*args, **kwargs)


def _unbound(function):
    return lambda **kwargs: function(None, **kwargs)


# --- the exercise checks never raise --------------------------------------------------------


def _generator(*args):
    yield from range(3)


def _ignores_arguments(*args):
    return np.random.default_rng(0).normal(0.0, 0.01, (5, 5))


LEARNER_ANSWERS = {
    "a string": lambda *a: "weights",
    "None": lambda *a: None,
    "a ragged list": lambda *a: [[1.0, 2.0], [3.0]],
    "the wrong shape": lambda *a: np.zeros((2, 2)),
    "NaN": lambda *a: np.full((400, 100), NAN),
    "infinity": lambda *a: np.full((300, 200), INF),
    "complex numbers": lambda *a: np.ones((30, 20)) * 1j,
    "a generator": _generator,
    "a function that ignores its arguments": _ignores_arguments,
    "an exception": lambda *a: 1 / 0,
    "a function of no arguments": lambda: 0,
    "not a function (None)": None,
    "not a function (an array)": np.zeros((3, 3)),
    "a dict": lambda *a: {"W": 1},
    "huge numbers": lambda *a: np.full((400, 100), 1e300),
}

CHECKS = [name for name in dir(checks) if name.startswith("check_") and name != "check_environment"]


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("answer", list(LEARNER_ANSWERS))
def test_checks_never_raise(check, answer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        verdict = getattr(checks, check)(LEARNER_ANSWERS[answer])
    assert isinstance(verdict, checks.Verdict)
    assert not verdict
    text = str(verdict)
    assert text.startswith("Not yet") and len(verdict.failures) >= 1 and all(verdict.failures)


# --- an explorer survives a bad set() ----------------------------------------------------


@pytest.mark.parametrize("values", [{"scale": NAN}, {"scale": 1e4}, {"depth": 0}, {"init": "nope"}, {"width": 2.7}])
def test_a_refused_set_leaves_the_explorer_working(values):
    explorer = fixture("prop_explorer")
    before = explorer.values
    with pytest.raises(ValueError, match=next(iter(values))):
        explorer.set(**values)
    assert explorer.values == before
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = explorer.set(scale=2.0)
    assert png and explorer.values["scale"] == 2.0
    explorer.set(**{name: before[name] for name in ("scale",)})


def test_control_row_refuses_what_is_not_a_control():
    wave = fixture("wave")
    for bad in (3, None, 2.5):
        with pytest.raises(TypeError, match=r"items\[1\]"):
            wave.control_row("frequency", bad)
    assert wave.control_row("frequency") is not None

