"""The audit: every rule applied to every agent, violations gathered into one sorted table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

import pandas as pd

from optimize.workforce import Agent
from sim.scenario.roster import Breaks, LabourRules, RosterSection

from ._per_shift import availability, break_rule, max_shift_length, skill, unknown_agent
from ._records import AgentWork, Horizon, Shift, Violation, shifts_from_table
from ._sequence import consecutive_days, min_rest, overlap, shifts_per_day
from ._weeks import china, contract_hours
from ._windows import hours_7_days, night_shifts, weekly_rest

__all__ = ["RULES", "VIOLATION_COLUMNS", "audit"]

VIOLATION_COLUMNS = ["agent", "date", "rule", "detail", "excess"]

# Rule name → what ``excess`` measures (README, "Labour rules").
RULES = {
    "min_rest": "hours of rest short",
    "max_shift_length": "hours over",
    "break": "hours of break missing, short or outside the middle third",
    "shifts_per_day": "shifts too many",
    "overlap": "hours of overlap",
    "consecutive_days": "days too many",
    "weekly_rest": "hours short",
    "hours_7_days": "hours over",
    "contract_hours": "hours under the minimum or over the maximum plus overtime",
    "night_shifts": "night shifts too many",
    "china": "hours of monthly overtime over the cap",
    "skill": "pools not the agent's",
    "availability": "hours outside the availability",
    "unknown_agent": "shifts",
}


def audit(
    roster: pd.DataFrame,
    agents: list[Agent] | None,
    section: RosterSection | None,
    horizon_start: datetime,
    horizon_end: datetime,
) -> pd.DataFrame:
    """Every violation of the labour rules in ``roster``, one row each.

    ``roster`` has the columns of :data:`optimize.workforce.ROSTER_COLUMNS` (times as
    datetimes or ``YYYY-MM-DD HH:MM`` text, breaks empty where there is none). ``agents``
    gives skills, contracts, availability and carry-in; ``None`` means the agents are just
    the names in the roster, with every pool allowed and no contract to keep. ``section``
    ``None`` means the documented default rules and breaks (and no contracts).

    Returns :data:`VIOLATION_COLUMNS` sorted by agent, date, rule and detail: ``date`` is
    ``YYYY-MM-DD``; ``excess`` is in hours or a count, as :data:`RULES` says.
    """
    horizon = Horizon(horizon_start, horizon_end)
    shifts: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts_from_table(roster):
        shifts[shift.agent].append(shift)
    known = {agent.name: agent for agent in agents} if agents is not None else {}
    violations: list[Violation] = []
    for name in sorted(set(shifts) | set(known)):
        agent = known.get(name)
        own = tuple(sorted(shifts.get(name, ()), key=lambda s: (s.start, s.end)))
        work = AgentWork(name, agent, own, horizon)
        violations.extend(_agent_violations(work, section, unknown=agents is not None))
    table = pd.DataFrame(
        [(v.agent, v.day.isoformat(), v.rule, v.detail, round(v.excess, 6)) for v in violations],
        columns=VIOLATION_COLUMNS,
    )
    table["excess"] = table["excess"].astype(float)
    return table.sort_values(["agent", "date", "rule", "detail"], ignore_index=True)


def _agent_violations(
    work: AgentWork, section: RosterSection | None, unknown: bool
) -> Iterator[Violation]:
    rules = section.rules if section is not None else LabourRules()
    breaks = section.breaks if section is not None else Breaks()
    checks: list[Iterable[Violation]] = [
        min_rest(work, rules),
        overlap(work),
        max_shift_length(work, rules),
        break_rule(work, breaks),
        shifts_per_day(work, rules),
        consecutive_days(work, rules),
        weekly_rest(work, rules),
        hours_7_days(work, rules),
        night_shifts(work, rules),
    ]
    if rules.china is not None:
        checks.append(china(work, rules.china))
    agent = work.agent
    if agent is None and unknown:
        checks.append(unknown_agent(work))
    if agent is not None:
        checks += [skill(work), availability(work)]
        contract = section.contracts.get(agent.contract) if section is not None else None
        if contract is not None:
            checks.append(contract_hours(work, agent.contract, contract, section.costs))
    for check in checks:
        yield from check
