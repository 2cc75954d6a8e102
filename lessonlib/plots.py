"""Small plotting helpers shared by the notebooks.

Each function draws into axes you pass (or makes its own figure) and returns what it
drew, so notebooks stay short and explorers can update the same artists later.
"""

from __future__ import annotations

import numpy as np

from lessonlib import _validate

#: One colour per initializer family, used across the series so a reader can follow
#: "zeros", "small random", "Xavier", "He" and "pre-trained" from notebook to notebook.
COLORS = {
    "zeros": "#7f7f7f",
    "constant": "#bcbd22",
    "normal": "#ff7f0e",
    "slide_xavier": "#1f77b4",
    "lecun_normal": "#1f77b4",
    "glorot_uniform": "#17becf",
    "glorot_normal": "#17becf",
    "he_normal": "#2ca02c",
    "he_uniform": "#2ca02c",
    "orthogonal": "#9467bd",
    "dbn": "#d62728",
    "normal_0.01": "#ff7f0e",
    "normal_1": "#8c564b",
    "lsuv": "#000000",
}


def color_for(name):
    """The series' colour for an initializer name (black for unknown names)."""
    _validate.text(name, "name")
    return COLORS.get(name, "#000000")


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


def curve_band(ax, curves, color="C0", label=None, x=None, show_lines=True):
    """Many runs' curves as thin lines plus their median; returns the median line.

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
    (line,) = ax.plot(x, median, color=color, linewidth=2.0, label=label)
    return line
