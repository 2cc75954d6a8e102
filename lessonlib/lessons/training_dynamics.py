"""Notebook 06 (watching a start play out): the playground, statistics during training,
the output layer's start, and batch normalization over seeds.

Everything here is computed once and cached: the playground's frames per start (so the
step slider only swaps pictures), the recorded statistics, the seed studies.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import lru_cache

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from lessonlib import _validate, data, plots
from lessonlib.i18n import N_, _
from lessonlib.monitor import Recorder
from lessonlib.nn import MLP
from lessonlib.training import all_finite, decide
from lessonlib.widgets import FigureExplorer, Table, dropdown, selection_slider

#: Okabe & Ito (2008), the colour-blind safe palette, and one marker per colour.
#: The series' colour-blind safe colours (``plots.OKABE_ITO``), in the order curves take them.
PALETTE = tuple(plots.OKABE_ITO[name] for name in (
    "black", "orange", "sky_blue", "bluish_green", "blue", "vermillion", "reddish_purple", "yellow"))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Class 0 orange, class 1 blue; the probability picture fades between them.
CLASS_COLORS = (plots.OKABE_ITO["orange"], plots.OKABE_ITO["blue"])
PROBABILITY_CMAP = LinearSegmentedColormap.from_list("orange_blue", [plots.OKABE_ITO["orange"], "#FFFFFF", plots.OKABE_ITO["blue"]])

# --- 1. the decision-boundary playground ----------------------------------------------------

PLAYGROUND_NET = (2, 16, 16, 1)
PLAYGROUND_EPOCHS = 75  # 200 points in batches of 50: 4 steps an epoch, 300 steps
FRAME_EVERY = 10
GRID = 60
#: The five starts: (initializer, its options, label). "scale" multiplies the weights.
#: Names and labels are English; ``start_label`` shows a name in the notebook's language.
STARTS = {
    N_("zeros"): ("zeros", None, N_("all zeros")),
    N_("constant"): ("constant", {"value": 0.1}, N_("constant 0.1")),
    N_("too small"): ("normal", {"std": 0.01}, "N(0, 0.01²)"),
    "He": ("he_normal", None, "He N(0, 2/fan_in)"),
    N_("too large"): ("normal", {"std": 5.0}, "N(0, 5²)"),
}
SCALES = (0.1, 0.3, 1.0, 3.0, 10.0)
DATASETS = (N_("moons"), N_("circles"))


def start_label(start):
    """The name of one of ``STARTS`` ("too small", "He", ...) in the notebook's language."""
    start = _validate.choice(start, "start", STARTS)
    return _(start)


def flag_text(flag):
    """``True``/``False`` as a printed line shows it: "True"/"False" in English, 예/아니요 in Korean."""
    return _("True") if _validate.flag(flag, "flag") else _("False")


@lru_cache(maxsize=4)
def toy_data(name="moons"):
    """200 points of a 2-D toy set, standardized per coordinate: (X, y)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}, got {name!r}")
    X, y = data.make_moons(200, noise=0.15, seed=0) if name == "moons" else data.make_circles(200, noise=0.1, seed=0)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _grid(X):
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID)
    return np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)]), (low[0], high[0], low[1], high[1])


@dataclass
class Frames:
    """The playground's pictures of one run, one entry per frame (every ``FRAME_EVERY`` steps).

    step : ndarray (frames,); loss : ndarray (frames,), the loss on all 200 points;
    spread : ndarray (frames, hidden layers), ``MLP.hidden_unit_spread`` of each hidden
    layer (0: all its units are copies); extent : the grid's (left, right, bottom, top);
    parameters : per frame, the network's (weights, biases) at that step; network : the
    run's network (its architecture turns ``parameters`` into pictures); points : the
    grid, ``GRID`` x ``GRID`` points over the data; diverged_step : the step at which the
    loss or a weight stopped being finite (no frame is kept from there on), or None.

    ``prob_at(k)`` is frame k's picture, p(class 1) on the grid: one forward pass of the
    grid, computed when first asked and kept, so training a start stores weights only and
    the frames nobody looks at are never drawn; ``prob`` is every frame's, stacked.
    """

    step: np.ndarray
    loss: np.ndarray
    spread: np.ndarray
    extent: tuple
    parameters: list
    network: MLP
    points: np.ndarray
    diverged_step: int = None
    _pictures: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def prob_at(self, k):
        """Frame ``k``'s p(class 1) on the grid, shape (GRID, GRID) (``k`` < 0 counts from the end)."""
        n = len(self.step)
        k = _validate.integer(k, "k", -n, n - 1) % n
        if k not in self._pictures:
            net = copy.copy(self.network)
            net.weights, net.biases = self.parameters[k]
            with np.errstate(all="ignore"):
                self._pictures[k] = net.forward(self.points)[:, 0].reshape(GRID, GRID)
        return self._pictures[k]

    @property
    def prob(self):
        """Every frame's picture: ndarray (frames, GRID, GRID)."""
        return np.stack([self.prob_at(k) for k in range(len(self.step))])


