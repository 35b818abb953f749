"""Day-to-day busyness: the factor's law, and the engine drawing one factor per day.

Statistical checks follow tests/sim/test_distributions.py: a sample moment must lie within
Z = 4 standard errors of its theoretical value, with SE(mean) = σ/√n and SE(variance) ≈
σ²·√((κ − 1)/n), κ the kurtosis of what is sampled (fixed seeds, so the outcome is
deterministic; the width comes from the theory, not from trial and error).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim import Scenario, simulate
from sim._engine import run_replication
from sim.model import SimModel
from sim.scenario.busyness import Busyness, day_factor

Z = 4.0  # standard errors allowed


def _day(rates_per_hour: dict[str, float], busyness: dict | None, hours: int = 1) -> Scenario:
    """One pool with plenty of agents, so only the arrivals matter; no warm-up."""
    data = {
        "name": "busy days",
        "horizon": {"start": "2026-11-11 00:00", "end": f"2026-11-11 {hours:02d}:00"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {
            name: {
                "channel": "phone",
                "arrivals": {"rate_per_hour": rate},
                "handle_time": {"dist": "deterministic", "value": "10s"},
            }
            for name, rate in rates_per_hour.items()
        },
        "pools": {"agents": {"skills": list(rates_per_hour), "agents": 20}},
    }
    if busyness is not None:
        data["busyness"] = busyness
    return Scenario.from_dict(data)


# --------------------------------------------------------------------------------------------
# The factor's law
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cv", [0.05, 0.15, 0.6])
def test_gamma_quantile_is_scipys_with_mean_one(cv):
    busyness = Busyness(dist="gamma", cv=cv)
    shape = 1 / cv**2
    for q in (0.1, 0.5, 0.8, 0.95):
        assert busyness.quantile(q) == pytest.approx(stats.gamma.ppf(q, shape, scale=1 / shape))
        assert busyness.cdf(busyness.quantile(q)) == pytest.approx(q)


def test_lognormal_quantile_has_mean_one_and_the_given_cv():
    busyness = Busyness(dist="lognormal", cv=0.2)
    sigma = math.sqrt(math.log1p(0.2**2))
    # ln B ~ Normal(−σ²/2, σ): E[B] = 1.
    assert busyness.quantile(0.5) == pytest.approx(math.exp(-(sigma**2) / 2))
    assert busyness.quantile(0.9) == pytest.approx(
        math.exp(-(sigma**2) / 2 + sigma * stats.norm.ppf(0.9))
    )


@pytest.mark.parametrize("dist", ["gamma", "lognormal"])
def test_sampled_factors_have_mean_one_and_the_given_spread(dist):
    busyness = Busyness(dist=dist, cv=0.2)
    rng = np.random.default_rng(20261111)
    n = 40_000
    draws = np.array([busyness.sample(rng) for _ in range(n)])
    sd = busyness.cv
    if dist == "gamma":
        kurtosis = 3 + 6 * sd**2
    else:
        s2 = math.log1p(sd**2)
        kurtosis = math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 3
    assert abs(draws.mean() - 1.0) <= Z * sd / math.sqrt(n)
    assert abs(draws.var() - sd**2) <= Z * sd**2 * math.sqrt((kurtosis - 1) / n)
    assert np.mean(draws <= busyness.quantile(0.8)) == pytest.approx(
        0.8, abs=Z * math.sqrt(0.8 * 0.2 / n)
    )


def test_no_busyness_is_a_factor_of_exactly_one():
    assert day_factor(None, seed=3, replication=7) == 1.0


# --------------------------------------------------------------------------------------------
# The engine: one factor per replication, for every type
# --------------------------------------------------------------------------------------------


def test_day_counts_are_negative_binomial_and_the_factor_is_shared_by_all_types():
    """Gamma mixing of Poisson counts gives a negative binomial count per day.

    With mean count m = λT and B ~ Gamma(k = 1/cv², mean 1), the day's count is NB with
    mean m and variance m + m²·cv². One factor for all types makes the total count NB with
    m = (λ₁ + λ₂)T; a factor per type would give the smaller Σ(mⱼ + mⱼ²cv²) instead.
    """
    cv = 0.3
    rates = {"payment": 120.0, "presale": 80.0}
    days = 600
    result = simulate(_day(rates, {"dist": "gamma", "cv": cv}), seed=17, replications=days)
    by_type = np.stack([run.offered.sum(axis=0) for run in result.runs])  # [day, type]
    shape = 1 / cv**2
    for counts, m in [(by_type[:, 0], 120.0), (by_type[:, 1], 80.0), (by_type.sum(axis=1), 200.0)]:
        law = stats.nbinom(shape, shape / (shape + m))
        mean, var, _, excess = (float(x) for x in law.stats(moments="mvsk"))
        assert mean == pytest.approx(m) and var == pytest.approx(m + m**2 * cv**2)
        assert abs(counts.mean() - mean) <= Z * math.sqrt(var / days), (counts.mean(), mean)
        se_var = var * math.sqrt((excess + 3 - 1) / days)
        assert abs(counts.var(ddof=1) - var) <= Z * se_var, (counts.var(ddof=1), var)
    # The check has the power to tell: with a factor per type the sample variance of the
    # total, within Z of its own standard errors of the smaller value, would fall outside
    # the band above. Its excess kurtosis is lower (a sum of independent parts), so the
    # shared-factor kurtosis bounds its standard error.
    independent = sum(m + m**2 * cv**2 for m in (120.0, 80.0))
    se_independent = independent * math.sqrt((excess + 3 - 1) / days)
    assert var - independent > Z * (se_var + se_independent)


def test_a_replication_is_the_fixed_day_at_its_own_factor():
    scenario = _day({"payment": 300.0, "presale": 150.0}, {"dist": "lognormal", "cv": 0.25}, 2)
    model = SimModel.from_scenario(scenario)
    result = simulate(scenario, seed=5, replications=3)
    factors = [day_factor(model.busyness, 5, r) for r in range(3)]
    assert len(set(factors)) == 3
    entry = result.summary["busyness"]
    assert (entry["dist"], entry["cv"], entry["day_factors"]) == ("lognormal", 0.25, factors)
    for r, run in enumerate(result.runs):
        fixed = run_replication(model.at_busyness(factors[r]), seed=5, replication=r)
        np.testing.assert_array_equal(run.offered, fixed.offered)
        np.testing.assert_array_equal(run.answered_within, fixed.answered_within)


def test_the_forecast_day_is_the_scenario_without_busyness():
    rates = {"payment": 300.0, "presale": 150.0}
    plain = simulate(_day(rates, None, 2), seed=8, replications=2)
    busy = _day(rates, {"dist": "gamma", "cv": 0.2}, 2)
    mean_day = simulate(SimModel.from_scenario(busy).at_busyness(1.0), seed=8, replications=2)
    assert plain.intervals.equals(mean_day.intervals)
    assert plain.summary == mean_day.summary
    assert "busyness" not in plain.summary
    assert not simulate(busy, seed=8, replications=2).intervals.equals(plain.intervals)


def test_busy_days_do_not_depend_on_the_number_of_workers():
    scenario = _day({"payment": 300.0, "presale": 150.0}, {"dist": "gamma", "cv": 0.2}, 2)
    serial = simulate(scenario, seed=21, replications=4)
    parallel = simulate(scenario, seed=21, replications=4, workers=2)
    assert serial.intervals.equals(parallel.intervals)
    assert serial.types.equals(parallel.types)
    assert serial.summary == parallel.summary
    for one, other in zip(serial.runs, parallel.runs, strict=True):
        np.testing.assert_array_equal(one.offered, other.offered)


def test_at_busyness_scales_every_rate_and_removes_the_randomness():
    scenario = _day({"payment": 300.0, "presale": 150.0}, {"dist": "gamma", "cv": 0.2})
    model = SimModel.from_scenario(scenario)
    scaled = model.at_busyness(1.25)
    assert model.busyness is not None and scaled.busyness is None
    for before, after in zip(model.types, scaled.types, strict=True):
        np.testing.assert_allclose(after.rate_per_second, 1.25 * before.rate_per_second)
    assert model.types[0].rate_per_second[0] == pytest.approx(300.0 / 3600)  # untouched
