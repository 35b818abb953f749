"""Tests for the duration distributions in ``sim.distributions``.

Sample moments of 200 000 fixed-seed draws must lie within 4 standard errors of the
distribution's own ``mean`` / ``variance``. The standard errors come from the theory:
SE(mean) = σ / √n and SE(variance) ≈ σ² √((κ − 1) / n), κ being the kurtosis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sim.distributions import (
    DISTRIBUTION_NAMES,
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
)

N = 200_000
SEED = 20261111
Z = 4.0  # standard errors allowed

EMPIRICAL_VALUES = [30, 45, 60, 60, 90, 120, 180, 240, 600, 1800]

CASES = {
    "exponential": {"dist": "exponential", "mean": "4min"},
    "lognormal": {"dist": "lognormal", "mean": "270s", "cv": 0.9},
    "gamma": {"dist": "gamma", "mean": "7min", "cv": 0.7},
    "gamma_small_cv": {"dist": "gamma", "mean": 300, "cv": 0.2},
    "deterministic": {"dist": "deterministic", "value": "90s"},
    "empirical": {"dist": "empirical", "values": EMPIRICAL_VALUES},
}

ADAPTER = TypeAdapter(Distribution)


def build(spec):
    return ADAPTER.validate_python(spec)


def kurtosis(dist) -> float:
    """Kurtosis E[(X−μ)⁴]/σ⁴ of ``dist``, from the textbook formula of each family."""
    if isinstance(dist, Exponential):
        return 9.0
    if isinstance(dist, Gamma):
        return 3.0 + 6.0 * dist.cv**2  # shape k = 1/cv², excess kurtosis 6/k
    if isinstance(dist, Lognormal):
        s2 = math.log1p(dist.cv**2)
        return math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 3
    if isinstance(dist, Empirical):
        values = np.asarray(dist.values, dtype=float)
        centred = values - values.mean()
        return float(np.mean(centred**4) / np.mean(centred**2) ** 2)
    raise AssertionError(f"no kurtosis for {dist!r}")


def test_every_distribution_kind_is_covered():
    assert {spec["dist"] for spec in CASES.values()} == set(DISTRIBUTION_NAMES)


@pytest.mark.parametrize(
    ("spec", "cls"),
    [
        (CASES["exponential"], Exponential),
        (CASES["lognormal"], Lognormal),
        (CASES["gamma"], Gamma),
        (CASES["deterministic"], Deterministic),
        (CASES["empirical"], Empirical),
    ],
)
def test_dist_tag_selects_the_class(spec, cls):
    assert type(build(spec)) is cls


def test_declared_moments():
    assert build(CASES["exponential"]).mean == 240.0
    assert build(CASES["exponential"]).variance == 240.0**2
    assert build(CASES["lognormal"]).mean == 270.0
    assert build(CASES["lognormal"]).variance == pytest.approx((0.9 * 270.0) ** 2)
    assert build(CASES["gamma"]).variance == pytest.approx((0.7 * 420.0) ** 2)
    assert build(CASES["deterministic"]).mean == 90.0
    assert build(CASES["deterministic"]).variance == 0.0
    assert build(CASES["empirical"]).mean == pytest.approx(np.mean(EMPIRICAL_VALUES))
    assert build(CASES["empirical"]).variance == pytest.approx(np.var(EMPIRICAL_VALUES))


@pytest.mark.parametrize("name", [k for k in CASES if CASES[k]["dist"] != "deterministic"])
def test_sample_moments_match_declared_moments(name):
    dist = build(CASES[name])
    x = dist.sample(np.random.default_rng(SEED), N)
    assert x.shape == (N,)
    assert np.all(np.isfinite(x))
    assert np.all(x >= 0)

    sigma2 = dist.variance
    se_mean = math.sqrt(sigma2 / N)
    se_var = sigma2 * math.sqrt((kurtosis(dist) - 1.0) / N)
    assert abs(x.mean() - dist.mean) <= Z * se_mean, (x.mean(), dist.mean, se_mean)
    assert abs(x.var(ddof=1) - sigma2) <= Z * se_var, (x.var(ddof=1), sigma2, se_var)


def test_deterministic_samples_are_the_value():
    dist = build(CASES["deterministic"])
    x = dist.sample(np.random.default_rng(SEED), N)
    assert x.shape == (N,)
    assert np.all(x == 90.0)
    assert x.mean() == dist.mean
    assert x.var() == dist.variance


def test_empirical_draws_only_observed_values_roughly_equally():
    dist = build(CASES["empirical"])
    x = dist.sample(np.random.default_rng(SEED), N)
    assert set(np.unique(x)) <= {float(v) for v in EMPIRICAL_VALUES}
    # 60 appears twice among 10 observations: p = 0.2, binomial SE √(p(1−p)/n).
    share = np.mean(x == 60.0)
    assert abs(share - 0.2) <= Z * math.sqrt(0.2 * 0.8 / N)


@pytest.mark.parametrize("name", list(CASES))
def test_same_seed_same_samples(name):
    dist = build(CASES[name])
    first = dist.sample(np.random.default_rng(7), 1000)
    second = dist.sample(np.random.default_rng(7), 1000)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("name", [k for k in CASES if CASES[k]["dist"] != "deterministic"])
def test_different_seeds_different_samples(name):
    dist = build(CASES[name])
    first = dist.sample(np.random.default_rng(7), 1000)
    second = dist.sample(np.random.default_rng(8), 1000)
    assert not np.array_equal(first, second)


def test_distributions_are_frozen():
    dist = build(CASES["exponential"])
    with pytest.raises(ValidationError):
        dist.mean = 10.0
    assert dist.mean == 240.0


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "exponential", "mean": 0},
        {"dist": "exponential", "mean": "-3s"},
        {"dist": "lognormal", "mean": 100, "cv": 0},
        {"dist": "gamma", "mean": 100, "cv": -1},
        {"dist": "gamma", "mean": 100},
        {"dist": "deterministic", "value": -1},
        {"dist": "empirical", "values": []},
        {"dist": "empirical", "values": [0, 0]},
        {"dist": "exponential", "mean": 100, "cv": 0.5},  # cv is not an exponential field
        {"dist": "weibull", "mean": 100},
    ],
)
def test_invalid_parameters_are_refused(spec):
    with pytest.raises(ValidationError):
        build(spec)
