"""Day-to-day busyness: one random factor per simulated day scaling every arrival rate.

Inquiry volume varies more from day to day than Poisson arrivals allow: the whole day runs
above or below the forecast, for every inquiry type at once. A :class:`Busyness` is the law of
that factor B (mean 1: the forecast is the mean day); a replication draws B once and
multiplies every type's rate in every interval by it. With gamma B the day's count of
inquiries is negative binomial: variance λT + (λT)²·cv² instead of λT.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from .._types import Frozen
from ..streams import stream

# scipy.stats is imported inside _law: validating a scenario builds a Busyness but never asks
# for its law, and importing scipy.stats takes most of a second.

__all__ = ["MAX_BUSYNESS_CV", "Busyness", "day_factor"]

# Beyond this the gamma density piles up at zero (most days nearly empty): that describes
# a different operation, not a busy or quiet day around one forecast.
MAX_BUSYNESS_CV = 1.0


class Busyness(Frozen):
    """Law of the day's busyness factor B: mean 1, coefficient of variation ``cv``."""

    dist: Literal["gamma", "lognormal"]
    cv: Annotated[float, Field(gt=0, le=MAX_BUSYNESS_CV)]

    @model_validator(mode="before")
    @classmethod
    def _no_mean(cls, data: Any) -> Any:
        # A mean other than 1 would be a different forecast, which belongs in the rates.
        if isinstance(data, dict) and "mean" in data:
            raise ValueError(
                "takes no 'mean': the factor's mean is 1 (the forecast is the mean day); "
                "scale rate_per_hour to change the forecast"
            )
        return data

    @property
    def mean(self) -> float:
        return 1.0

    @property
    def variance(self) -> float:
        return self.cv**2

    def _law(self):
        """The scipy distribution of B, matched to mean 1 and ``cv``."""
        from scipy import stats

        if self.dist == "gamma":
            shape = 1.0 / self.cv**2
            return stats.gamma(shape, scale=1.0 / shape)
        sigma2 = math.log1p(self.cv**2)
        return stats.lognorm(math.sqrt(sigma2), scale=math.exp(-sigma2 / 2))

    def sample(self, rng: np.random.Generator) -> float:
        """One day's factor."""
        if self.dist == "gamma":
            shape = 1.0 / self.cv**2
            return float(rng.gamma(shape, 1.0 / shape))
        sigma2 = math.log1p(self.cv**2)
        return float(rng.lognormal(-sigma2 / 2, math.sqrt(sigma2)))

    def quantile(self, q: float) -> float:
        """The factor B_q with P(B ≤ B_q) = ``q``."""
        return float(self._law().ppf(q))

    def cdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """P(B ≤ x)."""
        return self._law().cdf(x)


def day_factor(busyness: Busyness | None, seed: int, replication: int) -> float:
    """The busyness factor of replication ``replication`` of run ``seed`` (1 without busyness).

    Drawn from a stream of its own, so it is the same whichever worker runs the replication,
    and every other stream's draws are those of the same run without busyness.
    """
    if busyness is None:
        return 1.0
    return busyness.sample(stream(seed, replication, "busyness"))
