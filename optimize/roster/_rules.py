"""The labour rules as constraint families, one function each, the rule's math in its docstring.

Notation: ``x[a,t]`` = 1 when agent ``a`` works shift template ``t`` (start ``s_t``, end
``e_t``, worked seconds ``w_t``); ``T_a`` the templates ``a`` may work (rules 2 and 11 are kept
by building ``T_a``, see :mod:`._data`); ``T_a(d)`` those starting on date ``d``;
``y[a,d]`` whether ``a`` works on ``d`` (:func:`add_shifts_per_day`);
``m = max_shifts_starting_per_day``. Hours are in hours.

Where a rule depends on where the break lies (a window boundary cutting a shift), the model
counts the most the shift could work inside for upper limits and the least for lower ones,
so that any break inside the middle third keeps the rule.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from datetime import timedelta

import pyomo.environ as pyo

from ._data import DAY, HOUR, WEEK, AgentData, RosterData

__all__ = [
    "add_china_caps",
    "add_consecutive_days",
    "add_contract_hours",
    "add_hours_in_7_days",
    "add_night_shifts",
    "add_rest_between_shifts",
    "add_shifts_per_day",
    "by_day",
    "works",
]

_EPS = 1e-6


def by_day(data: RosterData, agent: AgentData) -> dict[int, list[int]]:
    """``T_a(d)``: the agent's templates grouped by the date they start on."""
    days: dict[int, list[int]] = defaultdict(list)
    for k in agent.templates:
        days[data.templates[k].day].append(k)
    return days


def works(m: pyo.ConcreteModel, a: int, d: int):
    """``y[a,d]``: whether agent ``a`` works on date ``d``."""
    return m.y[a, d]


