"""Staffing for busy and quiet days: ``staff(..., confidence=q)`` against the busyness quantile.

Statistical checks compare a share of simulated days with its binomial standard error
(fixed seeds, so the outcome is deterministic; the tolerance comes from the theory).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from optimize.staffing import REQUIREMENT_COLUMNS, staff
from sim import Scenario, ScenarioError, simulate
from sim.erlang import erlang_a

AHT = 360.0
PATIENCE = 240.0


def scenario(rates, warmup: str, busyness: dict | None = None) -> Scenario:
    """One phone type (AHT 6 min, patience 4 min) and one pool, 15-minute intervals."""
    start = pd.Timestamp("2026-11-11 00:00")
    end = start + pd.Timedelta(minutes=15 * len(rates))
    return Scenario.from_dict(
        {
            "name": "busy days",
            "horizon": {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}"},
            "warmup": warmup,
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {"phone": {"patience": {"dist": "exponential", "mean": PATIENCE}}},
            "inquiry_types": {
                "general": {
                    "channel": "phone",
                    "arrivals": {"rate_per_hour": list(rates)},
                    "handle_time": {"dist": "exponential", "mean": AHT},
                }
            },
            "pools": {"agents": {"skills": ["general"], "agents": 10}},
            "busyness": busyness,
        }
    )


# Four counted hours of a sinusoid after a 1 h warm-up: time-varying, so lagged differs.
SINUSOID = np.round(300 + 150 * np.sin(2 * np.pi * (np.arange(20) - 4 + 0.5) / 24), 3)


def scaled(sc: Scenario, factor: float) -> Scenario:
    """The scenario's day with every rate multiplied by ``factor``, and no busyness."""
    data = sc.model_dump()
    data["busyness"] = None
    for kind in data["inquiry_types"].values():
        rate = kind["arrivals"]["rate_per_hour"]
        kind["arrivals"]["rate_per_hour"] = (
            [r * factor for r in rate] if isinstance(rate, (list, tuple)) else rate * factor
        )
    return Scenario.from_dict(data)


def share_of_days_meeting_target(sc: Scenario, agents: np.ndarray, days: int, seed: int) -> float:
    """Share of simulated days whose service level over the counted intervals meets the target.

    Counted here from the raw tallies, and checked against the summary's own count.
    """
    result = simulate(sc, seed=seed, replications=days, staffing={"agents": agents})
    counted = slice(sc.warmup_intervals, None)
    levels = np.array(
        [
            run.answered_within[counted].sum()
            / (run.answered[counted].sum() + run.abandoned[counted].sum())
            for run in result.runs
        ]
    )
    share = float(np.mean(levels >= sc.service_level.target))
    assert result.summary["busyness"]["days_meeting_target"] == pytest.approx(share)
    return share


@pytest.mark.parametrize("method", ["erlang", "lagged", "isa"])
def test_confidence_staffs_every_method_for_the_quantile_day(method):
    cv, q = 0.2, 0.8
    busy = scenario(SINUSOID, "1h", {"dist": "gamma", "cv": cv})
    shape = 1 / cv**2
    b_q = stats.gamma.ppf(q, shape, scale=1 / shape)  # mean 1, sd cv
    at_q = staff(busy, method, confidence=q, seed=2, replications=8)
    fixed_day = staff(scaled(busy, b_q), method, seed=2, replications=8)
    assert at_q.confidence == q and at_q.busyness_factor == pytest.approx(b_q)
    np.testing.assert_array_equal(at_q.table["agents"], fixed_day.table["agents"])
    np.testing.assert_allclose(at_q.table["offered_load"], fixed_day.table["offered_load"])
    np.testing.assert_allclose(at_q.arrival_rate_per_hour, fixed_day.arrival_rate_per_hour)
    assert list(at_q.table.columns) == REQUIREMENT_COLUMNS


@pytest.mark.parametrize("method", ["erlang", "lagged", "isa"])
def test_without_confidence_every_method_staffs_the_mean_day(method):
    # ISA included: its simulations must not draw random days either.
    plain = scenario(SINUSOID, "1h")
    busy = scenario(SINUSOID, "1h", {"dist": "lognormal", "cv": 0.3})
    mean_day = staff(busy, method, seed=2, replications=8)
    assert mean_day.confidence is None and mean_day.busyness_factor == 1.0
    pd.testing.assert_frame_equal(
        mean_day.table, staff(plain, method, seed=2, replications=8).table
    )


def test_confidence_needs_a_busyness_section():
    with pytest.raises(ScenarioError) as info:
        staff(scenario([300] * 4, "0s"), "erlang", confidence=0.9)
    (problem,) = info.value.problems
    assert problem.path == "busyness" and "confidence" in problem.message


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 1.5, float("nan")])
def test_confidence_outside_zero_one_is_refused(confidence):
    busy = scenario([300] * 4, "0s", {"dist": "gamma", "cv": 0.1})
    with pytest.raises(ValueError, match="confidence"):
        staff(busy, "erlang", confidence=confidence)


def break_even_factor(agents: int, rate_per_hour: float) -> float:
    """The busyness factor B* at which ``agents`` just meet the 80 % target (Erlang A)."""

    def margin(factor: float) -> float:
        return erlang_a(agents, rate_per_hour * factor, AHT, PATIENCE, 20.0).service_level - 0.8

    return optimize.brentq(margin, 0.1, 10.0, xtol=1e-9)


def test_staffing_at_confidence_q_meets_the_target_on_a_share_q_of_random_days():
    """On a stationary day the service level at fixed staffing falls as the busyness factor
    B grows, so N agents meet the target on the days with B ≤ B*(N), the factor at which
    they just do: a share F(B*) of days, F being B's distribution function. Erlang staffing
    for B_q gives B* ≥ B_q, so a share of at least q (more, as staffing is rounded up).

    Each simulated day (3 counted hours, ~900 inquiries on the mean day) draws its own B ~
    Gamma(mean 1, cv 0.2). Within-day Poisson noise moves a day's service level by about as
    much as a 6 % change of B would, small next to B's spread of 20 %. The observed share of
    days meeting the target is binomial, so it must lie within 3 standard errors
    √(p(1 − p)/n) of [q, F(B*)]. Mean-day staffing must do clearly worse: its share must
    fall short by more than 3 standard errors of a difference of two shares, taking
    p(1 − p) ≤ ¼ for the mean-day share.
    """
    cv, q, days = 0.2, 0.8, 200
    rate = 300.0  # 30 Erlangs at AHT 6 min
    busy = scenario([rate] * 14, "30min", {"dist": "gamma", "cv": cv})
    at_q = staff(busy, "erlang", confidence=q).agents()["agents"]
    mean_day = staff(busy, "erlang").agents()["agents"]
    assert (at_q > mean_day).all()
    expected = float(busy.busyness.cdf(break_even_factor(int(at_q[0]), rate)))
    assert expected >= q
    # Same seed: both staffings face the same days (common random numbers).
    meets_q = share_of_days_meeting_target(busy, at_q, days, seed=11)
    meets_mean = share_of_days_meeting_target(busy, mean_day, days, seed=11)
    assert meets_q >= q - 3 * math.sqrt(q * (1 - q) / days), (meets_q, q)
    assert meets_q <= expected + 3 * math.sqrt(expected * (1 - expected) / days), (
        meets_q,
        expected,
    )
    assert meets_q - meets_mean > 3 * math.sqrt((q * (1 - q) + 0.25) / days), (
        meets_q,
        meets_mean,
    )
