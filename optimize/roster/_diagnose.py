"""Explaining a roster that cannot exist: which hard rule, which agents, which days or weeks.

Coverage is soft, so a roster is infeasible only when an agent's own hard rules contradict
each other (a contract minimum that availability, days off or carry-in put out of reach, a
carry-in that already breaks a cap) — or when coverage is asked to be hard. The obvious cases
are found before solving (:func:`precheck`); anything subtler is found after an infeasible
solve by solving each agent alone and leaving rule families out one at a time
(:func:`diagnose`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sim import Problem

from ._data import HOUR, WEEK, RosterData
from ._model import RULE_FAMILIES, create_model
from ._solve import solve

__all__ = ["NoRosterFound", "RosterInfeasible", "diagnose", "precheck"]

_EPS = 1e-6
DIAGNOSIS_SECONDS = 10.0  # per single-agent solve
RULE_WORDS = {
    "min_rest": "rest between shifts (roster.rules.min_rest_between_shifts)",
    "consecutive_days": "consecutive working days (roster.rules.max_consecutive_days)",
    "weekly_rest": "weekly rest (roster.rules.weekly_rest)",
    "hours_7_days": "hours in 7 days (roster.rules.max_hours_in_7_days)",
    "contract_hours": "contract hours per week (min/max_hours_per_week)",
    "night_shifts": "night shifts in 7 days (roster.rules.max_night_shifts_in_7_days)",
    "china": "monthly overtime (roster.rules.china)",
}


class NoRosterFound(Exception):
    """The solver stopped (time limit) before finding any roster."""


class RosterInfeasible(Exception):
    """The hard rules contradict each other; ``problems`` say which rule, agents and days."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def _h(seconds: float) -> str:
    return f"{seconds / HOUR:g} h"


def _week_problems(data: RosterData) -> list[Problem]:
    """Contract hours that no roster of the agent's eligible shifts can meet."""
    extra = data.section.costs.max_overtime_hours_per_week
    most_a_day = data.section.rules.max_shifts_starting_per_day
    problems = []
    for agent in data.agents:
        if agent.temporary:
            continue
        name, contract = agent.agent.name, agent.contract
        where = f"roster.contracts.{agent.agent.contract}"
        for w, (monday, share) in enumerate(data.weeks):
            carry = agent.agent.hours_this_week if w == 0 else 0.0
            best: dict[int, float] = defaultdict(float)
            for k in agent.templates:
                t = data.templates[k]
                best[t.day] = max(best[t.day], t.worked_upper(monday, monday + WEEK))
            reachable = carry + most_a_day * sum(best.values())
            reachable = min(reachable, (contract.max_hours_per_week + extra) * share)
            need = contract.min_hours_per_week * share
            day = (data.origin + timedelta(seconds=monday)).date()
            if need > reachable + _EPS:
                problems.append(
                    Problem(
                        f"{where}.min_hours_per_week",
                        f"agent {name!r} needs at least {_h(need)} in the week of Monday {day} "
                        f"but at most {_h(reachable)} can be rostered there (availability, "
                        "days off, carried-in rest and the shift grid)",
                    )
                )
            high = (contract.max_hours_per_week + extra) * share
            if carry > high + _EPS:
                problems.append(
                    Problem(
                        f"{where}.max_hours_per_week",
                        f"agent {name!r} carries in {_h(carry)} this week (hours_this_week), "
                        f"more than the {_h(high)} allowed with overtime in the week of "
                        f"Monday {day}",
                    )
                )
    return problems


def _carry_problems(data: RosterData) -> list[Problem]:
    """Carry-in that breaks a 7-day cap or weekly rest whatever the roster."""
    rules = data.section.rules
    problems = []
    for agent in data.agents:
        name = agent.agent.name
        carried = agent.agent.hours_this_week
        if carried > rules.max_hours_in_7_days + _EPS:
            problems.append(
                Problem(
                    "roster.rules.max_hours_in_7_days",
                    f"agent {name!r} carries in {_h(carried)} (hours_this_week), more than "
                    f"{_h(rules.max_hours_in_7_days)} in 7 days before any shift",
                )
            )
        carried_end = agent.agent.last_shift_end
        if carried_end is not None:
            busy = data.seconds(carried_end)
            first = max(busy, 0)  # the first window starts at the first midnight
            if first + rules.weekly_rest_seconds > WEEK + _EPS:
                problems.append(
                    Problem(
                        "roster.rules.weekly_rest",
                        f"agent {name!r}: no {_h(rules.weekly_rest_seconds)} rest fits in the "
                        f"7 days from {data.dates[0]} after the carried-in last_shift_end "
                        f"({carried_end:%Y-%m-%d %H:%M})",
                    )
                )
        caps = rules.china
        if caps is not None and data.weeks:
            share = data.weeks[0][1]
            over = carried - caps.standard_week * share
            if over > caps.max_overtime_per_month + _EPS:
                problems.append(
                    Problem(
                        "roster.rules.china.max_overtime_per_month",
                        f"agent {name!r} carries in {_h(over)} of overtime this week, more than "
                        f"the {_h(caps.max_overtime_per_month)} a month allows",
                    )
                )
    return problems


def precheck(data: RosterData) -> list[Problem]:
    """Contradictions visible without solving: unreachable contract minimums and carry-in
    that already breaks a cap."""
    return _week_problems(data) + _carry_problems(data)


def diagnose(data: RosterData, *, hard_coverage: bool) -> list[Problem]:
    """After an infeasible solve: solve each kind of agent alone; for one that is infeasible
    alone, name the rule family whose removal makes it feasible."""
    problems = []
    seen: set[int] = set()
    for agent in data.agents:
        if agent.symmetry_class in seen:
            continue
        seen.add(agent.symmetry_class)
        alone = data.only([agent.index])
        alone.required = {}
        if solve(create_model(alone), time_limit=DIAGNOSIS_SECONDS).status != "infeasible":
            continue
        culprit = next(
            (
                name
                for name in RULE_FAMILIES
                if solve(create_model(alone, skip=[name]), time_limit=DIAGNOSIS_SECONDS).status
                != "infeasible"
            ),
            None,
        )
        rule = RULE_WORDS.get(culprit, "several rules together")
        problems.append(
            Problem(
                "roster",
                f"agent {agent.agent.name!r}: no roster keeps {rule} together with the other "
                "hard rules (check availability, days off and the carried-in state)",
            )
        )
    if not problems:
        why = (
            "coverage is hard and the agents cannot cover every requirement"
            if hard_coverage
            else "the hard rules contradict each other across agents"
        )
        problems.append(Problem("roster", f"no roster exists: {why}"))
    return problems
