"""Tests for the exact Erlang B / C / A references in ``sim.erlang``."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, special

from sim.erlang import (
    ErlangA,
    erlang_a,
    erlang_a_agents,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_asa,
    erlang_c_service_level,
)

# --------------------------------------------------------------------------------------------
# Independent oracles
# --------------------------------------------------------------------------------------------


def erlang_b_recursion(max_agents: int, load: float) -> np.ndarray:
    """B(0..max_agents, load) by the classical recursion B(n) = A B(n-1) / (n + A B(n-1))."""
    out = np.empty(max_agents + 1)
    b = 1.0
    out[0] = b
    for n in range(1, max_agents + 1):
        b = load * b / (n + load * b)
        out[n] = b
    return out


def birth_death_oracle(
    agents: int, rate_per_hour: float, aht: float, patience: float, within: float
) -> dict[str, float]:
    """M/M/N+M measures from the truncated birth-death chain plus a tagged-arrival analysis.

    The stationary law pi_n of the number in system uses birth rate lam and death rate
    min(n, N) mu + max(n - N, 0) theta.  By PASTA an arrival sees pi.  An arrival that finds
    j = n - N others queued moves up one place at rate N mu + i theta while i are ahead of it
    and itself abandons at rate theta, so its offered wait V is a sum of exponential phases and
    every service-level convention follows from matrix exponentials of that phase chain.
    """
    lam = rate_per_hour / 3600.0
    mu = 1.0 / aht
    theta = 1.0 / patience
    overload = max(0.0, (lam - agents * mu) / theta)
    queue_cap = int(overload + 40.0 * math.sqrt(lam / theta + 1.0) + 100)
    states = np.arange(1, agents + queue_cap + 1)
    deaths = np.minimum(states, agents) * mu + np.maximum(states - agents, 0) * theta
    log_p = np.concatenate([[0.0], np.cumsum(math.log(lam) - np.log(deaths))])
    p = np.exp(log_p - special.logsumexp(log_p))
    assert p[-1] < 1e-16, "truncation too tight"
    # Drop the negligible tail so the matrix exponentials below stay small.
    p = p[: max(agents + 1, int(np.flatnonzero(p > 1e-18 * p.max())[-1]) + 1)]

    p_free = p[:agents].sum()
    busy = np.minimum(np.arange(p.size), agents)
    p_queue = p[agents:]  # arrival finds j = 0, 1, ... others queued
    j = np.arange(p_queue.size)
    mean_queue = float((j * p_queue).sum())

    progress = agents * mu + j * theta  # rate of moving up while j are ahead
    served_given_j = np.exp(np.cumsum(np.log(progress / (progress + theta))))
    mean_wait_if_served = np.cumsum(1.0 / (progress + theta))

    def phase_survival(rates: np.ndarray, t: float) -> np.ndarray:
        """P(sum of phases i = j..0 with the given exit rates exceeds t), for every j."""
        q = np.diag(-rates) + np.diag(rates[1:], k=-1)
        return linalg.expm(q * t) @ np.ones(rates.size)

    # Competing exponentials: the phase durations do not depend on which event ends them.
    answered_by_t = served_given_j * (1.0 - phase_survival(progress + theta, within))
    offered_wait_exceeds_t = phase_survival(progress, within)

    p_answered = p_free + float((p_queue * served_given_j).sum())
    answered_within = p_free + float((p_queue * answered_by_t).sum())
    p_offered_within = p_free + float((p_queue * (1.0 - offered_wait_exceeds_t)).sum())
    return {
        "p_wait": float(p_queue.sum()),
        "p_abandon": theta * mean_queue / lam,
        "mean_wait": mean_queue / lam,  # Little's law over all arrivals
        "occupancy": float((busy * p).sum()) / agents,
        "p_answered": p_answered,
        "asa": float((p_queue * served_given_j * mean_wait_if_served).sum()) / p_answered,
        "answered_within": answered_within,
        "answered_within_of_answered": answered_within / p_answered,
        "offered_within": p_offered_within,
        "left_queue_within": 1.0 - (1.0 - p_offered_within) * math.exp(-theta * within),
    }


# --------------------------------------------------------------------------------------------
# Published reference values
# --------------------------------------------------------------------------------------------


def test_erlang_c_published_48_erlangs_55_agents() -> None:
    # 360 calls per 30 minutes with AHT 240 s is 48 Erlangs.
    load = 360 / 1800 * 240
    assert load == pytest.approx(48.0)
    assert erlang_c(55, load) == pytest.approx(0.23870, abs=5e-6)
    assert erlang_c_service_level(55, load, 240, 20) == pytest.approx(0.8668, abs=5e-5)
    assert erlang_c_asa(55, load, 240) == pytest.approx(8.184, abs=5e-4)


def test_erlang_c_published_10_erlangs_12_agents() -> None:
    assert erlang_c(12, 10) == pytest.approx(0.44939, abs=5e-6)
    assert erlang_c_service_level(12, 10, 300, 30) == pytest.approx(0.63207, abs=5e-6)


PUBLISHED_A = {"agents": 14, "rate": 200.0, "aht": 180.0, "patience": 300.0, "within": 20.0}


def test_erlang_a_published_100_calls_per_30_min() -> None:
    r = erlang_a(14, 200.0, 180.0, 300.0, 20.0)
    assert r.p_wait == pytest.approx(0.14526, abs=5e-6)
    assert r.p_abandon == pytest.approx(0.013984, abs=5e-7)
    assert r.occupancy == pytest.approx(0.7043, abs=5e-5)
    assert r.service_level == pytest.approx(0.9168, abs=5e-5)


def test_published_erlang_a_service_level_is_answered_within_over_all_arrivals() -> None:
    """0.9168 is P(answered and V <= T); the other common conventions give other numbers."""
    o = birth_death_oracle(14, 200.0, 180.0, 300.0, 20.0)
    assert o["answered_within"] == pytest.approx(0.9168, abs=5e-5)
    # Share of answered inquiries only, and P(min(V, tau) <= T) counting early abandoners.
    assert o["answered_within_of_answered"] == pytest.approx(0.9298, abs=5e-5)
    assert o["left_queue_within"] == pytest.approx(0.9240, abs=5e-5)
    assert o["offered_within"] == pytest.approx(0.9187, abs=5e-5)


# --------------------------------------------------------------------------------------------
# Erlang B
# --------------------------------------------------------------------------------------------

RECURSION_LOADS = [0.0, 0.3, 7.0, 50.0, 150.0, 199.5, 1000.0, 5000.0]


@pytest.mark.parametrize("load", RECURSION_LOADS)
def test_erlang_b_matches_recursion(load: float) -> None:
    expected = erlang_b_recursion(200, load)
    got = erlang_b(np.arange(201), load)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)


def test_erlang_b_broadcasts_over_agents_and_load() -> None:
    agents = np.arange(201)[:, None]
    loads = np.array(RECURSION_LOADS)[None, :]
    got = erlang_b(agents, loads)
    assert got.shape == (201, len(RECURSION_LOADS))
    expected = np.column_stack([erlang_b_recursion(200, a) for a in RECURSION_LOADS])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)


def test_erlang_b_edge_cases() -> None:
    assert erlang_b(0, 0.0) == 1.0
    assert erlang_b(0, 1e4) == 1.0
    assert erlang_b(5, 0.0) == 0.0
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("agents", "load"),
    [(5000, 5000.0), (5000, 4000.0), (3000, 3500.0), (100, 5000.0), (5000, 20000.0), (1, 1e5)],
)
def test_erlang_b_large_against_arbitrary_precision(agents: int, load: float) -> None:
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(40):
        a = mpmath.mpf(load)
        log_pmf = agents * mpmath.log(a) - a - mpmath.loggamma(agents + 1)
        cdf = mpmath.gammainc(agents + 1, a, mpmath.inf, regularized=True)
        expected = float(mpmath.exp(log_pmf) / cdf)
    assert erlang_b(agents, load) == pytest.approx(expected, rel=1e-9)


# --------------------------------------------------------------------------------------------
# Erlang C
# --------------------------------------------------------------------------------------------


def test_erlang_c_from_erlang_b_and_unstable_region() -> None:
    b = erlang_b(20, 15.0)
    assert erlang_c(20, 15.0) == pytest.approx(20 * b / (20 - 15.0 * (1 - b)), rel=1e-12)
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(10, 12.0) == 1.0
    assert erlang_c(0, 0.0) == 1.0
    assert erlang_c(3, 0.0) == 0.0
    assert erlang_c_service_level(10, 10.0, 300, 20) == 0.0
    assert erlang_c_asa(10, 11.0, 300) == math.inf
    assert erlang_c_service_level(12, 10.0, 300, math.inf) == 1.0
    assert erlang_c_service_level(12, 10.0, 300, 0) == pytest.approx(1 - erlang_c(12, 10.0))


def test_vectorised_calls_equal_elementwise_calls() -> None:
    agents = np.array([1, 5, 10, 12, 55, 300, 3000])
    loads = np.array([0.5, 4.0, 10.0, 10.0, 48.0, 280.0, 2950.0])
    ahts = np.array([60.0, 120.0, 180.0, 300.0, 240.0, 200.0, 240.0])
    within = np.array([0.0, 10.0, 20.0, 30.0, 20.0, 15.0, 20.0])
    cases = [
        (erlang_b, (agents, loads)),
        (erlang_c, (agents, loads)),
        (erlang_c_service_level, (agents, loads, ahts, within)),
        (erlang_c_asa, (agents, loads, ahts)),
    ]
    for func, args in cases:
        vectorised = func(*args)
        assert isinstance(vectorised, np.ndarray)
        assert vectorised.shape == agents.shape
        for i in range(agents.size):
            scalar = func(*(int(x[i]) if x is agents else float(x[i]) for x in args))
            assert isinstance(scalar, float)
            assert vectorised[i] == pytest.approx(scalar, rel=1e-14, abs=0.0)


def test_erlang_c_service_level_broadcasts_over_agents() -> None:
    agents = np.arange(49, 70)
    got = erlang_c_service_level(agents, 48.0, 240, 20)
    expected = [erlang_c_service_level(int(n), 48.0, 240, 20) for n in agents]
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("load", "aht", "within", "target"),
    [
        (48.0, 240, 20, 0.8),
        (10.0, 300, 30, 0.8),
        (0.2, 180, 20, 0.95),
        (0.0, 180, 20, 0.5),
        (3.0, 60, 0, 0.99),
        (37.5, 200, 60, 0.999),
        (3000.0, 240, 20, 0.8),
    ],
)
def test_erlang_c_agents_is_the_minimum(
    load: float, aht: float, within: float, target: float
) -> None:
    n = erlang_c_agents(load, aht, within, target)
    assert isinstance(n, int)
    assert n > load
    assert erlang_c_service_level(n, load, aht, within) >= target
    assert n - 1 <= load or erlang_c_service_level(n - 1, load, aht, within) < target


def test_erlang_c_agents_matches_linear_scan() -> None:
    for load in [0.7, 4.2, 17.0, 48.0, 90.3]:
        for target in [0.5, 0.8, 0.95]:
            n = math.floor(load) + 1
            while erlang_c_service_level(n, load, 240, 20) < target:
                n += 1
            assert erlang_c_agents(load, 240, 20, target) == n


def test_erlang_c_agents_published_example() -> None:
    # 48 Erlangs, 20 s: 54 agents give 81.7 % and 55 give 86.7 %.
    assert erlang_c_service_level(54, 48.0, 240, 20) == pytest.approx(0.8172, abs=5e-5)
    assert erlang_c_agents(48.0, 240, 20, 0.8) == 54
    assert erlang_c_agents(48.0, 240, 20, 0.85) == 55


# --------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------

BD_CASES = [
    # agents, rate per hour, AHT s, patience s, T s
    (14, 200.0, 180.0, 300.0, 20.0),
    (1, 30.0, 240.0, 60.0, 20.0),  # two Erlangs on one agent
    (5, 120.0, 300.0, 120.0, 30.0),  # twice overloaded
    (50, 900.0, 180.0, 600.0, 20.0),
    (20, 1200.0, 120.0, 30.0, 10.0),  # twice overloaded, impatient
    (8, 60.0, 240.0, 900.0, 60.0),  # lightly loaded
    (30, 1500.0, 90.0, 45.0, 15.0),  # near critical load
]


@pytest.mark.parametrize(("agents", "rate", "aht", "patience", "within"), BD_CASES)
def test_erlang_a_matches_birth_death_chain(
    agents: int, rate: float, aht: float, patience: float, within: float
) -> None:
    r = erlang_a(agents, rate, aht, patience, within)
    o = birth_death_oracle(agents, rate, aht, patience, within)
    assert r.p_wait == pytest.approx(o["p_wait"], rel=1e-8, abs=1e-12)
    assert r.p_abandon == pytest.approx(o["p_abandon"], rel=1e-8, abs=1e-12)
    assert r.mean_wait_seconds == pytest.approx(o["mean_wait"], rel=1e-8, abs=1e-10)
    assert r.service_level == pytest.approx(o["answered_within"], rel=1e-8, abs=1e-12)
    assert r.asa_seconds == pytest.approx(o["asa"], rel=1e-8, abs=1e-10)
    assert r.occupancy == pytest.approx(o["occupancy"], rel=1e-8)


@pytest.mark.parametrize(
    ("agents", "load"), [(1, 0.5), (12, 10.0), (55, 48.0), (300, 280.0), (3000, 2950.0)]
)
def test_erlang_a_with_huge_patience_is_erlang_c(agents: int, load: float) -> None:
    aht, within = 240.0, 20.0
    rate = load / aht * 3600
    r = erlang_a(agents, rate, aht, 1e9, within)
    assert r.p_wait == pytest.approx(erlang_c(agents, load), rel=1e-6)
    assert r.service_level == pytest.approx(
        erlang_c_service_level(agents, load, aht, within), rel=1e-6
    )
    assert r.asa_seconds == pytest.approx(erlang_c_asa(agents, load, aht), rel=1e-5)
    assert r.mean_wait_seconds == pytest.approx(erlang_c_asa(agents, load, aht), rel=1e-5)
    assert r.p_abandon < 1e-5
    assert r.occupancy == pytest.approx(load / agents, rel=1e-6)


def test_erlang_a_without_abandonment_is_exact_erlang_c() -> None:
    r = erlang_a(55, 720.0, 240.0, math.inf, 20.0)
    assert r.p_wait == erlang_c(55, 48.0)
    assert r.service_level == erlang_c_service_level(55, 48.0, 240.0, 20.0)
    assert r.asa_seconds == pytest.approx(erlang_c_asa(55, 48.0, 240.0), rel=1e-14)
    assert r.p_abandon == 0.0
    overloaded = erlang_a(40, 720.0, 240.0, math.inf, 20.0)
    assert overloaded.p_wait == 1.0
    assert overloaded.service_level == 0.0
    assert overloaded.asa_seconds == math.inf


@pytest.mark.parametrize(("agents", "load"), [(1, 0.5), (3, 5.0), (14, 10.0), (50, 60.0)])
def test_erlang_a_with_vanishing_patience_tends_to_erlang_b(agents: int, load: float) -> None:
    aht = 240.0
    rate = load / aht * 3600
    b = erlang_b(agents, load)
    # Whoever finds all agents busy leaves almost at once: a loss system.  The gap to the limit
    # is first order in the patience, so it must shrink about 100-fold per 100-fold step.
    gaps = []
    for patience in (1e-2, 1e-4, 1e-6):
        r = erlang_a(agents, rate, aht, patience, 20.0)
        assert r.p_abandon == pytest.approx(r.p_wait, rel=10 * patience)
        assert r.service_level == pytest.approx(1 - b, rel=10 * patience)
        assert r.mean_wait_seconds <= patience
        gaps.append(abs(r.p_wait - b) / b)
    assert gaps[2] < 1e-6
    assert gaps[1] < 0.02 * gaps[0]
    assert gaps[2] < 0.02 * gaps[1]
    exact = erlang_a(agents, rate, aht, 0.0, 20.0)
    assert exact.p_wait == pytest.approx(b, rel=1e-12)
    assert exact.p_abandon == exact.p_wait
    assert exact.service_level == pytest.approx(1 - b, rel=1e-12)


def test_erlang_a_no_arrivals_and_single_agent() -> None:
    idle = erlang_a(3, 0.0, 240.0, 60.0, 20.0)
    assert (idle.p_wait, idle.p_abandon, idle.service_level, idle.occupancy) == (0, 0, 1, 0)
    one = erlang_a(1, 3600.0, 240.0, 60.0, 20.0)  # 240 Erlangs on one agent
    o = birth_death_oracle(1, 3600.0, 240.0, 60.0, 20.0)
    assert one.p_abandon == pytest.approx(o["p_abandon"], rel=1e-8)
    assert one.occupancy == pytest.approx(o["occupancy"], rel=1e-8)
    assert 0 < one.service_level < 0.01


@pytest.mark.parametrize("patience", [1e4, 1e6, 1e9, 1e12])
def test_erlang_a_overloaded_with_rare_abandonment_follows_flow_balance(patience: float) -> None:
    # 150 Erlangs on 100 agents: every agent is always busy, so answered flow equals N mu and
    # exactly a third of the arrivals must abandon; answered inquiries wait about
    # patience * ln(lam / (N mu)), where the queue's abandonment balances the excess arrivals.
    r = erlang_a(100, 150 / 240 * 3600, 240.0, patience, 20.0)
    assert r.p_wait == 1.0
    assert r.p_abandon == pytest.approx(1 / 3, rel=1e-12)
    assert r.occupancy == pytest.approx(1.0, abs=1e-12)
    assert r.mean_wait_seconds == pytest.approx(patience / 3, rel=1e-12)
    assert r.asa_seconds == pytest.approx(patience * math.log(1.5), rel=1e-2 * 1e4 / patience)
    assert r.service_level < 1e-100


def test_erlang_a_result_is_frozen() -> None:
    r = erlang_a(14, 200.0, 180.0, 300.0, 20.0)
    assert isinstance(r, ErlangA)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.p_wait = 0.0  # type: ignore[misc]


def test_erlang_a_agents_is_the_minimum() -> None:
    for rate, aht, patience, within, target in [
        (200.0, 180.0, 300.0, 20.0, 0.8),
        (200.0, 180.0, 300.0, 20.0, 0.95),
        (30.0, 240.0, 60.0, 20.0, 0.5),
        (1200.0, 120.0, 30.0, 10.0, 0.9),
        (45000.0, 240.0, 180.0, 20.0, 0.8),
    ]:
        n = erlang_a_agents(rate, aht, patience, within, target)
        assert isinstance(n, int)
        assert erlang_a(n, rate, aht, patience, within).service_level >= target
        assert n == 1 or erlang_a(n - 1, rate, aht, patience, within).service_level < target


def test_erlang_a_agents_matches_linear_scan() -> None:
    for target in [0.3, 0.8, 0.9, 0.99]:
        n = 1
        while erlang_a(n, 200.0, 180.0, 300.0, 20.0).service_level < target:
            n += 1
        assert erlang_a_agents(200.0, 180.0, 300.0, 20.0, target) == n


# --------------------------------------------------------------------------------------------
# Numerical robustness
# --------------------------------------------------------------------------------------------


def test_stable_at_5000_agents_without_warnings() -> None:
    agents = np.arange(0, 5001)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        for load in [10.0, 2500.0, 4999.5, 5000.0, 6000.0, 20000.0]:
            for values in (
                erlang_b(agents, load),
                erlang_c(agents, load),
                erlang_c_service_level(agents, load, 240.0, 20.0),
            ):
                assert np.all(np.isfinite(values))
                assert np.all((values >= 0) & (values <= 1))
        for rate in [4000 * 15.0, 5000 * 15.0, 5100 * 15.0, 6000 * 15.0, 20000 * 15.0]:
            for patience in [1e-2, 180.0, 1e9]:
                r = erlang_a(5000, rate, 240.0, patience, 20.0)
                for p in (r.p_wait, r.p_abandon, r.service_level, r.occupancy):
                    assert 0.0 <= p <= 1.0
                assert math.isfinite(r.asa_seconds)
                assert math.isfinite(r.mean_wait_seconds)
        assert erlang_c_agents(4500.0, 240.0, 20.0, 0.9) > 4500


def test_erlang_a_at_5000_agents_agrees_with_erlang_c_limit() -> None:
    # A = 4950 Erlangs on 5000 agents; with patience 1e9 s almost nobody abandons.
    r = erlang_a(5000, 4950 * 15.0, 240.0, 1e9, 20.0)
    assert r.p_wait == pytest.approx(erlang_c(5000, 4950.0), rel=1e-6)
    assert r.service_level == pytest.approx(
        erlang_c_service_level(5000, 4950.0, 240.0, 20.0), rel=1e-6
    )


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    agents=st.integers(min_value=1, max_value=400),
    load_ratio=st.floats(min_value=0.05, max_value=3.0),
    aht=st.floats(min_value=30.0, max_value=900.0),
    patience=st.one_of(st.floats(min_value=1.0, max_value=3600.0), st.just(math.inf)),
    within=st.floats(min_value=0.0, max_value=120.0),
)
def test_erlang_a_service_level_non_decreasing_in_agents(
    agents: int, load_ratio: float, aht: float, patience: float, within: float
) -> None:
    rate = agents * load_ratio / aht * 3600
    here = erlang_a(agents, rate, aht, patience, within)
    more = erlang_a(agents + 1, rate, aht, patience, within)
    assert more.service_level >= here.service_level - 1e-12
    assert more.p_abandon <= here.p_abandon + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    load=st.floats(min_value=0.0, max_value=3000.0),
    aht=st.floats(min_value=30.0, max_value=900.0),
    within=st.floats(min_value=0.0, max_value=120.0),
)
def test_erlang_c_service_level_non_decreasing_in_agents(
    load: float, aht: float, within: float
) -> None:
    lowest = math.floor(load)
    agents = np.arange(lowest, lowest + 200)
    sl = erlang_c_service_level(agents, load, aht, within)
    assert np.all(np.diff(sl) >= -1e-12)


# --------------------------------------------------------------------------------------------
# Argument validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: erlang_b(-1, 5.0), "agents"),
        (lambda: erlang_b(2.5, 1.0), "agents"),
        (lambda: erlang_b(5, -1.0), "load"),
        (lambda: erlang_b(5, math.nan), "load"),
        (lambda: erlang_c(np.array([3, -2]), 1.0), "agents"),
        (lambda: erlang_c(3, math.inf), "load"),
        (lambda: erlang_c_service_level(5, 3.0, 0.0, 20), "aht_seconds"),
        (lambda: erlang_c_service_level(5, 3.0, 100.0, -1), "answer_within_seconds"),
        (lambda: erlang_c_asa(5, 3.0, -5.0), "aht_seconds"),
        (lambda: erlang_c_agents(10.0, 300, 20, 1.0), "target"),
        (lambda: erlang_c_agents(10.0, 300, 20, 0.0), "target"),
        (lambda: erlang_c_agents(-1.0, 300, 20, 0.8), "load"),
        (lambda: erlang_c_agents(10.0, 300, -20, 0.8), "answer_within_seconds"),
        (lambda: erlang_a(0, 200.0, 180.0, 300.0, 20.0), "agents"),
        (lambda: erlang_a(2.5, 200.0, 180.0, 300.0, 20.0), "agents"),
        (lambda: erlang_a(3, -1.0, 180.0, 300.0, 20.0), "rate_per_hour"),
        (lambda: erlang_a(3, 200.0, 0.0, 300.0, 20.0), "aht_seconds"),
        (lambda: erlang_a(3, 200.0, 180.0, -1.0, 20.0), "patience_seconds"),
        (lambda: erlang_a(3, 200.0, 180.0, 300.0, -1.0), "answer_within_seconds"),
        (lambda: erlang_a_agents(200.0, 180.0, 300.0, 20.0, 1.5), "target"),
        (lambda: erlang_a_agents(200.0, 180.0, math.nan, 20.0, 0.8), "patience_seconds"),
    ],
)
def test_invalid_arguments_raise_value_error_naming_the_argument(call, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()