def add_shifts_per_day(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (4): at most ``m`` shifts start on a date, and ``y[a,d]`` marks working days.

    With ``m = 1``: ``y[a,d] = Σ_{t∈T_a(d)} x[a,t]``, ``0 ≤ y ≤ 1`` (continuous; integral
    because the ``x`` are). With ``m > 1``: ``Σ_{t∈T_a(d)} x[a,t] ≤ m`` and a binary ``y``
    with ``x[a,t] ≤ y[a,d] ≤ Σ_{t∈T_a(d)} x[a,t]``. (No overlap, the rest of rule 4, is part
    of :func:`add_rest_between_shifts`.)
    """
    most = data.section.rules.max_shifts_starting_per_day
    index = [(agent.index, d) for agent in data.agents for d in m.day_templates[agent.index]]
    m.works_index = pyo.Set(initialize=index, dimen=2, ordered=True)
    domain = pyo.NonNegativeIntegers if most > 1 else pyo.NonNegativeReals
    m.y = pyo.Var(
        m.works_index, domain=domain, bounds=lambda m, a, d: (0, data.agents[a].most_on_day(d))
    )
    m.shifts_per_day = pyo.ConstraintList()
    m.working_day = pyo.ConstraintList()
    for a, d in index:
        keys = m.day_templates[a][d]
        day_sum = pyo.quicksum(m.x[a, k] for k in keys)
        if most == 1:
            m.working_day.add(m.y[a, d] == day_sum)
            continue
        if len(keys) > most:
            m.shifts_per_day.add(day_sum <= most * data.agents[a].count)
        for k in keys:
            m.working_day.add(m.x[a, k] <= m.y[a, d])
        m.working_day.add(m.y[a, d] <= day_sum)


def rest_events(data: RosterData, keys: tuple[int, ...]):
    """The agent's start times ``τ_1 < τ_2 < …`` and, at each, the templates whose blocked
    span ``[s_t, e_t + rest)`` opens there and those whose span closed since the previous one."""
    rest = data.section.rules.min_rest_between_shifts
    points = sorted({data.templates[k].start for k in keys})
    position = {tau: j for j, tau in enumerate(points)}
    opens: list[list[int]] = [[] for _ in points]
    closes: list[list[int]] = [[] for _ in points]
    for k in keys:
        t = data.templates[k]
        opens[position[t.start]].append(k)
        blocked_until = t.end + rest
        j = bisect.bisect_left(points, blocked_until)  # first point no longer blocked
        if j < len(points):
            closes[j].append(k)
    return points, opens, closes


def add_rest_between_shifts(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (1) and the no-overlap part of rule (4): consecutive shifts are at least
    ``min_rest_between_shifts`` apart (end to start) and never overlap.

    Shift ``t`` blocks ``[s_t, e_t + rest)``; two shifts conflict exactly when their blocked
    spans intersect, an interval graph whose maximal cliques are the spans containing some
    start time ``τ``. So the rule is ``Σ_{t : s_t ≤ τ < e_t + rest} x[a,t] ≤ 1`` at every
    start time ``τ`` of the agent's templates — the tightest linear form. It is written with
    a running count ``u[a,j] ∈ [0, 1]`` of the spans open at ``τ_j``:

    ``u[a,j] = u[a,j−1] + Σ_{t opens at τ_j} x[a,t] − Σ_{t closed in (τ_{j−1}, τ_j]} x[a,t]``

    the same constraints with each template in two rows instead of in every clique.
    Rest from the carried-in ``last_shift_end`` removes the too-early templates from ``T_a``.
    """
    cache: dict[tuple[int, ...], tuple] = {}
    index = []
    events = {}
    for agent in data.agents:
        if agent.templates not in cache:
            cache[agent.templates] = rest_events(data, agent.templates)
        events[agent.index] = cache[agent.templates]
        index += [(agent.index, j) for j in range(len(events[agent.index][0]))]
    m.rest_points = pyo.Set(initialize=index, dimen=2, ordered=True)
    m.blocked = pyo.Var(m.rest_points, bounds=lambda m, a, j: (0, data.agents[a].count))
    m.rest_between_shifts = pyo.ConstraintList()
    for a, (points, opens, closes) in events.items():
        for j in range(len(points)):
            before = m.blocked[a, j - 1] if j else 0
            m.rest_between_shifts.add(
                m.blocked[a, j]
                == before
                + pyo.quicksum(m.x[a, k] for k in opens[j])
                - pyo.quicksum(m.x[a, k] for k in closes[j])
            )


def add_consecutive_days(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (5): at most ``M = max_consecutive_days`` working days in a row.

    ``Σ_{d=d0}^{d0+M} y[a,d] ≤ M`` for every run of ``M + 1`` dates of the horizon, and for
    the ``c = consecutive_days`` carried in (worked on the ``c`` dates before the first):
    ``Σ_{d=0}^{M−j} y[a,d] ≤ M − j`` for ``j = 1 … min(c, M)`` (the runs reaching back ``j``
    days before the horizon). A carry-in of ``c ≥ M`` keeps the first date off.
    """
    most = data.section.rules.max_consecutive_days
    n = len(data.dates)
    m.consecutive_days = pyo.ConstraintList()
    for agent in data.agents:
        a, count = agent.index, agent.count
        days = m.day_templates[a]
        for d0 in range(n - most):
            run = [d for d in range(d0, d0 + most + 1) if d in days]
            if len(run) > most:
                m.consecutive_days.add(pyo.quicksum(works(m, a, d) for d in run) <= most * count)
        for j in range(1, min(agent.agent.consecutive_days, most) + 1):
            run = [d for d in range(0, most - j + 1) if d in days]
            if len(run) > most - j:
                m.consecutive_days.add(
                    pyo.quicksum(works(m, a, d) for d in run) <= (most - j) * count
                )


def _hours_windows(data: RosterData, agent: AgentData) -> list[tuple[dict[int, float], float]]:
    """7-day windows of rule (7) as ``({template: most hours worked inside}, hours left)``.

    Windows start at each midnight from the horizon's first date (from its week's Monday for
    an agent with carried-in hours) while before the horizon end. Windows that cannot be
    exceeded, or whose every coefficient is at most another's with no more room, are left out.
    """
    cap = data.section.rules.max_hours_in_7_days
    carried = agent.agent.hours_this_week
    most = data.section.rules.max_shifts_starting_per_day
    first = 0
    if carried > 0:
        first = -data.origin.weekday() * DAY
    before = (data.horizon_start - carried, data.horizon_start)
    found: list[tuple[dict[int, float], float]] = []
    for lo in range(first, data.horizon_end, DAY):
        hi = lo + WEEK
        carry = max(min(before[1], hi) - max(before[0], lo), 0) if carried > 0 else 0
        coef = {}
        best_day: dict[int, float] = defaultdict(float)
        for k in agent.templates:
            t = data.templates[k]
            value = t.worked_upper(lo, hi)
            if value > 0:
                coef[k] = value / HOUR
                best_day[t.day] = max(best_day[t.day], value / HOUR)
        room = (cap - carry) / HOUR
        if most * sum(best_day.values()) <= room + _EPS:
            continue
        found.append((coef, room))
    kept = []
    for i, (coef, room) in enumerate(found):
        dominated = any(
            j != i
            and other_room <= room + _EPS
            and all(other.get(k, 0.0) >= v - _EPS for k, v in coef.items())
            and (j < i or (other_room, len(other)) != (room, len(coef)))
            for j, (other, other_room) in enumerate(found)
        )
        if not dominated:
            kept.append((coef, room))
    return kept


def add_hours_in_7_days(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (7): worked hours by clock overlap in every window ``[D, D + 7 d)`` are at most
    ``H = max_hours_in_7_days``.

    ``Σ_t ŵ_t(D) x[a,t] ≤ H − c_a(D)`` where ``ŵ_t(D) = min(|[s_t, e_t) ∩ [D, D+7d)|, w_t)``
    is the most shift ``t`` can work inside the window wherever its break lies, and
    ``c_a(D)`` the carried-in ``hours_this_week``, taken as worked just before the horizon
    start, that falls inside the window (windows from the start week's Monday).
    """
    m.hours_in_7_days = pyo.ConstraintList()
    cache: dict[tuple, list] = {}
    for agent in data.agents:
        key = (agent.templates, agent.agent.hours_this_week)
        if key not in cache:
            cache[key] = _hours_windows(data, agent)
        for coef, room in cache[key]:
            terms = pyo.quicksum(v * m.x[agent.index, k] for k, v in coef.items())
            m.hours_in_7_days.add(terms <= room * agent.count)


def week_coefficients(data: RosterData, agent: AgentData, w: int, upper: bool) -> dict[int, float]:
    """Hours each template of the agent works in calendar week ``w``: the most (``upper``) or
    the least it can work inside the week wherever its break lies; zeros left out."""
    lo = data.weeks[w][0]
    hi = lo + WEEK
    coef = {}
    for k in agent.templates:
        t = data.templates[k]
        value = t.worked_upper(lo, hi) if upper else t.worked_lower(lo, hi)
        if value > 0:
            coef[k] = value / HOUR
    return coef


def week_hours(m: pyo.ConcreteModel, agent: AgentData, w: int, coef: dict[int, float]):
    """``Σ_t coef_t x[a,t] + c_a(W)``: hours in week ``w``, carry-in counted in the first."""
    carry = agent.count * agent.agent.hours_this_week / HOUR if w == 0 else 0.0
    return pyo.quicksum(v * m.x[agent.index, k] for k, v in coef.items()) + carry


def _fewest_shifts(agent: AgentData, w: int, coef: dict[int, float], need: float) -> int:
    """Fewest shifts that can give ``need`` hours in week ``w`` (``coef``: least hours each
    shift works inside it), after the hours carried in."""
    if not coef:
        return 0
    carry = agent.agent.hours_this_week / HOUR if w == 0 else 0.0
    return max(math.ceil((need - carry) / max(coef.values()) - _EPS), 0)


def _inside_week(data: RosterData, agent: AgentData, w: int) -> dict[int, float]:
    """The agent's shifts lying wholly inside calendar week ``w`` → their worked hours."""
    lo = data.weeks[w][0]
    return {
        k: data.templates[k].worked / HOUR
        for k in agent.templates
        if lo <= data.templates[k].start and data.templates[k].end <= lo + WEEK
    }


def add_contract_hours(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (8): worked hours per calendar week ``W`` (Monday to Monday, carry-in in the
    first week) within the contract, pro rata by the week's share ``p_W`` (from its Monday to
    the horizon end at most):

    * ``Σ_t w⁻_t(W) x[a,t] + c_a(W) ≥ min·p_W`` (times ``hire[a]`` for a temporary hire);
    * ``Σ_t ŵ_t(W) x[a,t] + c_a(W) ≤ (max + max_overtime)·p_W`` — overtime beyond the cap is
      forbidden;
    * ``ot[a,W] ≥ Σ_t ŵ_t(W) x[a,t] + c_a(W) − max·p_W``, ``ot ≥ 0``: overtime hours, priced
      at ``overtime_premium × cost_per_hour`` on top of the pay.

    ``ŵ``/``w⁻`` are the most/least a shift can work inside the week wherever its break lies.

    Whole shifts: hours come in shifts, so also ``Σ_{t : w⁻_t(W) > 0} x[a,t] ≥
    ⌈min·p_W / max_t w⁻_t(W)⌉`` and ``Σ_{t ⊂ W} x[a,t] ≤ ⌊(max + max_overtime)·p_W /
    min_{t ⊂ W} w_t⌋`` (shifts lying wholly inside the week). Implied for one agent, but not
    for the class aggregate (:meth:`RosterData.aggregate`), whose hours may be met in sum by
    agents each a shift short; with them its plan can be shared out among the agents.
    """
    extra = data.section.costs.max_overtime_hours_per_week
    upper = {
        (agent.index, w): week_coefficients(data, agent, w, upper=True)
        for agent in data.agents
        for w in range(len(data.weeks))
    }
    m.overtime_index = pyo.Set(initialize=[key for key, coef in upper.items() if coef], dimen=2)
    m.overtime = pyo.Var(m.overtime_index, domain=pyo.NonNegativeReals)
    m.contract_max = pyo.ConstraintList()
    m.contract_min = pyo.ConstraintList()
    m.overtime_hours = pyo.ConstraintList()
    for agent in data.agents:
        a = agent.index
        contract = agent.contract
        for w, (_, share) in enumerate(data.weeks):
            low_need = contract.min_hours_per_week * share / HOUR
            if low_need > _EPS:
                coef = week_coefficients(data, agent, w, upper=False)
                scale = m.hire[a] if agent.temporary else agent.count
                m.contract_min.add(week_hours(m, agent, w, coef) >= low_need * scale)
                fewest = _fewest_shifts(agent, w, coef, low_need)
                if fewest > 1:
                    m.contract_min.add(pyo.quicksum(m.x[a, k] for k in coef) >= fewest * scale)
            if (a, w) not in m.overtime_index:
                continue
            high = week_hours(m, agent, w, upper[a, w])
            top = (contract.max_hours_per_week + extra) * share / HOUR
            m.contract_max.add(high <= top * agent.count)
            inside = _inside_week(data, agent, w)
            if inside:
                most = math.floor(top / min(inside.values()) + _EPS)
                if most < len({data.templates[k].day for k in inside}):
                    m.contract_max.add(
                        pyo.quicksum(m.x[a, k] for k in inside) <= most * agent.count
                    )
            m.overtime_hours.add(
                m.overtime[a, w] >= high - contract.max_hours_per_week * share / HOUR * agent.count
            )


def _night_windows(data: RosterData, agent: AgentData) -> list[list[int]]:
    """Night templates starting in each ``[D, D + 7 d)``; windows within another left out."""
    cap = data.section.rules.max_night_shifts_in_7_days
    found: list[list[int]] = []
    for lo in range(0, data.horizon_end, DAY):
        keys = [
            k
            for k in agent.templates
            if data.templates[k].night and lo <= data.templates[k].start < lo + WEEK
        ]
        if (
            len({data.templates[k].day for k in keys})
            * data.section.rules.max_shifts_starting_per_day
            > cap
        ):
            found.append(keys)
    kept = []
    for i, keys in enumerate(found):
        mine = set(keys)
        if not any(
            j != i and mine <= set(other) and (len(other) > len(keys) or j < i)
            for j, other in enumerate(found)
        ):
            kept.append(keys)
    return kept


def add_night_shifts(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (9): at most ``N = max_night_shifts_in_7_days`` night shifts start in every
    window ``[D, D + 7 d)``: ``Σ_{t night, D ≤ s_t < D+7d} x[a,t] ≤ N``.

    A template is a night shift when it could work ``night.min_hours`` or more in the night
    spans (22:00–06:00 by default) wherever its break lies (:mod:`._data`).
    """
    cap = data.section.rules.max_night_shifts_in_7_days
    m.night_shifts = pyo.ConstraintList()
    cache: dict[tuple[int, ...], list[list[int]]] = {}
    for agent in data.agents:
        if agent.templates not in cache:
            cache[agent.templates] = _night_windows(data, agent)
        for keys in cache[agent.templates]:
            m.night_shifts.add(pyo.quicksum(m.x[agent.index, k] for k in keys) <= cap * agent.count)


def add_china_caps(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (10), when ``rules.china`` is set: weekly hours above ``standard_week·p_W`` are
    overtime, at most ``max_overtime_per_month`` per calendar month (a week counts in the
    month of its Monday).

    ``ot_cn[a,W] ≥ Σ_t ŵ_t(W) x[a,t] + c_a(W) − standard·p_W``, ``ot_cn ≥ 0``;
    ``Σ_{W in month} ot_cn[a,W] ≤ cap``; and the priced overtime ``ot[a,W] ≥ ot_cn[a,W]``.
    """
    caps = data.section.rules.china
    upper = {}
    if caps is not None:
        upper = {
            (agent.index, w): week_coefficients(data, agent, w, upper=True)
            for agent in data.agents
            for w in range(len(data.weeks))
        }
    m.china_index = pyo.Set(initialize=[key for key, coef in upper.items() if coef], dimen=2)
    m.china_overtime = pyo.Var(m.china_index, domain=pyo.NonNegativeReals)
    m.china_week = pyo.ConstraintList()
    m.china_month = pyo.ConstraintList()
    if caps is None:
        return
    months: dict[tuple[int, tuple[int, int]], list[int]] = defaultdict(list)
    for a, w in m.china_index:
        agent = data.agents[a]
        share = data.weeks[w][1]
        high = week_hours(m, agent, w, upper[a, w])
        m.china_week.add(
            m.china_overtime[a, w] >= high - caps.standard_week * share / HOUR * agent.count
        )
        if (a, w) in m.overtime_index:
            m.china_week.add(m.overtime[a, w] >= m.china_overtime[a, w])
        day = data.origin + timedelta(seconds=data.weeks[w][0])
        months[a, (day.year, day.month)].append(w)
    for (a, _), weeks in months.items():
        m.china_month.add(
            pyo.quicksum(m.china_overtime[a, w] for w in weeks)
            <= caps.max_overtime_per_month / HOUR * data.agents[a].count
        )
