"""What the roster model is built from: shift templates, who may work them, and the index sets.

Everything here is plain data computed once from the requirements, the agents and the
scenario's ``roster:`` section; :mod:`._model` turns it into constraints without looking at
datetimes again. Times inside are seconds since ``origin`` (midnight of the horizon's first
date), so that "overlaps" and "starts before" are integer comparisons.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from sim.scenario import Horizon
from sim.scenario.roster import Contract, NightDefinition, RosterSection, ShiftGrid

from ..workforce import Agent

__all__ = ["AgentData", "RosterData", "Template", "prepare"]

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
LATE_AFTER = 22 * HOUR  # a late shift ends after 22:00 of the day it starts on (not a night)


@dataclass(frozen=True)
class Template:
    """One shift an agent may be given: start, elapsed length and where its break may go.

    ``break_offsets`` are the allowed break starts, in seconds after the shift start, all
    inside the middle third; empty for a shift of at most ``breaks.required_over``. ``name``
    and ``pay_factor`` come from a named template (``shifts.templates``): each worked hour
    costs ``pay_factor × cost_per_hour``; a grid shift has no name and factor 1.
    """

    key: int
    start: int  # seconds since origin
    length: int
    break_seconds: int
    break_offsets: tuple[int, ...]
    day: int  # index into RosterData.dates: the date the shift starts on
    night: bool
    late: bool
    name: str = ""
    pay_factor: float = 1.0

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def worked(self) -> int:
        """Worked seconds: the elapsed length less the unpaid break."""
        return self.length - self.break_seconds

    def worked_upper(self, lo: float, hi: float) -> float:
        """Most seconds this shift can work inside ``[lo, hi)`` wherever its break lies."""
        return min(_overlap(self.start, self.end, lo, hi), self.worked)

    def worked_lower(self, lo: float, hi: float) -> float:
        """Fewest seconds this shift can work inside ``[lo, hi)`` wherever its break lies."""
        return max(_overlap(self.start, self.end, lo, hi) - self.break_seconds, 0)


@dataclass(frozen=True)
class AgentData:
    """One agent as the model sees it: the templates it may work and its class keys."""

    index: int
    agent: Agent
    contract: Contract
    cost_per_hour: float
    templates: tuple[int, ...]  # keys of the eligible templates, by start
    temporary: bool  # a possible temporary hire: works only if hired
    symmetry_class: int  # agents equal in everything but the name share it
    # Agents this entry stands for: 1 for a named agent; a class size in the aggregated
    # relaxation (:meth:`RosterData.aggregate`), where every per-agent constant is scaled.
    count: int = 1
    # Agents alike but for what only restricts them (availability, days off, rest and days
    # in a row carried in) share a kind; the aggregate has one entry per kind.
    kind: int = 0
    # Aggregate entries only: how many of the kind's members may work each template, and
    # on each date (fewer than ``count`` where days off or carry-in keep some away).
    template_capacity: Mapping[int, int] | None = None
    day_capacity: Mapping[int, int] | None = None

    def most_on(self, key: int) -> int:
        """At most this many of the entry's agents work template ``key``."""
        return self.count if self.template_capacity is None else self.template_capacity[key]

    def most_on_day(self, day: int) -> int:
        """At most this many of the entry's agents work on date ``day``."""
        return self.count if self.day_capacity is None else self.day_capacity.get(day, 0)

    @property
    def group(self) -> str:
        """The skill group, ``"a|b"``: the pools the agent can staff (coverage is per group)."""
        return "|".join(sorted(self.agent.pools))

    @property
    def pools(self) -> tuple[str, ...]:
        return tuple(sorted(self.agent.pools))

    @property
    def fairness_group(self) -> tuple[str, str]:
        """Comparable agents: same pools and same contract."""
        return self.group, self.agent.contract


