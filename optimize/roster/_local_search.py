"""A roster by best responses: each agent in turn takes the lawful tour worth most given
everyone else's.

With every other agent's shifts held, what one agent adds is simple to price: an interval
and pool still short by ``s`` heads gains ``price_i · min(s, 1)`` from one more agent there,
so each shift the agent may work is worth the short intervals it covers, less the cheapest
place for its break and its pay. :class:`.TourDP` finds the agent's best tour under those
values; :class:`.TourCheck` repairs the rolling-window rules and confirms the tour against
the per-agent model. The agent's old tour is swapped for the new one only when it is worth
more, so the roster's (estimated) cost never rises; sweeps over the agents, in a shuffled
order after the first, go on until a sweep changes nothing or time is up.

Coverage here is an estimate — a cross-trained agent serves, interval by interval, the pool
it is told to (the one shortest of heads when it joined), and breaks sit at the place that
was cheapest — which the final evaluation (:func:`._evaluate.evaluate`) replaces with the
best split and breaks for the shifts chosen.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from ._data import HOUR, AgentData, RosterData
from ._tour_check import TourCheck
from ._tour_dp import TourDP

__all__ = ["settle", "SearchResult", "best_responses", "build_kinds"]

_BETTER = 1e-6


@dataclass
class _Kind:
    """What agents of one class share: templates, shift values, dynamic programme, checks."""

    agent: AgentData
    pools: np.ndarray  # pool indices the agents serve
    templates: np.ndarray
    duty: sparse.csr_matrix  # templates × intervals: share of each interval on duty
    pauses: sparse.csr_matrix  # (template, break offset) × intervals: share on break
    pause_first: np.ndarray  # per template with a break: its first row in ``pauses``
    has_break: np.ndarray  # templates with a break (mask)
    pay: np.ndarray
    dp: TourDP
    check: TourCheck
    fee: float = 0.0  # a temporary hire's fixed cost, paid once if the tour is not empty
    owes_hours: bool = False  # a contract minimum: the empty tour is unlawful


@dataclass
class _Placed:
    """One agent's tour and what it adds to coverage."""

    tour: list[int] = field(default_factory=list)
    intervals: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    pools: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    shares: np.ndarray = field(default_factory=lambda: np.empty(0))


class _Coverage:
    """Heads on duty per interval and pool against the requirements."""

    def __init__(self, data: RosterData):
        self.pools = {p: j for j, p in enumerate(data.pools)}
        n = len(data.interval_starts)
        self.required = np.zeros((n, len(data.pools)))
        for (i, p), value in data.required.items():
            self.required[i, self.pools[p]] = value
        self.on_duty = np.zeros_like(self.required)
        self.price = np.asarray(data.shortfall_price, dtype=float)[:n]
        # Where heads can be bought, one more agent saves at most their price.
        self.price_cap: np.ndarray | None = None
        outsourced = data.section.costs.outsourced
        if outsourced is not None:
            self.price_cap = np.full_like(self.required, np.inf)
            for p in outsourced.pools:
                if p in self.pools:
                    self.price_cap[:, self.pools[p]] = outsourced.cost_per_agent_interval

    def short(self) -> np.ndarray:
        return np.clip(self.required - self.on_duty, 0.0, None)

    def values(self, pools: np.ndarray) -> np.ndarray:
        """Per interval: what one more agent serving the best of ``pools`` saves."""
        gap = np.clip(self.required[:, pools] - self.on_duty[:, pools], 0.0, 1.0)
        worth = gap * self.price[:, None]
        if self.price_cap is not None:
            # inf × 0 is nan: a capped price only matters where a gap is left.
            with np.errstate(invalid="ignore"):
                capped = np.where(gap > 0, gap * self.price_cap[:, pools], 0.0)
            worth = np.minimum(worth, capped)
        return worth.max(axis=1)

    def shortfall_cost(self) -> float:
        return float((self.short() * self.price[:, None]).sum())


