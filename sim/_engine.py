"""The SimPy core: one replication of the queues, driven by callbacks.

Design (measured against the textbook one-process-per-caller model, see
docs/benchmarks.md):

* Agents are counts per pool, not SimPy resources: a completion is one event whose
  callback hands the freed agent the oldest waiting inquiry it is skilled for.
* Arrivals are pre-sampled per interval with NumPy. A queue is never stored: served and
  abandoned only at its head and joined only at its tail, the queue of a type is always
  the run of that type's arrivals from its first unresolved one up to now, so it is one
  index, and an arrival costs nothing while every agent is busy.
* While an agent is idle, the next arrival is due to an event of its own (a wake), unless
  the outcome is already certain: when the pool an arrival tries first has an idle agent
  now and no interval boundary comes before it, nothing in between can change that it
  starts with that pool on arrival, so its completion is scheduled at once and the wake
  is skipped. Times are the exact floats the wake would have produced.
* Abandonment costs no event: a waiting inquiry has a deadline (arrival + patience) and is
  dropped as abandoned when it reaches the head of its queue after that deadline. Under
  first-come-first-served this gives exactly the same answered/abandoned outcome as a
  timer per caller.
* The loop records two numbers per answered inquiry (which one, and when); waits, cells and
  the rest are looked up and computed with NumPy when a batch is folded into the tallies.
* After the horizon no new inquiries arrive and the last interval's staffing stays, until
  every counted inquiry is answered or abandoned.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import NORMAL, Event, Timeout

from .absence import staffing_after_absence
from .model import SimModel
from .recorder import RawCounts, Recorder
from .scenario.busyness import day_factor
from .streams import stream

__all__ = ["run_replication"]

# Observations are folded into the per-interval tallies at the first interval boundary after
# this many have accumulated: memory stays bounded, and the NumPy cost of a fold is spread
# over enough inquiries to be negligible even with thousands of short intervals.
FLUSH_EVERY = 8192

# An answered inquiry is recorded as one integer: (pool × n_types + type) << _POSITION_BITS,
# plus its position in its type's list of pending arrivals.
_POSITION_BITS = 32
_POSITION_MASK = (1 << _POSITION_BITS) - 1


class _Light(Event):
    """An event with no per-instance state, for the ones created by the hundred thousand.

    Each instance of a subclass from :func:`_light_event` succeeds with no value and calls
    that subclass's one callback; SimPy only ever replaces ``callbacks`` on an instance,
    never mutates the shared list.
    """

    _ok = True
    _value = None
    __init__ = object.__init__


def _light_event(callback: Callable[[Event], None]) -> type[_Light]:
    return type("LightEvent", (_Light,), {"callbacks": [callback]})


class _Pending:
    """One inquiry type's sampled arrivals that are not yet folded into the tallies.

    The event loop reads the plain lists (``times`` ends with an infinite sentinel, so a
    look past the last arrival needs no bounds check); the fold reads the NumPy blocks.
    """

    def __init__(self) -> None:
        self.times: list[float] = [math.inf]
        self.deadlines: list[float] = []
        self.handles: list[float] = []
        # Per sampled interval: arrival time, handle time, deadline, interval.
        self.blocks: list[tuple[np.ndarray, ...]] = []
        self.sampled = 0  # arrivals sampled so far

    def extend(self, k: int, times: np.ndarray, handles: np.ndarray, deadlines: np.ndarray) -> None:
        """Append interval ``k``'s arrivals (sorted times) with their durations."""
        self.times.pop()
        self.times.extend(times.tolist())
        self.times.append(math.inf)
        self.deadlines.extend(deadlines.tolist())
        self.handles.extend(handles.tolist())
        self.blocks.append((times, handles, deadlines, np.full(len(times), k, dtype=np.int64)))
        self.sampled += len(times)

    def first(self, n: int) -> tuple[np.ndarray, ...]:
        """Arrival time, handle time, deadline and interval of the first ``n`` arrivals.

        Only the blocks that hold them are joined, so a long queue that barely moves is not
        copied at every fold.
        """
        count = 0
        for b, block in enumerate(self.blocks):
            count += len(block[0])
            if count >= n:
                if b:
                    self.blocks[: b + 1] = [
                        tuple(np.concatenate(c) for c in zip(*self.blocks[: b + 1], strict=True))
                    ]
                return tuple(column[:n] for column in self.blocks[0])
        raise ValueError(f"{n} arrivals asked for, {count} pending")

    def drop(self, n: int) -> None:
        """Forget the first ``n`` arrivals (all answered or abandoned, and folded)."""
        if not n:
            return
        del self.times[:n], self.deadlines[:n], self.handles[:n]
        self.first(n)
        rest = tuple(column[n:] for column in self.blocks[0])
        self.blocks[:1] = [rest] if len(rest[0]) else []


