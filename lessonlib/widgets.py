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

import collections
import html
import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessonlib import _validate
from lessonlib import plots as _plots  # noqa: F401  (its import registers the Hangul font)
from lessonlib.i18n import _, pad, text_width


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

    A subclass may set ``self.side`` to a widget shown beside the picture (a table), and
    may list in ``self.animated`` the artists its ``draw`` changes: then a redraw paints
    only those over a stored picture of the rest, and the rest is repainted only for a
    ``background_key()`` not seen among the last ``BACKGROUNDS`` (return everything the
    static part depends on, hashable); ``background_draws`` counts those repaints.
    """

    #: PNG settings: fast zlib level; the bytes differ little from level 6 at these sizes
    PNG_COMPRESS_LEVEL = 1
    #: backgrounds kept, the most recently shown ones (a few hundred kB each): going back to
    #: a depth or a data set seen a moment ago repaints only the changing artists
    BACKGROUNDS = 8

    def __init__(self, controls, figsize=(9.0, 3.5), dpi=80):
        self.controls = dict(_validate.instance(controls, "controls", dict, "a dict of name -> control"))
        self.dpi = _validate.positive_int(dpi, "dpi")
        # A fixed layout: constrained layout would re-solve on every redraw (slow).
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.status = widgets.HTML(value="")
        self.side = None
        self.animated = ()
        self._backgrounds = collections.OrderedDict()  # background_key() -> stored pixels
        self.background_draws = 0
        self.last_seconds = None
        self.redraws = 0
        self._holding = False
        self._drawing = False
        self._pending = False
        # Selection sliders show their value in a read-only label: their own readout box
        # accepts typing and ignores it (ipywidgets 7 and 8).
        self.readouts = {
            name: widgets.Label(value=str(control.label))
            for name, control in self.controls.items()
            if isinstance(control, widgets.SelectionSlider) and not control.readout
        }
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # subclasses implement this ----------------------------------------------------------
    def draw(self, **values):  # pragma: no cover - abstract
        """Update the figure's artists for these control values; return a status text."""
        raise NotImplementedError

    def background_key(self):
        """What the figure's static part (everything not in ``animated``) depends on."""
        return None

    # machinery ----------------------------------------------------------------------------
    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self):
        """The figure as PNG bytes (only the ``animated`` artists repainted if possible)."""
        figure = self.figure
        canvas = figure.canvas
        if self.animated:
            key = self.background_key()
            background = self._backgrounds.get(key)
            if background is None:
                # the background: everything but the changing artists, which are left out
                # of this one draw only (a figure shown or saved elsewhere has them all)
                for artist in self.animated:
                    artist.set_animated(True)
                try:
                    canvas.draw()
                finally:
                    for artist in self.animated:
                        artist.set_animated(False)
                self.background_draws += 1
                background = self._backgrounds[key] = canvas.copy_from_bbox(figure.bbox)
                while len(self._backgrounds) > self.BACKGROUNDS:
                    self._backgrounds.popitem(last=False)  # the least recently shown
            else:
                self._backgrounds.move_to_end(key)
                canvas.restore_region(background)
            for artist in self.animated:
                figure.draw_artist(artist)
        else:
            canvas.draw()
        return encode_png(canvas.buffer_rgba(), self.dpi, self.PNG_COMPRESS_LEVEL)

    def render_full(self):
        """The figure drawn from scratch as PNG bytes (what ``render`` must match)."""
        self.figure.canvas.draw()
        return encode_png(self.figure.canvas.buffer_rgba(), self.dpi, self.PNG_COMPRESS_LEVEL)

    def show_progress(self, message, picture=True):
        """Send the picture as it is now and a progress line, in the middle of a redraw.

        For a redraw that truly takes long (training networks): the learner sees the
        part that is ready at once, and what is still being computed.
        """
        message = _validate.text(message, "message")
        if _validate.flag(picture, "picture"):
            self.image.value = self.render()
        self.status.value = _status_html(f"{message} …", None)

    def refresh(self):
        """Redraw for the current control values; store and return the PNG bytes."""
        start = time.perf_counter()
        for name, label in self.readouts.items():
            label.value = str(self.controls[name].label)
        with np.errstate(all="ignore"):
            message = self.draw(**self.values)
        png = self.render()
        self.image.value = png
        self.redraws += 1
        self.last_seconds = time.perf_counter() - start
        self.status.value = _status_html(message, self.last_seconds)
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
        """A control moved: redraw, coalescing changes that arrive during a redraw.

        A change that arrives while a redraw runs is not drawn on its own: the running
        redraw draws once more, with the latest values, when it ends. Together with the
        front end (which keeps at most one message per control pending and sends only the
        latest value) a fast drag never queues a backlog of frames.
        """
        if self._holding:
            return
        self._pending = True
        if self._drawing:
            return
        self._drawing = True
        try:
            while self._pending:
                self._pending = False
                self.refresh()
        finally:
            self._drawing = False

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
        """Controls above the picture (and its side table), a status line below.

        Boxes wrap (``flex-flow: row wrap``): at laptop width with the file browser open
        the controls flow onto more rows and a side table goes under the picture instead
        of being squeezed beside it.
        """
        if not self.image.value:
            self.refresh()
        wrap = dict(flex_flow="row wrap", align_items="flex-start", width="100%")
        body = [self.image] if self.side is None else [self.image, self.side]
        return widgets.VBox(
            [
                self.control_row(*self.controls),
                widgets.HBox(body, layout=widgets.Layout(**wrap)),
                self.status,
            ]
        )

    def control_box(self, name):
        """The control ``name``, with its read-only value label beside it if it has one."""
        control = self.controls[_validate.choice(name, "name", list(self.controls))]
        if name in self.readouts:
            return widgets.HBox([control, self.readouts[name]], layout=widgets.Layout(align_items="center"))
        return control

    def control_row(self, *items):
        """Controls (names, or other widgets) in one row that wraps when the page is narrow."""
        for k, item in enumerate(items):
            if not isinstance(item, (str, widgets.Widget)):
                raise _validate.InputTypeError(f"items[{k}] must be a control's name or a widget, got {type(item).__name__}")
        boxes = [self.control_box(item) if isinstance(item, str) else item for item in items]
        return widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap", align_items="center", width="100%"))

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _status_html(message, seconds):
    took = "" if seconds is None else (
        " &nbsp; <span style='color:#888'>" + _("(redrawn in {seconds:.2f} s)").format(seconds=seconds) + "</span>")
    return f"<span style='font-family:monospace'>{message or ''}{took}</span>"


