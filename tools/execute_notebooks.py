"""Execute notebooks top to bottom in a clean kernel and store their outputs.

    python tools/execute_notebooks.py                 # every notebook in notebooks/
    python tools/execute_notebooks.py notebooks/01_zero_init_fails.ipynb

This is how the committed outputs are made, so that GitHub shows them and nbval
(``python -m pytest``) can compare a fresh run against them. The running and the
normalizing (no widget state, no timing metadata, the python3 kernel spec) are in
``tools/notebook_runner.py``, shared with the benchmark. A notebook that stores an error
or anything on stderr is reported and the command exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts tools/ on the path, not the clone's root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.notebook_runner import execute, series_notebooks  # noqa: E402


def main(argv=None):
    """Execute the named notebooks (default: the whole series) and store their outputs.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every notebook ran cleanly, 1 when one stored an error or stderr.
    """
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.notebooks if not path.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    paths = args.notebooks or series_notebooks(ROOT / "notebooks")
    failed = False
    for path in paths:
        run = execute(path.resolve(), write=True)
        print(f"{path.name}: {run.seconds:.1f} s{'' if not run.problems else ' -- PROBLEMS'}")
        for line in run.problems:
            print("   ", line)
        failed = failed or bool(run.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
