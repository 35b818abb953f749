"""Rules each shift keeps on its own: its length, its break, and who may work it when."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sim.scenario.roster import Breaks, LabourRules

from ._records import EPS, HOUR, AgentWork, Shift, Violation, overlap_seconds, show, stamp

__all__ = ["availability", "break_rule", "max_shift_length", "skill", "unknown_agent"]


def _violation(work: AgentWork, shift: Shift, rule: str, detail: str, excess: float) -> Violation:
    return Violation(work.name, shift.day, rule, detail, excess)


def max_shift_length(work: AgentWork, rules: LabourRules) -> Iterator[Violation]:
    """``max_shift_length``: ``shift_end − shift_start ≤ max_shift_length``.

    Elapsed time, break included. Excess: hours over.
    """
    longest = rules.max_shift_length
    for shift in work.shifts:
        over = shift.length - longest
        if over > EPS:
            yield _violation(
                work,
                shift,
                "max_shift_length",
                f"shift {shift.span_text()} lasts {show(shift.length)}; at most {show(longest)} "
                f"({show(over)} over)",
                over / HOUR,
            )


def break_rule(work: AgentWork, breaks: Breaks) -> Iterator[Violation]:
    """``break``: a shift of elapsed length ``L > breaks.required_over`` has a break of at least
    ``breaks.duration`` lying entirely inside its middle third ``[start + L/3, start + 2L/3]``.

    A shift of ``L ≤ required_over`` may have a break or none. Excess, in hours: the whole
    ``duration`` when the break is missing; otherwise the larger of what the break is short of
    ``duration`` and the part of it outside the middle third.
    """
    need = breaks.duration
    for shift in work.shifts:
        length = shift.length
        if length <= breaks.required_over + EPS:
            continue
        third = timedelta(seconds=length / 3)
        lo, hi = shift.start + third, shift.start + 2 * third
        window = f"{_clock(lo)}–{_clock(hi)}"
        start, end = shift.break_start, shift.break_end
        if start is None or end is None:
            yield _violation(
                work,
                shift,
                "break",
                f"shift {shift.span_text()} ({show(length)}) has no break; it needs "
                f"{show(need)} inside {window}",
                need / HOUR,
            )
            continue
        taken = (end - start).total_seconds()
        short = need - taken
        outside = taken - overlap_seconds(start, end, lo, hi)
        if short <= EPS and outside <= EPS:
            continue
        problems = []
        if short > EPS:
            problems.append(f"is {show(taken)}, {show(short)} short of {show(need)}")
        if outside > EPS:
            problems.append(f"has {show(outside)} outside the middle third {window} of the shift")
        yield _violation(
            work,
            shift,
            "break",
            f"break {_clock(start)}–{_clock(end)} of shift {shift.span_text()} "
            + " and ".join(problems),
            max(short, outside) / HOUR,
        )


def skill(work: AgentWork) -> Iterator[Violation]:
    """``skill``: every pool a shift staffs is one of the agent's pools.

    ``pool`` may name several pools as ``a|b``; each must be the agent's. Excess: the number
    of pools named that are not.
    """
    if work.agent is None:
        return
    allowed = set(work.agent.pools)
    for shift in work.shifts:
        foreign = [pool for pool in shift.pool.split("|") if pool.strip() not in allowed]
        if foreign:
            yield _violation(
                work,
                shift,
                "skill",
                f"shift {shift.span_text()} staffs {', '.join(map(repr, foreign))}; the agent's "
                f"pools are {', '.join(work.agent.pools)}",
                float(len(foreign)),
            )


def availability(work: AgentWork) -> Iterator[Violation]:
    """``availability``: a shift lies inside ``[available_from, available_to]`` (each bound
    optional) and does not start on one of the agent's ``days_off``.

    Excess, in hours: the part of the shift outside the availability; for a shift starting on
    a day off, its elapsed length (one violation each).
    """
    agent = work.agent
    if agent is None:
        return
    lo, hi = agent.available_from, agent.available_to
    for shift in work.shifts:
        inside = overlap_seconds(shift.start, shift.end, lo or shift.start, hi or shift.end)
        outside = shift.length - inside
        if outside > EPS:
            since = f"from {stamp(lo)}" if lo else ""
            until = f"until {stamp(hi)}" if hi else ""
            yield _violation(
                work,
                shift,
                "availability",
                f"shift {shift.span_text()} has {show(outside)} outside the agent's "
                f"availability ({' '.join(part for part in (since, until) if part)})",
                outside / HOUR,
            )
        if shift.day in agent.days_off:
            yield _violation(
                work,
                shift,
                "availability",
                f"shift {shift.span_text()} starts on a day off",
                shift.length / HOUR,
            )


def unknown_agent(work: AgentWork) -> Iterator[Violation]:
    """``unknown_agent``: every shift's agent is one of the agents given. Excess: 1 per shift."""
    for shift in work.shifts:
        yield _violation(
            work,
            shift,
            "unknown_agent",
            f"shift {shift.span_text()} is given to {work.name!r}, who is not one of the agents",
            1.0,
        )


def _clock(moment: datetime) -> str:
    # A third of a shift can fall between minutes (10 min / 3); show it rather than round it.
    return f"{moment:%H:%M:%S}" if moment.second or moment.microsecond else f"{moment:%H:%M}"
