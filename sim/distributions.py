"""Duration distributions (handle time, patience) as small validated classes.

Each knows its ``mean`` and ``variance`` (seconds, seconds²) and draws blocks of samples
from an explicit ``numpy.random.Generator`` with ``sample(rng, n)``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, field_validator

from ._types import Duration, Frozen

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


class Lognormal(Frozen):
    """Lognormal durations given by mean and coefficient of variation (sd / mean)."""

    dist: Literal["lognormal"]
    mean: Annotated[Duration, Field(gt=0)]
    cv: Annotated[float, Field(gt=0)]

    @property
    def variance(self) -> float:
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)


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
