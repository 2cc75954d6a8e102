"""Training speed against scikit-learn, and the share of an epoch in matrix products.

``lessonlib.rbm.RBM.fit`` (CD-1, and PCD-1) runs beside scikit-learn's ``BernoulliRBM``
(always PCD-1) on the binarized digits, and ``lessonlib.nn.MLP.fit`` beside
``MLPClassifier(solver="sgd")``, with the same sizes, batch size, epochs and learning
rule. The two are timed alternately in one run and the ratio is the median of the
paired ratios. Then the matrix products one epoch requires (``bench.products``) are
timed alone, as a fraction of the epoch, and for the RBM the other parts that cost
most (sigmoids, random numbers, the epoch-0 full pass). Last, ``lessonlib.nn.MLPStack``
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


def median_time(fn, repeats):
    """The median of ``repeats`` timings of ``fn()``."""
    return median([timed(fn) for _ in range(repeats)])


def paired(ours, theirs, repeats):
    """Time ``ours`` and ``theirs`` alternately (the order flips every repeat).

    Each runs once first, untimed: first-call costs (imports, caches) are not an
    epoch's cost. ``theirs=None`` times ``ours`` alone.

    Returns
    -------
    (list of float, list of float)
        The seconds of each run of ``ours`` and of ``theirs`` (empty when None).
    """
    a, b = [], []
    ours()
    if theirs is not None:
        theirs()
    for r in range(repeats):
        if theirs is None:
            a.append(timed(ours))
        elif r % 2 == 0:
            a.append(timed(ours))
            b.append(timed(theirs))
        else:
            b.append(timed(theirs))
            a.append(timed(ours))
    return a, b


def compare(ours, theirs, epochs, repeats, setting, target):
    """Seconds per epoch of both fits and their paired ratio.

    Returns
    -------
    dict
        ``setting``, ``ours``, ``sklearn`` (NaN without it), ``ratio`` and ``ok_ratio``
        (None without scikit-learn).
    """
    a, b = paired(ours, theirs, repeats)
    a = [t / epochs for t in a]
    b = [t / epochs for t in b]
    ratio = median([x / y for x, y in zip(a, b)]) if b else float("nan")
    return dict(
        setting=setting,
        ours=median(a),
        sklearn=median(b) if b else float("nan"),
        ratio=ratio,
        ok_ratio=(ratio <= target) if b else None,
    )


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


def paired_share(ours, products, epochs, repeats):
    """The products' share of an epoch, timed against the fit alternately.

    ``ours()`` is a whole fit of ``epochs`` epochs, ``products()`` one epoch's products.
    Timed in turns (``paired``), so both see the same moment's load; the share is the
    median over the repeats of (products seconds) / (fit seconds / epochs).

    Returns
    -------
    (float, float)
        The median seconds of the products alone, and the share.
    """
    fits, alone = paired(ours, products, repeats)
    return median(alone), median([p / (f / epochs) for f, p in zip(fits, alone)])


def efficiency_row(model, label, r, products, other="", target=None, share=None):
    """Add the products' share to ``r`` and return the efficiency table's row.

    ``target``: the least share that meets the target; None for a share reported
    without one (``ok_share`` is then None and the verdict "n/a"). ``share``: the share
    as ``paired_share`` measured it (default: ``products`` over the epoch time in ``r``).
    """
    share = products / r["ours"] if share is None else share
    r.update(products=products, share=share, ok_share=None if target is None else share >= target)
    theirs = f"{products / r['sklearn']:.0%}" if r["ok_ratio"] is not None else "n/a"
    return [model, label, fmt_ms(products), f"{share:.0%}", theirs, other, verdict(r["ok_share"])]


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
    r = compare(ours, theirs if sk else None, cfg["epochs"], repeats, setting, TARGETS["rbm_speed_ratio"])
    n, hidden, batch = V.shape[0], cfg["n_hidden"], cfg["batch"]
    products, share = paired_share(ours, rbm_products(n, batch, 64, hidden, persistent=persistent), cfg["epochs"],
                                   repeats)
    r["sigmoid"] = sig = median_time(rbm_sigmoids(n, batch, 64, hidden, persistent=persistent), repeats)
    r["random"] = rand = median_time(rbm_random_numbers(n, batch, 64, hidden, persistent=persistent), repeats)
    r["full_pass"] = full = median_time(rbm_reconstruction_error(V, hidden), repeats)
    per_epoch = full / cfg["epochs"]
    other = (
        f"sigmoids alone: {fmt_ms(sig)} = {sig / r['ours']:.0%}; random numbers alone: {fmt_ms(rand)} = "
        f"{rand / r['ours']:.0%}; epoch-0 full-pass error (once per fit): {fmt_ms(full)} = "
        f"{per_epoch / r['ours']:.0%} of each of the {cfg['epochs']} epochs"
    )
    eff = efficiency_row("RBM", f"{cfg['label']}; {variant}", r, products, other, TARGETS["product_fraction"], share)
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
    r = compare(ours, theirs if sk else None, cfg["epochs"], repeats, setting, TARGETS["mlp_speed_ratio"])
    products, share = paired_share(ours, mlp_products(X.shape[0], cfg["batch"], cfg["sizes"]), cfg["epochs"], repeats)
    eff = efficiency_row("MLP", cfg["label"], r, products, share=share)
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
        "calls, in turns with a whole fit (so both see the same load), divided by that fit's time per epoch; "
        f"the median over the repeats of that ratio (target for the RBM: >= {TARGETS['product_fraction']:.0%}; "
        "the MLP's share is reported without one). For the RBM the other parts that cost most are timed "
        "alone too: the sigmoids, the random numbers the chain samples with, and the full-pass error `fit` "
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
