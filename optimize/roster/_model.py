"""The roster model: named agents on shift templates, covering requirements per pool.

:func:`create_model` reads as the table of contents; each ``add_*`` function adds one family
of variables or constraints and states its math. The labour rules are in :mod:`._rules`.

Notation as in :mod:`._rules`, plus: ``g`` a skill group (agents with the same pools, named
``"a|b"``),
``i`` an interval, ``p`` a pool, ``req[i,p]`` the heads required, ``c_{t,i}`` the share of
interval ``i`` template ``t`` is on duty and ``β_{t,o,i}`` the share a break at offset ``o``
of template ``t`` takes out of interval ``i``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from itertools import pairwise

import pyomo.environ as pyo

from ._data import HOUR, RosterData
from ._rules import (
    add_china_caps,
    add_consecutive_days,
    add_contract_hours,
    add_hours_in_7_days,
    add_night_shifts,
    add_rest_between_shifts,
    add_shifts_per_day,
    by_day,
    works,
)
from ._weekly_rest import add_weekly_rest

__all__ = ["RULE_FAMILIES", "create_model"]

# The hard labour rules by name, in the order they are added; ``create_model(skip=…)`` leaves
# some out (diagnosis of an infeasible roster, and tests that a rule binds).
RULE_FAMILIES: dict[str, Callable[[pyo.ConcreteModel, RosterData], None]] = {
    "min_rest": add_rest_between_shifts,
    "consecutive_days": add_consecutive_days,
    "weekly_rest": add_weekly_rest,
    "hours_7_days": add_hours_in_7_days,
    "contract_hours": add_contract_hours,
    "night_shifts": add_night_shifts,
    "china": add_china_caps,
}

LEXICOGRAPHIC_DAYS = 14  # symmetry breaking orders identical agents by their working days


def create_model(
    data: RosterData,
    *,
    hard_coverage: bool = False,
    skip: Iterable[str] = (),
    fairness: bool = True,
    targets: Mapping[tuple[str, int], int] | None = None,
    deviation_price: float | None = None,
    symmetry: bool = True,
    coverage: bool = True,
) -> pyo.ConcreteModel:
    """The roster MIP for ``data``; minimise pay, overtime, hires, outsourcing, shortfall and
    unfairness. ``skip`` names rule families of :data:`RULE_FAMILIES` to leave out;
    ``fairness=False`` leaves the fairness term out (still a lower bound: it is ≥ 0).

    ``targets`` (``(group, template) → shifts``) turns it into a disaggregation model: no
    breaks and no coverage, the agents work exactly the shifts given (:func:`add_targets`), or
    as close as they can at ``deviation_price`` a shift.
    ``symmetry=False`` leaves out the symmetry-breaking rows: they prune equivalent branches
    of an optimisation, but make a search for any feasible sharing-out much slower
    (measured: a class of 27 agents found no sharing in 10 s with them, one in 0.9 s without).
    ``coverage=False`` leaves out breaks and coverage: what remains is the agents' own lawful
    shifts and their cost (the pricing problem of :mod:`._tours`).
    """
    skip = set(skip)
    m = pyo.ConcreteModel(name="roster")
    m.rest_enforced = "min_rest" not in skip
    add_shift_choice(m, data)
    add_temporary_hires(m, data)
    add_shifts_per_day(m, data)
    for name, add in RULE_FAMILIES.items():
        if name in skip:
            add_empty_rule(m, name)
        else:
            add(m, data)
    add_group_shifts(m, data)
    if targets is not None:
        add_targets(m, data, targets, deviation_price)
    elif coverage:
        add_breaks(m, data)
        add_coverage(m, data, hard=hard_coverage)
    else:
        add_shortfall_and_outsourcing(m, replace(data, required={}), hard=False)
    if symmetry:
        add_symmetry_breaking(m, data)
    add_fairness(m, data, enabled=fairness)
    add_objective(m, data)
    if hasattr(m, "deviation_cost"):
        m.total_cost.expr = m.total_cost.expr + m.deviation_cost
    return m


def add_empty_rule(m: pyo.ConcreteModel, name: str) -> None:
    """The components a skipped rule family would have added, empty (the objective and the
    read-out refer to overtime whether or not its rules are in)."""
    if name == "contract_hours":
        m.overtime_index = pyo.Set(dimen=2)
        m.overtime = pyo.Var(m.overtime_index, domain=pyo.NonNegativeReals)


def add_shift_choice(m: pyo.ConcreteModel, data: RosterData) -> None:
    """``x[a,t] ∈ {0,1}`` for ``t ∈ T_a``: agent ``a`` works template ``t``.

    ``T_a`` holds only templates the agent may work (contract lengths within
    ``max_shift_length``, availability, days off, rest after the carried-in last shift), so
    rules (2) and (11) and the carry-in part of rule (1) hold by construction.
    """
    pairs = [(agent.index, k) for agent in data.agents for k in agent.templates]
    m.assignments = pyo.Set(initialize=pairs, dimen=2, ordered=True)
    m.x = pyo.Var(
        m.assignments,
        domain=pyo.NonNegativeIntegers,
        bounds=lambda m, a, k: (0, data.agents[a].most_on(k)),
    )
    m.day_templates = {agent.index: by_day(data, agent) for agent in data.agents}


def add_temporary_hires(m: pyo.ConcreteModel, data: RosterData) -> None:
    """``hire[a] ∈ {0,1}`` for each possible temporary agent; only a hire works:
    ``y[a,d] ≤ hire[a]`` for every date (``Σ_{t∈T_a(d)} x[a,t] ≤ m·hire[a]``).
    Each hire costs ``temporary_hires.fixed_cost``; hires of a pool are taken in order,
    ``hire[a] ≥ hire[a+1]``."""
    temps = [agent for agent in data.agents if agent.temporary]
    m.temporaries = pyo.Set(initialize=[agent.index for agent in temps])
    m.hire = pyo.Var(
        m.temporaries, domain=pyo.NonNegativeIntegers, bounds=lambda m, a: (0, data.agents[a].count)
    )
    m.hired_only = pyo.ConstraintList()
    most = data.section.rules.max_shifts_starting_per_day
    for agent in temps:
        for keys in m.day_templates[agent.index].values():
            m.hired_only.add(
                pyo.quicksum(m.x[agent.index, k] for k in keys) <= most * m.hire[agent.index]
            )
    for first, second in pairwise(temps):
        if first.group == second.group:
            m.hired_only.add(m.hire[first.index] >= m.hire[second.index])


def add_group_shifts(m: pyo.ConcreteModel, data: RosterData) -> None:
    """``n[g,t] = Σ_{a∈g} x[a,t]``: how many agents of skill group ``g`` work template ``t``.

    Agents of a group are interchangeable for coverage, so coverage and breaks are written on
    these counts: far fewer terms than per agent, and the same optimum.
    """
    members: dict[tuple[str, int], list[int]] = defaultdict(list)
    for agent in data.agents:
        for k in agent.templates:
            members[agent.group, k].append(agent.index)
    m.group_templates = pyo.Set(initialize=sorted(members), dimen=2, ordered=True)
    m.n = pyo.Var(m.group_templates, domain=pyo.NonNegativeReals)
    m.group_count = pyo.Constraint(
        m.group_templates,
        rule=lambda m, g, k: m.n[g, k] == pyo.quicksum(m.x[a, k] for a in members[g, k]),
    )


def add_breaks(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (3): every shift longer than ``required_over`` gets one break of ``duration``
    starting inside its middle third, at one of its offsets ``O_t`` on the break grid.

    ``nb[g,t,o] ∈ ℤ≥0``: how many of group ``g``'s shifts of template ``t`` break at offset
    ``o``; every shift breaks once, ``Σ_{o∈O_t} nb[g,t,o] = n[g,t]``. Breaks are chosen per
    template and group rather than per agent: agents of a group on the same shift are
    interchangeable, so this is exact, and individual breaks are handed out after the solve
    (:mod:`._extract`). Staggering is a second pass over the solved roster (:mod:`._spread`).
    """
    index = [(g, k, o) for g, k in m.group_templates for o in data.templates[k].break_offsets]
    m.break_slots = pyo.Set(initialize=index, dimen=3, ordered=True)
    m.nb = pyo.Var(m.break_slots, domain=pyo.NonNegativeIntegers)
    with_break = [(g, k) for g, k in m.group_templates if data.templates[k].break_offsets]
    m.one_break = pyo.Constraint(
        with_break,
        rule=lambda m, g, k: (
            m.n[g, k] == pyo.quicksum(m.nb[g, k, o] for o in data.templates[k].break_offsets)
        ),
    )


