"""The one way the series executes a notebook: nbclient, a fresh python3 kernel.

Two callers share it: ``tools/execute_notebooks.py`` (which writes the result back, so
that the stored outputs are made this way) and the benchmark (``python -m bench``, which
times a temporary copy and writes nothing). Both need the same three things, kept here
in one place:

- the kernel sees the inline matplotlib backend (an inherited ``MPLBACKEND=Agg`` would
  make ``plt.show()`` print nothing), without changing this process's environment;
- ``normalize``: no widget state, no timing metadata, the python3 kernel spec;
- ``problems``: every stored error and everything on stderr, one line each (a timeout
  or a dead kernel is reported the same way instead of crashing the caller).
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: The kernel spec every stored notebook carries.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

#: The notebooks of the series, in order: ``notebooks/NN_name.ipynb``.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass
class Execution:
    """What running one notebook gave.

    Attributes
    ----------
    notebook : nbformat.NotebookNode
        The executed and normalized notebook.
    seconds : float
        Wall time of the execution, kernel start and shutdown included.
    problems : list of str
        One line per stored error, stderr output, or failure of the run itself;
        empty when the notebook ran cleanly.
    """

    notebook: nbformat.NotebookNode
    seconds: float
    problems: list = field(default_factory=list)


def series_notebooks(folder):
    """The series' notebooks in ``folder`` (``NN_name.ipynb``), sorted by number.

    Parameters
    ----------
    folder : path-like
        The folder to look in, normally ``notebooks/``.

    Returns
    -------
    list of pathlib.Path
    """
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def normalize(nb):
    """Drop what changes from run to run without meaning anything to a reader.

    Widget state (its model ids change every run), execution timing in the notebook,
    cell and output metadata, and widget views in outputs are removed; the kernel spec
    becomes ``KERNELSPEC``. Consecutive stream outputs of the same name become one (how
    a cell's printing is cut into messages depends on the kernel's flush timing, so on
    the machine's load); their order among the other outputs stays.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Changed in place.

    Returns
    -------
    nbformat.NotebookNode
        ``nb`` itself.
    """
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            merged = []
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
                if "data" in output:
                    output["data"].pop("application/vnd.jupyter.widget-view+json", None)
                last = merged[-1] if merged else None
                if (output.get("output_type") == "stream" and last is not None
                        and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
                    last["text"] = "".join(last["text"]) + "".join(output["text"])
                else:
                    merged.append(output)
            cell.outputs = merged
    return nb


def problems(nb):
    """Every stored error and stderr output of ``nb``, one line each.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    list of str
        ``"cell N: ..."`` lines, N counting all cells from 0; empty when clean.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr: {output.text[:200]!r}")
    return found


def kernel_environment():
    """This process's environment for the kernel, minus ``MPLBACKEND``.

    Returns
    -------
    dict
        A copy: the caller's own environment is left as it is.
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the inline backend, as readers and nbval see it
    return env


def execute(path, timeout=600, write=False):
    """Execute the notebook at ``path`` top to bottom in a fresh python3 kernel.

    Every cell runs even after an error (so that all problems are listed); the result
    is normalized (see ``normalize``).

    Parameters
    ----------
    path : path-like
        The notebook; its folder is the kernel's working directory.
    timeout : float, optional
        Seconds one cell may take.
    write : bool, optional
        Write the executed notebook back to ``path`` (what makes the stored outputs).
        False (the default) leaves the file untouched.

    Returns
    -------
    Execution
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
        allow_errors=True,
    )
    failure = []
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # jupyter's own deprecation notices in this process (the kernel's stderr is
            # recorded in the notebook and checked by ``problems``)
            warnings.simplefilter("ignore")
            client.execute(env=kernel_environment())
    except Exception as exc:  # a timeout or a dead kernel: report it, like a cell error
        failure.append(f"the run stopped: {exc.__class__.__name__}: {str(exc)[:200]}")
    seconds = time.perf_counter() - start
    normalize(nb)
    if write:
        nbformat.write(nb, path)
    return Execution(nb, seconds, problems(nb) + failure)
