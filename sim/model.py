"""The scenario compiled into the plain arrays the engine runs on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from .arrivals import ArrivalProcess
from .distributions import Distribution
from .scenario import Scenario
from .scenario.busyness import Busyness

__all__ = ["BotSpec", "ComplaintSpec", "IncidentSpec", "PoolSpec", "SimModel", "TypeSpec"]


@dataclass(frozen=True)
class TypeSpec:
    """One inquiry type: its arrival process, its duration laws and its channel's kind."""

    name: str
    channel: str
    arrivals: ArrivalProcess
    handle_time: Distribution
    patience: Distribution | None
    pools: tuple[int, ...]  # eligible pools, in routing order
    kind: str = "phone"  # the channel's kind: phone, chat or email
    retrial_probability: float = 0.0  # phone: a caller who hangs up calls again
    retrial_delay: Distribution | None = None
    deadline_seconds: float | None = None  # email: the answer's deadline
    backlog: int = 0  # email: messages waiting at the horizon start
    backlog_received_over: float = 0.0  # … received evenly over this long before it
    bot: int | None = None  # the bot offered a share of its arrivals first
    priority: int = 0  # higher first, among the types a free agent serves
    # With a route, ``pools`` are its pools in order of preference, and all but the first
    # take an inquiry only once it has waited ``overflow_after`` seconds.
    routed: bool = False
    overflow_after: float = 0.0

    @property
    def rate_per_second(self) -> np.ndarray:
        """Mean arrival rate of each interval (per second)."""
        return self.arrivals.rate_per_second

    @property
    def live(self) -> bool:
        """A phone or chat inquiry (a customer waiting), not an e-mail."""
        return self.kind != "email"


@dataclass(frozen=True)
class PoolSpec:
    """One agent pool: scheduled agents per interval and the inquiry types it answers.

    ``slots`` is how many inquiries an agent holds at once (a chat pool's
    ``max_concurrent``; 1 otherwise); a chat starting while the agent holds ``h`` others
    takes ``1 + slowdown × h`` times its handle time.
    """

    name: str
    agents: np.ndarray
    skills: tuple[int, ...]
    slots: int = 1
    slowdown: float = 0.0
    handle_time_factor: float = 1.0  # every inquiry its agents take lasts this much longer
    absenteeism: float = 0.0  # each rostered head is absent for a day with this probability


@dataclass(frozen=True)
class BotSpec:
    """One chatbot: the types it serves, the share offered, capacity, sessions, outcomes."""

    name: str
    serves: tuple[int, ...]
    share: float
    capacity: int | None
    session_time: Distribution
    resolved: float
    escalated: float
    bounced: float
    handle_time_factor: float
    returns: float
    return_delay: Distribution | None


@dataclass(frozen=True)
class IncidentSpec:
    """An incident's window (seconds since the horizon start) and what it touches.

    ``bot`` for a bot outage; for a channel outage the types of the channel and, per type
    index, the share of their contacts moving to it (``shift_to``'s channels, their first
    type each); the rest are lost. Arrival waves and staff shortages are already in the
    rates and the agents.
    """

    label: str
    kind: str
    start: float
    end: float
    bot: int | None = None
    types: tuple[int, ...] = ()
    shift_to: tuple[tuple[int, float], ...] = ()

    def active(self, t: float) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True)
class ComplaintSpec:
    """The complaint desk: where complaints come from, their mixes, tasks and deadlines."""

    desk: int  # pool index
    from_types: tuple[float, ...]  # per inquiry type: share of its answered contacts
    arrivals: ArrivalProcess | None  # complaints arriving on their own
    levels: tuple[str, ...]
    level_shares: tuple[float, ...]
    categories: tuple[str, ...]
    category_shares: tuple[float, ...]
    response_time: Distribution
    resolution_time: Distribution
    resolution_delay: Distribution
    section: object  # the scenario's ComplaintsSection: deadlines and calendar
    start: datetime  # the horizon start, for working-day deadlines
    early_warning_per_hour: float | None = None

    def due(self, level: int, which: str, arrived: float) -> float:
        """When a complaint of ``level`` arrived at ``arrived`` is due (seconds)."""
        name = self.levels[level]
        return float(self.section.due_seconds(name, which, self.start, np.array([arrived]))[0])


