"""lessonlib: the tested machinery behind the notebook series "Initialize weights wisely".

Two floors. Below, one module per concept of lecture 10-2 of "Deep Learning for
Everyone" (모두를 위한 딥러닝), numpy first, importing nothing from above:

- ``lessonlib.seeding``: the one door for randomness (seeds and their child streams)
- ``lessonlib._validate``: the one door for checking inputs (clear errors, by name)
- ``lessonlib.data``: the bundled 8x8 digits (and their standard split), toy data sets
- ``lessonlib.init``: weight initializers by name (zeros ... Xavier, He, orthogonal)
- ``lessonlib.nn``: a small fully connected network with hand-written backprop (and batch
  normalization)
- ``lessonlib.monitor``: a recorder of per-layer statistics while a network trains
- ``lessonlib.training``: what training leaves: one ``History``, one ``Run``, divergence
- ``lessonlib.rbm``: the restricted Boltzmann machine, CD-k, exact likelihoods
- ``lessonlib.dbn``: RBMs stacked, pre-trained greedily, unrolled into a network
- ``lessonlib.lsuv``: LSUV, the data-dependent start (orthogonal, then unit variance)
- ``lessonlib.propagation``: a signal through a deep network at its start, per layer
- ``lessonlib.meanfield``: the theory of that signal (length map, chi_1, edge of chaos)
- ``lessonlib.frameworks``: the default initializers of PyTorch, Keras, TF1 and Flax
- ``lessonlib.starts``: a network started by name (any initializer, LSUV or a DBN)
- ``lessonlib.plots``: the series' colours and small figure helpers
- ``lessonlib.widgets``: the explorer base class (controls + one persistent figure)
- ``lessonlib.checks`` and ``lessonlib.solutions``: exercise checks and reference answers

Above, ``lessonlib.lessons``: one module per notebook, named after it (``start_here``,
``zero_init``, ``rbm_reconstruction``, ``dbn_pretraining``, ``xavier_he``,
``comparison``, ``training_dynamics``), holding that notebook's experiments, figures, explorers and caches.

Every random draw takes an explicit seed (see ``lessonlib.seeding``).
"""

from lessonlib.i18n import set_language, tr  # noqa: E402  (the edition, and notebook texts)

__version__ = "0.1.0"

__all__ = ["REPOSITORY_URL", "set_language", "tr"]

#: The public home of the series: the README's badges and every notebook's Colab set-up
#: cell are checked against this one string (tests/test_repository.py). To point the whole
#: series at a fork, run  python tools/retarget.py https://github.com/ORG/REPO
REPOSITORY_URL = "https://github.com/init-wisely/init-wisely"
