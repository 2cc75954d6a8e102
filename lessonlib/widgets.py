"""Sliders that redraw a picture: the explorers of the series.

Every explorer follows one pattern, so that it is fast, testable without a browser and
works with ipywidgets 7.7 (Colab) and 8 (JupyterLab 4):

- one matplotlib ``Figure`` is made once and kept; a control change only updates its
  artists (``set_data``, ``set_ydata``, ...) and renders it to PNG bytes;
- the PNG goes into an ``ipywidgets.Image``, so there is no flicker and no pyplot state;
- the computation lives in plain functions of ``lessonlib`` that tests call directly;
  ``explorer.set(seed=3)`` is what a slider move does, and returns the new PNG bytes.

A subclass builds its figure and controls in ``__init__`` and implements
``draw(**values)``; the base class wires the controls, renders, and shows the status
line and the redraw time.
"""

from __future__ import annotations

import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


class FigureExplorer:
    """Base class: controls + one persistent figure rendered into an Image widget.

    Parameters
    ----------
    controls : dict of str -> ipywidgets control
        The control's ``value`` is passed to ``draw`` under its key.
    figsize : (float, float)
        Size of the figure in inches.
    dpi : int
        Resolution of the rendered PNG (lower is faster).
    """

    def __init__(self, controls, figsize=(9.0, 3.5), dpi=80):
        self.controls = dict(controls)
        self.dpi = dpi
        # A fixed layout: constrained layout would re-solve on every redraw (slow).
        self.figure = Figure(figsize=figsize)
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML(value="")
        self.last_seconds = None
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # subclasses implement this ----------------------------------------------------------
    def draw(self, **values):  # pragma: no cover - abstract
        """Update the figure's artists for these control values; return a status text."""
        raise NotImplementedError

    # machinery ----------------------------------------------------------------------------
    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self):
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    def refresh(self):
        """Redraw for the current control values; store and return the PNG bytes."""
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            message = self.draw(**self.values)
        png = self.render()
        self.image.value = png
        self.last_seconds = time.perf_counter() - start
        self.status.value = (
            f"<span style='font-family:monospace'>{message or ''}"
            f" &nbsp; <span style='color:#888'>(redrawn in {self.last_seconds:.2f} s)</span></span>"
        )
        return png

    def set(self, **values):
        """Move controls as a person would (one redraw), and return the new PNG bytes."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown controls {unknown}; this explorer has {sorted(self.controls)}")
        with self._hold():
            for name, value in values.items():
                self.controls[name].value = value
        return self.refresh()

    def _on_change(self, change):
        if not getattr(self, "_holding", False):
            self.refresh()

    class _Hold:
        def __init__(self, owner):
            self.owner = owner

        def __enter__(self):
            self.owner._holding = True

        def __exit__(self, *exc):
            self.owner._holding = False

    def _hold(self):
        return self._Hold(self)

    @property
    def widget(self):
        """Controls above the picture, with a status line: display this in a notebook."""
        if not self.image.value:
            self.refresh()
        boxes = list(self.controls.values())
        rows = [widgets.HBox(boxes[i : i + 3]) for i in range(0, len(boxes), 3)]
        return widgets.VBox([*rows, self.image, self.status])

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def slider(description, min, max, value, step=1, log=False, width="300px"):
    """A slider that sends its value on release (``continuous_update=False``).

    Integer bounds give an ``IntSlider``; ``log=True`` a ``FloatLogSlider`` whose
    ``min``/``max`` are exponents of 10.
    """
    style = {"description_width": "initial"}
    layout = widgets.Layout(width=width)
    common = dict(description=description, continuous_update=False, style=style, layout=layout)
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=min, max=max, step=step, **common)
    if all(isinstance(v, int) for v in (min, max, value, step)):
        return widgets.IntSlider(value=value, min=min, max=max, step=step, **common)
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, **common)


def dropdown(description, options, value, width="220px"):
    """A drop-down menu of ``options`` (a list of labels or (label, value) pairs)."""
    return widgets.Dropdown(
        description=description,
        options=options,
        value=value,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=width),
    )


# --- notebook 01: the seed explorer ----------------------------------------------------------


class SeedExplorer(FigureExplorer):
    """Same code, different random start: one seed's run against a band of ten seeds.

    Controls: ``seed`` (0-49) retrains the network of ``lessonlib.symmetry.seed_run``
    from that seed; ``std`` picks the standard deviation of the N(0, std**2) initial
    weights (0 = all zeros) and recomputes the band of seeds 0-9 the first time it is
    chosen. Runs are cached, so returning to a setting is instant.
    """

    STDS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
    BAND_SEEDS = tuple(range(10))

    def __init__(self, seed=0, std=0.1, dpi=72):
        from lessonlib import symmetry

        self._symmetry = symmetry
        self._runs = {}
        controls = {
            "seed": slider("seed", 0, 49, seed),
            "std": widgets.SelectionSlider(
                description="initial std",
                options=[(f"{s:g}" if s else "0 (zeros)", s) for s in self.STDS],
                value=std,
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="360px"),
            ),
        }
        super().__init__(controls, figsize=(9.0, 3.3), dpi=dpi)
        self.ax_loss, self.ax_acc = self.figure.subplots(1, 2, width_ratios=[2.2, 1])
        self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.22)
        epochs = np.arange(symmetry.SEED_EPOCHS + 1)
        self.band_lines = [
            self.ax_loss.plot(epochs, np.full(len(epochs), np.nan), color="0.6", lw=0.8)[0]
            for _ in self.BAND_SEEDS
        ]
        (self.run_line,) = self.ax_loss.plot(epochs, np.full(len(epochs), np.nan), color="C3", lw=2.5)
        self.ax_loss.axhline(np.log(10), color="k", ls=":", lw=1)
        self.ax_loss.text(0.2, np.log(10) + 0.05, "ln 10: guessing", fontsize=8)
        self.ax_loss.set(xlabel="epoch", ylabel="training loss", ylim=(0, 2.8), xlim=(0, epochs[-1]))
        self.band_dots = self.ax_acc.scatter(np.zeros(len(self.BAND_SEEDS)), np.zeros(len(self.BAND_SEEDS)), color="0.6", s=25)
        self.run_dot = self.ax_acc.scatter([0.0], [0.0], color="C3", s=80, zorder=3)
        self.ax_acc.axhline(0.1, color="k", ls=":", lw=1)
        self.ax_acc.set(ylim=(0, 1), xlim=(-1, 1), xticks=[], ylabel="test accuracy after training")
        self.refresh()

    def run(self, std, seed):
        """The cached ``seed_run`` for (std, seed)."""
        key = (float(std), int(seed))
        if key not in self._runs:
            self._runs[key] = self._symmetry.seed_run(std, seed)
        return self._runs[key]

    def draw(self, seed, std):
        band = [self.run(std, s) for s in self.BAND_SEEDS]
        for line, r in zip(self.band_lines, band):
            loss = np.asarray(r.history.loss)
            line.set_data(np.arange(len(loss)), loss)
        current = self.run(std, seed)
        loss = np.asarray(current.history.loss)
        self.run_line.set_data(np.arange(len(loss)), loss)
        accs = np.array([r.test_accuracy for r in band])
        jitter = np.linspace(-0.5, 0.5, len(band))
        self.band_dots.set_offsets(np.column_stack([jitter, np.nan_to_num(accs)]))
        self.run_dot.set_offsets([[0.0, np.nan_to_num(current.test_accuracy)]])
        label = "all zeros" if std == 0 else f"N(0, {std:g}²)"
        self.ax_loss.set_title(f"{label}: seed {seed} (red) against seeds 0-9 (grey)", fontsize=10)
        self.ax_acc.set_title(f"seeds 0-9: {np.nanmin(accs):.2f} to {np.nanmax(accs):.2f}", fontsize=10)
        if current.history.diverged:
            return f"seed {seed}: diverged"
        return f"seed {seed}: final training loss {loss[-1]:.3f}, test accuracy {current.test_accuracy:.3f}"


# --- notebook 00: does a slider redraw a picture here? ---------------------------------------


class WaveDemo(FigureExplorer):
    """The smallest explorer: a frequency slider redraws a sine wave.

    Notebook 00 shows it so a learner can confirm that sliders work in their front end
    (JupyterLab, Binder, Colab) before the real explorers.
    """

    def __init__(self, frequency=2, dpi=72):
        super().__init__({"frequency": slider("frequency", 1, 10, frequency)}, figsize=(6.0, 2.0), dpi=dpi)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.85)
        self.ax = self.figure.subplots()
        self.x = np.linspace(0.0, 1.0, 400)
        (self.line,) = self.ax.plot(self.x, np.sin(2 * np.pi * frequency * self.x), color="C0")
        self.ax.set(ylim=(-1.2, 1.2), xlabel="t")
        self.refresh()

    def draw(self, frequency):
        self.line.set_ydata(np.sin(2 * np.pi * frequency * self.x))
        self.ax.set_title(f"sin(2π · {frequency} · t)", fontsize=10)
        return f"frequency {frequency}: the picture was redrawn by the kernel"
