"""What a roster gives the people who use it: a summary per agent, a workbook, a calendar.

``write_exports(out_dir, roster, agents, scenario)`` writes, atomically and byte for byte the
same for the same input:

- ``agents_summary.csv``: one row per agent (:data:`AGENTS_SUMMARY_COLUMNS`), hours, nights,
  weekend days, overtime and cost;
- ``roster.xlsx``: one sheet per pool (agents × days) and ``All shifts`` (roster.csv's
  rows), see :mod:`surgeplan.roster_xlsx`;
- ``roster.ics``: one event per shift in the scenario's time zone, see
  :mod:`surgeplan.roster_ics`.

The roster is a table in :data:`optimize.workforce.ROSTER_COLUMNS` (one row per shift);
``agents`` must name every agent in it (temporary hires included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from optimize.workforce import Agent
from sim import Scenario
from sim.scenario import Horizon
from sim.scenario.roster import RosterSection

from .io import atomic_write_bytes, write_csv
from .roster_table import Shift, shifts_of

__all__ = ["AGENTS_SUMMARY_COLUMNS", "agents_summary", "write_exports"]

AGENTS_SUMMARY_COLUMNS = [
    "agent",
    "pools",
    "contract",
    "shifts",
    "hours_worked",
    "overtime_hours",
    "nights",
    "weekend_days",
    "cost_per_hour",
    "cost",
]
HOUR = 3600.0


# -- agents_summary.csv ---------------------------------------------------------------------


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def _night_seconds(shift: Shift, section: RosterSection) -> float:
    """Worked time inside the night windows (``rules.night``) the shift touches."""
    night = section.rules.night
    total = 0.0
    for offset in (-1, 0, 1):
        day = shift.date + timedelta(days=offset)
        start = datetime.combine(day, night.start)
        end = datetime.combine(day, night.end)
        if end <= start:
            end += timedelta(days=1)
        total += _overlap(shift.start, shift.end, start, end)
        if shift.break_start is not None and shift.break_end is not None:
            total -= _overlap(shift.break_start, shift.break_end, start, end)
    return total


def _paid_hours(shifts: Iterable[Shift], section: RosterSection) -> float:
    """Worked hours weighted by each shift's ``pay_factor``.

    roster.csv does not name templates, so a shift takes the factor of the template
    (``shifts.templates``) with its start clock time and elapsed length, and 1.0 when none
    matches (a grid shift, or one a manager moved).
    """
    grid = section.shifts
    seconds = 0.0
    for shift in shifts:
        length = (shift.end - shift.start).total_seconds()
        seconds += shift.worked_seconds * grid.pay_factor(shift.start.time(), length)
    return seconds / HOUR


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())  # weeks start on Monday


def _overtime_seconds(
    agent: Agent, shifts: Iterable[Shift], max_per_week: float, horizon: Horizon
) -> float:
    """Rostered hours beyond the contract's weekly maximum, summed over calendar weeks, as
    the roster model prices them.

    A shift counts in the week of the day it starts. A week cut by the horizon's end has its
    maximum pro rata (the part from its Monday to the horizon end, as the labour rules count
    it). The hours the agent worked before the horizon in its first week
    (``hours_this_week``) count towards that week's maximum, but overtime is only what the
    roster adds.
    """
    worked: dict[date, float] = defaultdict(float)
    for shift in shifts:
        worked[_week_of(shift.date)] += shift.worked_seconds
    carried = {_week_of(horizon.start.date()): agent.hours_this_week}

    def allowed(week: date) -> float:
        monday = datetime.combine(week, datetime.min.time())
        inside = (min(monday + timedelta(days=7), horizon.end) - monday).total_seconds()
        return max_per_week * min(inside / (7 * 24 * 3600), 1.0)

    return sum(
        max(0.0, min(hours, carried.get(week, 0.0) + hours - allowed(week)))
        for week, hours in worked.items()
    )


def agents_summary(
    roster: pd.DataFrame | list[Shift], agents: list[Agent], scenario: Scenario
) -> pd.DataFrame:
    """One row per agent, in the order of ``agents``, with :data:`AGENTS_SUMMARY_COLUMNS`.

    ``hours_worked`` excludes breaks; ``nights`` counts shifts with at least
    ``rules.night.min_hours`` worked in the night window; ``weekend_days`` the Saturdays and
    Sundays on which a shift starts; ``overtime_hours`` the worked hours above the contract's
    ``max_hours_per_week`` in each calendar week (see :func:`_overtime_seconds`);
    ``cost`` = paid hours × cost_per_hour + overtime_hours × cost_per_hour ×
    ``costs.overtime_premium`` (the agent's cost_per_hour, or else the contract's), where paid
    hours are the worked hours of each shift times its template's ``pay_factor`` (see
    :func:`_paid_hours`; equal to hours_worked without templates).
    """
    section = _section(scenario)
    shifts = roster if isinstance(roster, list) else shifts_of(roster)
    by_agent = _shifts_by_agent(shifts, agents)
    min_night = section.rules.night.min_hours - 1e-6  # seconds; shifts are whole minutes
    rows = []
    for agent in agents:
        own = by_agent[agent.name]
        contract = section.contracts[agent.contract]
        rate = contract.cost_per_hour if agent.cost_per_hour is None else agent.cost_per_hour
        hours = sum(shift.worked_seconds for shift in own) / HOUR
        paid = _paid_hours(own, section)
        overtime = (
            _overtime_seconds(agent, own, contract.max_hours_per_week, scenario.horizon) / HOUR
        )
        rows.append(
            {
                "agent": agent.name,
                "pools": "|".join(agent.pools),
                "contract": agent.contract,
                "shifts": len(own),
                "hours_worked": round(hours, 4),
                "overtime_hours": round(overtime, 4),
                "nights": sum(_night_seconds(s, section) >= min_night for s in own),
                "weekend_days": len({s.date for s in own if s.date.weekday() >= 5}),
                "cost_per_hour": rate,
                "cost": round(rate * (paid + overtime * section.costs.overtime_premium), 2),
            }
        )
    return pd.DataFrame(rows, columns=AGENTS_SUMMARY_COLUMNS)


def _section(scenario: Scenario) -> RosterSection:
    if scenario.roster is None:
        raise ValueError(f"scenario {scenario.name!r} has no roster section to export against")
    return scenario.roster


def _shifts_by_agent(shifts: list[Shift], agents: list[Agent]) -> dict[str, list[Shift]]:
    by_agent: dict[str, list[Shift]] = {agent.name: [] for agent in agents}
    strangers = sorted({shift.agent for shift in shifts} - by_agent.keys())
    if strangers:
        raise ValueError(
            f"the roster has shifts for agents not in the agents list: {', '.join(strangers)}"
        )
    for shift in shifts:
        by_agent[shift.agent].append(shift)
    return by_agent


# -- all files -------------------------------------------------------------------------------


def _fixed_stamp(scenario: Scenario) -> datetime:
    """The time stamped into files whose format wants one (xlsx properties, ICS DTSTAMP).

    Midnight of the horizon's first day, not the clock of the export run: re-exporting the
    same roster must give the same bytes.
    """
    return datetime.combine(scenario.horizon.start.date(), time(0, 0))


def write_exports(
    out_dir: Path, roster: pd.DataFrame, agents: list[Agent], scenario: Scenario
) -> list[Path]:
    """Write agents_summary.csv, roster.xlsx and roster.ics into ``out_dir``; their paths."""
    # Imported here: openpyxl and icalendar take half a second, which every command that
    # imports this module would otherwise pay.
    from .roster_ics import roster_calendar
    from .roster_xlsx import roster_workbook

    out_dir = Path(out_dir)
    shifts = shifts_of(roster)
    summary = agents_summary(shifts, agents, scenario)
    stamp = _fixed_stamp(scenario)
    workbook = roster_workbook(shifts, agents, scenario, stamp)
    calendar = roster_calendar(shifts, scenario, stamp)
    return [
        write_csv(out_dir / "agents_summary.csv", summary),
        atomic_write_bytes(out_dir / "roster.xlsx", workbook),
        atomic_write_bytes(out_dir / "roster.ics", calendar),
    ]