def run_replication(
    model: SimModel,
    seed: int,
    replication: int = 0,
    on_interval: Callable[[int], None] | None = None,
) -> RawCounts:
    """Simulate ``model`` once; ``on_interval(k)`` is called as interval ``k`` begins."""
    n_intervals = model.n_intervals
    n_types = len(model.types)
    n_pools = len(model.pools)
    dt = model.interval_seconds
    types = model.types
    # One factor for the whole day and every type: a busy day is busy for all of them.
    # Without busyness the factor is exactly 1.0, and x * 1.0 == x: the rates are unchanged.
    busyness = day_factor(model.busyness, seed, replication)
    samplers = [
        t.arrivals.sampler(stream(seed, replication, f"arrivals/{t.name}"), busyness) for t in types
    ]
    handle_rng = [stream(seed, replication, f"handle_time/{t.name}") for t in types]
    patience_rng = [stream(seed, replication, f"patience/{t.name}") for t in types]

    scheduled = np.stack([p.agents for p in model.pools], axis=1)
    rec = Recorder(
        n_intervals,
        n_types,
        n_pools,
        dt,
        model.answer_within_seconds,
        scheduled,
        waiting_pool=[t.pools[0] for t in types],
    )
    offered = rec.offered

    env = simpy.Environment()
    schedule = env.schedule
    present, no_shows = staffing_after_absence(model, seed, replication)
    staffing = [agents.tolist() for agents in present]
    skills = [p.skills for p in model.pools]
    eligible = [t.pools for t in types]
    first_pool = [t.pools[0] for t in types]
    idle = [0] * n_pools
    present = [0] * n_pools
    target = [0] * n_pools
    draining = [False] * n_pools  # more agents present than scheduled: busy ones leave
    idle_total = 0
    next_boundary = 0.0  # time of the next interval-start event

    pending = [_Pending() for _ in range(n_types)]
    times = [q.times for q in pending]
    deadlines = [q.deadlines for q in pending]
    handles = [q.handles for q in pending]
    # Per type, the list position of its first inquiry neither answered nor abandoned; its
    # queue is every arrival from there up to now.
    head = [0] * n_types
    dropped = [0] * n_types  # arrivals folded and forgotten: list position = ordinal − dropped
    # All types' arrivals in order of arrival (ties by type), for routing them to idle
    # agents: time (with an infinite sentinel), type and ordinal within the type. With one
    # type that order is the type's own list, and a position in it is the list position.
    one_type = n_types == 1
    order_time: list[float] = times[0] if one_type else [math.inf]
    order_type: list[int] = []
    order_ordinal: list[int] = []
    routed = 0  # position in that order of the first arrival not yet routed
    loaded = 0  # intervals sampled so far
    # The wake due next, if any (there is at most one): at ``wake_at``; a SimPy event if
    # ``wake_event``, else a skipped one whose arrival was settled in advance.
    wake_pending = False
    wake_event = False
    wake_at = 0.0

    keys = [[(p * n_types + j) << _POSITION_BITS for j in range(n_types)] for p in range(n_pools)]
    # Answered since the last fold: key + list position, and when the answer started.
    answered_id: list[int] = []
    answered_at: list[float] = []
    record_id = answered_id.append
    record_at = answered_at.append

    def load() -> None:
        """Sample the next interval's arrivals of every type."""
        nonlocal loaded
        k = loaded
        loaded += 1
        kinds, all_times, all_handles, ordinals = [], [], [], []
        for j, kind in enumerate(types):
            arrivals = samplers[j](k)
            n = len(arrivals)
            if n == 0:
                continue
            offered[k * n_types + j] += n
            handle = kind.handle_time.sample(handle_rng[j], n)
            if kind.patience is None:
                deadline = np.full(n, math.inf)
            else:
                deadline = arrivals + kind.patience.sample(patience_rng[j], n)
            if not one_type:
                ordinals.append(np.arange(pending[j].sampled, pending[j].sampled + n))
            pending[j].extend(k, arrivals, handle, deadline)
            kinds.append(np.full(n, j))
            all_times.append(arrivals)
            all_handles.append(handle)
        if not kinds:
            return
        t, j_arr, h = np.concatenate(all_times), np.concatenate(kinds), np.concatenate(all_handles)
        rec.add_arrivals(j_arr, t, h)
        if one_type:
            return
        ordinal = np.concatenate(ordinals)
        if len(kinds) > 1:
            order = np.argsort(t, kind="stable")
            t, j_arr, ordinal = t[order], j_arr[order], ordinal[order]
        order_time.pop()
        order_time.extend(t.tolist())
        order_time.append(math.inf)
        order_type.extend(j_arr.tolist())
        order_ordinal.extend(ordinal.tolist())

    def serve(p: int, j: int, i: int, now: float) -> None:
        record_id(i + keys[p][j])
        record_at(now)
        schedule(completion[p](), NORMAL, handles[j][i])

    def ingest(now: float) -> None:
        """Route the arrivals up to ``now`` in order of arrival: to an idle agent, or (once
        every agent is busy, without any work) to their queues."""
        nonlocal idle_total, routed
        while order_time[routed] <= now:
            if not idle_total:
                routed = bisect_right(order_time, now, routed)
                return
            if one_type:
                j, i = 0, routed
            else:
                j = order_type[routed]
                i = order_ordinal[routed] - dropped[j]
            routed += 1
            if i != head[j]:
                continue  # others of its type wait, so no agent for it is idle: it queues
            for p in eligible[j]:
                if idle[p]:
                    idle[p] -= 1
                    idle_total -= 1
                    head[j] = i + 1
                    serve(p, j, i, now)
                    break

    def dispatch(p: int, now: float) -> None:
        """Give pool ``p``'s idle agents the oldest waiting inquiries they are skilled for."""
        nonlocal idle_total
        while idle[p]:
            best = -1
            best_arrived = math.inf
            for j in skills[p]:
                arrivals = times[j]
                waiting_until = deadlines[j]
                i = head[j]
                while arrivals[i] <= now:
                    if waiting_until[i] <= now:  # patience ran out before an agent was free
                        i += 1
                        continue
                    if arrivals[i] < best_arrived:
                        best_arrived = arrivals[i]
                        best = j
                    break
                head[j] = i
            if best < 0:
                return
            i = head[best]
            head[best] = i + 1
            idle[p] -= 1
            idle_total -= 1
            serve(p, best, i, now)

    def schedule_at(event: Event, when: float) -> None:
        """Schedule ``event`` for exactly ``when``, a time an earlier wake would have given."""
        now = env.now
        delay = when - now
        if now + delay == when:
            schedule(event, NORMAL, delay)
        else:
            # Rounding: only when ``when`` is over twice ``now``. From 0.75 × when on, the
            # difference is exact (Sterbenz), so hop there first.
            Timeout(env, 0.75 * when - now).callbacks.append(lambda _: schedule_at(event, when))

    def wake_chain(since: float) -> None:
        """The wakes due while an agent is idle, from time ``since`` on (now, or the time of
        a skipped wake): skip each one whose outcome is already certain, and schedule the
        first that is not."""
        nonlocal idle_total, routed, wake_pending, wake_event, wake_at
        now = env.now
        while True:
            arrival = order_time[routed]
            if arrival == math.inf:
                if loaded < n_intervals:
                    load()  # unsampled intervals only hold later arrivals than sampled ones
                    continue
                wake_pending = False
                return
            wake = since + (arrival - since)
            if one_type:
                j, i = 0, routed
            else:
                j = order_type[routed]
                i = order_ordinal[routed] - dropped[j]
            p = first_pool[j]
            if wake != arrival or wake >= next_boundary or not idle[p] or i != head[j]:
                wake_pending = wake_event = True
                wake_at = wake
                if since == now:
                    Timeout(env, arrival - now).callbacks.append(on_wake)
                else:
                    schedule_at(wake_event_type(), wake)
                return
            # Certain: it starts with pool p on arrival (p has an agent idle now, only
            # arrivals take idle agents, and none comes before it).
            routed += 1
            idle[p] -= 1
            idle_total -= 1
            head[j] = i + 1
            record_id(i + keys[p][j])
            record_at(arrival)
            end = arrival + handles[j][i]
            delay = end - now
            if now + delay == end:
                schedule(completion[p](), NORMAL, delay)
            else:
                schedule_at(completion[p](), end)
            since = arrival
            if not idle_total:
                wake_pending = True
                wake_event = False
                wake_at = arrival
                return

    def after_event(now: float) -> None:
        """An agent is idle at the end of an event: make sure the next arrival is seen."""
        if not wake_pending:
            wake_chain(now)
        elif not wake_event:
            # A skipped wake at ``wake_at`` (later than now, or the last one, now past) would
            # look for the next arrival itself, with this agent idle.
            wake_chain(wake_at if wake_at > now else now)

    def on_wake(_event: Event) -> None:
        nonlocal wake_pending
        wake_pending = False
        now = env.now
        ingest(now)
        if idle_total:
            wake_chain(now)

    wake_event_type = _light_event(on_wake)

    def leave(p: int, now: float) -> None:
        """Staffing dropped while this agent of pool ``p`` was busy: it leaves now."""
        present[p] -= 1
        draining[p] = present[p] > target[p]
        rec.presence[p].append((now, present[p]))
        if idle_total:
            after_event(now)

    def make_on_done(p: int) -> type[_Light]:
        """The completion event class of pool ``p``."""
        if len(skills[p]) > 1:

            def on_done(_event: Event) -> None:
                nonlocal idle_total, routed
                now = env.now
                if idle_total:
                    ingest(now)
                if draining[p]:
                    leave(p, now)
                    return
                if not idle_total:
                    routed = bisect_right(order_time, now, routed)  # arrivals so far queued
                idle[p] += 1
                idle_total += 1
                dispatch(p, now)
                if idle_total:
                    after_event(now)

            return _light_event(on_done)

        # One skill: the head of its queue, if any, is the agent's next inquiry.
        j = skills[p][0]
        arrivals = times[j]
        waiting_until = deadlines[j]
        durations = handles[j]
        key = keys[p][j]

        def on_done_one_skill(_event: Event) -> None:
            nonlocal idle_total, routed
            now = env.now
            if idle_total:
                ingest(now)
            if draining[p]:
                leave(p, now)
                return
            i = head[j]
            while arrivals[i] <= now:
                if waiting_until[i] > now:
                    head[j] = i + 1
                    record_id(i + key if key else i)
                    record_at(now)
                    schedule(done(), NORMAL, durations[i])
                    return
                i += 1  # patience ran out before an agent was free: abandoned
            head[j] = i
            if not idle_total:
                routed = bisect_right(order_time, now, routed)  # arrivals so far queued
            idle[p] += 1
            idle_total += 1
            after_event(now)

        done = _light_event(on_done_one_skill)
        return done

    completion = [make_on_done(p) for p in range(n_pools)]

    def fold() -> None:
        """Fold every resolved inquiry into the tallies and forget it."""
        nonlocal routed
        _fold(rec, pending, head, answered_id, answered_at, n_types)
        answered_id.clear()
        answered_at.clear()
        if one_type:
            routed -= head[0]  # its list is the order, and loses what the type loses
        else:
            del order_time[:routed], order_type[:routed], order_ordinal[:routed]
            routed = 0
        for j, queue in enumerate(pending):
            queue.drop(head[j])
            dropped[j] += head[j]
            head[j] = 0

    def on_interval_start(event: Timeout) -> None:
        nonlocal idle_total, next_boundary, routed
        k = event._value
        now = env.now
        # Sample one interval ahead: every event before the next boundary then finds the
        # arrivals up to its time already sampled.
        while loaded < min(k + 2, n_intervals):
            load()
        if idle_total:
            ingest(now)
        else:
            routed = bisect_right(order_time, now, routed)  # arrivals so far queued
        if sum(head) >= FLUSH_EVERY:
            fold()
        for p in range(n_pools):
            wanted = staffing[p][k]
            target[p] = wanted
            if wanted > present[p]:
                added = wanted - present[p]
                present[p] = wanted
                idle[p] += added
                idle_total += added
                rec.presence[p].append((now, wanted))
                dispatch(p, now)
            elif wanted < present[p]:
                # Idle agents leave at once; busy ones finish their inquiry first.
                leaving = min(idle[p], present[p] - wanted)
                if leaving:
                    idle[p] -= leaving
                    idle_total -= leaving
                    present[p] -= leaving
                    rec.presence[p].append((now, present[p]))
            draining[p] = present[p] > wanted
        if on_interval is not None:
            on_interval(k)
        if k + 1 < n_intervals:
            delay = (k + 1) * dt - now
            next_boundary = now + delay
            Timeout(env, delay, k + 1).callbacks.append(on_interval_start)
        else:
            next_boundary = math.inf
        if idle_total:
            after_event(now)

    Timeout(env, 0.0, 0).callbacks.append(on_interval_start)
    env.run()

    # Nothing is left to happen: every inquiry still waiting, or arriving after the last
    # event, found nobody to serve it; it abandons at its deadline or stays open.
    while loaded < n_intervals:
        load()
    for j, queue in enumerate(pending):
        head[j] = len(queue.handles)
    fold()
    counts = rec.result()
    counts.no_shows = no_shows
    return counts


