"""Rosters at scale: tours by dynamic programming, guided by the aggregate's LP.

For hundreds of agents over weeks the per-agent MIP, and even the class aggregate's MIP, is
too big to solve in minutes (500 agents × 14 days: 672,000 shift variables; the aggregate
MIP finds no roster in 300 s). ``tours`` works with whole *tours* — what one agent works over
the horizon — instead:

1. **bound** (a thread, :mod:`._relaxation`): the LP relaxation of the class aggregate, a
   valid lower bound on every roster's cost, and a fractional plan of shifts per class;
2. **first roster** (beside it): best responses from an empty roster (:mod:`._local_search`)
   — each agent in turn takes its most valuable lawful tour given the others' — until the
   LP is solved;
3. **LP-guided roster**: the LP's shifts rounded and shared out among each class's agents as
   lawful tours (:mod:`._rounding`), then best responses from there for the time left;
4. **evaluation** (:func:`._strategy.evaluate`): the per-agent model with every agent held to
   the shifts of the better of the two rosters places the breaks, splits cross-trained agents
   between pools and prices the roster exactly — every rule of :mod:`._rules` checked.

The report's bound is the LP's (its Lagrangian bound, :func:`._relaxation.lagrangian_bound`)
and the gap is measured against it; if the LP is not solved in time there is a roster but no
bound. A part of the time limit (:func:`_evaluation_reserve`) is kept for step 4, so the
roster comes back within the limit.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pyomo.environ as pyo

from ._data import RosterData
from ._local_search import best_responses, build_kinds
from ._relaxation import Relaxation
from ._rounding import round_shifts, share_out
from ._solve import SolveReport, relative_gap

__all__ = ["solve_by_tours", "tours_apply"]

EVALUATION_PER_AGENT = 0.04  # seconds to build and solve the held model, measured: 500 → 15 s


def tours_apply(data: RosterData) -> bool:
    """Whether the tour programme describes this problem: one shift a day at most."""
    return data.section.rules.max_shifts_starting_per_day == 1


def _evaluation_reserve(data: RosterData, time_limit: float) -> float:
    return min(2.0 + EVALUATION_PER_AGENT * len(data.agents), 0.5 * time_limit)


def solve_by_tours(
    data: RosterData, *, time_limit: float, gap: float, skip=(), say=None
) -> tuple[pyo.ConcreteModel, RosterData, SolveReport]:
    """Steps 1–4 of the module docstring; the model, data and report of the evaluation."""
    from ._strategy import evaluate  # the held model lives with the other strategies

    started = time.perf_counter()
    deadline = started + time_limit
    search_end = deadline - _evaluation_reserve(data, time_limit)
    relaxation = Relaxation(data, time_limit=search_end - started, skip=skip)
    kinds = build_kinds(data, skip=skip)
    best = best_responses(
        data, kinds, deadline=search_end, stop=lambda: relaxation.done, say=say
    )
    relaxation.result(timeout=max(search_end - time.perf_counter(), 0.0))
    if relaxation.shifts and time.perf_counter() < search_end:
        start, left = share_out(
            data,
            round_shifts(data, relaxation.shifts),
            kinds,
            deadline_check=lambda: time.perf_counter() >= search_end,
        )
        if say is not None:
            say(f"LP {relaxation.value:,.1f} shared out, {left} shift(s) left to place")
        guided = best_responses(data, kinds, deadline=search_end, start=start, say=say)
        if guided.estimate < best.estimate:
            best = guided
    if not best.complete and time.perf_counter() < search_end:
        best = best_responses(data, kinds, deadline=search_end, start=best.assigned, say=say)
    model, used, report = evaluate(
        data, best.assigned, time_limit=max(deadline - time.perf_counter(), 5.0), skip=skip
    )
    bound = relaxation.bound if relaxation.done else None
    final_gap = relative_gap(report.objective, bound) if report.has_plan else None
    status = report.status
    if report.has_plan:
        status = "optimal" if final_gap is not None and final_gap <= gap + 1e-9 else "feasible"
    return (
        model,
        used,
        replace(
            report,
            status=status,
            best_bound=bound,
            gap=final_gap,
            seconds=time.perf_counter() - started,
            gap_limit=gap,
            time_limit_seconds=time_limit,
            strategy="tours",
        ),
    )