def encode_png(rgba, dpi, compress_level=1):
    """PNG bytes of an RGBA buffer (the canvas), as RGB: a quarter fewer bytes."""
    from PIL import Image

    pixels = np.asarray(rgba)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or 0 in pixels.shape:
        raise ValueError(f"rgba must be an image of bytes, shape (height, width, 4), got {pixels.dtype} {pixels.shape}")
    dpi = _validate.positive_int(dpi, "dpi")
    compress_level = _validate.integer(compress_level, "compress_level", low=0, high=9)
    picture = Image.fromarray(pixels[..., :3])
    buffer = io.BytesIO()
    picture.save(buffer, format="png", compress_level=compress_level, dpi=(dpi, dpi))
    return buffer.getvalue()


class Table:
    """A small table shown as HTML in a notebook, and as aligned text by ``print``/``repr``.

    ``header`` is a list of column titles and ``rows`` a list of lists of cell texts.
    The HTML never wraps a cell (``white-space: nowrap``) and scrolls sideways instead
    of breaking when the page is narrow; numbers are right-aligned. Its own line height,
    since an ``ipywidgets.HTML`` sets that of its content to a control's height.

    ``align`` gives each column's alignment as one letter, "l" or "r" (default: the first
    column left, the others right, for numbers); ``wrap`` lists the columns (0-based) whose
    cells are prose and may wrap onto several lines, left-aligned. ``caption`` is a line
    above the table and ``notes`` lines below it (sentences, which wrap like prose); the
    text form has them too, unless ``text`` replaces the whole text form. ``grouped``
    draws a thin line above each row whose first cell is filled: rows that leave it
    blank belong to the group above.
    """

    def __init__(self, header, rows, text=None, font_size="12px", align=None, wrap=(), caption=None, notes=(),
                 grouped=False):
        self.header = [str(h) for h in _validate.sequence(header, "header", lambda v, n: v, min_length=1, what="column titles")]
        rows = _validate.sequence(rows, "rows", lambda v, n: v, what="rows of cells")
        for k, row in enumerate(rows):
            if isinstance(row, (str, bytes)) or not hasattr(row, "__len__") or len(row) > len(self.header):
                raise ValueError(f"rows[{k}] must be a list of at most {len(self.header)} cells (one per column), got {row!r}")
        self.rows = [["" if c is None else str(c) for c in row] for row in rows]
        self.font_size = _validate.text(font_size, "font_size")
        self._text = None if text is None else _validate.text(text, "text")
        n = len(self.header)
        if align is None:
            align = "l" + "r" * (n - 1)
        align = _validate.text(align, "align")
        if len(align) != n or set(align) - {"l", "r"}:
            raise ValueError(f"align must be one letter per column, 'l' or 'r' ({n} letters), got {align!r}")
        self.wrap = sorted(set(_validate.sequence(wrap, "wrap", lambda v, k: _validate.integer(v, k, 0, n - 1),
                                                  what="column numbers")))
        self.align = "".join("l" if i in self.wrap else a for i, a in enumerate(align))
        self.caption = None if caption is None else _validate.text(caption, "caption")
        self.notes = _validate.sequence(notes, "notes", _validate.text, what="lines of text")
        self.grouped = _validate.flag(grouped, "grouped")

    @property
    def html(self):
        def cells(values, tag):
            out = []
            for i, value in enumerate(values):
                align = "left" if self.align[i] == "l" else "right"
                space = "normal" if i in self.wrap and tag == "td" else "nowrap"
                out.append(f"<{tag} style='text-align:{align};white-space:{space};padding:1px 8px'>"
                           f"{html.escape(value)}</{tag}>")
            return "".join(out)

        def lines(texts, margin):
            return "".join(f"<div style='font-size:{self.font_size};line-height:1.3;margin:{margin}'>"
                           f"{html.escape(t)}</div>" for t in texts)

        def opening(k, row):
            if self.grouped and k > 0 and row and row[0]:
                return "<tr style='border-top:1px solid var(--jp-border-color1, #bdbdbd)'>"
            return "<tr>"

        body = "".join(f"{opening(k, row)}{cells(row, 'td')}</tr>" for k, row in enumerate(self.rows))
        return (
            "<div class='lessonlib-table' style='overflow-x:auto;max-width:100%'>"
            + lines([] if self.caption is None else [self.caption], "0 0 3px 0")
            + f"<table style='border-collapse:collapse;font-size:{self.font_size};line-height:1.3;"
            "font-variant-numeric:tabular-nums;margin:0'>"
            f"<thead><tr>{cells(self.header, 'th')}</tr></thead><tbody>{body}</tbody></table>"
            + lines(self.notes, "3px 0 0 0")
            + "</div>"
        )

    def _repr_html_(self):
        return self.html

    @property
    def text(self):
        if self._text is not None:
            return self._text
        columns = [self.header, *self.rows]
        widths = [max(text_width(row[i]) for row in columns if i < len(row)) for i in range(len(self.header))]
        lines = [] if self.caption is None else [self.caption]
        for row in columns:
            parts = [pad(c, widths[i], "<" if self.align[i] == "l" else ">") for i, c in enumerate(row)]
            lines.append("  ".join(parts).rstrip())
        return "\n".join(lines + self.notes)

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text


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


def slider(description, min, max, value, step=1, log=False, width="300px", live=False):
    """A slider that sends its value on release (``continuous_update=False``), or while
    it is dragged with ``live=True`` (for redraws fast enough to follow the mouse).

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
    common = dict(description=description, continuous_update=bool(live), style=style, layout=layout)
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


def selection_slider(description, options, value, width="300px"):
    """A slider over a few labelled stops, sending its value on release.

    Its value is shown by the explorer in a read-only label beside it (``readout=False``):
    the slider's own readout box accepts typing and silently ignores it, in ipywidgets 7
    and 8 alike.
    """
    _validate.text(description, "description")
    if isinstance(options, (str, bytes)) or not hasattr(options, "__len__") or len(options) < 2:
        raise ValueError(f"options must list at least two stops, got {options!r}")
    _validate.choice(value, description, [o[1] if isinstance(o, tuple) else o for o in options])
    return widgets.SelectionSlider(
        description=description,
        options=options,
        value=value,
        readout=False,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=width),
    )