@dataclass
class RosterData:
    """Everything :func:`optimize.roster.create_model` needs, as index sets and coefficients."""

    section: RosterSection
    origin: datetime
    horizon_start: int
    horizon_end: int
    interval: int
    interval_starts: list[datetime]
    dates: list[date]
    pools: tuple[str, ...]
    required: dict[tuple[int, str], float]  # (interval, pool) → heads, only where > 0
    shortfall_price: list[float]  # per interval, per agent-interval short
    templates: list[Template]
    agents: list[AgentData]
    weeks: list[tuple[int, float]]  # (Monday, pro rata share) of calendar weeks in the horizon
    # interval → [(template, share of the interval on duty)]
    cover: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    # interval → [(template, break offset, share of the interval on break)]
    cover_break: dict[int, list[tuple[int, int, float]]] = field(default_factory=dict)

    def moment(self, seconds: float) -> datetime:
        return self.origin + timedelta(seconds=float(seconds))

    def seconds(self, moment: datetime) -> int:
        return round((moment - self.origin).total_seconds())

    def only(self, indices: Sequence[int]) -> RosterData:
        """The same problem restricted to some agents (renumbered), for diagnosis."""
        keep = [self.agents[i] for i in indices]
        agents = [replace(a, index=k, symmetry_class=k, kind=k) for k, a in enumerate(keep)]
        return RosterData(**{**self.__dict__, "agents": agents})

    def aggregate(self) -> RosterData:
        """Each kind of agents as one entry with ``count`` = its size: an agent free of its
        kind's restrictions (no availability limits, days off or rest and days in a row
        carried in), who may work any shift some member may.

        The model of the result is a relaxation of this one: each member's rosters are
        rosters of that free agent, the entry's variables are the kind's sums of its
        members' variables and each constraint the sum of theirs, so any roster here maps to
        a solution there of the same cost. Its optimum is a lower bound on the roster's,
        from a model a kind-size times smaller.
        """
        members: dict[int, list[AgentData]] = defaultdict(list)
        for agent in self.agents:
            members[agent.kind].append(agent)
        agents = []
        for k, (kind, group) in enumerate(members.items()):
            first = group[0]
            free = replace(
                first.agent,
                available_from=None,
                available_to=None,
                days_off=frozenset(),
                last_shift_end=None,
                consecutive_days=0,
            )
            capacity: dict[int, int] = defaultdict(int)
            on_day: dict[int, int] = defaultdict(int)
            for agent in group:
                for t in agent.templates:
                    capacity[t] += 1
                for day in {self.templates[t].day for t in agent.templates}:
                    on_day[day] += 1
            templates = tuple(sorted(capacity))
            agents.append(
                replace(
                    first,
                    index=k,
                    agent=free,
                    templates=templates,
                    symmetry_class=k,
                    count=len(group),
                    kind=kind,
                    template_capacity=dict(capacity),
                    day_capacity=dict(on_day),
                )
            )
        return RosterData(**{**self.__dict__, "agents": agents})

    def restrict(self, keep: dict[int, set[int]]) -> RosterData:
        """The same agents, each limited to the templates ``keep[kind]``."""
        agents = [
            replace(a, templates=tuple(k for k in a.templates if k in keep.get(a.kind, ())))
            for a in self.agents
        ]
        return RosterData(**{**self.__dict__, "agents": agents})


def _overlap(a: float, b: float, lo: float, hi: float) -> float:
    return max(min(b, hi) - max(a, lo), 0)


# -- templates ------------------------------------------------------------------------------


def allowed_lengths(section: RosterSection, contract: Contract) -> tuple[int, ...]:
    """Lengths a contract may be rostered: its own, offered by the grid, within the maximum.

    This is rule (2), ``length ≤ max_shift_length``, applied by never creating longer shifts.
    """
    grid = {round(length) for length in section.shifts.offered_lengths}
    longest = section.rules.max_shift_length
    return tuple(
        sorted(
            {
                round(length)
                for length in contract.shift_lengths
                if round(length) in grid and length <= longest + 1e-6
            }
        )
    )


