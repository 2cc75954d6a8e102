"""Tests for lessonlib.plots: the style table (colour-blind safe colours, distinct shapes), tiles and the median band."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lessonlib import plots  # noqa: E402
from lessonlib.plots import COLORS, color_for, curve_band, image_grid, tile  # noqa: E402

FAMILIES = ("zeros", "constant", "normal_0.01", "normal_1", "slide_xavier", "glorot_uniform",
            "he_normal", "orthogonal", "dbn", "lsuv")


def test_every_colour_is_okabe_ito_or_grey():
    palette = set(plots.OKABE_ITO.values())
    assert {"#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000"} <= palette
    for name, style in plots.STYLES.items():
        assert style["color"] in palette, name
        assert set(style) == {"color", "marker", "linestyle"}


def test_families_drawn_together_differ_in_more_than_colour():
    combos = [(plots.style_for(n)["color"], plots.style_for(n)["marker"], plots.style_for(n)["linestyle"])
              for n in FAMILIES]
    assert len(set(combos)) == len(FAMILIES)
    markers = [c[1] for c in combos]
    assert len(set(markers)) == len(FAMILIES)  # a grey-scale print still tells them apart
    # the pair the review named: small random (orange) and He (green) differ in shape
    small, he = plots.style_for("normal_0.01"), plots.style_for("he_normal")
    assert small["marker"] != he["marker"] and small["linestyle"] != he["linestyle"]


def test_aliases_share_their_family_style_and_unknown_names_get_black():
    assert plots.style_for("slide_xavier") == plots.style_for("lecun_normal")
    assert plots.style_for("he_uniform") == plots.style_for("he_normal")
    assert plots.style_for("magic")["color"] == "#000000"
    assert plots.color_for("he_normal") == plots.COLORS["he_normal"] == plots.STYLES["he_normal"]["color"]
    style = plots.style_for("lsuv")
    style["color"] = "red"
    assert plots.style_for("lsuv")["color"] == "#000000"  # a copy, not the table


def test_style_plots_and_curve_band_takes_it():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1], **plots.style_for("he_normal"))
    assert line.get_marker() == "D"
    band = plots.curve_band(ax, [[1, 2, 3], [2, 3, 4]], **plots.style_for("orthogonal"), label="x")
    assert band.get_linestyle() == "-." and band.get_marker() == "P"
    legend = plots.legend_outside(ax)
    assert legend.get_bbox_to_anchor() is not None
    plt.close(fig)




def test_colors():
    assert color_for("he_normal") == COLORS["he_normal"]
    assert color_for("something new") == "#000000"


def test_tile_places_images_with_nan_gaps():
    images = np.arange(3 * 4, dtype=float).reshape(3, 4)
    canvas = tile(images, shape=(2, 2), ncols=2)
    assert canvas.shape == (5, 5)
    assert np.array_equal(canvas[:2, :2], images[0].reshape(2, 2))
    assert np.array_equal(canvas[3:, :2], images[2].reshape(2, 2))
    assert np.all(np.isnan(canvas[2])) and np.all(np.isnan(canvas[3:, 3:]))


def test_image_grid_and_curve_band_draw_on_the_axes():
    ax = Figure().subplots()
    artist = image_grid(ax, np.zeros((4, 64)))
    assert artist.get_array().shape == (17, 17)
    line = curve_band(ax, [[1.0, 2.0, 3.0], [3.0, 4.0]], label="runs")
    assert np.allclose(line.get_ydata(), [2.0, 3.0, 3.0])  # the median of the runs still going


def test_bad_tiles_are_refused_by_name():
    with pytest.raises(ValueError, match="images"):
        tile(np.zeros((2, 5)), shape=(2, 2))
    with pytest.raises(ValueError, match="shape"):
        tile(np.zeros((2, 4)), shape=(4,))