def build_kinds(data: RosterData, skip=()) -> dict[int, _Kind]:
    """One :class:`_Kind` per symmetry class of agents with shifts to work."""
    n = len(data.interval_starts)
    rows, cols, vals = [], [], []
    for i, entries in data.cover.items():
        for k, share in entries:
            rows.append(k)
            cols.append(i)
            vals.append(share)
    duty = sparse.csr_matrix((vals, (rows, cols)), shape=(len(data.templates), n))
    pause_row = {}
    for t in data.templates:
        for o in t.break_offsets:
            pause_row[t.key, o] = len(pause_row)
    rows, cols, vals = [], [], []
    for i, entries in data.cover_break.items():
        for k, o, share in entries:
            rows.append(pause_row[k, o])
            cols.append(i)
            vals.append(share)
    pauses = sparse.csr_matrix((vals, (rows, cols)), shape=(max(len(pause_row), 1), n))
    pool_index = {p: j for j, p in enumerate(data.pools)}
    hires = data.section.costs.temporary_hires
    fee = hires.fixed_cost if hires is not None else 0.0
    kinds: dict[int, _Kind] = {}
    for agent in data.agents:
        if agent.symmetry_class in kinds or not agent.templates:
            continue
        keys = np.array(agent.templates, dtype=np.int64)
        with_break = [k for k in agent.templates if data.templates[k].break_offsets]
        pause_rows = [pause_row[k, o] for k in with_break for o in data.templates[k].break_offsets]
        first = np.cumsum([0] + [len(data.templates[k].break_offsets) for k in with_break])[:-1]
        kinds[agent.symmetry_class] = _Kind(
            agent=agent,
            pools=np.array([pool_index[p] for p in agent.group.split("|")], dtype=np.int64),
            templates=keys,
            duty=duty[keys],
            pauses=pauses[pause_rows] if pause_rows else pauses[:0],
            pause_first=first.astype(np.int64),
            has_break=np.array([bool(data.templates[k].break_offsets) for k in agent.templates]),
            pay=np.array(
                [
                    agent.cost_per_hour * data.templates[k].pay_factor * data.templates[k].worked
                    for k in agent.templates
                ]
            )
            / HOUR,
            dp=TourDP(data, agent),
            check=TourCheck(data, agent, skip=skip),
            fee=fee if agent.temporary else 0.0,
        )
        kinds[agent.symmetry_class].owes_hours = any(
            m > 0 for m in kinds[agent.symmetry_class].dp.minima
        )
    return kinds


def _shift_values(kind: _Kind, worth: np.ndarray):
    """(gain per template, the best break row per template with a break)."""
    value = kind.duty @ worth
    gain = value - kind.pay
    best_pause = np.empty(0, np.int64)
    if kind.pause_first.size:
        lost = kind.pauses @ worth
        loss = np.minimum.reduceat(lost, kind.pause_first)
        gain[kind.has_break] -= loss
        # The row of the cheapest break of each template.
        ends = np.append(kind.pause_first[1:], lost.size)
        best_pause = np.array(
            [s + int(lost[s:e].argmin()) for s, e in zip(kind.pause_first, ends, strict=True)],
            dtype=np.int64,
        )
    return gain, best_pause


def _tour_value(kind: _Kind, tour: list[int], gain: np.ndarray) -> float:
    """Σ gain over the tour less the overtime premium, as the dynamic programme counts it,
    less a temporary hire's fee; an empty tour owing contract hours is worth nothing."""
    if not tour:
        return -np.inf if kind.owes_hours else 0.0
    positions = kind.check.positions(tour)
    overtime = kind.dp.overtime(kind.templates[positions])
    return float(gain[positions].sum()) - overtime - kind.fee


def _place(kind: _Kind, tour: list[int], best_pause: np.ndarray, cover: _Coverage) -> _Placed:
    """Add the tour's heads to ``cover``: each interval to the agent's pool shortest of heads."""
    if not tour:
        return _Placed()
    positions = kind.check.positions(tour)
    duty = kind.duty[positions].sum(axis=0).A1
    if kind.pause_first.size:
        breaking = np.cumsum(kind.has_break) - 1  # template position → its break-row group
        rows = [best_pause[breaking[p]] for p in positions if kind.has_break[p]]
        if rows:
            duty = duty - kind.pauses[rows].sum(axis=0).A1
    intervals = np.flatnonzero(duty > 1e-9)
    shares = duty[intervals]
    gap = (
        cover.required[np.ix_(intervals, kind.pools)] - cover.on_duty[np.ix_(intervals, kind.pools)]
    )
    pools = kind.pools[gap.argmax(axis=1)]
    cover.on_duty[intervals, pools] += shares
    return _Placed(list(tour), intervals, pools, shares)


def _remove(placed: _Placed, cover: _Coverage) -> None:
    cover.on_duty[placed.intervals, placed.pools] -= placed.shares


@dataclass
class SearchResult:
    assigned: dict[int, tuple[int, ...]]
    estimate: float  # pay + overtime + shortfall as the search counts them
    sweeps: int
    changes: int
    seconds: float
    complete: bool  # a whole sweep changed nothing: a local optimum


