"""Notebook 02 (RBM reconstruction): its pictures and the epoch explorer.

- ``draw_bipartite``: the RBM as a graph, edges only between the two layers.
- ``draw_passes``: one digit through forward and backward: x, p(h|x), h, x_hat.
- ``draw_training_curves``: exact log-likelihood and KL(data || model) during training.
- ``draw_recon_vs_likelihood``: reconstruction error beside the exact log-likelihood.
- ``EpochPanels`` / ``EpochExplorer``: filters and reconstructions at a chosen epoch,
  from snapshots stored by ``RBM.fit(snapshot_epochs=...)``. The panels draw into any
  figure (the static picture before the slider uses the same code as the slider).
- The intuition pictures before the deep dives, on a model small enough to list every
  image: ``draw_patterns`` (the training patterns, numbered); ``model_vs_data``,
  ``draw_model_vs_data``, ``draw_models_vs_data`` and
  ``draw_model_vs_data_over_training`` (the model's p(v) of each pattern against the
  data's, moving with training); ``draw_free_energies`` (the free energy of every image:
  training digs valleys at the data); ``phase_samples``, ``share_on_patterns`` and
  ``draw_phases`` (what the positive and negative phases average over: the data, and
  the chains' samples).
"""

from __future__ import annotations

import numpy as np

from lessonlib import _validate
from lessonlib.i18n import _
from lessonlib.plots import OKABE_ITO, image_grid, tile
from lessonlib.rbm import RBM, all_states
from lessonlib.training import History
from lessonlib.widgets import FigureExplorer, slider

#: The most units per layer ``draw_bipartite`` draws (each one a circle, every pair an edge).
MAX_DRAWN = 40


def draw_bipartite(ax, n_visible=6, n_hidden=4, W=None):
    """The two layers as circles, every visible unit joined to every hidden one.

    With ``W`` (n_visible x n_hidden) the edges are coloured by sign (red +, blue -)
    and thickened by size. Nothing joins two units of the same layer: "restricted".
    """
    _validate.axes(ax)
    n_visible = _validate.integer(n_visible, "n_visible", low=1, high=MAX_DRAWN)
    n_hidden = _validate.integer(n_hidden, "n_hidden", low=1, high=MAX_DRAWN)
    if W is not None:
        W = _validate.array(W, "W", shape=(n_visible, n_hidden), what="n_visible, n_hidden")
    xv = np.linspace(0.0, 1.0, n_visible)
    xh = np.linspace(0.12, 0.88, n_hidden)
    scale = 1.0 if W is None else max(float(np.abs(W).max()), 1e-12)
    for i in range(n_visible):
        for j in range(n_hidden):
            if W is None:
                color, width = "0.55", 0.8
            else:
                color = "#c0392b" if W[i, j] > 0 else "#2c6fbb"
                width = 0.3 + 2.7 * abs(W[i, j]) / scale
            ax.plot([xv[i], xh[j]], [0.0, 1.0], color=color, lw=width, zorder=1)
    ax.scatter(xv, np.zeros(n_visible), s=420, color="white", edgecolor="k", zorder=2)
    ax.scatter(xh, np.ones(n_hidden), s=420, color="#f4d03f", edgecolor="k", zorder=2)
    for i, x in enumerate(xv):
        ax.text(x, 0.0, f"$v_{i + 1}$", ha="center", va="center", fontsize=9, zorder=3)
    for j, x in enumerate(xh):
        ax.text(x, 1.0, f"$h_{j + 1}$", ha="center", va="center", fontsize=9, zorder=3)
    ax.text(1.08, 0.0, _("visible (x)"), va="center", fontsize=10)
    ax.text(1.08, 1.0, _("hidden"), va="center", fontsize=10)
    ax.text(0.5, 1.22, _("no edges inside a layer: h's are independent given v, v's given h"),
            ha="center", fontsize=9, style="italic")
    ax.set_xlim(-0.08, 1.45)
    ax.set_ylim(-0.25, 1.35)
    ax.axis("off")