def _fold(
    rec: Recorder,
    pending: list[_Pending],
    head: list[int],
    answered_id: list[int],
    answered_at: list[float],
    n_types: int,
) -> None:
    """Hand the resolved inquiries (each type's first ``head[j]``) to the recorder.

    Those answered are in ``answered_id``/``answered_at``; of the others, those with a
    deadline abandoned at it, and those without one stay open to the end.
    """
    start = np.array(answered_at, dtype=float)
    # Skipped wakes record an answer before its time; the recorder's float sums follow
    # the order of answering.
    order = np.argsort(start, kind="stable")
    start = start[order]
    ids = np.array(answered_id, dtype=np.int64)[order]
    position = ids & _POSITION_MASK
    pair = ids >> _POSITION_BITS
    kind = pair % n_types
    arrived = np.empty(len(ids))
    handle = np.empty(len(ids))
    interval = np.empty(len(ids), dtype=np.int64)
    abandoned, waiting = [], []
    for j, queue in enumerate(pending):
        if not head[j]:
            continue
        t, h, d, k = queue.first(head[j])
        mine = kind == j
        at = position[mine]
        arrived[mine] = t[at]
        handle[mine] = h[at]
        interval[mine] = k[at]
        unanswered = np.ones(head[j], dtype=bool)
        unanswered[at] = False
        gone = np.flatnonzero(unanswered & (d < math.inf))
        abandoned.append((k[gone] * n_types + j, t[gone], d[gone]))
        stays = np.flatnonzero(unanswered & (d == math.inf))
        waiting.append((k[stays] * n_types + j, t[stays]))
    rec.add_answered(interval * n_types + kind, start - arrived, pair // n_types, start, handle)
    if abandoned:
        rec.add_abandoned(*(np.concatenate(column) for column in zip(*abandoned, strict=True)))
        rec.add_waiting_forever(*(np.concatenate(column) for column in zip(*waiting, strict=True)))
