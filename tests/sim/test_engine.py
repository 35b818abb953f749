"""The simulator against exact queueing results and an independent replay.

Statistical comparisons use the replications' own confidence interval: the exact value
must lie within the 99.9 % Student-t interval around the simulated mean (fixed seeds, so
the outcome is deterministic; the width comes from the run, not from trial and error).
"""

from __future__ import annotations

import heapq
import math
from datetime import datetime, timedelta

import numpy as np
import pytest
from scipy import stats

from sim import Scenario, simulate
from sim.arrivals import poisson_arrivals
from sim.erlang import erlang_a, erlang_c, erlang_c_service_level
from sim.model import SimModel
from sim.streams import stream

AHT = 240.0


def stationary(
    agents,
    rate_per_hour,
    patience=None,
    hours=4.0,
    warmup_hours=1.0,
    handle=None,
    interval="15min",
) -> Scenario:
    """A single-pool, single-type scenario with constant (or listed) rate and agents."""
    channel = {} if patience is None else {"patience": {"dist": "exponential", "mean": patience}}
    start = datetime(2026, 11, 11)
    end = start + timedelta(hours=warmup_hours + hours)
    return Scenario.from_dict(
        {
            "name": "stationary",
            "horizon": {
                "start": f"{start:%Y-%m-%d %H:%M}",
                "end": f"{end:%Y-%m-%d %H:%M}",
                "interval": interval,
            },
            "warmup": f"{warmup_hours:g}h",
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {"phone": channel},
            "inquiry_types": {
                "general": {
                    "channel": "phone",
                    "arrivals": {"rate_per_hour": rate_per_hour},
                    "handle_time": handle or {"dist": "exponential", "mean": AHT},
                }
            },
            "pools": {"agents": {"skills": ["general"], "agents": agents}},
        }
    )


PROPORTIONS = {"p_wait", "service_level", "abandon_rate", "occupancy"}


def assert_within_ci(summary: dict, metric: str, exact: float, replications: int) -> None:
    value = summary[metric]
    mean = value["mean"]
    low, high = value["ci95"]
    # Widen the run's own 95 % interval to 99.9 %; add float round-off for zero-width cases.
    scale = stats.t.ppf(0.9995, replications - 1) / stats.t.ppf(0.975, replications - 1)
    half = (high - low) / 2 * scale + 1e-9
    if metric in PROPORTIONS:
        # A proportion whose rarer outcome is expected fewer than 100 times in the whole
        # run is not resolved by it (such outcomes come in bursts, so even the replications'
        # spread understates the error); there the run can only bound it to 100 / n.
        n = summary["answered"]["mean"] * replications
        if n * min(exact, 1 - exact) < 100:
            half = max(half, 100 / n)
    assert abs(mean - exact) <= half, (
        f"{metric}: simulated {mean:.5f} ± {half:.5f} (99.9 %), exact {exact:.5f}"
    )


def run_length_hours(agents: int, rho: float) -> tuple[float, float]:
    """Warm-up and counted hours long enough for the queue to forget its empty start.

    Near ρ = 1 the waiting line relaxes like an M/M/1 queue with service rate Nμ, on a time
    scale τ = AHT / (N (1 − √ρ)²); warm up for 4τ and count 20τ per replication.
    """
    tau_hours = AHT / (agents * (1 - math.sqrt(min(rho, 0.999))) ** 2) / 3600
    return max(1.0, math.ceil(4 * tau_hours)), max(2.0, math.ceil(20 * tau_hours))


# (agents, utilisation): light, medium and heavy load at 10, 100 and 1,000 agents.
ERLANG_C_CASES = [
    (10, 0.5),
    (10, 0.7),
    (10, 0.85),
    (100, 0.8),
    (100, 0.9),
    (100, 0.95),
    (1000, 0.93),
    (1000, 0.97),
    (1000, 0.98),
]


@pytest.mark.parametrize(("agents", "rho"), ERLANG_C_CASES)
def test_matches_erlang_c(agents, rho):
    load = agents * rho
    rate = load * 3600 / AHT
    reps = 10
    warmup, hours = run_length_hours(agents, rho)
    scenario = stationary(agents, rate, hours=hours, warmup_hours=warmup, interval="1h")
    result = simulate(scenario, seed=11, replications=reps)
    s = result.summary
    assert s["abandoned"]["mean"] == 0
    assert_within_ci(s, "p_wait", erlang_c(agents, load), reps)
    assert_within_ci(s, "service_level", erlang_c_service_level(agents, load, AHT, 20), reps)
    asa = erlang_c(agents, load) * AHT / (agents - load)
    assert_within_ci(s, "asa_seconds", asa, reps)
    assert_within_ci(s, "occupancy", rho, reps)