def draw_passes(axes, rbm, x, seed=0, shape=(8, 8), hidden_shape=None):
    """One image through the RBM on four axes: x, p(h|x), a sample h, x_hat = p(v|h).

    Returns a dict with the arrays drawn (``p_h``, ``h``, ``x_hat``) so a notebook can
    print numbers beside the picture. ``x`` is one image of ``rbm.n_visible`` values in
    [0, 1] and ``shape`` its (height, width); ``hidden_shape`` a (rows, columns) with room
    for every hidden unit (default: about square).
    """
    axes = _validate.sequence(axes, "axes", _validate.axes, length=4, what="matplotlib Axes")
    rbm = _validate.instance(rbm, "rbm", RBM, "a lessonlib.rbm.RBM")
    x = _validate.array(x, "x", low=0.0, high=1.0, what="one image").reshape(1, -1)  # (n,), (1, n) or (h, w)
    x = _validate.array(x, "x", shape=(1, rbm.n_visible), what=f"one image of {rbm.n_visible} pixels")
    shape = _validate.sequence_of_ints(shape, "shape", length=2)
    if shape[0] * shape[1] != rbm.n_visible:
        raise ValueError(f"shape must multiply to the {rbm.n_visible} visible units, got {shape}")
    if hidden_shape is None:
        side = int(np.ceil(np.sqrt(rbm.n_hidden)))
        hidden_shape = (int(np.ceil(rbm.n_hidden / side)), side)
    hidden_shape = _validate.sequence_of_ints(hidden_shape, "hidden_shape", length=2)
    if hidden_shape[0] * hidden_shape[1] < rbm.n_hidden:
        raise ValueError(f"hidden_shape must have room for the {rbm.n_hidden} hidden units, got {hidden_shape}")
    pad = hidden_shape[0] * hidden_shape[1] - rbm.n_hidden

    def as_hidden(a):
        return np.concatenate([a.ravel(), np.full(pad, np.nan)]).reshape(hidden_shape)

    p_h = rbm.forward(x)
    h = rbm.sample_hiddens(x, seed=seed)
    x_hat = rbm.backward(h)
    panels = [
        (x.reshape(shape), _("x (visible)")),
        (as_hidden(p_h), _("forward: p(h=1 | x)")),
        (as_hidden(h), _("sample h ~ p(h | x)")),
        (x_hat.reshape(shape), _("backward: x̂ = p(v=1 | h)")),
    ]
    for ax, (image, title) in zip(axes, panels):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return {"p_h": p_h[0], "h": h[0], "x_hat": x_hat[0]}


def draw_training_curves(ax_ll, ax_kl, runs, best_log_likelihood=None):
    """Exact log-likelihood (left) and KL(data || model) (right) for several runs.

    ``runs`` maps a label to a ``History`` recorded with ``track_likelihood``.
    """
    _validate.axes(ax_ll, "ax_ll")
    _validate.axes(ax_kl, "ax_kl")
    for history in _validate.instance(runs, "runs", dict, "a dict {label: History}").values():
        _likelihood_history(history, "runs")
    if best_log_likelihood is not None:
        best_log_likelihood = _validate.real(best_log_likelihood, "best_log_likelihood")
    for k, (label, history) in enumerate(runs.items()):
        epochs = history.likelihood_epoch
        ax_ll.plot(epochs, history.log_likelihood, color=f"C{k}", label=label)
        ax_kl.plot(epochs, history.kl, color=f"C{k}", label=label)
    if best_log_likelihood is not None:
        ax_ll.axhline(best_log_likelihood, color="k", ls=":", lw=1)
        ax_ll.set_ylim(top=best_log_likelihood + 0.3)
        ax_ll.text(0.5, best_log_likelihood - 0.05, _("best possible: {value:.2f}").format(value=best_log_likelihood),
                   fontsize=8, va="top", transform=ax_ll.get_yaxis_transform())
    ax_kl.axhline(0.0, color="k", ls=":", lw=1)
    ax_ll.set(xlabel=_("epoch"), ylabel=_("mean log-likelihood (nats)"), title=_("exact log-likelihood (higher is better)"))
    ax_kl.set(xlabel=_("epoch"), ylabel=_("KL(data || model) (nats)"), title=_("exact KL divergence (0 = perfect)"))
    ax_ll.legend(fontsize=9)


