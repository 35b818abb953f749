"""``horizon:`` — the simulated period and its reporting intervals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field

from .._types import Duration, Frozen, Timestamp
from ..errors import Problem

__all__ = ["Horizon", "horizon_problems"]


class Horizon(Frozen):
    """Simulated period ``[start, end)`` cut into equal intervals (the reporting grain)."""

    start: Timestamp
    end: Timestamp
    interval: Annotated[Duration, Field(gt=0)] = 900.0

    @property
    def length_seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def n_intervals(self) -> int:
        return round(self.length_seconds / self.interval)

    def interval_starts(self) -> list[datetime]:
        step = timedelta(seconds=self.interval)
        return [self.start + i * step for i in range(self.n_intervals)]


def horizon_problems(horizon: Horizon, warmup: float) -> Iterator[Problem]:
    """The horizon's arithmetic: an end after the start, whole intervals, a warm-up that fits.

    Nothing else can be checked against a horizon that fails these, so callers stop here
    when any is found.
    """
    if horizon.end <= horizon.start:
        yield Problem(
            "horizon.end",
            f"must be after horizon.start ({horizon.start:%Y-%m-%d %H:%M}), "
            f"got {horizon.end:%Y-%m-%d %H:%M}",
        )
        return
    ratio = horizon.length_seconds / horizon.interval
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        yield Problem(
            "horizon.interval",
            f"must divide the horizon ({horizon.length_seconds / 60:g} min) into whole intervals, "
            f"got {horizon.interval / 60:g} min",
        )
        return
    n = horizon.n_intervals
    warm = warmup / horizon.interval
    if abs(warm - round(warm)) > 1e-9:
        yield Problem(
            "warmup",
            f"must be a whole number of intervals ({horizon.interval / 60:g} min each), "
            f"got {warmup / 60:g} min",
        )
    elif round(warm) >= n:
        yield Problem(
            "warmup",
            f"must be shorter than the horizon ({horizon.length_seconds / 3600:g} h), "
            f"got {warmup / 3600:g} h",
        )
