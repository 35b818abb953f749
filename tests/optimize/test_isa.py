"""ISA: the control-variate tail estimate, the infinite-server count it leans on, and the
service-level correction for intervals where the load moves within the interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from optimize.staffing import staff
from optimize.staffing.isa import (
    InSystemSamples,
    pool_service_levels,
    staffing_for_interval,
    staffing_from_samples,
    tail_probability,
    unlimited_means,
)
from sim import Scenario, simulate
from sim.model import SimModel

AHT = 360.0


def scenario(rates, warmup="1h", patience=240.0, handle=None):
    start = pd.Timestamp("2026-11-10 23:00")
    end = start + pd.Timedelta(minutes=15 * len(rates))
    return Scenario.from_dict(
        {
            "name": "isa test",
            "horizon": {
                "start": f"{start:%Y-%m-%d %H:%M}",
                "end": f"{end:%Y-%m-%d %H:%M}",
                "interval": "15min",
            },
            "warmup": warmup,
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {"phone": {"patience": {"dist": "exponential", "mean": patience}}},
            "inquiry_types": {
                "general": {
                    "channel": "phone",
                    "arrivals": {"rate_per_hour": list(rates)},
                    "handle_time": handle or {"dist": "exponential", "mean": AHT},
                }
            },
            "pools": {"agents": {"skills": ["general"], "agents": 10}},
        }
    )


def test_unlimited_count_is_poisson_with_the_exact_time_varying_mean():
    """M_t/G/∞ with Poisson arrivals: the count at t is Poisson(m(t)), m by convolution."""
    rates = [200, 900, 1500, 600, 300, 1200, 100, 800]
    handle = {"dist": "lognormal", "mean": "5min", "cv": 1.5}
    model = SimModel.from_scenario(scenario(rates, handle=handle))
    result = simulate(model, seed=11, replications=400)
    counts = np.stack([run.unlimited_in_system[:, 0] for run in result.runs]).astype(float)
    means = unlimited_means(model)[:, 0]
    reps = counts.shape[0]
    checked = means > 1.0
    z = (counts.mean(axis=0) - means)[checked] / np.sqrt(means[checked] / reps)
    # 118 instants, each mean within 4 standard errors (all together: a chance of ~1e-2).
    assert np.abs(z).max() < 4.0, np.abs(z).max()
    # Poisson: variance equals mean. The sample variance over 400 replications has a relative
    # sd of about sqrt(2/399) ≈ 0.07; averaged over the instants the ratio must be ≈ 1.
    ratio = counts.var(axis=0, ddof=1)[checked] / means[checked]
    assert ratio.mean() == pytest.approx(1.0, abs=0.05)


def test_tail_of_a_shifted_poisson_is_exact():
    """If L = N + 3 exactly, P(L ≥ s) is the Poisson tail at s − 3 whatever the samples."""
    rng = np.random.default_rng(3)
    mean = np.full(15, 80.0)
    unlimited = rng.poisson(mean, size=(8, 15))
    tail = tail_probability(InSystemSamples(unlimited + 3, unlimited, mean))
    for s in (70, 80, 83, 95, 110):
        assert tail(s) == pytest.approx(stats.poisson.sf(s - 4, 80.0), abs=1e-9)
    for alpha in (0.1, 0.5, 0.9):
        expected = 3 + int(stats.poisson.ppf(1 - alpha, 80.0)) + 1
        got = staffing_for_interval(InSystemSamples(unlimited + 3, unlimited, mean), alpha)
        assert got == expected, (alpha, got, expected)


def test_control_variate_cuts_the_spread_of_the_staffing_estimate():
    """A stationary 120-Erlang queue simulated 256 times: staffing estimates from 16
    replications vary far less with the control than from raw quantiles, and centre on the
    level that all 256 replications give."""
    rate, agents = 1200.0, 128
    sc = scenario([rate] * 10, warmup="30min")
    model = SimModel.from_scenario(sc, {"agents": np.full(10, agents)})
    result = simulate(model, seed=21, replications=256)
    observed = np.stack([run.in_system[:, 0] for run in result.runs])
    unlimited = np.stack([run.unlimited_in_system[:, 0] for run in result.runs])
    means = unlimited_means(model)[:, 0]
    alpha = 0.5
    truth = staffing_from_samples(observed[:, 30:].ravel(), alpha)  # stationary after 30 min
    raw, controlled = [], []
    for first in range(0, 256, 16):
        reps = slice(first, first + 16)
        for k in range(2, 10):
            instants = slice(15 * k, 15 * (k + 1))
            mine = InSystemSamples(
                observed[reps, instants], unlimited[reps, instants], means[instants]
            )
            raw.append(staffing_from_samples(mine.observed.ravel(), alpha))
            controlled.append(staffing_for_interval(mine, alpha))
    raw, controlled = np.array(raw), np.array(controlled)
    # 128 estimates each: the sds are known to ~6 %, the mean of the controlled ones to ±0.1.
    assert controlled.std() < raw.std() / 2, (controlled.std(), raw.std())
    assert abs(controlled.mean() - truth) <= 0.5, (controlled.mean(), truth)


def test_no_routed_traffic_falls_back_to_the_observed_law():
    """A pool with no traffic routed to it first (N ≡ 0) is staffed from what it observed."""
    rng = np.random.default_rng(9)
    observed = rng.poisson(40, size=(64, 15))
    samples = InSystemSamples(observed, np.zeros_like(observed), np.zeros(15))
    for alpha in (0.2, 0.5, 0.8):
        raw = staffing_from_samples(observed.ravel(), alpha)
        assert abs(staffing_for_interval(samples, alpha) - raw) <= 1, alpha
    assert staffing_for_interval(samples, 1.0) == 0


def test_isa_converges_and_is_time_stable_on_a_small_sinusoid():
    t = (np.arange(4 + 24 * 4) - 4 + 0.5) * 0.25
    rates = np.round(240 + 120 * np.sin(2 * np.pi * t / 12.0), 3)
    sc = scenario(rates)
    isa = staff(sc, "isa", seed=5, replications=16)
    assert isa.converged
    assert isa.iterations["max_change"].iloc[-1] <= 1
    erlang = staff(sc, "erlang")
    # Judged with 64 fresh replications: an interval's service level then has sd ≈ 0.03 from
    # noise alone, so "≥ target − 0.05" is about 1.7 sd.
    check = simulate(sc, seed=77, replications=64, staffing=isa.agents()).intervals
    level = check["service_level"]
    assert (level >= 0.75).mean() >= 0.9
    assert level.std() <= 0.05
    total_isa = isa.table["agents"].to_numpy()[4:].sum()
    total_sipp = erlang.table["agents"].to_numpy()[4:].sum()
    assert abs(total_isa - total_sipp) <= 0.05 * total_sipp


def test_a_sudden_surge_is_retargeted_until_no_interval_misses_beyond_doubt():
    """Arrivals jump twentyfold at midnight and decay: one staffing level per interval against
    a load that ramps within it. Erlang A on the lagged load, the best of the stationary
    formulas, leaves the surge's first interval far below target. ISA lowers that interval's
    delay target until its own run shows no interval short of target beyond its 99 %
    confidence interval, which fixes the surge interval in a fresh judgement too."""
    rates = [100] * 4 + [2000, 1200, 700, 400, 250, 150, 100, 100]
    sc = scenario(rates)
    lagged = staff(sc, "lagged")
    before = simulate(sc, seed=99, replications=64, staffing=lagged.agents()).intervals
    assert before["service_level"].iloc[0] < 0.7

    isa = staff(sc, "isa", seed=8, replications=16)
    assert isa.converged
    assert isa.iterations["retargeted_intervals"].sum() > 0
    model = SimModel.from_scenario(sc)
    _, _, upper = pool_service_levels(model, isa.check, 0.99)
    assert (upper[model.warmup_intervals :] >= 0.8).all(), upper
    after = simulate(sc, seed=99, replications=64, staffing=isa.agents()).intervals
    assert after["service_level"].iloc[0] >= 0.75


def test_isa_is_reproducible_and_independent_of_workers():
    sc = scenario([300, 900, 600, 300, 300, 600])
    one = staff(sc, "isa", seed=2, replications=4, workers=1)
    two = staff(sc, "isa", seed=2, replications=4, workers=2)
    pd.testing.assert_frame_equal(one.table, two.table)
    assert math.isfinite(one.table["predicted_service_level"].iloc[-1])
