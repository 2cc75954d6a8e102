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

from lessonlib import _validate


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
        self.controls = dict(_validate.instance(controls, "controls", dict, "a dict of name -> control"))
        self.dpi = _validate.positive_int(dpi, "dpi")
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
        """Move controls as a person would (one redraw), and return the new PNG bytes.

        Each value is checked against its control's own range or options first, so a
        value no person could set (out of range, NaN, not an option) raises ValueError
        and leaves every control, and the explorer, as it was.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown controls {unknown}; this explorer has {sorted(self.controls)}")
        values = {name: _control_value(name, self.controls[name], value) for name, value in values.items()}
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


def _control_value(name, control, value):
    """``value`` checked against what ``control`` itself offers (its range or options)."""
    if isinstance(control, widgets.FloatLogSlider):  # min and max are exponents
        return _validate.real(value, name, low=control.base**control.min, high=control.base**control.max)
    if isinstance(control, widgets.IntSlider):
        return _validate.integer(value, name, low=control.min, high=control.max)
    if isinstance(control, widgets.FloatSlider):
        return _validate.real(value, name, low=control.min, high=control.max)
    if hasattr(control, "options"):  # Dropdown, SelectionSlider, ...: labels or (label, value) pairs
        return _validate.choice(value, name, [o[1] if isinstance(o, tuple) else o for o in control.options])
    return value


def slider(description, min, max, value, step=1, log=False, width="300px"):
    """A slider that sends its value on release (``continuous_update=False``).

    Integer bounds give an ``IntSlider``; ``log=True`` a ``FloatLogSlider`` whose
    ``min``/``max`` are exponents of 10. ``value`` must lie in the range (a slider
    would silently move it to the nearest end), and be an integer for an integer slider.
    """
    _validate.text(description, "description")
    _validate.real(max, "max", low=_validate.real(min, "min"), low_open=True)
    _validate.positive(step, "step")
    if log:
        _validate.real(value, description, low=10.0**min, high=10.0**max)
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in (min, max, step)):
        _validate.integer(value, description, low=min, high=max)
    else:
        _validate.real(value, description, low=min, high=max)
    style = {"description_width": "initial"}
    layout = widgets.Layout(width=width)
    common = dict(description=description, continuous_update=False, style=style, layout=layout)
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=min, max=max, step=step, **common)
    if all(isinstance(v, int) for v in (min, max, value, step)):
        return widgets.IntSlider(value=value, min=min, max=max, step=step, **common)
    return widgets.FloatSlider(value=value, min=min, max=max, step=step, **common)


def dropdown(description, options, value, width="220px"):
    """A drop-down menu of ``options`` (a list of labels or (label, value) pairs);
    ``value`` must be one of them."""
    _validate.text(description, "description")
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    _validate.choice(value, description, values)
    return widgets.Dropdown(
        description=description,
        options=options,
        value=value,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=width),
    )
