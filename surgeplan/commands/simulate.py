"""``run_sim.py simulate``: simulate a scenario and write per-interval queue metrics."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import options

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "simulate",
        help="simulate a scenario and write per-interval queue metrics",
        description=(
            "Simulate a scenario and write summary.json, intervals.csv, types.csv and pools.csv "
            "into --out."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py simulate scenarios/double11.yaml --out out/\n"
            "  python run_sim.py simulate scenarios/weekday.yaml --out out/ "
            "--replications 16 --workers 2\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_run_options(cmd, replications=1, what="independent days")
    staffing_source = cmd.add_mutually_exclusive_group()
    staffing_source.add_argument(
        "--staffing",
        type=Path,
        help="CSV with columns interval_start, pool, agents overriding the scenario's agents",
    )
    staffing_source.add_argument(
        "--roster",
        type=Path,
        help=(
            "roster.csv (from roster or plan, or edited by hand): simulate its agents on duty, "
            "breaks where rostered, less shrinkage and absenteeism"
        ),
    )
    options.add_report(cmd)
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def _format_metric(value: object, fmt: str) -> str:
    from sim.metrics import point_value

    value = point_value(value)
    return "n/a" if value is None else format(value, fmt)


def _funnel_differs(funnel: dict) -> bool:
    """Whether customers and contacts part ways (retrials, e-mail): then the funnel says more
    than the contact counts."""
    per_rep = funnel["per_replication"]
    return any(rep["inquiries"] != rep["answered"] + rep["lost"] for rep in per_rep)


def run(args: argparse.Namespace) -> int:
    from sim import Scenario, simulate

    from ..outputs import write_simulate_run
    from ..progress import progress_bar
    from ..staffing_file import read_staffing_csv

    scenario = Scenario.from_yaml(args.scenario)
    staffing = read_staffing_csv(args.staffing, scenario) if args.staffing else None
    if args.roster is not None:
        from optimize.audit.roster_file import read_roster_csv

        from ..roster_staffing import rostered_staffing

        horizon = scenario.horizon
        shifts = read_roster_csv(args.roster, horizon.start, horizon.end, scenario.pools, None)
        scenario, staffing = rostered_staffing(shifts, scenario)
    options.check_out(args.out)
    started = time.perf_counter()
    with progress_bar("simulating", enabled=not args.quiet) as progress:
        result = simulate(
            scenario,
            seed=args.seed,
            replications=args.replications,
            workers=args.workers,
            staffing=staffing,
            progress=progress,
        )
    elapsed = time.perf_counter() - started
    out = args.out
    written = write_simulate_run(
        out,
        result,
        scenario,
        args.scenario,
        seed=args.seed,
        replications=args.replications,
        staffing=str(args.staffing or args.roster or "scenario"),
    )
    s = result.summary
    options.say(
        args,
        f"{scenario.name}: {args.replications} replication(s), seed {args.seed}, "
        f"{elapsed:.1f} s\n"
        f"  offered {_format_metric(s['offered'], ',.0f')}, "
        f"service level {_format_metric(s['service_level'], '.1%')} "
        f"(target {scenario.service_level.target:.0%} in "
        f"{scenario.service_level.answer_within:g} s), "
        f"ASA {_format_metric(s['asa_seconds'], '.1f')} s, "
        f"abandoned {_format_metric(s['abandon_rate'], '.1%')}, "
        f"occupancy {_format_metric(s['occupancy'], '.1%')}\n"
        f"  intervals meeting target: {_format_metric(s['intervals_meeting_target'], '.0%')}",
    )
    funnel = s["funnel"]
    if s["containment_rate"] is not None or _funnel_differs(funnel):
        options.say(
            args,
            f"  customers: {_format_metric(funnel['inquiries'], ',.0f')} inquiries, "
            f"{_format_metric(funnel['resolved_by_bot'], ',.0f')} resolved by a bot "
            f"(containment {_format_metric(s['containment_rate'], '.1%')}), "
            f"{_format_metric(funnel['answered'], ',.0f')} answered by people, "
            f"{_format_metric(funnel['lost'], ',.0f')} lost, "
            f"{_format_metric(funnel['still_open'], ',.0f')} still open",
        )
    if "busyness" in s:
        busyness = s["busyness"]
        low, high = min(busyness["day_factors"]), max(busyness["day_factors"])
        spread = f"{low:.3f}" if low == high else f"{low:.3f} to {high:.3f}"
        options.say(
            args,
            f"  random days (busyness {busyness['dist']} with cv {busyness['cv']:g}): "
            f"arrival rates × {spread}; days meeting target: "
            f"{_format_metric(busyness['days_meeting_target'], '.0%')}",
        )
    if args.verbose:
        worst = result.intervals.nsmallest(5, "service_level")
        print("  lowest service level intervals:")
        for row in worst.itertuples():
            print(
                f"    {row.interval_start}  service level {row.service_level:.1%}  "
                f"offered {row.offered:g}  agents {row.agents}"
            )
    written += options.finish_report(args, out)
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