def break_offsets(length: int, duration: int, step: int) -> tuple[int, ...]:
    """Break starts (seconds after the shift start, on ``step``) inside the middle third.

    Rule (3): ``start + L/3 ≤ break start`` and ``break start + duration ≤ start + 2L/3``,
    in integers as ``3·o ≥ L`` and ``3·(o + duration) ≤ 2L``.
    """
    first = -(-length // (3 * step))  # ceil(L / 3 / step)
    return tuple(
        k * step
        for k in range(first, length // step + 1)
        if 3 * (k * step + duration) <= 2 * length
    )


def _night_upper(start: int, end: int, worked: int, night: NightDefinition) -> int:
    """Most seconds a shift can work in night spans ``[d + night.start, d + night.end)``."""
    lo = night.start.hour * HOUR + night.start.minute * 60
    hi = night.end.hour * HOUR + night.end.minute * 60
    if hi <= lo:
        hi += DAY
    total = 0
    day = (start // DAY - 1) * DAY
    while day + lo < end:
        total += _overlap(start, end, day + lo, day + hi)
        day += DAY
    return min(total, worked)


def _clock_seconds(value: time) -> int:
    return value.hour * HOUR + value.minute * 60 + value.second


def daily_shifts(grid: ShiftGrid, lengths: Sequence[int]) -> list[tuple[int, int, str, float]]:
    """``(clock, length, name, pay_factor)`` of the shifts that may start on any one date, by
    start: the named templates of a length in ``lengths``, or else every start of the grid
    (each ``start_every`` from ``earliest_start`` to ``latest_start``) with each length."""
    if grid.templates is not None:
        return sorted(
            (_clock_seconds(t.start), round(t.length), t.name, t.pay_factor)
            for t in grid.templates
            if round(t.length) in lengths
        )
    every = round(grid.start_every)
    first = _clock_seconds(grid.earliest_start)
    last = _clock_seconds(grid.latest_start)
    clocks = range(-(-first // every) * every, last + 1, every)
    return [(clock, length, "", 1.0) for clock in clocks for length in lengths]


def shift_templates(section: RosterSection, horizon: Horizon, origin: datetime) -> list[Template]:
    """Every shift of :func:`daily_shifts` on each date, starting inside the horizon, with
    each length some contract allows; a shift needing a break gets one only if a break start
    fits the middle third.

    Night (rule 9) is decided conservatively: a shift is a night shift if it *could* work at
    least ``night.min_hours`` in the night spans wherever its break lies, so the cap on night
    shifts holds whatever break the shift is given.
    """
    grid, rules, breaks = section.shifts, section.rules, section.breaks
    lengths = sorted({n for c in section.contracts.values() for n in allowed_lengths(section, c)})
    duration = round(breaks.duration)
    step = round(breaks.grid(horizon.interval))
    start_s = round((horizon.start - origin).total_seconds())
    end_s = round((horizon.end - origin).total_seconds())
    night_need = rules.night.min_hours
    daily = daily_shifts(grid, lengths)
    templates: list[Template] = []
    n_days = -(-end_s // DAY)
    for day in range(n_days):
        for clock, length, name, pay_factor in daily:
            start = day * DAY + clock
            if not start_s <= start < end_s:
                continue
            needs_break = length > breaks.required_over + 1e-6
            offsets = break_offsets(length, duration, step) if needs_break else ()
            if needs_break and not offsets:
                continue  # no lawful break fits: the shift cannot be worked
            pause = duration if needs_break else 0
            worked = length - pause
            night = _night_upper(start, start + length, worked, rules.night) >= night_need
            late = not night and start + length > day * DAY + LATE_AFTER
            templates.append(
                Template(
                    len(templates),
                    start,
                    length,
                    pause,
                    offsets,
                    day,
                    night,
                    late,
                    name,
                    pay_factor,
                )
            )
    return templates


# -- agents ---------------------------------------------------------------------------------


def temporary_agents(section: RosterSection) -> list[Agent]:
    """The possible temporary hires: ``max_count`` per pool listed, one pool each."""
    hires = section.costs.temporary_hires
    if hires is None or hires.max_count == 0:
        return []
    width = max(3, len(str(hires.max_count)))
    return [
        Agent(name=f"temp-{pool}-{k:0{width}d}", pools=(pool,), contract=hires.contract)
        for pool in hires.pools
        for k in range(1, hires.max_count + 1)
    ]


def eligible_templates(
    agent: Agent,
    contract_lengths: tuple[int, ...],
    templates: list[Template],
    data_origin: datetime,
    section: RosterSection,
    dates: list[date],
) -> tuple[int, ...]:
    """Templates ``agent`` may work: rules (2) and (11) and the carried-in rest of rule (1).

    A template is kept when its length is one of the contract's allowed lengths, it lies
    inside ``[available_from, available_to]``, it does not start on one of ``days_off``, and
    it starts at least ``min_rest_between_shifts`` after the carried-in ``last_shift_end``,
    and not on the first date when the carried-in ``consecutive_days`` already reach
    ``max_consecutive_days`` (rule 5 would keep that date off anyway).
    """

    def sec(moment: datetime) -> float:
        return (moment - data_origin).total_seconds()

    lo = sec(agent.available_from) if agent.available_from else -math.inf
    hi = sec(agent.available_to) if agent.available_to else math.inf
    rest_until = -math.inf
    if agent.last_shift_end is not None:
        rest_until = sec(agent.last_shift_end) + section.rules.min_rest_between_shifts
    lengths = set(contract_lengths)
    off = set(agent.days_off)
    if agent.consecutive_days >= section.rules.max_consecutive_days:
        off.add(dates[0])
    return tuple(
        t.key
        for t in templates
        if t.length in lengths
        and lo <= t.start
        and t.end <= hi
        and t.start >= rest_until - 1e-6
        and dates[t.day] not in off
    )


# -- requirements ---------------------------------------------------------------------------


def _requirements(
    requirements: pd.DataFrame, starts: list[datetime]
) -> tuple[tuple[str, ...], dict[tuple[int, str], float]]:
    """``(interval, pool) → heads`` from a table of ``interval_start, pool, required``."""
    index = {start: i for i, start in enumerate(starts)}
    when = pd.to_datetime(requirements["interval_start"])
    pools: list[str] = []
    required: dict[tuple[int, str], float] = {}
    rows = zip(when, requirements["pool"], requirements["required"], strict=True)
    for moment, pool, heads in rows:
        pool = str(pool)
        if pool not in pools:
            pools.append(pool)
        i = index.get(moment.to_pydatetime())
        if i is None:
            raise ValueError(f"interval_start {moment} is not an interval of the horizon")
        if heads > 0:
            required[i, pool] = float(heads)
    return tuple(pools), required


def _shortfall_prices(section: RosterSection, starts: list[datetime]) -> list[float]:
    """Price of one agent short for one interval: the peak's price inside a peak window
    (the highest if several), else ``understaffing_per_agent_interval``."""
    costs = section.costs
    prices = []
    for start in starts:
        inside = [
            p.understaffing_per_agent_interval for p in costs.peaks if p.start <= start < p.end
        ]
        prices.append(max(inside) if inside else costs.understaffing_per_agent_interval)
    return prices


def _weeks(horizon: Horizon, origin: datetime) -> list[tuple[int, float]]:
    """Calendar weeks overlapping the horizon: (Monday in seconds since origin, share).

    The share is the part of the week from its Monday to ``min(next Monday, horizon end)``
    (from Monday also in the first week: its days before the horizon are the carry-in's).
    """
    monday = origin - timedelta(days=origin.weekday())
    weeks = []
    while monday < horizon.end:
        inside = (min(monday + timedelta(days=7), horizon.end) - monday).total_seconds()
        weeks.append((round((monday - origin).total_seconds()), inside / WEEK))
        monday += timedelta(days=7)
    return weeks


def _symmetry_key(agent: Agent, cost: float, temporary: bool) -> tuple:
    return (
        tuple(sorted(agent.pools)),
        agent.contract,
        cost,
        agent.available_from,
        agent.available_to,
        tuple(sorted(agent.days_off)),
        agent.last_shift_end,
        agent.hours_this_week,
        agent.consecutive_days,
        temporary,
    )


def _kind_key(agent: Agent, cost: float, temporary: bool) -> tuple:
    return (tuple(sorted(agent.pools)), agent.contract, cost, agent.hours_this_week, temporary)


def prepare(
    requirements: pd.DataFrame,
    agents: Sequence[Agent],
    section: RosterSection,
    horizon: Horizon,
    *,
    temporaries: bool = True,
) -> RosterData:
    """Build the index sets of the roster model.

    ``requirements`` has columns ``interval_start`` (datetime or ``YYYY-MM-DD HH:MM``),
    ``pool`` and ``required`` (heads, ≥ 0); intervals are those of ``horizon``. With
    ``temporaries``, the section's possible temporary hires join the agents.
    """
    origin = datetime.combine(horizon.start.date(), datetime.min.time())
    starts = horizon.interval_starts()
    pools, required = _requirements(requirements, starts)
    templates = shift_templates(section, horizon, origin)
    n_days = -(-round((horizon.end - origin).total_seconds()) // DAY)
    dates = [origin.date() + timedelta(days=d) for d in range(n_days)]
    everyone = [(agent, False) for agent in agents]
    if temporaries:
        everyone += [(agent, True) for agent in temporary_agents(section)]
    classes: dict[tuple, int] = {}
    kinds: dict[tuple, int] = {}
    agent_data = []
    for k, (agent, temporary) in enumerate(everyone):
        contract = section.contracts[agent.contract]
        cost = agent.cost_per_hour if agent.cost_per_hour is not None else contract.cost_per_hour
        lengths = allowed_lengths(section, contract)
        keys = eligible_templates(agent, lengths, templates, origin, section, dates)
        symmetry = classes.setdefault(_symmetry_key(agent, cost, temporary), len(classes))
        kind = kinds.setdefault(_kind_key(agent, cost, temporary), len(kinds))
        agent_data.append(
            AgentData(k, agent, contract, float(cost), keys, temporary, symmetry, kind=kind)
        )

    data = RosterData(
        section=section,
        origin=origin,
        horizon_start=round((horizon.start - origin).total_seconds()),
        horizon_end=round((horizon.end - origin).total_seconds()),
        interval=round(horizon.interval),
        interval_starts=starts,
        dates=dates,
        pools=pools,
        required=required,
        shortfall_price=_shortfall_prices(section, starts),
        templates=templates,
        agents=agent_data,
        weeks=_weeks(horizon, origin),
    )
    _coverage_coefficients(data)
    return data


def _coverage_coefficients(data: RosterData) -> None:
    """Share of each interval a template is on duty, and the share each break slot takes."""
    step = data.interval
    first = data.horizon_start
    n = len(data.interval_starts)
    cover: dict[int, list[tuple[int, float]]] = defaultdict(list)
    cover_break: dict[int, list[tuple[int, int, float]]] = defaultdict(list)

    def spread(lo: int, hi: int):
        i0 = max((lo - first) // step, 0)
        i1 = min(-(-(hi - first) // step), n)
        for i in range(i0, i1):
            a = first + i * step
            share = _overlap(lo, hi, a, a + step) / step
            if share > 0:
                yield i, share

    for t in data.templates:
        for i, share in spread(t.start, t.end):
            cover[i].append((t.key, share))
    for t in data.templates:
        for o in t.break_offsets:
            begin = t.start + o
            for i, share in spread(begin, begin + t.break_seconds):
                cover_break[i].append((t.key, o, share))
    data.cover = dict(cover)
    data.cover_break = dict(cover_break)
