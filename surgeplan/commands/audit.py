"""``run_sim.py audit``: the independent labour-rule check of a roster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import options

if TYPE_CHECKING:
    pass

__all__ = ["EXIT_VIOLATIONS", "register", "run"]

EXIT_VIOLATIONS = 1


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "audit",
        help="check a roster CSV against every labour rule",
        description=(
            "Check a roster CSV against every labour rule of the scenario's roster section\n"
            "(the default rules without one) and print each violation, one per line.\n"
            "Exit status 0 with no violation, 1 with any, 2 when the roster or the scenario\n"
            "cannot be read."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py audit roster.csv --scenario scenarios/double11_week.yaml\n"
            "  python run_sim.py audit roster.csv --scenario scenarios/double11_week.yaml "
            "--out violations.csv\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument(
        "roster",
        type=Path,
        help="roster CSV: agent, pool, date, shift_start, shift_end, break_start, break_end",
    )
    cmd.add_argument("--scenario", type=Path, required=True, help="scenario YAML file")
    cmd.add_argument("--out", type=Path, help="also write the violations to this CSV file")
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from optimize.audit import audit, read_roster_csv
    from sim import Problem, Scenario, ScenarioError

    from ..agents_file import audit_agents, hired
    from ..io import write_csv

    scenario = Scenario.from_yaml(args.scenario)
    if args.out is not None and args.out.is_dir():
        raise ScenarioError(Problem("--out", f"{args.out} is a directory; expected a file name"))
    known = audit_agents(scenario, args.scenario)
    horizon = scenario.horizon
    agents = None
    if known is not None:
        named, temporary = known
        roster = read_roster_csv(
            args.roster, horizon.start, horizon.end, scenario.pools, named + temporary
        )
        agents = hired(named, temporary, roster["agent"])
    else:
        roster = read_roster_csv(args.roster, horizon.start, horizon.end, scenario.pools, None)
    if scenario.roster is None and not args.quiet:
        print(
            f"note: {args.scenario.name} has no roster section: checking the default labour "
            "rules and breaks, for every agent the roster names, any pool, no contract hours",
            file=sys.stderr,
        )
    violations = audit(roster, agents, scenario.roster, horizon.start, horizon.end)
    written = write_csv(args.out, violations) if args.out is not None else None
    # Violations are the command's findings, so --quiet keeps them and drops the rest.
    for row in violations.itertuples():
        print(f"{row.agent} {row.date} {row.rule}: {row.detail}")
    names = set(roster["agent"]) | {agent.name for agent in agents or ()}
    checked = f"{len(roster)} shifts, {len(names)} agents checked"
    if violations.empty:
        options.say(args, f"no violations: {checked}")
    else:
        options.say(args, f"{len(violations)} violation(s): {checked}")
    if args.verbose and not violations.empty:
        for rule, count in violations["rule"].value_counts().sort_index().items():
            print(f"  {rule}: {count}")
    if written is not None:
        options.say(args, f"  wrote {written}")
    return EXIT_VIOLATIONS if not violations.empty else 0
