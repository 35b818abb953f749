"""``piecewise`` — a rate that is constant within each reporting interval.

``arrivals: {rate_per_hour: 300}`` (one number for the whole horizon) or
``arrivals: {rate_per_hour: [...]}`` (one value per interval, warm-up included) is this model
without the ``model:`` key: the original form of the entry, unchanged in meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..._values import RatePerHour, per_interval_array
from ...errors import Problem
from ..protocol import ArrivalModel, Clock
from ..steps import StepRate

__all__ = ["Piecewise"]


class Piecewise(ArrivalModel):
    """Arrivals per hour, one number or one per interval of the horizon (warm-up included)."""

    model: Literal["piecewise"]
    rate_per_hour: RatePerHour

    def problems(self, clock: Clock) -> Iterator[Problem]:
        if isinstance(self.rate_per_hour, tuple) and len(self.rate_per_hour) != clock.n_intervals:
            yield Problem(
                "rate_per_hour",
                f"must have one value per interval ({clock.n_intervals}), "
                f"got {len(self.rate_per_hour)}",
            )

    def bind(self, clock: Clock) -> StepRate:
        rates = per_interval_array(self.rate_per_hour, clock.n_intervals)
        return StepRate(0.0, clock.interval_seconds, rates, clock)
