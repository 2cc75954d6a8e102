"""The explorers, driven as a slider would drive them, without a browser."""

import warnings

import numpy as np
import pytest

from lessonlib.lessons.start_here import WaveDemo
from lessonlib.lessons.zero_init import SeedExplorer
from lessonlib.widgets import FigureExplorer, slider

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def seed_explorer():
    return SeedExplorer(seed=0, std=0.1)


def test_seed_explorer_starts_with_a_picture(seed_explorer):
    assert bytes(seed_explorer.image.value).startswith(PNG)
    assert "seed 0" in seed_explorer.status.value


def test_every_seed_and_std_redraws_without_warnings(seed_explorer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        seen = {bytes(seed_explorer.image.value)}
        for std in SeedExplorer.STDS:
            png = seed_explorer.set(std=std)
            assert png.startswith(PNG)
            seen.add(png)
        for seed in (0, 17, 49):
            seen.add(seed_explorer.set(std=0.1, seed=seed))
    assert len(seen) >= len(SeedExplorer.STDS) + 2


def test_slider_move_through_the_widget_changes_the_image(seed_explorer):
    before = seed_explorer.set(seed=0, std=0.1)
    seed_explorer.controls["seed"].value = 3  # what a person's slider move does
    assert bytes(seed_explorer.image.value) != before
    assert "seed 3" in seed_explorer.status.value
    seed_explorer.controls["std"].value = 0.0
    assert "seed 3" in seed_explorer.status.value


def test_zero_std_band_is_identical(seed_explorer):
    seed_explorer.set(std=0.0, seed=5)
    curves = [line.get_ydata() for line in seed_explorer.band_lines]
    # no random weights left: the seeds differ only in mini-batch order, so every run is
    # the same useless curve up to a small wobble of the output biases
    assert all(np.allclose(curves[0], c, atol=0.01) for c in curves)


def test_unknown_control_is_a_clear_error(seed_explorer):
    with pytest.raises(ValueError, match="unknown controls \\['sed'\\]"):
        seed_explorer.set(sed=3)


def test_widget_layout_contains_controls_image_and_status():
    demo = WaveDemo()
    box = demo.widget
    assert demo.image in box.children and demo.status in box.children
    before = bytes(demo.image.value)
    demo.controls["frequency"].value = 7
    assert bytes(demo.image.value) != before and "frequency 7" in demo.status.value


def test_base_class_redraw_counts_one_draw_per_set():
    class Counter(FigureExplorer):
        def __init__(self):
            super().__init__({"a": slider("a", 0, 5, 0), "b": slider("b", 0, 5, 0)}, figsize=(2, 1))
            self.calls = 0

        def draw(self, a, b):
            self.calls += 1
            return f"{a} {b}"

    c = Counter()
    c.set(a=2, b=3)
    assert c.calls == 1 and "2 3" in c.status.value


def test_slider_helper_types():
    assert type(slider("x", 0, 5, 1)).__name__ == "IntSlider"
    assert type(slider("x", 0.0, 1.0, 0.5, step=0.1)).__name__ == "FloatSlider"
    log = slider("x", -2, 1, 0.1, step=0.1, log=True)
    assert type(log).__name__ == "FloatLogSlider" and not log.continuous_update
