"""Per-interval aggregation of what the engine observes, in bounded memory.

The engine appends raw observations to plain lists (cheap inside the event loop); at
every interval boundary :meth:`Recorder.flush` folds them into per-interval NumPy
tallies and clears the lists, so memory follows one interval's traffic, not the day's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["WAIT_BIN_EDGES", "RawCounts", "Recorder"]

# Wait histogram edges (seconds): a bin for "no wait", then 1 s up to 5 min, 5 s up to
# 30 min, 1 min up to 4 h, 15 min up to 2 days, and an overflow bin. Fine where service
# targets live, coarse where only the tail matters.
WAIT_BIN_EDGES = np.concatenate(
    [
        [0.0],
        np.arange(1e-9, 300.0, 1.0),
        np.arange(300.0, 1800.0, 5.0),
        np.arange(1800.0, 14400.0, 60.0),
        np.arange(14400.0, 172800.0 + 1, 900.0),
    ]
)
N_WAIT_BINS = len(WAIT_BIN_EDGES)  # the last bin holds everything beyond the last edge


@dataclass
class RawCounts:
    """Tallies of one replication over the whole horizon (warm-up included).

    Arrays indexed ``[interval, inquiry_type]`` count inquiries by the interval they
    arrived in; ``[interval, pool]`` arrays hold agent-seconds within the interval.
    """

    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    still_open: np.ndarray
    answered_within: np.ndarray  # answered with wait ≤ answer_within
    answered_waited: np.ndarray  # answered with wait > 0
    wait_seconds: np.ndarray  # sum of waits of answered inquiries
    wait_hist: np.ndarray  # [interval, type, bin] waits of answered inquiries
    pool_answered: np.ndarray  # [interval, pool]
    busy_seconds: np.ndarray  # [interval, pool]
    available_seconds: np.ndarray  # [interval, pool]
    scheduled_agents: np.ndarray  # [interval, pool]


class Recorder:
    """Collects observations from the engine; see the module docstring."""

    def __init__(
        self,
        n_intervals: int,
        n_types: int,
        n_pools: int,
        interval_seconds: float,
        answer_within_seconds: float,
        scheduled_agents: np.ndarray,
    ):
        self.shape = (n_intervals, n_types)
        self.n_pools = n_pools
        self.answer_within = answer_within_seconds
        self.edges = np.arange(n_intervals + 1) * interval_seconds
        size = n_intervals * n_types
        self.offered = np.zeros(size, dtype=np.int64)
        self.answered = np.zeros(size, dtype=np.int64)
        self.abandoned = np.zeros(size, dtype=np.int64)
        self.still_open = np.zeros(size, dtype=np.int64)
        self.within = np.zeros(size, dtype=np.int64)
        self.waited = np.zeros(size, dtype=np.int64)
        self.wait_sum = np.zeros(size)
        self.hist = np.zeros(size * N_WAIT_BINS, dtype=np.int64)
        self.pool_answered = np.zeros(n_intervals * n_pools, dtype=np.int64)
        # Cumulative busy agent-seconds before each interval edge, per pool (additive
        # over flushes, differenced at the end).
        self.busy_before_edge = np.zeros((n_pools, n_intervals + 1))
        self.scheduled_agents = scheduled_agents
        # Raw observation lists the engine appends to.
        self.answered_cell: list[int] = []
        self.answered_wait: list[float] = []
        self.answered_pool: list[int] = []
        self.answered_start: list[float] = []
        self.answered_handle: list[float] = []
        self.abandoned_cell: list[int] = []
        # Agents present per pool as a step function of time.
        self.presence: list[list[tuple[float, int]]] = [[(0.0, 0)] for _ in range(n_pools)]

    def flush(self) -> None:
        """Fold the raw lists into the tallies and clear them."""
        size = self.offered.size
        if self.answered_cell:
            cell = np.asarray(self.answered_cell, dtype=np.int64)
            wait = np.asarray(self.answered_wait)
            pool = np.asarray(self.answered_pool, dtype=np.int64)
            start = np.asarray(self.answered_start)
            end = start + np.asarray(self.answered_handle)
            self.answered += np.bincount(cell, minlength=size)
            self.within += np.bincount(
                cell, weights=wait <= self.answer_within, minlength=size
            ).astype(np.int64)
            self.waited += np.bincount(cell, weights=wait > 0, minlength=size).astype(np.int64)
            self.wait_sum += np.bincount(cell, weights=wait, minlength=size)
            bins = np.searchsorted(WAIT_BIN_EDGES, wait, side="right") - 1
            self.hist += np.bincount(cell * N_WAIT_BINS + bins, minlength=self.hist.size)
            interval = cell // self.shape[1]
            self.pool_answered += np.bincount(
                interval * self.n_pools + pool, minlength=self.pool_answered.size
            )
            for p in range(self.n_pools):
                mine = pool == p
                if mine.any():
                    self.busy_before_edge[p] += _time_before(start[mine], end[mine], self.edges)
            for values in (
                self.answered_cell,
                self.answered_wait,
                self.answered_pool,
                self.answered_start,
                self.answered_handle,
            ):
                values.clear()
        if self.abandoned_cell:
            cell = np.asarray(self.abandoned_cell, dtype=np.int64)
            self.abandoned += np.bincount(cell, minlength=size)
            self.abandoned_cell.clear()

    def result(self) -> RawCounts:
        """The tallies as :class:`RawCounts` (call after the last :meth:`flush`)."""
        k, j = self.shape
        available = np.stack([_step_integral(steps, self.edges) for steps in self.presence], axis=1)
        busy = np.diff(self.busy_before_edge, axis=1).T
        return RawCounts(
            offered=self.offered.reshape(k, j),
            answered=self.answered.reshape(k, j),
            abandoned=self.abandoned.reshape(k, j),
            still_open=self.still_open.reshape(k, j),
            answered_within=self.within.reshape(k, j),
            answered_waited=self.waited.reshape(k, j),
            wait_seconds=self.wait_sum.reshape(k, j),
            wait_hist=self.hist.reshape(k, j, N_WAIT_BINS),
            pool_answered=self.pool_answered.reshape(k, self.n_pools),
            busy_seconds=busy,
            available_seconds=available,
            scheduled_agents=self.scheduled_agents,
        )


def _time_before(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Busy time before each edge x: Σ_{s≤x}(x − s) − Σ_{e≤x}(x − e), for segments [s, e)."""
    total = np.zeros(len(edges))
    for points, sign in ((np.sort(start), 1.0), (np.sort(end), -1.0)):
        count = np.searchsorted(points, edges, side="right")
        prefix = np.concatenate([[0.0], np.cumsum(points)])
        total += sign * (edges * count - prefix[count])
    return total


def _step_integral(steps: list[tuple[float, int]], edges: np.ndarray) -> np.ndarray:
    """∫ of a right-continuous step function over each ``[edges[i], edges[i+1])``."""
    times = np.array([t for t, _ in steps])
    values = np.array([v for _, v in steps], dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(times))])
    idx = np.searchsorted(times, edges, side="right") - 1
    before = cumulative[idx] + values[idx] * (edges - times[idx])
    return np.diff(before)
