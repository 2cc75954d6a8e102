"""The explorers, driven as a slider would drive them, without a browser."""

import io
import threading
import warnings

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from lessonlib.lessons.start_here import WaveDemo
from lessonlib.lessons.zero_init import SeedExplorer
from lessonlib.widgets import FigureExplorer, Table, selection_slider, slider

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


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def test_widget_layout_contains_controls_image_and_status():
    demo = WaveDemo()
    box = demo.widget
    inside = list(_descendants(box))
    assert demo.image in inside and demo.status in box.children
    assert demo.controls["frequency"] in inside
    # rows wrap at laptop width instead of squeezing (or overflowing) the output area
    rows = [child for child in box.children if isinstance(child, ipywidgets.HBox)]
    assert rows and all(row.layout.flex_flow == "row wrap" for row in rows)
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


def test_live_sliders_send_while_dragged():
    assert slider("x", 0, 5, 1, live=True).continuous_update
    assert WaveDemo().controls["frequency"].continuous_update


class Burst(FigureExplorer):
    """Draws the value of ``a``; its first redraw receives a burst of further moves."""

    def __init__(self, burst=()):
        super().__init__({"a": slider("a", 0, 50, 0, live=True)}, figsize=(2, 1), dpi=40)
        self.ax = self.figure.add_subplot()
        (self.line,) = self.ax.plot([0, 1], [0, 0])
        self.ax.set_ylim(0, 50)
        self.burst = list(burst)
        self.drawn = []

    def draw(self, a):
        self.drawn.append(a)
        self.line.set_ydata([a, a])
        while self.burst:  # messages that arrive while this redraw runs
            self.controls["a"].value = self.burst.pop(0)
        return f"a = {a}"


def test_a_burst_during_a_redraw_ends_with_the_last_value_in_fewer_redraws():
    explorer = Burst(burst=[3, 4, 5, 6, 7])
    explorer.controls["a"].value = 2  # the first move; 5 more arrive while it is drawn
    assert explorer.drawn == [2, 7]  # coalesced: one more redraw, with the latest value
    assert "a = 7" in explorer.status.value
    assert bytes(explorer.image.value) == Burst().set(a=7)  # the picture of the last value


def test_changes_from_another_thread_during_a_redraw_are_coalesced():
    class Slow(Burst):
        def draw(self, a):
            started.set()
            release.wait(5)
            return super().draw(a)

    started, release = threading.Event(), threading.Event()
    explorer = Slow()
    explorer.drawn.clear()
    mover = threading.Thread(target=lambda: setattr(explorer.controls["a"], "value", 1))
    mover.start()
    assert started.wait(5)
    for value in range(2, 12):  # ten changes while the first redraw is still running
        explorer.controls["a"].value = value
    release.set()
    mover.join(5)
    assert explorer.drawn[-1] == 11 and len(explorer.drawn) < 11, explorer.drawn
    assert "a = 11" in explorer.status.value


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_partial_redraw_matches_a_full_redraw():
    demo = WaveDemo()
    assert demo.animated  # only the wave and its title are repainted
    for frequency in (1, 4, 10):
        png = demo.set(frequency=frequency)
        assert np.array_equal(_pixels(png), _pixels(demo.render_full()))


def test_selection_slider_value_is_shown_read_only():
    class Pick(FigureExplorer):
        def __init__(self):
            std = selection_slider("std", [("0 (zeros)", 0.0), ("0.1", 0.1), ("1", 1.0)], 0.1)
            super().__init__({"std": std}, figsize=(2, 1), dpi=40)

        def draw(self, std):
            return f"std {std}"

    pick = Pick()
    control = pick.controls["std"]
    assert not control.readout  # the slider's own box would accept typing and ignore it
    pick.refresh()
    assert pick.readouts["std"].value == "0.1"
    control.value = 0.0
    assert pick.readouts["std"].value == "0 (zeros)" and "std 0.0" in pick.status.value
    assert pick.readouts["std"] in list(_descendants(pick.widget))


def test_table_renders_as_html_and_as_text():
    table = Table(["start", "relu", "tanh"], [["He <normal>", "0.953 ± 0.004", "n/c"], ["zeros", "-", None]])
    html = table._repr_html_()
    assert html.count("<tr>") == 3 and html.count("<td") == 6
    assert "He &lt;normal&gt;" in html  # escaped
    assert "white-space:nowrap" in html and "overflow-x:auto" in html
    lines = str(table).splitlines()
    assert lines[0].split() == ["start", "relu", "tanh"]
    assert len({len(line) for line in lines[:2]}) == 1  # aligned columns
    assert repr(table) == str(table)


def test_table_without_options_keeps_its_html_and_text():
    # stored notebook outputs hold this HTML: the options below must not change it
    table = Table(["start", "relu"], [["He", "0.9"]])
    cell = "style='text-align:{};white-space:nowrap;padding:1px 8px'"
    assert table.html == (
        "<div class='lessonlib-table' style='overflow-x:auto;max-width:100%'><table style='border-collapse:collapse;"
        "font-size:12px;line-height:1.3;font-variant-numeric:tabular-nums;margin:0'><thead><tr>"
        f"<th {cell.format('left')}>start</th><th {cell.format('right')}>relu</th></tr></thead><tbody><tr>"
        f"<td {cell.format('left')}>He</td><td {cell.format('right')}>0.9</td></tr></tbody></table></div>"
    )
    assert table.text == "start  relu\nHe      0.9"


