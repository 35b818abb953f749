"""Chatbots as a stage before the people's queues, computed ahead of the event loop.

A bot's sessions never wait for an agent, so everything about them follows from the
arrivals offered to it and its own random draws: whether an arrival finds a free session
(the capacity, shared by every type the bot serves, is an Erlang loss system), how long the
session lasts, how it ends, and when an escalated or returning customer joins the people
queue. :class:`BotStage` works through one interval's arrivals at a time and hands the engine
the contacts it creates, with their join times; the engine never sees a session.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from .model import BotSpec
from .streams import stream

__all__ = ["BotContacts", "BotStage", "BotTallies"]

RESOLVED, ESCALATED, BOUNCED = 0, 1, 2


@dataclass
class BotTallies:
    """One bot's counts per interval of the horizon, by session start (turned away: by
    arrival), and its session-seconds inside each interval."""

    sessions: np.ndarray
    resolved: np.ndarray
    escalated: np.ndarray
    bounced: np.ndarray
    turned_away: np.ndarray
    session_seconds: np.ndarray

    @classmethod
    def empty(cls, n_intervals: int) -> BotTallies:
        counts = [np.zeros(n_intervals, dtype=np.int64) for _ in range(5)]
        return cls(*counts, session_seconds=np.zeros(n_intervals))


@dataclass
class BotContacts:
    """What one interval's bot arrivals hand to people (arrays of equal length).

    ``origin`` is 1 for an escalation, 3 for a bounce-back; ``factor`` multiplies the
    handle time; ``customer`` is the index of the customer in the arrivals given.
    """

    time: np.ndarray
    kind: np.ndarray  # inquiry type
    origin: np.ndarray
    factor: np.ndarray
    customer: np.ndarray
    # Customers the bot settled: resolved, or bounced without coming back (lost).
    resolved_customers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    lost_customers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    # Customers turned away (capacity): they go straight to people on arrival.
    turned_away: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


class BotStage:
    """One bot through one replication; call :meth:`run` for each interval in order."""

    def __init__(self, spec: BotSpec, seed: int, replication: int, n_intervals: int, dt: float):
        self.spec = spec
        self.dt = dt
        self.n_intervals = n_intervals
        name = spec.name
        self.session_rng = stream(seed, replication, f"bot/{name}/session")
        self.outcome_rng = stream(seed, replication, f"bot/{name}/outcome")
        self.return_rng = stream(seed, replication, f"bot/{name}/returns")
        self.delay_rng = stream(seed, replication, f"bot/{name}/delay")
        self.tallies = BotTallies.empty(n_intervals)
        self.busy_until = np.empty(0)  # end times of the sessions in progress, sorted

    def run(self, k: int, time: np.ndarray, kind: np.ndarray) -> BotContacts:
        """Interval ``k``'s arrivals offered to the bot (sorted ``time``, their types)."""
        spec = self.spec
        n = len(time)
        tallies = self.tallies
        if n == 0:
            return _no_contacts()
        session = spec.session_time.sample(self.session_rng, n)
        admitted = self._admit(time, session)
        turned_away = np.flatnonzero(~admitted)
        tallies.turned_away[k] += turned_away.size
        taken = np.flatnonzero(admitted)
        start, length = time[taken], session[taken]
        end = start + length
        outcome = self.outcome_rng.choice(
            3, size=taken.size, p=[spec.resolved, spec.escalated, spec.bounced]
        )
        tallies.sessions[k] += taken.size
        tallies.resolved[k] += int(np.count_nonzero(outcome == RESOLVED))
        tallies.escalated[k] += int(np.count_nonzero(outcome == ESCALATED))
        tallies.bounced[k] += int(np.count_nonzero(outcome == BOUNCED))
        _add_seconds(tallies.session_seconds, start, end, self.dt)

        escalated = taken[outcome == ESCALATED]
        bounced = taken[outcome == BOUNCED]
        returns = self.return_rng.random(bounced.size) < spec.returns
        back = bounced[returns]
        delay = (
            spec.return_delay.sample(self.delay_rng, back.size)
            if back.size and spec.return_delay is not None
            else np.zeros(back.size)
        )
        escalated_end = end[np.searchsorted(taken, escalated)]
        back_end = end[np.searchsorted(taken, back)]
        return BotContacts(
            time=np.concatenate([escalated_end, back_end + delay]),
            kind=np.concatenate([kind[escalated], kind[back]]),
            origin=np.concatenate(
                [np.full(escalated.size, 1, np.int64), np.full(back.size, 3, np.int64)]
            ),
            factor=np.concatenate(
                [np.full(escalated.size, spec.handle_time_factor), np.ones(back.size)]
            ),
            customer=np.concatenate([escalated, back]),
            resolved_customers=taken[outcome == RESOLVED],
            lost_customers=bounced[~returns],
            turned_away=turned_away,
        )

    def _admit(self, start: np.ndarray, session: np.ndarray) -> np.ndarray:
        """Which arrivals find a free session (all of them without a capacity)."""
        capacity = self.spec.capacity
        if capacity is None:
            return np.ones(len(start), dtype=bool)
        carried = self.busy_until  # sorted end times of the sessions in progress
        end = start + session
        # Without turning anyone away, would the busiest moment stay within capacity? Then
        # the answer is "everyone", and no session-by-session loop is needed.
        ends = np.sort(end)
        in_progress = (
            np.arange(1, len(start) + 1)
            - np.searchsorted(ends, start, side="right")
            + (len(carried) - np.searchsorted(carried, start, side="right"))
        )
        if in_progress.max() <= capacity:
            busy = np.concatenate([carried, ends])
            busy.sort(kind="stable")
            self.busy_until = busy[np.searchsorted(busy, start[-1], side="right") :]
            return np.ones(len(start), dtype=bool)
        # Full at some moment: admit session by session, the sessions in progress in a heap.
        heap = carried.tolist()  # a sorted list is a heap
        admitted = np.zeros(len(start), dtype=bool)
        for i, (arrival, finish) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
            while heap and heap[0] <= arrival:
                heapq.heappop(heap)
            if len(heap) < capacity:
                heapq.heappush(heap, finish)
                admitted[i] = True
        self.busy_until = np.sort(np.asarray(heap, dtype=float))
        return admitted


def _no_contacts() -> BotContacts:
    empty_float = np.empty(0)
    empty_int = np.empty(0, dtype=np.int64)
    return BotContacts(empty_float, empty_int, empty_int, empty_float, empty_int)


def _add_seconds(total: np.ndarray, start: np.ndarray, end: np.ndarray, dt: float) -> None:
    """Add the time of each ``[start, end)`` that falls in each interval ``[k·dt, (k+1)·dt)``."""
    if not len(start):
        return
    n = len(total)
    first = np.floor(start / dt).astype(np.int64)
    last = np.minimum(np.floor(end / dt).astype(np.int64), n - 1)
    # Offset by offset: most sessions lie in one interval, a few cross into the next.
    for offset in range(int((last - first).max()) + 1):
        live = first + offset <= last
        k = first[live] + offset
        seconds = np.minimum(end[live], (k + 1) * dt) - np.maximum(start[live], k * dt)
        total += np.bincount(k, weights=np.maximum(seconds, 0.0), minlength=n)
