"""Duration distributions (handle time, patience) as small validated classes.

Each knows its ``mean`` and ``variance`` (seconds, seconds²), draws blocks of samples from an
explicit ``numpy.random.Generator`` with ``sample(rng, n)``, and gives its survival function
``sf(x)`` = P(S > x) for durations ``x`` in seconds and its ``quantile(q)`` in seconds.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, field_validator

from ._types import Duration, Frozen

# scipy.stats is imported inside sf and quantile: validating a scenario builds these classes
# but never asks for their laws, and importing scipy.stats takes most of a second.

__all__ = [
    "DISTRIBUTION_NAMES",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
]


class Exponential(Frozen):
    """Memoryless durations with the given mean."""

    dist: Literal["exponential"]
    mean: Annotated[Duration, Field(gt=0)]

    @property
    def variance(self) -> float:
        return self.mean**2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)

    def sf(self, x: np.ndarray) -> np.ndarray:
        """P(S > x) for ``x`` in seconds."""
        from scipy import stats

        return stats.expon.sf(x, scale=self.mean)

    def quantile(self, q: float) -> float:
        """Smallest duration (seconds) with P(S ≤ x) ≥ ``q``."""
        from scipy import stats

        return float(stats.expon.ppf(q, scale=self.mean))


class Lognormal(Frozen):
    """Lognormal durations given by mean and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: Annotated[Duration, Field(gt=0)]
    cv: Annotated[float, Field(gt=0)]

    @property
    def variance(self) -> float:
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        mu, sigma = self._log_params()
        return rng.lognormal(mu, sigma, n)

    def _log_params(self) -> tuple[float, float]:
        """Mean and sd of ln S, matching ``mean`` and ``cv``."""
        sigma2 = math.log1p(self.cv**2)
        return math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)

    def sf(self, x: np.ndarray) -> np.ndarray:
        """P(S > x) for ``x`` in seconds."""
        from scipy import stats

        mu, sigma = self._log_params()
        return stats.lognorm.sf(x, sigma, scale=math.exp(mu))

    def quantile(self, q: float) -> float:
        """Smallest duration (seconds) with P(S ≤ x) ≥ ``q``."""
        from scipy import stats

        mu, sigma = self._log_params()
        return float(stats.lognorm.ppf(q, sigma, scale=math.exp(mu)))


class Gamma(Frozen):
    """Gamma durations given by mean and coefficient of variation (shape = 1 / cv²)."""

    dist: Literal["gamma"]
    mean: Annotated[Duration, Field(gt=0)]
    cv: Annotated[float, Field(gt=0)]

    @property
    def variance(self) -> float:
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(1.0 / self.cv**2, self.mean * self.cv**2, n)

    def sf(self, x: np.ndarray) -> np.ndarray:
        """P(S > x) for ``x`` in seconds."""
        from scipy import stats

        return stats.gamma.sf(x, 1.0 / self.cv**2, scale=self.mean * self.cv**2)

    def quantile(self, q: float) -> float:
        """Smallest duration (seconds) with P(S ≤ x) ≥ ``q``."""
        from scipy import stats

        return float(stats.gamma.ppf(q, 1.0 / self.cv**2, scale=self.mean * self.cv**2))


class Deterministic(Frozen):
    """Every duration equals ``value``."""

    dist: Literal["deterministic"]
    value: Duration

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def sf(self, x: np.ndarray) -> np.ndarray:
        """P(S > x) for ``x`` in seconds: 1 before ``value``, 0 from it on."""
        return (np.asarray(x, dtype=float) < self.value).astype(float)

    def quantile(self, q: float) -> float:
        """Every quantile is ``value`` (seconds)."""
        return float(self.value)


class Empirical(Frozen):
    """Durations drawn with equal probability from observed ``values``."""

    dist: Literal["empirical"]
    values: Annotated[tuple[Duration, ...], Field(min_length=1)]

    @field_validator("values")
    @classmethod
    def _not_all_zero(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        if not any(values):
            raise ValueError("must hold at least one value > 0")
        return values

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def variance(self) -> float:
        return float(np.var(self.values))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)

    def sf(self, x: np.ndarray) -> np.ndarray:
        """Share of ``values`` greater than ``x`` (seconds)."""
        ordered = np.sort(np.asarray(self.values, dtype=float))
        at_most = np.searchsorted(ordered, np.asarray(x, dtype=float), side="right")
        return 1.0 - at_most / ordered.size

    def quantile(self, q: float) -> float:
        """An observed value x (seconds) with P(S ≤ x) ≥ ``q``; never interpolated."""
        if q >= 1.0 - 1e-12:
            # Rounding in np.quantile could otherwise land below the largest value.
            return float(max(self.values))
        return float(np.quantile(np.asarray(self.values, dtype=float), q, method="higher"))


Distribution = Annotated[
    Union[Exponential, Lognormal, Gamma, Deterministic, Empirical],  # noqa: UP007
    Field(discriminator="dist"),
]

DISTRIBUTION_NAMES: tuple[str, ...] = (
    "exponential",
    "lognormal",
    "gamma",
    "deterministic",
    "empirical",
)
