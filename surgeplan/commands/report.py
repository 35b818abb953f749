"""``run_sim.py report``: the HTML report of a run directory."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import options

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "report",
        help="write DIR/report.html from the results in DIR",
        description=(
            "Write DIR/report.html: one self-contained page (figures embedded, no network\n"
            "needed) with what DIR holds: the scenario at a glance, arrivals and agents per\n"
            "pool, service per interval with confidence bands, the customer funnel, e-mail\n"
            "backlog, complaint deadlines; for a plan its rounds, coverage, roster and labour\n"
            "rules; for a sweep its comparison figures. simulate, staff, plan and sweep write\n"
            "it at their end already (unless --no-report)."
        ),
        epilog="examples:\n  python run_sim.py report out/\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "directory", type=Path, help="output directory of simulate, staff, plan or sweep"
    )
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..reports import write_report

    path = write_report(args.directory)
    options.say(args, f"wrote {path}")
    return 0
