"""lessonlib: the tested machinery behind the notebook series "Initialize weights wisely".

One module per idea of lecture 10-2 of "Deep Learning for Everyone" (모두를 위한 딥러닝):

- ``lessonlib.init``: weight initializers by name (zeros ... Xavier, He, orthogonal)
- ``lessonlib.lsuv``: LSUV, the data-dependent start (orthogonal, then unit variance)
- ``lessonlib.experiments``: the grid of starts x activations of notebook 05
- ``lessonlib.nn``: a small fully connected network with hand-written backprop
- ``lessonlib.data``: the bundled 8x8 digits and generated toy data sets
- ``lessonlib.plots`` and ``lessonlib.widgets``: the pictures and the sliders
- ``lessonlib.checks``: automatic checks for the exercises

Every random draw takes an explicit seed (see ``lessonlib.seeding.make_rng``).
"""

__version__ = "0.1.0"

#: The public home of the series: the README's badges and every notebook's Colab set-up
#: cell are checked against this one string (tests/test_repository.py). To point the whole
#: series at a fork, run  python tools/retarget.py https://github.com/ORG/REPO
REPOSITORY_URL = "https://github.com/init-wisely/init-wisely"
