"""Small plotting helpers shared by the notebooks.

Each function draws into axes you pass (or makes its own figure) and returns what it
drew, so notebooks stay short and explorers can update the same artists later.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager

from lessonlib import _validate

#: The Hangul font of the Korean edition: NanumGothic (SIL Open Font License 1.1), as the
#: koreanize-matplotlib package ships it. Its files are registered below, at import, and
#: nothing else is taken from that package: importing it would set font.family to
#: NanumGothic for every figure (English ones included) and turn off the Unicode minus.
HANGUL_FONT = "NanumGothic"
HANGUL_FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")


def hangul_font_files():
    """The NanumGothic files (regular, bold) bundled with koreanize-matplotlib.

    Found with ``importlib.util.find_spec``, which locates the package without running it.
    An empty list when it is not installed (then Hangul shows as boxes, with a warning).
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return [folder / name for name in HANGUL_FONT_FILES if (folder / name).is_file()]


def use_hangul_font():
    """Register NanumGothic and name it after DejaVu Sans, so Hangul falls back to it.

    Matplotlib (3.6 and later) falls back glyph by glyph along ``font.family``, whose
    generic "sans-serif" is the first font of ``font.sans-serif`` (DejaVu Sans); so
    NanumGothic comes right after DejaVu Sans in ``font.sans-serif`` and after
    "sans-serif" in ``font.family``. Latin
    letters, digits and symbols are still drawn in DejaVu Sans exactly as before (English
    figures do not change) and only the Hangul syllables come from NanumGothic. Runs once,
    when ``lessonlib.plots`` is imported; every lessonlib module that draws imports it.
    Calling it again changes nothing.

    Returns
    -------
    list of pathlib.Path
        The font files registered (empty when koreanize-matplotlib is missing).
    """
    files = hangul_font_files()
    known = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    manager = font_manager.fontManager
    for path in files:
        if path not in known:
            manager.addfont(str(path))
    # NanumGothicBold.ttf declares weight 600 (semibold), so matplotlib would log "Failed to
    # find font weight bold" on stderr for every bold title; it is the family's bold face.
    for index, entry in enumerate(manager.ttflist):
        if Path(entry.fname).name == "NanumGothicBold.ttf" and entry.weight != 700:
            manager.ttflist[index] = dataclasses.replace(entry, weight=700)
            manager._findfont_cached.cache_clear()
    if files:
        params = matplotlib.rcParams
        first = ["DejaVu Sans", HANGUL_FONT]
        params["font.sans-serif"] = first + [name for name in params["font.sans-serif"] if name not in first]
        # The fallback runs along font.family: the generic "sans-serif" resolves to one font
        # (DejaVu Sans), so NanumGothic is named after it there as well.
        family = [name for name in params["font.family"] if name != HANGUL_FONT]
        params["font.family"] = [*family, HANGUL_FONT]
    return files


use_hangul_font()

#: The Okabe & Ito (2008) colour-blind safe palette, plus a neutral grey.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

_O = OKABE_ITO

#: One style per initializer family, used across the series so a reader can follow
#: "zeros", "small random", "Xavier", "He" and "pre-trained" from notebook to notebook.
#: Colours come from ``OKABE_ITO``; every family also has its own marker and line style,
#: so two starts drawn together differ in shape, not only in hue (a reader with a colour
#: vision deficiency, or a grey-scale print, still tells them apart).
STYLES = {
    "zeros": {"color": _O["grey"], "marker": "x", "linestyle": ":"},
    "constant": {"color": _O["yellow"], "marker": "+", "linestyle": ":"},
    "normal": {"color": _O["orange"], "marker": "v", "linestyle": "--"},
    "normal_0.01": {"color": _O["orange"], "marker": "v", "linestyle": "--"},
    "normal_1": {"color": _O["vermillion"], "marker": "^", "linestyle": ":"},
    "slide_xavier": {"color": _O["sky_blue"], "marker": "o", "linestyle": "-"},
    "lecun_normal": {"color": _O["sky_blue"], "marker": "o", "linestyle": "-"},
    "glorot_standard": {"color": _O["blue"], "marker": "s", "linestyle": "-."},
    "glorot_uniform": {"color": _O["blue"], "marker": "s", "linestyle": "--"},
    "glorot_normal": {"color": _O["blue"], "marker": "s", "linestyle": "--"},
    "he_normal": {"color": _O["bluish_green"], "marker": "D", "linestyle": "-"},
    "he_uniform": {"color": _O["bluish_green"], "marker": "D", "linestyle": "-"},
    "tanh_gain": {"color": _O["reddish_purple"], "marker": "P", "linestyle": "-."},
    "orthogonal": {"color": _O["reddish_purple"], "marker": "P", "linestyle": "-."},
    "dbn": {"color": _O["vermillion"], "marker": "X", "linestyle": "-"},
    "lsuv": {"color": _O["black"], "marker": "*", "linestyle": "-"},
}