def on_duty(m: pyo.ConcreteModel, data: RosterData, g: str, i: int):
    """``Σ_t c_{t,i} n[g,t] − Σ_{t,o} β_{t,o,i} nb[g,t,o]``: agents of ``g`` at work in
    ``i``, ``β_{t,o,i}`` the share of interval ``i`` a break at offset ``o`` of ``t`` takes."""
    shifts = [share * m.n[g, k] for k, share in data.cover.get(i, ()) if (g, k) in m.n]
    pauses = [
        share * m.nb[g, k, o] for k, o, share in data.cover_break.get(i, ()) if (g, k, o) in m.nb
    ]
    return pyo.quicksum(shifts) - pyo.quicksum(pauses)


def add_shortfall_and_outsourcing(m: pyo.ConcreteModel, data: RosterData, hard: bool) -> None:
    """For every requirement ``(i, p)``: ``short[i,p] ≥ 0`` heads missing (``= 0`` when
    ``hard``) and, for the outsourced pools, ``0 ≤ out[i,p] ≤ max_agents_per_interval``."""
    outsourced = data.section.costs.outsourced
    out_pools = set(outsourced.pools) if outsourced else set()
    demand = sorted(data.required)
    m.demand = pyo.Set(initialize=demand, dimen=2, ordered=True)
    m.short = pyo.Var(m.demand, domain=pyo.NonNegativeReals)
    if hard:
        for key in demand:
            m.short[key].fix(0)
    cap = outsourced.max_agents_per_interval if outsourced else 0
    m.out_index = pyo.Set(initialize=[(i, p) for i, p in demand if p in out_pools], dimen=2)
    m.out = pyo.Var(m.out_index, bounds=(0, cap))


