"""Rules on how an agent's shifts follow one another: rest, overlap, shifts a day, days in a row."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sim.scenario.roster import LabourRules

from ._records import EPS, HOUR, AgentWork, Violation, show, stamp

__all__ = ["consecutive_days", "min_rest", "overlap", "shifts_per_day"]


def min_rest(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``min_rest``: ``s.start − E ≥ min_rest_between_shifts`` for every shift ``s``.

    ``E`` is the latest end of the agent's shifts starting before ``s`` (shifts taken in
    order of start); for the first shift it is the carried-in ``last_shift_end``, if known.
    A shift starting before ``E`` of an earlier shift is an ``overlap`` instead (only one of
    the two is reported). Excess: hours of rest short.
    """
    need = rules.min_rest_between_shifts
    latest_end = work.agent.last_shift_end if work.agent is not None else None
    carried = latest_end is not None
    for shift in work.shifts:
        if latest_end is not None:
            rest = (shift.start - latest_end).total_seconds()
            short = need - rest
            if short > EPS and (carried or rest >= 0):
                before = (
                    f"the last shift before the horizon, ending {stamp(latest_end)}"
                    if carried
                    else f"the shift ending {stamp(latest_end)}"
                )
                yield Violation(
                    work.name,
                    shift.day,
                    "min_rest",
                    f"{show(rest)} rest between {before} and the shift starting "
                    f"{stamp(shift.start)}; at least {show(need)} ({show(short)} short)",
                    short / HOUR,
                )
            latest_end = max(latest_end, shift.end)
        else:
            latest_end = shift.end
        carried = False


def overlap(work: AgentWork) -> Iterator[Violation]:
    """``overlap``: no shift starts before ``E``, the latest end of the agent's shifts that
    start before it (or at the same time). Excess: hours of overlap, ``min(E, s.end) − s.start``.
    """
    latest_end: datetime | None = None
    for shift in work.shifts:
        if latest_end is not None and shift.start < latest_end:
            both = (min(latest_end, shift.end) - shift.start).total_seconds()
            yield Violation(
                work.name,
                shift.day,
                "overlap",
                f"shift {shift.span_text()} overlaps an earlier shift ending "
                f"{stamp(latest_end)} by {show(both)}",
                both / HOUR,
            )
        latest_end = shift.end if latest_end is None else max(latest_end, shift.end)


def shifts_per_day(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``shifts_per_day``: at most ``max_shifts_starting_per_day`` shifts start on any calendar
    date. Excess: shifts too many."""
    most = rules.max_shifts_starting_per_day
    for day, count in sorted(Counter(shift.day for shift in work.shifts).items()):
        if count > most:
            yield Violation(
                work.name,
                day,
                "shifts_per_day",
                f"{count} shifts start on {day}; at most {most} ({count - most} too many)",
                float(count - most),
            )


def consecutive_days(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``consecutive_days``: at most ``max_consecutive_days`` working days in a row.

    A working day is a calendar date on which one of the agent's shifts starts. The agent's
    carried-in ``consecutive_days`` (c) count as worked on the c dates just before the
    horizon's first date. One violation per run of working days longer than the maximum,
    dated on the first rostered day beyond it; a run made only of carried-in days is not the
    roster's doing and is not reported. Excess: days too many in the run.
    """
    most = rules.max_consecutive_days
    rostered = sorted({shift.day for shift in work.shifts})
    if not rostered:
        return
    first = work.horizon.first_midnight.date()
    carried = work.agent.consecutive_days if work.agent is not None else 0
    days = sorted({first - timedelta(days=k) for k in range(1, carried + 1)} | set(rostered))
    run: list[date] = []
    for day in [*days, None]:
        if run and (day is None or day - run[-1] != timedelta(days=1)):
            yield from _long_run(work, run, set(rostered), carried, most)
            run = []
        if day is not None:
            run.append(day)


def _long_run(
    work: AgentWork, run: list[date], rostered: set[date], carried: int, most: int
) -> Iterator[Violation]:
    if len(run) <= most:
        return
    beyond = [day for day in run[most:] if day in rostered]
    if not beyond:
        return
    first = work.horizon.first_midnight.date()
    note = f", counting {carried} carried in" if run[0] < first else ""
    yield Violation(
        work.name,
        beyond[0],
        "consecutive_days",
        f"{len(run)} working days in a row from {run[0]} to {run[-1]}{note}; at most {most} "
        f"({len(run) - most} too many)",
        float(len(run) - most),
    )
