"""``run_sim.py validate``: check a scenario file and print a one-line summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import options

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "validate",
        help="check a scenario file and print a one-line summary",
        description="Check a scenario file; print a one-line summary, or every problem found.",
        epilog="example:\n  python run_sim.py validate scenarios/double11.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("scenario", type=Path, help="scenario YAML file")
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sim import Scenario

    scenario = Scenario.from_yaml(args.scenario)
    options.say(args, f"ok: {scenario.summary_line()}")
    return 0
