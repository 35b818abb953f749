"""The arrival-model protocol: what a model says about λ(t), and on which clock.

An **arrival model** is one scenario entry, ``inquiry_types.NAME.arrivals``: a frozen
pydantic model whose ``model:`` tag names it (``model: Literal["promo_surge"]``). It does two
things:

* ``problems(clock)`` — what is wrong with it on this horizon (a list too short, a history
  file that does not cover it…), as :class:`~sim.errors.Problem` s with paths relative to the
  entry (``"spikes[0].at"``); nothing when it is fine;
* ``bind(clock)`` — its arrival rate on this horizon, a :class:`Rate`;
* ``describe(clock)`` — optional: one line the ``arrivals`` command prints about it (a
  fitted profile's error, say), or ``None``.

A **rate** is λ as plain vectorised functions of ``t``, a NumPy array of seconds since the
horizon start (warm-up included), for ``t`` in ``[0, horizon length]``:

* ``rate_per_hour(t)`` — λ(t), arrivals per hour, ≥ 0 and finite (required);
* ``expected(a, b)`` — the exact integral ∫ₐᵇ λ(t) dt / 3600, the expected number of arrivals
  in ``[a, b)`` (element-wise over arrays ``a ≤ b``), where a closed form exists; return
  ``None`` (the default) and the sampler integrates ``rate_per_hour`` by the documented
  quadrature of :mod:`sim.arrivals.process` instead;
* ``cumulative(t)`` — optional: an antiderivative of λ(t) / 3600 (any constant), where one is
  cheap; the sampler then inverts it with one evaluation per step instead of two;
* ``interval_rates_per_hour()`` — where λ is constant within every reporting interval, those
  constants (one per interval): the simulator then samples uniformly within intervals, its
  fastest path. ``None`` (the default) otherwise.

A new model is one new file in :mod:`sim.arrivals.models` defining such a class; the
registry (:mod:`sim.arrivals.registry`) finds it by its ``model:`` tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .._types import Frozen
from ..errors import Problem

__all__ = ["ArrivalModel", "Clock", "Rate"]

DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Clock:
    """The horizon a model is bound to: ``t = 0`` is ``start`` on the scenario's local clock.

    The simulator's clock has no daylight-saving jumps: ``t`` seconds after the start is
    ``start + t`` in naive local wall-clock time.
    """

    start: datetime
    length_seconds: float
    interval_seconds: float
    time_zone: str = "UTC"

    @property
    def n_intervals(self) -> int:
        return round(self.length_seconds / self.interval_seconds)

    def interval_edges(self) -> np.ndarray:
        """``0, Δ, 2Δ, …, length`` (seconds): the reporting intervals' edges."""
        return np.arange(self.n_intervals + 1) * self.interval_seconds

    def seconds_since_start(self, when: datetime) -> float:
        """Where a local wall-clock time falls on this clock (negative before the start)."""
        return (when - self.start).total_seconds()

    @property
    def start_seconds_into_day(self) -> float:
        """Seconds from the local midnight before ``start`` to ``start``."""
        midnight = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        return (self.start - midnight).total_seconds()


class Rate:
    """λ(t) on one horizon; see the module docstring for the contract."""

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def expected(self, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
        return None

    def cumulative(self, t: np.ndarray) -> np.ndarray | None:
        return None

    def interval_rates_per_hour(self) -> np.ndarray | None:
        return None


class ArrivalModel(Frozen):
    """Base of every arrival model; subclasses add ``model: Literal[...]`` and their fields."""

    def problems(self, clock: Clock) -> Iterator[Problem]:
        return iter(())

    def bind(self, clock: Clock) -> Rate:
        raise NotImplementedError

    def describe(self, clock: Clock) -> str | None:
        return None
