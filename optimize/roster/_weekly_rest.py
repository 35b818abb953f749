"""Rule (6), weekly rest: every window ``W = [D, D + 7 d)`` starting at a midnight ``D`` of the
horizon holds an unbroken stretch of at least ``R = weekly_rest_seconds`` without work.

Work is every shift, break included; before the horizon, work lasts until the carried-in
``last_shift_end``; time after the horizon is free; stretches are clipped to the window.
Windows start at each midnight from the horizon's first date while before its end.

Two exact formulations:

* one shift a day at most (the default): :func:`add_weekly_rest_by_days` — stretches
  described by the dates around them, a few binaries per agent and window;
* several shifts a day: :func:`add_weekly_rest_by_times` — one binary per candidate
  stretch start.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from ._data import DAY, HOUR, WEEK, AgentData, RosterData

__all__ = ["add_weekly_rest", "rest_stretches"]

_EPS = 1e-6


def add_weekly_rest(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (6); see the module docstring. Dispatches on ``max_shifts_starting_per_day``."""
    if data.section.rules.max_shifts_starting_per_day == 1:
        add_weekly_rest_by_days(m, data)
    else:
        add_weekly_rest_by_times(m, data)


# -- one shift a day: stretches by dates ---------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """One window's candidate stretches (keys of the stretch variables)."""

    first: int  # date index of D
    candidates: tuple[tuple, ...]


def _agent_times(data: RosterData, agent: AgentData):
    """Per date: the agent's templates; the latest end of any template before each date; the
    earliest start of any template on or after it (seconds; ±inf when none)."""
    days: dict[int, list[int]] = defaultdict(list)
    for k in agent.templates:
        days[data.templates[k].day].append(k)
    n = len(data.dates) + 8
    carried = agent.agent.last_shift_end
    prior = data.seconds(carried) if carried is not None else -math.inf
    prior_end = []
    for d in range(n):
        prior_end.append(prior)
        for k in days.get(d, ()):
            prior = max(prior, data.templates[k].end)
    next_start = [math.inf] * (n + 1)
    for d in range(n - 1, -1, -1):
        starts = [data.templates[k].start for k in days.get(d, ())]
        next_start[d] = min([next_start[d + 1], *starts])
    return days, prior_end, next_start


def _fewest_free_dates(d, last, window, need, prior_end, next_start) -> int | None:
    """Fewest dates from ``d`` (up to ``last``) that, with no shift starting on them, give at
    least ``need`` of rest inside ``window`` whatever shifts lie around them; ``None``: none."""
    lo, hi = window
    for c in range(1, last - d + 2):
        if min(next_start[d + c], hi) - max(prior_end[d], lo) >= need - _EPS:
            return c
    return None


def _covered(fewest: dict[int, int | None], first_free: int, free: int) -> bool:
    """Whether ``free`` free dates from ``first_free`` surely give the rest."""
    c = fewest.get(first_free)
    return c is not None and c <= free


def rest_stretches(data: RosterData, agent: AgentData) -> list[_Window]:
    """The windows that need a constraint and, for each, the stretches that can give it rest.

    Candidate kinds (``d`` are date indices; ``c*`` the fewest free dates from a date that
    surely give ``R`` of rest whatever shifts lie around them, clipped to the window):

    * ``("free", d, c)``: dates ``d … d+c−1`` start no shift, with ``c = c*(d)``;
    * ``("gap", d1, d2)``: shifts on ``d1`` and next on ``d2`` (fewer than ``c*`` free dates
      between), at least ``R`` apart;
    * ``("head", D, d2)``: no work from the window start (or the carried-in end, or the end
      of a shift started before ``D``) to the first shift, on ``d2``; ``d2 = None``: none in
      the window;
    * ``("tail", D, d1)``: the last shift in the window on ``d1``, then nothing to its end.

    Exact: a longest free stretch sits between such neighbours, and is left out only where
    a ``free`` candidate it contains is sure to hold. A window with a ``free`` candidate on
    dates with no templates at all is kept by any roster and is left out.
    """
    need = data.section.rules.weekly_rest_seconds
    days, prior_end, next_start = _agent_times(data, agent)
    windows = []
    for d0 in range(len(data.dates)):
        lo = d0 * DAY
        if lo >= data.horizon_end:
            break
        hi = lo + WEEK
        last = d0 + 6

        fewest = {
            d: _fewest_free_dates(d, last, (lo, hi), need, prior_end, next_start)
            for d in range(d0, last + 1)
        }
        candidates: list[tuple] = []
        trivially_kept = False
        for d, c in fewest.items():
            if c is not None:
                if not any(days.get(e) for e in range(d, d + c)):
                    trivially_kept = True
                candidates.append(("free", d, c))
        if trivially_kept:
            continue
        worked = [d for d in range(d0, last + 1) if days.get(d)]
        for i, d1 in enumerate(worked):
            for d2 in worked[i + 1 :]:
                if not _covered(fewest, d1 + 1, d2 - d1 - 1):
                    candidates.append(("gap", d1, d2))
            if d1 == last or not _covered(fewest, d1 + 1, last - d1):
                candidates.append(("tail", d0, d1))
        for d2 in worked:
            if not _covered(fewest, d0, d2 - d0):
                candidates.append(("head", d0, d2))
        if not _covered(fewest, d0, 7):
            candidates.append(("head", d0, None))
        windows.append(_Window(d0, tuple(candidates)))
    return windows