# (agents, utilisation of offered load): under-, critically and over-loaded with abandonment.
ERLANG_A_CASES = [
    (10, 0.6),
    (10, 1.0),
    (10, 1.3),
    (100, 0.8),
    (100, 1.0),
    (100, 1.2),
    (1000, 0.95),
    (1000, 1.0),
    (1000, 1.1),
]


@pytest.mark.parametrize(("agents", "rho"), ERLANG_A_CASES)
def test_matches_erlang_a(agents, rho):
    patience = 180.0
    rate = agents * rho * 3600 / AHT
    reps = 10
    # Abandonment makes the queue forget its start within a few patience times.
    hours = 24 if agents == 10 else (8 if agents == 100 else 2)
    scenario = stationary(agents, rate, patience, hours=hours, interval="1h")
    result = simulate(scenario, seed=5, replications=reps)
    exact = erlang_a(agents, rate, AHT, patience, 20)
    s = result.summary
    assert_within_ci(s, "p_wait", exact.p_wait, reps)
    assert_within_ci(s, "abandon_rate", exact.p_abandon, reps)
    assert_within_ci(s, "service_level", exact.service_level, reps)
    assert_within_ci(s, "asa_seconds", exact.asa_seconds, reps)
    assert_within_ci(s, "occupancy", exact.occupancy, reps)


def replay_fcfs(arrivals, handles, patience, agents):
    """Independent FCFS multi-server queue with abandonment, customer by customer.

    Under FCFS with a fixed number of agents, customer i starts at max(aᵢ, earliest free
    agent) unless that wait reaches its patience, in which case it leaves and takes no agent.
    """
    free = [0.0] * agents
    waits, answered = [], []
    for a, h, p in zip(arrivals, handles, patience, strict=True):
        start = max(a, free[0])
        wait = start - a
        if wait >= p:
            waits.append(p)
            answered.append(False)
            continue
        heapq.heapreplace(free, start + h)
        waits.append(wait)
        answered.append(True)
    return np.array(waits), np.array(answered)


@pytest.mark.parametrize(("agents", "rate"), [(1, 12.0), (7, 110.0), (40, 700.0)])
def test_engine_equals_customer_by_customer_replay(agents, rate):
    """Same draws, same answer: lazy abandonment and lazy arrivals change nothing."""
    scenario = stationary(agents, rate, patience=150.0, hours=6, warmup_hours=0)
    model = SimModel.from_scenario(scenario)
    seed = 9
    result = simulate(scenario, seed=seed)
    kind = model.types[0]
    arr_rng = stream(seed, 0, "arrivals/general")
    hand_rng = stream(seed, 0, "handle_time/general")
    pat_rng = stream(seed, 0, "patience/general")
    arrivals, handles, patience, interval = [], [], [], []
    for k in range(model.n_intervals):
        times = poisson_arrivals(arr_rng, kind.rate_per_second[k], k * 900.0, 900.0)
        arrivals.append(times)
        handles.append(kind.handle_time.sample(hand_rng, len(times)))
        patience.append(kind.patience.sample(pat_rng, len(times)))
        interval.append(np.full(len(times), k))
    waits, answered = replay_fcfs(
        np.concatenate(arrivals), np.concatenate(handles), np.concatenate(patience), agents
    )
    interval = np.concatenate(interval)
    table = result.intervals
    expected_answered = np.bincount(interval[answered], minlength=model.n_intervals)
    expected_abandoned = np.bincount(interval[~answered], minlength=model.n_intervals)
    np.testing.assert_array_equal(table["answered"], expected_answered)
    np.testing.assert_array_equal(table["abandoned"], expected_abandoned)
    wait_sum = np.bincount(interval[answered], weights=waits[answered], minlength=model.n_intervals)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected_asa = wait_sum / expected_answered
    np.testing.assert_allclose(table["asa_seconds"], expected_asa, rtol=1e-9, atol=1e-9)


def test_conservation_every_interval_and_type():
    scenario = Scenario.from_yaml("scenarios/double11_launch.yaml")
    result = simulate(scenario, seed=3, replications=2)
    for run in result.runs:
        np.testing.assert_array_equal(run.offered, run.answered + run.abandoned + run.still_open)
        assert run.answered_within.sum() <= run.answered.sum()
    table = result.types
    np.testing.assert_allclose(
        table["offered"], table["answered"] + table["abandoned"] + table["still_open"]
    )


def test_same_seed_identical_and_different_seed_differs():
    scenario = Scenario.from_yaml("scenarios/weekday.yaml")
    first = simulate(scenario, seed=21, replications=2)
    again = simulate(scenario, seed=21, replications=2, workers=2)
    other = simulate(scenario, seed=22, replications=2)
    assert first.intervals.equals(again.intervals)
    assert first.summary == again.summary
    assert not first.intervals.equals(other.intervals)


