"""The files a run writes into its output directory, shared by the commands and the Python API.

Every file is written atomically (:mod:`surgeplan.io`); the names and columns are those of the
README's "Output files".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from .io import write_csv, write_json
from .run_record import write_run_record

if TYPE_CHECKING:
    import pandas as pd

    from sim import Scenario, SimulationResult

    from .plan_loop import PlanResult

__all__ = [
    "audit_summary",
    "ROSTER_TIMES",
    "plan_summary",
    "write_plan",
    "write_plan_run",
    "write_roster_csv",
    "write_simulate_run",
    "write_simulation",
]


# roster.csv's time columns, written as ``YYYY-MM-DD HH:MM`` (``date`` as ``YYYY-MM-DD``).
ROSTER_TIMES = ["date", "shift_start", "shift_end", "break_start", "break_end"]


def write_roster_csv(path: Path, roster: pd.DataFrame) -> Path:
    """``roster`` (datetimes) as roster.csv, its times as every other file writes them."""
    from .commands.rostering import stamp_columns

    return write_csv(path, stamp_columns(roster, ROSTER_TIMES))


def write_simulation(
    out: Path, result: SimulationResult, summary: dict | None = None
) -> list[Path]:
    """The simulation's tables and ``summary.json`` (``summary`` replaces the result's own)."""
    out = Path(out)
    written = [
        write_csv(out / "intervals.csv", result.intervals),
        write_csv(out / "types.csv", result.types),
        write_csv(out / "pools.csv", result.pools),
        write_csv(out / "pools_by_type.csv", result.pools_by_type),
        write_csv(out / "channels.csv", result.channels),
    ]
    for name, table in (
        ("bots.csv", result.bots),
        ("complaints.csv", result.complaints),
        ("early_warnings.csv", result.early_warnings),
    ):
        if table is not None:
            written.append(write_csv(out / name, table))
    written.append(write_json(out / "summary.json", summary or result.summary))
    return written


def plan_summary(
    result: PlanResult, scenario: Scenario, source: str, replications: int, goal: float | None
) -> dict:
    """``summary.json`` of a plan: the verification's summary plus the plan's own lines."""
    final = result.rounds[result.rounds["kept"]].iloc[0]
    return {
        **result.verification.summary,
        "plan": {
            "requirements": source,
            "rounds_run": len(result.rounds) - 1,
            "round_kept": int(final["round"]),
            "goal_intervals_meeting": (
                scenario.service_level.intervals_meeting if goal is None else goal
            ),
            "goal_met": bool(final["meets_goal"]),
            "replications": replications,
        },
    }


def audit_summary(result: PlanResult, scenario: Scenario) -> tuple[pd.DataFrame, dict]:
    """The independent labour-rule audit of the plan's roster: its violations table and
    ``{violations, by_rule, shifts, agents}`` for ``run.json``."""
    from optimize.audit import audit

    horizon = scenario.horizon
    roster = result.roster.roster
    agents = list(result.roster.agents)
    violations = audit(roster, agents, result.section, horizon.start, horizon.end)
    summary = {
        "violations": len(violations),
        "by_rule": {str(k): int(v) for k, v in violations["rule"].value_counts().items()},
        "shifts": len(roster),
        "agents": int(roster["agent"].nunique()) if len(roster) else 0,
    }
    return violations, summary


def write_plan(
    out: Path,
    result: PlanResult,
    scenario: Scenario,
    *,
    source: str,
    replications: int,
    goal: float | None,
    started: float | None = None,
) -> list[Path]:
    """Every file of ``plan``: the roster and its exports, coverage, solve.json, the kept
    round's requirements and verification tables, rounds.csv. ``started`` is the
    ``time.perf_counter()`` reading solve.json's wall time counts from."""
    from .commands.rostering import solve_summary, stamp_columns
    from .exports import write_exports

    out = Path(out)
    plan = result.roster
    final = result.rounds[result.rounds["kept"]].iloc[0]
    raised = f"{source}, raised in {int(final['round'])} round(s)"
    began = time.perf_counter() if started is None else started
    solve = solve_summary(scenario, plan, "agents", raised, "soft", began)
    summary = plan_summary(result, scenario, source, replications, goal)
    return [
        write_roster_csv(out / "roster.csv", plan.roster),
        write_csv(out / "coverage.csv", stamp_columns(plan.coverage, ["interval_start"])),
        write_json(out / "solve.json", solve),
        *write_exports(
            out, plan.roster, plan.agents, scenario.model_copy(update={"roster": result.section})
        ),
        write_csv(out / "requirements.csv", stamp_columns(result.requirements, ["interval_start"])),
        *write_simulation(out, result.verification, summary),
        write_csv(out / "rounds.csv", result.rounds),
    ]


def write_simulate_run(
    out: Path,
    result: SimulationResult,
    scenario: Scenario,
    scenario_file: str | Path | None,
    *,
    seed: int,
    replications: int,
    **record,
) -> list[Path]:
    """Everything ``simulate`` writes but the report: the tables, summary.json, run.json."""
    return [
        *write_simulation(out, result),
        write_run_record(
            out, "simulate", scenario, scenario_file, seed=seed, replications=replications, **record
        ),
    ]


def write_plan_run(
    out: Path,
    result: PlanResult,
    scenario: Scenario,
    scenario_file: str | Path | None,
    *,
    source: str,
    seed: int,
    replications: int,
    goal: float | None,
    started: float | None = None,
) -> tuple[list[Path], dict]:
    """Everything ``plan`` writes but the report (:func:`write_plan` and run.json with the
    roster's audit); the paths and the audit's summary."""
    written = write_plan(
        out,
        result,
        scenario,
        source=source,
        replications=replications,
        goal=goal,
        started=started,
    )
    _, audit = audit_summary(result, scenario)
    written.append(
        write_run_record(
            out,
            "plan",
            scenario,
            scenario_file,
            seed=seed,
            replications=replications,
            method=result.method,
            audit=audit,
        )
    )
    return written, audit
