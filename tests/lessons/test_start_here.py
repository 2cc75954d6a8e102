import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lessonlib.lessons import start_here  # noqa: E402


@pytest.fixture(scope="module")
def timeline():
    ax = start_here.milestones()
    ax.figure.canvas.draw()
    yield ax
    plt.close(ax.figure)


def test_timeline_is_to_scale(timeline):
    dates = sorted(year for year, _, _ in start_here.MILESTONES)
    dots = [line for line in timeline.lines if line.get_marker() in ("o", "s")]
    assert [float(line.get_xdata()[0]) for line in dots] == dates
    # equal years are equal distances on screen
    x = [timeline.transData.transform((year, 0))[0] for year in (1990, 2000, 2010)]
    assert x[1] - x[0] == pytest.approx(x[2] - x[1])


def test_timeline_labels_never_overlap_and_stay_inside(timeline):
    renderer = timeline.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in timeline.milestone_labels]
    assert len(boxes) == len(start_here.MILESTONES)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    figure = timeline.figure.bbox
    for box in boxes:
        assert figure.x0 <= box.x0 and box.x1 <= figure.x1 and figure.y0 <= box.y0 and box.y1 <= figure.y1


def test_timeline_has_the_facts_the_notebook_quotes():
    texts = " ".join(text for _, text, _ in start_here.MILESTONES)
    assert "3.57 % top-5" in texts and "4.94 % top-5" in texts
    assert start_here.milestone_date(2015.95) == "Dec 2015"
    assert start_here.milestone_date(2015.1) == "Feb 2015"
    assert start_here.milestone_date(1998.0) == "Jan 1998"


def test_spread_positions_keeps_order_gap_and_bounds():
    x = start_here.spread_positions([5.0, 5.1, 5.2], [2.0, 2.0, 2.0], 0.0, 10.0, gap=0.5)
    assert x == sorted(x)
    assert all(b - a >= 2.5 - 1e-9 for a, b in zip(x, x[1:]))
    assert x[0] >= 1.0 and x[-1] <= 9.0
    assert start_here.spread_positions([1.0, 8.0], [1.0, 1.0], 0.0, 10.0, gap=0.5) == [1.0, 8.0]


def test_dates_and_the_wave_status_follow_the_language():
    import lessonlib
    from lessonlib import i18n

    lessonlib.set_language("ko")
    try:
        assert start_here.milestone_date(2015.1) == "2015년 2월"
        assert start_here.milestone_date(1986.8) == "1986년 10월"
        assert all(i18n._(month) != month for month in start_here.MONTHS)
        wave = start_here.WaveDemo()
        assert wave.controls["frequency"].description == "주파수"
        wave.set(frequency=3)
        assert "주파수 3: 커널이 그림을 다시 그렸습니다" in wave.status.value
        plt.close(wave.figure)
    finally:
        lessonlib.set_language("en")
    assert start_here.milestone_date(2015.1) == "Feb 2015"
