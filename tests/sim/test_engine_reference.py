"""The engine against a plain reference simulation of the same queues on the same draws.

The reference is written for clarity, not speed: a heap of events, a queue per inquiry type
holding the waiting inquiries, an abandonment timer per inquiry with patience, an event
for every arrival. The engine keeps none of these (queues are indices, abandonment is
checked at the head, arrivals need an event only while an agent is idle and not even
then when the outcome is certain), so agreement on every count, pool and interval checks
that its shortcuts change no outcome. Sums of seconds agree up to round-off, counts exactly.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import Scenario, simulate
from sim.arrivals import poisson_arrivals
from sim.model import SimModel
from sim.recorder import SAMPLE_SECONDS, RawCounts
from sim.streams import stream

INTERVAL = 900.0

# Event kinds in the order the reference handles simultaneous events (which, with
# continuous draws, only an interval start and a staffing change can share).
INTERVAL_START, COMPLETION, ARRIVAL, PATIENCE_ENDS = range(4)


def draws(model: SimModel, seed: int) -> list[tuple[float, int, float, float, int]]:
    """(arrival, type, handle time, deadline, interval) of every inquiry, from the engine's
    streams sampled the way the scenario defines them: per interval and type."""
    inquiries = []
    for j, kind in enumerate(model.types):
        arrivals = stream(seed, 0, f"arrivals/{kind.name}")
        handles = stream(seed, 0, f"handle_time/{kind.name}")
        patience = stream(seed, 0, f"patience/{kind.name}")
        for k in range(model.n_intervals):
            times = poisson_arrivals(arrivals, kind.rate_per_second[k], k * INTERVAL, INTERVAL)
            if len(times) == 0:
                continue
            handle = kind.handle_time.sample(handles, len(times))
            if kind.patience is None:
                deadline = np.full(len(times), math.inf)
            else:
                deadline = times + kind.patience.sample(patience, len(times))
            inquiries += [(t, j, h, d, k) for t, h, d in zip(times, handle, deadline, strict=True)]
    return inquiries


def reference_run(model: SimModel, seed: int) -> dict[str, np.ndarray]:
    """Simulate ``model`` event by event; tallies shaped like the engine's ``RawCounts``."""
    n_k, n_j, n_p = model.n_intervals, len(model.types), len(model.pools)
    inquiries = draws(model, seed)
    skills = [pool.skills for pool in model.pools]
    staffing = [pool.agents for pool in model.pools]
    idle, present, target = [0] * n_p, [0] * n_p, [0] * n_p
    presence = [[(0.0, 0)] for _ in range(n_p)]
    queues = [deque() for _ in range(n_j)]
    waiting: set[int] = set()
    outcome: dict[int, tuple] = {}  # inquiry → ("answered", start, pool) or ("abandoned",)
    events: list = []
    order = itertools.count()

    def push(time: float, kind: int, payload) -> None:
        heapq.heappush(events, (time, kind, next(order), payload))

    def start(i: int, p: int, now: float) -> None:
        waiting.discard(i)
        idle[p] -= 1
        outcome[i] = ("answered", now, p)
        push(now + inquiries[i][2], COMPLETION, p)

    def take_work(p: int, now: float) -> None:
        while idle[p]:
            heads = [(inquiries[queues[j][0]][0], j) for j in skills[p] if queues[j]]
            if not heads:
                return
            _, j = min(heads)  # the oldest; on a tie, the skill listed first
            start(queues[j].popleft(), p, now)

    for i, (arrival, *_) in enumerate(inquiries):
        push(arrival, ARRIVAL, i)
    for k in range(n_k):
        push(k * INTERVAL, INTERVAL_START, k)
    while events:
        now, kind, _, payload = heapq.heappop(events)
        if kind == INTERVAL_START:
            for p in range(n_p):
                target[p] = int(staffing[p][payload])
                if target[p] > present[p]:
                    idle[p] += target[p] - present[p]
                    present[p] = target[p]
                    presence[p].append((now, present[p]))
                    take_work(p, now)
                elif target[p] < present[p] and idle[p]:
                    leaving = min(idle[p], present[p] - target[p])
                    idle[p] -= leaving
                    present[p] -= leaving
                    presence[p].append((now, present[p]))
        elif kind == ARRIVAL:
            i = payload
            _, j, _, deadline, _ = inquiries[i]
            free = [p for p in model.types[j].pools if idle[p]]
            if free:
                start(i, free[0], now)  # pools are listed specialists first
            else:
                queues[j].append(i)
                waiting.add(i)
                if deadline < math.inf:
                    push(deadline, PATIENCE_ENDS, i)
        elif kind == COMPLETION:
            p = payload
            if present[p] > target[p]:
                present[p] -= 1
                presence[p].append((now, present[p]))
            else:
                idle[p] += 1
                take_work(p, now)
        elif payload in waiting:  # patience ran out while it waited
            i = payload
            waiting.discard(i)
            queues[inquiries[i][1]].remove(i)
            outcome[i] = ("abandoned",)
    return _tallies(model, inquiries, outcome, presence)


