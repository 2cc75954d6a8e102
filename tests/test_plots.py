"""Tests for lessonlib.plots: the colour table, tiles and the median band."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from lessonlib.plots import COLORS, color_for, curve_band, image_grid, tile


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