def add_coverage(m: pyo.ConcreteModel, data: RosterData, hard: bool) -> None:
    """Soft coverage of the requirements, with outsourced capacity.

    Multi-skilled groups split their agents on duty between their pools with continuous
    ``z[g,i,p] ≥ 0``: ``Σ_p z[g,i,p] ≤ on_duty[g,i]`` (a single-pool group's ``z`` is its
    ``on_duty``). Then for every interval and pool with ``req[i,p] > 0``:

    ``Σ_{g∋p} z[g,i,p] + out[i,p] + short[i,p] ≥ req[i,p]``

    with ``0 ≤ out[i,p] ≤ max_agents_per_interval`` for the outsourced pools and
    ``short[i,p] ≥ 0`` the heads missing, priced per agent-interval (``= 0`` when ``hard``),
    so a plan always exists.
    """
    groups = sorted({g for g, _ in m.group_templates})
    demand = sorted(data.required)
    pools_of = {g: g.split("|") for g in groups}
    split = [
        (g, i, p) for (i, p) in demand for g in groups if len(pools_of[g]) > 1 and p in pools_of[g]
    ]
    m.split_index = pyo.Set(initialize=split, dimen=3, ordered=True)
    m.z = pyo.Var(m.split_index, domain=pyo.NonNegativeReals)
    add_shortfall_and_outsourcing(m, data, hard)
    duty = {}
    by_group: dict[tuple, list] = defaultdict(list)
    for g, i, p in split:
        by_group[g, i].append(p)
    m.split_duty = pyo.ConstraintList()
    for (g, i), pools in by_group.items():
        duty[g, i] = on_duty(m, data, g, i)
        m.split_duty.add(pyo.quicksum(m.z[g, i, p] for p in pools) <= duty[g, i])

    def cover_rule(m, i, p):
        served = [m.z[g, i, p] for g in groups if (g, i, p) in m.z]
        if p in pools_of:
            served.append(on_duty(m, data, p, i))
        if (i, p) in m.out:
            served.append(m.out[i, p])
        return pyo.quicksum(served) + m.short[i, p] >= data.required[i, p]

    m.coverage = pyo.Constraint(m.demand, rule=cover_rule)


