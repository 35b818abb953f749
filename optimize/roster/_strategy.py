"""How a roster model is solved: directly, or through its class aggregate.

Agents equal in everything but their names make the per-agent MIP highly symmetric: its LP
relaxation equals that of a model with one entry per class (the class average is as good as
any spread), yet the simplex method wanders through the many equivalent bases. On the
100-agent week (:mod:`.benchmark`) the root LP alone took HiGHS about 18 s with the interior
point method and over a minute with dual simplex, so solving it directly could not reach a
1 % gap in a minute.

``aggregate``, the default when classes hold several agents:

1. solve the *class aggregate* (:meth:`RosterData.aggregate`) — a relaxation a class-size
   smaller, whose best bound is a valid lower bound on every
   roster's cost; its plan says how many of each class work each shift;
2. *disaggregate*: for each class on its own, share its shifts out among its agents under
   every per-agent rule (:func:`._model.add_targets`), least overtime and unfairness first —
   small MIPs, since coverage is already settled;
3. *evaluate*: the per-agent model with every agent held to the shifts given, which places
   the breaks (then staggered, :mod:`._spread`) and splits cross-trained agents between
   pools — the roster.

Class sums of per-agent rules lose little here (min rest, one shift a day and the contract
hours are nearly exact in sum), so step 2 almost always succeeds. Where it fails for a
class, or the gap is still above the target with time left, the per-agent model is solved
with each agent limited to the shifts its class used and their neighbours on the start grid
(:data:`NEIGHBOURS`), then in full from that roster (a MIP start).

Where tours describe the problem (soft coverage, one shift a day), a part of the time limit
is kept back from step 2: if the sharing-out MIPs run out of time, the aggregate's shifts
are shared out by the tour programme instead (:func:`._tours.share_out_by_tours`), which
always gives a lawful roster — dearer, but a plan loop's repair round is never left with
nothing.

The reported bound is the best valid one (the aggregate's, or the full model's if it ran);
the gap is measured between it and the roster returned. ``direct`` solves the per-agent
model only; ``tours`` is :mod:`._tours`. ``auto`` picks ``direct`` below
:data:`DIRECT_SIZE` shift variables (or when every agent differs), ``tours`` from
:data:`TOURS_SIZE` where tours apply, ``aggregate`` in between.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import defaultdict
from dataclasses import replace

import pyomo.environ as pyo
from pyomo.common.errors import InvalidConstraintError

from ._data import HOUR, AgentData, RosterData
from ._evaluate import evaluate
from ._extract import chosen_shifts
from ._model import create_model
from ._solve import SolveReport, against_bound, relative_gap, solve
from ._spread import spread_breaks
from ._tours import share_out_by_tours, share_out_reserve, solve_by_tours, tours_apply

__all__ = ["STRATEGIES", "solve_roster", "start_assignment"]

STRATEGIES = ("auto", "direct", "aggregate", "tours")
NEIGHBOURS = 1  # start-grid steps either side of a shift the aggregate used
AGGREGATE_SHARE = 0.7  # of the time limit, for step 1
DISAGGREGATION_GAP = 1e-4  # per class: overtime and fairness are small next to pay
SHARE_OUT_SHARE = 0.5  # of the tours fallback's reserve, for sharing out (the rest evaluates)
DIRECT_SIZE = 1500  # ``auto`` solves directly below this many shift variables
TOURS_SIZE = 100_000  # ``auto`` works with tours from this many (:mod:`._tours`)


def _choose(data: RosterData, strategy: str, hard_coverage: bool) -> str:
    if strategy != "auto":
        return strategy
    classes = {agent.kind for agent in data.agents}
    shifts = sum(len(agent.templates) for agent in data.agents)
    if len(classes) == len(data.agents) or shifts < DIRECT_SIZE:
        return "direct"
    if shifts >= TOURS_SIZE and tours_apply(data) and not hard_coverage:
        return "tours"
    return "aggregate"


def _used_templates(m: pyo.ConcreteModel, data: RosterData, aggregate: RosterData):
    """Kind → templates the aggregate used, with their grid neighbours of the same length."""
    keep: dict[int, set[int]] = {}
    for entry in aggregate.agents:
        used = [
            k
            for k in entry.templates
            if (pyo.value(m.x[entry.index, k], exception=False) or 0) > 0.5
        ]
        # A kind the aggregate left idle keeps all its shifts (its agents may still owe
        # contract hours the narrowed model could not otherwise give them).
        keep[entry.kind] = _neighbours(data, used) or set(entry.templates)
    return keep


def _class_targets(m: pyo.ConcreteModel, aggregate: RosterData) -> dict[int, dict[int, int]]:
    """Class → {template: shifts} in the aggregate's plan."""
    targets: dict[int, dict[int, int]] = {}
    for entry in aggregate.agents:
        counts = {}
        for k in entry.templates:
            value = round(pyo.value(m.x[entry.index, k], exception=False) or 0)
            if value > 0:
                counts[k] = value
        targets[entry.kind] = counts
    return targets