def add_weekly_rest_by_days(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (6) with at most one shift a day. Binaries ``v[a,κ]`` for the candidate stretches
    ``κ`` of :func:`rest_stretches`; ``Σ_{κ∈W} v[a,κ] ≥ 1`` for each window, and (times in
    hours, ``S_d = Σ_{t∈T_a(d)} s_t x[a,t] + (d+1)·24·(1 − y[a,d])`` the start of work on
    ``d`` or, if none, a lower bound on the next start, ``E_d = Σ_{t∈T_a(d)} e_t x[a,t]``):

    * free ``(d, c)``: ``v + y[a,e] ≤ 1`` for ``e = d … d+c−1``;
    * gap ``(d1, d2)``: ``v ≤ y[a,d1]``, ``v + y[a,e] ≤ 1`` between, ``S_{d2} − E_{d1} ≥ R·v``;
    * head ``(D, d2)``: ``v + y[a,e] ≤ 1`` for ``D ≤ e < d2`` and
      ``S_{d2} − A − Σ_{t : day_t < D, e_t > A} (e_t − A) x[a,t] ≥ R·v`` with
      ``A = max(D, last_shift_end)`` (with ``d2 = None``, ``D + 7 d`` for ``S``);
    * tail ``(D, d1)``: ``v ≤ y[a,d1]``, ``v + y[a,e] ≤ 1`` after ``d1`` in the window,
      ``D + 7 d − E_{d1} + M(1 − v) ≥ R·v`` (``M`` lets a shift cross the window's end).

    The gap rows need no big-M: when ``v = 0`` the rest rule already keeps ``S − E ≥ 0``
    (unless that rule is left out, when a big-M is added).
    """
    need = data.section.rules.weekly_rest_seconds / HOUR
    rest_enforced = getattr(m, "rest_enforced", True)
    found = {}
    index: list[tuple] = []
    seen: set[tuple] = set()
    for agent in data.agents:
        windows = rest_stretches(data, agent)
        found[agent.index] = windows
        for window in windows:
            for kind in window.candidates:
                key = (agent.index, *kind[:2], -1 if kind[2] is None else kind[2])
                if key not in seen:
                    seen.add(key)
                    index.append(key)
    m.rest_stretch_index = pyo.Set(initialize=index, dimen=4, ordered=True)
    m.rest_stretch = pyo.Var(
        m.rest_stretch_index,
        domain=pyo.NonNegativeIntegers,
        bounds=lambda m, a, *_: (0, data.agents[a].count),
    )
    m.weekly_rest = pyo.ConstraintList()
    m.rest_stretch_free = pyo.ConstraintList()

    def y(a, d):
        return m.y[a, d] if (a, d) in m.works_index else 0

    def start_expr(a, d, origin):
        """S_d in hours since ``origin`` (seconds)."""
        keys = m.day_templates[a].get(d, ())
        fallback = ((d + 1) * DAY - origin) / HOUR
        terms = [(data.templates[k].start - origin) / HOUR * m.x[a, k] for k in keys]
        return pyo.quicksum(terms) + fallback * (data.agents[a].count - y(a, d))

    def end_expr(a, d, origin):
        keys = m.day_templates[a].get(d, ())
        return pyo.quicksum((data.templates[k].end - origin) / HOUR * m.x[a, k] for k in keys)

    def free_between(v, a, first, stop):
        for e in range(first, stop):
            if (a, e) in m.works_index:
                m.rest_stretch_free.add(v + m.y[a, e] <= data.agents[a].count)

    for a, windows in found.items():
        agent = data.agents[a]
        n = agent.count
        carried = agent.agent.last_shift_end
        made: set[tuple] = set()
        for window in windows:
            lo = window.first * DAY
            keys = []
            for kind in window.candidates:
                key = (a, *kind[:2], -1 if kind[2] is None else kind[2])
                keys.append(key)
                if key in made:
                    continue
                made.add(key)
                v = m.rest_stretch[key]
                name, p, q = kind
                if name == "free":
                    free_between(v, a, p, p + q)
                elif name == "gap":
                    m.rest_stretch_free.add(v <= y(a, p))
                    free_between(v, a, p + 1, q)
                    origin = p * DAY
                    slack = 0.0 if rest_enforced else 2 * WEEK / HOUR
                    m.rest_stretch_free.add(
                        start_expr(a, q, origin) - end_expr(a, p, origin) + slack * (n - v)
                        >= need * v
                    )
                elif name == "head":
                    begin = max(lo, data.seconds(carried) if carried is not None else lo)
                    stop = window.first + 7 if q is None else q
                    free_between(v, a, p, stop)
                    spill = [
                        ((data.templates[k].end - begin) / HOUR, k)
                        for k in agent.templates
                        if data.templates[k].day < p and data.templates[k].end > begin
                    ]
                    until = n * (lo + WEEK - begin) / HOUR if q is None else start_expr(a, q, begin)
                    slack = 0.0 if rest_enforced else 2 * WEEK / HOUR
                    m.rest_stretch_free.add(
                        until - pyo.quicksum(c * m.x[a, k] for c, k in spill) + slack * (n - v)
                        >= need * v
                    )
                else:  # tail
                    m.rest_stretch_free.add(v <= y(a, q))
                    free_between(v, a, q + 1, window.first + 7)
                    origin = q * DAY
                    window_end = (lo + WEEK - origin) / HOUR
                    latest = max(
                        (data.templates[k].end - origin) / HOUR
                        for k in m.day_templates[a].get(q, ())
                    )
                    big = max(latest - window_end, 0.0)
                    m.rest_stretch_free.add(
                        n * window_end - end_expr(a, q, origin) + big * (n - v) >= need * v
                    )
            m.weekly_rest.add(pyo.quicksum(m.rest_stretch[key] for key in keys) >= n)


# -- several shifts a day: stretches by start time -----------------------------------------


def rest_candidates(data: RosterData, agent: AgentData):
    """For each 7-day window that needs it, the starts ``τ`` of possible free stretches, and
    for each such ``τ`` the templates overlapping ``[τ, τ + R)`` grouped by date.

    A longest free stretch begins at the window start, at the carried-in ``last_shift_end``
    or at the end of a shift, so these are the only ``τ`` to consider. A window with a ``τ``
    no template can overlap is kept whatever the roster and needs no constraint.
    """
    need = data.section.rules.weekly_rest_seconds
    keys = agent.templates
    starts = np.array([data.templates[k].start for k in keys], dtype=float)
    ends = np.array([data.templates[k].end for k in keys], dtype=float)
    carried = agent.agent.last_shift_end
    busy_until = data.seconds(carried) if carried is not None else -np.inf
    windows: list[list[float]] = []
    for d in range(len(data.dates)):
        lo = d * DAY
        if lo >= data.horizon_end:
            break
        hi = lo + WEEK
        first = max(lo, busy_until)
        taus = sorted({first, *ends[(ends >= first) & (ends + need <= hi)].tolist()})
        taus = [t for t in taus if t + need <= hi + _EPS]
        if any(not np.any((starts < t + need) & (ends > t)) for t in taus):
            continue
        windows.append(taus)
    overlapping: dict[float, dict[int, list[int]]] = {}
    for tau in sorted({t for taus in windows for t in taus}):
        hit = np.nonzero((starts < tau + need) & (ends > tau))[0]
        groups: dict[int, list[int]] = defaultdict(list)
        for i in hit:
            groups[data.templates[keys[i]].day].append(keys[i])
        overlapping[tau] = dict(groups)
    return windows, overlapping


def add_weekly_rest_by_times(m: pyo.ConcreteModel, data: RosterData) -> None:
    """Rule (6) with several shifts a day. A binary ``r[a,τ]`` says ``[τ, τ + R)`` is free,
    for the candidate starts of :func:`rest_candidates`:

    * ``Σ_{τ ∈ W} r[a,τ] ≥ 1`` for each window ``W`` (``D ≤ τ``, ``τ + R ≤ D + 7 d``);
    * ``m·r[a,τ] + Σ_{t∈T_a(d) : s_t < τ+R, e_t > τ} x[a,t] ≤ m`` for each date ``d``:
      a free stretch excludes every shift overlapping it (at most ``m`` start on a date).
    """
    most = data.section.rules.max_shifts_starting_per_day
    cache: dict[tuple, tuple] = {}
    found = {}
    for agent in data.agents:
        key = (agent.templates, agent.agent.last_shift_end)
        if key not in cache:
            cache[key] = rest_candidates(data, agent)
        found[agent.index] = cache[key]
    index = [(a, tau) for a, (_, overlapping) in found.items() for tau in overlapping]
    m.rest_index = pyo.Set(initialize=index, dimen=2, ordered=True)
    m.rest_from = pyo.Var(
        m.rest_index,
        domain=pyo.NonNegativeIntegers,
        bounds=lambda m, a, _: (0, data.agents[a].count),
    )
    m.weekly_rest = pyo.ConstraintList()
    m.rest_free = pyo.ConstraintList()
    for a, (windows, overlapping) in found.items():
        for taus in windows:
            m.weekly_rest.add(pyo.quicksum(m.rest_from[a, t] for t in taus) >= data.agents[a].count)
        for tau, groups in overlapping.items():
            for keys in groups.values():
                m.rest_free.add(
                    most * m.rest_from[a, tau] + pyo.quicksum(m.x[a, k] for k in keys)
                    <= most * data.agents[a].count
                )