class FrameRecorder:
    """A recorder for ``MLP.fit`` that snapshots the network every ``every`` steps.

    A snapshot keeps the weights, the loss on (X, y) and the units' spread; the pictures
    are drawn from the weights when shown (``Frames.prob_at``).
    """

    #: ``MLP.fit`` skips each batch's own loss for a recorder that does not need it
    needs_batch_loss = False

    def __init__(self, X, y, every=FRAME_EVERY):
        X = _validate.array(X, "X", shape=(None, 2), what="one row per point, 2 coordinates")
        y = _validate.labels(y, "y", X.shape[0], 2)
        every = _validate.positive_int(every, "every")
        self.X, self.y, self.every = X, y, every
        self.points, self.extent = _grid(X)
        self.step, self.loss, self.spread, self.parameters = [], [], [], []
        self.network = None
        self.diverged_step = None

    def snapshot(self, step, model):
        """Record the network's weights, loss and unit spread at ``step``."""
        _validate.integer(step, "step", low=0)
        _validate.instance(model, "model", MLP, "a lessonlib.nn.MLP")
        self._snapshot(step, model)

    def _snapshot(self, step, model):
        with np.errstate(all="ignore"):
            loss = model.loss(self.X, self.y)
        if not (math.isfinite(loss) and all_finite(*model.weights, *model.biases)):
            if self.diverged_step is None:
                self.diverged_step = int(step)
            return
        if self.network is None:
            self.network = copy.copy(model)
        self.step.append(int(step))
        self.loss.append(loss)
        self.spread.append([model.hidden_unit_spread(k) for k in range(model.n_layers - 1)])
        self.parameters.append(([W.copy() for W in model.weights], [b.copy() for b in model.biases]))

    def on_step(self, step, model, trace, updates):
        if step % self.every == 0 and self.diverged_step is None:
            self._snapshot(step, model)

    def frames(self):
        return Frames(np.array(self.step), np.array(self.loss), np.array(self.spread), self.extent,
                      self.parameters, self.network, self.points, self.diverged_step)


def playground_model(start, scale=1.0, seed=0):
    """The playground's network from one of ``STARTS``, its weights times ``scale``."""
    _validate.choice(start, "start", STARTS)
    _validate.positive(scale, "scale")
    _validate.integer(seed, "seed", low=0)
    init, options, _label = STARTS[start]
    model = MLP(PLAYGROUND_NET, activation="relu", init=init, init_options=options, seed=seed)
    model.weights = [W * float(scale) for W in model.weights]
    return model


@lru_cache(maxsize=64)
def playground_frames(start, scale=1.0, dataset="moons", seed=0):
    """Train the playground's network once and keep its frames (cached, so scrubbing is instant).

    SGD with momentum 0.9, lr 0.1, batches of 50, 300 steps.
    """
    X, y = toy_data(dataset)
    model = playground_model(start, scale, seed)
    recorder = FrameRecorder(X, y)
    recorder.snapshot(0, model)
    model.fit(X, y, epochs=PLAYGROUND_EPOCHS, lr=0.1, batch_size=50, momentum=0.9, seed=seed, recorder=recorder)
    return recorder.frames()