def test_staffing_drop_mid_day_shows_in_intervals():
    agents = [12] * 16 + [6] * 16  # half the agents leave at 04:00
    scenario = stationary(agents, 2.0 * 3600 / AHT * 5, patience=120.0, hours=7, warmup_hours=1)
    table = simulate(scenario, seed=1, replications=4).intervals
    before = table[table["interval_start"] < "2026-11-11 04:00"]
    after = table[table["interval_start"] >= "2026-11-11 04:30"]
    assert set(before["agents"]) == {12} and set(after["agents"]) == {6}
    # 10 Erlangs offered: fine with 12 agents, overloaded with 6.
    assert before["service_level"].mean() > 0.6
    assert after["service_level"].mean() < 0.3
    assert after["abandon_rate"].mean() > before["abandon_rate"].mean() + 0.2
    assert after["occupancy"].mean() > before["occupancy"].mean() + 0.05


def test_agents_finish_their_inquiry_when_staffing_drops():
    # Traffic only in the first interval, 10-minute calls, then nobody is scheduled.
    rates = [40.0] + [0.0] * 7
    agents = [20] + [0] * 7
    scenario = stationary(
        agents,
        rates,
        hours=2,
        warmup_hours=0,
        handle={"dist": "deterministic", "value": "10min"},
    )
    result = simulate(scenario, seed=4)
    run = result.runs[0]
    assert run.offered.sum() > 0
    assert run.answered.sum() == run.offered.sum()  # nobody cut off mid-inquiry
    # Busy time spills into the second interval although no agent is scheduled there.
    assert run.busy_seconds[1].sum() > 0
    # ...and those agents count as available while they finish (equal up to round-off).
    assert run.available_seconds[1].sum() == pytest.approx(run.busy_seconds[1].sum(), rel=1e-9)


def test_inquiries_nobody_can_answer_stay_open_without_patience():
    agents = [3] * 4 + [0] * 4
    scenario = stationary(agents, 200.0, hours=2, warmup_hours=0)  # no patience
    run = simulate(scenario, seed=2).runs[0]
    assert run.still_open.sum() > 0
    np.testing.assert_array_equal(run.offered, run.answered + run.abandoned + run.still_open)


def test_generalists_take_what_specialists_cannot():
    data = {
        "name": "skills",
        "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-11 04:00", "interval": "15min"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}, "chat": {}},
        "inquiry_types": {
            "phone_q": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": 60},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            },
            "chat_q": {
                "channel": "chat",
                "arrivals": {"rate_per_hour": 60},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            },
        },
        "pools": {
            "phone_only": {"skills": ["phone_q"], "agents": 8},
            "both": {"skills": ["phone_q", "chat_q"], "agents": 8},
        },
    }
    result = simulate(Scenario.from_dict(data), seed=8)
    run = result.runs[0]
    assert run.answered[:, 1].sum() == run.offered[:, 1].sum()
    pools = result.pools.groupby("pool")["answered"].sum()
    # Specialists are offered phone inquiries first, so the generalists mostly take chat.
    assert pools["phone_only"] > 0.8 * run.answered[:, 0].sum()
    assert pools["both"] >= run.answered[:, 1].sum()


def test_light_traffic_waits_are_zero_and_percentiles_ordered():
    result = simulate(stationary(50, 60.0, patience=300.0, hours=2), seed=3)
    table = result.intervals.dropna(subset=["service_level"])
    assert (table["wait_p50_seconds"] <= table["wait_p90_seconds"]).all()
    assert math.isclose(result.summary["service_level"], 1.0)


def test_number_in_system_matches_erlang_a():
    """By PASTA, P(L ≥ N) is the delay probability; E[L] follows from Little's law."""
    agents, patience = 20, 180.0
    rate = agents * 0.95 * 3600 / AHT
    result = simulate(
        stationary(agents, rate, patience, hours=40, interval="1h"), seed=2, replications=8
    )
    exact = erlang_a(agents, rate, AHT, patience, 20)
    warm = 60  # samples are one minute apart; drop the warm-up hour
    per_rep = np.array([run.in_system[warm:, 0] for run in result.runs], dtype=float)
    reps = len(per_rep)
    t = stats.t.ppf(0.9995, reps - 1)

    def check(values, expected):
        mean, half = values.mean(), t * values.std(ddof=1) / math.sqrt(reps)
        assert abs(mean - expected) <= half, (mean, half, expected)

    check((per_rep >= agents).mean(axis=1), exact.p_wait)
    lam = rate / 3600
    little = lam * ((1 - exact.p_abandon) * AHT + exact.mean_wait_seconds)
    check(per_rep.mean(axis=1), little)