def disaggregate(
    data: RosterData,
    targets: dict[int, dict[int, int]],
    *,
    deadline: float,
    skip=(),
) -> dict[int, tuple[int, ...]] | None:
    """Agent index → the templates it works, sharing each kind's shifts out among its
    agents (step 2); ``None`` when time ran out for some kind."""
    members: dict[int, list[AgentData]] = defaultdict(list)
    for agent in data.agents:
        members[agent.kind].append(agent)
    assigned: dict[int, tuple[int, ...]] = {}
    for done, (kind, agents) in enumerate(members.items()):
        wanted = targets.get(kind, {})
        if not wanted:
            assigned.update((agent.index, ()) for agent in agents)
            continue
        fair_share = (deadline - time.perf_counter()) / (len(members) - done)
        shared = _share_out(data, agents, wanted, time_limit=2 * fair_share, skip=skip)
        if shared is None:
            # The aggregate's free agent may work shifts some members may not (days off,
            # rest carried in): let the members swap to neighbouring shifts, at a price.
            left = deadline - time.perf_counter()
            shared = _share_out(data, agents, wanted, time_limit=left, skip=skip, soft=True)
        if shared is None:
            return None
        assigned.update(shared)
    return assigned


def _share_out(
    data: RosterData,
    agents: list[AgentData],
    wanted: dict[int, int],
    *,
    time_limit: float,
    skip=(),
    soft: bool = False,
) -> dict[int, tuple[int, ...]] | None:
    """One kind's agents → their shifts: exactly the ``wanted`` counts, or (``soft``) as
    close as the rules allow with the shifts a grid step either side, each shift more or
    fewer than wanted priced at an agent-hour short."""
    if time_limit <= 0.1:
        return None
    allowed = set(wanted)
    if soft:
        allowed |= _neighbours(data, wanted)
    sub = replace(
        data,
        required={},
        agents=[
            replace(agent, index=j, templates=tuple(k for k in agent.templates if k in allowed))
            for j, agent in enumerate(agents)
        ],
    )
    price = data.section.costs.understaffing_per_agent_interval * HOUR / data.interval
    model = create_model(
        sub,
        skip=skip,
        targets={(agents[0].group, k): n for k, n in wanted.items()},
        deviation_price=price if soft else None,
        symmetry=False,
    )
    report = solve(model, time_limit=time_limit, gap=DISAGGREGATION_GAP)
    if not report.has_plan:
        return None
    return {
        agent.index: tuple(
            k
            for k in sub.agents[j].templates
            if (pyo.value(model.x[j, k], exception=False) or 0) > 0.5
        )
        for j, agent in enumerate(agents)
    }


def _neighbours(data: RosterData, keys) -> set[int]:
    """Templates of the same length :data:`NEIGHBOURS` grid steps either side of ``keys``."""
    step = round(data.section.shifts.start_every)
    by_start = {(t.start, t.length): t.key for t in data.templates}
    near = set()
    for k in keys:
        t = data.templates[k]
        for shift in range(-NEIGHBOURS, NEIGHBOURS + 1):
            other = by_start.get((t.start + shift * step, t.length))
            if other is not None:
                near.add(other)
    return near


def start_assignment(data: RosterData, roster) -> dict[int, tuple[int, ...]]:
    """Agent index → template keys of a roster table (``agent, shift_start, shift_end``);
    shifts that are not templates of that agent here are left out."""
    key_of = {}
    for agent in data.agents:
        for k in agent.templates:
            t = data.templates[k]
            key_of[agent.agent.name, t.start, t.length] = k
    index = {agent.agent.name: agent.index for agent in data.agents}
    assigned: dict[int, list[int]] = defaultdict(list)
    for name, begin, end in zip(
        roster["agent"], roster["shift_start"], roster["shift_end"], strict=True
    ):
        start = data.seconds(begin)
        k = key_of.get((name, start, data.seconds(end) - start))
        if k is not None and name in index:
            assigned[index[name]].append(k)
    return {a: tuple(sorted(keys)) for a, keys in assigned.items()}