def _draw_data(ax, X, y, size=10):
    return [ax.scatter(X[y == c, 0], X[y == c, 1], s=size, color=CLASS_COLORS[c], marker=MARKERS[c],
                       edgecolors="k", linewidths=0.3) for c in (0, 1)]


def _check_figure(fig):
    from matplotlib.figure import Figure, SubFigure

    return _validate.instance(fig, "fig", (Figure, SubFigure), "a matplotlib Figure")


def _check_seeds(seeds):
    return _validate.sequence(seeds, "seeds", lambda v, k: _validate.integer(v, k, low=0), min_length=1,
                              what="non-negative integer seeds")


def plot_starts_row(fig, dataset="moons", frame=-1):
    """The static picture: each start's boundary at one frame (default: the last) and the loss curves."""
    _check_figure(fig)
    _validate.choice(dataset, "dataset", DATASETS)
    n_frames = min(len(f.step) for f in [playground_frames("He")] + [playground_frames(st, 1.0, dataset) for st in STARTS])
    _validate.integer(frame, "frame", -n_frames, n_frames - 1)
    X, y = toy_data(dataset)
    axes = fig.subplots(1, len(STARTS) + 1, width_ratios=[1] * len(STARTS) + [1.5])
    for k, (ax, start) in enumerate(zip(axes, STARTS)):
        f = playground_frames(start, 1.0, dataset)
        ax.imshow(f.prob_at(frame), origin="lower", extent=f.extent, cmap=PROBABILITY_CMAP, vmin=0, vmax=1,
                  aspect="auto", interpolation="bilinear")
        _draw_data(ax, X, y, size=5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(_(STARTS[start][2]) + "\n" + _("loss {loss:.2f}").format(loss=f.loss[frame]), fontsize=8)
        axes[-1].plot(f.step, np.clip(f.loss, 1e-2, 1e3), color=PALETTE[k], marker=MARKERS[k], markevery=5,
                      markersize=4, label=_(start))
    fig.suptitle(_("the boundary after {steps} steps (orange: class 0, blue: class 1)").format(
        steps=playground_frames("He").step[frame]), fontsize=9)
    axes[-1].set(yscale="log", xlabel=_("step"), ylabel=_("loss"))
    axes[-1].yaxis.tick_right()
    axes[-1].yaxis.set_label_position("right")
    axes[-1].set_title(_("loss on all 200 points"), fontsize=8)
    axes[-1].axhline(math.log(2), color="0.5", ls=":", lw=1)
    axes[-1].legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.32, 1.0), frameon=False)
    return axes


