"""Offered load that lags the arrival rate: the mean of the M_t/G/∞ queue.

Under a time-varying arrival rate, the work present at time t is not λ(t)·E[S] but

    m(t) = ∫_0^t λ(t − u) P(S > u) du

(Eick, Massey & Whitt 1993; Green, Kolesar & Whitt 2007): inquiries that arrived during a surge
are still being handled after it. Staffing each interval against m rather than λ·E[S] is the
"lagged" offered load. Rates are per second, durations in seconds, loads in Erlangs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import signal

from sim.distributions import Deterministic, Distribution, Empirical

__all__ = ["infinite_server_load", "infinite_server_load_at", "infinite_server_load_mixture"]

# Survival probabilities below this are dropped from the kernel: the load they carry is far
# below the noise in any forecast arrival rate.
_SF_CUTOFF = 1e-9
# Above this many multiply-adds the FFT is faster than direct convolution; both are exact to
# rounding (FFT errors are ~1e-15 of the largest load), so the switch does not change results
# beyond that.
_DIRECT_MAX_WORK = 2_000_000


def _steps_per_interval(interval_seconds: float, step_seconds: float) -> int:
    if not (math.isfinite(interval_seconds) and interval_seconds > 0):
        raise ValueError(f"interval_seconds must be a number > 0, got {interval_seconds!r}")
    if not (math.isfinite(step_seconds) and step_seconds > 0):
        raise ValueError(f"step_seconds must be a number > 0, got {step_seconds!r}")
    ratio = interval_seconds / step_seconds
    steps = round(ratio)
    if steps < 1 or abs(ratio - steps) > 1e-9 * ratio:
        raise ValueError(
            f"step_seconds ({step_seconds:g}) must divide interval_seconds ({interval_seconds:g})"
        )
    return steps


def _rates(rate_per_second: np.ndarray) -> np.ndarray:
    rates = np.asarray(rate_per_second, dtype=float)
    if rates.ndim != 1:
        raise ValueError(f"rate_per_second must be one-dimensional, got shape {rates.shape}")
    if not np.all(np.isfinite(rates)) or np.any(rates < 0):
        raise ValueError("rate_per_second must hold finite numbers ≥ 0")
    return rates


def _kernel(service: Distribution, step_seconds: float, max_steps: int) -> np.ndarray:
    """Mean of P(S > u) over each step [k·h, (k+1)·h), up to where it is negligible."""
    tail = service.quantile(1.0 - _SF_CUTOFF)
    steps = max_steps  # beyond the horizon length the kernel would never meet a non-zero rate
    if math.isfinite(tail):
        steps = max(1, min(steps, math.ceil(tail / step_seconds) + 1))
    if isinstance(service, (Deterministic, Empirical)):
        values = service.values if isinstance(service, Empirical) else (service.value,)
        return _step_function_kernel(np.asarray(values, dtype=float), step_seconds, steps)
    # A smooth survival function: the midpoint rule is accurate to O(h²).
    return np.asarray(service.sf((np.arange(steps) + 0.5) * step_seconds), dtype=float)


def _step_function_kernel(values: np.ndarray, step_seconds: float, steps: int) -> np.ndarray:
    """Exact step means of P(S > u) for S uniform over ``values`` (seconds).

    The midpoint rule is wrong here by up to half a step per jump (a 95 s deterministic service
    would count as 90 s at 10 s steps), so integrate exactly: ∫_0^x P(S > u) du = E[min(S, x)].
    """
    ordered = np.sort(values)
    prefix = np.concatenate(([0.0], np.cumsum(ordered)))
    edges = np.arange(steps + 1) * step_seconds
    at_most = np.searchsorted(ordered, edges, side="right")
    mean_min = (prefix[at_most] + edges * (ordered.size - at_most)) / ordered.size
    return np.diff(mean_min) / step_seconds


def _load_at_step_ends(
    rate_per_second: np.ndarray,
    interval_seconds: float,
    service: Distribution,
    step_seconds: float,
    rate_step_seconds: float | None = None,
) -> tuple[np.ndarray, int]:
    """m(t) at the end of every step of the horizon, and the steps per interval."""
    rates = _rates(rate_per_second)
    per_interval = _steps_per_interval(interval_seconds, step_seconds)
    if rates.size == 0:
        return np.zeros(0), per_interval
    cell = interval_seconds if rate_step_seconds is None else rate_step_seconds
    grid_rate = np.repeat(rates, _steps_per_interval(cell, step_seconds))
    if grid_rate.size % per_interval:
        raise ValueError(
            f"rates on {cell:g} s cells do not cover whole intervals of {interval_seconds:g} s"
        )
    kernel = _kernel(service, step_seconds, grid_rate.size)

    # λ is taken constant on each step (its exact mean there), so the sum below is m at the
    # *end* of each step; only the step means of P(S > u) are approximated (midpoint rule),
    # and not at all for step-function laws.
    if grid_rate.size * kernel.size <= _DIRECT_MAX_WORK:
        summed = np.convolve(grid_rate, kernel)[: grid_rate.size]
    else:
        summed = signal.fftconvolve(grid_rate, kernel)[: grid_rate.size]
    return np.maximum(summed * step_seconds, 0.0), per_interval  # FFT rounding can dip below 0


def infinite_server_load(
    rate_per_second: np.ndarray,
    interval_seconds: float,
    service: Distribution,
    step_seconds: float = 10.0,
    rate_step_seconds: float | None = None,
) -> np.ndarray:
    """Mean number busy in an M_t/G/∞ queue, averaged over each interval (Erlangs).

    m(t) = ∫_0^t λ(t − u) P(S > u) du  (Green, Kolesar & Whitt 2007; Eick, Massey & Whitt 1993),
    with λ zero before the horizon start. Returns one value per interval: the time average of
    m(t) over the interval.

    ``rate_per_second`` holds the arrival rate (per second) on consecutive cells of
    ``rate_step_seconds`` (default: one per interval of ``interval_seconds``), so a rate that
    changes within intervals (a spike decaying in minutes) is seen as it is; time is
    discretised in steps of ``step_seconds``, which must divide the interval and the cell.
    """
    at_step_ends, per_interval = _load_at_step_ends(
        rate_per_second, interval_seconds, service, step_seconds, rate_step_seconds
    )
    if at_step_ends.size == 0:
        return at_step_ends
    # Trapezoid average of m over each interval from its values at the step ends (m(0) = 0):
    # m is piecewise linear between steps when service is deterministic, so this is exact there,
    # where a plain mean of the end values would be biased by half a step.
    ends = at_step_ends.reshape(-1, per_interval)
    starts = np.concatenate(([0.0], ends[:-1, -1]))
    return (ends.sum(axis=1) + (starts - ends[:, -1]) / 2.0) / per_interval


def infinite_server_load_at(
    rate_per_second: np.ndarray,
    interval_seconds: float,
    service: Distribution,
    sample_seconds: float,
    step_seconds: float = 10.0,
    rate_step_seconds: float | None = None,
) -> np.ndarray:
    """m(t) at t = 0, h, 2h, … (h = ``sample_seconds``) up to, not including, the horizon end.

    The mean of the number in an M_t/G/∞ system at those instants: with Poisson arrivals it
    is Poisson distributed with this mean. ``step_seconds`` must divide ``sample_seconds``;
    ``rate_step_seconds`` as in :func:`infinite_server_load`.
    """
    at_step_ends, per_interval = _load_at_step_ends(
        rate_per_second, interval_seconds, service, step_seconds, rate_step_seconds
    )
    every = _steps_per_interval(sample_seconds, step_seconds)
    values = np.concatenate(([0.0], at_step_ends))  # m at 0, h_step, 2·h_step, …
    return values[: at_step_ends.size : every]


def infinite_server_load_mixture(
    rates: Sequence[np.ndarray],
    services: Sequence[Distribution],
    interval_seconds: float,
    step_seconds: float = 10.0,
) -> np.ndarray:
    """Lagged load (Erlangs per interval) of a pool serving several inquiry types.

    ``rates[i]`` (per second, one value per interval) are the arrivals of type i routed to the
    pool and ``services[i]`` their handling time; infinite-server loads simply add up.
    """
    if len(rates) != len(services):
        raise ValueError(f"got {len(rates)} rate arrays but {len(services)} service distributions")
    if not rates:
        raise ValueError("need at least one inquiry type")
    lengths = {np.shape(rate) for rate in rates}
    if len(lengths) != 1:
        raise ValueError(f"rate arrays must all have the same shape, got {sorted(lengths)}")
    total = np.zeros(np.shape(rates[0]))
    for rate, service in zip(rates, services, strict=True):
        total += infinite_server_load(rate, interval_seconds, service, step_seconds)
    return total
