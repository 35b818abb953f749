"""``run_sim.py roster``: shifts for named agents (or shift counts) covering the requirements."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from optimize.staffing import METHODS

from . import options

if TYPE_CHECKING:
    import pandas as pd

    from sim import Scenario

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "roster",
        help="build a lawful roster covering the staffing requirements",
        description=(
            "Give the scenario's agents shifts (breaks included) that cover the staffing\n"
            "requirements under every labour rule, at least cost; write roster.csv, coverage.csv\n"
            "and solve.json into --out (shifts.csv instead of roster.csv with --level shifts).\n"
            "Without --requirements they are computed with --method. Without a roster section\n"
            "the scenario gets default contracts and agent classes sized from the requirements."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py roster scenarios/double11_week.yaml --out out/\n"
            "  python run_sim.py roster scenarios/double11_week.yaml --out out/ "
            "--requirements out/requirements.csv --time-limit 120 --gap 0.005\n"
            "  python run_sim.py roster scenarios/weekday.yaml --out out/ --level shifts\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("scenario", type=Path, help="scenario YAML file")
    cmd.add_argument("--out", type=Path, required=True, help="output directory")
    cmd.add_argument(
        "--requirements",
        type=Path,
        help="requirements CSV (interval_start, pool, agents[, agents_rostered]), e.g. from staff",
    )
    cmd.add_argument(
        "--level",
        choices=("agents", "shifts"),
        default="agents",
        help="agents: named agents under every rule (default); shifts: shift counts only",
    )
    cmd.add_argument(
        "--time-limit",
        type=options.positive_seconds,
        default=60.0,
        help="solver time limit in seconds (default 60)",
    )
    cmd.add_argument(
        "--gap",
        type=options.gap,
        default=0.01,
        help="relative optimality gap to stop at (default 0.01)",
    )
    cmd.add_argument(
        "--strategy",
        choices=("auto", "direct", "aggregate", "tours"),
        default="auto",
        help=(
            "how the roster MIP is solved: direct, aggregate (class aggregate, then per agent) "
            "or tours (for hundreds of agents over weeks); auto picks by size (default)"
        ),
    )
    cmd.add_argument(
        "--coverage",
        choices=("soft", "hard"),
        default="soft",
        help="soft: shortfall allowed at its price (default); hard: every requirement met",
    )
    cmd.add_argument(
        "--method",
        choices=METHODS,
        default="lagged",
        help="staffing method when there is no --requirements (default lagged)",
    )
    cmd.add_argument("--seed", type=options.seed, default=0, help="random seed (default 0)")
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def _requirements(args: argparse.Namespace, scenario: Scenario) -> tuple[pd.DataFrame, str]:
    """Heads to roster per interval and pool, and where they came from."""
    from optimize.roster import requirements_from_staffing
    from optimize.staffing import Targets, staff
    from sim import ScenarioError

    from .rostering import read_requirements

    if args.requirements is not None:
        return read_requirements(args.requirements, scenario), args.requirements.name
    targets = Targets(
        answer_within_seconds=scenario.service_level.answer_within,
        service_level=scenario.service_level.target,
    )
    try:
        result = staff(scenario, args.method, targets=targets, seed=args.seed)
    except ScenarioError as exc:
        raise exc if exc.source else exc.with_source(args.scenario.name) from None
    return requirements_from_staffing(result.table), f"staff --method {args.method}"


def _check_tours(args: argparse.Namespace, section, hard: bool) -> None:
    """``--strategy tours`` describes soft coverage and one shift a day: say so up front."""
    from sim import ScenarioError
    from sim.errors import Problem

    if hard:
        raise ScenarioError(
            Problem("--strategy", "tours needs --coverage soft (shortfall priced, not forbidden)"),
            args.scenario.name,
        )
    if section.rules.max_shifts_starting_per_day != 1:
        raise ScenarioError(
            Problem(
                "roster.rules.max_shifts_starting_per_day",
                "--strategy tours needs 1 (one shift a day), got "
                f"{section.rules.max_shifts_starting_per_day}",
            ),
            args.scenario.name,
        )


def run(args: argparse.Namespace) -> int:
    from optimize.roster import (
        NoRosterFound,
        RosterInfeasible,
        default_roster_section,
        plan_roster,
        plan_shifts,
    )
    from sim import Scenario, ScenarioError

    from ..io import write_csv, write_json
    from ..outputs import ROSTER_TIMES
    from .rostering import solve_summary, stamp_columns

    scenario = Scenario.from_yaml(args.scenario)
    options.check_out(args.out)
    requirements, source = _requirements(args, scenario)
    section = scenario.roster or default_roster_section(requirements, scenario.horizon)
    hard = args.coverage == "hard"
    if args.strategy == "tours" and args.level == "agents":
        _check_tours(args, section, hard)
    out = args.out
    started = time.perf_counter()
    try:
        if args.level == "shifts":
            plan = plan_shifts(
                requirements,
                section,
                scenario.horizon,
                time_limit=args.time_limit,
                gap=args.gap,
                hard_coverage=hard,
            )
            table = stamp_columns(plan.shifts, ["date", "shift_start", "shift_end"])
            name = "shifts.csv"
        else:
            from ..agents_file import roster_agents

            plan = plan_roster(
                requirements,
                roster_agents(scenario, section),
                section,
                scenario.horizon,
                time_limit=args.time_limit,
                gap=args.gap,
                hard_coverage=hard,
                strategy=args.strategy,
            )
            table = stamp_columns(plan.roster, ROSTER_TIMES)
            name = "roster.csv"
    except RosterInfeasible as exc:
        raise ScenarioError(exc.problems, args.scenario.name) from None
    except NoRosterFound as exc:
        raise options.CommandFailed(str(exc)) from None
    report = plan.report
    coverage = stamp_columns(plan.coverage, ["interval_start"])
    summary = solve_summary(scenario, plan, args.level, source, args.coverage, started)
    written = [
        write_csv(out / name, table),
        write_csv(out / "coverage.csv", coverage),
        write_json(out / "solve.json", summary),
    ]
    if args.level == "agents" and scenario.roster is not None:
        try:
            from ..exports import write_exports
        except ImportError:
            write_exports = None
        if write_exports is not None:
            written += write_exports(out, plan.roster, plan.agents, scenario)
    gap = "n/a" if report.gap is None else f"{report.gap:.2%}"
    bound = "n/a" if report.best_bound is None else f"{report.best_bound:,.2f}"
    options.say(
        args,
        f"{scenario.name}: {args.level} roster {report.status} in {report.seconds:.1f} s "
        f"(objective {report.objective:,.2f}, bound {bound}, gap {gap}); "
        f"shortfall {summary['shortfall_agent_hours']:,.1f} agent-hours",
    )
    if args.verbose:
        for part, value in plan.costs.items():
            print(f"  {part}: {value:,.2f}")
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
