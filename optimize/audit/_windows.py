"""Rules over every 7-day window ``[D, D + 7 d)`` starting at a midnight ``D``.

Windows start at every midnight from the horizon's first date while they still overlap the
horizon (``D < horizon end``); :func:`hours_7_days` also starts them earlier in the horizon
start's calendar week for an agent with carried-in hours, the only work known there.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from sim.scenario.roster import LabourRules, NightDefinition

from ._records import (
    DAY,
    EPS,
    HOUR,
    WEEK,
    AgentWork,
    Shift,
    Violation,
    monday,
    overlap_seconds,
    show,
)

__all__ = ["hours_7_days", "is_night_shift", "night_shifts", "weekly_rest"]


def weekly_rest(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``weekly_rest``: every window ``[D, D + 7 d)`` holds an unbroken stretch of at least
    ``weekly_rest_seconds`` (35 h with ``eu``) without work.

    Work is each whole shift, break included (a break is not rest), and, before the horizon,
    everything up to the carried-in ``last_shift_end``; any other time outside the horizon is
    off. The stretches are the gaps between consecutive work, and between the window's edges
    and the first and last work, clipped to the window. Windows start at every midnight from
    the horizon's first date while ``D < horizon end``. Excess: hours short of the longest
    stretch in the window.
    """
    need = rules.weekly_rest_seconds
    carried = work.agent.last_shift_end if work.agent is not None else None
    before = [(datetime.min, carried)] if carried is not None else []
    for day in work.horizon.midnights():
        busy = before + [(shift.start, shift.end) for shift in work.touching(day, day + WEEK)]
        longest = _longest_gap(busy, day, day + WEEK)
        short = need - longest
        if short > EPS:
            yield Violation(
                work.name,
                day.date(),
                "weekly_rest",
                f"longest rest in the 7 days from {day:%Y-%m-%d} is {show(longest)}; at least "
                f"{show(need)} ({show(short)} short)",
                short / HOUR,
            )


def _longest_gap(busy: list[tuple[datetime, datetime]], lo: datetime, hi: datetime) -> float:
    """Longest stretch of ``[lo, hi)`` covered by none of the ``busy`` spans (in order of
    start), in seconds."""
    longest = 0.0
    free_from = lo
    for start, end in busy:
        if end <= lo or start >= hi:
            continue
        if start > free_from:
            longest = max(longest, (start - free_from).total_seconds())
        free_from = max(free_from, end)
    return max(longest, (hi - free_from).total_seconds())


def hours_7_days(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``hours_7_days``: worked time in every window ``[D, D + 7 d)`` is at most
    ``max_hours_in_7_days``.

    Worked time is shift time less break time, by its clock overlap with the window. The
    carried-in ``hours_this_week`` (h) is taken as worked just before the horizon start, over
    ``[start − h, start)``, and adds its overlap with windows starting in the horizon start's
    calendar week before the start; such windows are checked from that week's Monday for an
    agent with carried-in hours (without any, they hold less of the horizon than the window at
    its first midnight and add nothing). Excess: hours over.
    """
    most = rules.max_hours_in_7_days
    horizon = work.horizon
    carried = work.agent.hours_this_week if work.agent is not None else 0.0
    first = monday(horizon.start) if carried > 0 else horizon.first_midnight
    before = (horizon.start - timedelta(seconds=carried), horizon.start)
    for day in horizon.midnights(first):
        end = day + WEEK
        from_before = overlap_seconds(*before, day, end) if carried > 0 else 0.0
        worked = from_before + sum(shift.worked_in(day, end) for shift in work.touching(day, end))
        over = worked - most
        if over > EPS:
            note = f" ({show(from_before)} of it before the horizon)" if from_before else ""
            yield Violation(
                work.name,
                day.date(),
                "hours_7_days",
                f"{show(worked)} worked in the 7 days from {day:%Y-%m-%d}{note}; at most "
                f"{show(most)} ({show(over)} over)",
                over / HOUR,
            )


def is_night_shift(shift: Shift, night: NightDefinition) -> bool:
    """At least ``night.min_hours`` worked inside night spans.

    A night span is ``[d + night.start, d + night.end)`` for every calendar date d, ending on
    the next day when ``night.end ≤ night.start`` (22:00–06:00): the span that began the
    evening before the shift counts too.
    """
    return _night_seconds(shift, night) >= night.min_hours - EPS


def _night_seconds(shift: Shift, night: NightDefinition) -> float:
    start, end = _since_midnight(night.start), _since_midnight(night.end)
    if end <= start:
        end += DAY
    total = 0.0
    day = datetime.combine(shift.start.date(), datetime.min.time()) - DAY
    while day + start < shift.end:
        total += shift.worked_in(day + start, day + end)
        day += DAY
    return total


def _since_midnight(clock: time) -> timedelta:
    return timedelta(hours=clock.hour, minutes=clock.minute, seconds=clock.second)


def night_shifts(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``night_shifts``: at most ``max_night_shifts_in_7_days`` night shifts (see
    :func:`is_night_shift`) start in every window ``[D, D + 7 d)``. Excess: night shifts too
    many."""
    most = rules.max_night_shifts_in_7_days
    starts = [shift.start for shift in work.shifts if is_night_shift(shift, rules.night)]
    if len(starts) <= most:
        return
    for day in work.horizon.midnights():
        count = sum(day <= start < day + WEEK for start in starts)
        if count > most:
            yield Violation(
                work.name,
                day.date(),
                "night_shifts",
                f"{count} night shifts start in the 7 days from {day:%Y-%m-%d}; at most {most} "
                f"({count - most} too many)",
                float(count - most),
            )
