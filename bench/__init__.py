"""How fast the series runs and responds, side by side with scikit-learn: one command.

    python -m bench                        # everything; writes bench/RESULTS.md
    python -m bench --quick                # tiny sizes, no notebooks, one browser notebook; RESULTS-quick.md
    python -m bench --sections training,import --repeats 3
    python -m bench --threads 1            # pin BLAS to one thread (set before numpy loads)
    python -m bench --update-readme        # also refresh the table in README.md and README.ko.md

Run it from the clone's root. What is measured (medians over repeats; the machine's load
average is recorded, since a shared machine makes every number noisy), one module each:

- ``bench.notebooks``: every ``notebooks/NN_*.ipynb`` executed headless in a fresh
  kernel by ``tools/notebook_runner.py`` (the code that makes the stored outputs), on a
  temporary copy, and the total; an empty notebook gives the kernel start-up cost
  included in each number.
- ``bench.explorers``: every explorer ``lessonlib.lessons.EXPLORERS`` lists, built at
  its default sizes and moved through a sweep of settings. The time of one
  ``explorer.set(...)`` is a control change to a finished PNG; the first pass fills the
  caches ("first visit", reported apart), the later passes are the steady state.
- ``bench.browser``: the same explorers in a real JupyterLab in headless Chromium
  (``tools/browser_latency.py``): every control swept as a person would, first visits
  included; per explorer the median, p95 and maximum time from the input event to the
  new picture on the page, frames per second during a drag, PNG bytes per frame.
- ``bench.training``: ``RBM.fit`` (CD-1, PCD-1) against scikit-learn's ``BernoulliRBM``
  and ``MLP.fit`` against ``MLPClassifier(solver="sgd")``, same sizes and learning rule,
  timed alternately; the share of an epoch in the matrix products it requires
  (``bench.products``: the products, the sigmoids, the random numbers and the epoch-0
  record timed alone); and ``MLPStack`` against a loop of ``MLP.fit`` over the seeds.
- ``bench.importtime``: ``import lessonlib`` and all its modules, in a fresh interpreter.

``bench.targets`` holds the targets and the table that compares; ``bench.report`` the
markdown (RESULTS.md, the README's table); ``bench.machine`` the cores, load and
versions; ``bench.cli`` the command line.

scikit-learn is only needed here (``python -m pip install -r requirements-bench.txt``);
without it, its rows say so and everything else still runs.
"""
