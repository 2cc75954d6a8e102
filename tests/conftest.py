"""Shared test set-up.

The notebooks run in a kernel started from this pytest process, so its environment is
the kernel's: the inline backend needs MPLBACKEND unset, and matplotlib's one-time font
cache message must not land on a notebook's stderr.
"""

import os

os.environ.pop("MPLBACKEND", None)

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # the pytest process itself draws off-screen
import matplotlib.pyplot  # noqa: E402,F401  (builds the font cache once, here)
