"""Rules over calendar weeks (Monday 00:00 to the next Monday): contract hours, China's caps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sim.scenario.roster import ChinaCaps, Contract, RosterCosts

from ._records import EPS, HOUR, WEEK, AgentWork, Violation, show

__all__ = ["china", "contract_hours", "weekly_worked"]


def weekly_worked(work: AgentWork) -> dict[datetime, float]:
    """Seconds worked in each calendar week overlapping the horizon, by its Monday.

    Shift time less break time, by clock overlap with the week; the carried-in
    ``hours_this_week`` is added to the week the horizon starts in.
    """
    carried = work.agent.hours_this_week if work.agent is not None else 0.0
    weeks = {}
    for k, week in enumerate(work.horizon.weeks()):
        inside = sum(
            shift.worked_in(week, week + WEEK) for shift in work.touching(week, week + WEEK)
        )
        weeks[week] = inside + (carried if k == 0 else 0.0)
    return weeks


def contract_hours(
    work: AgentWork, contract_name: str, contract: Contract, costs: RosterCosts
) -> Iterator[Violation]:
    """``contract_hours``: for every calendar week W overlapping the horizon,
    ``min · p ≤ worked(W) ≤ (max + overtime) · p`` with the contract's ``min_hours_per_week``
    and ``max_hours_per_week`` and the costs' ``max_overtime_hours_per_week``.

    ``worked(W)`` is as in :func:`weekly_worked` (carry-in included in the first week) and
    ``p`` the share of the week from its Monday to ``min(next Monday, horizon end)`` — from
    Monday also in the first week, whose days before the horizon are the carry-in's. Overtime
    up to ``max_overtime_hours_per_week · p`` above the maximum is priced, not a violation.
    Excess: hours under the minimum or over the maximum plus overtime.
    """
    horizon = work.horizon
    for week, worked in weekly_worked(work).items():
        share = horizon.week_share(week)
        low = contract.min_hours_per_week * share
        high = (contract.max_hours_per_week + costs.max_overtime_hours_per_week) * share
        part = "" if share == 1 else f" (pro rata {share:.3g} of the week)"
        if low - worked > EPS:
            yield Violation(
                work.name,
                week.date(),
                "contract_hours",
                f"{show(worked)} worked in the week of Monday {week:%Y-%m-%d}; contract "
                f"{contract_name!r} needs at least {show(low)}{part} ({show(low - worked)} under)",
                (low - worked) / HOUR,
            )
        elif worked - high > EPS:
            yield Violation(
                work.name,
                week.date(),
                "contract_hours",
                f"{show(worked)} worked in the week of Monday {week:%Y-%m-%d}; contract "
                f"{contract_name!r} allows at most {show(high)} with overtime{part} "
                f"({show(worked - high)} over)",
                (worked - high) / HOUR,
            )


def china(work: AgentWork, caps: ChinaCaps) -> Iterator[Violation]:
    """``china``: overtime per calendar month is at most ``max_overtime_per_month``.

    A week's overtime is ``max(0, worked(W) − standard_week · p)`` with ``worked`` and ``p``
    as in :func:`contract_hours`; a week's overtime counts towards the month its Monday falls
    in. The violation is dated on the first such Monday. Excess: hours over.
    """
    horizon = work.horizon
    by_month: dict[tuple[int, int], list[tuple[datetime, float]]] = defaultdict(list)
    for week, worked in weekly_worked(work).items():
        overtime = max(worked - caps.standard_week * horizon.week_share(week), 0.0)
        by_month[week.year, week.month].append((week, overtime))
    cap = caps.max_overtime_per_month
    for weeks in by_month.values():
        total = sum(overtime for _, overtime in weeks)
        if total - cap > EPS:
            first = weeks[0][0]
            yield Violation(
                work.name,
                first.date(),
                "china",
                f"{show(total)} overtime in {first:%B %Y} (weeks from Monday "
                f"{first:%Y-%m-%d}, beyond {show(caps.standard_week)} a week); at most "
                f"{show(cap)} ({show(total - cap)} over)",
                (total - cap) / HOUR,
            )
