"""The plan loop: requirements → roster → simulated verification → repair.

A roster that covers Erlang-style requirements can still miss the service level once breaks,
whole shifts and the surge's dynamics meet the queue. :func:`run_plan` closes the loop:

1. staffing requirements of the scenario (``staff``, ISA by default);
2. a roster for them (:func:`optimize.roster.plan_roster`) with the scenario's ``roster:``
   section, or without one the defaults of :mod:`optimize.roster.defaults` sized from the
   requirements of the round;
3. the roster simulated (:func:`rostered_staffing`): the heads each shift puts on duty in each
   interval, less those on their rostered break, less the pool's shrinkage and absenteeism;
4. where an interval misses the target, its requirement is raised (:func:`raise_requirements`)
   and the roster solved again, up to ``rounds`` times, stopping once every interval with
   inquiries meets the target.

Every round's verification uses the same seed (common random numbers), so rounds are compared
on the same customers. The plan returned is the best round's: the one with the most intervals
meeting the target (the earliest among equals), so what a round adds can never make the
result worse than a round before it; a repair round that finds no roster within the time limit
ends the loop with the best round so far.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimize.roster import NoRosterFound, RosterPlan, default_roster_section, plan_roster
from optimize.roster import requirements_from_staffing as roster_requirements
from optimize.staffing import Targets, staff
from optimize.workforce import agents_from_classes
from sim import Scenario, SimulationResult, simulate
from sim.scenario.roster import RosterSection

from .roster_staffing import availability, rostered_staffing

__all__ = [
    "ROUND_COLUMNS",
    "PlanResult",
    "raise_requirements",
    "rostered_staffing",
    "run_plan",
]

ROUND_COLUMNS = [
    "round",
    "status",
    "cost",
    "gap",
    "agents_rostered",
    "shifts",
    "roster_shortfall_agent_hours",
    "intervals_with_inquiries",
    "intervals_below_target",
    "intervals_meeting_share",
    "service_level",
    "requirement_raised_agent_intervals",
    "kept",
]


_WHOLE_NUMBERS = (
    "round",
    "agents_rostered",
    "shifts",
    "intervals_with_inquiries",
    "intervals_below_target",
    "requirement_raised_agent_intervals",
)


@dataclass(frozen=True)
class PlanResult:
    """The best round: its requirements, roster and verification, and every round's line."""

    requirements: pd.DataFrame  # interval_start, pool, required
    roster: RosterPlan
    section: RosterSection
    scenario: Scenario  # what was simulated: the scenario plus any cross-trained pools
    verification: SimulationResult
    rounds: pd.DataFrame  # ROUND_COLUMNS
    method: str


def _mean(metric) -> float | None:
    """A summary metric's point value (summaries give ``{mean, ci95}`` with replications)."""
    return metric.get("mean") if isinstance(metric, dict) else metric