def add_targets(
    m: pyo.ConcreteModel,
    data: RosterData,
    targets: Mapping[tuple[str, int], int],
    price: float | None = None,
) -> None:
    """``n[g,t] = target[g,t]`` for every group and template (0 where none is given): the
    agents share out a fixed set of shifts (:mod:`._strategy`), so only the per-agent rules,
    overtime, hires and fairness remain to decide.

    With a ``price``, as close as they can: ``n[g,t] − target[g,t] = over[g,t] − under[g,t]``,
    each shift more or fewer costing ``price`` (``m.deviation_cost``, added to the objective
    by :func:`create_model`).
    """
    add_shortfall_and_outsourcing(m, data, hard=True)
    if price is None:
        m.targets = pyo.Constraint(
            m.group_templates, rule=lambda m, g, k: m.n[g, k] == targets.get((g, k), 0)
        )
        return
    m.over = pyo.Var(m.group_templates, domain=pyo.NonNegativeReals)
    m.under = pyo.Var(m.group_templates, domain=pyo.NonNegativeReals)
    m.targets = pyo.Constraint(
        m.group_templates,
        rule=lambda m, g, k: m.n[g, k] - targets.get((g, k), 0) == m.over[g, k] - m.under[g, k],
    )
    m.deviation_cost = pyo.Expression(
        expr=price * (pyo.quicksum(m.over.values()) + pyo.quicksum(m.under.values()))
    )


