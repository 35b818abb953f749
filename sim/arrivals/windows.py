"""A rate multiplied inside time windows: an order anomaly's wave of extra inquiries.

λ'(t) = λ(t) · f(t), f = the product of the windows' multipliers at t (1 outside them). The
integral stays exact: the windows cut ``[a, b)`` into pieces on which f is constant.
"""

from __future__ import annotations

import numpy as np

from .protocol import Clock, Rate

__all__ = ["WindowedRate"]


class WindowedRate(Rate):
    """``rate`` times ``multiplier`` on each window ``[start, end)`` (seconds since the start)."""

    def __init__(self, rate: Rate, windows: list[tuple[float, float, float]], clock: Clock):
        self.rate = rate
        self.clock = clock
        cuts = sorted({0.0, clock.length_seconds, *(t for w in windows for t in w[:2])})
        self.edges = np.array(cuts)
        factor = np.ones(len(cuts) - 1)
        for start, end, multiplier in windows:
            inside = (self.edges[:-1] >= start) & (self.edges[1:] <= end)
            factor[inside] *= multiplier
        self.factor = factor

    def _factor(self, t: np.ndarray) -> np.ndarray:
        piece = np.searchsorted(self.edges, np.asarray(t, dtype=float), side="right") - 1
        return self.factor[np.clip(piece, 0, self.factor.size - 1)]

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        return self.rate.rate_per_hour(t) * self._factor(t)

    def expected(self, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        if self.rate.expected(a[:1], b[:1]) is None:
            return None
        total = np.zeros(np.broadcast(a, b).shape)
        for i, factor in enumerate(self.factor):
            lo = np.clip(a, self.edges[i], self.edges[i + 1])
            hi = np.clip(b, self.edges[i], self.edges[i + 1])
            inside = hi > lo
            if inside.any():
                piece = np.zeros_like(total)
                piece[inside] = self.rate.expected(lo[inside], hi[inside])
                total += factor * piece
        return total

    def interval_rates_per_hour(self) -> np.ndarray | None:
        base = self.rate.interval_rates_per_hour()
        if base is None:
            return None
        dt = self.clock.interval_seconds
        ratio = self.edges / dt
        if np.any(np.abs(ratio - np.round(ratio)) * dt > 1e-6):
            return None  # a window edge inside an interval: not constant there
        mids = self.clock.interval_edges()[:-1] + dt / 2
        return np.asarray(base) * self._factor(mids)
