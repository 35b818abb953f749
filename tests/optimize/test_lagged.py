"""Tests for the lagged (M_t/G/∞) offered load and the survival functions it is built on.

Oracles: the stationary M/G/∞ mean λ·E[S]; the closed form of the M_t/M/∞ mean under a
sinusoidal rate; direct quadrature of m(t) = ∫ λ(t − u) P(S > u) du for the same piecewise
constant rate; and m(t) = ∫_{t−D}^t λ(s) ds for deterministic service.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from pydantic import TypeAdapter
from scipy import integrate, special, stats

from optimize.staffing import lagged
from optimize.staffing.lagged import infinite_server_load, infinite_server_load_mixture
from sim.distributions import DISTRIBUTION_NAMES, Deterministic, Distribution, Empirical

SEED = 20261111
N_SAMPLES = 200_000
Z = 4.0  # binomial standard errors allowed
INTERVAL = 900.0

EMPIRICAL_VALUES = [30, 45, 60, 60, 90, 120, 180, 240, 600, 1800]
CASES = {
    "exponential": {"dist": "exponential", "mean": 240},
    "lognormal": {"dist": "lognormal", "mean": 270, "cv": 0.9},
    "gamma": {"dist": "gamma", "mean": 420, "cv": 0.7},
    "gamma_cv_above_1": {"dist": "gamma", "mean": 300, "cv": 1.5},
    "gamma_small_cv": {"dist": "gamma", "mean": 300, "cv": 0.2},
    "deterministic": {"dist": "deterministic", "value": 90},
    "deterministic_off_grid": {"dist": "deterministic", "value": 95},
    "empirical": {"dist": "empirical", "values": EMPIRICAL_VALUES},
}
CONTINUOUS = ["exponential", "lognormal", "gamma", "gamma_cv_above_1", "gamma_small_cv"]

ADAPTER = TypeAdapter(Distribution)


def build(spec):
    return ADAPTER.validate_python(spec)


# -- survival functions and quantiles --------------------------------------------------------


def test_every_distribution_kind_is_covered():
    assert {spec["dist"] for spec in CASES.values()} == set(DISTRIBUTION_NAMES)


@pytest.mark.parametrize("name", list(CASES))
def test_sf_matches_the_share_of_sampled_durations_above_x(name):
    dist = build(CASES[name])
    draws = dist.sample(np.random.default_rng(SEED), N_SAMPLES)
    x = np.array([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 4.0]) * dist.mean
    expected = dist.sf(x)
    observed = (draws[:, None] > x[None, :]).mean(axis=0)
    se = np.sqrt(np.maximum(expected * (1 - expected), 1e-12) / N_SAMPLES)
    np.testing.assert_array_less(np.abs(observed - expected), Z * se + 1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_sf_integrates_to_the_declared_mean_and_second_moment(name):
    # E[S] = ∫ P(S > u) du and E[S²] = ∫ 2u P(S > u) du pin down the parameterisation.
    dist = build(CASES[name])
    top = dist.quantile(1 - 1e-15) * 2
    jumps = sorted({float(v) for v in getattr(dist, "values", (getattr(dist, "value", 0.0),))})
    points = [p for p in jumps if 0 < p < top] or None
    first, _ = integrate.quad(lambda u: dist.sf(u), 0, top, points=points, limit=500)
    second, _ = integrate.quad(lambda u: 2 * u * dist.sf(u), 0, top, points=points, limit=500)
    assert first == pytest.approx(dist.mean, rel=1e-7)
    assert second == pytest.approx(dist.variance + dist.mean**2, rel=1e-6)


def test_continuous_sf_against_textbook_formulas():
    x = np.linspace(0, 3000, 301)
    exp_dist = build(CASES["exponential"])
    np.testing.assert_allclose(exp_dist.sf(x), np.exp(-x / 240), rtol=1e-12)

    gamma = build(CASES["gamma"])
    shape, scale = 1 / 0.7**2, 420 * 0.7**2
    np.testing.assert_allclose(gamma.sf(x), special.gammaincc(shape, x / scale), rtol=1e-10)

    # The lognormal median is mean / √(1 + cv²) and ln S has sd √ln(1 + cv²).
    logn = build(CASES["lognormal"])
    median, sigma = 270 / math.sqrt(1 + 0.81), math.sqrt(math.log(1.81))
    np.testing.assert_allclose(logn.sf(np.array([median])), [0.5], rtol=1e-12)
    above = median * math.exp(sigma)
    np.testing.assert_allclose(logn.sf(np.array([above])), [stats.norm.sf(1.0)], rtol=1e-10)


def test_step_function_sf():
    det = build(CASES["deterministic"])
    np.testing.assert_array_equal(det.sf(np.array([0.0, 89.999, 90.0, 1e6])), [1, 1, 0, 0])
    emp = build(CASES["empirical"])
    # Strictly greater: 60 appears twice and is not above 60.
    np.testing.assert_allclose(emp.sf(np.array([0.0, 59.9, 60.0, 1800.0])), [1, 0.8, 0.6, 0])


@pytest.mark.parametrize("name", list(CASES))
def test_sf_is_a_survival_function(name):
    dist = build(CASES[name])
    x = np.linspace(0, 10 * dist.mean, 5001)
    sf = dist.sf(x)
    assert sf.shape == x.shape
    assert np.all((sf >= 0) & (sf <= 1))
    assert np.all(np.diff(sf) <= 0)
    assert dist.sf(np.array([0.0]))[0] <= 1


@pytest.mark.parametrize("name", CONTINUOUS)
@pytest.mark.parametrize("q", [0.01, 0.5, 0.9, 0.999, 1 - 1e-9])
def test_continuous_quantile_inverts_sf(name, q):
    dist = build(CASES[name])
    x = dist.quantile(q)
    assert isinstance(x, float)
    assert dist.sf(np.array([x]))[0] == pytest.approx(1 - q, rel=1e-6)


def test_step_function_quantiles():
    det = build(CASES["deterministic"])
    assert [det.quantile(q) for q in (0.0, 0.5, 1 - 1e-9, 1.0)] == [90.0] * 4
    emp = build(CASES["empirical"])
    assert emp.quantile(1 - 1e-9) == 1800.0
    assert emp.quantile(1.0) == 1800.0
    assert emp.quantile(0.0) == 30.0
    for q in np.linspace(0, 1, 101):
        x = emp.quantile(float(q))
        assert x in EMPIRICAL_VALUES
        assert 1 - emp.sf(np.array([x]))[0] >= q - 1e-12  # P(S ≤ x) ≥ q


# -- stationary and transient behaviour ------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_stationary_rate_settles_at_rate_times_mean(name):
    dist = build(CASES[name])
    rate = 0.5
    m = infinite_server_load(np.full(64, rate), INTERVAL, dist)
    settled = np.arange(64) * INTERVAL >= 10 * dist.mean + dist.quantile(0.999)
    assert settled.sum() >= 40
    np.testing.assert_allclose(m[settled], rate * dist.mean, rtol=1e-3)
    # Starting empty, the load only builds up.
    assert m[0] < rate * dist.mean
    assert np.all(np.diff(m) >= -1e-12)


def test_first_interval_from_empty_matches_the_exponential_build_up():
    # m(t) = λ/μ (1 − e^{−μt}); its average over [0, I] is λ/μ (1 − (1 − e^{−μI}) / (μI)).
    dist = build(CASES["exponential"])
    rate, mu = 0.5, 1 / 240
    m = infinite_server_load(np.full(4, rate), INTERVAL, dist, step_seconds=5.0)
    expected = rate / mu * (1 - (1 - math.exp(-mu * INTERVAL)) / (mu * INTERVAL))
    assert m[0] == pytest.approx(expected, rel=1e-4)
    assert m[0] < 0.8 * rate * dist.mean


# -- sinusoidal rate, exponential service ---------------------------------------------------

PERIOD = 12 * 3600.0
OMEGA = 2 * math.pi / PERIOD
SIN_A, SIN_B = 1.0, 0.5  # per second
SIN_MEAN = 1800.0  # long handling (e-mail-like) so the lag spans a few intervals
SIN_INTERVALS = 2 * int(PERIOD / INTERVAL)


def sinusoid_rates() -> np.ndarray:
    mid = (np.arange(SIN_INTERVALS) + 0.5) * INTERVAL
    return SIN_A + SIN_B * np.sin(OMEGA * mid)


def sinusoid_load() -> np.ndarray:
    return infinite_server_load(
        sinusoid_rates(), INTERVAL, build({"dist": "exponential", "mean": SIN_MEAN})
    )


def quad_interval_mean(rates: np.ndarray, mean: float, k: int) -> float:
    """(1/I) ∫ over interval k of m(t), m by quadrature over each constant piece of λ."""
    mu = 1 / mean

    def m(t: float) -> float:
        total = 0.0
        for j in range(int(t // INTERVAL) + 1):
            lo, hi = max(0.0, t - (j + 1) * INTERVAL), t - j * INTERVAL
            if hi <= 0 or lo > 40 * mean:  # e^{-40} of the piece is below rounding
                continue
            piece, _ = integrate.quad(lambda u: math.exp(-mu * u), lo, hi, epsabs=0)
            total += rates[j] * piece
        return total

    value, _ = integrate.quad(m, k * INTERVAL, (k + 1) * INTERVAL, epsabs=0, epsrel=1e-10)
    return value / INTERVAL


@pytest.mark.parametrize("k", [0, 1, 7, 50, 83])
def test_sinusoid_matches_direct_quadrature(k):
    expected = quad_interval_mean(sinusoid_rates(), SIN_MEAN, k)
    # The only approximations are O(h²): step means of P(S > u) and the time average of m.
    assert sinusoid_load()[k] == pytest.approx(expected, rel=2e-5)


def test_discretisation_error_shrinks_with_the_square_of_the_step():
    expected = quad_interval_mean(sinusoid_rates(), SIN_MEAN, 0)
    service = build({"dist": "exponential", "mean": SIN_MEAN})
    errors = [
        abs(infinite_server_load(sinusoid_rates(), INTERVAL, service, step)[0] - expected)
        for step in (10.0, 5.0)
    ]
    assert errors[1] / errors[0] == pytest.approx(0.25, abs=0.03)


def test_sinusoid_matches_the_m_t_m_infinity_closed_form():
    # m(t) = a/μ + b/(μ² + ω²)(μ sin ωt − ω cos ωt) once the start-up transient has died out;
    # holding λ constant per interval changes it by about (ωI)²/24 of the amplitude.
    mu = 1 / SIN_MEAN
    m = sinusoid_load()

    def closed(t: float) -> float:
        return SIN_A / mu + SIN_B / (mu**2 + OMEGA**2) * (
            mu * math.sin(OMEGA * t) - OMEGA * math.cos(OMEGA * t)
        )

    steady = range(int(20 * SIN_MEAN / INTERVAL), SIN_INTERVALS)
    for k in steady:
        value, _ = integrate.quad(closed, k * INTERVAL, (k + 1) * INTERVAL)
        assert m[k] == pytest.approx(value / INTERVAL, abs=1e-3 * SIN_A / mu)


def test_sinusoid_load_lags_the_rate_by_arctan_omega_over_mu():
    mu = 1 / SIN_MEAN
    expected_lag = math.atan(OMEGA / mu) / OMEGA
    assert expected_lag > 1.5 * INTERVAL  # otherwise the check below could not see it
    rates, m = sinusoid_rates(), sinusoid_load()
    second = slice(SIN_INTERVALS // 2, SIN_INTERVALS)  # the second period, past the transient
    peak_shift = (np.argmax(m[second]) - np.argmax(rates[second])) * INTERVAL
    assert abs(peak_shift - expected_lag) <= INTERVAL

    # Phase of the fundamental (interval means of a sinusoid keep its phase).
    mid = (np.arange(SIN_INTERVALS)[second] + 0.5) * INTERVAL
    design = np.column_stack([np.ones_like(mid), np.sin(OMEGA * mid), np.cos(OMEGA * mid)])
    (_, c_sin, c_cos), *_ = np.linalg.lstsq(design, m[second], rcond=None)
    lag = math.atan2(-c_cos, c_sin) / OMEGA
    assert lag == pytest.approx(expected_lag, rel=1e-3)


# -- deterministic service: a moving window of the rate -------------------------------------


@pytest.mark.parametrize(("duration", "step"), [(600.0, 10.0), (1234.0, 2.0), (2700.0, 900.0)])
def test_deterministic_service_is_the_integral_of_the_rate_over_the_last_d(duration, step):
    rates = np.array([0.2] * 4 + [1.0] * 5 + [0.1] * 6)
    starts = np.arange(rates.size + 1) * INTERVAL
    cumulative = np.concatenate(([0.0], np.cumsum(rates * INTERVAL)))  # Λ(t) at interval edges

    def window(t: float) -> float:
        return float(
            np.interp(t, starts, cumulative) - np.interp(max(t - duration, 0), starts, cumulative)
        )

    expected = []
    for k in range(rates.size):
        kinks = [
            p
            for p in (k * INTERVAL + (duration % INTERVAL),)
            if k * INTERVAL < p < (k + 1) * INTERVAL
        ]
        value, _ = integrate.quad(window, k * INTERVAL, (k + 1) * INTERVAL, points=kinks or None)
        expected.append(value / INTERVAL)
    m = infinite_server_load(
        rates, INTERVAL, Deterministic(dist="deterministic", value=duration), step
    )
    np.testing.assert_allclose(m, expected, rtol=1e-12, atol=1e-12)
    # After the step down the load still carries the surge.
    assert m[9] > rates[9] * duration


def test_deterministic_service_off_the_grid_is_not_rounded_to_a_step():
    # 95 s at 10 s steps: a midpoint kernel would give 90 s of work per inquiry.
    m = infinite_server_load(np.full(8, 0.5), INTERVAL, build(CASES["deterministic_off_grid"]))
    assert m[-1] == pytest.approx(0.5 * 95, rel=1e-12)


# -- mixture, arguments, speed ---------------------------------------------------------------


def test_mixture_is_the_sum_of_the_type_loads():
    rng = np.random.default_rng(SEED)
    rates = [rng.uniform(0, 0.3, 96) for _ in range(3)]
    services = [build(CASES["lognormal"]), build(CASES["empirical"]), build(CASES["gamma"])]
    total = infinite_server_load_mixture(rates, services, INTERVAL)
    parts = [infinite_server_load(r, INTERVAL, s) for r, s in zip(rates, services, strict=True)]
    np.testing.assert_allclose(total, np.sum(parts, axis=0), rtol=1e-14)
    assert np.all(total > parts[0])


def test_mixture_rejects_mismatched_inputs():
    dist = build(CASES["exponential"])
    with pytest.raises(ValueError, match="rate arrays but"):
        infinite_server_load_mixture([np.ones(4)], [dist, dist], INTERVAL)
    with pytest.raises(ValueError, match="same shape"):
        infinite_server_load_mixture([np.ones(4), np.ones(5)], [dist, dist], INTERVAL)
    with pytest.raises(ValueError, match="at least one"):
        infinite_server_load_mixture([], [], INTERVAL)


@pytest.mark.parametrize("step", [7.0, 0.0, -10.0, 1000.0, math.nan])
def test_step_must_divide_the_interval(step):
    with pytest.raises(ValueError, match="step_seconds"):
        infinite_server_load(np.ones(4), INTERVAL, build(CASES["exponential"]), step)


@pytest.mark.parametrize(
    "rates", [np.array([1.0, -0.1]), np.array([1.0, math.inf]), np.ones((2, 2))]
)
def test_bad_rates_are_refused(rates):
    with pytest.raises(ValueError, match="rate_per_second"):
        infinite_server_load(rates, INTERVAL, build(CASES["exponential"]))


def test_fft_and_direct_convolution_agree(monkeypatch):
    rng = np.random.default_rng(SEED)
    rates = rng.uniform(0, 2, 192)  # two days of 15-min intervals
    dist = build(CASES["lognormal"])
    via_fft = infinite_server_load(rates, INTERVAL, dist)
    np.testing.assert_array_equal(via_fft, infinite_server_load(rates, INTERVAL, dist))
    monkeypatch.setattr(lagged, "_DIRECT_MAX_WORK", math.inf)
    direct = infinite_server_load(rates, INTERVAL, dist)
    np.testing.assert_allclose(via_fft, direct, rtol=1e-9)


def test_empirical_with_zero_durations_and_empty_horizon():
    dist = Empirical(dist="empirical", values=(0.0, 0.0, 300.0))
    m = infinite_server_load(np.full(12, 0.3), INTERVAL, dist)
    assert m[-1] == pytest.approx(0.3 * 100.0, rel=1e-12)
    assert infinite_server_load(np.zeros(0), INTERVAL, dist).shape == (0,)


def test_two_days_at_ten_second_steps_is_fast():
    rates = np.random.default_rng(SEED).uniform(0, 2, 192)
    dist = build(CASES["lognormal"])
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        infinite_server_load(rates, INTERVAL, dist)
        best = min(best, time.perf_counter() - start)
    assert best < 0.1
