"""The SimPy core for channels: contacts from bots, retrials, chat concurrency and e-mail.

Where :mod:`sim._engine` runs phone queues only, as fast as it can, this engine runs every
channel kind (see :func:`run_contact_replication`). The outcome of a replication is defined
the same way in both; a test runs a phone-only scenario through both and gets the same
counts.

* **Customers and contacts.** A customer inquiry arrives (pre-sampled per interval, as in
  the phone engine). A share of those of a bot's types goes to the bot first
  (:mod:`sim.bots`, computed ahead); every time an inquiry then joins a people queue it is
  a *contact*: a first attempt, an escalation from the bot, a phone retrial or a bounce-back.
  Contacts whose join times are known in advance are merged, interval by interval, into one
  stream in time order; retrials (known only when a caller hangs up) are events of their
  own.
* **Agents** are numbered within their pool. Each holds a *load*: its chats in progress
  (at most the pool's ``slots``), 1 for a call, ``slots`` for an e-mail (an agent answering
  mail takes nothing else). Agents with room are kept in buckets by load, so "the skilled
  agent holding the fewest chats" is the first non-empty bucket.
* **Queues** are first-come-first-served per inquiry type, in order of joining. A waiting
  contact with patience has a timer; when it fires the contact abandons (and a caller may
  retry). A freed agent takes the longest-waiting live contact among its skills, and only
  when none waits and it holds nothing, the oldest e-mail.
* **Staffing changes** at interval boundaries, as in the phone engine: idle agents leave at
  once; in a phone or e-mail pool the next agents to finish leave, in a chat pool the
  agents holding the fewest chats stop taking new ones and leave when their last ends.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable

import numpy as np
import simpy
from simpy.events import Timeout

from .absence import staffing_after_absence
from .bots import BotStage
from .model import SimModel
from .recorder import RawCounts, Recorder
from .scenario.busyness import day_factor
from .streams import stream

__all__ = ["ORIGINS", "run_contact_replication"]

# The ways a contact joins a people queue (the ``origin`` axis of RawCounts.origin).
ORIGINS = ("first_attempts", "escalated", "retrials", "bounce_backs")
FIRST, ESCALATED, RETRIAL, BOUNCE_BACK = range(4)

FLUSH_EVERY = 8192

# A contact: [join time, type, deadline, handle, origin, customer's arrival interval
# (−1: not counted in the funnel), state]. A list, mutated in place: its state changes once.
JOIN, TYPE, DEADLINE, HANDLE, ORIGIN, CUSTOMER, STATE = range(7)
WAITING, SERVED, ABANDONED = range(3)

# Funnel outcomes, the last axis of RawCounts.funnel (by the customer's arrival interval).
FUNNEL = ("inquiries", "resolved_by_bot", "answered", "lost", "still_open")
INQUIRIES, RESOLVED_BY_BOT, ANSWERED, LOST, STILL_OPEN = range(5)

# The last axis of RawCounts.email, per interval and e-mail type.
EMAIL = ("arrived", "answered", "answered_within_deadline", "backlog", "oldest_wait_seconds")


class _Pool:
    """Agents of one pool: their loads and, for those taking work, buckets by load."""

    def __init__(self, slots: int):
        self.slots = slots
        self.load: list[int] = []  # by agent number
        self.whole: list[bool] = []  # its job takes it whole (a call or an e-mail)
        self.leaving: list[bool] = []  # a chat agent winding down after a staffing drop
        self.buckets: list[list[int]] = [[] for _ in range(slots)]  # load → agents with room
        self.where: list[int] = []  # agent → its index in its bucket (−1: in none)
        self.alive: list[bool] = []  # by agent number: present (numbers are reused)
        self.free_numbers: list[int] = []
        self.present = 0
        self.excess = 0  # phone/e-mail: agents to leave as they finish
        self.winding = 0  # chat: agents marked leaving
        self.engaged = 0  # agents holding at least one chat

    @property
    def staying(self) -> int:
        return self.present - self.excess - self.winding

    def _put(self, a: int) -> None:
        load = self.load[a]
        if load < self.slots and not self.leaving[a]:
            bucket = self.buckets[load]
            self.where[a] = len(bucket)
            bucket.append(a)
        else:
            self.where[a] = -1

    def _take_out(self, a: int) -> None:
        i = self.where[a]
        if i < 0:
            return
        bucket = self.buckets[self.load[a]]
        last = bucket.pop()
        if last != a:
            bucket[i] = last
            self.where[last] = i
        self.where[a] = -1

    def add_agent(self) -> int:
        if self.free_numbers:
            a = self.free_numbers.pop()
            self.load[a] = 0
            self.whole[a] = False
            self.leaving[a] = False
            self.alive[a] = True
        else:
            a = len(self.load)
            self.load.append(0)
            self.whole.append(False)
            self.leaving.append(False)
            self.where.append(-1)
            self.alive.append(True)
        self.present += 1
        self._put(a)
        return a

    def remove_agent(self, a: int) -> None:
        self._take_out(a)
        if self.leaving[a]:
            self.leaving[a] = False
            self.winding -= 1
        self.alive[a] = False
        self.present -= 1
        self.free_numbers.append(a)

    def wind_down(self, a: int) -> None:
        """A chat agent takes no new chats and leaves when its last one ends."""
        self._take_out(a)
        self.leaving[a] = True
        self.winding += 1

    def come_back(self, a: int) -> None:
        self.leaving[a] = False
        self.winding -= 1
        self._put(a)

    def set_load(self, a: int, load: int) -> None:
        self._take_out(a)
        self.load[a] = load
        self._put(a)

    def fewest(self, limit: int | None = None) -> tuple[int, int]:
        """(load, agent) of an agent with room holding the fewest, below ``limit``; (−1, −1)
        if none."""
        for load, bucket in enumerate(self.buckets[: self.slots if limit is None else limit]):
            if bucket:
                return load, bucket[-1]
        return -1, -1


def run_contact_replication(
    model: SimModel,
    seed: int,
    replication: int = 0,
    on_interval: Callable[[int], None] | None = None,
) -> RawCounts:
    """Simulate ``model`` once, with every channel kind and bot; see the module docstring."""
    n_intervals = model.n_intervals
    n_types = len(model.types)
    n_pools = len(model.pools)
    dt = model.interval_seconds
    horizon_end = n_intervals * dt
    types = model.types
    busyness = day_factor(model.busyness, seed, replication)
    samplers = [
        t.arrivals.sampler(stream(seed, replication, f"arrivals/{t.name}"), busyness) for t in types
    ]
    handle_rng = [stream(seed, replication, f"handle_time/{t.name}") for t in types]
    patience_rng = [stream(seed, replication, f"patience/{t.name}") for t in types]
    share_rng = [stream(seed, replication, f"bot-share/{t.name}") for t in types]
    retrial_rng = [stream(seed, replication, f"retrial/{t.name}") for t in types]
    bots = [BotStage(spec, seed, replication, n_intervals, dt) for spec in model.bots]

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
    origin_counts = np.zeros((n_intervals, n_types, len(ORIGINS)), dtype=np.int64)
    funnel = np.zeros((n_intervals, len(FUNNEL)), dtype=np.int64)
    engaged_steps: list[list[tuple[float, int]]] = [[(0.0, 0)] for _ in range(n_pools)]
    # (type, joined, answered or inf, in the initial backlog)
    email_records: list[tuple[int, float, float, bool]] = []

    env = simpy.Environment()
    pools = [_Pool(spec.slots) for spec in model.pools]
    present, no_shows = staffing_after_absence(model, seed, replication)
    staffing = [agents.tolist() for agents in present]

    # What each pool may take, in order of priority (then type order): a routed type only
    # from the pools on its route, and from those after the first only once the contact has
    # waited its overflow time (0 for the first).
    def takes(p: int, kinds: list[int]) -> list[tuple[int, int, float]]:
        allowed = []
        for j in kinds:
            kind = types[j]
            if kind.routed and p not in kind.pools:
                continue
            after = kind.overflow_after if kind.routed and kind.pools[0] != p else 0.0
            allowed.append((-kind.priority, j, after))
        return sorted(allowed)

    live_skills = [
        takes(p, [j for j in s.skills if types[j].live]) for p, s in enumerate(model.pools)
    ]
    mail_skills = [
        takes(p, [j for j in s.skills if not types[j].live]) for p, s in enumerate(model.pools)
    ]
    chat_skills = [
        takes(p, [j for j in s.skills if types[j].kind == "chat"])
        for p, s in enumerate(model.pools)
    ]
    handle_factor = [p.handle_time_factor for p in model.pools]
    slowdown = [p.slowdown for p in model.pools]
    queues: list[deque] = [deque() for _ in range(n_types)]

    bot_outages = [
        [i for i in model.incidents if i.kind == "bot_outage" and i.bot == b]
        for b in range(len(model.bots))
    ]
    channel_outages = [i for i in model.incidents if i.kind == "channel_outage"]
    outage_rng = [stream(seed, replication, f"outage/{t.name}") for t in types]
    lost_to_outage = np.zeros((n_intervals, n_types), dtype=np.int64)

    complaints = model.complaints
    desk = complaints.desk if complaints is not None else -1
    complaint_rng = stream(seed, replication, "complaints")
    complaint_from_rng = stream(seed, replication, "complaints/from")
    complaint_sampler = (
        complaints.arrivals.sampler(stream(seed, replication, "complaints/arrivals"), busyness)
        if complaints is not None and complaints.arrivals is not None
        else None
    )
    # Per complaint: arrived, level, category, response due, resolution due, responded,
    # resolved (inf until then).
    complaint_log: list[list] = []
    desk_tasks: list[tuple[float, int, int, int, float]] = []  # due, seq, complaint, stage, handle

    # Resolved contacts not yet folded into the tallies.
    answered: list[tuple[int, float, int, float, float]] = []  # cell, wait, pool, start, handle
    busy_outside: list[tuple[int, float, float]] = []  # pool, start, end: outside the horizon
    abandoned: list[tuple[int, float, float]] = []  # cell, joined, left

    # -- contacts joining ---------------------------------------------------------------

    stream_time: list[float] = [math.inf]  # contacts known in advance, in order of joining
    stream_contact: list[list] = []
    position = 0
    loaded = 0
    future: list[tuple[float, int, int, int, float, int]] = []  # bot contacts not yet due
    future_seq = 0

    def new_contact(t: float, j: int, handle: float, deadline: float, origin: int, cust: int):
        k = int(t // dt) if t >= 0 else -1
        if 0 <= k < n_intervals:
            origin_counts[k, j, origin] += 1
        return [t, j, deadline, handle, origin, cust, WAITING]

    def customers_of(k: int, j: int, times: np.ndarray) -> np.ndarray:
        """Count interval ``k``'s customers of type ``j``; their funnel interval."""
        counted = k >= 0
        if counted:
            funnel[k, INQUIRIES] += len(times)
        return np.full(len(times), k if counted else -1, dtype=np.int64)

    def load() -> None:
        """Sample the next interval's customers, pass the bots' share through their bots,
        and append every contact that joins in the interval to the stream."""
        nonlocal loaded, future_seq
        k = loaded
        loaded += 1
        last = k == n_intervals
        joins: list[tuple[float, int, int, float, int]] = []  # time, type, origin, factor, cust
        if not last:
            offered_to: list[list[tuple[np.ndarray, int, np.ndarray]]] = [[] for _ in bots]
            for j, kind in enumerate(types):
                arrivals = samplers[j](k)
                if k == 0 and kind.backlog:
                    joins.extend(_backlog_joins(kind.backlog, kind.backlog_received_over, j))
                if not len(arrivals):
                    continue
                cust = customers_of(k, j, arrivals)
                direct = np.ones(len(arrivals), dtype=bool)
                if kind.bot is not None:
                    spec = model.bots[kind.bot]
                    to_bot = share_rng[j].random(len(arrivals)) < spec.share
                    for incident in bot_outages[kind.bot]:
                        # The bot is down: its inquiries go straight to people.
                        to_bot &= ~((arrivals >= incident.start) & (arrivals < incident.end))
                    direct = ~to_bot
                    offered_to[kind.bot].append((arrivals[to_bot], j, cust[to_bot]))
                joins.extend(
                    zip(
                        arrivals[direct].tolist(),
                        [j] * int(direct.sum()),
                        [FIRST] * int(direct.sum()),
                        [1.0] * int(direct.sum()),
                        cust[direct].tolist(),
                        strict=True,
                    )
                )
            if complaint_sampler is not None:
                for t in complaint_sampler(k).tolist():
                    Timeout(env, max(0.0, t - env.now), t).callbacks.append(on_complaint)
            for b, pieces in enumerate(offered_to):
                if not pieces:
                    continue
                times = np.concatenate([p[0] for p in pieces])
                kinds = np.concatenate([np.full(len(p[0]), p[1]) for p in pieces])
                custs = np.concatenate([p[2] for p in pieces])
                order = np.argsort(times, kind="stable")
                times, kinds, custs = times[order], kinds[order], custs[order]
                out = bots[b].run(k, times, kinds)
                for i in out.turned_away.tolist():
                    joins.append((float(times[i]), int(kinds[i]), FIRST, 1.0, int(custs[i])))
                for column, which in (
                    (RESOLVED_BY_BOT, out.resolved_customers),
                    (LOST, out.lost_customers),
                ):
                    counted = custs[which]
                    counted = counted[counted >= 0]
                    np.add.at(funnel[:, column], counted, 1)
                for t, j, origin, factor, i in zip(
                    out.time.tolist(),
                    out.kind.tolist(),
                    out.origin.tolist(),
                    out.factor.tolist(),
                    out.customer.tolist(),
                    strict=True,
                ):
                    future_seq += 1
                    future.append((t, future_seq, j, origin, factor, int(custs[i])))
            future.sort()
        # Bot contacts due in this interval (all that remain, after the last).
        until = math.inf if last else (k + 1) * dt
        due = 0
        while due < len(future) and future[due][0] < until:
            t, _, j, origin, factor, cust = future[due]
            joins.append((t, j, origin, factor, cust))
            due += 1
        del future[:due]
        if channel_outages:
            joins = [moved for item in joins if (moved := outage(item)) is not None]
        if not joins:
            return
        joins.sort(key=lambda item: item[0])
        by_type: list[list[int]] = [[] for _ in range(n_types)]
        for i, item in enumerate(joins):
            by_type[item[1]].append(i)
        contacts: list = [None] * len(joins)
        for j, members in enumerate(by_type):
            if not members:
                continue
            kind = types[j]
            n = len(members)
            handle = kind.handle_time.sample(handle_rng[j], n)
            at = np.array([joins[i][0] for i in members])
            if kind.patience is None:
                deadline = np.full(n, math.inf)
            else:
                deadline = at + kind.patience.sample(patience_rng[j], n)
            factor = np.array([joins[i][3] for i in members])
            for i, h, d in zip(members, (handle * factor).tolist(), deadline.tolist(), strict=True):
                t, _, origin, _, cust = joins[i]
                contacts[i] = new_contact(t, j, h, d, origin, cust)
        stream_time.pop()
        stream_time.extend(item[0] for item in joins)
        stream_time.append(math.inf)
        stream_contact.extend(contacts)

    def outage(item: tuple) -> tuple | None:
        """A contact joining a channel that is down moves to another channel (the first type
        of a ``shift_to`` channel, by its shares) or is lost; others pass unchanged."""
        t, j = item[0], item[1]
        for incident in channel_outages:
            if j in incident.types and incident.active(t):
                u = outage_rng[j].random()
                for target, share in incident.shift_to:
                    if u < share:
                        return (t, target, *item[2:])
                    u -= share
                if item[4] >= 0:
                    funnel[item[4], LOST] += 1
                lost_to_outage[min(int(t // dt), n_intervals - 1), j] += 1
                return None
        return item

    def _backlog_joins(count: int, over: float, j: int):
        """Mail waiting at the start: received evenly over ``over`` before it."""
        times = -over * (np.arange(count, 0, -1) - 0.5) / count if over > 0 else np.zeros(count)
        return [(float(t), j, FIRST, 1.0, -1) for t in times]

    # -- agents ----------------------------------------------------------------------------

    def presence(p: int, now: float) -> None:
        rec.presence[p].append((now, pools[p].present))

    def engaged_change(p: int, now: float, delta: int) -> None:
        pool = pools[p]
        pool.engaged += delta
        engaged_steps[p].append((now, pool.engaged))

    def start(p: int, a: int, contact: list, now: float) -> None:
        pool = pools[p]
        j = contact[TYPE]
        contact[STATE] = SERVED
        kind = types[j]
        held = pool.load[a]
        handle = contact[HANDLE] * handle_factor[p]
        if kind.kind == "chat":
            if held and slowdown[p]:
                handle *= 1.0 + slowdown[p] * held
            if held == 0 and pool.slots > 1:
                engaged_change(p, now, 1)
            pool.set_load(a, held + 1)
        else:
            # A call or an e-mail takes the agent whole: all its slots are busy.
            pool.whole[a] = True
            pool.set_load(a, pool.slots)
            for _ in range(pool.slots - 1 if kind.live else pool.slots):
                busy_outside.append((p, now, now + handle))
        if kind.live:
            joined = contact[JOIN]
            k = int(joined // dt) if joined >= 0 else -1
            if 0 <= k < n_intervals:
                answered.append((k * n_types + j, now - joined, p, now, handle))
            else:
                busy_outside.append((p, now, now + handle))
            if contact[CUSTOMER] >= 0:
                funnel[contact[CUSTOMER], ANSWERED] += 1
        Timeout(env, handle, (p, a, contact)).callbacks.append(on_done)

    def oldest(skills: list[tuple[int, int, float]], now: float) -> list | None:
        """The next contact for an agent taking ``skills`` (``takes``' list): of the highest
        priority with one waiting, the longest-waiting (abandoned ones dropped on the way).
        A contact that has not yet waited its overflow time for this pool is not there yet;
        queues are in order of joining, so its head decides for the whole queue."""
        best = None
        best_rank = None
        for rank, j, after in skills:
            if best is not None and rank > best_rank:
                break  # every type from here on has a lower priority
            queue = queues[j]
            while queue and queue[0][STATE] != WAITING:
                queue.popleft()
            if not queue:
                continue
            head = queue[0]
            if after and now - head[JOIN] < after:
                continue
            if best is None or head[JOIN] < best[JOIN]:
                best, best_rank = head, rank
        if best is not None:
            queues[best[TYPE]].popleft()
        return best

    def dispatch(p: int, a: int, now: float) -> None:
        """Agent ``a`` of pool ``p`` may have room: give it waiting work, or let it leave."""
        pool = pools[p]
        if pool.load[a] == 0 and (pool.leaving[a] or pool.excess):
            # Staffing dropped while it was busy: it leaves now, as the phone engine's do.
            if not pool.leaving[a]:
                pool.excess -= 1
            pool.remove_agent(a)
            presence(p, now)
            return
        if p == desk:
            if pool.load[a] == 0 and desk_tasks:
                start_task(a, heapq.heappop(desk_tasks), now)
            return
        while not pool.leaving[a] and pool.load[a] < pool.slots:
            # An agent holding chats can only take another chat.
            contact = oldest(live_skills[p] if pool.load[a] == 0 else chat_skills[p], now)
            if contact is None:
                break
            start(p, a, contact, now)
        if pool.load[a] == 0 and not pool.leaving[a]:
            contact = oldest(mail_skills[p], now)
            if contact is not None:
                start(p, a, contact, now)

    def on_done(event: Timeout) -> None:
        p, a, contact = event._value
        now = env.now
        pool = pools[p]
        share = complaints.from_types[contact[TYPE]] if complaints is not None else 0.0
        # An answered customer may turn the contact into a complaint.
        if share and complaint_from_rng.random() < share:
            new_complaint(now)
        if pool.whole[a]:
            pool.whole[a] = False
            pool.set_load(a, 0)
            if not types[contact[TYPE]].live:
                email_records.append((contact[TYPE], contact[JOIN], now, contact[CUSTOMER] < 0))
                if contact[CUSTOMER] >= 0:
                    funnel[contact[CUSTOMER], ANSWERED] += 1
        else:
            load = pool.load[a] - 1
            pool.set_load(a, load)
            if load == 0 and pool.slots > 1:
                engaged_change(p, now, -1)
        ingest(now)
        dispatch(p, a, now)

    # -- complaints: the desk works first responses and resolutions earliest-deadline-first --

    def on_complaint(event: Timeout) -> None:
        new_complaint(env.now)

    def new_complaint(now: float) -> None:
        level = int(complaint_rng.choice(len(complaints.levels), p=complaints.level_shares))
        category = int(
            complaint_rng.choice(len(complaints.categories), p=complaints.category_shares)
        )
        index = len(complaint_log)
        complaint_log.append(
            [
                now,
                level,
                category,
                complaints.due(level, "response", now),
                complaints.due(level, "resolution", now),
                math.inf,
                math.inf,
            ]
        )
        handle = float(complaints.response_time.sample(complaint_rng, 1)[0])
        desk_join((complaint_log[index][3], index * 2, index, 0, handle), now)

    def desk_join(task: tuple, now: float) -> None:
        _, a = pools[desk].fewest(limit=1)
        if a >= 0:
            start_task(a, task, now)
        else:
            heapq.heappush(desk_tasks, task)

    def start_task(a: int, task: tuple, now: float) -> None:
        pool = pools[desk]
        handle = task[4] * handle_factor[desk]
        pool.whole[a] = True
        pool.set_load(a, pool.slots)
        busy_outside.append((desk, now, now + handle))
        Timeout(env, handle, (a, task)).callbacks.append(on_task_done)

    def on_task_done(event: Timeout) -> None:
        a, (_, _, index, stage, _) = event._value
        now = env.now
        record = complaint_log[index]
        if stage == 0:
            record[5] = now
            delay = float(complaints.resolution_delay.sample(complaint_rng, 1)[0])
            handle = float(complaints.resolution_time.sample(complaint_rng, 1)[0])
            task = (record[4], index * 2 + 1, index, 1, handle)
            Timeout(env, delay, task).callbacks.append(lambda e: desk_join(e._value, env.now))
        else:
            record[6] = now
        pool = pools[desk]
        pool.whole[a] = False
        pool.set_load(a, 0)
        dispatch(desk, a, now)

    # -- contacts arriving, waiting, abandoning ----------------------------------------------

    def route(contact: list, now: float) -> None:
        """A contact joins: to the skilled agent with room holding the fewest, or its queue."""
        j = contact[TYPE]
        kind = types[j]
        best_p, best_a, best_load = -1, -1, math.inf
        # A routed type waits its overflow time before pools after its first may take it.
        pools_now = kind.pools[:1] if kind.routed and kind.overflow_after > 0 else kind.pools
        for p in pools_now:
            pool = pools[p]
            if kind.kind == "chat":
                load, a = pool.fewest()
            else:
                load, a = pool.fewest(limit=1)  # a call or mail needs an agent holding nothing
            if a >= 0 and load < best_load:
                best_p, best_a, best_load = p, a, load
                if load == 0:
                    break
        if best_a >= 0:
            start(best_p, best_a, contact, now)
            return
        queues[j].append(contact)
        if contact[DEADLINE] < math.inf:
            Timeout(env, contact[DEADLINE] - now, contact).callbacks.append(on_patience)
        if len(pools_now) < len(kind.pools) and now + kind.overflow_after < contact[DEADLINE]:
            Timeout(env, kind.overflow_after, contact).callbacks.append(on_overflow)

    def on_overflow(event: Timeout) -> None:
        """A routed contact has waited its overflow time: the later pools on its route may
        take it now, if one of their agents is free."""
        contact = event._value
        if contact[STATE] != WAITING:
            return
        kind = types[contact[TYPE]]
        now = env.now
        for p in kind.pools[1:]:
            pool = pools[p]
            load, a = pool.fewest() if kind.kind == "chat" else pool.fewest(limit=1)
            if a >= 0:
                # Out of its queue: it is served now (the queue drops it as not waiting).
                start(p, a, contact, now)
                return

    def on_patience(event: Timeout) -> None:
        contact = event._value
        if contact[STATE] != WAITING:
            return
        contact[STATE] = ABANDONED
        now = env.now
        j = contact[TYPE]
        joined = contact[JOIN]
        k = int(joined // dt) if joined >= 0 else -1
        if 0 <= k < n_intervals:
            abandoned.append((k * n_types + j, joined, now))
        kind = types[j]
        rng = retrial_rng[j]
        if kind.retrial_probability and rng.random() < kind.retrial_probability:
            delay = float(kind.retrial_delay.sample(rng, 1)[0])
            handle = float(kind.handle_time.sample(rng, 1)[0])
            patience = float(kind.patience.sample(rng, 1)[0]) if kind.patience else math.inf
            retry = new_contact(
                now + delay, j, handle, now + delay + patience, RETRIAL, contact[CUSTOMER]
            )
            Timeout(env, delay, retry).callbacks.append(on_retry)
        elif contact[CUSTOMER] >= 0:
            funnel[contact[CUSTOMER], LOST] += 1

    def on_retry(event: Timeout) -> None:
        contact = event._value
        if channel_outages:
            moved = outage((contact[JOIN], contact[TYPE], 0, 0, contact[CUSTOMER]))
            if moved is None:
                return
            contact[TYPE] = moved[1]
        route(contact, env.now)

    def ingest(now: float) -> None:
        """Contacts of the stream due by ``now`` join, in order."""
        nonlocal position
        while stream_time[position] <= now:
            contact = stream_contact[position]
            position += 1
            route(contact, now)

    join_pending = False

    def arm() -> None:
        """Make sure the next contact of the stream has its join event."""
        nonlocal join_pending
        if join_pending:
            return
        while stream_time[position] == math.inf and loaded <= n_intervals:
            load()  # later intervals (and, last, what joins after the horizon)
        due = stream_time[position]
        if due < math.inf:
            join_pending = True
            Timeout(env, max(0.0, due - env.now)).callbacks.append(on_join)

    def on_join(_event: Timeout) -> None:
        nonlocal join_pending
        join_pending = False
        ingest(env.now)
        compact()
        arm()

    def compact() -> None:
        """Forget the stream's contacts that have joined."""
        nonlocal position
        if position >= FLUSH_EVERY:
            del stream_time[:position], stream_contact[:position]
            position = 0

    # -- staffing ------------------------------------------------------------------------------

    def restaff(p: int, wanted: int, now: float) -> None:
        pool = pools[p]
        if wanted > pool.staying:
            need = wanted - pool.staying
            # Departures not yet made are called off before anyone new comes.
            back = min(pool.excess, need)
            pool.excess -= back
            need -= back
            for a, leaving in enumerate(pool.leaving):
                if not need:
                    break
                if leaving and pool.alive[a]:
                    pool.come_back(a)
                    need -= 1
                    dispatch(p, a, now)
            for _ in range(need):
                a = pool.add_agent()
                presence(p, now)
                dispatch(p, a, now)
        elif wanted < pool.staying:
            drop = pool.staying - wanted
            while drop:
                _, a = pool.fewest(limit=1)
                if a < 0:
                    break
                pool.remove_agent(a)  # idle: leaves at once
                presence(p, now)
                drop -= 1
            if pool.slots == 1:
                pool.excess += drop
            elif drop:
                # The agents holding the fewest chats wind down.
                busy = sorted(
                    (pool.load[a], a)
                    for a in range(len(pool.load))
                    if pool.alive[a] and not pool.leaving[a] and not pool.whole[a]
                )
                for _, a in busy[:drop]:
                    pool.wind_down(a)

    def fold() -> None:
        if answered:
            cell, wait, pool, begin, handle = (np.array(c) for c in zip(*answered, strict=True))
            order = np.argsort(begin, kind="stable")
            rec.add_answered(
                cell[order].astype(np.int64),
                wait[order],
                pool[order].astype(np.int64),
                begin[order],
                handle[order],
            )
            answered.clear()
        if busy_outside:
            pool, begin, end = (np.array(c) for c in zip(*busy_outside, strict=True))
            rec.add_busy(pool.astype(np.int64), begin, end)
            busy_outside.clear()
        if abandoned:
            cell, joined, left = (np.array(c) for c in zip(*abandoned, strict=True))
            rec.add_abandoned(cell.astype(np.int64), joined, left)
            abandoned.clear()

    def on_interval_start(event: Timeout) -> None:
        k = event._value
        now = env.now
        while loaded < min(k + 2, n_intervals):
            load()
        ingest(now)
        if len(answered) + len(abandoned) + len(busy_outside) >= FLUSH_EVERY:
            fold()
        for p in range(n_pools):
            restaff(p, staffing[p][k], now)
        if on_interval is not None:
            on_interval(k)
        if k + 1 < n_intervals:
            Timeout(env, (k + 1) * dt - now, k + 1).callbacks.append(on_interval_start)
        arm()

    Timeout(env, 0.0, 0).callbacks.append(on_interval_start)
    env.run()

    # Nothing is left to happen: contacts still waiting (no patience, nobody to answer) and
    # mail not answered stay open.
    still: list[tuple[int, float]] = []
    for j, queue in enumerate(queues):
        for contact in queue:
            if contact[STATE] != WAITING:
                continue
            if contact[CUSTOMER] >= 0:
                funnel[contact[CUSTOMER], STILL_OPEN] += 1
            joined = contact[JOIN]
            k = int(joined // dt) if joined >= 0 else -1
            if types[j].live and 0 <= k < n_intervals:
                still.append((k * n_types + j, joined))
            elif not types[j].live:
                email_records.append((j, joined, math.inf, contact[CUSTOMER] < 0))
    fold()
    if still:
        cell, joined = (np.array(c) for c in zip(*still, strict=True))
        rec.add_waiting_forever(cell.astype(np.int64), joined)
    counts = rec.result()
    counts.no_shows = no_shows
    counts.offered = origin_counts.sum(axis=2)
    counts.origin = origin_counts
    counts.funnel = funnel
    counts.engaged_seconds = np.stack(
        [_step_integral(steps, rec.edges) for steps in engaged_steps], axis=1
    )
    counts.email = _email_tallies(email_records, model, horizon_end)
    counts.lost_to_outage = lost_to_outage
    counts.complaints = (
        np.array(complaint_log, dtype=float).reshape(-1, 7) if complaints is not None else None
    )
    counts.bots = np.stack([_bot_array(stage.tallies) for stage in bots], axis=1) if bots else None
    return counts


def _bot_array(tallies) -> np.ndarray:
    return np.stack(
        [
            tallies.sessions,
            tallies.resolved,
            tallies.escalated,
            tallies.bounced,
            tallies.turned_away,
            tallies.session_seconds,
        ],
        axis=1,
    ).astype(float)


def _step_integral(steps: list[tuple[float, int]], edges: np.ndarray) -> np.ndarray:
    from .recorder import _step_integral as integral

    return integral(steps, edges)


def _email_tallies(records, model: SimModel, horizon_end: float) -> np.ndarray | None:
    """[interval, type, EMAIL]: mail arrived, answered (by the interval the reply was sent),
    answered within the deadline, open at the interval's end, and the oldest open one's age
    then (NaN when none is open)."""
    mail = [j for j, t in enumerate(model.types) if not t.live]
    if not mail:
        return None
    n = model.n_intervals
    dt = model.interval_seconds
    out = np.zeros((n, len(model.types), len(EMAIL)))
    out[:, :, 4] = np.nan
    ends = (np.arange(n) + 1) * dt
    for j in mail:
        mine = [(joined, done, initial) for kind, joined, done, initial in records if kind == j]
        if not mine:
            out[:, j, 3] = 0
            continue
        joined = np.array([m[0] for m in mine])
        done = np.array([m[1] for m in mine])
        initial = np.array([m[2] for m in mine])
        deadline = model.types[j].deadline_seconds or math.inf
        arrived_in = np.floor(joined / dt).astype(np.int64)
        ok = ~initial & (joined >= 0) & (arrived_in < n)
        out[:, j, 0] = np.bincount(arrived_in[ok], minlength=n)[:n]
        answered_in = np.floor(np.where(np.isfinite(done), done, -1) / dt).astype(np.int64)
        sent = np.isfinite(done) & (answered_in >= 0) & (answered_in < n)
        out[:, j, 1] = np.bincount(answered_in[sent], minlength=n)[:n]
        within = sent & (done <= joined + deadline)
        out[:, j, 2] = np.bincount(answered_in[within], minlength=n)[:n]
        order = np.argsort(joined, kind="stable")
        joined, done = joined[order], done[order]
        received = np.searchsorted(joined, ends, side="right")
        replied = np.searchsorted(np.sort(done), ends, side="right")
        out[:, j, 3] = received - replied
        # The oldest message open at each end: in order received, the first not answered by
        # then (one answered by an end is answered by every later end, so the search only
        # moves forward).
        first = 0
        for k, end in enumerate(ends):
            while first < len(joined) and done[first] <= end:
                first += 1
            if first < len(joined) and joined[first] <= end:
                out[k, j, 4] = end - joined[first]
    return out