def solve_roster(
    data: RosterData,
    *,
    time_limit: float,
    gap: float,
    hard_coverage: bool = False,
    skip=(),
    strategy: str = "auto",
    start: dict[int, tuple[int, ...]] | None = None,
) -> tuple[pyo.ConcreteModel, RosterData, SolveReport]:
    """Solve the roster of ``data``; returns the model holding the plan, the data it was
    built from (the agents' templates may be narrowed) and the report. ``start`` (agent
    index → template keys) is a lawful roster to fall back on where sharing out fails."""
    started = time.perf_counter()
    deadline = started + time_limit
    chosen = _choose(data, strategy, hard_coverage)
    if chosen == "tours":
        if hard_coverage or not tours_apply(data):
            raise ValueError(
                "strategy tours needs soft coverage and at most one shift a day "
                "(max_shifts_starting_per_day: 1)"
            )
        return solve_by_tours(data, time_limit=time_limit, gap=gap, skip=skip)

    def build(of: RosterData, **options) -> pyo.ConcreteModel:
        return create_model(of, hard_coverage=hard_coverage, skip=skip, **options)

    if chosen == "direct":
        model = build(data)
        built = time.perf_counter() - started
        report = solve(model, time_limit=max(time_limit - built, 1.0), gap=gap)
        if report.has_plan:
            spread_breaks(model, data, report, time_limit=max(deadline - time.perf_counter(), 1))
        return (
            model,
            data,
            replace(report, build_seconds=built, strategy="direct", time_limit_seconds=time_limit),
        )

    aggregate = data.aggregate()
    coarse = build(aggregate)
    left = deadline - time.perf_counter()
    first = solve(coarse, time_limit=max(AGGREGATE_SHARE * left, 1.0), gap=gap / 2)
    if first.status == "infeasible":  # the relaxation is infeasible: so is the roster
        return coarse, aggregate, replace(first, strategy="aggregate")
    bound = first.best_bound if first.best_bound is not None else -float("inf")
    model, used, plan = coarse, aggregate, replace(first, status="no_solution", objective=None)
    targets = _class_targets(coarse, aggregate) if first.has_plan else None
    # Where tours describe the problem, time is kept to share out by them instead.
    by_tours = tours_apply(data) and not hard_coverage
    reserve = share_out_reserve(data, time_limit) if by_tours else 0.0
    assigned = None
    if targets is not None:
        assigned = disaggregate(data, targets, deadline=deadline - 1.0 - reserve, skip=skip)
    if assigned is None and by_tours and (targets is not None or start is not None):
        # The aggregate's shifts shared out by tours, or the start roster adapted by them.
        evaluation = reserve - SHARE_OUT_SHARE * reserve
        assigned = share_out_by_tours(
            data, targets, deadline=deadline - evaluation, skip=skip, start=start
        )
    elif assigned is None and start is not None:
        assigned = start
    if assigned is not None:
        left = max(deadline - time.perf_counter(), 1.0)
        # A start roster whose shifts no longer make some agent's contract minimum (a shift
        # that is not a template here) gives no plan; the repair below takes over.
        with contextlib.suppress(InvalidConstraintError):
            model, used, plan = evaluate(
                data, assigned, time_limit=left, hard_coverage=hard_coverage, skip=skip
            )
    if not plan.has_plan or relative_gap(plan.objective, bound) > gap:
        repaired = _repair(
            data, build, coarse, aggregate, (model, used, plan), bound, gap, deadline
        )
        bound = repaired[3]
        if repaired[0] is not model and repaired[2].has_plan:
            # A solver's incumbent may carry slack in its auxiliaries (overtime above what
            # the shifts work, say): price its shifts exactly.
            model, used, plan = evaluate(
                data,
                chosen_shifts(repaired[0]),
                time_limit=max(deadline - time.perf_counter(), 5.0),
                hard_coverage=hard_coverage,
                skip=skip,
            )
    elapsed = time.perf_counter() - started
    if not plan.has_plan:
        return model, used, replace(plan, seconds=elapsed, strategy="aggregate")
    return (
        model,
        used,
        against_bound(
            plan,
            bound,
            gap,
            seconds=elapsed,
            time_limit_seconds=time_limit,
            strategy="aggregate",
            # The size of the MIP that decided the plan, not of the evaluation's.
            variables=first.variables,
            integer_variables=first.integer_variables,
            constraints=first.constraints,
        ),
    )


def _repair(data, build, coarse, aggregate, current, bound, gap, deadline):
    """The fallback: the per-agent model narrowed to the aggregate's shifts and their grid
    neighbours, then in full from the best roster so far, for the time left."""
    model, used, plan = current
    left = deadline - time.perf_counter()
    if left > 5 and not plan.has_plan and coarse is not None:
        narrow = data.restrict(_used_templates(coarse, data, aggregate))
        candidate = build(narrow)
        second = solve(candidate, time_limit=max(deadline - time.perf_counter(), 1.0), gap=gap / 2)
        if second.has_plan:
            model, used, plan = candidate, narrow, second
    left = deadline - time.perf_counter()
    if left > 5 and (not plan.has_plan or relative_gap(plan.objective, bound) > gap):
        full = build(data)
        if plan.has_plan:
            _copy_plan(model, full)
        # Building the full model takes seconds on big instances: the solve gets what is left.
        left = max(deadline - time.perf_counter(), 1.0)
        third = solve(full, time_limit=left, gap=gap, warm_start=plan.has_plan)
        better = plan.objective is None or (third.objective or math.inf) <= plan.objective
        if third.has_plan and better:
            model, used, plan = full, data, third
        if third.best_bound is not None:
            bound = max(bound, third.best_bound)
    return model, used, plan, bound


def _copy_plan(source: pyo.ConcreteModel, target: pyo.ConcreteModel) -> None:
    """Offer ``source``'s plan to ``target`` as a start: every variable of the same name and
    index takes its value, the others 0 (HiGHS completes or discards a start it cannot use)."""
    for var in target.component_objects(pyo.Var):
        other = source.component(var.local_name)
        for key in var:
            value = None
            if other is not None and key in other:
                value = pyo.value(other[key], exception=False)
            var[key].set_value(0 if value is None else value, skip_validation=True)
