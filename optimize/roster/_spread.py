"""Staggered breaks: a second pass over a solved roster that spreads the breaks of agents on
the same shift over its break times, without costing anything.

The roster models place breaks where coverage needs them. Where several break times serve
coverage equally, nothing in the cost tells them apart, and the solver may send every agent
on a shift to break at once — lawful, but a gamble on the forecast. This pass keeps every
shift and the plan's cost (``total_cost ≤`` what it was) and minimises the breaks taken
beyond each break time's even share:

``clumped[g,t,o] ≥ nb[g,t,o] − ⌈n[g,t] / K_t⌉``, ``clumped ≥ 0``, minimise ``Σ clumped``

with ``n[g,t]`` the (now fixed) agents of group ``g`` on template ``t`` and ``K_t`` its break
times. Staggering is a tie-breaker, not a rule: where coverage is better served by breaks
together, they stay together (measured on the 100-agent week, :mod:`.benchmark`, a hard
even-share rule cost 65 agent-intervals of shortfall and left HiGHS without a roster in
25 s; as a second pass it costs nothing and takes under a second).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from ._data import RosterData
from ._solve import SolveReport, solve

__all__ = ["spread_breaks"]


def spread_breaks(
    m: pyo.ConcreteModel, data: RosterData, report: SolveReport, *, time_limit: float
) -> int | None:
    """Spread the breaks of the solved model ``m`` (its plan loaded, cost ``report.objective``)
    in place, its shifts fixed; returns the breaks still beyond their even share, or ``None``
    when the pass found nothing in time (``m`` keeps its plan)."""
    counts = {key: round(pyo.value(m.n[key], exception=False) or 0) for key in m.group_templates}
    index = [(g, k, o) for g, k, o in m.break_slots if counts[g, k] > 0]
    if not index or report.objective is None:
        return 0
    for var in m.x.values():
        var.fix(round(pyo.value(var, exception=False) or 0))
    m.spread_index = pyo.Set(initialize=index, dimen=3, ordered=True)
    m.clumped = pyo.Var(m.spread_index, domain=pyo.NonNegativeReals)
    m.even_share = pyo.Constraint(
        m.spread_index,
        rule=lambda m, g, k, o: (
            m.clumped[g, k, o]
            >= m.nb[g, k, o] - math.ceil(counts[g, k] / len(data.templates[k].break_offsets))
        ),
    )
    cap = report.objective + 1e-7 * max(abs(report.objective), 1.0)
    m.cost_held = pyo.Constraint(expr=m.total_cost.expr <= cap)
    m.total_cost.deactivate()
    m.spread = pyo.Objective(expr=pyo.quicksum(m.clumped.values()), sense=pyo.minimize)
    second = solve(m, time_limit=time_limit, gap=0.0)
    m.spread.deactivate()
    m.total_cost.activate()
    m.cost_held.deactivate()
    return round(second.objective or 0) if second.has_plan else None
