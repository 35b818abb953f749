"""surgeplan command line: ``python run_sim.py COMMAND ...`` (see ``--help``)."""

import sys

from surgeplan.cli import main

if __name__ == "__main__":
    sys.exit(main())