class BoundaryExplorer(FigureExplorer):
    """Watch one start train: the boundary over the data (left) and the loss so far (right).

    Controls: ``step`` (0-300, with a Play button linked to it in the browser), ``start``
    (the five of ``STARTS``), ``scale`` (multiplies the start's weights) and ``dataset``.
    Each (start, scale, dataset) is trained once (``playground_frames``); moving ``step``
    only swaps the picture in place (``imshow.set_data``, ``line.set_data``), and a redraw
    repaints only the changing artists (``animated``) over a stored background.
    """

    def __init__(self, start="He", scale=1.0, dataset="moons", step=0, dpi=72):
        last = FRAME_EVERY * (PLAYGROUND_EPOCHS * 200 // 50 // FRAME_EVERY)
        _validate.choice(start, "start", STARTS)
        _validate.choice(scale, "scale", SCALES)
        _validate.choice(dataset, "dataset", DATASETS)
        _validate.integer(step, "step", 0, last)
        controls = {
            "step": widgets.IntSlider(value=step, min=0, max=last, step=FRAME_EVERY, description=_("step"),
                                      continuous_update=False, layout=widgets.Layout(width="360px")),
            "start": dropdown(_("start"), [(_(name), name) for name in STARTS], start),
            "scale": selection_slider(_("scale ×"), [(f"{s:g}", s) for s in SCALES], scale, width="260px"),
            "dataset": dropdown(_("data"), [(_(name), name) for name in DATASETS], dataset, width="170px"),
        }
        super().__init__(controls, figsize=(8.0, 3.4), dpi=dpi)
        # Play steps through the slider in the browser (jslink: no round trip to the kernel).
        self.play = widgets.Play(value=step, min=0, max=last, step=FRAME_EVERY, interval=250,
                                 description=_("play"))
        self.link = widgets.jslink((self.play, "value"), (controls["step"], "value"))
        self.ax_map, self.ax_loss = self.figure.subplots(1, 2, width_ratios=[1, 1.25])
        self.figure.subplots_adjust(left=0.04, right=0.8, bottom=0.15, top=0.88, wspace=0.25)
        f = playground_frames(start, scale, dataset)
        self.map = self.ax_map.imshow(f.prob_at(0), origin="lower", extent=f.extent, cmap=PROBABILITY_CMAP,
                                      vmin=0, vmax=1, aspect="auto", interpolation="bilinear")
        self.points = _draw_data(self.ax_map, *toy_data(dataset))
        self.ax_map.set(xticks=[], yticks=[], xlabel="x₁", ylabel="x₂")
        (self.full_line,) = self.ax_loss.plot([], [], color="0.7", lw=1, label=_("whole run"))
        (self.line,) = self.ax_loss.plot([], [], color=PALETTE[4], lw=2, label=_("so far"))
        (self.dot,) = self.ax_loss.plot([], [], color=PALETTE[5], marker="o", ls="", label=_("this step"))
        self.ax_loss.axhline(math.log(2), color="k", ls=":", lw=1, label=_("ln 2: guessing"))
        self.ax_loss.set(yscale="log", ylim=(1e-2, 1e3), xlim=(0, last), xlabel=_("step"), ylabel=_("loss"))
        self.ax_loss.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        self._shown = None
        # a redraw repaints only these over a stored picture of the axes, ticks and legend
        # (repainted when the dataset, and with it the map's extent, changes): the points
        # come after the map so that they stay on top of it
        self.animated = (self.map, *self.points, self.full_line, self.line, self.dot,
                         self.ax_map.title, self.ax_loss.title)
        self.refresh()

    def background_key(self):
        return self._shown

    def draw(self, step, start, scale, dataset):
        f = playground_frames(start, scale, dataset)
        if self._shown != dataset:
            X, y = toy_data(dataset)
            for c, artist in enumerate(self.points):
                artist.set_offsets(X[y == c])
            self.map.set_extent(f.extent)
            self.ax_map.set(xlim=f.extent[:2], ylim=f.extent[2:])
            self._shown = dataset
        k = int(np.searchsorted(f.step, step, side="right")) - 1
        k = max(k, 0)
        self.map.set_data(f.prob_at(k))
        loss = np.clip(f.loss, 1e-2, 1e3)
        self.full_line.set_data(f.step, loss)
        self.line.set_data(f.step[: k + 1], loss[: k + 1])
        self.dot.set_data([f.step[k]], [loss[k]])
        self.ax_map.set_title(_("{start} × {scale:g}, step {step}").format(
            start=_(STARTS[start][2]), scale=scale, step=f.step[k]), fontsize=9)
        if f.diverged_step is not None and step >= f.diverged_step:
            self.ax_loss.set_title(_("diverged at step {step}").format(step=f.diverged_step), fontsize=9)
            return _("step {step}: diverged at step {diverged} (showing step {shown})").format(
                step=step, diverged=f.diverged_step, shown=f.step[k])
        self.ax_loss.set_title(_("loss {loss:.3f}").format(loss=f.loss[k]), fontsize=9)
        if np.all(f.spread[k] == 0):
            return _("step {step}: loss {loss:.3f}; every hidden layer's units are identical").format(
                step=f.step[k], loss=f.loss[k])
        return _("step {step}: loss {loss:.3f}; units differ").format(step=f.step[k], loss=f.loss[k])

    @property
    def widget(self):
        if not self.image.value:
            self.refresh()
        return widgets.VBox([self.control_row(self.play, "step"), self.control_row("start", "scale", "dataset"),
                             self.image, self.status])


# --- 2. statistics during training ----------------------------------------------------------

DEEP_NET = (64, 64, 64, 64, 64, 64, 10)  # five hidden tanh layers
STAT_STARTS = {"N(0, 1)": ("normal", {"std": 1.0}), "LeCun N(0, 1/fan_in)": ("lecun_normal", None)}
STAT_EPOCHS = 20  # 500 digits in batches of 50: 200 steps


@lru_cache(maxsize=1)
def small_digits():
    """(X_train, X_test, y_train, y_test): 500 training digits, the standard 450 test digits."""
    return data.digits(n_train=500)


@lru_cache(maxsize=8)
def training_statistics(start, seed=0):
    """Train ``DEEP_NET`` (tanh) from one of ``STAT_STARTS`` for 200 steps with a ``Recorder``.

    Plain SGD (lr 0.05, batches of 50), so the update is exactly -lr * grad. Returns
    (the recorder's arrays, the history, the test accuracy).
    """
    init, options = STAT_STARTS[start]
    X_train, X_test, y_train, y_test = small_digits()
    model = MLP(DEEP_NET, activation="tanh", init=init, init_options=options, seed=seed)
    recorder = Recorder(every=2, bins=20)
    history = model.fit(X_train, y_train, epochs=STAT_EPOCHS, lr=0.05, batch_size=50, seed=seed, recorder=recorder)
    return recorder.arrays(), history, model.score(X_test, y_test), recorder.edges()


def statistics_table(starts=tuple(STAT_STARTS)):
    """``training_statistics`` of each of ``starts`` as a ``widgets.Table``, one column per
    layer: the fraction of saturated units per hidden layer at the start, and the median
    log10 update/data ratio per weight layer over the first and the last ten recorded
    steps (steps 2-20 and the last 20: every second step is recorded); below it, each
    start's loss before and after training and its test accuracy."""
    starts = _validate.sequence(starts, "starts", lambda v, k: _validate.choice(v, k, list(STAT_STARTS)),
                                min_length=1, what="names of STAT_STARTS")
    rows, notes = [], []
    n_layers = 0
    for start in starts:
        r, history, accuracy, _edges = training_statistics(start)
        first, last = (np.nanmedian(r["update_ratio"][part], axis=0) for part in (slice(0, 10), slice(-10, None)))
        n_layers = max(n_layers, len(first))
        rows += [
            [start, _("saturated at the start"), *(f"{x:.2f}" for x in r["saturated"][0])],
            ["", _("log10 update/data, steps 2-20"), *(f"{x:.1f}" for x in first)],
            ["", _("log10 update/data, last 20 steps"), *(f"{x:.1f}" for x in last)],
        ]
        notes.append(_("{start}: loss {first:.2f} -> {last:.3f}, test accuracy {accuracy:.3f}").format(
            start=start, first=history.loss[0], last=history.loss[-1], accuracy=accuracy))
    header = [_("start"), "", *(_("layer {layer}").format(layer=k) for k in range(1, n_layers + 1))]
    rows = [row + [""] * (len(header) - len(row)) for row in rows]  # the output layer has no saturation
    return Table(header, rows, align="ll" + "r" * n_layers, notes=notes, grouped=True)


def plot_histograms(fig):
    """Per start, every hidden layer's activation histogram over the steps (colour = fraction)."""
    _check_figure(fig)
    axes = fig.subplots(1, len(STAT_STARTS), sharey=True)
    for ax, start in zip(axes, STAT_STARTS):
        r, _history, _accuracy, edges = training_statistics(start)
        n_layers, bins = r["histogram"].shape[1:]
        rows = []
        for layer in range(n_layers):
            rows.append(r["histogram"][:, layer, :].T)
            rows.append(np.full((3, len(r["step"])), np.nan))
        picture = np.vstack(rows[:-1])
        cmap = matplotlib.colormaps["magma"].with_extremes(bad=plots.OKABE_ITO["sky_blue"])  # sky-blue gaps between layers
        image = ax.imshow(picture, aspect="auto", origin="lower", cmap=cmap, vmin=0, vmax=0.4,
                          extent=(r["step"][0], r["step"][-1], 0, picture.shape[0]), interpolation="nearest")
        ax.set_yticks([layer * (bins + 3) + bins / 2 for layer in range(n_layers)],
                      [_("layer {layer}").format(layer=layer + 1) for layer in range(n_layers)])
        ax.set(xlabel=_("step"),
               title=_("{start}: tanh activations, -1 (bottom) to 1 (top) per layer").format(start=start))
        ax.title.set_fontsize(8)
    fig.colorbar(image, ax=list(axes), label=_("fraction of units in the bin"), shrink=0.9)
    return axes


def plot_statistics(fig):
    """Rows: the two starts; columns: activation std, saturated fraction, update-to-data ratio."""
    _check_figure(fig)
    axes = fig.subplots(len(STAT_STARTS), 3, sharex=True)
    for row, start in zip(axes, STAT_STARTS):
        r = training_statistics(start)[0]
        steps = r["step"]
        for layer in range(r["act_std"].shape[1] + 1):
            output = layer == r["act_std"].shape[1]
            label = _("layer {layer} (output)") if output else _("layer {layer}")
            style = dict(color=PALETTE[layer], marker=MARKERS[layer], markevery=20, markersize=3, lw=1,
                         label=label.format(layer=layer + 1))
            if layer < r["act_std"].shape[1]:
                row[0].plot(steps, r["act_std"][:, layer], **style)
                row[1].plot(steps, r["saturated"][:, layer], **style)
            row[2].plot(steps, r["update_ratio"][:, layer], **style)
        row[0].set(ylabel=start + "\n" + _("activation std"), ylim=(0, 1))
        row[1].set(ylabel=_("saturated (|a| > 0.97)"), ylim=(-0.02, 1))
        row[2].axhline(-3, color="k", ls=":", lw=1)
        row[2].set(ylabel=_("log10 update / data"), ylim=(-5, -1))
    for ax in axes[-1]:
        ax.set_xlabel(_("step"))
    axes[0, 2].legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    return axes


# --- 2b. the output layer's start: the hockey stick -----------------------------------------

OUTPUT_NET = (64, 64, 10)


OUTPUT_SCALES = (1.0, 0.1)


@lru_cache(maxsize=32)
def output_layer_run(output_scale, seed):
    """64-64-10 tanh, LeCun hidden layer; output layer N(0, 1) times ``output_scale``, bias 0.

    Trained 50 steps (5 epochs, batches of 50, lr 0.05, momentum 0.9). Returns (the
    per-step batch losses, the test accuracy).
    """
    X_train, X_test, y_train, y_test = small_digits()
    model = MLP(OUTPUT_NET, activation="tanh", init="lecun_normal", seed=seed)
    model.weights[-1] = np.random.default_rng([seed, 7]).standard_normal(model.weights[-1].shape) * output_scale
    model.biases[-1][:] = 0.0
    recorder = Recorder()
    history = model.fit(X_train, y_train, epochs=5, lr=0.05, batch_size=50, momentum=0.9, seed=seed,
                        recorder=recorder)
    return np.array(recorder.loss), (float("nan") if history.diverged else model.score(X_test, y_test))


def plot_output_start(ax, seeds=(0, 1, 2, 3, 4)):
    """Per-step batch loss from both output scales (thin: seeds; thick: their mean), and ln 10."""
    _validate.axes(ax)
    _check_seeds(seeds)
    for k, scale in enumerate(OUTPUT_SCALES):
        curves = np.array([output_layer_run(scale, s)[0] for s in seeds])
        steps = np.arange(1, curves.shape[1] + 1)
        for c in curves:
            ax.plot(steps, c, color=PALETTE[k + 4], lw=0.6, alpha=0.4)
        ax.plot(steps, curves.mean(axis=0), color=PALETTE[k + 4], marker=MARKERS[k], markevery=5, lw=2,
                label=_("output weights N(0, 1) × {scale:g}").format(scale=scale))
    ax.axhline(math.log(10), color="k", ls=":", lw=1, label="ln 10 = 2.303")
    ax.set(xlabel=_("step"), ylabel=_("batch loss"), yscale="log")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


# --- 3. batch normalization over seeds ------------------------------------------------------

BN_NET = (64, 32, 32, 32, 32, 32, 10)  # five hidden layers
#: The three failing starts (names in English, shown with ``_``).
BN_CASES = {
    N_("ReLU, too small N(0, 0.01²)"): ("relu", "normal", {"std": 0.01}),
    N_("ReLU, too large N(0, 1)"): ("relu", "normal", {"std": 1.0}),
    N_("sigmoid, Glorot uniform"): ("sigmoid", "glorot_uniform", None),
}
SEEDS = (0, 1, 2, 3, 4)


@lru_cache(maxsize=64)
def bn_run(case, batch_norm, seed):
    """Test accuracy of ``BN_NET`` from one of ``BN_CASES``, with or without batch norm.

    6 epochs on the 500 digits (60 steps), lr 0.1, momentum 0.9. A diverged run counts as
    0.1 (guessing), so it still enters the mean.
    """
    activation, init, options = BN_CASES[case]
    X_train, X_test, y_train, y_test = small_digits()
    model = MLP(BN_NET, activation=activation, init=init, init_options=options, seed=seed, batch_norm=batch_norm)
    history = model.fit(X_train, y_train, epochs=6, lr=0.1, batch_size=50, momentum=0.9, seed=seed)
    return 0.1 if history.diverged else model.score(X_test, y_test), history.diverged


def compare_over_seeds(a, b, name_a, name_b, higher_is_better=True):
    """The series' verdict (``lessonlib.training.decide``) as one line: mean ± sample std of each,
    and on how many seeds a beats b.

    A winner is named only when it wins on at least 4 of 5 seeds (or the same share) and
    the intervals mean ± std do not overlap; otherwise "no clear winner".
    """
    _validate.array(a, "a", ndim=1, finite=False)
    _validate.array(b, "b", ndim=1, finite=False)
    _validate.text(name_a, "name_a")
    _validate.text(name_b, "name_b")
    _validate.flag(higher_is_better, "higher_is_better")
    d = decide(a, b, higher_is_better=higher_is_better)
    (ma, mb), (sa, sb), n = d["mean"], d["sd"], d["n"]
    k = d["wins"][0]
    if d["winner"] == 0:
        verdict = _("{name} wins: holds on {k} of {n} seeds").format(name=name_a, k=k, n=n)
    elif d["winner"] == 1:
        verdict = _("{name} wins: holds on {k} of {n} seeds").format(name=name_b, k=d["wins"][1], n=n)
    else:
        verdict = _("no clear winner ({name} ahead on {k} of {n} seeds)").format(name=name_a, k=k, n=n)
    return f"{name_a} {ma:.3f} ± {sa:.3f}, {name_b} {mb:.3f} ± {sb:.3f}: {verdict}"


def bn_table(seeds=SEEDS):
    """One line per case: accuracy without and with batch norm over ``seeds``, and the verdict."""
    _check_seeds(seeds)
    lines = []
    for case in BN_CASES:
        without = [bn_run(case, False, s) for s in seeds]
        with_bn = [bn_run(case, True, s) for s in seeds]
        diverged = sum(d for _a, d in without)
        title = _("{case} ({n} diverged)").format(case=_(case), n=diverged) if diverged else _(case)
        lines.append(f"{title}\n    " + compare_over_seeds([a for a, _d in with_bn], [a for a, _d in without],
                                                           _("with BN"), _("without")))
    return "\n".join(lines)


# --- 4. the discovery exercise's probe ------------------------------------------------------


def signal_change(std, depth=50, width=100):
    """Print how much a 50-layer ReLU network with N(0, std²) weights changes the signal's std.

    Forward: activations' std at layer ``depth`` over layer 1; backward: the gradient's
    std at layer 1 over the top layer. Returns the two ratios.
    """
    _validate.scale(std, "std")
    _validate.positive_int(depth, "depth")
    _validate.positive_int(width, "width")
    from lessonlib.propagation import propagate

    p = propagate(width=width, depth=depth, activation="relu", init="normal", init_options={"std": float(std)},
                  seed=0, batch=200)
    with np.errstate(all="ignore"):
        forward = p.act_std[-1] / p.act_std[0] if p.finite else float("nan")
        backward = p.grad_std[0] / p.grad_std[-1] if p.finite else float("nan")
    print(_("std {std:.4g}: forward signal ×{forward:.3g} over {depth} layers, backward ×{backward:.3g}").format(
        std=float(std), forward=forward, depth=depth, backward=backward))
    return forward, backward
