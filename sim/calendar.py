"""Working days: deadlines such as "5 working days" on the scenario's clock.

A :class:`WorkingCalendar` says which weekdays are worked and which dates are holidays.
**d working days after** a time ``when`` is the first instant by which d × 24 h of time on
working dates have passed since ``when``; time on non-working dates (weekdays not in
``working_days``, and ``holidays``) does not count. In dates and clock times:

* ``when`` on a working date, after 00:00: the same clock time on the d-th working date
  after ``when``'s date (Thursday 10:00 + 5, Friday a holiday → Friday a week later, 10:00);
* ``when`` at 00:00 of a working date, or at any time on a non-working date: counting starts
  at 00:00 of the first working date W on or after ``when``'s date, and the deadline is the
  end (24:00) of the d-th working date counting W as the first, written as 00:00 of the
  next calendar date (Saturday 15:00 + 5 → Monday to Friday → Friday 24:00, i.e. Saturday
  00:00; Monday 00:00 + 5 → the same).

The second case is the first one's limit: Sunday 23:59 and Monday 00:01 + 5 are due Friday
24:00 and Monday 00:01 a week later. 0 working days after ``when`` is ``when``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, field_validator

from ._types import Frozen

__all__ = ["WEEKDAYS", "Weekday", "WorkingCalendar", "deadline_seconds"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # date.weekday() order
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BY_NAME = {
    **{short.lower(): short for short in WEEKDAYS},
    **dict(zip(_FULL_NAMES, WEEKDAYS, strict=True)),
}
_DAY = 86_400
_MICROSECONDS_PER_DAY = _DAY * 1_000_000


def _weekday(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"must be a weekday such as 'Mon', got {value!r}")
    short = _BY_NAME.get(value.strip().lower())
    if short is None:
        raise ValueError(
            f"unknown weekday {value!r}; expected one of {', '.join(WEEKDAYS)} (or the full names)"
        )
    return short


def _date(value: object) -> object:
    # A YAML date (2026-11-13 unquoted) arrives as a date; a datetime would carry a time
    # that a holiday does not have.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a date like '2026-11-13', got {value!r}")


# "Mon" … "Sun"; full names and any case are read as these.
Weekday = Annotated[
    Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], BeforeValidator(_weekday)
]
Holiday = Annotated[date, BeforeValidator(_date)]


class WorkingCalendar(Frozen):
    """Worked weekdays and holidays; see the module docstring for the working-day rule."""

    working_days: Annotated[tuple[Weekday, ...], Field(min_length=1)] = (
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
    )
    holidays: tuple[Holiday, ...] = ()

    @field_validator("working_days")
    @classmethod
    def _each_day_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({day for day in value if value.count(day) > 1}, key=WEEKDAYS.index)
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return value

    def is_working(self, day: date) -> bool:
        """Whether ``day`` is a working date: a worked weekday and not a holiday."""
        return WEEKDAYS[day.weekday()] in self.working_days and day not in self.holidays

    def add_working_days(self, when: datetime, days: int) -> datetime:
        """``days`` working days after ``when`` (see the module docstring); ``days`` ≥ 0."""
        if days < 0:
            raise ValueError(f"days must be ≥ 0, got {days}")
        if days == 0:
            return when
        day = when.date()
        if self.is_working(day) and when.time() != time(0):
            return datetime.combine(self._nth_after(day, days), when.timetz())
        return datetime.combine(self._end_of_span(day, days), time(0), tzinfo=when.tzinfo)

    # -- per date ------------------------------------------------------------------------

    def _nth_after(self, day: date, n: int) -> date:
        """The n-th working date after ``day`` (``day`` itself for n = 0)."""
        one = timedelta(days=1)
        while n > 0:
            day += one
            if self.is_working(day):
                n -= 1
        return day

    def _end_of_span(self, day: date, days: int) -> date:
        """The calendar date after the ``days``-th working date counted from the first
        working date on or after ``day``: a span starting at 00:00 ends at its 00:00."""
        first = day if self.is_working(day) else self._nth_after(day, 1)
        return self._nth_after(first, days - 1) + timedelta(days=1)


def deadline_seconds(
    calendar: WorkingCalendar, start: datetime, arrived_seconds: np.ndarray, days: int
) -> np.ndarray:
    """:meth:`WorkingCalendar.add_working_days` for many times at once, in seconds.

    ``arrived_seconds`` are seconds since ``start`` (the horizon start); the result is each
    one's deadline ``days`` working days later, in seconds since ``start``. Equal to the
    scalar rule at the microsecond resolution of ``datetime``; the dates are worked out
    once per distinct arrival date and the time of day is added back.
    """
    arrived = np.asarray(arrived_seconds, dtype=float)
    if days < 0:
        raise ValueError(f"days must be ≥ 0, got {days}")
    if days == 0 or arrived.size == 0:
        return arrived.copy()
    midnight = datetime.combine(start.date(), time(0), tzinfo=start.tzinfo)
    offset = (start - midnight).total_seconds()  # start's time of day
    # Whole microseconds, as datetime keeps them: a time is at 00:00 exactly when the
    # scalar rule sees it there.
    since_midnight = np.round((arrived + offset) * 1e6).astype(np.int64)
    day_index = since_midnight // _MICROSECONDS_PER_DAY
    at_midnight = since_midnight % _MICROSECONDS_PER_DAY == 0
    distinct, inverse = np.unique(day_index, return_inverse=True)
    # Per distinct date: how many calendar days later the same clock time falls (-1 on a
    # non-working date), and the 00:00 ending the span that starts on or after it.
    shift_days = np.empty(distinct.size, dtype=np.int64)
    span_end = np.empty(distinct.size, dtype=np.int64)
    for k, index in enumerate(distinct.tolist()):
        day = start.date() + timedelta(days=index)
        working = calendar.is_working(day)
        shift_days[k] = (calendar._nth_after(day, days) - day).days if working else -1
        span_end[k] = (calendar._end_of_span(day, days) - start.date()).days
    shift = shift_days[inverse]
    same_clock_time = (shift >= 0) & ~at_midnight
    return np.where(
        same_clock_time,
        arrived + shift * float(_DAY),
        span_end[inverse] * float(_DAY) - offset,
    )
