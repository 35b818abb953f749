"""The staffing a roster puts on duty: what ``simulate --roster`` and the plan loop simulate."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from sim import Scenario
from sim.scenario import Pool

__all__ = ["availability", "rostered_staffing"]


def availability(pool: Pool) -> float:
    """Share of a pool's rostered heads who answer inquiries: (1 − shrinkage)(1 − absenteeism)."""
    return (1 - pool.shrinkage) * (1 - pool.absenteeism)


def rostered_staffing(
    roster: pd.DataFrame, scenario: Scenario
) -> tuple[Scenario, dict[str, np.ndarray]]:
    """The scenario to simulate a roster in, and agents per interval for each of its pools.

    An agent counts in an interval when on duty (inside the shift, outside its break) for
    more than half of it; shifts and breaks start and end on interval boundaries, so this is
    exact for rosters surgeplan makes. A shift serving several pools (``pool`` ``a|b``) puts
    its agent in a pool ``a|b`` with the skills of both, added to the scenario (shrinkage,
    absenteeism and handle-time factor: the larger of the two). Each pool's heads are then
    scaled by ``1 − shrinkage`` and rounded to the nearest whole agent; the simulator draws
    each day's absentees among them (``sim.absence``).
    """
    starts = scenario.horizon.interval_starts()
    step = pd.Timedelta(seconds=scenario.horizon.interval)
    first = pd.Timestamp(starts[0])
    n = len(starts)
    pools = dict(scenario.pools)
    heads: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for row in roster.itertuples(index=False):
        name = str(row.pool)
        if name not in pools:
            members = [pools[p] for p in name.split("|")]
            pools[name] = Pool(
                skills=tuple(sorted({s for pool in members for s in pool.skills})),
                agents=0,
                shrinkage=max(pool.shrinkage for pool in members),
                absenteeism=max(pool.absenteeism for pool in members),
                handle_time_factor=max(pool.handle_time_factor for pool in members),
            )
        duty = _on_duty(pd.Timestamp(row.shift_start), pd.Timestamp(row.shift_end), first, step, n)
        if row.break_start is not None and not pd.isna(row.break_start):
            duty -= _on_duty(
                pd.Timestamp(row.break_start), pd.Timestamp(row.break_end), first, step, n
            )
        heads[name] += np.clip(duty, 0.0, 1.0)
    counted = (
        scenario if pools == dict(scenario.pools) else scenario.model_copy(update={"pools": pools})
    )
    staffing = {
        name: np.floor(heads[name] * (1 - pool.shrinkage) + 0.5).astype(np.int64)
        for name, pool in pools.items()
    }
    return counted, staffing


def _on_duty(begin: pd.Timestamp, end: pd.Timestamp, first, step, n: int) -> np.ndarray:
    """1 for each interval ``[begin, end)`` covers more than half of, else 0."""
    out = np.zeros(n)
    lo = math.floor((begin - first) / step)
    hi = math.ceil((end - first) / step)
    for i in range(max(lo, 0), min(hi, n)):
        a = first + i * step
        covered = (min(end, a + step) - max(begin, a)) / step
        out[i] = 1.0 if covered > 0.5 else 0.0
    return out
