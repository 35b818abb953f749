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
4. **evaluation** (:func:`._evaluate.evaluate`): the per-agent model with every agent held to
   the shifts of the better of the two rosters places the breaks, splits cross-trained agents
   between pools and prices the roster exactly — every rule of :mod:`._rules` checked.

The report's bound is the LP's (its Lagrangian bound, :func:`._relaxation.lagrangian_bound`)
and the gap is measured against it; if the LP is not solved in time there is a roster but no
bound. Where the time limit is too short for the LP by its measured speed
(:data:`LP_SECONDS_PER_AGENT_DAY`), it is not started, and the search has all the time. A
part of the time limit (:func:`_evaluation_reserve`) is kept for step 4, so the roster comes
back within the limit. Time left after a local optimum goes to ruin and recreate
(:func:`_ruin_and_recreate`).
"""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo

from ._data import RosterData
from ._diagnose import NoRosterFound
from ._evaluate import evaluate
from ._local_search import best_responses, build_kinds, settle
from ._relaxation import Relaxation
from ._rounding import round_shifts, share_out
from ._solve import SolveReport, against_bound, relative_gap

__all__ = ["share_out_by_tours", "share_out_reserve", "solve_by_tours", "tours_apply"]

RUIN_SHARE = 0.1  # of the agents whose tours a kick clears
# Kicks in a row that found nothing cheaper before the search gives up: on the 500-agent
# fortnight neither kind of kick ever did (598,208 and 586,600 against 575,320).
KICKS_WITHOUT_GAIN = 2
EVALUATION_PER_AGENT = 0.03  # seconds to build and solve the held model, measured: 500 → 12 s


# The LP's building and solving, measured: 500 agents × 14 days in 31–38 s on 2 cores.
LP_SECONDS_PER_AGENT_DAY = 0.005
GUIDED_SEARCH = 10.0  # seconds of search after sharing the LP out, at least, to follow it


class _NoRelaxation:
    """Stands in for :class:`.Relaxation` when the time limit leaves no room for the LP."""

    done = True
    bound = value = None
    shifts: dict = {}

    def result(self, timeout=None):
        return self


def tours_apply(data: RosterData) -> bool:
    """Whether the tour programme describes this problem: one shift a day at most."""
    return data.section.rules.max_shifts_starting_per_day == 1


def _evaluation_reserve(data: RosterData, time_limit: float) -> float:
    return min(2.0 + EVALUATION_PER_AGENT * len(data.agents), 0.5 * time_limit)


SHARE_OUT_PER_AGENT = 0.04  # seconds: a tour programme and a check per agent, measured 0.035


def share_out_reserve(data: RosterData, time_limit: float) -> float:
    """Seconds :func:`share_out_by_tours` and the evaluation after it need."""
    per_agent = SHARE_OUT_PER_AGENT + EVALUATION_PER_AGENT
    return min(4.0 + per_agent * len(data.agents), 0.4 * time_limit)


def share_out_by_tours(
    data: RosterData, targets, *, deadline: float, skip=(), start=None
) -> dict[int, tuple[int, ...]] | None:
    """Agent index → its tour, from a plan of shifts per kind (``targets``, as the class
    aggregate gives it): shared out by the tour programme, shifts no agent could take placed
    by best responses until ``deadline``. Given a ``start`` roster (a plan loop's best round
    so far), best responses adapt that one instead (on double11_week's repair round: 199,106
    against 201,095 from the aggregate's shifts). Always a
    lawful assignment — the fallback of the ``aggregate`` strategy when its per-kind
    sharing-out MIPs run out of time."""
    kinds = build_kinds(data, skip=skip)
    if start is None:
        start, _ = share_out(
            data, targets, kinds, deadline_check=lambda: time.perf_counter() >= deadline
        )
    found = best_responses(data, kinds, deadline=deadline, start=start)
    assigned, unlawful = settle(data, kinds, found.assigned)
    return None if unlawful else assigned


def _in_overtime(data: RosterData, kinds, assigned) -> set[int]:
    """Agents whose tours pay an overtime premium."""
    out = set()
    for agent in data.agents:
        tour = assigned.get(agent.index)
        kind = kinds.get(agent.symmetry_class)
        if tour and kind is not None and kind.dp.overtime(tour) > 0:
            out.add(agent.index)
    return out


def _ruin_and_recreate(data: RosterData, kinds, best, search_end: float, enough, say):
    """Time left after a local optimum: clear some tours (those paying overtime, or a random
    tenth) and let best responses rebuild them (and the rest adapt); keep whatever costs
    less; give up after :data:`KICKS_WITHOUT_GAIN` kicks in a row without a gain. Every state of
    the search is lawful, so a kick cut short by the clock is still a roster."""
    rng = np.random.default_rng(len(data.agents))
    kick = failed = 0  # odd kicks clear the agents in overtime
    while best.complete and time.perf_counter() < search_end and not enough(best.estimate):
        kick += 1
        working = [a for a, tour in best.assigned.items() if tour]
        if not working:
            break
        # Odd kicks: the agents working overtime, answering after everyone else, so that
        # agents with hours to spare take their extra shifts first; even kicks: a random
        # tenth.
        cleared = _in_overtime(data, kinds, best.assigned) if kick % 2 else set()
        if not cleared:
            size = max(1, int(RUIN_SHARE * len(working)))
            cleared = set(rng.choice(working, size=size, replace=False).tolist())
        start = {a: (() if a in cleared else tour) for a, tour in best.assigned.items()}
        tried = best_responses(
            data, kinds, deadline=search_end, start=start, seed=kick, last=cleared, say=say
        )
        if say is not None:
            say(f"kick {kick}: {tried.estimate:,.0f} against {best.estimate:,.0f}")
        if tried.estimate < best.estimate - 1e-6:
            best, failed = tried, 0
        elif not tried.complete:
            break
        else:
            failed += 1
            if failed == KICKS_WITHOUT_GAIN:  # a deep local optimum: return the time
                break
    return best


def solve_by_tours(
    data: RosterData, *, time_limit: float, gap: float, skip=(), say=None
) -> tuple[pyo.ConcreteModel, RosterData, SolveReport]:
    """Steps 1–4 of the module docstring; the model, data and report of the evaluation."""
    started = time.perf_counter()
    deadline = started + time_limit
    search_end = deadline - _evaluation_reserve(data, time_limit)
    window = search_end - started
    lp_time = LP_SECONDS_PER_AGENT_DAY * len(data.agents) * len(data.dates)
    if window >= lp_time:
        relaxation = Relaxation(data, time_limit=window, skip=skip)
    else:  # no time for the LP: search from the start, report no bound
        relaxation = _NoRelaxation()
    # Following the LP means sharing its shifts out after it, one tour programme per agent:
    # where the window has no room for both, the LP only gives the bound and the search
    # from the empty roster keeps going.
    guided = window >= lp_time + SHARE_OUT_PER_AGENT * len(data.agents) + GUIDED_SEARCH
    kinds = build_kinds(data, skip=skip)
    stop = (lambda: relaxation.done) if guided else None
    best = best_responses(data, kinds, deadline=search_end, stop=stop, say=say)
    relaxation.result(timeout=max(search_end - time.perf_counter(), 0.0))
    if guided and relaxation.shifts and time.perf_counter() < search_end:
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

    def enough(estimate: float) -> bool:  # within the gap asked for of the LP bound
        bound = relaxation.bound if relaxation.done else None
        return bound is not None and relative_gap(estimate, bound) <= gap

    best = _ruin_and_recreate(data, kinds, best, search_end, enough, say)
    assigned, unlawful = settle(data, kinds, best.assigned)
    if unlawful:  # the programme's conservative rest found no lawful tour for some agent
        raise NoRosterFound(
            f"{unlawful} agent(s) have no tour the tour programme can find; "
            "try --strategy aggregate"
        )
    if say is not None:
        say("tours settled; evaluating")
    model, used, report = evaluate(
        data, assigned, time_limit=max(deadline - time.perf_counter(), 5.0), skip=skip
    )
    if say is not None:
        say("evaluated")
    bound = relaxation.bound if relaxation.done else None
    return (
        model,
        used,
        against_bound(
            report,
            bound,
            gap,
            seconds=time.perf_counter() - started,
            time_limit_seconds=time_limit,
            strategy="tours",
            # What stopped the search: no agent had a better tour left, or the clock.
            termination_condition="local_optimum" if best.complete else "time_limit",
        ),
    )
