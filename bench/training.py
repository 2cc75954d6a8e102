"""Training speed against scikit-learn, and the share of an epoch in matrix products.

``lessonlib.rbm.RBM.fit`` (CD-1, and PCD-1) runs beside scikit-learn's ``BernoulliRBM``
(always PCD-1) on the binarized digits, and ``lessonlib.nn.MLP.fit`` beside
``MLPClassifier(solver="sgd")``, with the same sizes, batch size, epochs and learning
rule. In the same rounds (``in_turns``: each round runs every function once) the parts
of an epoch run alone (``bench.products``): the matrix products one epoch requires and,
for the RBM, the other parts that cost most (sigmoids, random numbers, the epoch-0 full
pass). Every ratio and share is the median of the round-by-round ones. Last, ``lessonlib.nn.MLPStack``
(several seeds in one set of batched products) against a loop of ``MLP.fit`` over the
same seeds. Without scikit-learn its columns say so and the rest still runs.
"""

from __future__ import annotations

import time
import warnings

from bench.machine import load_sklearn
from bench.products import (
    mlp_products,
    rbm_products,
    rbm_random_numbers,
    rbm_reconstruction_error,
    rbm_sigmoids,
)
from bench.report import Section, fmt_ms, fmt_s, median, verdict
from bench.targets import TARGETS


def rbm_config(label, n_hidden, batch, variants, epochs=10, lr=0.1, n=None):
    """One RBM setting: ``n`` training rows (None: all), the CD variants to time."""
    return dict(
        label=label, n_hidden=n_hidden, batch=batch, epochs=epochs, lr=lr, n=n, variants=variants
    )


def mlp_config(label, sizes, batch, epochs=10, lr=0.1, momentum=0.9, n=None):
    """One MLP setting: layer ``sizes``, ``n`` training rows (None: all)."""
    return dict(label=label, sizes=sizes, batch=batch, epochs=epochs, lr=lr, momentum=momentum, n=n)


def rbm_configs(quick):
    """The RBM settings to time: notebook 02's, and scikit-learn's defaults."""
    if quick:
        return [rbm_config("tiny", 16, 20, ("CD-1", "PCD-1"), epochs=2, n=200)]
    return [
        rbm_config("notebook 02: 100 hidden, batch 20", 100, 20, ("CD-1", "PCD-1")),
        rbm_config("scikit-learn's defaults: 100 hidden, batch 10", 100, 10, ("CD-1",)),
    ]


def mlp_configs(quick):
    """The MLP settings to time: notebook 01's network, and one wide hidden layer."""
    if quick:
        return [mlp_config("tiny", (64, 8, 10), 50, epochs=2, n=200)]
    return [
        mlp_config("notebook 01: 64-16-16-16-10 relu, batch 50", (64, 16, 16, 16, 10), 50),
        mlp_config("64-100-10 relu, batch 32", (64, 100, 10), 32),
    ]