def best_responses(
    data: RosterData,
    kinds: dict[int, _Kind],
    *,
    deadline: float,
    start: dict[int, tuple[int, ...]] | None = None,
    stop=None,
    seed: int = 0,
    last=frozenset(),
    say=None,
) -> SearchResult:
    """Sweeps of best responses until none changes a tour, ``deadline`` (a
    ``time.perf_counter()`` reading) passes or ``stop()`` says so (asked between agents).
    ``start`` gives lawful tours to begin from (default: nobody works); ``kinds`` come from
    :func:`build_kinds`; the agents in ``last`` answer last in the first sweep."""
    began = time.perf_counter()
    agents, placed, cover = _placed(data, kinds, start)
    rng = np.random.default_rng(seed)
    order = sorted(agents, key=lambda a: (a.index in last, len(a.group.split("|")), a.index))
    sweeps = changes = 0

    def halt() -> bool:
        return time.perf_counter() >= deadline or (stop is not None and stop())

    complete = False
    while not halt():
        changed = 0
        for agent in order:
            if halt():
                break
            changed += _respond(kinds[agent.symmetry_class], placed, agent.index, cover)
        sweeps += 1
        changes += changed
        if say is not None:
            say(
                f"sweep {sweeps}: {changed} tour(s) changed, estimate "
                f"{_estimate(kinds, placed, agents, cover):,.0f}, "
                f"{time.perf_counter() - began:.1f} s"
            )
        if not changed:
            complete = True
            break
        order = [agents[i] for i in rng.permutation(len(agents))]
    return SearchResult(
        assigned={a.index: tuple(placed[a.index].tour) for a in data.agents},
        estimate=_estimate(kinds, placed, agents, cover),
        sweeps=sweeps,
        changes=changes,
        seconds=time.perf_counter() - began,
        complete=complete,
    )


def _placed(data: RosterData, kinds, start):
    """The agents searched, their tours placed, and the coverage they give."""
    cover = _Coverage(data)
    placed: dict[int, _Placed] = defaultdict(_Placed)
    agents = [a for a in data.agents if a.symmetry_class in kinds]
    for agent in agents:
        tour = list((start or {}).get(agent.index, ()))
        if tour:
            kind = kinds[agent.symmetry_class]
            _, pause = _shift_values(kind, cover.values(kind.pools))
            placed[agent.index] = _place(kind, tour, pause, cover)
    return agents, placed, cover


def settle(data: RosterData, kinds, assigned: dict[int, tuple[int, ...]]):
    """``assigned`` with every tour that breaks a rule (an empty one owing contract hours — a
    search stopped by the clock may not have reached every agent —, or a start roster's tour
    that lost shifts) replaced by the agent's best lawful tour; and how many agents are left
    without a lawful tour (0 unless the tour programme finds none for them)."""
    agents, placed, cover = _placed(data, kinds, assigned)
    unlawful = 0
    for agent in agents:
        kind = kinds[agent.symmetry_class]
        if kind.check.cost(placed[agent.index].tour) is None:
            _respond(kind, placed, agent.index, cover, force=True)
            unlawful += kind.check.cost(placed[agent.index].tour) is None
    return {a.index: tuple(placed[a.index].tour) for a in data.agents}, unlawful


def _respond(
    kind: _Kind, placed: dict[int, _Placed], a: int, cover: _Coverage, force: bool = False
) -> int:
    """Agent ``a``'s best response; 1 if its tour changed. ``force``: take the best lawful
    tour found even if it is worth less than the one held (which breaks a rule)."""
    old = placed[a]
    _remove(old, cover)
    gain, pause = _shift_values(kind, cover.values(kind.pools))
    chosen = old.tour
    found = kind.dp.best(gain)
    if found is not None:
        tour = kind.check.repair(found[1], gain)
        better = (
            force or _tour_value(kind, tour, gain) > _tour_value(kind, old.tour, gain) + _BETTER
        )
        if tour != old.tour and better and kind.check.cost(tour) is not None:
            chosen = tour
    placed[a] = _place(kind, chosen, pause, cover)
    return int(chosen != old.tour)


def _estimate(kinds, placed, agents, cover: _Coverage) -> float:
    pay = 0.0
    for agent in agents:
        tour = placed[agent.index].tour
        if tour:
            kind = kinds[agent.symmetry_class]
            positions = kind.check.positions(tour)
            pay += float(kind.pay[positions].sum()) + kind.dp.overtime(kind.templates[positions])
            pay += kind.fee
    return pay + cover.shortfall_cost()