def _tallies(model, inquiries, outcome, presence) -> dict[str, np.ndarray]:
    n_k, n_j, n_p = model.n_intervals, len(model.types), len(model.pools)
    edges = np.arange(n_k + 1) * INTERVAL
    n_samples = math.ceil(n_k * INTERVAL / SAMPLE_SECONDS)
    out = {
        name: np.zeros((n_k, n_j), dtype=np.int64)
        for name in ("answered", "abandoned", "still_open", "answered_within", "waited_1ns")
    }
    out["wait_seconds"] = np.zeros((n_k, n_j))
    out["pool_answered"] = np.zeros((n_k, n_p), dtype=np.int64)
    out["busy_seconds"] = np.zeros((n_k, n_p))
    out["in_system"] = np.zeros((n_samples, n_p), dtype=np.int64)

    def sample(t: float) -> int:
        """The first observation of the number in system at or after time ``t``."""
        return n_samples if t == math.inf else min(math.ceil(t / SAMPLE_SECONDS), n_samples)

    for i, (arrival, j, handle, deadline, k) in enumerate(inquiries):
        state = outcome.get(i, ("open",))
        if state[0] == "answered":
            _, begin, p = state
            wait = begin - arrival
            out["answered"][k, j] += 1
            out["answered_within"][k, j] += wait <= model.answer_within_seconds
            out["waited_1ns"][k, j] += wait >= 1e-9
            out["wait_seconds"][k, j] += wait
            out["pool_answered"][k, p] += 1
            end = begin + handle
            overlap = np.minimum(edges[1:], end) - np.maximum(edges[:-1], begin)
            out["busy_seconds"][:, p] += np.maximum(overlap, 0.0)
            left = end
        elif state[0] == "abandoned":
            out["abandoned"][k, j] += 1
            p, left = model.types[j].pools[0], deadline
        else:
            out["still_open"][k, j] += 1
            p, left = model.types[j].pools[0], math.inf
        out["in_system"][sample(arrival) : sample(left), p] += 1
    available = np.zeros((n_k, n_p))
    for p, steps in enumerate(presence):
        for (t0, agents), (t1, _) in zip(steps, [*steps[1:], (math.inf, 0)], strict=True):
            overlap = np.minimum(edges[1:], t1) - np.maximum(edges[:-1], t0)
            available[:, p] += agents * np.maximum(overlap, 0.0)
    out["available_seconds"] = available
    return out


def assert_same_outcomes(scenario: Scenario, seed: int) -> RawCounts:
    """Check the engine's tallies for ``scenario`` against the reference; return them."""
    run = simulate(scenario, seed=seed).runs[0]
    expected = reference_run(SimModel.from_scenario(scenario), seed)
    for name in (
        "answered",
        "abandoned",
        "still_open",
        "answered_within",
        "pool_answered",
        "in_system",
    ):
        np.testing.assert_array_equal(getattr(run, name), expected[name], err_msg=name)
    # An inquiry that finds an agent idle starts at its wake, now + (arrival - now) in
    # floats, which can exceed the arrival by a rounding step: such a wait is > 0 but below
    # the histogram's first edge (1 ns), so the waits compared are those of 1 ns or more.
    waited_1ns = run.answered - run.wait_hist[:, :, 0]
    np.testing.assert_array_equal(waited_1ns, expected["waited_1ns"], err_msg="waited ≥ 1 ns")
    for name in ("wait_seconds", "busy_seconds", "available_seconds"):
        np.testing.assert_allclose(
            getattr(run, name), expected[name], rtol=1e-9, atol=1e-6, err_msg=name
        )
    return run


