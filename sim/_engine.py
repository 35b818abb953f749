"""The SimPy core: one replication of the queues, driven by callbacks.

Design (measured against the textbook one-process-per-caller model, see
docs/benchmarks.md):

* Agents are counts per pool, not SimPy resources: a completion is one ``Timeout`` whose
  callback hands the freed agent the oldest waiting inquiry it is skilled for.
* Arrivals are pre-sampled per interval with NumPy. They need an event only while some
  agent is idle; while every agent is busy nothing can happen between two events except
  inquiries joining queues, so they are moved into the queues lazily at the next event.
* Abandonment costs no event: a waiting inquiry carries its deadline (arrival + patience)
  and is dropped as abandoned when it reaches the head of its queue after that deadline.
  Under first-come-first-served this gives exactly the same answered/abandoned outcome as
  a timer per caller.
* After the horizon no new inquiries arrive and the last interval's staffing stays, until
  every counted inquiry is answered or abandoned.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import Timeout

from .model import SimModel
from .recorder import RawCounts, Recorder
from .scenario.busyness import day_factor
from .streams import stream

__all__ = ["run_replication"]

# Observations are folded into the per-interval tallies at the first interval boundary after
# this many have accumulated: memory stays bounded, and the NumPy cost of a fold is spread
# over enough inquiries to be negligible even with thousands of short intervals.
FLUSH_EVERY = 8192


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
    ans_cell = rec.answered_cell.append
    ans_wait = rec.answered_wait.append
    ans_pool = rec.answered_pool.append
    ans_start = rec.answered_start.append
    ans_handle = rec.answered_handle.append
    ab_cell = rec.abandoned_cell.append
    ab_arrived = rec.abandoned_arrived.append
    ab_left = rec.abandoned_left.append

    env = simpy.Environment()
    staffing = [p.agents.tolist() for p in model.pools]
    skills = [p.skills for p in model.pools]
    eligible = [t.pools for t in types]
    queues: list[deque] = [deque() for _ in range(n_types)]
    idle = [0] * n_pools
    present = [0] * n_pools
    target = [0] * n_pools
    idle_total = 0
    wake_pending = False

    # The current block of pre-sampled arrivals (one interval, all types merged by time).
    blk_time: list[float] = []
    blk_type: list[int] = []
    blk_handle: list[float] = []
    blk_deadline: list[float] = []
    blk_cell: list[int] = []
    pos = 0
    blk_len = 0
    next_block = 0

    def load_block() -> bool:
        """Sample the next interval with arrivals; False when the horizon is exhausted."""
        nonlocal blk_time, blk_type, blk_handle, blk_deadline, blk_cell, pos, blk_len
        nonlocal next_block
        while next_block < n_intervals:
            k = next_block
            next_block += 1
            times, kinds, handles, deadlines = [], [], [], []
            for j, kind in enumerate(types):
                arrivals = samplers[j](k)
                n = len(arrivals)
                if n == 0:
                    continue
                offered[k * n_types + j] += n
                times.append(arrivals)
                kinds.append(np.full(n, j))
                handles.append(kind.handle_time.sample(handle_rng[j], n))
                if kind.patience is None:
                    deadlines.append(np.full(n, math.inf))
                else:
                    deadlines.append(arrivals + kind.patience.sample(patience_rng[j], n))
            if not times:
                continue
            t = np.concatenate(times)
            j_arr = np.concatenate(kinds)
            h = np.concatenate(handles)
            d = np.concatenate(deadlines)
            rec.add_arrivals(j_arr, t, h)
            if len(times) > 1:
                order = np.argsort(t, kind="stable")
                t, j_arr, h, d = t[order], j_arr[order], h[order], d[order]
            blk_time = t.tolist()
            blk_type = j_arr.tolist()
            blk_handle = h.tolist()
            blk_deadline = d.tolist()
            blk_cell = (k * n_types + j_arr).tolist()
            pos = 0
            blk_len = len(blk_time)
            return True
        return False

    def serve(p: int, arrived: float, handle: float, cell: int, now: float) -> None:
        ans_cell(cell)
        ans_wait(now - arrived)
        ans_pool(p)
        ans_start(now)
        ans_handle(handle)
        Timeout(env, handle, p).callbacks.append(on_done)

    def ingest(now: float) -> None:
        """Bring every arrival up to ``now`` into service (idle agent) or its queue."""
        nonlocal pos, idle_total
        while True:
            if pos >= blk_len and not load_block():
                return
            arrived = blk_time[pos]
            if arrived > now:
                return
            j = blk_type[pos]
            if idle_total:
                for p in eligible[j]:
                    if idle[p]:
                        idle[p] -= 1
                        idle_total -= 1
                        serve(p, arrived, blk_handle[pos], blk_cell[pos], now)
                        break
                else:
                    queues[j].append((arrived, blk_deadline[pos], blk_handle[pos], blk_cell[pos]))
            else:
                queues[j].append((arrived, blk_deadline[pos], blk_handle[pos], blk_cell[pos]))
            pos += 1

    def dispatch(p: int, now: float) -> None:
        """Give pool ``p``'s idle agents the oldest waiting inquiries they are skilled for."""
        nonlocal idle_total
        while idle[p]:
            best = None
            best_arrived = math.inf
            for j in skills[p]:
                queue = queues[j]
                while queue:
                    head = queue[0]
                    if head[1] <= now:  # patience ran out before an agent was free
                        queue.popleft()
                        ab_cell(head[3])
                        ab_arrived(head[0])
                        ab_left(head[1])
                        continue
                    if head[0] < best_arrived:
                        best_arrived = head[0]
                        best = queue
                    break
            if best is None:
                return
            arrived, _, handle, cell = best.popleft()
            idle[p] -= 1
            idle_total -= 1
            serve(p, arrived, handle, cell, now)

    def ensure_wake() -> None:
        """While an agent is idle, the next arrival must be an event of its own."""
        nonlocal wake_pending
        if pos >= blk_len and not load_block():
            return
        wake_pending = True
        Timeout(env, blk_time[pos] - env.now).callbacks.append(on_wake)

    def on_wake(_event: Timeout) -> None:
        nonlocal wake_pending
        wake_pending = False
        ingest(env.now)
        if idle_total:
            ensure_wake()

    def on_done(event: Timeout) -> None:
        nonlocal idle_total
        now = env.now
        ingest(now)
        p = event._value
        if present[p] > target[p]:
            # Staffing dropped while this agent was busy: the agent leaves now.
            present[p] -= 1
            rec.presence[p].append((now, present[p]))
        else:
            idle[p] += 1
            idle_total += 1
            dispatch(p, now)
        if idle_total and not wake_pending:
            ensure_wake()

    def on_interval_start(event: Timeout) -> None:
        nonlocal idle_total
        k = event._value
        now = env.now
        ingest(now)
        if len(rec.answered_cell) + len(rec.abandoned_cell) >= FLUSH_EVERY:
            rec.flush()
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
        if on_interval is not None:
            on_interval(k)
        if k + 1 < n_intervals:
            Timeout(env, (k + 1) * dt - now, k + 1).callbacks.append(on_interval_start)
        if idle_total and not wake_pending:
            ensure_wake()

    Timeout(env, 0.0, 0).callbacks.append(on_interval_start)
    env.run()

    # Nothing is left to happen: any arrival not yet seen found nobody to serve it.
    idle_total = 0
    ingest(math.inf)
    for queue in queues:
        for arrived, deadline, _handle, cell in queue:
            if deadline < math.inf:
                ab_cell(cell)
                ab_arrived(arrived)
                ab_left(deadline)
            else:
                rec.still_open[cell] += 1
                rec.add_waiting_forever(cell, arrived)
    rec.flush()
    return rec.result()
