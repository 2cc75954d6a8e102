"""Notebook 00 (start here): the time line of the series and the smallest explorer."""

from __future__ import annotations

import numpy as np

from lessonlib import _validate, plots
from lessonlib.i18n import N_, _
from lessonlib.widgets import FigureExplorer, slider

# --- notebook 00: the story on a time line --------------------------------------------------

#: (date as a decimal year, label, kind): kind "init" for initialization ideas. Dates are
#: the first public version (journal issue, conference or arXiv), to the month. Labels are
#: English; ``milestones`` shows them in the language of the notebook.
MILESTONES = [
    (1986.8, N_("backpropagation\nRumelhart, Hinton\n& Williams"), "other"),
    (1998.0, N_("1/fan_in scaling\nLeCun et al.\n(Efficient BackProp)"), "init"),
    (2006.5, N_("RBM pre-training,\nDBN: Hinton,\nOsindero & Teh"), "init"),
    (2010.4, N_("Xavier/Glorot init\nGlorot & Bengio"), "init"),
    (2011.3, N_("ReLU in deep nets\nGlorot, Bordes\n& Bengio"), "other"),
    (2013.95, N_("orthogonal init\nSaxe et al."), "init"),
    (2015.1, N_("He init, PReLU\n4.94 % top-5\nHe et al."), "init"),
    (2015.15, N_("batch norm.\nIoffe & Szegedy"), "other"),
    (2015.85, N_("LSUV\nMishkin & Matas"), "init"),
    (2015.95, N_("ResNet\n3.57 % top-5\nHe et al."), "other"),
]

#: Okabe & Ito (2008): vermillion for initialization ideas, black for the rest.
INIT_COLOR, OTHER_COLOR = plots.OKABE_ITO["vermillion"], plots.OKABE_ITO["black"]
MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
          N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))


def milestone_date(year):
    """"Feb 2015" for 2015.1: the month a decimal year falls in (in the notebook's language)."""
    year = _validate.real(year, "year", low=0.0)
    month = MONTHS[min(int((year % 1) * 12 + 1e-9), 11)]
    return _("{month} {year}").format(month=_(month), year=int(year))


def spread_positions(wanted, widths, low, high, gap):
    """Centres as close to ``wanted`` as the row allows, in order, no two labels overlapping.

    Labels of ``widths`` (same units as the positions) must keep ``gap`` between them and
    stay inside [low, high]. A forward pass pushes right, a backward pass pushes left.
    """
    wanted = _validate.sequence(wanted, "wanted", _validate.real, what="positions")
    widths = _validate.sequence(widths, "widths", lambda w, name: _validate.real(w, name, low=0.0), length=len(wanted),
                                what="widths, one per position")
    low, high = _validate.real(low, "low"), _validate.real(high, "high")
    if not low < high:
        raise ValueError(f"low must be below high, got low={low:g}, high={high:g}")
    gap = _validate.real(gap, "gap", low=0.0)
    x = list(wanted)
    n = len(x)
    for _sweep in range(3):
        for i in range(n):
            floor = low + widths[i] / 2 if i == 0 else x[i - 1] + (widths[i - 1] + widths[i]) / 2 + gap
            x[i] = max(x[i], floor)
        for i in range(n - 1, -1, -1):
            ceiling = high - widths[i] / 2 if i == n - 1 else x[i + 1] - (widths[i + 1] + widths[i]) / 2 - gap
            x[i] = min(x[i], ceiling)
    return x


def milestones(ax=None, height=0.55):
    """A time line, to scale, of the ideas this series follows (initialization ideas in vermillion).

    Each event is a marker at its date on a year axis (circles: initialization ideas,
    squares: the rest). Labels alternate above and below the line in date order; within
    a row they are moved sideways just enough not to overlap (widths measured on the
    rendered figure), and a thin leader joins each label to its date. Returns the axes;
    ``ax.milestone_labels`` holds the label texts in date order.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 3.4))
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.14, top=0.98)
    _validate.axes(ax)
    fig = ax.figure
    low, high = 1983.5, 2019.0
    ax.set_xlim(low, high)
    ax.set_ylim(-1.0, 1.0)
    ax.axhline(0, color="0.3", lw=1, zorder=1)
    renderer = fig.canvas.get_renderer()
    events = sorted(MILESTONES)
    texts = []
    for k, (year, text, kind) in enumerate(events):
        up = k % 2 == 0
        color = INIT_COLOR if kind == "init" else OTHER_COLOR
        text = _(text)
        label = f"{milestone_date(year)}\n{text}" if up else f"{text}\n{milestone_date(year)}"
        texts.append(ax.text(year, height if up else -height, label, ha="center",
                             va="bottom" if up else "top", fontsize=7.5, color=color,
                             linespacing=1.15))
    px_per_year = ax.transData.transform((1.0, 0.0))[0] - ax.transData.transform((0.0, 0.0))[0]
    widths = [t.get_window_extent(renderer).width / px_per_year for t in texts]
    for parity in (0, 1):
        row = list(range(parity, len(events), 2))
        centres = spread_positions([events[i][0] for i in row], [widths[i] for i in row], low, high, gap=1.2)
        for i, x in zip(row, centres):
            texts[i].set_x(x)
    for (year, _label, kind), t in zip(events, texts):
        color = INIT_COLOR if kind == "init" else OTHER_COLOR
        y = t.get_position()[1]
        ax.plot([year, t.get_position()[0]], [0, 0.85 * y], color=color, lw=0.7, zorder=1)
        ax.plot(year, 0, "o" if kind == "init" else "s", color=color, ms=5, zorder=2)
    ax.set_yticks([])
    ax.set_xticks(range(1985, 2020, 5))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(_("year (to scale)"), fontsize=9)
    ax.milestone_labels = texts
    return ax


# --- notebook 00: does a slider redraw a picture here? ---------------------------------------


class WaveDemo(FigureExplorer):
    """The smallest explorer: a frequency slider redraws a sine wave.

    Notebook 00 shows it so a learner can confirm that sliders work in their front end
    (JupyterLab, Binder, Colab) before the real explorers.
    """

    def __init__(self, frequency=2, dpi=72):
        frequency = _validate.integer(frequency, "frequency", low=1, high=10)
        super().__init__({"frequency": slider(_("frequency"), 1, 10, frequency, live=True)}, figsize=(6.0, 2.0), dpi=dpi)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.85)
        self.ax = self.figure.subplots()
        self.x = np.linspace(0.0, 1.0, 400)
        (self.line,) = self.ax.plot(self.x, np.sin(2 * np.pi * frequency * self.x), color="C0")
        self.ax.set(ylim=(-1.2, 1.2), xlabel="t")
        self.ax.set_title(" ", fontsize=10)
        self.animated = (self.line, self.ax.title)  # the axes stay: only these are repainted
        self.refresh()

    def draw(self, frequency):
        self.line.set_ydata(np.sin(2 * np.pi * frequency * self.x))
        self.ax.set_title(f"sin(2π · {frequency} · t)", fontsize=10)
        return _("frequency {frequency}: the picture was redrawn by the kernel").format(frequency=frequency)