def timed(fn):
    """Seconds one call of ``fn()`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def in_turns(functions, repeats):
    """Time ``functions`` in turns, ``repeats`` rounds (the order reverses every round).

    Each runs once first, untimed: first-call costs (imports, caches) are not an
    epoch's cost. Within a round all see the same moment's load, so a ratio of two of
    them is taken round by round (``median(a / b)``), not from timings minutes apart.

    Returns
    -------
    list of list of float
        Per function, the seconds of each of its runs, in round order.
    """
    for fn in functions:
        fn()
    times = [[] for _ in functions]
    for r in range(repeats):
        order = range(len(functions)) if r % 2 == 0 else reversed(range(len(functions)))
        for i in order:
            times[i].append(timed(functions[i]))
    return times


def paired(ours, theirs, repeats):
    """``in_turns`` of two: (the seconds of each run of ``ours``, of ``theirs``); ``theirs=None``
    times ``ours`` alone (and gives an empty list)."""
    if theirs is None:
        return in_turns([ours], repeats)[0], []
    a, b = in_turns([ours, theirs], repeats)
    return a, b


def ratio(a, b):
    """The median of the round-by-round ratios a / b of two ``in_turns`` series."""
    return median([x / y for x, y in zip(a, b)])


def compare(ours, theirs, epochs, repeats, setting, target, parts=None):
    """Seconds per epoch of both fits, their ratio, and the parts of an epoch, all timed
    in the same rounds (``in_turns``).

    ``parts``: name -> a function doing that part of one epoch alone (``bench.products``);
    each gives ``r[name]`` (its median seconds) and ``r[name + "_share"]`` (the median of its
    round-by-round share of our epoch; ``name + "_share_sklearn"``: of scikit-learn's).

    Returns
    -------
    dict
        ``setting``, ``ours``, ``sklearn`` (NaN without it), ``ratio`` and ``ok_ratio``
        (None without scikit-learn), and the parts' entries.
    """
    parts = dict(parts or {})
    functions = [ours, *([theirs] if theirs is not None else []), *parts.values()]
    times = in_turns(functions, repeats)
    a = [t / epochs for t in times.pop(0)]
    b = [t / epochs for t in times.pop(0)] if theirs is not None else []
    r = dict(
        setting=setting,
        ours=median(a),
        sklearn=median(b) if b else float("nan"),
        ratio=ratio(a, b) if b else float("nan"),
        ok_ratio=(ratio(a, b) <= target) if b else None,
    )
    for name, t in zip(parts, times):
        r[name] = median(t)
        r[f"{name}_share"] = ratio(t, a)
        if b:
            r[f"{name}_share_sklearn"] = ratio(t, b)
    return r


def speed_row(model, r):
    """The speed table's row for one comparison (``compare``'s dict)."""
    measured = r["ok_ratio"] is not None
    return [
        model,
        r["setting"],
        fmt_ms(r["ours"]),
        fmt_ms(r["sklearn"]) if measured else "skipped (no scikit-learn)",
        f"{r['ratio']:.2f}" if measured else "n/a",
        verdict(r["ok_ratio"]),
    ]


def efficiency_row(model, label, r, other="", target=None):
    """Set ``r``'s products share (``share``, ``ok_share``) and return the efficiency table's row.

    ``r`` is ``compare``'s dict with a ``products`` part. ``target``: the least share that
    meets the target; None for a share reported without one (``ok_share`` is then None
    and the verdict "n/a").
    """
    share = r["products_share"]
    r.update(share=share, ok_share=None if target is None else share >= target)
    theirs = f"{r['products_share_sklearn']:.0%}" if r["ok_ratio"] is not None else "n/a"
    return [model, label, fmt_ms(r["products"]), f"{share:.0%}", theirs, other, verdict(r["ok_share"])]


def _rbm(cfg, V, variant, sk, repeats):
    """One RBM setting: (summary, speed row, efficiency row)."""
    from lessonlib.rbm import RBM

    persistent = variant.startswith("PCD")

    def ours():
        RBM(64, cfg["n_hidden"], seed=0).fit(
            V,
            epochs=cfg["epochs"],
            lr=cfg["lr"],
            k=1,
            batch_size=cfg["batch"],
            persistent=persistent,
            seed=0,
        )

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk["BernoulliRBM"](
                n_components=cfg["n_hidden"],
                learning_rate=cfg["lr"],
                batch_size=cfg["batch"],
                n_iter=cfg["epochs"],
                random_state=0,
            ).fit(V)

    setting = f"{cfg['label']}; ours {variant} vs BernoulliRBM PCD-1; {cfg['epochs']} epochs"
    n, hidden, batch = V.shape[0], cfg["n_hidden"], cfg["batch"]
    parts = {
        "products": rbm_products(n, batch, 64, hidden, persistent=persistent),
        "sigmoid": rbm_sigmoids(n, batch, 64, hidden, persistent=persistent),
        "random": rbm_random_numbers(n, batch, 64, hidden, persistent=persistent),
        "full_pass": rbm_reconstruction_error(V, hidden),
    }
    r = compare(ours, theirs if sk else None, cfg["epochs"], repeats, setting, TARGETS["rbm_speed_ratio"], parts)
    other = (
        f"sigmoids alone: {fmt_ms(r['sigmoid'])} = {r['sigmoid_share']:.0%}; random numbers alone: "
        f"{fmt_ms(r['random'])} = {r['random_share']:.0%}; epoch-0 full-pass error (once per fit): "
        f"{fmt_ms(r['full_pass'])} = {r['full_pass_share'] / cfg['epochs']:.0%} of each of the {cfg['epochs']} epochs"
    )
    eff = efficiency_row("RBM", f"{cfg['label']}; {variant}", r, other, TARGETS["product_fraction"])
    return r, speed_row("RBM", r), eff


def _mlp(cfg, X, y, sk, repeats):
    """One MLP setting: (summary, speed row, efficiency row)."""
    from lessonlib.nn import MLP

    def ours():
        MLP(cfg["sizes"], activation="relu", init="he_normal", seed=0).fit(
            X,
            y,
            epochs=cfg["epochs"],
            lr=cfg["lr"],
            batch_size=cfg["batch"],
            momentum=cfg["momentum"],
            seed=0,
        )

    def theirs():
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

    setting = f"{cfg['label']}; SGD, momentum {cfg['momentum']}; {cfg['epochs']} epochs"
    r = compare(ours, theirs if sk else None, cfg["epochs"], repeats, setting, TARGETS["mlp_speed_ratio"],
                {"products": mlp_products(X.shape[0], cfg["batch"], cfg["sizes"])})
    eff = efficiency_row("MLP", cfg["label"], r)
    return r, speed_row("MLP", r), eff


def stack_configs(quick):
    """The stacked-seed settings: notebook 01's seed study, and one wide hidden layer."""
    if quick:
        return [stack_config("tiny", (64, 8, 10), 50, seeds=3, epochs=2, n=200)]
    return [
        stack_config("notebook 01's seed study: 64-16-16-16-10 relu, 500 digits, batch 50", (64, 16, 16, 16, 10),
                     50, seeds=10, epochs=15, n=500),
        stack_config("64-100-10 relu, batch 32", (64, 100, 10), 32, seeds=10),
    ]