@dataclass(frozen=True)
class SimModel:
    """Everything one replication needs, with names resolved to indices."""

    interval_seconds: float
    interval_starts: tuple[datetime, ...]
    warmup_intervals: int
    answer_within_seconds: float
    service_level_target: float
    types: tuple[TypeSpec, ...]
    pools: tuple[PoolSpec, ...]
    name: str = ""
    busyness: Busyness | None = None  # None: every replication is the forecast day
    bots: tuple[BotSpec, ...] = ()
    incidents: tuple[IncidentSpec, ...] = ()
    complaints: ComplaintSpec | None = None

    @property
    def phone_only(self) -> bool:
        """Phone calls only, without bots, retrials or backlogs: the fast engine's model."""
        return (
            not self.bots
            and self.complaints is None
            and not any(i.kind in ("bot_outage", "channel_outage") for i in self.incidents)
            and all(t.kind == "phone" and t.retrial_probability == 0 for t in self.types)
            and len({t.priority for t in self.types}) <= 1
            and not any(t.routed for t in self.types)
            and all(p.handle_time_factor == 1.0 for p in self.pools)
        )

    @property
    def n_intervals(self) -> int:
        return len(self.interval_starts)

    def at_busyness(self, factor: float) -> SimModel:
        """The day at busyness ``factor``: every rate multiplied by it, nothing left random.

        ``at_busyness(1.0)`` is the forecast (mean) day.
        """
        types = tuple(replace(kind, arrivals=kind.arrivals.scaled(factor)) for kind in self.types)
        return replace(self, types=types, busyness=None)

    def without_absence(self) -> SimModel:
        """The same model with every agent showing up (staffing already net of absence)."""
        pools = tuple(replace(pool, absenteeism=0.0) for pool in self.pools)
        return replace(self, pools=pools)

    def with_staffing(self, staffing: Mapping[str, np.ndarray]) -> SimModel:
        """The same model with agents per interval replaced for the named pools."""
        pools = tuple(
            replace(pool, agents=np.asarray(staffing[pool.name], dtype=np.int64))
            if pool.name in staffing
            else pool
            for pool in self.pools
        )
        return replace(self, pools=pools)

    @classmethod
    def from_scenario(
        cls, scenario: Scenario, staffing: Mapping[str, np.ndarray] | None = None
    ) -> SimModel:
        """Compile ``scenario``; ``staffing`` overrides agents per interval for named pools."""
        type_names = list(scenario.inquiry_types)
        staffing = dict(staffing or {})
        pools = tuple(
            PoolSpec(
                name=name,
                agents=_short_staffed(
                    scenario, name, np.asarray(staffing.get(name, scenario.agents(name)))
                ),
                skills=tuple(type_names.index(skill) for skill in pool.skills),
                handle_time_factor=pool.handle_time_factor,
                absenteeism=pool.absenteeism,
                **_concurrency(scenario, pool.skills),
            )
            for name, pool in scenario.pools.items()
        )
        bot_of = {kind: b for b, bot in enumerate(scenario.bots.values()) for kind in bot.serves}
        backlogs = _backlog_shares(scenario)
        types = []
        for j, (name, kind) in enumerate(scenario.inquiry_types.items()):
            pool_names = [pool.name for pool in pools]
            if kind.route is not None:
                eligible = [pool_names.index(name) for name in kind.route]
            else:
                eligible = [p for p, pool in enumerate(pools) if j in pool.skills]
                # Specialists first: a generalist stays free for the inquiries only it can take.
                eligible.sort(key=lambda p: (len(pools[p].skills), p))
            channel = scenario.channels[kind.channel]
            retrial = channel.retrial
            types.append(
                TypeSpec(
                    name=name,
                    channel=kind.channel,
                    arrivals=scenario.arrival_process(name),
                    handle_time=kind.handle_time,
                    patience=channel.patience,
                    pools=tuple(eligible),
                    kind=channel.kind,
                    retrial_probability=retrial.probability if retrial else 0.0,
                    retrial_delay=retrial.delay if retrial else None,
                    deadline_seconds=getattr(channel, "deadline", None),
                    backlog=backlogs.get(name, 0),
                    backlog_received_over=(
                        channel.backlog.received_over if channel.kind == "email" else 0.0
                    ),
                    bot=bot_of.get(name),
                    priority=kind.priority,
                    routed=kind.route is not None,
                    overflow_after=kind.overflow_after or 0.0,
                )
            )
        bots = tuple(
            BotSpec(
                name=name,
                serves=tuple(type_names.index(kind) for kind in bot.serves),
                share=bot.share,
                capacity=bot.capacity,
                session_time=bot.session_time,
                resolved=bot.outcomes.resolved,
                escalated=bot.outcomes.escalated,
                bounced=bot.outcomes.bounced,
                handle_time_factor=bot.escalation.handle_time_factor,
                returns=bot.bounce.returns,
                return_delay=bot.bounce.delay,
            )
            for name, bot in scenario.bots.items()
        )
        return cls(
            interval_seconds=scenario.horizon.interval,
            interval_starts=tuple(scenario.horizon.interval_starts()),
            warmup_intervals=scenario.warmup_intervals,
            answer_within_seconds=scenario.service_level.answer_within,
            service_level_target=scenario.service_level.target,
            types=tuple(types),
            pools=pools,
            name=scenario.name,
            busyness=scenario.busyness,
            bots=bots,
            incidents=_incidents(scenario, type_names),
            complaints=_complaints(scenario, type_names),
        )