def draw_recon_vs_likelihood(ax, history, X=None):
    """Reconstruction error (left axis, log scale) and exact log-likelihood (right axis).

    The error ``fit`` recorded during each epoch (its mini-batches' sampled
    reconstructions, Hinton 2010, sec. 5) is drawn; given the data ``X`` and parameter
    snapshots in ``history``, the full-pass error ``RBM.reconstruction_error(X)`` at the
    snapshot epochs is drawn over it, bold, and the recorded one faint. Marks the epoch
    where the likelihood peaked; returns that epoch.
    """
    _validate.axes(ax)
    _likelihood_history(history)
    epochs = sorted(history.snapshots) if X is not None else []
    blue, red = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    if epochs:
        from lessonlib.rbm import RBM

        full = [RBM.from_parameters(*history.snapshots[e]).reconstruction_error(X) for e in epochs]
        ax.semilogy(history.epoch, history.recon_error, color=blue, alpha=0.25, lw=0.8,
                    label=_("recorded during the epoch (sampled)"))
        ax.semilogy(epochs, full, color=blue, marker="o", markersize=3, markevery=max(1, len(epochs) // 12),
                    label=_("full pass (reconstruction_error)"))
    else:
        ax.semilogy(history.epoch, history.recon_error, color=blue, marker="o", markersize=3,
                    markevery=max(1, len(history.epoch) // 12), label=_("reconstruction error (log scale)"))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("reconstruction error (log scale)"), color=blue)
    right = ax.twinx()
    right.plot(history.likelihood_epoch, history.log_likelihood, color=red, marker="s", markersize=3,
               markevery=max(1, len(history.likelihood_epoch) // 12), label=_("exact mean log-likelihood"))
    right.set_ylabel(_("exact mean log-likelihood"), color=red)
    peak = int(np.argmax(history.log_likelihood))
    best_epoch = history.likelihood_epoch[peak]
    right.axvline(best_epoch, color=red, ls="--", lw=1)
    # the note sits in the lower middle, on a white box, with an arrow to the peak: the
    # likelihood curve stays in the upper part once it has risen
    right.annotate(
        _("likelihood peaks\nat epoch {epoch}").format(epoch=best_epoch),
        (best_epoch, history.log_likelihood[peak]), xytext=(0.6, 0.3), textcoords="axes fraction",
        fontsize=9, color=red, bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=red, lw=0.6),
        arrowprops=dict(arrowstyle="->", color=red, lw=0.8),
    )
    # one legend for both axes, above the plot, where it covers no curve
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize=8, loc="lower left",
              bbox_to_anchor=(0.0, 1.01), ncol=3, frameon=False, borderaxespad=0.0)
    return best_epoch


def _likelihood_history(history, name="history"):
    """A ``History`` with the exact log-likelihood recorded (``fit(track_likelihood=True)``)."""
    _validate.instance(history, name, History, "a lessonlib.training.History")
    if not history.log_likelihood:
        raise ValueError(f"{name} holds no log-likelihood: fit with track_likelihood=True")
    return history


def _snapshot_history(history):
    """A ``History`` with parameter snapshots (``fit(snapshot_epochs=...)``)."""
    _validate.instance(history, "history", History, "a lessonlib.training.History")
    if not history.snapshots:
        raise ValueError("history has no snapshots: fit with snapshot_epochs=...")
    return history


class EpochPanels:
    """Filters, reconstructions and the error curve at one epoch, drawn into ``figure``.

    Everything is computed once from the snapshots ({epoch: (W, b, c)}); ``update``
    only swaps image data, so it is fast enough for a slider.

    Parameters
    ----------
    figure : matplotlib Figure
    history : History from ``RBM.fit`` with snapshots (and ``recon_error`` per epoch)
    X_show : (n, 64) images to reconstruct (a handful of test digits)
    n_filters : how many hidden units' weight images to show (all of them when the RBM
        has fewer hidden units)
    """

    def __init__(self, figure, history, X_show, n_filters=36, shape=(8, 8)):
        from matplotlib.figure import Figure

        _validate.instance(figure, "figure", Figure, "a matplotlib Figure")
        self.history = _snapshot_history(history)
        self.epochs = sorted(history.snapshots)
        n_visible = history.snapshots[self.epochs[0]][0].shape[0]
        X_show = _validate.array(X_show, "X_show", shape=(None, n_visible), low=0.0, high=1.0,
                                 what=f"one image of {n_visible} pixels per row, values in [0, 1]")
        n_filters = _validate.positive_int(n_filters, "n_filters")
        shape = _validate.sequence_of_ints(shape, "shape", length=2)
        self.filters, self.recons, self.limits = {}, {}, {}
        for epoch in self.epochs:
            model = RBM.from_parameters(*history.snapshots[epoch])
            weights = model.W[:, :n_filters].T
            self.filters[epoch] = tile(weights, shape, ncols=int(np.ceil(np.sqrt(n_filters))))
            # the 99th percentile, so one large weight does not wash out the others
            self.limits[epoch] = max(float(np.percentile(np.abs(weights), 99)), 1e-6)
            self.recons[epoch] = tile(np.vstack([X_show, model.reconstruct(X_show)]), shape, ncols=len(X_show))
        ax_f, ax_r, ax_e = figure.subplots(1, 3, width_ratios=[1.0, 1.9, 1.0])
        figure.subplots_adjust(left=0.01, right=0.99, bottom=0.16, top=0.88, wspace=0.22)
        first = self.epochs[0]
        self.filter_image = ax_f.imshow(self.filters[first], cmap="RdBu_r", interpolation="nearest")
        self.recon_image = ax_r.imshow(self.recons[first], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        for ax in (ax_f, ax_r):
            ax.set_xticks([])
            ax.set_yticks([])
        ax_r.set_ylabel("x  /  x̂", fontsize=9)
        ax_e.plot(history.epoch, history.recon_error, color="C0")
        ax_e.set(xlabel=_("epoch"), title=_("reconstruction error"))
        ax_e.title.set_fontsize(10)
        (self.marker,) = ax_e.plot([first], [history.recon_error[first]], "o", color="C3")
        self.ax_f, self.ax_r, self.ax_e = ax_f, ax_r, ax_e

    def nearest(self, epoch):
        """The latest snapshot epoch at or before ``epoch``."""
        epoch = _validate.integer(epoch, "epoch", low=0)
        earlier = [e for e in self.epochs if e <= epoch]
        return earlier[-1] if earlier else self.epochs[0]

    def update(self, epoch):
        """Show the snapshot at ``epoch``; return a one-line status text."""
        epoch = self.nearest(epoch)
        limit = self.limits[epoch]
        self.filter_image.set_data(self.filters[epoch])
        self.filter_image.set_clim(-limit, limit)
        self.recon_image.set_data(self.recons[epoch])
        error = self.history.recon_error[epoch] if epoch < len(self.history.recon_error) else float("nan")
        self.marker.set_data([epoch], [error])
        self.ax_f.set_title(_("filters: columns of W (±{limit:.2f})").format(limit=limit), fontsize=10)
        self.ax_r.set_title(_("epoch {epoch}: test digits (top) and x̂ (bottom)").format(epoch=epoch), fontsize=10)
        return _("epoch {epoch}: reconstruction error {error:.4f}").format(epoch=epoch, error=error)


class EpochExplorer(FigureExplorer):
    """A slider over training epochs redrawing ``EpochPanels`` (filters, x and x̂).

    ``explorer.set(epoch=5)`` is what moving the slider does; it returns the PNG bytes.
    """

    def __init__(self, history, X_show, epoch=0, n_filters=36, dpi=72):
        controls = {"epoch": slider(_("epoch"), 0, int(max(_snapshot_history(history).snapshots)), epoch, live=True)}
        super().__init__(controls, figsize=(10.0, 3.4), dpi=dpi)
        self.panels = p = EpochPanels(self.figure, history, X_show, n_filters=n_filters)
        p.ax_f.set_title(" ", fontsize=10)
        p.ax_r.set_title(" ", fontsize=10)
        # the axes stay: a redraw repaints only the two pictures, the marker and the titles
        self.animated = (p.filter_image, p.recon_image, p.marker, p.ax_f.title, p.ax_r.title)
        self.refresh()

    def draw(self, epoch):
        return self.panels.update(epoch)


def gibbs_grid(ax, rbm, start, steps, seed=0, ncols=None):
    """Gibbs samples: row r of the grid is the chain of start image r after each of
    ``steps`` (a sorted list of step counts), shown as probabilities p(v|h)."""
    _validate.axes(ax)
    rbm = _validate.instance(rbm, "rbm", RBM, "a lessonlib.rbm.RBM")
    start = _validate.array(start, "start", shape=(None, rbm.n_visible), low=0.0, high=1.0,
                            what=f"one image of {rbm.n_visible} pixels per row, values in [0, 1]")
    steps = _validate.sequence_of_ints(steps, "steps")
    frames = [start]
    for n in steps:
        frames.append(rbm.gibbs(start, steps=n, seed=seed, return_probabilities=True))
    images = np.stack(frames, axis=1).reshape(-1, start.shape[1])
    return image_grid(ax, images, ncols=ncols or len(frames), vmin=0, vmax=1)


# --- the intuition before the deep dives: what the model believes against the data ------


def _framed_grid(ax, images, shape, ncols):
    """``image_grid`` of binary images with a thin frame round each tile, so an all-off
    (white) image is still seen as an image."""
    from matplotlib.patches import Rectangle

    h, w = shape
    artist = image_grid(ax, images, shape=(h, w), ncols=ncols, vmin=0, vmax=1)
    for k in range(len(images)):
        r, c = divmod(k, ncols)
        ax.add_patch(Rectangle((c * (w + 1) - 0.5, r * (h + 1) - 0.5), w, h, fill=False,
                               edgecolor=OKABE_ITO["grey"], lw=0.8))
    ax.set_frame_on(False)
    return artist


def draw_patterns(ax, patterns, shape=(3, 3)):
    """The training patterns in one row, each numbered below (1, 2, ...) as the bars of
    ``draw_model_vs_data`` are; returns the AxesImage."""
    _validate.axes(ax)
    h, w = _validate.sequence_of_ints(shape, "shape", length=2)
    patterns = _validate.array(patterns, "patterns", shape=(None, h * w), low=0.0, high=1.0,
                               what=f"one flattened {h}x{w} pattern per row, values in [0, 1]")
    artist = _framed_grid(ax, patterns, (h, w), ncols=len(patterns))
    for k in range(len(patterns)):
        ax.text(k * (w + 1) + (w - 1) / 2, h + 0.1, str(k + 1), ha="center", va="top", fontsize=8)
    ax.set_ylim(h + 1.4, -0.7)
    return artist


def model_vs_data(model, patterns):
    """The model's probability of each training pattern and of everything else.

    For a small RBM the probability p(v) = exp(-F(v)) / Z of every visible vector is
    exact (``RBM.probabilities``). Training by maximum likelihood (which CD approximates)
    moves probability onto the data: here the data are ``patterns``, each equally likely,
    so p_data(v) = 1 / len(patterns) on them and 0 elsewhere.

    Returns a dict with ``p_model`` (one probability per pattern, in the order of
    ``patterns``, duplicates dropped), ``p_data`` (the same for every pattern),
    ``p_elsewhere`` (the model's total probability of all other visible vectors) and
    ``n_elsewhere`` (how many vectors those are).
    """
    model = _validate.instance(model, "model", RBM, "a lessonlib.rbm.RBM")
    patterns = _distinct_patterns(model, patterns)
    p_model = model.probabilities(patterns)
    return {
        "p_model": p_model,
        "p_data": 1.0 / len(patterns),
        "p_elsewhere": float(max(0.0, 1.0 - p_model.sum())),
        "n_elsewhere": 2**model.n_visible - len(patterns),
    }


def _distinct_patterns(model, patterns):
    patterns = _validate.array(patterns, "patterns", shape=(None, model.n_visible), binary=True,
                               what=f"one row per pattern, {model.n_visible} visible units")
    _, first = np.unique(patterns, axis=0, return_index=True)
    return patterns[np.sort(first)]  # in the order given, so bar k is the k-th pattern drawn


def draw_model_vs_data(ax, model, patterns, title=None, ax_share=None, ymax=None):
    """Bars: the model's p(v) for each pattern beside the data's 1/N (dotted line).

    ``ax_share`` (optional) gets one stacked bar from 0 to 1: the share of the model's
    probability on the patterns (blue) and on all other images (vermillion, hatched).
    ``ymax`` fixes the top of the probability axis (panels drawn side by side share it).
    Returns what ``model_vs_data`` computed.
    """
    _validate.axes(ax)
    if title is not None:
        _validate.text(title, "title")
    if ax_share is not None:
        _validate.axes(ax_share, "ax_share")
    result = model_vs_data(model, patterns)
    if ymax is None:
        ymax = max(2.0 * result["p_data"], 1.1 * float(result["p_model"].max()))
    else:
        ymax = _validate.positive(ymax, "ymax")
    n = len(result["p_model"])
    ax.bar(np.arange(1, n + 1), result["p_model"], color=OKABE_ITO["blue"], label=_("model: p(v) of each pattern"))
    ax.axhline(result["p_data"], color="k", ls=":", lw=1.2, label=_("data: 1/{n} for each pattern").format(n=n))
    ax.set_xticks(range(1, n + 1), [str(k) if k % 2 else "" for k in range(1, n + 1)], fontsize=7)
    ax.set(xlabel=_("training pattern"), ylabel=_("probability"), xlim=(0.3, n + 0.7), ylim=(0, ymax))
    if title:
        ax.set_title(title, fontsize=10)
    if ax_share is not None:
        on = 1.0 - result["p_elsewhere"]
        ax_share.bar([0], [on], color=OKABE_ITO["blue"], width=0.8)
        ax_share.bar([0], [result["p_elsewhere"]], bottom=[on], color=OKABE_ITO["vermillion"], hatch="//",
                     width=0.8, label=_("model: all {n} other images together").format(n=result["n_elsewhere"]))
        ax_share.set(xlim=(-0.6, 0.6), ylim=(0, 1), xticks=[])
        ax_share.set_xlabel(_("{share:.0%} on\nthe data").format(share=on), fontsize=8)
        ax_share.set_ylabel(_("share of all probability"), fontsize=8)
        ax_share.yaxis.set_label_position("right")
        ax_share.yaxis.tick_right()
        ax_share.tick_params(labelsize=7)
    return result


def draw_models_vs_data(figure, models, patterns):
    """``draw_model_vs_data`` for several models side by side, on one shared probability
    axis, with one legend below the panels.

    ``models`` maps a panel title to an RBM (at most six). Each panel is the bars plus
    the stacked share bar. Returns {title: what ``model_vs_data`` computed}.
    """
    from matplotlib.figure import Figure

    _validate.instance(figure, "figure", Figure, "a matplotlib Figure")
    models = _validate.instance(models, "models", dict, "a dict {title: RBM}")
    if not 1 <= len(models) <= 6:
        raise ValueError(f"models must hold 1 to 6 models (one panel each), got {len(models)}")
    for title, model in models.items():
        _validate.text(title, "models")
        _validate.instance(model, "models", RBM, "a dict {title: lessonlib.rbm.RBM}")
    results = {title: model_vs_data(model, patterns) for title, model in models.items()}
    ymax = 1.15 * max(max(2.0 * r["p_data"], float(r["p_model"].max())) for r in results.values())
    panels = np.atleast_1d(figure.subfigures(1, len(models)))
    for panel, (title, model) in zip(panels, models.items()):
        ax, ax_share = panel.subplots(1, 2, width_ratios=[5, 1])
        draw_model_vs_data(ax, model, patterns, title=title, ax_share=ax_share, ymax=ymax)
    handles = [*ax.get_legend_handles_labels()[0], *ax_share.get_legend_handles_labels()[0]]
    labels = [*ax.get_legend_handles_labels()[1], *ax_share.get_legend_handles_labels()[1]]
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=8, frameon=False)
    return results


def draw_model_vs_data_over_training(figure, history, patterns, epochs=None):
    """``draw_models_vs_data`` for the snapshots of one training run
    (``RBM.fit(snapshot_epochs=...)``): the model's p(v) moving onto the data.

    ``epochs``: which snapshots (default: all of them, at most six). Returns {epoch: what
    ``model_vs_data`` computed}.
    """
    history = _snapshot_history(history)
    if epochs is None:
        epochs = sorted(history.snapshots)
    epochs = _validate.sequence_of_ints(epochs, "epochs", low=0)
    missing = [e for e in epochs if e not in history.snapshots]
    if missing:
        raise ValueError(f"epochs must be snapshot epochs of history ({sorted(history.snapshots)}), got {missing}")
    if len(epochs) > 6 or len(set(epochs)) < len(epochs):
        raise ValueError(f"epochs must name at most 6 different snapshots (one panel each), got {epochs}")
    titles = {e: _("before training") if e == 0 else _("after {epochs} epochs").format(epochs=e) for e in epochs}
    models = {titles[e]: RBM.from_parameters(*history.snapshots[e]) for e in epochs}
    results = draw_models_vs_data(figure, models, patterns)
    return {e: results[titles[e]] for e in epochs}


def draw_free_energies(ax, model, patterns, title=None):
    """The free energy F(v) of every visible vector: the training patterns in one column,
    all other images in another (spread sideways so the dots do not hide each other).

    p(v) = exp(-F(v)) / Z with one Z for all images, so a lower dot is a more probable
    image: one unit lower is e = 2.72 times as probable. Small models only (every
    visible vector is listed). Returns a dict with ``F_patterns`` and ``F_others``.
    """
    _validate.axes(ax)
    model = _validate.instance(model, "model", RBM, "a lessonlib.rbm.RBM")
    if title is not None:
        _validate.text(title, "title")
    patterns = _distinct_patterns(model, patterns)
    states = all_states(model.n_visible)
    is_pattern = _is_pattern(states, patterns)
    F_patterns, F_others = model.free_energy(patterns), model.free_energy(states[~is_pattern])

    def spread(n):  # a fixed, even sideways spread (golden-ratio steps), no random draw
        return ((np.arange(n) * 0.6180339887) % 1.0 - 0.5) * 0.5

    ax.scatter(0 + spread(len(F_patterns)), F_patterns, s=22, color=OKABE_ITO["blue"], marker="o")
    ax.scatter(1 + spread(len(F_others)), F_others, s=8, color=OKABE_ITO["grey"], marker="s", alpha=0.6)
    ax.set_xticks([0, 1], [_("{n} training patterns").format(n=len(F_patterns)),
                           _("{n} other images").format(n=len(F_others))], fontsize=8)
    ax.set(xlim=(-0.6, 1.6), ylabel=_("free energy F(v) (lower = more probable)"))
    if title:
        ax.set_title(title, fontsize=10)
    return {"F_patterns": F_patterns, "F_others": F_others}


def phase_samples(model, patterns, steps=(1, 1000), repeats=50, seed=0):
    """What the two phases of the likelihood gradient average over, as images.

    The positive phase uses the data; the negative phase the model's own samples. Chains
    start at every pattern (``repeats`` times each, one chain per pattern first) and run
    ``steps`` Gibbs steps: 1 step is what CD-1 uses, many steps approach samples of the
    model. Returns {steps: binary samples, shape (repeats * n_patterns, n_visible)}.
    """
    model = _validate.instance(model, "model", RBM, "a lessonlib.rbm.RBM")
    patterns = _distinct_patterns(model, patterns)
    steps = _validate.sequence_of_ints(steps, "steps")
    repeats = _validate.positive_int(repeats, "repeats")
    _validate.seed(seed)
    start = np.tile(patterns, (repeats, 1))
    return {s: model.gibbs(start, steps=s, seed=seed) for s in steps}


def share_on_patterns(samples, patterns):
    """The share of the rows of ``samples`` that are exactly one of ``patterns``."""
    patterns = _validate.array(patterns, "patterns", ndim=2, binary=True, what="one binary pattern per row")
    samples = _validate.array(samples, "samples", shape=(None, patterns.shape[1]), binary=True,
                              what=f"one binary sample of {patterns.shape[1]} units per row")
    return float(_is_pattern(samples, patterns).mean())


def _is_pattern(rows, patterns):
    """Per row of ``rows``: True when it is exactly one of ``patterns`` (both checked, 2-D)."""
    return (rows[:, None, :] == patterns[None, :, :]).all(axis=2).any(axis=1)


def draw_phases(ax, model, patterns, steps=(1, 1000), repeats=50, seed=0, shape=(3, 3)):
    """Rows of images: the data (the positive phase), then the samples after each of
    ``steps`` Gibbs steps started at the data (the negative phase: 1 step is CD-1's,
    many steps the model's own). One chain per pattern is drawn; each row is labelled
    with its share of exact training patterns, over ``repeats`` chains per pattern.

    Returns {"data": 1.0, steps: share, ...}: the shares the labels print.
    """
    _validate.axes(ax)
    samples = phase_samples(model, patterns, steps=steps, repeats=repeats, seed=seed)
    patterns = _distinct_patterns(model, patterns)
    n = len(patterns)
    h, w = _validate.sequence_of_ints(shape, "shape", length=2)
    if h * w != model.n_visible:
        raise ValueError(f"shape must multiply to the {model.n_visible} visible units, got {(h, w)}")
    shares = {"data": 1.0, **{s: share_on_patterns(v, patterns) for s, v in samples.items()}}
    rows = [patterns, *(v[:n] for v in samples.values())]
    _framed_grid(ax, np.vstack(rows), (h, w), ncols=n)
    labels = [_("the data (positive phase)")]
    for s in samples:
        if s == 1:
            labels.append(_("1 Gibbs step from the data (CD-1): {share:.0%} are patterns").format(share=shares[s]))
        else:
            labels.append(_("{steps} Gibbs steps from the data: {share:.0%} are patterns").format(steps=s, share=shares[s]))
    ax.set_yticks([r * (h + 1) + (h - 1) / 2 for r in range(len(rows))], labels, fontsize=8)
    ax.tick_params(length=0)
    return shares
