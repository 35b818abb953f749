"""How a roster model is solved: directly, or through its class aggregate.

Agents equal in everything but their names make the per-agent MIP highly symmetric: its LP
relaxation equals that of a model with one entry per class (the class average is as good as
any spread), yet the simplex method wanders through the many equivalent bases. On the
100-agent week (:mod:`.benchmark`) the root LP alone took HiGHS about 18 s with the interior
point method and over a minute with dual simplex, so solving it directly could not reach a
1 % gap in a minute.

``aggregate``, the default when classes hold several agents:

1. solve the *class aggregate* (:meth:`RosterData.aggregate`) — a relaxation a class-size
   smaller, whose best bound is a valid lower bound on every roster's cost;
2. solve the per-agent model with each agent limited to the shifts its class used in step 1
   and their neighbours on the start grid (:data:`NEIGHBOURS`) — a much smaller MIP whose
   plan is a lawful roster, hence an upper bound;
3. if the gap between the two is still above the target and time is left, solve the full
   per-agent model from that roster (a MIP start) for the time left.

The reported bound is the best valid one (the aggregate's, or the full model's if step 3
ran); the gap is measured between it and the roster returned. ``direct`` solves the
per-agent model only.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import pyomo.environ as pyo

from ._data import RosterData
from ._model import create_model
from ._solve import SolveReport, relative_gap, solve

__all__ = ["STRATEGIES", "solve_roster"]

STRATEGIES = ("auto", "direct", "aggregate")
NEIGHBOURS = 1  # start-grid steps either side of a shift the aggregate used
AGGREGATE_SHARE = 0.4  # of the time limit, for step 1
DIRECT_SIZE = 4000  # ``auto`` solves directly below this many shift variables


def _choose(data: RosterData, strategy: str) -> str:
    if strategy != "auto":
        return strategy
    classes = {agent.symmetry_class for agent in data.agents}
    shifts = sum(len(agent.templates) for agent in data.agents)
    if len(classes) == len(data.agents) or shifts < DIRECT_SIZE:
        return "direct"
    return "aggregate"


def _used_templates(m: pyo.ConcreteModel, data: RosterData, aggregate: RosterData):
    """Class → templates the aggregate used, with their grid neighbours of the same length."""
    step = round(data.section.shifts.start_every)
    by_start = {(t.start, t.length): t.key for t in data.templates}
    keep: dict[int, set[int]] = {}
    for entry in aggregate.agents:
        chosen = set()
        for k in entry.templates:
            if (pyo.value(m.x[entry.index, k], exception=False) or 0) > 0.5:
                t = data.templates[k]
                for shift in range(-NEIGHBOURS, NEIGHBOURS + 1):
                    near = by_start.get((t.start + shift * step, t.length))
                    if near is not None:
                        chosen.add(near)
        # A class the aggregate left idle keeps all its shifts (its agents may still owe
        # contract hours the narrowed model could not otherwise give them).
        keep[entry.symmetry_class] = chosen or set(entry.templates)
    return keep


def solve_roster(
    data: RosterData,
    *,
    time_limit: float,
    gap: float,
    hard_coverage: bool = False,
    skip=(),
    strategy: str = "auto",
) -> tuple[pyo.ConcreteModel, RosterData, SolveReport]:
    """Solve the roster of ``data``; returns the model holding the plan, the data it was
    built from (the agents' templates may be narrowed) and the report."""
    started = time.perf_counter()
    chosen = _choose(data, strategy)

    def build(of: RosterData, fairness: bool = True) -> pyo.ConcreteModel:
        return create_model(of, hard_coverage=hard_coverage, skip=skip, fairness=fairness)

    if chosen == "direct":
        model = build(data)
        built = time.perf_counter() - started
        report = solve(model, time_limit=max(time_limit - built, 1.0), gap=gap)
        return model, data, replace(report, build_seconds=built, strategy="direct")

    aggregate = data.aggregate()
    coarse = build(aggregate, fairness=False)
    left = time_limit - (time.perf_counter() - started)
    first = solve(coarse, time_limit=max(AGGREGATE_SHARE * left, 1.0), gap=gap / 2)
    if first.status == "infeasible":  # the relaxation is infeasible: so is the roster
        return coarse, aggregate, replace(first, strategy="aggregate")
    bound = first.best_bound if first.best_bound is not None else -float("inf")
    second = replace(first, status="no_solution", objective=None)
    model, used = coarse, aggregate
    if first.has_plan:
        narrow = data.restrict(_used_templates(coarse, data, aggregate))
        model, used = build(narrow), narrow
        left = time_limit - (time.perf_counter() - started)
        second = solve(model, time_limit=max(left, 1.0), gap=gap / 2)
    plan = second
    if not second.has_plan or relative_gap(second.objective, bound) > gap:
        left = time_limit - (time.perf_counter() - started)
        if left > 5:
            full = build(data)
            if second.has_plan:
                _copy_plan(model, full)
            third = solve(full, time_limit=left, gap=gap, warm_start=second.has_plan)
            better = second.objective is None or (third.objective or math.inf) <= second.objective
            if third.has_plan and better:
                model, used, plan = full, data, third
            if third.best_bound is not None:
                bound = max(bound, third.best_bound)
    elapsed = time.perf_counter() - started
    if not plan.has_plan:
        return model, used, replace(plan, seconds=elapsed, strategy="aggregate")
    final_gap = relative_gap(plan.objective, bound)
    status = "optimal" if final_gap is not None and final_gap <= gap + 1e-9 else "feasible"
    return (
        model,
        used,
        replace(
            plan,
            status=status,
            best_bound=bound,
            gap=final_gap,
            seconds=elapsed,
            gap_limit=gap,
            time_limit_seconds=time_limit,
            strategy="aggregate",
        ),
    )


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