def _concurrency(scenario: Scenario, skills: tuple[str, ...]) -> dict[str, float | int]:
    """A chat pool's slots per agent and slowdown (validation allows one chat channel)."""
    for skill in skills:
        channel = scenario.channels[scenario.inquiry_types[skill].channel]
        if channel.kind == "chat":
            return {"slots": channel.max_concurrent, "slowdown": channel.concurrency_slowdown}
    return {}


def _backlog_shares(scenario: Scenario) -> dict[str, int]:
    """Each e-mail channel's initial backlog shared among its types, in proportion to their
    expected arrivals over the horizon (equally if none are expected), in whole messages."""
    shares: dict[str, int] = {}
    for channel_name, channel in scenario.channels.items():
        if channel.kind != "email" or not channel.backlog.count:
            continue
        names = [n for n, k in scenario.inquiry_types.items() if k.channel == channel_name]
        if not names:
            continue
        weights = np.array([scenario.expected_arrivals(n).sum() for n in names])
        if not weights.sum() > 0:
            weights = np.ones(len(names))
        exact = channel.backlog.count * weights / weights.sum()
        whole = np.floor(exact).astype(int)
        # Largest remainders get the messages the floors left over.
        for i in np.argsort(-(exact - whole), kind="stable")[: channel.backlog.count - whole.sum()]:
            whole[i] += 1
        shares.update(zip(names, whole.tolist(), strict=True))
    return shares


def _short_staffed(scenario: Scenario, pool: str, agents: np.ndarray) -> np.ndarray:
    """``agents`` less each staff shortage's share, in the intervals starting in its window
    (rounded to whole agents)."""
    agents = agents.astype(np.int64)
    shortages = [i for i in scenario.incidents if i.kind == "staff_shortage" and i.pool == pool]
    if not shortages:
        return agents
    starts = np.array(scenario.horizon.interval_starts(), dtype="datetime64[s]")
    out = agents.copy()
    for incident in shortages:
        inside = (starts >= np.datetime64(incident.start, "s")) & (
            starts < np.datetime64(incident.end, "s")
        )
        out[inside] -= np.rint(out[inside] * incident.share).astype(np.int64)
    return out


def _incidents(scenario: Scenario, type_names: list[str]) -> tuple[IncidentSpec, ...]:
    clock = scenario.clock
    bots = list(scenario.bots)
    specs = []
    for incident in scenario.incidents:
        common = {
            "label": incident.label,
            "kind": incident.kind,
            "start": clock.seconds_since_start(incident.start),
            "end": clock.seconds_since_start(incident.end),
        }
        if incident.kind == "bot_outage":
            specs.append(IncidentSpec(**common, bot=bots.index(incident.bot)))
        elif incident.kind == "channel_outage":
            members = tuple(
                j
                for j, name in enumerate(type_names)
                if scenario.inquiry_types[name].channel == incident.channel
            )
            shift = []
            for channel, share in incident.shift_to.items():
                first = next(
                    j
                    for j, name in enumerate(type_names)
                    if scenario.inquiry_types[name].channel == channel
                )
                shift.append((first, share))
            specs.append(IncidentSpec(**common, types=members, shift_to=tuple(shift)))
        else:
            specs.append(IncidentSpec(**common))
    return tuple(specs)


def _complaints(scenario: Scenario, type_names: list[str]) -> ComplaintSpec | None:
    section = scenario.complaints
    if section is None:
        return None
    from_types = getattr(section.arrivals, "from_types", None)
    shares = tuple((from_types or {}).get(name, 0.0) for name in type_names)
    arrivals = None
    if from_types is None:
        clock = scenario.clock
        from .arrivals import compile_rate

        arrivals = compile_rate(section.arrivals.bind(clock), clock)
    return ComplaintSpec(
        desk=list(scenario.pools).index(section.pool),
        from_types=shares,
        arrivals=arrivals,
        levels=tuple(section.levels),
        level_shares=tuple(section.levels.values()),
        categories=tuple(section.categories),
        category_shares=tuple(section.categories.values()),
        response_time=section.response.handle_time,
        resolution_time=section.resolution.handle_time,
        resolution_delay=section.resolution.delay,
        section=section,
        start=scenario.horizon.start,
        early_warning_per_hour=section.early_warning.per_hour if section.early_warning else None,
    )
