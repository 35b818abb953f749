"""surgeplan from Python: the command line's steps as functions (notebooks, scripts).

Each function takes a :class:`~sim.Scenario` or the path of a scenario file and returns the
tables the command would write; ``out=`` (where a command writes files) writes the same files,
``run.json`` and ``report.html`` into that directory. Defaults are the commands' defaults,
except ``workers`` (one process unless asked: a notebook shares its machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sim import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from optimize.roster import RosterPlan
    from optimize.staffing import StaffingResult
    from sim import SimulationResult

    from .plan_loop import PlanResult

__all__ = [
    "audit",
    "export_roster",
    "load",
    "plan",
    "report",
    "roster",
    "simulate",
    "staff",
]

ScenarioLike = Scenario | str | Path


def load(scenario: ScenarioLike) -> Scenario:
    """``scenario`` itself, or the scenario file at that path read and validated
    (:meth:`Scenario.from_yaml`; a problem raises :class:`~sim.ScenarioError`)."""
    return scenario if isinstance(scenario, Scenario) else Scenario.from_yaml(scenario)


def _file(scenario: ScenarioLike) -> Path | None:
    return None if isinstance(scenario, Scenario) else Path(scenario)


def simulate(
    scenario: ScenarioLike,
    *,
    seed: int = 0,
    replications: int = 1,
    workers: int = 1,
    staffing: dict | None = None,
    roster: pd.DataFrame | None = None,
    out: str | Path | None = None,
    report: bool = True,
) -> SimulationResult:
    """Simulate ``scenario`` (``run_sim.py simulate``). ``staffing`` maps pools to agents per
    interval; ``roster`` (roster.csv's columns, e.g. ``plan(...).roster.roster``) puts its
    agents on duty instead. With ``out``, writes the simulate files (and the report)."""
    from sim import simulate as run

    from .roster_staffing import rostered_staffing

    scenario_file, scenario = _file(scenario), load(scenario)
    if roster is not None:
        scenario, staffing = rostered_staffing(roster, scenario)
    result = run(scenario, seed=seed, replications=replications, workers=workers, staffing=staffing)
    if out is not None:
        from .outputs import write_simulate_run

        write_simulate_run(
            Path(out), result, scenario, scenario_file, seed=seed, replications=replications
        )
        _report(out, report)
    return result


def staff(
    scenario: ScenarioLike,
    method: str = "isa",
    *,
    confidence: float | None = None,
    seed: int = 0,
    replications: int = 16,
    workers: int = 1,
    on_iteration: Callable[[int, int], None] | None = None,
) -> StaffingResult:
    """Staffing requirements (``run_sim.py staff``) by ``method`` (``erlang``, ``lagged``,
    ``isa``) for the scenario's service-level target; ``.table`` has requirements.csv's
    columns."""
    from optimize.staffing import Targets
    from optimize.staffing import staff as run

    scenario = load(scenario)
    targets = Targets(scenario.service_level.answer_within, scenario.service_level.target)
    return run(
        scenario,
        method,
        targets=targets,
        confidence=confidence,
        seed=seed,
        replications=replications,
        workers=workers,
        on_iteration=on_iteration,
    )


def roster(
    scenario: ScenarioLike,
    requirements: pd.DataFrame | StaffingResult,
    *,
    time_limit: float = 60.0,
    gap: float = 0.01,
) -> RosterPlan:
    """A lawful roster (``run_sim.py roster``) for ``requirements`` (a :func:`staff` result,
    or ``interval_start, pool, required``): the scenario's agents and rules from its
    ``roster:`` section, or the documented defaults sized from the requirements."""
    from optimize.roster import default_roster_section, plan_roster
    from optimize.roster import requirements_from_staffing as from_staffing

    from .agents_file import roster_agents

    scenario = load(scenario)
    if hasattr(requirements, "table"):
        requirements = from_staffing(requirements.table)
    section = scenario.roster or default_roster_section(requirements, scenario.horizon)
    agents = roster_agents(scenario, section)
    return plan_roster(
        requirements, agents, section, scenario.horizon, time_limit=time_limit, gap=gap
    )


def plan(
    scenario: ScenarioLike,
    *,
    method: str = "isa",
    seed: int = 0,
    replications: int = 16,
    rounds: int = 3,
    time_limit: float = 60.0,
    gap: float = 0.01,
    goal: float | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    report: bool = True,
    say: Callable[[str], None] = lambda text: None,
) -> PlanResult:
    """The plan loop (``run_sim.py plan``): requirements, roster, verification, repair.
    ``.roster.roster`` is the roster, ``.rounds`` rounds.csv, ``.verification`` the kept
    round's simulation. With ``out``, writes every file of the command and the report."""
    from .plan_loop import run_plan

    scenario_file, scenario = _file(scenario), load(scenario)
    started = time.perf_counter()
    result = run_plan(
        scenario,
        method=method,
        seed=seed,
        replications=replications,
        rounds=rounds,
        time_limit=time_limit,
        gap=gap,
        goal=goal,
        workers=workers,
        say=say,
    )
    if out is not None:
        from .outputs import write_plan_run

        write_plan_run(
            Path(out),
            result,
            scenario,
            scenario_file,
            source=f"staff --method {method}",
            seed=seed,
            replications=replications,
            goal=goal,
            started=started,
        )
        _report(out, report)
    return result


def audit(roster: pd.DataFrame, scenario: ScenarioLike) -> pd.DataFrame:
    """Every labour-rule violation of ``roster`` under the scenario's rules
    (``run_sim.py audit``): ``agent, date, rule, detail, excess``; empty when lawful."""
    from optimize.audit import audit as check

    from .agents_file import audit_agents, hired

    scenario = load(scenario)
    horizon = scenario.horizon
    known = audit_agents(scenario)
    agents = None if known is None else hired(*known, roster["agent"])
    return check(roster, agents, scenario.roster, horizon.start, horizon.end)


def export_roster(
    roster: RosterPlan | PlanResult, scenario: ScenarioLike, out: str | Path
) -> list[Path]:
    """Write ``roster.csv``, ``roster.xlsx`` (a sheet per pool, agents × days),
    ``roster.ics`` (one calendar event per shift) and ``agents_summary.csv`` into ``out``
    for a :func:`roster` or :func:`plan` result; the paths written. A :func:`roster` result
    needs a scenario with a ``roster:`` section (contracts and rules to export against, as
    ``run_sim.py roster`` does); a :func:`plan` result carries the section it used."""
    from .exports import write_exports
    from .outputs import write_roster_csv

    scenario = load(scenario)
    if hasattr(roster, "section"):  # a plan: its rules may add cross-trained pools
        scenario = scenario.model_copy(update={"roster": roster.section})
        roster = roster.roster
    out = Path(out)
    return [
        write_roster_csv(out / "roster.csv", roster.roster),
        *write_exports(out, roster.roster, roster.agents, scenario),
    ]


def report(directory: str | Path) -> Path:
    """Write ``directory/report.html`` from the run files it holds; its path."""
    from .reports import write_report

    return write_report(directory)


def _report(out: str | Path, wanted: bool) -> None:
    if wanted:
        report(out)
