"""What the audit works on: shifts with their actual times, one agent's work, a violation.

Times are naive datetimes on the scenario's clock. Durations are seconds; ``excess`` in a
:class:`Violation` is hours or a count, as each rule's docstring says.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

import pandas as pd

from optimize.workforce import Agent
from sim._types import TIMESTAMP_FORMAT, parse_timestamp

__all__ = [
    "DAY",
    "EPS",
    "HOUR",
    "WEEK",
    "AgentWork",
    "Horizon",
    "Shift",
    "Violation",
    "midnight",
    "monday",
    "overlap_seconds",
    "shifts_from_table",
    "show",
    "stamp",
]

HOUR = 3600.0
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# Seconds. Roster times are whole minutes and rule durations parse from decimal text, so
# anything closer than this is equality, not a violation.
EPS = 1e-6


@dataclass(frozen=True)
class Shift:
    """One row of the roster: ``[start, end)`` with an optional unpaid break inside it."""

    agent: str
    pool: str
    start: datetime
    end: datetime
    break_start: datetime | None = None
    break_end: datetime | None = None

    @property
    def day(self) -> date:
        """Shifts belong to the calendar date they start on."""
        return self.start.date()

    @property
    def length(self) -> float:
        """Elapsed seconds, break included."""
        return (self.end - self.start).total_seconds()

    def worked_spans(self) -> tuple[tuple[datetime, datetime], ...]:
        """The shift less its break: one or two ``[from, to)`` spans."""
        if self.break_start is None or self.break_end is None:
            return ((self.start, self.end),)
        # Clipped so that a break reaching outside the shift never adds worked time.
        pause_from = min(max(self.break_start, self.start), self.end)
        pause_to = max(min(self.break_end, self.end), pause_from)
        spans = ((self.start, pause_from), (pause_to, self.end))
        return tuple(span for span in spans if span[1] > span[0])

    def worked_in(self, lo: datetime, hi: datetime) -> float:
        """Seconds worked inside ``[lo, hi)``."""
        return sum(overlap_seconds(a, b, lo, hi) for a, b in self.worked_spans())

    def span_text(self) -> str:
        return f"{stamp(self.start)}–{stamp(self.end)}"


@dataclass(frozen=True)
class Horizon:
    """The rostered period ``[start, end)``."""

    start: datetime
    end: datetime

    @property
    def first_midnight(self) -> datetime:
        return midnight(self.start)

    def midnights(self, first: datetime | None = None) -> Iterator[datetime]:
        """Midnights from ``first`` (default: the horizon's first date) before the end."""
        moment = self.first_midnight if first is None else first
        while moment < self.end:
            yield moment
            moment += DAY

    def weeks(self) -> Iterator[datetime]:
        """Mondays of the calendar weeks overlapping the horizon."""
        moment = monday(self.start)
        while moment < self.end:
            yield moment
            moment += WEEK

    def week_share(self, week_start: datetime) -> float:
        """Share of the week from its Monday up to the horizon end: the pro rata factor.

        Counted from Monday even for the week the horizon starts in, whose days before the
        horizon are represented by the agent's carried-in ``hours_this_week``.
        """
        inside = min(week_start + WEEK, self.end) - week_start
        return max(inside.total_seconds(), 0.0) / WEEK.total_seconds()


@dataclass(frozen=True)
class AgentWork:
    """One agent's shifts (by start time) and what is known of them from before."""

    name: str
    agent: Agent | None  # None: not in the agents list, or no list was given
    shifts: tuple[Shift, ...]
    horizon: Horizon

    @cached_property
    def _starts(self) -> list[datetime]:
        return [shift.start for shift in self.shifts]

    @cached_property
    def _longest(self) -> timedelta:
        return max((shift.end - shift.start for shift in self.shifts), default=timedelta(0))

    def touching(self, lo: datetime, hi: datetime) -> tuple[Shift, ...]:
        """The shifts that may overlap ``[lo, hi)``: a superset, found by start time.

        Windows are checked every day, so scanning every shift for each would cost a
        window per shift per day; a shift overlapping the window starts before ``hi`` and no
        earlier than ``lo`` less the agent's longest shift.
        """
        first = bisect_left(self._starts, lo - self._longest)
        return self.shifts[first : bisect_left(self._starts, hi)]


@dataclass(frozen=True)
class Violation:
    """One broken rule: who, which day, which rule, a sentence, and by how much."""

    agent: str
    day: date
    rule: str
    detail: str
    excess: float


def midnight(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day)


def monday(moment: datetime) -> datetime:
    return midnight(moment) - timedelta(days=moment.weekday())


def overlap_seconds(a: datetime, b: datetime, lo: datetime, hi: datetime) -> float:
    """Length of ``[a, b) ∩ [lo, hi)`` in seconds."""
    return max((min(b, hi) - max(a, lo)).total_seconds(), 0.0)


def stamp(moment: datetime) -> str:
    return f"{moment:{TIMESTAMP_FORMAT}}"


def show(seconds: float) -> str:
    """``30600`` → ``"8 h 30 min"``: durations as a planner says them."""
    minutes = round(seconds / 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{sign}{hours} h {minutes} min"
    if hours or not minutes:
        return f"{sign}{hours} h"
    return f"{sign}{minutes} min"


def _moment(value: object) -> datetime | None:
    """A roster cell as a datetime: a datetime already, or text; empty is ``None``."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN from an empty CSV cell
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str) and not value.strip():
        return None
    return parse_timestamp(value)


def shifts_from_table(roster: pd.DataFrame) -> list[Shift]:
    """The rows of a roster table (``ROSTER_COLUMNS``; times as datetimes or text)."""
    return [
        Shift(
            agent=str(row["agent"]),
            pool=str(row["pool"]),
            start=_moment(row["shift_start"]),
            end=_moment(row["shift_end"]),
            break_start=_moment(row.get("break_start")),
            break_end=_moment(row.get("break_end")),
        )
        for row in roster.to_dict("records")
    ]
