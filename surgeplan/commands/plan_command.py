"""``run_sim.py plan``: requirements, roster, simulated verification and repair in one command
(the loop itself is :mod:`surgeplan.plan_loop`)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from optimize.staffing import METHODS

from . import options

__all__ = ["register", "run"]

PLAN_FILES = (
    "roster.csv, coverage.csv, solve.json, agents_summary.csv, roster.xlsx, roster.ics, "
    "requirements.csv, intervals.csv, types.csv, pools.csv, pools_by_type.csv, channels.csv "
    "(and bots.csv with "
    "bots), summary.json and rounds.csv"
)


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "plan",
        help="requirements → roster → simulated check → repair: the whole plan",
        description=(
            "Staff the scenario, roster its agents under every labour rule, simulate the\n"
            "roster (breaks where rostered, shrinkage and absenteeism on top), then move the\n"
            "requirements up where an interval misses the service target and down where it\n"
            "beats it beyond doubt, and roster again, up to --rounds times; keep the cheapest\n"
            f"round meeting the goal. Writes {PLAN_FILES} into --out."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py plan scenarios/double11.yaml --out out/\n"
            "  python run_sim.py plan scenarios/double11_week.yaml --out out/ --rounds 2 "
            "--time-limit 120 --workers 2\n"
            "  python run_sim.py audit out/roster.csv --scenario scenarios/double11.yaml\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("scenario", type=Path, help="scenario YAML file")
    cmd.add_argument("--out", type=Path, required=True, help="output directory")
    cmd.add_argument("--seed", type=options.seed, default=0, help="random seed (default 0)")
    cmd.add_argument(
        "--replications",
        type=options.positive_int,
        default=16,
        help="replications per verification and per ISA iteration (default 16)",
    )
    cmd.add_argument(
        "--rounds",
        type=options.seed,  # any whole number ≥ 0
        default=3,
        help="repair rounds at most, 0 for none (default 3)",
    )
    cmd.add_argument(
        "--method", choices=METHODS, default="isa", help="staffing method (default isa)"
    )
    cmd.add_argument(
        "--requirements",
        type=Path,
        help=(
            "start from this requirements CSV (interval_start, pool, agents[, agents_rostered]) "
            "instead of staffing the scenario"
        ),
    )
    cmd.add_argument(
        "--time-limit",
        type=options.positive_seconds,
        default=60.0,
        help="roster solver time limit per round in seconds (default 60)",
    )
    cmd.add_argument(
        "--gap", type=options.gap, default=0.01, help="roster optimality gap (default 0.01)"
    )
    cmd.add_argument(
        "--goal",
        type=options.fraction,
        help=(
            "share of intervals with inquiries that must meet the service target; the kept "
            "round is the cheapest meeting it (default: the scenario's "
            "service_level.intervals_meeting, 1 unless set)"
        ),
    )
    options.add_workers(cmd)
    options.add_report(cmd)
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from optimize.roster import NoRosterFound, RosterInfeasible
    from sim import Scenario, ScenarioError

    from ..outputs import write_plan_run
    from ..plan_loop import run_plan
    from .rostering import read_requirements

    scenario = Scenario.from_yaml(args.scenario)
    options.check_out(args.out)
    requirements, source = None, f"staff --method {args.method}"
    if args.requirements is not None:
        requirements, source = (
            read_requirements(args.requirements, scenario),
            args.requirements.name,
        )
    started = time.perf_counter()
    try:
        result = run_plan(
            scenario,
            requirements=requirements,
            method=args.method,
            seed=args.seed,
            replications=args.replications,
            rounds=args.rounds,
            time_limit=args.time_limit,
            gap=args.gap,
            goal=args.goal,
            workers=args.workers,
            say=lambda text: options.say(args, f"  {text}"),
        )
    except RosterInfeasible as exc:
        raise ScenarioError(exc.problems, args.scenario.name) from None
    except ScenarioError as exc:
        raise exc if exc.source else exc.with_source(args.scenario.name) from None
    except NoRosterFound as exc:
        raise options.CommandFailed(str(exc)) from None
    out = args.out
    plan = result.roster
    final = result.rounds[result.rounds["kept"]].iloc[0]
    written, audit = write_plan_run(
        out,
        result,
        scenario,
        args.scenario,
        source=source,
        seed=args.seed,
        replications=args.replications,
        goal=args.goal,
        started=started,
    )
    written += options.finish_report(args, out)
    meeting = final["intervals_meeting_share"]
    options.say(
        args,
        f"{scenario.name}: plan in {time.perf_counter() - started:.1f} s, round "
        f"{int(final['round'])} kept: {len(plan.roster)} shifts for "
        f"{plan.roster['agent'].nunique()} agents, cost {final['cost']:,.0f} (objective "
        f"{plan.report.objective:,.0f}); simulated "
        f"service level meets the target in {meeting:.1%} of intervals with inquiries; "
        f"labour-rule audit: {audit['violations'] or 'no'} violation(s)",
    )
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
