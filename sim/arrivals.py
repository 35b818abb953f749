"""Arrival sampling: non-homogeneous Poisson streams with a rate that is constant per interval."""

from __future__ import annotations

import numpy as np

__all__ = ["poisson_arrivals"]


def poisson_arrivals(
    rng: np.random.Generator, rate_per_second: float, start: float, length: float
) -> np.ndarray:
    """Sorted arrival times (seconds) of a Poisson stream on ``[start, start + length)``.

    Conditional on the count, Poisson arrival times are independent uniforms, so one
    vectorised draw replaces a loop of exponential gaps.
    """
    count = rng.poisson(rate_per_second * length) if rate_per_second > 0 else 0
    if count == 0:
        return np.empty(0)
    return start + np.sort(rng.uniform(0.0, length, count))