#: The colour alone of each style (kept for code that only needs a colour).
COLORS = {name: style["color"] for name, style in STYLES.items()}

_UNKNOWN = {"color": _O["black"], "marker": ".", "linestyle": "-"}


def style_for(name):
    """The series' style for an initializer name: a dict with ``color``, ``marker`` and
    ``linestyle``, ready for ``ax.plot(x, y, **style_for(name))`` (black dots for
    unknown names). A new dict each call, so callers may change it."""
    return dict(STYLES.get(_validate.text(name, "name"), _UNKNOWN))


def color_for(name):
    """The series' colour for an initializer name (black for unknown names)."""
    return style_for(name)["color"]


def legend_outside(ax, **options):
    """A legend to the right of ``ax``, outside the plotting area, so it never hides a
    curve; returns it."""
    _validate.axes(ax)
    options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": 8, "frameon": False, **options}
    return ax.legend(**options)


def image_grid(ax, images, shape=(8, 8), ncols=None, cmap="gray_r", vmin=None, vmax=None, pad=1):
    """Tile flattened images into one picture on ``ax``; return the AxesImage.

    ``images`` has shape (n, h*w). Pixels between tiles are blank (NaN), so the tiles
    stay visually apart. ``vmin``/``vmax`` default to the data's range.
    """
    canvas = tile(images, shape, ncols=ncols, pad=pad)
    artist = ax.imshow(canvas, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return artist


def tile(images, shape=(8, 8), ncols=None, pad=1):
    """The array ``image_grid`` shows: tiles of ``shape`` separated by NaN gaps.

    ``images`` has shape (n, h*w) of finite numbers; ``shape`` is (h, w); ``ncols`` a
    positive integer or None (about sqrt(n) columns); ``pad`` a non-negative integer.
    """
    h, w = _validate.sequence_of_ints(shape, "shape", length=2)
    images = _validate.array(images, "images", shape=(None, h * w), what=f"one flattened {h}x{w} image per row")
    n = len(images)
    ncols = int(np.ceil(np.sqrt(n))) if ncols is None else _validate.positive_int(ncols, "ncols")
    pad = _validate.integer(pad, "pad", low=0)
    nrows = int(np.ceil(n / ncols))
    canvas = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, ncols)
        canvas[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = image.reshape(h, w)
    return canvas


def curve_band(ax, curves, color="C0", label=None, x=None, show_lines=True, linestyle="-", marker=None):
    """Many runs' curves as thin lines plus their median; returns the median line.

    ``linestyle`` and ``marker`` style the median (pass ``**style_for(name)``), so bands
    drawn together differ in shape as well as colour.

    ``curves`` is a list of 1-D sequences (they may differ in length, e.g. a diverged
    run stops early); the median is taken over the runs still going at each step. ``x``
    (optional) gives one x value per point of the longest curve.
    """
    curves = _validate.arrays(curves, "curves", each="run", ndim=1, min_length=1)
    longest = max(len(c) for c in curves)
    x = np.arange(longest) if x is None else _validate.array(x, "x", shape=(longest,), what="one per point of the longest curve")
    if show_lines:
        for c in curves:
            ax.plot(x[: len(c)], c, color=color, alpha=0.25, linewidth=0.8)
    padded = np.full((len(curves), longest), np.nan)
    for k, c in enumerate(curves):
        padded[k, : len(c)] = c
    counts = np.sum(np.isfinite(padded), axis=0)
    median = np.array(
        [np.median(padded[np.isfinite(padded[:, j]), j]) if counts[j] else np.nan for j in range(longest)]
    )
    every = max(1, longest // 8)
    (line,) = ax.plot(x, median, color=color, linewidth=2.0, label=label, linestyle=linestyle,
                      marker=marker, markevery=every, markersize=5)
    return line
