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

__all__ = ["BotSpec", "PoolSpec", "SimModel", "TypeSpec"]


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

    @property
    def phone_only(self) -> bool:
        """Phone calls only, without bots, retrials or backlogs: the fast engine's model."""
        return (
            not self.bots
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
                agents=np.asarray(staffing.get(name, scenario.agents(name)), dtype=np.int64),
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
