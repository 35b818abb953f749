"""Staffing requirements: how many agents each pool needs in each interval.

Three methods, one module each:

* ``erlang`` — SIPP: per interval, Erlang A (Erlang C where nobody abandons) on the
  interval's stationary offered load λ·E[S] (:mod:`.targets`).
* ``lagged`` — the same per-interval Erlang step on the time-varying offered load m(t) of
  the infinite-server queue, which lags the arrival rate (:mod:`.lagged`).
* ``isa`` — the iterative staffing algorithm, staffing from the simulator itself
  (:mod:`.isa`).

``agents`` are agents available to take inquiries; ``agents_rostered`` grosses them up by the
pool's shrinkage and absenteeism: ⌈agents / ((1 − shrinkage)(1 − absenteeism))⌉.

Every method staffs one fixed day. Where the scenario has day-to-day busyness B, that is the
forecast (mean) day, B = 1, or with ``confidence=q`` the day at the q-quantile B_q: at fixed
staffing each interval's service level falls as B grows, so staffing for B_q meets the
targets on every day with B ≤ B_q, a share q of days (up to the day's own Poisson noise).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim import Problem, ScenarioError

# The methods' modules (numpy, pandas, scipy, the simulator) are imported where they are used,
# so that reading METHODS — every command line parser does — costs nothing.
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sim import Scenario, SimulationResult
    from sim.model import SimModel

    from .loads import PoolTraffic
    from .targets import Targets

__all__ = [
    "METHODS",
    "REQUIREMENT_COLUMNS",
    "StaffingResult",
    "Targets",
    "staff",
]

METHODS = ("erlang", "lagged", "isa")
# The lagged load's time step (seconds): the rate within an interval is seen at this grain.
LAGGED_STEP_SECONDS = 10.0
REQUIREMENT_COLUMNS = [
    "interval_start",
    "pool",
    "method",
    "agents",
    "agents_rostered",
    "offered_load",
    "predicted_service_level",
]


@dataclass(frozen=True)
class StaffingResult:
    """A requirements table (columns :data:`REQUIREMENT_COLUMNS`) and how it was found."""

    method: str
    table: pd.DataFrame
    arrival_rate_per_hour: np.ndarray  # whole system, per interval of the horizon
    iterations: pd.DataFrame | None = None  # ISA only
    converged: bool | None = None  # ISA only
    check: SimulationResult | None = None  # ISA only: its run of the returned staffing
    confidence: float | None = None  # share of random days staffed for; None: the mean day
    busyness_factor: float = 1.0  # B_q: the factor on every rate of the day staffed for

    def agents(self) -> dict[str, np.ndarray]:
        """Agents per interval of the horizon for each pool (what ``simulate`` takes)."""
        return {
            pool: group["agents"].to_numpy()
            for pool, group in self.table.groupby("pool", sort=False)
        }


def __getattr__(name: str) -> object:
    if name == "Targets":
        from .targets import Targets

        return Targets
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _erlang_staffing(
    load: np.ndarray, traffic: PoolTraffic, targets: Targets
) -> tuple[np.ndarray, np.ndarray]:
    """Per-interval Erlang staffing for a pool given its load (Erlangs) per interval."""
    import numpy as np

    from .targets import agents_for

    agents = np.zeros(len(load), dtype=np.int64)
    level = np.full(len(load), np.nan)
    inflation = traffic.chat_inflation
    for k, erlangs in enumerate(load):
        aht = traffic.aht_seconds[k]
        if not erlangs > 0 or not math.isfinite(aht):
            continue
        # The load may lag the arrival rate: express it as an equivalent arrival rate.
        rate_per_hour = erlangs / aht * 3600.0
        servers, result = agents_for(
            rate_per_hour, aht * inflation, traffic.patience_seconds[k], targets
        )
        agents[k] = -(-servers // traffic.slots)  # a chat agent is ``slots`` servers
        level[k] = result.service_level
    return agents + traffic.deferred_agents, level


def _lagged_load(model: SimModel, traffic: PoolTraffic) -> np.ndarray:
    """m(t) of the pool's traffic averaged per interval, from each type's true rate λ(t)."""
    import numpy as np

    from .lagged import infinite_server_load

    total = np.zeros(model.n_intervals)
    for stream in traffic.streams:
        total += infinite_server_load(
            stream.rates, model.interval_seconds, stream.service, LAGGED_STEP_SECONDS, stream.cell
        )
    return total


def _check_targets(targets: Targets) -> None:
    if targets.service_level >= 1.0:
        raise ScenarioError(
            Problem(
                "service_level.target",
                "must be below 1 for staffing (no finite staff answers every inquiry in time)",
            )
        )


def _busyness_factor(scenario: Scenario, confidence: float | None) -> float:
    """B_q, the busyness of the day staffed for at ``confidence`` (1: the forecast day)."""
    if confidence is None:
        return 1.0
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if scenario.busyness is None:
        # Without a spread of days there is nothing to take a quantile of; staffing the mean
        # day instead would look like an answer to a question that was not asked.
        raise ScenarioError(
            Problem(
                "busyness",
                "is required to staff at a confidence level (it gives the day-to-day spread "
                "of volume); add e.g. busyness: {dist: gamma, cv: 0.15}",
            )
        )
    return scenario.busyness.quantile(confidence)


def staff(
    scenario: Scenario,
    method: str = "erlang",
    *,
    targets: Targets | None = None,
    confidence: float | None = None,
    seed: int = 0,
    replications: int = 16,
    workers: int = 1,
    max_iterations: int = 20,
    on_iteration: Callable[[int, int], None] | None = None,
) -> StaffingResult:
    """Staffing requirements of ``scenario`` by ``method`` (one of :data:`METHODS`).

    Without ``confidence`` the forecast (mean) day is staffed; with ``confidence=q`` in (0, 1)
    the day whose busyness factor is the q-quantile of the scenario's ``busyness`` (which it
    must have). Either way every method, ISA's simulations included, sees that one fixed day.
    """
    import numpy as np
    import pandas as pd

    from sim.model import SimModel

    from .isa import iterate_staffing, pool_service_levels
    from .loads import pool_traffic
    from .targets import Targets, delay_probability_target

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    targets = targets or Targets(
        scenario.service_level.answer_within, scenario.service_level.target
    )
    _check_targets(targets)
    factor = _busyness_factor(scenario, confidence)
    # Requirements are agents available, net of absence: ISA simulates them as they are.
    model = SimModel.from_scenario(scenario).at_busyness(factor).without_absence()
    traffic = pool_traffic(model)

    if method == "erlang":
        loads = [pool.offered_load for pool in traffic]
    else:
        loads = [_lagged_load(model, pool) for pool in traffic]
    agents, levels = [], []
    for pool, load in zip(traffic, loads, strict=True):
        a, level = _erlang_staffing(load, pool, targets)
        agents.append(a)
        levels.append(level)

    iterations = converged = check = None
    if method == "isa":
        alpha = np.ones((model.n_intervals, len(traffic)))
        for p, pool in enumerate(traffic):
            for k in range(model.n_intervals):
                if loads[p][k] > 0 and math.isfinite(pool.aht_seconds[k]):
                    rate_per_hour = loads[p][k] / pool.aht_seconds[k] * 3600.0
                    alpha[k, p] = delay_probability_target(
                        rate_per_hour, pool.aht_seconds[k], pool.patience_seconds[k], targets
                    )
        isa = iterate_staffing(
            model,
            np.stack(agents, axis=1),
            alpha,
            seed=seed,
            replications=replications,
            workers=workers,
            max_iterations=max_iterations,
            on_iteration=on_iteration,
            service_level=targets.service_level,
        )
        agents = [isa.agents[:, p] for p in range(len(traffic))]
        simulated, _, _ = pool_service_levels(model, isa.final)
        levels = [simulated[:, p] for p in range(len(traffic))]
        iterations, converged, check = isa.iterations, isa.converged, isa.final

    starts = [t.strftime("%Y-%m-%d %H:%M") for t in model.interval_starts]
    frames = []
    for p, pool in enumerate(traffic):
        spec = scenario.pools[pool.pool]
        gross = (1 - spec.shrinkage) * (1 - spec.absenteeism)
        rostered = np.ceil(agents[p] / gross - 1e-9).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "pool": pool.pool,
                    "method": method,
                    "agents": agents[p].astype(np.int64),
                    "agents_rostered": rostered,
                    "offered_load": loads[p],
                    "predicted_service_level": levels[p],
                }
            )
        )
    rate = sum(pool.rate_per_second for pool in traffic) * 3600.0
    return StaffingResult(
        method=method,
        table=pd.concat(frames, ignore_index=True)[REQUIREMENT_COLUMNS],
        arrival_rate_per_hour=np.asarray(rate),
        iterations=iterations,
        converged=converged,
        check=check,
        confidence=confidence,
        busyness_factor=factor,
    )
