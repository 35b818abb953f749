"""Per-interval aggregation of what the engine observes, in bounded memory.

The engine keeps its observations in plain lists (cheap inside the event loop); once a few
thousand have accumulated, it hands them over as arrays to :meth:`Recorder.add_answered` and
:meth:`Recorder.add_abandoned`, which fold them into per-interval NumPy tallies, so memory
stays bounded however long the day.
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

# The number in system is observed on this grid (seconds): fine enough for a 15-minute
# interval to hold 15 observations, coarse enough to stay small over weeks.
SAMPLE_SECONDS = 60.0


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
    pool_type_answered: np.ndarray  # [interval, pool, type]: who answered what
    pool_type_wait_seconds: np.ndarray  # [interval, pool, type]: their waits, summed
    busy_seconds: np.ndarray  # [interval, pool]
    available_seconds: np.ndarray  # [interval, pool]
    scheduled_agents: np.ndarray  # [interval, pool]
    # [sample, pool]: inquiries in system (in service with the pool, or waiting for it) at
    # each multiple of SAMPLE_SECONDS; a waiting inquiry counts for the pool that answers it,
    # or, if it abandons, for the first pool its type is routed to.
    in_system: np.ndarray
    # [sample, pool]: the same arrivals in an infinite-server system (every inquiry in
    # service from arrival for its full handle time), counted for the first pool its type
    # is routed to. Poisson with a known mean, it is a control variate for ``in_system``.
    unlimited_in_system: np.ndarray
    # What only the contact engine (bots, retrials, chat, e-mail) observes; ``None`` from
    # the phone engine, where they follow from the counts above (sim.metrics derives them).
    origin: np.ndarray | None = None  # [interval, type, origin]: contacts by how they joined
    funnel: np.ndarray | None = None  # [interval, outcome]: customers by their arrival interval
    engaged_seconds: np.ndarray | None = None  # [interval, pool]: agent-time holding a chat
    email: np.ndarray | None = None  # [interval, type, measure]: e-mail tallies
    bots: np.ndarray | None = None  # [interval, bot, measure]: bot tallies
    no_shows: np.ndarray | None = None  # [pool, day]: rostered heads absent (with absenteeism)
    lost_to_outage: np.ndarray | None = None  # [interval, type]: contacts a channel outage lost
    # [complaint, field]: arrived, level, category, response due, resolution due, responded,
    # resolved (seconds; inf: not yet) — every complaint of the run, in order of arrival.
    complaints: np.ndarray | None = None


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
        waiting_pool: list[int] | None = None,
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
        self.pool_type_answered = np.zeros(n_intervals * n_pools * n_types, dtype=np.int64)
        self.pool_type_wait = np.zeros(n_intervals * n_pools * n_types)
        # Cumulative busy agent-seconds before each interval edge, per pool (additive
        # over flushes, differenced at the end).
        self.busy_before_edge = np.zeros((n_pools, n_intervals + 1))
        self.scheduled_agents = scheduled_agents
        self.waiting_pool = np.asarray(waiting_pool or [0] * n_types, dtype=np.int64)
        self.n_samples = int(np.ceil(n_intervals * interval_seconds / SAMPLE_SECONDS))
        # Per pool: +1 at the first sample after an arrival, −1 at the first after it leaves.
        self.in_system_steps = np.zeros((n_pools, self.n_samples + 1), dtype=np.int64)
        self.unlimited_steps = np.zeros((n_pools, self.n_samples + 1), dtype=np.int64)
        # Agents present per pool as a step function of time.
        self.presence: list[list[tuple[float, int]]] = [[(0.0, 0)] for _ in range(n_pools)]

    def add_answered(
        self,
        cell: np.ndarray,
        wait: np.ndarray,
        pool: np.ndarray,
        start: np.ndarray,
        handle: np.ndarray,
    ) -> None:
        """Fold a batch of answered inquiries, in the order they were answered.

        ``cell`` is interval × n_types + type of arrival; ``wait``, ``start`` and ``handle``
        are seconds. Only the range of cells this batch touches is updated, so a batch costs
        the same whether the horizon has ten intervals or ten thousand. The order matters
        only to the last bit of float sums, which the order of answering fixes.
        """
        if not len(cell):
            return
        end = start + handle
        lo, hi = int(cell.min()), int(cell.max()) + 1
        local = cell - lo
        cells = slice(lo, hi)
        self.answered[cells] += np.bincount(local, minlength=hi - lo)
        self.within[cells] += np.bincount(local[wait <= self.answer_within], minlength=hi - lo)
        self.waited[cells] += np.bincount(local[wait > 0], minlength=hi - lo)
        self.wait_sum[cells] += np.bincount(local, weights=wait, minlength=hi - lo)
        bins = np.searchsorted(WAIT_BIN_EDGES, wait, side="right") - 1
        self.hist[lo * N_WAIT_BINS : hi * N_WAIT_BINS] += np.bincount(
            local * N_WAIT_BINS + bins, minlength=(hi - lo) * N_WAIT_BINS
        )
        interval = cell // self.shape[1]
        first = int(interval.min()) * self.n_pools
        slots = interval * self.n_pools + pool - first
        last = int(slots.max()) + 1
        self.pool_answered[first : first + last] += np.bincount(slots, minlength=last)
        n_types = self.shape[1]
        lo_cell = int(interval.min()) * self.n_pools * n_types
        by_type = (interval * self.n_pools + pool) * n_types + cell % n_types - lo_cell
        width = int(by_type.max()) + 1
        self.pool_type_answered[lo_cell : lo_cell + width] += np.bincount(by_type, minlength=width)
        self.pool_type_wait[lo_cell : lo_cell + width] += np.bincount(
            by_type, weights=wait, minlength=width
        )
        self.add_busy(pool, start, end)
        self._add_in_system(pool, start - wait, end)

    def add_busy(self, pool: np.ndarray, start: np.ndarray, end: np.ndarray) -> None:
        """Busy agent-time ``[start, end)`` of each pool (work not counted as an answered
        live inquiry: e-mail, or contacts joining outside the horizon)."""
        for p in range(self.n_pools):
            mine = pool == p
            if mine.any():
                _add_time_before(self.busy_before_edge[p], start[mine], end[mine], self.edges)

    def add_abandoned(self, cell: np.ndarray, arrived: np.ndarray, left: np.ndarray) -> None:
        """Fold a batch of abandoned inquiries (``left``: when patience ran out, seconds)."""
        if not len(cell):
            return
        lo, hi = int(cell.min()), int(cell.max()) + 1
        self.abandoned[lo:hi] += np.bincount(cell - lo, minlength=hi - lo)
        pool = self.waiting_pool[cell % self.shape[1]]
        self._add_in_system(pool, arrived, left)

    def add_arrivals(self, kinds: np.ndarray, arrived: np.ndarray, handle: np.ndarray) -> None:
        """Count a block of arrivals in the infinite-server system."""
        self._add_steps(self.unlimited_steps, self.waiting_pool[kinds], arrived, arrived + handle)

    def _add_in_system(self, pool: np.ndarray, arrived: np.ndarray, left: np.ndarray) -> None:
        self._add_steps(self.in_system_steps, pool, arrived, left)

    def _add_steps(
        self, steps_by_pool: np.ndarray, pool: np.ndarray, arrived: np.ndarray, left: np.ndarray
    ) -> None:
        """+1 at the first sample after each arrival, −1 at the first after it leaves.

        Only the samples between the batch's first arrival and last departure are touched,
        so a batch costs the same however long the horizon.
        """
        first = np.minimum(np.ceil(arrived / SAMPLE_SECONDS), self.n_samples).astype(np.int64)
        last = np.minimum(np.ceil(left / SAMPLE_SECONDS), self.n_samples).astype(np.int64)
        lo = int(first.min())
        width = int(last.max()) + 1 - lo
        size = self.n_pools * width
        row = pool * width - lo
        steps = np.bincount(row + first, minlength=size) - np.bincount(row + last, minlength=size)
        steps_by_pool[:, lo : lo + width] += steps.reshape(self.n_pools, width)

    def add_waiting_forever(self, cell: np.ndarray, arrived: np.ndarray) -> None:
        """Inquiries nobody will answer stay open and in the system to the end of the horizon."""
        if not len(cell):
            return
        np.add.at(self.still_open, cell, 1)
        pool = self.waiting_pool[cell % self.shape[1]]
        self._add_in_system(pool, arrived, np.full(len(cell), np.inf))

    def result(self) -> RawCounts:
        """The tallies as :class:`RawCounts` (call once every observation is folded in)."""
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
            pool_type_answered=self.pool_type_answered.reshape(k, self.n_pools, j),
            pool_type_wait_seconds=self.pool_type_wait.reshape(k, self.n_pools, j),
            busy_seconds=busy,
            available_seconds=available,
            scheduled_agents=self.scheduled_agents,
            in_system=np.cumsum(self.in_system_steps, axis=1)[:, : self.n_samples].T,
            unlimited_in_system=np.cumsum(self.unlimited_steps, axis=1)[:, : self.n_samples].T,
        )


def _add_time_before(
    total: np.ndarray, start: np.ndarray, end: np.ndarray, edges: np.ndarray
) -> None:
    """Add to ``total`` the busy time before each edge x of segments [s, e):
    Σ_{s≤x}(x − s) − Σ_{e≤x}(x − e). Zero before the first start, constant after the last end,
    so only the edges in between are computed.
    """
    lo = int(np.searchsorted(edges, start.min(), side="left"))
    hi = int(np.searchsorted(edges, end.max(), side="right"))
    window = edges[lo:hi]
    for points, sign in ((np.sort(start), 1.0), (np.sort(end), -1.0)):
        count = np.searchsorted(points, window, side="right")
        prefix = np.concatenate([[0.0], np.cumsum(points)])
        total[lo:hi] += sign * (window * count - prefix[count])
    total[hi:] += float((end - start).sum())


def _step_integral(steps: list[tuple[float, int]], edges: np.ndarray) -> np.ndarray:
    """∫ of a right-continuous step function over each ``[edges[i], edges[i+1])``."""
    times = np.array([t for t, _ in steps])
    values = np.array([v for _, v in steps], dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(values[:-1] * np.diff(times))])
    idx = np.searchsorted(times, edges, side="right") - 1
    before = cumulative[idx] + values[idx] * (edges - times[idx])
    return np.diff(before)