def scenario(types: dict, pools: dict, hours: int) -> Scenario:
    return Scenario.from_dict(
        {
            "name": "reference",
            "horizon": {
                "start": "2026-11-11 00:00",
                "end": f"2026-11-11 {hours:02d}:00",
                "interval": "15min",
            },
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {
                "phone": {"patience": {"dist": "exponential", "mean": "2min"}},
                "chat": {"patience": {"dist": "lognormal", "mean": "6min", "cv": 0.8}},
                "mail": {},
            },
            "inquiry_types": {
                name: {
                    "channel": channel,
                    "arrivals": {"rate_per_hour": rates},
                    "handle_time": {"dist": "gamma", "mean": f"{aht}s", "cv": 0.7},
                }
                for name, (channel, rates, aht) in types.items()
            },
            "pools": {name: {"skills": s, "agents": agents} for name, (s, agents) in pools.items()},
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_skills_routing_and_staffing_changes(seed):
    """Three types (one without patience) and overlapping pools whose staffing rises, drops
    and goes to zero: specialists first, the oldest waiting inquiry, busy agents finishing."""
    n = 24
    case = scenario(
        {
            "payment": ("phone", [90 + 60 * (k % 4) for k in range(n)], 240),
            "after_sales": ("chat", [40 + 15 * (k % 3) for k in range(n)], 420),
            "refund": ("mail", 25, 300),
        },
        {
            "phones": (["payment"], [6, 9, 3, 0, 8, 5] * 4),
            # Nobody answers refunds in the last hour: those without patience stay open.
            "chats": (["after_sales", "refund"], [4, 2, 6, 3] * 5 + [0] * 4),
            "all": (
                ["refund", "payment", "after_sales"],
                [2, 0, 3, 1, 4, 0] * 3 + [2, 1] + [0] * 4,
            ),
        },
        hours=6,
    )
    run = assert_same_outcomes(case, seed)
    assert run.abandoned.sum() > 0 and run.still_open.sum() > 0


@pytest.mark.parametrize("seed", [4, 5])
def test_one_pool_with_idle_agents_and_boundaries(seed):
    """Many idle agents between busy spells: most arrivals find an agent free, the case in
    which the engine settles arrivals ahead of time rather than with an event each."""
    n = 32
    case = scenario(
        {"general": ("phone", [400 if k % 8 < 3 else 60 for k in range(n)], 240)},
        {"agents": (["general"], [30 if k % 5 else 12 for k in range(n)])},
        hours=8,
    )
    assert_same_outcomes(case, seed)


@settings(max_examples=25, deadline=None)
@given(
    rates=st.lists(st.integers(0, 240), min_size=3, max_size=3),
    skills=st.lists(
        st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True), min_size=1, max_size=3
    ),
    agents=st.lists(st.lists(st.integers(0, 9), min_size=8, max_size=8), min_size=3, max_size=3),
    seed=st.integers(0, 2**16),
)
def test_random_routing_matches_the_reference(rates, skills, agents, seed):
    names = ["payment", "after_sales", "refund"]
    channels = ["phone", "chat", "mail"]
    pools = {f"pool{p}": ([names[j] for j in skill], agents[p]) for p, skill in enumerate(skills)}
    served = {j for skill in skills for j in skill}
    types = {
        names[j]: (channels[j], [rates[j] * (1 + k % 3) for k in range(8)], 180 + 60 * j)
        for j in sorted(served)
    }
    case = scenario(types, pools, hours=2)
    if sum(rates[j] for j in served) == 0:
        return
    assert_same_outcomes(case, seed)
