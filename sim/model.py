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

__all__ = ["PoolSpec", "SimModel", "TypeSpec"]


@dataclass(frozen=True)
class TypeSpec:
    """One inquiry type: its arrival process and its duration laws."""

    name: str
    channel: str
    arrivals: ArrivalProcess
    handle_time: Distribution
    patience: Distribution | None
    pools: tuple[int, ...]  # eligible pools, in routing order

    @property
    def rate_per_second(self) -> np.ndarray:
        """Mean arrival rate of each interval (per second)."""
        return self.arrivals.rate_per_second


@dataclass(frozen=True)
class PoolSpec:
    """One agent pool: scheduled agents per interval and the inquiry types it answers."""

    name: str
    agents: np.ndarray
    skills: tuple[int, ...]


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

    @property
    def n_intervals(self) -> int:
        return len(self.interval_starts)

    def at_busyness(self, factor: float) -> SimModel:
        """The day at busyness ``factor``: every rate multiplied by it, nothing left random.

        ``at_busyness(1.0)`` is the forecast (mean) day.
        """
        types = tuple(replace(kind, arrivals=kind.arrivals.scaled(factor)) for kind in self.types)
        return replace(self, types=types, busyness=None)

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
            )
            for name, pool in scenario.pools.items()
        )
        types = []
        for j, (name, kind) in enumerate(scenario.inquiry_types.items()):
            eligible = [p for p, pool in enumerate(pools) if j in pool.skills]
            # Specialists first: a generalist stays free for the inquiries only it can take.
            eligible.sort(key=lambda p: (len(pools[p].skills), p))
            types.append(
                TypeSpec(
                    name=name,
                    channel=kind.channel,
                    arrivals=scenario.arrival_process(name),
                    handle_time=kind.handle_time,
                    patience=scenario.channels[kind.channel].patience,
                    pools=tuple(eligible),
                )
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
        )
