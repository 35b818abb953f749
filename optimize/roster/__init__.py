"""The roster model: who works which shift, so that the requirements are covered lawfully.

Two levels:

* :func:`plan_roster` — named agents (``level agents``): a MIP with one binary per agent and
  shift template, every labour rule a constraint family (:mod:`._rules`), coverage soft and
  priced, with overtime, temporary hires and outsourcing as surge levers and a fairness term.
* :func:`plan_shifts` — ``level shifts``: how many shifts of each template each pool needs,
  with no agents and no per-agent rules (:mod:`._shifts`).

Each is built in separate steps: :func:`prepare` (index sets), :func:`create_model`,
:func:`solve` (HiGHS; status, objective, bound, gap, time) and the read-out of tables.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from sim.scenario import Horizon
from sim.scenario.roster import RosterSection

from ..workforce import Agent
from ._data import RosterData, prepare
from ._diagnose import NoRosterFound, RosterInfeasible, diagnose, precheck
from ._extract import (
    COVERAGE_COLUMNS,
    SUMMARY_COLUMNS,
    cost_breakdown,
    coverage_table,
    fairness_table,
    roster_table,
    summary_table,
)
from ._model import RULE_FAMILIES, create_model
from ._shifts import SHIFT_COLUMNS, ShiftPlan, plan_shifts
from ._solve import SolveReport, solve
from ._strategy import STRATEGIES, solve_roster, start_assignment
from .defaults import default_roster_section, requirements_from_staffing

TABLES_PER_AGENT = 0.004  # seconds to turn a solved model into its tables, per agent

__all__ = [
    "COVERAGE_COLUMNS",
    "RULE_FAMILIES",
    "SHIFT_COLUMNS",
    "STRATEGIES",
    "SUMMARY_COLUMNS",
    "NoRosterFound",
    "RosterData",
    "RosterInfeasible",
    "RosterPlan",
    "ShiftPlan",
    "SolveReport",
    "create_model",
    "default_roster_section",
    "plan_roster",
    "plan_shifts",
    "prepare",
    "requirements_from_staffing",
    "solve",
]


@dataclass(frozen=True)
class RosterPlan:
    """A solved roster.

    ``roster``: one row per shift (``ROSTER_COLUMNS``, times as datetimes); ``coverage``:
    :data:`COVERAGE_COLUMNS` per interval and pool; ``summary``: :data:`SUMMARY_COLUMNS` per
    agent; ``fairness``: spread of nights, weekend days and late shifts per comparable group;
    ``costs``: the objective's parts; ``agents``: the agents rostered from, hired temporary
    agents included (what an audit of ``roster`` needs).
    """

    roster: pd.DataFrame
    coverage: pd.DataFrame
    summary: pd.DataFrame
    fairness: pd.DataFrame
    costs: dict[str, float]
    report: SolveReport
    agents: list[Agent] = field(default_factory=list)


def plan_roster(
    requirements: pd.DataFrame,
    agents: Sequence[Agent],
    section: RosterSection,
    horizon: Horizon,
    *,
    time_limit: float = 60.0,
    gap: float = 0.01,
    hard_coverage: bool = False,
    skip: Sequence[str] = (),
    strategy: str = "auto",
    start: pd.DataFrame | None = None,
) -> RosterPlan:
    """Roster ``agents`` to cover ``requirements`` (``interval_start, pool, required``).

    Raises :class:`RosterInfeasible` when the hard rules contradict each other (each problem
    names the rule and the agent), :class:`NoRosterFound` when time ran out before any
    roster was found. ``skip`` leaves rule families out (for analysis only: the result may
    then break those rules). ``strategy``: ``direct``, ``aggregate``, ``tours`` or ``auto``
    (see :mod:`._strategy` and :mod:`._tours`). ``start``: a roster of the same agents
    (``agent, shift_start, shift_end``, e.g. a plan loop's round before) to fall back on,
    adapted to these requirements, where the strategy finds nothing better in time.
    """
    began = time.perf_counter()
    data = prepare(requirements, agents, section, horizon)
    problems = precheck(data)
    if problems:
        raise RosterInfeasible(problems)
    # The limit covers the whole call: preparing hundreds of agents takes seconds too, and
    # the tables after the solve take a moment per agent.
    spent = time.perf_counter() - began + TABLES_PER_AGENT * len(data.agents)
    model, data, report = solve_roster(
        data,
        start=None if start is None else start_assignment(data, start),
        time_limit=max(time_limit - spent, min(time_limit, 1.0)),
        gap=gap,
        hard_coverage=hard_coverage,
        skip=skip,
        strategy=strategy,
    )
    if report.status == "infeasible":
        raise RosterInfeasible(diagnose(data, hard_coverage=hard_coverage))
    if not report.has_plan:
        raise NoRosterFound(
            f"no roster found within the time limit of {time_limit:g} s; allow more time"
        )
    report = replace(report, time_limit_seconds=time_limit)
    summary = summary_table(model, data)
    hired = {name for name in summary.loc[summary["temporary"], "agent"]}
    return RosterPlan(
        roster=roster_table(model, data),
        coverage=coverage_table(model, data),
        summary=summary,
        fairness=fairness_table(summary),
        costs=cost_breakdown(model),
        report=report,
        agents=[a.agent for a in data.agents if not a.temporary or a.agent.name in hired],
    )
