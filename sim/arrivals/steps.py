"""A rate that is constant on the cells of a regular grid: per interval, per history record,
per slot of a weekly profile. Its integral is exact and cheap."""

from __future__ import annotations

import numpy as np

from .protocol import Clock, Rate

__all__ = ["StepRate"]


class StepRate(Rate):
    """λ = ``per_hour[i]`` on ``[origin + i·step, origin + (i+1)·step)`` (seconds since the
    horizon start); the cells must cover the horizon."""

    def __init__(self, origin: float, step: float, per_hour: np.ndarray, clock: Clock):
        self.origin = float(origin)
        self.step = float(step)
        self.per_hour = np.asarray(per_hour, dtype=float)
        self.clock = clock
        self.before = np.concatenate(([0.0], np.cumsum(self.per_hour) * self.step / 3600.0))

    def _cell(self, t: np.ndarray) -> np.ndarray:
        index = np.floor((np.asarray(t, dtype=float) - self.origin) / self.step).astype(np.int64)
        return np.clip(index, 0, self.per_hour.size - 1)

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        return self.per_hour[self._cell(t)]

    def cumulative(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        i = self._cell(t)
        inside = t - (self.origin + i * self.step)
        return self.before[i] + self.per_hour[i] / 3600.0 * inside

    def expected(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self.cumulative(b) - self.cumulative(a)

    def interval_rates_per_hour(self) -> np.ndarray | None:
        """Per interval, when no cell edge falls strictly inside a reporting interval."""
        dt = self.clock.interval_seconds
        length = self.clock.length_seconds
        if self.step < dt:
            return None
        # Cell edges inside the horizon must sit on interval edges (to a microsecond).
        first = self.origin + np.ceil((0.0 - self.origin) / self.step - 1e-9) * self.step
        edges = np.arange(first, length, self.step)
        ratio = edges / dt
        if np.any(np.abs(ratio - np.round(ratio)) * dt > 1e-6):
            return None
        starts = self.clock.interval_edges()[:-1]
        return self.per_hour[self._cell(starts + dt / 2.0)]
