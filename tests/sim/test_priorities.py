"""Priorities, routes with overflow, slower staff and absenteeism, against exact results.

Cobham (1954): in an M/M/N queue with non-preemptive priority classes k = 1 (highest) … K,
equal service rates and FCFS within a class, the mean wait of class k is
W_k = C(N, A) / (Nμ (1 − σ_{k−1})(1 − σ_k)), σ_k = Σ_{i≤k} λ_i / (Nμ), C Erlang C's P(wait).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim import Scenario, ScenarioError, simulate
from sim.erlang import erlang_c

AHT = 240.0


def day(types: dict, pools: dict, hours: int = 24, warmup: str = "2h", channels=None):
    end = f"2026-11-{11 + hours // 24:02d} {hours % 24:02d}:00"
    return Scenario.from_dict(
        {
            "name": "priorities",
            "horizon": {"start": "2026-11-11 00:00", "end": end, "interval": "1h"},
            "warmup": warmup,
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": channels or {"phone": {}},
            "inquiry_types": types,
            "pools": pools,
        }
    )


def calls(rate: float, **extra) -> dict:
    return {
        "channel": "phone",
        "arrivals": {"rate_per_hour": rate},
        "handle_time": {"dist": "exponential", "mean": f"{AHT:g}s"},
        **extra,
    }


def per_type_waits(result, name: str) -> np.ndarray:
    """Each replication's mean wait of the type's answered calls over the counted hours."""
    j = [t.name for t in result.model.types].index(name)
    w = result.model.warmup_intervals
    return np.array(
        [run.wait_seconds[w:, j].sum() / run.answered[w:, j].sum() for run in result.runs]
    )


def assert_mean_near(values: np.ndarray, exact: float) -> None:
    """``exact`` inside the replications' 99.9 % Student-t interval."""
    half = stats.t.ppf(0.9995, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    assert abs(values.mean() - exact) <= half, (values.mean(), half, exact)


def test_two_priority_classes_follow_cobham():
    agents, vip_rate, regular_rate = 10, 50.0, 85.0
    mu = 1 / AHT
    s = day(
        {"vip": calls(vip_rate, priority=1), "regular": calls(regular_rate)},
        {"agents": {"skills": ["vip", "regular"], "agents": agents}},
        hours=48,
    )
    reps = 12
    result = simulate(s, seed=31, replications=reps)
    total = (vip_rate + regular_rate) / 3600
    load = total / mu
    c = erlang_c(agents, load)
    sigma1 = vip_rate / 3600 / (agents * mu)
    sigma2 = total / (agents * mu)
    w_vip = c / (agents * mu * (1 - 0) * (1 - sigma1))
    w_regular = c / (agents * mu * (1 - sigma1) * (1 - sigma2))
    vip, regular = per_type_waits(result, "vip"), per_type_waits(result, "regular")
    assert_mean_near(vip, w_vip)
    assert_mean_near(regular, w_regular)
    # The λ-weighted mean is FCFS's Erlang C wait, C / (Nμ − λ).
    weighted = (vip_rate * w_vip + regular_rate * w_regular) / (vip_rate + regular_rate)
    assert weighted == pytest.approx(c / (agents * mu - total), rel=1e-12)
    assert_mean_near(
        (vip_rate * vip + regular_rate * regular) / (vip_rate + regular_rate), weighted
    )


def test_vip_waits_less_than_the_rest_under_the_same_load():
    types = {"vip": calls(60.0, priority=5), "regular": calls(60.0)}
    result = simulate(
        day(types, {"agents": {"skills": ["vip", "regular"], "agents": 9}}), seed=3, replications=6
    )
    vip, regular = per_type_waits(result, "vip"), per_type_waits(result, "regular")
    assert vip.max() < regular.min()


def test_overflow_waits_exactly_its_time_when_the_first_pool_is_empty():
    """Nobody in the first pool: every call waits its overflow time, then the second pool,
    idle, takes it at once — no call is answered sooner, none later."""
    types = {"payment": calls(40.0, route=["primary", "backup"], overflow_after="2min")}
    pools = {
        "primary": {"skills": ["payment"], "agents": 0},
        "backup": {"skills": ["payment"], "agents": 30},
    }
    result = simulate(day(types, pools), seed=5)
    table = result.pools_by_type
    backup = table[table["pool"] == "backup"]
    assert backup["answered"].sum() == result.intervals["answered"].sum() > 0
    np.testing.assert_allclose(backup["asa_seconds"].dropna(), 120.0, atol=1e-6)
    assert result.types["wait_p50_seconds"].dropna().between(119, 121).all()


def test_the_backup_pool_answers_nothing_that_waited_less_than_the_overflow_time():
    types = {"payment": calls(160.0, route=["primary", "backup"], overflow_after="90s")}
    pools = {
        "primary": {"skills": ["payment"], "agents": 10},
        "backup": {"skills": ["payment"], "agents": 4},
    }
    result = simulate(day(types, pools), seed=9, replications=3)
    j, p = 0, 1
    w = result.model.warmup_intervals
    for run in result.runs:
        answered = run.pool_type_answered[w:, p, j].sum()
        assert answered > 0  # the primary pool is short: the backup does take calls
        assert run.pool_type_wait_seconds[w:, p, j].sum() / answered >= 90.0
    # A pool not on the route never answers the type, skilled or not.
    pools["bystander"] = {"skills": ["payment"], "agents": 5}
    bystander = simulate(day(types, pools), seed=9).pools_by_type
    assert "bystander" not in set(bystander["pool"])


def test_pooling_two_skills_is_never_worse_than_separate_pools():
    separate = day(
        {"a": calls(120.0), "b": calls(120.0)},
        {"pool_a": {"skills": ["a"], "agents": 10}, "pool_b": {"skills": ["b"], "agents": 10}},
    )
    pooled = day(
        {"a": calls(120.0), "b": calls(120.0)},
        {"both": {"skills": ["a", "b"], "agents": 20}},
    )
    reps = 6
    apart = simulate(separate, seed=2, replications=reps).summary
    together = simulate(pooled, seed=2, replications=reps).summary
    assert together["asa_seconds"]["ci95"][1] < apart["asa_seconds"]["ci95"][0]
    assert together["p_wait"]["mean"] < apart["p_wait"]["mean"]
    # Theory agrees: M/M/20 at 16 Erlangs waits less than two M/M/10 at 8.
    assert erlang_c(20, 16.0) < erlang_c(10, 8.0)


def test_slower_staff_take_longer_by_their_factor():
    """A pool at handle_time_factor 1.3 is an Erlang C queue with 1.3 × the handle time."""
    agents, rate, factor = 12, 120.0, 1.3
    s = day(
        {"payment": calls(rate)},
        {"temps": {"skills": ["payment"], "agents": agents, "handle_time_factor": factor}},
        hours=48,
    )
    reps = 8
    result = simulate(s, seed=4, replications=reps)
    load = rate * AHT * factor / 3600
    w = result.model.warmup_intervals
    busy = np.array([run.busy_seconds[w:].sum() / run.answered[w:].sum() for run in result.runs])
    assert_mean_near(busy, AHT * factor)
    waited = np.array(
        [
            (run.answered_waited[w:].sum() + run.abandoned[w:].sum()) / run.offered[w:].sum()
            for run in result.runs
        ]
    )
    assert_mean_near(waited, erlang_c(agents, load))


def test_absenteeism_draws_binomial_no_shows_each_day():
    heads, rate = 40, 0.1
    s = day(
        {"payment": calls(30.0)},
        {"agents": {"skills": ["payment"], "agents": heads, "absenteeism": rate}},
        hours=48,
        warmup="0s",
    )
    reps = 300
    result = simulate(s, seed=12, replications=reps)
    drawn = np.array(result.summary["absenteeism"]["agents"]["no_shows_per_day"]).ravel()
    n = drawn.size  # two days per replication, independent
    mean, var = heads * rate, heads * rate * (1 - rate)
    assert abs(drawn.mean() - mean) <= 4 * math.sqrt(var / n)
    low, high = stats.chi2.ppf([0.0005, 0.9995], n - 1) / (n - 1)
    assert low <= drawn.var(ddof=1) / var <= high
    # The agents present follow: each day's agent-time is (heads − no-shows) × 24 h.
    for run in result.runs:
        available = run.available_seconds[:, 0].reshape(2, 24).sum(axis=1)
        np.testing.assert_allclose(available, (heads - run.no_shows[0]) * 86400.0)


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        ({"route": ["nowhere"]}, "inquiry_types.payment.route[0]", "unknown pool 'nowhere'"),
        ({"route": ["other"]}, "inquiry_types.payment.route[0]", "does not answer 'payment'"),
        ({"overflow_after": "60s"}, "inquiry_types.payment.overflow_after", "needs route"),
        ({"priority": 1.5}, "inquiry_types.payment.priority", "must be"),
        ({"route": ["agents", "agents"]}, "inquiry_types.payment.route", "names a pool twice"),
    ],
)
def test_bad_routes_and_priorities_are_named(change, where, words):
    data = {
        "name": "bad",
        "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {"payment": calls(50.0, **change), "refund": calls(10.0)},
        "pools": {
            "agents": {"skills": ["payment", "refund"], "agents": 5},
            "other": {"skills": ["refund"], "agents": 2},
        },
    }
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, source="bad.yaml")
    lines = info.value.lines()
    assert any(line.startswith(f"bad.yaml: {where}:") and words in line for line in lines), lines
