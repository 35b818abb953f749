"""Command line: ``python run_sim.py COMMAND ...`` (also installed as ``surgeplan``).

Exit status: 0 success, 2 bad input (scenario, staffing file or arguments; one line per
problem, nothing written), 130 interrupted (files already written stay whole).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from optimize.audit import audit, read_roster_csv
from optimize.staffing import METHODS, StaffingResult, Targets, staff
from optimize.workforce import Agent
from sim import Problem, Scenario, ScenarioError, simulate
from sim.durations import parse_duration
from sim.scenario import TIMESTAMP_FORMAT

from .io import write_csv, write_json
from .plan_command import add_plan_command, cmd_plan
from .plots import requirements_figure, save_figure
from .progress import progress_bar
from .staffing_file import read_staffing_csv

__all__ = ["main"]

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

EXAMPLES = """\
examples:
  python run_sim.py plan scenarios/double11.yaml --out out/
  python run_sim.py validate scenarios/double11.yaml
  python run_sim.py simulate scenarios/double11.yaml --out out/
  python run_sim.py simulate scenarios/weekday.yaml --out out/ --replications 16 --workers 2
  python run_sim.py simulate scenarios/weekday.yaml --out out/ --staffing staffing.csv
  python run_sim.py simulate scenarios/double11.yaml --out check/ --roster out/roster.csv
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}")
    return value


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in (0, 1], got {text!r}")
    return value


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    # 1 would mean the busiest day there can be: for an unbounded factor, infinite staffing.
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a fraction strictly between 0 and 1 (e.g. 0.9), got {text!r}"
        )
    return value


