"""Absenteeism as the simulator sees it: each day, each rostered head of a pool stays away
with the pool's ``absenteeism`` probability.

A day's no-shows of a pool are Binomial(N, a), N the pool's rostered heads that day (its
largest count of scheduled agents in any interval of the date), a its absenteeism; every
interval of the date then loses the same share of its scheduled agents, rounded to whole
agents: ``agents − round(agents · X / N)``. Shrinkage (breaks, training) stays a
deterministic share, netted out before the simulator. Draws come from a stream of their own
per pool, so they are the same whichever worker runs the replication.
"""

from __future__ import annotations

import numpy as np

from .model import SimModel
from .streams import stream

__all__ = ["day_index", "staffing_after_absence"]


def day_index(model: SimModel) -> np.ndarray:
    """The local date of each interval, numbered 0, 1, … from the horizon's first date."""
    first = model.interval_starts[0].date()
    return np.array([(start.date() - first).days for start in model.interval_starts])


def staffing_after_absence(
    model: SimModel, seed: int, replication: int
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Each pool's agents per interval after the day's no-shows, and the no-shows
    ``[pool, day]`` (``None`` when no pool has absenteeism)."""
    agents = [pool.agents for pool in model.pools]
    if not any(pool.absenteeism for pool in model.pools):
        return agents, None
    days = day_index(model)
    n_days = int(days.max()) + 1
    no_shows = np.zeros((len(model.pools), n_days), dtype=np.int64)
    present = []
    for p, pool in enumerate(model.pools):
        if not pool.absenteeism:
            present.append(pool.agents)
            continue
        rng = stream(seed, replication, f"absence/{pool.name}")
        heads = np.zeros(n_days, dtype=np.int64)
        np.maximum.at(heads, days, pool.agents)
        drawn = rng.binomial(heads, pool.absenteeism)
        no_shows[p] = drawn
        share = np.divide(drawn, heads, out=np.zeros(n_days), where=heads > 0)[days]
        present.append(pool.agents - np.rint(pool.agents * share).astype(np.int64))
    return present, no_shows