def test_table_alignment_prose_columns_caption_notes_and_groups():
    table = Table(["activation", "start", "score", "verdict"],
                  [["relu", "He", "0.9", "a long sentence & more"], ["", "LeCun", "0.85", ""], ["tanh", "He", "0.7", "x"]],
                  align="llrr", wrap=[3], caption="Two <starts>", notes=["one note", "two"], grouped=True)
    html = table.html
    assert table.align == "llrl"  # a prose column is left-aligned
    assert "<td style='text-align:left;white-space:normal;padding:1px 8px'>a long sentence &amp; more</td>" in html
    assert "<th style='text-align:left;white-space:nowrap;padding:1px 8px'>verdict</th>" in html  # headers never wrap
    assert "<td style='text-align:left;white-space:nowrap;padding:1px 8px'>LeCun</td>" in html
    assert html.index("Two &lt;starts&gt;") < html.index("<table") < html.index("</table>") < html.index("one note")
    rows = html.split("<tbody>")[1].split("</tr>")
    assert rows[0].startswith("<tr><td") and rows[1].startswith("<tr><td")  # the first row and a group's own rows
    assert rows[2].startswith("<tr style='border-top:")  # a new group
    lines = table.text.splitlines()
    assert lines[0] == "Two <starts>" and lines[-2:] == ["one note", "two"]
    assert lines[1].split() == ["activation", "start", "score", "verdict"]
    assert lines[3] == "            LeCun   0.85"  # left, left, right; an empty last cell leaves no spaces
    assert Table(["a", "b"], [["1", "2"]], text="given").text == "given"


def test_extreme_values_of_every_wave_control_draw_without_warnings():
    demo = WaveDemo()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in (demo.controls["frequency"].min, demo.controls["frequency"].max):
            assert demo.set(frequency=value).startswith(PNG)


def test_a_new_std_shows_the_seed_at_once_then_the_band_with_a_progress_line(seed_explorer):
    seed_explorer.set(std=0.1, seed=0)
    statuses, pictures = [], []
    seed_explorer.status.observe(lambda change: statuses.append(change["new"]), names="value")
    seed_explorer.image.observe(lambda change: pictures.append(change["new"]), names="value")
    new_std = 0.3
    seed_explorer._visited = {key for key in seed_explorer._visited if key[0] != new_std}
    seed_explorer.controls["std"].value = new_std  # first visit: ten networks to train
    progress = [s for s in statuses if "training seeds 0-9" in s]
    assert len(progress) == len(SeedExplorer.BAND_SEEDS) and "(0/10)" in progress[0]
    assert len(pictures) == 2  # at once (the seed's own run), then with the band
    assert "final training loss" in statuses[-1] and "redrawn in" in statuses[-1]
    assert seed_explorer.readouts["std"].value == f"{new_std:g}"
    statuses.clear()
    pictures.clear()
    seed_explorer.controls["std"].value = 0.1  # visited before: one redraw, no progress
    assert len(pictures) == 1 and not any("training seeds" in s for s in statuses)


def test_seed_explorer_trains_every_band_when_built_so_no_std_waits(seed_explorer):
    assert {(std, s) for std in SeedExplorer.STDS for s in SeedExplorer.BAND_SEEDS} <= seed_explorer._visited
    statuses, pictures = [], []
    seed_explorer.status.observe(lambda change: statuses.append(change["new"]), names="value")
    seed_explorer.image.observe(lambda change: pictures.append(change["new"]), names="value")
    moves = [std for std in SeedExplorer.STDS if std != seed_explorer.controls["std"].value]
    for std in moves:
        seed_explorer.controls["std"].value = std
    assert len(pictures) == len(moves)
    assert not any("training seeds" in s for s in statuses)  # one picture per move, never a progress line
    assert seed_explorer.controls["seed"].continuous_update  # a drag trains at most one network per redraw
    lazy = SeedExplorer(std=0.3, precompute=False)  # the runs are cached: cheap to build again
    assert {std for std, _ in lazy._visited} == {0.3}


def test_seed_explorer_partial_redraw_matches_a_full_redraw(seed_explorer):
    for move in ({"std": 0.0}, {"std": 3.0, "seed": 49}, {"std": 0.1, "seed": 0}):
        png = seed_explorer.set(**move)
        # equal but where a curve crosses a dotted line (drawn in another order)
        differ = (_pixels(png) != _pixels(seed_explorer.render_full())).any(axis=2)
        assert differ.mean() < 0.002, (move, differ.mean())


def test_the_figure_shown_or_saved_elsewhere_has_every_artist(seed_explorer):
    """Notebook 01 shows ``explorer.figure`` as a static picture: partial redraws must
    not leave the changing artists out of an ordinary draw."""
    seed_explorer.set(std=0.1, seed=0)
    seed_explorer.set(seed=1)  # a partial redraw
    assert not any(artist.get_animated() for artist in seed_explorer.animated)
    buffer = io.BytesIO()
    seed_explorer.figure.savefig(buffer, format="png", dpi=seed_explorer.dpi)
    saved = _pixels(buffer.getvalue())
    differ = (saved != _pixels(seed_explorer.render())).any(axis=2)
    assert differ.mean() < 0.002, differ.mean()
