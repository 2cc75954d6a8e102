"""``python -m bench``: see ``bench`` (the package's docstring) or ``python -m bench --help``."""

import sys

from bench.cli import main

sys.exit(main())