def stack_config(label, sizes, batch, seeds, epochs=10, lr=0.1, momentum=0.9, n=None):
    """One stacked-seed setting: ``seeds`` networks (seeds 0, 1, ...) of layer ``sizes``."""
    return dict(label=label, sizes=sizes, batch=batch, seeds=seeds, epochs=epochs, lr=lr, momentum=momentum, n=n)


def _stack(cfg, X, y, repeats):
    """One stacked-seed setting: (summary, row) for MLPStack against a loop of MLP.fit."""
    from lessonlib.nn import MLP, MLPStack

    seeds = range(cfg["seeds"])
    options = dict(epochs=cfg["epochs"], lr=cfg["lr"], batch_size=cfg["batch"], momentum=cfg["momentum"])

    def loop():
        for s in seeds:
            MLP(cfg["sizes"], activation="relu", init="he_normal", seed=s).fit(X, y, seed=s, **options)

    def stack():
        MLPStack(cfg["sizes"], activation="relu", init="he_normal", seeds=seeds).fit(X, y, **options)

    a, b = paired(stack, loop, repeats)
    ratio = median([x / y for x, y in zip(a, b)])
    r = dict(label=cfg["label"], seeds=cfg["seeds"], stack=median(a), loop=median(b), ratio=ratio,
             ok=ratio < TARGETS["stack_ratio"])
    row = [cfg["label"], cfg["seeds"], cfg["epochs"], fmt_s(r["loop"]), fmt_s(r["stack"]), f"{ratio:.2f}",
           verdict(r["ok"])]
    return r, row