def raise_requirements(
    requirements: pd.DataFrame,
    verification: SimulationResult,
    scenario: Scenario,
    coverage: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Requirements raised where the verification missed the target; and by how much in all.

    For every counted interval and inquiry type whose simulated service level is below the
    target, the type's offered load ``a`` (arrivals in the interval × mean handle time ÷
    interval, in agents) is short by ``Δ = max(1, ⌈a · (target − SL)⌉)`` agents: the share of
    the load answered too late, as agents. Δ goes to the pool most specialised in the type
    (fewest skills; scenario order among equals), grossed up by its availability, and each
    pool's raise in an interval is the largest over its types.

    Where the roster's ``coverage`` already fell short of the requirement, the agents could
    not cover more: raising it there would only raise the price of the same shortfall, so
    such intervals are left as they are.
    """
    target = scenario.service_level.target
    interval = scenario.horizon.interval
    types = verification.types
    missed = types[types["service_level"].notna() & (types["service_level"] < target - 1e-12)]
    owner = {}
    for name in scenario.inquiry_types:
        serving = [p for p, pool in scenario.pools.items() if name in pool.skills]
        owner[name] = min(serving, key=lambda p: len(scenario.pools[p].skills))
    capped = set()
    if coverage is not None:
        short = coverage[coverage["shortfall"] > 1e-6]
        capped = {
            (pd.Timestamp(t), str(p))
            for t, p in zip(short["interval_start"], short["pool"], strict=True)
        }
    raise_by: dict[tuple[pd.Timestamp, str], int] = defaultdict(int)
    for row in missed.itertuples(index=False):
        kind = scenario.inquiry_types[row.inquiry_type]
        load = row.offered * kind.handle_time.mean / interval
        short = max(1, math.ceil(load * (target - row.service_level)))
        pool = owner[row.inquiry_type]
        if (pd.Timestamp(row.interval_start), pool) in capped:
            continue
        grossed = math.ceil(short / availability(scenario.pools[pool]) - 1e-9)
        key = (pd.Timestamp(row.interval_start), pool)
        raise_by[key] = max(raise_by[key], grossed)
    table = requirements.copy()
    when = pd.to_datetime(table["interval_start"])
    extra = [
        raise_by.get((pd.Timestamp(t), p), 0) for t, p in zip(when, table["pool"], strict=True)
    ]
    table["required"] = table["required"] + np.asarray(extra, dtype=float)
    return table, int(sum(extra))


def run_plan(
    scenario: Scenario,
    *,
    agents_for: Callable[[RosterSection], list] | None = None,
    requirements: pd.DataFrame | None = None,
    method: str = "isa",
    seed: int = 0,
    replications: int = 16,
    rounds: int = 3,
    time_limit: float = 60.0,
    gap: float = 0.01,
    workers: int = 1,
    say: Callable[[str], None] = lambda text: None,
) -> PlanResult:
    """Plan ``scenario`` (module docstring). ``agents_for(section)`` gives the agents to
    roster (default: the section's agent classes, named); ``requirements``
    (``interval_start, pool, required``) replaces step 1."""
    if requirements is None:
        targets = Targets(scenario.service_level.answer_within, scenario.service_level.target)
        staffing = staff(scenario, method, targets=targets, seed=seed, workers=workers)
        requirements = roster_requirements(staffing.table)
    else:
        method = "given"
    hours = requirements["required"].sum() * scenario.horizon.interval / 3600
    say(f"requirements ({method}): {hours:,.0f} agent-hours")
    lines = []
    best = None
    raised = 0
    for k in range(rounds + 1):
        section = scenario.roster or default_roster_section(requirements, scenario.horizon)
        agents = agents_for(section) if agents_for else agents_from_classes(section)
        try:
            plan = plan_roster(
                requirements, agents, section, scenario.horizon, time_limit=time_limit, gap=gap
            )
        except NoRosterFound:
            if best is None:
                raise  # nothing to fall back on: the first roster already found none
            # A repair round that finds no roster in time ends the loop; the best round
            # so far stands (nothing already planned is lost).
            lines.append({"round": k, "status": "no roster in time", "kept": False})
            say(f"round {k}: no roster within the time limit; keeping round {best[1]}")
            break
        simulated, heads = rostered_staffing(plan.roster, scenario)
        result = simulate(
            simulated, seed=seed, replications=replications, workers=workers, staffing=heads
        )
        table = result.intervals
        counted = table["service_level"].notna()
        below = int(
            (table.loc[counted, "service_level"] < scenario.service_level.target - 1e-12).sum()
        )
        meeting = result.summary["intervals_meeting_target"]
        line = {
            "round": k,
            "status": "verified",
            "cost": plan.report.objective,
            "gap": plan.report.gap,
            "agents_rostered": int(plan.roster["agent"].nunique()),
            "shifts": len(plan.roster),
            "roster_shortfall_agent_hours": float(plan.coverage["shortfall"].sum())
            * scenario.horizon.interval
            / 3600,
            "intervals_with_inquiries": int(counted.sum()),
            "intervals_below_target": below,
            "intervals_meeting_share": meeting,
            "service_level": _mean(result.summary.get("service_level")),
            "requirement_raised_agent_intervals": raised,
            "kept": False,
        }
        lines.append(line)
        say(
            f"round {k}: cost {plan.report.objective:,.0f}, {below} of {int(counted.sum())} "
            f"intervals below target"
        )
        if best is None or below < best[0]:
            best = (below, k, requirements, plan, section, simulated, result)
        if below == 0 or k == rounds:
            break
        # Named agents are fixed, so where they fell short already, more asked is no help;
        # default classes are sized from each round's requirements and grow with them.
        capped = plan.coverage if scenario.roster is not None else None
        requirements, raised = raise_requirements(requirements, result, scenario, capped)
        if raised == 0:
            say(f"round {k}: the intervals below target are those the agents cannot cover more")
            break
    _, kept, requirements, plan, section, simulated, result = best
    lines[kept]["kept"] = True
    return PlanResult(
        requirements=requirements,
        roster=plan,
        section=section,
        scenario=simulated,
        verification=result,
        rounds=pd.DataFrame(lines, columns=ROUND_COLUMNS).astype(
            {name: "Int64" for name in _WHOLE_NUMBERS}
        ),
        method=method,
    )