def _methods(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in METHODS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"must be methods from {', '.join(METHODS)} separated by commas, got {text!r}"
        )
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="run_sim.py",
        description="surgeplan: simulate and staff customer-service queues through a promotion.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def add_run_options(sub: argparse.ArgumentParser, replications: int, what: str) -> None:
        sub.add_argument("scenario", type=Path, help="scenario YAML file")
        sub.add_argument("--out", type=Path, required=True, help="output directory")
        sub.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
        sub.add_argument(
            "--replications",
            type=_positive_int,
            default=replications,
            help=f"{what} (default {replications})",
        )
        sub.add_argument(
            "--workers", type=_positive_int, default=1, help="parallel processes (default 1)"
        )

    def add_verbosity(sub: argparse.ArgumentParser) -> None:
        group = sub.add_mutually_exclusive_group()
        group.add_argument("-q", "--quiet", action="store_true", help="print only errors")
        group.add_argument("-v", "--verbose", action="store_true", help="print more detail")

    validate = commands.add_parser(
        "validate",
        help="check a scenario file and print a one-line summary",
        description="Check a scenario file; print a one-line summary, or every problem found.",
        epilog="example:\n  python run_sim.py validate scenarios/double11.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("scenario", type=Path, help="scenario YAML file")
    add_verbosity(validate)

    sim_cmd = commands.add_parser(
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
    add_run_options(sim_cmd, replications=1, what="independent days")
    staffing_source = sim_cmd.add_mutually_exclusive_group()
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
    add_verbosity(sim_cmd)

    staff_cmd = commands.add_parser(
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
    add_run_options(staff_cmd, replications=16, what="replications per ISA iteration")
    staff_cmd.add_argument(
        "--method", choices=METHODS, default="isa", help="staffing method (default isa)"
    )
    staff_cmd.add_argument(
        "--compare",
        type=_methods,
        default=(),
        help="other methods to compute alongside, comma-separated (e.g. erlang,lagged)",
    )
    staff_cmd.add_argument(
        "--max-iterations", type=_positive_int, default=20, help="ISA iteration cap (default 20)"
    )
    staff_cmd.add_argument("--max-asa", type=_duration, help="cap on ASA, e.g. 30s")
    staff_cmd.add_argument(
        "--max-abandon", type=_fraction, help="cap on the abandonment rate, e.g. 0.05"
    )
    staff_cmd.add_argument("--max-occupancy", type=_fraction, help="cap on occupancy, e.g. 0.9")
    staff_cmd.add_argument(
        "--confidence",
        type=_confidence,
        help=(
            "staff so that the targets hold on this share of the scenario's random days, "
            "e.g. 0.9 (needs a busyness section; default: the mean day)"
        ),
    )
    add_verbosity(staff_cmd)
    _add_audit_command(commands, add_verbosity)
    _add_roster_command(commands, add_verbosity)
    add_plan_command(
        commands,
        add_verbosity,
        {
            "seed": _seed,
            "whole": _seed,  # any whole number ≥ 0
            "count": _positive_int,
            "seconds": _positive_seconds,
            "gap": _gap,
        },
    )
    return parser


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text)


def _cmd_validate(args: argparse.Namespace) -> int:
    scenario = Scenario.from_yaml(args.scenario)
    _say(args, f"ok: {scenario.summary_line()}")
    return 0


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ScenarioError(Problem("--out", f"{out} exists and is not a directory"))


def _format_metric(value: object, fmt: str) -> str:
    if isinstance(value, dict):
        value = value.get("mean")
    return "n/a" if value is None else format(value, fmt)


def _cmd_simulate(args: argparse.Namespace) -> int:
    scenario = Scenario.from_yaml(args.scenario)
    staffing = read_staffing_csv(args.staffing, scenario) if args.staffing else None
    if args.roster is not None:
        from .plan import rostered_staffing

        horizon = scenario.horizon
        shifts = read_roster_csv(args.roster, horizon.start, horizon.end, scenario.pools, None)
        scenario, staffing = rostered_staffing(shifts, scenario)
    _check_out(args.out)
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
    written = [
        write_csv(out / "intervals.csv", result.intervals),
        write_csv(out / "types.csv", result.types),
        write_csv(out / "pools.csv", result.pools),
        write_json(out / "summary.json", result.summary),
    ]
    s = result.summary
    _say(
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
    if "busyness" in s:
        busyness = s["busyness"]
        low, high = min(busyness["day_factors"]), max(busyness["day_factors"])
        spread = f"{low:.3f}" if low == high else f"{low:.3f} to {high:.3f}"
        _say(
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
    for path in written:
        _say(args, f"  wrote {path}")
    return 0


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


def _cmd_staff(args: argparse.Namespace) -> int:
    scenario = Scenario.from_yaml(args.scenario)
    _check_out(args.out)
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
    _say(args, "\n".join(lines))
    if main_result.converged is False and not args.quiet:
        print(
            "  warning: ISA stopped at --max-iterations; staffing is the last iterate",
            file=sys.stderr,
        )
    for path in written:
        _say(args, f"  wrote {path}")
    return 0


# -- audit: the independent labour-rule check of a roster ---------------------------------

EXIT_VIOLATIONS = 1


def _add_audit_command(
    commands: argparse._SubParsersAction,
    add_verbosity: Callable[[argparse.ArgumentParser], None],
) -> None:
    audit_cmd = commands.add_parser(
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
    audit_cmd.add_argument(
        "roster",
        type=Path,
        help="roster CSV: agent, pool, date, shift_start, shift_end, break_start, break_end",
    )
    audit_cmd.add_argument("--scenario", type=Path, required=True, help="scenario YAML file")
    audit_cmd.add_argument("--out", type=Path, help="also write the violations to this CSV file")
    add_verbosity(audit_cmd)


def _audit_agents(scenario: Scenario, path: Path) -> list[Agent] | None:
    """The scenario's agents; ``None`` without a roster section (whoever the roster names)."""
    if scenario.roster is None:
        return None
    # Imported here: only scenarios with named agents need the reader (and openpyxl).
    from .agents_file import load_agents

    return load_agents(scenario, path)


def _cmd_audit(args: argparse.Namespace) -> int:
    scenario = Scenario.from_yaml(args.scenario)
    if args.out is not None and args.out.is_dir():
        raise ScenarioError(Problem("--out", f"{args.out} is a directory; expected a file name"))
    agents = _audit_agents(scenario, args.scenario)
    horizon = scenario.horizon
    roster = read_roster_csv(args.roster, horizon.start, horizon.end, scenario.pools, agents)
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
        _say(args, f"no violations: {checked}")
    else:
        _say(args, f"{len(violations)} violation(s): {checked}")
    if args.verbose and not violations.empty:
        for rule, count in violations["rule"].value_counts().sort_index().items():
            print(f"  {rule}: {count}")
    if written is not None:
        _say(args, f"  wrote {written}")
    return EXIT_VIOLATIONS if not violations.empty else 0


# -- roster: shifts for named agents (or shift counts) covering the requirements -----------


def _positive_seconds(text: str) -> float:
    try:
        value = parse_duration(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a duration > 0 (e.g. 60 or 2min), got {text!r}")
    return value


def _gap(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in [0, 1) (e.g. 0.01), got {text!r}")
    return value


def _add_roster_command(
    commands: argparse._SubParsersAction,
    add_verbosity: Callable[[argparse.ArgumentParser], None],
) -> None:
    roster_cmd = commands.add_parser(
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
    roster_cmd.add_argument("scenario", type=Path, help="scenario YAML file")
    roster_cmd.add_argument("--out", type=Path, required=True, help="output directory")
    roster_cmd.add_argument(
        "--requirements",
        type=Path,
        help="requirements CSV (interval_start, pool, agents[, agents_rostered]), e.g. from staff",
    )
    roster_cmd.add_argument(
        "--level",
        choices=("agents", "shifts"),
        default="agents",
        help="agents: named agents under every rule (default); shifts: shift counts only",
    )
    roster_cmd.add_argument(
        "--time-limit",
        type=_positive_seconds,
        default=60.0,
        help="solver time limit in seconds (default 60)",
    )
    roster_cmd.add_argument(
        "--gap", type=_gap, default=0.01, help="relative optimality gap to stop at (default 0.01)"
    )
    roster_cmd.add_argument(
        "--coverage",
        choices=("soft", "hard"),
        default="soft",
        help="soft: shortfall allowed at its price (default); hard: every requirement met",
    )
    roster_cmd.add_argument(
        "--method",
        choices=METHODS,
        default="lagged",
        help="staffing method when there is no --requirements (default lagged)",
    )
    roster_cmd.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    add_verbosity(roster_cmd)


def _roster_requirements(args: argparse.Namespace, scenario: Scenario) -> tuple[pd.DataFrame, str]:
    """Heads to roster per interval and pool, and where they came from."""
    from optimize.roster import requirements_from_staffing

    if args.requirements is None:
        targets = Targets(
            answer_within_seconds=scenario.service_level.answer_within,
            service_level=scenario.service_level.target,
        )
        try:
            result = staff(scenario, args.method, targets=targets, seed=args.seed)
        except ScenarioError as exc:
            raise exc if exc.source else exc.with_source(args.scenario.name) from None
        return requirements_from_staffing(result.table), f"staff --method {args.method}"
    agents = read_staffing_csv(args.requirements, scenario)  # validates every row
    starts = scenario.horizon.interval_starts()
    rows = [
        (start, pool, float(heads[k]))
        for pool, heads in agents.items()
        for k, start in enumerate(starts)
    ]
    table = pd.DataFrame(rows, columns=["interval_start", "pool", "required"])
    header = pd.read_csv(args.requirements, nrows=0, encoding="utf-8-sig").columns
    if "agents_rostered" in [name.strip() for name in header]:
        paid = pd.read_csv(args.requirements, encoding="utf-8-sig", skipinitialspace=True)
        paid.columns = [name.strip() for name in paid.columns]
        heads = pd.to_numeric(paid["agents_rostered"], errors="coerce")
        bad = heads.isna() | (heads < 0) | (heads % 1 != 0)
        if bad.any():
            line = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise ScenarioError(
                Problem(f"line {line}", "agents_rostered must be a whole number ≥ 0"),
                args.requirements.name,
            )
        when = pd.to_datetime(paid["interval_start"].astype(str).str.strip())
        pools = paid["pool"].astype(str).str.strip()
        paid_heads = dict(zip(zip(when, pools, strict=True), heads, strict=True))
        table["required"] = [
            paid_heads.get((pd.Timestamp(start), pool), required)
            for start, pool, required in table.itertuples(index=False)
        ]
    return table, args.requirements.name


def solve_summary(
    scenario: Scenario, plan, level: str, source: str, coverage: str, started: float
) -> dict[str, object]:
    """The contents of solve.json for a roster (``level`` agents) or shift plan."""
    summary = {
        "scenario": scenario.name,
        "level": level,
        "requirements": source,
        "coverage": coverage,
        "roster_section": "scenario" if scenario.roster is not None else "defaults",
        **plan.report.to_dict(),
        "costs": plan.costs,
        "shortfall_agent_hours": float(plan.coverage["shortfall"].sum())
        * scenario.horizon.interval
        / 3600,
        "wall_seconds": time.perf_counter() - started,
    }
    if level == "agents":
        summary["shifts"] = len(plan.roster)
        summary["agents_rostered"] = int(plan.roster["agent"].nunique())
        summary["fairness"] = plan.fairness.to_dict("records")
    return summary


def _stamp_columns(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Datetimes as ``YYYY-MM-DD HH:MM`` (dates as ``YYYY-MM-DD``), empty where missing."""
    out = table.copy()
    for column in columns:
        out[column] = [
            ""
            if value is None or pd.isna(value)
            else pd.Timestamp(value).strftime("%Y-%m-%d" if column == "date" else TIMESTAMP_FORMAT)
            for value in out[column]
        ]
    return out


def _cmd_roster(args: argparse.Namespace) -> int:
    from optimize.roster import (
        NoRosterFound,
        RosterInfeasible,
        default_roster_section,
        plan_roster,
        plan_shifts,
    )
    from optimize.workforce import agents_from_classes

    scenario = Scenario.from_yaml(args.scenario)
    _check_out(args.out)
    requirements, source = _roster_requirements(args, scenario)
    section = scenario.roster or default_roster_section(requirements, scenario.horizon)
    hard = args.coverage == "hard"
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
            table = _stamp_columns(plan.shifts, ["date", "shift_start", "shift_end"])
            name = "shifts.csv"
        else:
            if scenario.roster is not None:
                from .agents_file import load_agents

                agents = load_agents(scenario, args.scenario)
            else:
                agents = agents_from_classes(section)
            plan = plan_roster(
                requirements,
                agents,
                section,
                scenario.horizon,
                time_limit=args.time_limit,
                gap=args.gap,
                hard_coverage=hard,
            )
            table = _stamp_columns(
                plan.roster, ["date", "shift_start", "shift_end", "break_start", "break_end"]
            )
            name = "roster.csv"
    except RosterInfeasible as exc:
        raise ScenarioError(exc.problems, args.scenario.name) from None
    except NoRosterFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = plan.report
    coverage = _stamp_columns(plan.coverage, ["interval_start"])
    summary = solve_summary(scenario, plan, args.level, source, args.coverage, started)
    written = [
        write_csv(out / name, table),
        write_csv(out / "coverage.csv", coverage),
        write_json(out / "solve.json", summary),
    ]
    if args.level == "agents" and scenario.roster is not None:
        try:
            from .exports import write_exports
        except ImportError:
            write_exports = None
        if write_exports is not None:
            written += write_exports(out, plan.roster, plan.agents, scenario)
    gap = "n/a" if report.gap is None else f"{report.gap:.2%}"
    _say(
        args,
        f"{scenario.name}: {args.level} roster {report.status} in {report.seconds:.1f} s "
        f"(objective {report.objective:,.2f}, bound {report.best_bound:,.2f}, gap {gap}); "
        f"shortfall {summary['shortfall_agent_hours']:,.1f} agent-hours",
    )
    if args.verbose:
        for part, value in plan.costs.items():
            print(f"  {part}: {value:,.2f}")
    for path in written:
        _say(args, f"  wrote {path}")
    return 0


COMMANDS = {"validate": _cmd_validate, "simulate": _cmd_simulate, "staff": _cmd_staff}
COMMANDS["audit"] = _cmd_audit
COMMANDS["roster"] = _cmd_roster
COMMANDS["plan"] = cmd_plan


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        # Typically an --out directory that cannot be written; already written files are whole.
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted: files already written are complete; others were not written",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
