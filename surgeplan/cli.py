"""Command line: ``python run_sim.py COMMAND ...`` (also installed as ``surgeplan``).

Exit status: 0 success, 2 bad input (scenario, staffing file or arguments; one line per
problem, nothing written), 1 a file that cannot be written or no roster found in time,
130 interrupted (files already written stay whole). The commands are in
:mod:`surgeplan.commands`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from sim.errors import ScenarioError

from .commands import COMMANDS
from .commands.options import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    BadInputParser,
    CommandFailed,
)

__all__ = ["main"]

EXAMPLES = """\
examples:
  python run_sim.py plan scenarios/double11.yaml --out out/
  python run_sim.py validate scenarios/double11.yaml
  python run_sim.py arrivals scenarios/double11.yaml --out out/
  python run_sim.py simulate scenarios/double11.yaml --out out/
  python run_sim.py simulate scenarios/weekday.yaml --out out/ --replications 16 --workers 2
  python run_sim.py simulate scenarios/weekday.yaml --out out/ --staffing staffing.csv
  python run_sim.py simulate scenarios/double11.yaml --out check/ --roster out/roster.csv
  python run_sim.py report out/
"""


def build_parser() -> argparse.ArgumentParser:
    parser = BadInputParser(
        prog="run_sim.py",
        description="surgeplan: simulate and staff customer-service queues through a promotion.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=BadInputParser)
    commands.required = True
    for name in COMMANDS:
        import_module(f"{__package__}.commands.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ScenarioError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        # Typically an --out directory that cannot be written; already written files are whole.
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            "interrupted: files already written are complete; others were not written",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
