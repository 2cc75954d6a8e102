"""The upper floor of lessonlib: one module per notebook, named after it.

==========================  ==========================================================
``start_here``              00: the time line, the wave that proves sliders work
``zero_init``               01: zero and constant starts, the seed study and explorer
``rbm_reconstruction``      02: RBM pictures, training curves, the epoch explorer
``dbn_pretraining``         03: the pre-trained stack, fine-tuning, label budgets
``xavier_he``               04: histograms, tanh theory vs simulation, 30 layers, explorer
``comparison``              05: the grid (seeds trained together), verdicts, paper
``training_dynamics``       06: the boundary playground, statistics during training, BN
==========================  ==========================================================

A lesson module may import any concept module below (``lessonlib.init``, ``nn``, ...);
no concept module imports a lesson. ``EXPLORERS`` lists each notebook's explorers, so
the benchmark and the browser tests know what to drive and how many to expect.
"""

from __future__ import annotations

import importlib

from lessonlib import _validate

#: notebook file -> the lesson module that holds its machinery
LESSONS = {
    "00_start_here.ipynb": "start_here",
    "01_zero_init_fails.ipynb": "zero_init",
    "02_rbm_reconstruction.ipynb": "rbm_reconstruction",
    "03_dbn_pretraining.ipynb": "dbn_pretraining",
    "04_xavier_he.ipynb": "xavier_he",
    "05_comparison.ipynb": "comparison",
    "06_training_dynamics.ipynb": "training_dynamics",
}

#: notebook file -> the explorer classes it shows (in the order they appear)
EXPLORERS = {
    "00_start_here.ipynb": ("start_here.WaveDemo",),
    "01_zero_init_fails.ipynb": ("zero_init.SeedExplorer",),
    "02_rbm_reconstruction.ipynb": ("rbm_reconstruction.EpochExplorer",),
    "03_dbn_pretraining.ipynb": (),
    "04_xavier_he.ipynb": ("xavier_he.PropagationExplorer",),
    "05_comparison.ipynb": (),
    "06_training_dynamics.ipynb": ("training_dynamics.BoundaryExplorer",),
}


def explorer_class(dotted):
    """The class named ``"module.Class"`` in ``EXPLORERS``."""
    _validate.choice(dotted, "dotted", [name for names in EXPLORERS.values() for name in names])
    module, _, name = dotted.partition(".")
    return getattr(importlib.import_module(f"lessonlib.lessons.{module}"), name)
