"""Small plotting helpers shared by the notebooks.

Each function draws into axes you pass (or makes its own figure) and returns what it
drew, so notebooks stay short and explorers can update the same artists later.
"""

from __future__ import annotations

import numpy as np

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
}


def color_for(name):
    """The series' colour for an initializer name (black for unknown names)."""
    return COLORS.get(name, "#000000")


def image_grid(ax, images, shape=(8, 8), ncols=None, cmap="gray_r", vmin=None, vmax=None, pad=1):
    """Tile flattened images into one picture on ``ax``; return the AxesImage.

    ``images`` has shape (n, h*w). Pixels between tiles are blank (NaN), so the tiles
    stay visually apart. ``vmin``/``vmax`` default to the data's range.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 2 or images.shape[1] != shape[0] * shape[1]:
        raise ValueError(
            f"images must have shape (n, {shape[0] * shape[1]}) for {shape} tiles, got {images.shape}"
        )
    canvas = tile(images, shape, ncols=ncols, pad=pad)
    artist = ax.imshow(canvas, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return artist


def tile(images, shape=(8, 8), ncols=None, pad=1):
    """The array ``image_grid`` shows: tiles of ``shape`` separated by NaN gaps."""
    images = np.asarray(images, dtype=np.float64)
    n = len(images)
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    h, w = shape
    canvas = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, ncols)
        canvas[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = image.reshape(h, w)
    return canvas


def curve_band(ax, curves, color="C0", label=None, x=None, show_lines=True):
    """Many runs' curves as thin lines plus their median; returns the median line.

    ``curves`` is a list of 1-D sequences (they may differ in length, e.g. a diverged
    run stops early); the median is taken over the runs still going at each step.
    """
    curves = [np.asarray(c, dtype=np.float64) for c in curves]
    longest = max(len(c) for c in curves)
    x = np.arange(longest) if x is None else np.asarray(x)
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


# --- notebook 00: the story on a time line --------------------------------------------------

MILESTONES = [
    (1986, "backpropagation\n(Rumelhart, Hinton, Williams)", "other"),
    (1998, "1/fan_in scaling\n(LeCun et al., Efficient BackProp)", "init"),
    (2006, "RBM pre-training, DBN\n(Hinton, Osindero, Teh)", "init"),
    (2010, "Xavier/Glorot init\n(Glorot & Bengio)", "init"),
    (2011, "ReLU in deep nets\n(Glorot, Bordes, Bengio)", "other"),
    (2013, "orthogonal init\n(Saxe et al.)", "init"),
    (2015, "He init, PReLU\n(He et al.)", "init"),
    (2015.6, "batch normalization\n(Ioffe & Szegedy)", "other"),
    (2016, "LSUV\n(Mishkin & Matas)", "init"),
]


def milestones(ax=None):
    """A time line of the ideas this series follows (initialization ideas in red).

    Events are evenly spaced (in order, not to scale), alternating above and below the
    line so their labels never overlap.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 2.4))
    ax.axhline(0, color="0.3", lw=1)
    for k, (year, text, kind) in enumerate(MILESTONES):
        up = 1 if k % 2 == 0 else -1
        color = "C3" if kind == "init" else "0.45"
        ax.plot([k, k], [0, 0.45 * up], color=color, lw=1)
        ax.plot(k, 0, "o", color=color, ms=5)
        label = f"{int(year)}\n{text}" if up > 0 else f"{text}\n{int(year)}"
        ax.text(k, 0.5 * up, label, ha="center", va="bottom" if up > 0 else "top",
                fontsize=8, color=color)
    ax.set_xlim(-0.8, len(MILESTONES) - 0.2)
    ax.set_ylim(-1.6, 1.6)
    ax.axis("off")
    return ax


# --- notebook 05: the grid of starts x activations beside the paper's table -----------------

# The starts that only notebook 05 names (lessonlib.experiments.STARTS).
COLORS.setdefault("normal_0.01", COLORS["normal"])
COLORS.setdefault("normal_1", "#8c564b")
COLORS.setdefault("lsuv", "#000000")


