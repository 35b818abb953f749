"""``run_sim.py staff``: agents needed per pool and interval, with a chart."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from optimize.staffing import METHODS

from . import options

if TYPE_CHECKING:
    from optimize.staffing import StaffingResult
    from sim import Scenario

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "staff",
        help="compute agents needed per pool and interval",
        description=(
            "Compute the agents each pool needs in each interval to meet the service targets; "
            "write requirements.csv and requirements.png into --out."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py staff scenarios/double11.yaml --method isa --out out/\n"
            "  python run_sim.py staff scenarios/double11.yaml --method lagged --out out/ "
            "--compare erlang,isa\n"
            "  python run_sim.py staff scenarios/double11.yaml --method erlang --out out/ "
            "--confidence 0.9\n"
            "  python run_sim.py simulate scenarios/double11.yaml --out check/ "
            "--staffing out/requirements.csv\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_run_options(cmd, replications=16, what="replications per ISA iteration")
    cmd.add_argument(
        "--method", choices=METHODS, default="isa", help="staffing method (default isa)"
    )
    cmd.add_argument(
        "--compare",
        type=options.methods,
        default=(),
        help="other methods to compute alongside, comma-separated (e.g. erlang,lagged)",
    )
    cmd.add_argument(
        "--max-iterations",
        type=options.positive_int,
        default=20,
        help="ISA iteration cap (default 20)",
    )
    cmd.add_argument("--max-asa", type=options.duration, help="cap on ASA, e.g. 30s")
    cmd.add_argument(
        "--max-abandon", type=options.fraction, help="cap on the abandonment rate, e.g. 0.05"
    )
    cmd.add_argument("--max-occupancy", type=options.fraction, help="cap on occupancy, e.g. 0.9")
    cmd.add_argument(
        "--confidence",
        type=options.confidence,
        help=(
            "staff so that the targets hold on this share of the scenario's random days, "
            "e.g. 0.9 (needs a busyness section; default: the mean day)"
        ),
    )
    options.add_report(cmd)
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def _day_staffed(scenario: Scenario, result: StaffingResult) -> str:
    """Which day the requirements are for, when the scenario's days are random."""
    busyness = scenario.busyness
    if busyness is None:
        return ""
    law = f"busyness {busyness.dist} with cv {busyness.cv:g}"
    if result.confidence is None:
        busier = 1.0 - float(busyness.cdf(1.0))
        return (
            f"staffed for the mean day ({law}): about {busier:.0%} of days are busier and may "
            "fall short; --confidence q staffs for a share q of days"
        )
    return (
        f"confidence {result.confidence:g}: staffed for the day at the {result.confidence:g} "
        f"quantile of {law}, every arrival rate × {result.busyness_factor:.4f}"
    )


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from optimize.staffing import Targets, staff
    from sim import Scenario, ScenarioError

    from ..io import write_csv
    from ..plots import requirements_figure, save_figure
    from ..progress import progress_bar
    from ..run_record import write_run_record

    scenario = Scenario.from_yaml(args.scenario)
    options.check_out(args.out)
    targets = Targets(
        answer_within_seconds=scenario.service_level.answer_within,
        service_level=scenario.service_level.target,
        max_asa_seconds=args.max_asa,
        max_abandon_rate=args.max_abandon,
        max_occupancy=args.max_occupancy,
    )
    methods = [args.method, *(m for m in args.compare if m != args.method)]
    results = []
    started = time.perf_counter()
    for method in methods:
        with progress_bar(f"staffing ({method})", enabled=not args.quiet) as progress:
            try:
                result = staff(
                    scenario,
                    method,
                    targets=targets,
                    confidence=args.confidence,
                    seed=args.seed,
                    replications=args.replications,
                    workers=args.workers,
                    max_iterations=args.max_iterations,
                    on_iteration=progress,
                )
            except ScenarioError as exc:
                # What staffing finds wrong is still a problem of this scenario file.
                raise exc if exc.source else exc.with_source(args.scenario.name) from None
            results.append(result)
    elapsed = time.perf_counter() - started
    out = args.out
    main_result = results[0]
    written = [write_csv(out / "requirements.csv", main_result.table)]
    if len(results) > 1:
        every = pd.concat([r.table for r in results], ignore_index=True)
        written.append(write_csv(out / "requirements_compare.csv", every))
    if main_result.iterations is not None:
        written.append(write_csv(out / "isa_iterations.csv", main_result.iterations))
    title = f"{scenario.name}: staffing requirements"
    if args.confidence is not None:
        title += f" for {args.confidence:g} of days (arrivals × {main_result.busyness_factor:.3g})"
    figure = requirements_figure(results, title)
    written.append(save_figure(figure, out / "requirements.png"))
    written.append(
        write_run_record(
            out,
            "staff",
            scenario,
            args.scenario,
            seed=args.seed,
            methods=methods,
            confidence=args.confidence,
            busyness_factor=main_result.busyness_factor,
        )
    )

    counted = set(scenario.counted_interval_starts())
    hours = scenario.horizon.interval / 3600
    lines = [f"{scenario.name}: staffing by {', '.join(methods)} in {elapsed:.1f} s"]
    day = _day_staffed(scenario, main_result)
    if day:
        lines.append(f"  {day}")
    for result in results:
        table = result.table
        in_count = pd.to_datetime(table["interval_start"]).isin(counted)
        agent_hours = table.loc[in_count, "agents"].sum() * hours
        rostered = table.loc[in_count, "agents_rostered"].sum() * hours
        peak = table.groupby("interval_start")["agents"].sum().max()
        line = (
            f"  {result.method}: {agent_hours:,.0f} agent-hours available, "
            f"{rostered:,.0f} rostered, peak {peak} agents"
        )
        if result.iterations is not None:
            state = "converged" if result.converged else "did not converge"
            line += f"; {state} after {len(result.iterations)} iteration(s)"
        lines.append(line)
    options.say(args, "\n".join(lines))
    if main_result.converged is False and not args.quiet:
        print(
            "  warning: ISA stopped at --max-iterations; staffing is the last iterate",
            file=sys.stderr,
        )
    written += options.finish_report(args, out)
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
