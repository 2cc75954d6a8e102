"""Notebook 00 (start here): the time line of the series and the smallest explorer."""

from __future__ import annotations

import numpy as np

from lessonlib import _validate
from lessonlib.widgets import FigureExplorer, slider

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
    _validate.axes(ax)
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


# --- notebook 00: does a slider redraw a picture here? ---------------------------------------


class WaveDemo(FigureExplorer):
    """The smallest explorer: a frequency slider redraws a sine wave.

    Notebook 00 shows it so a learner can confirm that sliders work in their front end
    (JupyterLab, Binder, Colab) before the real explorers.
    """

    def __init__(self, frequency=2, dpi=72):
        super().__init__({"frequency": slider("frequency", 1, 10, frequency)}, figsize=(6.0, 2.0), dpi=dpi)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.2, top=0.85)
        self.ax = self.figure.subplots()
        self.x = np.linspace(0.0, 1.0, 400)
        (self.line,) = self.ax.plot(self.x, np.sin(2 * np.pi * frequency * self.x), color="C0")
        self.ax.set(ylim=(-1.2, 1.2), xlabel="t")
        self.refresh()

    def draw(self, frequency):
        self.line.set_ydata(np.sin(2 * np.pi * frequency * self.x))
        self.ax.set_title(f"sin(2π · {frequency} · t)", fontsize=10)
        return f"frequency {frequency}: the picture was redrawn by the kernel"
