"""``promo_surge`` — a promotion described by its shape: a base rate, launch spikes and waves.

With t the scenario's local clock time,

    λ(t) = base(t) · (1 + Σ_spikes (peak − 1) · e^(−(t − at)/decay) · [t ≥ at]
                        + Σ_waves (multiplier − 1) · e^(−(t − at)² / (2 · width²)))

``base`` is ``base_per_hour`` (constant) or ``profile_per_hour`` (24 values, one per clock
hour, constant within the hour). A spike jumps to ``peak`` × base at its instant and decays
with time constant ``decay`` (a launch at midnight); a wave is a Gaussian bump of height
``multiplier`` × base and standard deviation ``width`` (a pre-sale build-up before the launch,
after-sales waves days later). A spike or wave outside the horizon still contributes its
tail. Peaks and multipliers below 1 are dips. The integral is exact: exponentials for the
spikes, the error function for the waves, hour by hour under a profile.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from ..._types import Duration, Frozen, Timestamp
from ..._values import MAX_RATE_PER_HOUR
from ...errors import Problem
from ..protocol import ArrivalModel, Clock, Rate

__all__ = ["PromoSurge", "Spike", "SurgeRate", "Wave"]

HOUR = 3600.0
RatePerHourValue = Annotated[float, Field(ge=0, le=MAX_RATE_PER_HOUR)]


class Spike(Frozen):
    """A launch: λ jumps to ``peak`` × base at ``at`` and decays with time constant ``decay``."""

    at: Timestamp
    peak: Annotated[float, Field(ge=0, le=1e6)]
    decay: Annotated[Duration, Field(gt=0)]


class Wave(Frozen):
    """A Gaussian bump centred on ``at``: ``multiplier`` × base at its top, sd ``width``."""

    at: Timestamp
    multiplier: Annotated[float, Field(ge=0, le=1e6)]
    width: Annotated[Duration, Field(gt=0)]


# Up to this many points the error function is taken from ``math`` element by element:
# validating a scenario evaluates a few thousand at most, and importing scipy.special would
# add a third of a second to every ``validate``. Sampling evaluates tens of thousands at a
# time and takes scipy's vectorised version. The choice depends on the array's size only, so
# a run is reproduced exactly.
_MATH_ERF_UP_TO = 4096
_math_erf = np.vectorize(math.erf, otypes=[float])
_math_erfc = np.vectorize(math.erfc, otypes=[float])


def _erf(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.size <= _MATH_ERF_UP_TO:
        return _math_erf(x) if x.size else x.copy()
    from scipy.special import erf

    return erf(x)


def _erfc(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.size <= _MATH_ERF_UP_TO:
        return _math_erfc(x) if x.size else x.copy()
    from scipy.special import erfc

    return erfc(x)


def _erf_difference(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """erf(high) − erf(low) for low ≤ high, without losing the tails to cancellation."""
    result = _erf(high) - _erf(low)
    right = low > 1.0  # both far right: 1 − 1 would lose every digit
    if right.any():
        result[right] = _erfc(low[right]) - _erfc(high[right])
    left = high < -1.0
    if left.any():
        result[left] = _erfc(-high[left]) - _erfc(-low[left])
    return result


class SurgeRate(Rate):
    """λ(t) of a :class:`PromoSurge` on one horizon (``t`` in seconds since its start)."""

    def __init__(self, surge: PromoSurge, clock: Clock):
        self.spike_at = np.array([clock.seconds_since_start(s.at) for s in surge.spikes])
        self.spike_gain = np.array([s.peak - 1.0 for s in surge.spikes])
        self.spike_decay = np.array([s.decay for s in surge.spikes])
        self.wave_at = np.array([clock.seconds_since_start(w.at) for w in surge.waves])
        self.wave_gain = np.array([w.multiplier - 1.0 for w in surge.waves])
        self.wave_width = np.array([w.width for w in surge.waves])
        self.base = surge.base_per_hour
        if surge.profile_per_hour is not None:
            self._hourly(np.asarray(surge.profile_per_hour, dtype=float), clock)

    def _hourly(self, profile: np.ndarray, clock: Clock) -> None:
        """Clock-hour pieces covering the horizon, and the expected count before each."""
        into_day = clock.start_seconds_into_day
        first = -(into_day % HOUR)  # the clock hour the horizon starts in
        count = math.ceil((clock.length_seconds - first) / HOUR) + 1
        self.hour_edges = first + HOUR * np.arange(count + 1)
        hours = np.floor((into_day + self.hour_edges[:-1]) / HOUR + 1e-9).astype(np.int64) % 24
        self.hour_base = profile[hours]
        pieces = (
            self.hour_base / HOUR * self._shape_integral(self.hour_edges[:-1], self.hour_edges[1:])
        )
        self.before_hour = np.concatenate(([0.0], np.cumsum(pieces)))

    def shape(self, t: np.ndarray) -> np.ndarray:
        """The factor on the base: 1 plus every spike and wave at ``t``."""
        t = np.asarray(t, dtype=float)
        factor = np.ones_like(t)
        if self.spike_at.size:
            since = t[..., None] - self.spike_at
            decayed = np.exp(-np.maximum(since, 0.0) / self.spike_decay)
            factor = factor + np.sum(self.spike_gain * decayed * (since >= 0), axis=-1)
        if self.wave_at.size:
            z = (t[..., None] - self.wave_at) / self.wave_width
            factor = factor + np.sum(self.wave_gain * np.exp(-0.5 * z * z), axis=-1)
        return factor

    def _shape_integral(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """∫ₐᵇ shape(t) dt (seconds), element-wise."""
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        total = b - a
        if self.spike_at.size:
            start = np.maximum(a[..., None], self.spike_at) - self.spike_at
            end = np.maximum(b[..., None], self.spike_at) - self.spike_at
            part = np.exp(-start / self.spike_decay) - np.exp(-end / self.spike_decay)
            total = total + np.sum(self.spike_gain * self.spike_decay * part, axis=-1)
        if self.wave_at.size:
            scale = math.sqrt(2.0) * self.wave_width
            low = (a[..., None] - self.wave_at) / scale
            high = (b[..., None] - self.wave_at) / scale
            part = _erf_difference(low, high)
            width = self.wave_width * math.sqrt(math.pi / 2.0)
            total = total + np.sum(self.wave_gain * width * part, axis=-1)
        return total

    def _shape_antiderivative(self, t: np.ndarray) -> np.ndarray:
        """An antiderivative of shape(t) (seconds): t, plus each spike's and wave's mass so far."""
        t = np.asarray(t, dtype=float)
        total = t.copy()
        if self.spike_at.size:
            since = np.maximum(t[..., None] - self.spike_at, 0.0)
            part = -np.expm1(-since / self.spike_decay)
            total = total + np.sum(self.spike_gain * self.spike_decay * part, axis=-1)
        if self.wave_at.size:
            z = (t[..., None] - self.wave_at) / (math.sqrt(2.0) * self.wave_width)
            width = self.wave_width * math.sqrt(math.pi / 2.0)
            total = total + np.sum(self.wave_gain * width * _erf(z), axis=-1)
        return total

    def cumulative(self, t: np.ndarray) -> np.ndarray:
        if self.base is not None:
            return self.base / HOUR * self._shape_antiderivative(t)
        j = self._hour(t)
        inside = self._shape_antiderivative(t) - self._shape_antiderivative(self.hour_edges[j])
        return self.before_hour[j] + self.hour_base[j] / HOUR * inside

    def _base_at(self, t: np.ndarray) -> np.ndarray:
        if self.base is not None:
            return np.full(np.shape(t), self.base)
        return self.hour_base[self._hour(t)]

    def _hour(self, t: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.hour_edges, np.asarray(t, dtype=float), side="right") - 1
        return np.clip(index, 0, self.hour_base.size - 1)

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        return self._base_at(t) * self.shape(t)

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        """Expected arrivals from the first clock-hour edge to ``t`` (profile only)."""
        j = self._hour(t)
        inside = self._shape_integral(self.hour_edges[j], t)
        return self.before_hour[j] + self.hour_base[j] / HOUR * inside

    def expected(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if self.base is not None:
            return self.base / HOUR * self._shape_integral(a, b)
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        same_hour = self._hour(a) == self._hour(b)
        # Inside one clock hour the difference form avoids subtracting two large totals.
        direct = self._base_at(a) / HOUR * self._shape_integral(a, b)
        return np.where(same_hour, direct, self._cumulative(b) - self._cumulative(a))


class PromoSurge(ArrivalModel):
    """A base rate (constant or per clock hour) times launch spikes and after-sales waves."""

    model: Literal["promo_surge"]
    base_per_hour: RatePerHourValue | None = None
    profile_per_hour: tuple[RatePerHourValue, ...] | None = None
    spikes: tuple[Spike, ...] = ()
    waves: tuple[Wave, ...] = ()

    @model_validator(mode="after")
    def _one_base(self) -> PromoSurge:
        if (self.base_per_hour is None) == (self.profile_per_hour is None):
            raise ValueError(
                "needs exactly one of base_per_hour (a number) and profile_per_hour "
                "(24 values, one per clock hour)"
            )
        return self

    def problems(self, clock: Clock) -> Iterator[Problem]:
        if self.profile_per_hour is not None and len(self.profile_per_hour) != 24:
            yield Problem(
                "profile_per_hour",
                "must have 24 values, one per clock hour (00:00, 01:00, … 23:00), "
                f"got {len(self.profile_per_hour)}",
            )
            return
        dips = [s.peak < 1 for s in self.spikes] + [w.multiplier < 1 for w in self.waves]
        if any(dips):
            yield from self._negative_rate(clock)

    def _negative_rate(self, clock: Clock) -> Iterator[Problem]:
        """Dips (peak or multiplier below 1) that add up to a negative rate somewhere."""
        rate = SurgeRate(self, clock)
        instants = [clock.seconds_since_start(s.at) for s in self.spikes]
        instants += [clock.seconds_since_start(w.at) for w in self.waves]
        t = np.concatenate(
            [np.arange(0.0, clock.length_seconds, 10.0), np.clip(instants, 0, clock.length_seconds)]
        )
        factor = rate.shape(t)
        if np.min(factor) < -1e-12:
            worst = float(t[int(np.argmin(factor))])
            when = clock.start + timedelta(seconds=worst)
            yield Problem(
                "spikes",
                "spikes and waves below 1 add up to a negative rate "
                f"({float(np.min(factor)):.3g} × base at {when:%Y-%m-%d %H:%M}); "
                "the dips together must stay ≥ 0",
            )

    def bind(self, clock: Clock) -> SurgeRate:
        return SurgeRate(self, clock)
