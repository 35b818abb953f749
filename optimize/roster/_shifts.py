"""The shift-level model (``--level shifts``): how many shifts of each template each pool
needs, with breaks, before anyone is named.

No agents and so no per-agent rules: it answers "which shifts, how many" (the shape of the
roster) quickly. With single-skilled agents its cost is a lower bound on what named agents
under the labour rules can achieve with the same prices (cross-trained agents, who can
split a shift between pools, can do better than it).

Notation: ``n[p,t] ∈ ℤ≥0`` shifts of template ``t`` for pool ``p``; breaks and coverage shares
as in :mod:`._model`, each pool standing for a skill group.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import pandas as pd
import pyomo.environ as pyo

from sim import Problem
from sim.scenario import Horizon
from sim.scenario.roster import RosterSection

from ._data import HOUR, RosterData, allowed_lengths, prepare
from ._diagnose import RosterInfeasible
from ._model import add_breaks, add_shortfall_and_outsourcing, on_duty
from ._solve import SolveReport, solve

__all__ = ["SHIFT_COLUMNS", "ShiftPlan", "create_shift_model", "plan_shifts"]

SHIFT_COLUMNS = ["date", "shift_start", "shift_end", "pool", "count"]


@dataclass(frozen=True)
class ShiftPlan:
    """Shift counts (:data:`SHIFT_COLUMNS`, times as datetimes), coverage and the solve."""

    shifts: pd.DataFrame
    coverage: pd.DataFrame
    costs: dict[str, float]
    report: SolveReport


def hourly_rates(data: RosterData) -> dict[int, float]:
    """Template length → the cheapest contract pay per hour among contracts allowing it."""
    rates: dict[int, float] = {}
    for contract in data.section.contracts.values():
        for length in allowed_lengths(data.section, contract):
            rates[length] = min(rates.get(length, contract.cost_per_hour), contract.cost_per_hour)
    return rates


def create_shift_model(data: RosterData, *, hard_coverage: bool = False) -> pyo.ConcreteModel:
    """The shift-count MIP: minimise pay, outsourcing and shortfall."""
    m = pyo.ConcreteModel(name="shifts")
    add_shift_counts(m, data)
    add_shift_breaks(m, data)
    add_shift_coverage(m, data, hard=hard_coverage)
    add_shift_objective(m, data)
    return m


def add_shift_counts(m: pyo.ConcreteModel, data: RosterData) -> None:
    """``n[p,t] ∈ ℤ≥0`` shifts of template ``t`` for pool ``p``, for every template and every
    pool with a requirement (named like the agent model's group counts, each pool a group of
    its own, so that breaks and time on duty are the same functions)."""
    pools = sorted({p for _, p in data.required})
    m.pools = pyo.Set(initialize=pools, ordered=True)
    index = [(p, t.key) for p in pools for t in data.templates]
    m.group_templates = pyo.Set(initialize=index, dimen=2, ordered=True)
    m.n = pyo.Var(m.group_templates, domain=pyo.NonNegativeIntegers)


def add_shift_breaks(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (3) on counts, exactly as in the agent model (:func:`._model.add_breaks`)."""
    add_breaks(m, data)


def add_shift_coverage(m: pyo.ConcreteModel, data: RosterData, hard: bool) -> None:
    """``on_duty[i,p] + out[i,p] + short[i,p] ≥ req[i,p]`` for every requirement, with
    ``short = 0`` when ``hard`` and ``out`` bounded by the outsourced capacity."""
    add_shortfall_and_outsourcing(m, data, hard)

    def cover_rule(m, i, p):
        out = m.out[i, p] if (i, p) in m.out_index else 0
        return on_duty(m, data, p, i) + out + m.short[i, p] >= data.required[i, p]

    m.coverage = pyo.Constraint(m.demand, rule=cover_rule)


def add_shift_objective(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Minimise ``Σ rate(L_t)·f_t·w_t/3600·n[p,t] + Σ price_out·out + Σ price_i·short`` with
    ``rate(L)`` the cheapest contract pay per hour among contracts allowing length ``L`` and
    ``f_t`` the template's ``pay_factor``."""
    rates = hourly_rates(data)
    costs = data.section.costs
    pay = {t.key: rates[t.length] * t.pay_factor * t.worked / HOUR for t in data.templates}
    m.pay_cost = pyo.Expression(expr=pyo.quicksum(pay[k] * m.n[p, k] for p, k in m.group_templates))
    price_out = costs.outsourced.cost_per_agent_interval if costs.outsourced else 0.0
    m.outsourced_cost = pyo.Expression(expr=pyo.quicksum(price_out * m.out[key] for key in m.out))
    m.shortfall_cost = pyo.Expression(
        expr=pyo.quicksum(data.shortfall_price[i] * m.short[i, p] for i, p in m.demand)
    )
    m.total_cost = pyo.Objective(
        expr=m.pay_cost + m.outsourced_cost + m.shortfall_cost, sense=pyo.minimize
    )


def _value(component) -> float:
    value = pyo.value(component, exception=False)
    return 0.0 if value is None else float(value)


def plan_shifts(
    requirements: pd.DataFrame,
    section: RosterSection,
    horizon: Horizon,
    *,
    time_limit: float = 60.0,
    gap: float = 0.01,
    hard_coverage: bool = False,
) -> ShiftPlan:
    """Shift counts per date, template and pool covering ``requirements``.

    Raises :class:`RosterInfeasible` when coverage is hard and some requirement lies where
    no shift of the grid can be.
    """
    data = prepare(requirements, [], section, horizon, temporaries=False)
    started = time.perf_counter()
    m = create_shift_model(data, hard_coverage=hard_coverage)
    build_seconds = time.perf_counter() - started
    report = replace(solve(m, time_limit=time_limit, gap=gap), build_seconds=build_seconds)
    if report.status == "infeasible":
        raise RosterInfeasible(
            [Problem("roster.shifts", "coverage is hard but no shifts of the grid cover it")]
        )
    rows = []
    if report.has_plan:
        for p, k in m.group_templates:
            count = round(_value(m.n[p, k]))
            if count:
                t = data.templates[k]
                rows.append((data.dates[t.day], data.moment(t.start), data.moment(t.end), p, count))
    shifts = pd.DataFrame(rows, columns=SHIFT_COLUMNS)
    coverage = []
    for i, start in enumerate(data.interval_starts):
        for p in data.pools:
            need = data.required.get((i, p), 0.0)
            have = _value(on_duty(m, data, p, i)) if p in m.pools else 0.0
            out = _value(m.out[i, p]) if (i, p) in m.out else 0.0
            coverage.append(
                (start, p, need, round(have, 6), round(out, 6), max(need - have - out, 0))
            )
    table = pd.DataFrame(
        coverage,
        columns=["interval_start", "pool", "required", "scheduled", "outsourced", "shortfall"],
    )
    costs = {
        "pay": _value(m.pay_cost),
        "outsourced": _value(m.outsourced_cost),
        "shortfall": _value(m.shortfall_cost),
    }
    return ShiftPlan(shifts=shifts, coverage=table, costs=costs, report=report)
