"""Per-pool traffic for the analytic staffing methods: arrival rate, handle time, patience.

Each inquiry type's traffic is assigned to the first pool it is routed to (specialists
first, as in the simulator); a pool's handle time and abandonment rate are the
traffic-weighted means of the types it receives. The simulation-based method (ISA) needs
none of this: it staffs from what the simulator observes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import SimModel

__all__ = ["PoolTraffic", "pool_traffic"]


@dataclass(frozen=True)
class PoolTraffic:
    """Traffic offered to one pool, per interval of the horizon."""

    pool: str
    rate_per_second: np.ndarray
    aht_seconds: np.ndarray  # traffic-weighted mean handle time (NaN where no traffic)
    patience_seconds: np.ndarray  # 1 / traffic-weighted abandonment rate (inf: nobody leaves)
    types: tuple[int, ...]  # inquiry types assigned to this pool

    @property
    def offered_load(self) -> np.ndarray:
        """λ·E[S] per interval (Erlangs), the stationary offered load SIPP staffs to."""
        return np.nan_to_num(self.rate_per_second * self.aht_seconds)


def pool_traffic(model: SimModel) -> list[PoolTraffic]:
    """The traffic each pool of ``model`` receives, in pool order."""
    assigned: dict[int, list[int]] = {p: [] for p in range(len(model.pools))}
    for j, kind in enumerate(model.types):
        assigned[kind.pools[0]].append(j)
    result = []
    for p, pool in enumerate(model.pools):
        rate = np.zeros(model.n_intervals)
        work = np.zeros(model.n_intervals)
        abandonment = np.zeros(model.n_intervals)
        for j in assigned[p]:
            kind = model.types[j]
            rate += kind.rate_per_second
            work += kind.rate_per_second * kind.handle_time.mean
            if kind.patience is not None:
                abandonment += kind.rate_per_second / kind.patience.mean
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(rate > 0, work / rate, np.nan)
            theta = np.where(rate > 0, abandonment / rate, 0.0)
            patience = np.where(theta > 0, 1.0 / theta, np.inf)
        result.append(
            PoolTraffic(
                pool=pool.name,
                rate_per_second=rate,
                aht_seconds=aht,
                patience_seconds=patience,
                types=tuple(assigned[p]),
            )
        )
    return result
