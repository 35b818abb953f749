"""``piecewise`` — a rate that is constant within each reporting interval.

``arrivals: {rate_per_hour: 300}`` (one number for the whole horizon) or
``arrivals: {rate_per_hour: [...]}`` (one value per interval, warm-up included) is this model
without the ``model:`` key: the original form of the entry, unchanged in meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np

from ..._values import RatePerHour, per_interval_array
from ...errors import Problem
from ..protocol import ArrivalModel, Clock, Rate

__all__ = ["Piecewise", "PiecewiseRate"]


class PiecewiseRate(Rate):
    """λ constant on each interval ``[kΔ, (k+1)Δ)``."""

    def __init__(self, rates_per_hour: np.ndarray, interval_seconds: float):
        self.rates = np.asarray(rates_per_hour, dtype=float)
        self.interval = float(interval_seconds)

    def _index(self, t: np.ndarray) -> np.ndarray:
        k = np.floor(np.asarray(t, dtype=float) / self.interval).astype(np.int64)
        return np.clip(k, 0, self.rates.size - 1)

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        return self.rates[self._index(t)]

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        """Expected arrivals in ``[0, t)``."""
        t = np.clip(np.asarray(t, dtype=float), 0.0, self.rates.size * self.interval)
        whole = np.concatenate(([0.0], np.cumsum(self.rates) * self.interval / 3600.0))
        k = np.minimum(np.floor(t / self.interval).astype(np.int64), self.rates.size - 1)
        return whole[k] + self.rates[k] * (t - k * self.interval) / 3600.0

    def expected(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self._cumulative(b) - self._cumulative(a)

    def interval_rates_per_hour(self) -> np.ndarray:
        return self.rates


class Piecewise(ArrivalModel):
    """Arrivals per hour, one number or one per interval of the horizon (warm-up included)."""

    model: Literal["piecewise"]
    rate_per_hour: RatePerHour

    def problems(self, clock: Clock) -> Iterator[Problem]:
        if isinstance(self.rate_per_hour, tuple) and len(self.rate_per_hour) != clock.n_intervals:
            yield Problem(
                "rate_per_hour",
                f"must have one value per interval ({clock.n_intervals}), "
                f"got {len(self.rate_per_hour)}",
            )

    def bind(self, clock: Clock) -> PiecewiseRate:
        rates = per_interval_array(self.rate_per_hour, clock.n_intervals)
        return PiecewiseRate(rates, clock.interval_seconds)