def _accuracy_cells(ax, values, texts, row_labels, col_labels, title, vmin=0.1, vmax=1.0, fontsize=8):
    """Draw a table of accuracies: coloured where a value exists, grey (hatched) for n/c,
    blank for cells not run. ``values`` is 2-D with NaN for n/c or not run; ``texts``
    holds each cell's annotation ("" for blank, "n/c" for grey)."""
    import matplotlib.pyplot as plt

    values = np.asarray(values, dtype=np.float64)
    cmap = plt.get_cmap("viridis")
    norm = plt.Normalize(vmin, vmax)
    n_rows, n_cols = values.shape
    for i in range(n_rows):
        for j in range(n_cols):
            text = texts[i][j]
            if np.isfinite(values[i, j]):
                face = cmap(norm(values[i, j]))
                ink = "white" if norm(values[i, j]) < 0.6 else "black"
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=face, edgecolor="white", lw=1.5))
            elif text and text != "–":
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="0.85", edgecolor="white", lw=1.5, hatch="///"))
                ink = "0.2"
            else:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="white", edgecolor="0.9", lw=1.0))
                ink = "0.5"
            if text == "–":
                ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=fontsize, color="0.6")
            elif text:
                ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=fontsize, color=ink,
                        bbox=dict(facecolor="0.85", edgecolor="none", pad=1) if not np.isfinite(values[i, j]) else None)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(np.arange(n_cols) + 0.5)
    ax.set_xticklabels(col_labels, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(np.arange(n_rows) + 0.5)
    ax.set_yticklabels(row_labels, fontsize=9)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title, fontsize=10, pad=22)
    ax.set_aspect(0.5)  # every table drawn here has the same cell shape
    ax.set_anchor("N")
    return plt.cm.ScalarMappable(norm=norm, cmap=cmap)


def grid_heatmap(ax, grid, title=None):
    """The grid of ``lessonlib.experiments.run_grid``: mean test accuracy per start and
    activation, ± its standard deviation over the seeds; "n/c" (grey) where no seed
    converged, "k/n n/c" under the value where some did not; blank where not run.
    Returns a ScalarMappable for a colour bar."""
    from lessonlib import experiments

    mean, std, n_nc, n = grid.matrix()
    texts = []
    for i in range(len(grid.inits)):
        row = []
        for j in range(len(grid.activations)):
            if n[i, j] == 0:
                row.append("–")  # not run (e.g. DBN for a non-sigmoid activation)
            elif not np.isfinite(mean[i, j]):
                row.append("n/c")
            else:
                text = f"{mean[i, j]:.2f} ± {std[i, j]:.2f}"
                row.append(text + (f"\n{n_nc[i, j]}/{n[i, j]} n/c" if n_nc[i, j] else ""))
        texts.append(row)
    rows = [experiments.label(name) for name in grid.inits]
    cols = [a.replace("leaky_relu", "leaky ReLU").replace("relu", "ReLU") for a in grid.activations]
    seeds = len(grid.seeds)
    title = title or f"ours: 8×8 digits, test accuracy (mean ± sd over {seeds} seeds)"
    return _accuracy_cells(ax, mean, texts, rows, cols, title)


def paper_table(ax, table=None):
    """Mishkin & Matas (2015), Table 3 as quoted in ``experiments.PAPER_TABLE``: CIFAR-10
    accuracy (integer parts, as a fraction for the colour scale), "n/c" in grey."""
    from lessonlib import experiments

    table = table or experiments.PAPER_TABLE
    names = list(table["rows"])
    values = np.array([[np.nan if v is None else v / 100 for v in table["rows"][r]] for r in names])
    texts = [["n/c" if v is None else f"{v}" for v in table["rows"][r]] for r in names]
    return _accuracy_cells(ax, values, texts, names, table["columns"],
                           "Mishkin & Matas 2015: CIFAR-10, FitNet4 (%)", fontsize=9)