def bench_training(quick=False, repeats=5):
    """RBM and MLP seconds per epoch against scikit-learn, the share in matrix products,
    and stacked seeds against a loop.

    Parameters
    ----------
    quick : bool, optional
        Tiny sizes (``rbm_configs(True)``, ``mlp_configs(True)``, ``stack_configs(True)``).
    repeats : int, optional
        Timed runs of each fit and each part.

    Returns
    -------
    ([Section, Section, Section], dict)
        The speed, efficiency and stacked-seed sections, and ``{"rbm": [...], "mlp":
        [...], "stack": [...], "sklearn": version or why it is missing}``, one dict per
        setting.
    """
    from lessonlib.data import binarize, digits_split

    sk, reason = load_sklearn()
    speed = Section(
        "Training speed against scikit-learn",
        note=f"Seconds per epoch of a whole `fit` (its per-epoch bookkeeping included), median of {repeats} "
        "repeats, the two libraries timed alternately; the ratio is the median of the paired ratios "
        f"(lessonlib / scikit-learn; targets: RBM <= {TARGETS['rbm_speed_ratio']:.1f}, MLP <= "
        f"{TARGETS['mlp_speed_ratio']:.1f}). Data: the digits' training split (1347 x 64), binarized for the "
        "RBMs. float64 in both.",
        header=["model", "setting", "lessonlib s/epoch", "scikit-learn s/epoch", "ratio", "target"],
    )
    eff = Section(
        "Efficiency: share of an epoch in the required matrix products",
        note="The products one epoch's updates need, timed alone with the same BLAS, shapes and number of "
        "calls, in the same rounds as the fits (each round runs ours, scikit-learn's and every part once, "
        "so all see the same load), divided by that round's time per epoch; the median over the rounds (target for the RBM: >= {TARGETS['product_fraction']:.0%}; "
        "the MLP's share is reported without one). For the RBM the other parts that cost most are timed "
        "alone too, in the same rounds: the sigmoids, the random numbers the chain samples with, and the full-pass error `fit` "
        "records once before training (the epochs record their mini-batches' error, at no extra pass). For "
        "PCD the products include the recorded reconstruction's p(v | p(h | v0)) of each batch (one product "
        "of the batch's rows: the chains do not start at the data, so the record cannot reuse theirs).",
        header=[
            "model",
            "setting",
            "products alone s/epoch",
            "lessonlib share",
            "scikit-learn share",
            "other measured parts",
            "target",
        ],
    )
    stacked = Section(
        "Stacked seeds: MLPStack against a loop over seeds",
        note=f"`MLPStack(sizes, seeds=range(S)).fit(...)` (S networks in one set of batched products) against "
        "`MLP(sizes, seed=s).fit(..., seed=s)` for each seed in turn: the same networks and batch orders. Whole "
        f"seconds for all seeds, median of {repeats} repeats, timed alternately; the ratio is the median of "
        f"the paired ratios (stack / loop; target < {TARGETS['stack_ratio']:.1f}). He-normal starts, SGD with "
        "momentum 0.9, the digits' training split.",
        header=["setting", "seeds", "epochs", "loop s", "stack s", "ratio", "target"],
    )
    summary = {"rbm": [], "mlp": [], "stack": [], "sklearn": reason or sk["version"]}
    if sk is None:
        speed.notes.append(f"scikit-learn rows skipped: {reason}")
    X_train, _, y_train, _ = digits_split()
    V_train = binarize(X_train)
    runs = [
        ("rbm", _rbm(cfg, V_train[: cfg["n"]], variant, sk, repeats))
        for cfg in rbm_configs(quick)
        for variant in cfg["variants"]
    ] + [
        ("mlp", _mlp(cfg, X_train[: cfg["n"]], y_train[: cfg["n"]], sk, repeats))
        for cfg in mlp_configs(quick)
    ]
    for kind, (r, speed_cells, eff_cells) in runs:
        summary[kind].append(r)
        speed.rows.append(speed_cells)
        eff.rows.append(eff_cells)
    for cfg in stack_configs(quick):
        r, row = _stack(cfg, X_train[: cfg["n"]], y_train[: cfg["n"]], repeats)
        summary["stack"].append(r)
        stacked.rows.append(row)
    return [speed, eff, stacked], summary