def add_symmetry_breaking(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Identical agents (same in everything but the name) are ordered by their working days:
    ``Σ_d ω_d y[a,d] ≥ Σ_d ω_d y[a',d]`` for consecutive ``a, a'`` of a class, with
    ``ω_d = 2^{D−1−d}`` (lexicographic order of the working-day patterns) for horizons of up
    to :data:`LEXICOGRAPHIC_DAYS` dates, ``ω_d = 1`` (number of working days) beyond.

    Valid because any roster stays a roster, with the same cost, when identical agents swap
    their shifts; it removes the many equivalent branches the solver would otherwise explore.
    """
    n = len(data.dates)
    weight = [2.0 ** (n - 1 - d) if n <= LEXICOGRAPHIC_DAYS else 1.0 for d in range(n)]
    classes: dict[int, list[int]] = defaultdict(list)
    for agent in data.agents:
        if agent.templates:
            classes[agent.symmetry_class].append(agent.index)
    m.symmetry = pyo.ConstraintList()

    def pattern(a):
        return pyo.quicksum(weight[d] * works(m, a, d) for d in m.day_templates[a])

    for members in classes.values():
        for first, second in pairwise(members):
            m.symmetry.add(pattern(first) >= pattern(second))


FAIRNESS_KINDS = ("nights", "weekend_days", "late_shifts")


def fairness_counts(m: pyo.ConcreteModel, data: RosterData, a: int) -> dict[str, object]:
    """Night shifts, weekend working days and late shifts of agent ``a`` (expressions)."""
    agent = data.agents[a]
    nights = [m.x[a, k] for k in agent.templates if data.templates[k].night]
    lates = [m.x[a, k] for k in agent.templates if data.templates[k].late]
    weekend = [works(m, a, d) for d in m.day_templates[a] if data.dates[d].weekday() >= 5]
    return {
        "nights": pyo.quicksum(nights) if nights else None,
        "weekend_days": pyo.quicksum(weekend) if weekend else None,
        "late_shifts": pyo.quicksum(lates) if lates else None,
    }


def add_fairness(m: pyo.ConcreteModel, data: RosterData, enabled: bool = True) -> None:
    """Spread nights, weekend days and late shifts evenly among agents: each agent's count
    ``c`` of each kind costs ``fairness_weight × c(c−1)/2``, written with unit steps
    ``e[a,κ,j] ∈ [0, 1]``, ``count_κ[a] ≤ Σ_j e[a,κ,j]``, the ``j``-th step priced
    ``fairness_weight × (j − 1)`` (temporary hires left out).

    For a given total, a sum of convex functions of the counts is smallest when the counts
    are as equal as possible, so this spreads the unpopular shifts among comparable agents
    (same pools and contract) like a max − min term would, with each agent's row standing
    alone instead of every agent of a group sharing the rows of its max and min. Measured on
    the root LP of the 100-agent week (:mod:`.benchmark`, no labour rules, dual simplex):
    6.7 s without a fairness term, over 60 s with max − min per group, 50 s with this one —
    fairness is a large part of the LP's cost either way.
    """
    index = []
    counts = {}
    for agent in data.agents if enabled else ():
        if agent.temporary or not agent.templates:
            continue
        for kind, count in fairness_counts(m, data, agent.index).items():
            if count is None:
                continue
            most = _most_of_kind(data, agent, kind)
            if most < 2:
                continue  # one at most: no spread to even out
            counts[agent.index, kind] = count
            index += [(agent.index, kind, j) for j in range(1, most + 1)]
    m.fairness_index = pyo.Set(initialize=index, dimen=3, ordered=True)
    m.fairness_step = pyo.Var(m.fairness_index, bounds=lambda m, a, *_: (0, data.agents[a].count))
    steps: dict[tuple, list[int]] = defaultdict(list)
    for a, kind, j in index:
        steps[a, kind].append(j)
    m.fairness = pyo.Constraint(
        list(counts),
        rule=lambda m, a, kind: (
            counts[a, kind] <= pyo.quicksum(m.fairness_step[a, kind, j] for j in steps[a, kind])
        ),
    )


def _most_of_kind(data: RosterData, agent, kind: str) -> int:
    """How many of a kind the agent could work at most (dates with such a template)."""
    if kind == "weekend_days":
        return len(
            {
                data.templates[k].day
                for k in agent.templates
                if data.dates[data.templates[k].day].weekday() >= 5
            }
        )
    flag = "night" if kind == "nights" else "late"
    return len({data.templates[k].day for k in agent.templates if getattr(data.templates[k], flag)})


def add_objective(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Minimise, all in the contracts' currency:

    ``Σ_{a,t} cost_a·f_t·w_t/3600·x[a,t]`` (pay for worked hours, ``f_t`` the template's
    ``pay_factor``) ``+ Σ premium·cost_a·ot[a,W]`` (overtime, on the plain hourly cost)
    ``+ Σ fixed_cost·hire[a]`` ``+ Σ price_out·out[i,p]``
    ``+ Σ price_i·short[i,p]`` (understaffing, higher in peak windows)
    ``+ fairness_weight·Σ (j − 1)·e[a,κ,j]`` (fairness).
    """
    costs = data.section.costs
    agents = data.agents
    m.pay_cost = pyo.Expression(
        expr=pyo.quicksum(
            agents[a].cost_per_hour
            * data.templates[k].pay_factor
            * data.templates[k].worked
            / HOUR
            * m.x[a, k]
            for a, k in m.assignments
        )
    )
    m.overtime_cost = pyo.Expression(
        expr=pyo.quicksum(
            costs.overtime_premium * agents[a].cost_per_hour * m.overtime[a, w]
            for a, w in m.overtime_index
        )
    )
    fixed = costs.temporary_hires.fixed_cost if costs.temporary_hires else 0.0
    m.hire_cost = pyo.Expression(expr=pyo.quicksum(fixed * m.hire[a] for a in m.temporaries))
    price_out = costs.outsourced.cost_per_agent_interval if costs.outsourced else 0.0
    m.outsourced_cost = pyo.Expression(expr=pyo.quicksum(price_out * m.out[key] for key in m.out))
    m.shortfall_cost = pyo.Expression(
        expr=pyo.quicksum(data.shortfall_price[i] * m.short[i, p] for i, p in m.demand)
    )
    m.fairness_cost = pyo.Expression(
        expr=pyo.quicksum(
            costs.fairness_weight * (j - 1) * m.fairness_step[a, kind, j]
            for a, kind, j in m.fairness_index
            if j > 1
        )
    )
    m.total_cost = pyo.Objective(
        expr=m.pay_cost
        + m.overtime_cost
        + m.hire_cost
        + m.outsourced_cost
        + m.shortfall_cost
        + m.fairness_cost,
        sense=pyo.minimize,
    )
