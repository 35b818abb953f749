"""Replications: run the engine R times (optionally in parallel) and tabulate the results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from . import channel_metrics, complaint_metrics, metrics
from ._engine import run_replication
from .model import SimModel
from .recorder import RawCounts
from .scenario import Scenario
from .scenario.busyness import day_factor

__all__ = ["SimulationResult", "simulate"]

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class SimulationResult:
    """All replications of one run, with the documented tables derived on demand."""

    model: SimModel
    seed: int
    runs: tuple[RawCounts, ...]

    @property
    def replications(self) -> int:
        return len(self.runs)

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """Whole system, one row per counted interval (see :mod:`sim.metrics`)."""
        return metrics.interval_table(self.model, self.runs)

    @cached_property
    def types(self) -> pd.DataFrame:
        """One row per counted interval and inquiry type."""
        return metrics.type_table(self.model, self.runs)

    @cached_property
    def pools(self) -> pd.DataFrame:
        """One row per counted interval and pool."""
        return metrics.pool_table(self.model, self.runs)

    @cached_property
    def pools_by_type(self) -> pd.DataFrame:
        """One row per counted interval, pool and live type: answered and mean wait."""
        return metrics.pool_type_table(self.model, self.runs)

    @cached_property
    def channels(self) -> pd.DataFrame:
        """One row per counted interval and channel (live contact metrics or e-mail's)."""
        return channel_metrics.channel_table(self.model, self.runs)

    @cached_property
    def complaints(self) -> pd.DataFrame | None:
        """Complaints per level and per category and interval; ``None`` without complaints."""
        return complaint_metrics.complaint_table(self.model, self.runs)

    @cached_property
    def early_warnings(self) -> pd.DataFrame | None:
        """Intervals whose complaint arrivals exceed the early-warning threshold."""
        return complaint_metrics.early_warning_table(self.model, self.runs)

    @cached_property
    def bots(self) -> pd.DataFrame | None:
        """One row per counted interval and bot; ``None`` without bots."""
        return channel_metrics.bot_table(self.model, self.runs)

    @cached_property
    def summary(self) -> dict[str, object]:
        """Whole-run metrics plus the run's identity (scenario, seed, replications)."""
        table = self.intervals
        with_traffic = table["service_level"].notna()
        target = self.model.service_level_target
        meeting = None
        if with_traffic.any():
            ok = table.loc[with_traffic, "service_level"] >= target - 1e-12
            meeting = float(ok.mean())
        return {
            "scenario": self.model.name,
            "seed": self.seed,
            "replications": self.replications,
            "intervals": len(table),
            "answer_within_seconds": self.model.answer_within_seconds,
            "service_level_target": target,
            **_busyness_entry(self.model, self.seed, self.runs),
            **_absence_entry(self.model, self.runs),
            "intervals_meeting_target": meeting,
            **metrics.summary(self.model, self.runs),
            **channel_metrics.funnel_summary(self.model, self.runs),
            **complaint_metrics.complaint_summary(self.model, self.runs),
        }


def _absence_entry(model: SimModel, runs: tuple[RawCounts, ...]) -> dict[str, object]:
    """The ``absenteeism`` entry: per pool with absenteeism, its rate and each replication's
    no-shows per day. Empty when no pool has absenteeism."""
    if runs[0].no_shows is None:
        return {}
    entry = {}
    for p, pool in enumerate(model.pools):
        if not pool.absenteeism:
            continue
        drawn = [run.no_shows[p].tolist() for run in runs]
        entry[pool.name] = {
            "absenteeism": pool.absenteeism,
            "no_shows_per_day": drawn,
            "no_shows_mean_per_day": float(np.mean(drawn)),
        }
    return {"absenteeism": entry}


def _busyness_entry(model: SimModel, seed: int, runs: tuple[RawCounts, ...]) -> dict[str, object]:
    """The ``busyness`` entry: the law, each day's factor, the share of days meeting the target.

    A day meets the target when its service level over the counted intervals does. Empty
    without busyness, so such a summary keeps exactly the keys it always had.
    """
    if model.busyness is None:
        return {}
    levels = metrics.day_service_levels(model, runs)
    with_traffic = levels[~np.isnan(levels)]
    meeting = (
        float(np.mean(with_traffic >= model.service_level_target - 1e-12))
        if with_traffic.size
        else None
    )
    return {
        "busyness": {
            "dist": model.busyness.dist,
            "cv": model.busyness.cv,
            "day_factors": [day_factor(model.busyness, seed, r) for r in range(len(runs))],
            "days_meeting_target": meeting,
        }
    }


def engine_for(model: SimModel):
    """The phone engine where it suffices (it is the faster), the contact engine otherwise."""
    if model.phone_only:
        return run_replication
    from ._contact_engine import run_contact_replication

    return run_contact_replication


def _run_one(args: tuple[SimModel, int, int]) -> RawCounts:
    model, seed, replication = args
    return engine_for(model)(model, seed, replication)


def simulate(
    scenario: Scenario | SimModel,
    seed: int = 0,
    replications: int = 1,
    workers: int = 1,
    staffing: Mapping[str, np.ndarray] | None = None,
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Simulate ``scenario`` ``replications`` times with ``seed``.

    Replication ``r`` draws from streams keyed by ``(seed, r)`` only, so the result is the
    same for any ``workers``. ``staffing`` maps pool names to agents per interval of the
    horizon and overrides the scenario's. ``progress(done, total)`` counts intervals.
    """
    if replications < 1:
        raise ValueError(f"replications must be ≥ 1, got {replications}")
    if workers < 1:
        raise ValueError(f"workers must be ≥ 1, got {workers}")
    if isinstance(scenario, Scenario):
        model = SimModel.from_scenario(scenario, staffing)
    else:
        model = scenario
    total = model.n_intervals * replications
    done = 0

    def tick(_k: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if workers == 1 or replications == 1:
        run = engine_for(model)
        runs = [run(model, seed, r, on_interval=tick) for r in range(replications)]
    else:
        # Imported here: process pools are only needed with workers, and cost start-up.
        from concurrent.futures import ProcessPoolExecutor

        jobs = [(model, seed, r) for r in range(replications)]
        runs = []
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            for result in pool.map(_run_one, jobs):
                runs.append(result)
                done += model.n_intervals
                if progress is not None:
                    progress(done, total)
    return SimulationResult(model=model, seed=seed, runs=tuple(runs))
