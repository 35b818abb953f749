"""A rate compiled for the simulator: expected counts per interval and exact sampling within.

Arrivals are a non-homogeneous Poisson process with rate λ(t). Interval ``k`` of the horizon,
``[a, b)``, receives ``N ~ Poisson(B · Λₖ)`` arrivals with ``Λₖ = ∫ₐᵇ λ``, and given N their
times are independent with density ``λ(t) / Λₖ`` on ``[a, b)`` — drawn by inversion of the
cumulative intensity, so a spike that decays within minutes keeps its shape inside the
interval. ``B`` is the day's busyness factor (1 without busyness): it scales λ, not its shape.

Three ways to draw the times, chosen when the model is compiled:

* **uniform** — λ is constant within every interval (``piecewise``, and history at the
  interval's resolution or coarser): times are uniform, the fastest path, draw for draw the
  sampling of a per-interval rate.
* **exact** — the model has an exact integral (``promo_surge``, ``historical``): the interval
  is cut into sub-steps of at most a minute; ``u ~ U(0, Λₖ)`` picks its sub-step from the
  sub-steps' exact masses and the time inside solves ``∫_{sub-step start}^{t} λ = residual``
  by Newton's method on the exact integral, safeguarded by bisection, to 1e-7 s.
* **quadrature** — the model gives only λ(t) (``custom``): λ is evaluated once, on a grid of
  sub-steps of at most 10 s. Each sub-step's mass is the 4-point Gauss–Legendre rule (exact
  for cubic λ; a jump inside a 10-second sub-step is the only approximation), the
  interval's Λₖ their sum; inside a sub-step λ is taken as linear between its end values
  (rescaled to the sub-step's mass) and inverted in closed form. The user's function is only
  called here, in the process that compiles the scenario: replications and workers get the
  table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .protocol import Clock, Rate

__all__ = [
    "EXACT_SUBSTEP_SECONDS",
    "QUADRATURE_SUBSTEP_SECONDS",
    "ArrivalProcess",
    "compile_rate",
    "poisson_arrivals",
    "quadrature_points",
]

EXACT_SUBSTEP_SECONDS = 60.0
QUADRATURE_SUBSTEP_SECONDS = 10.0
# Arrivals drawn and inverted together (see _ChunkedSampler).
CHUNK_ARRIVALS = 65536.0
NEWTON_TOLERANCE_SECONDS = 1e-7
NEWTON_MAX_ITERATIONS = 60

# 4-point Gauss–Legendre nodes and weights on [-1, 1]: exact for cubic λ.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(4)

_EMPTY = np.empty(0)

Sampler = Callable[[int], np.ndarray]


def poisson_arrivals(
    rng: np.random.Generator, rate_per_second: float, start: float, length: float
) -> np.ndarray:
    """Sorted arrival times (seconds) of a constant-rate Poisson stream on [start, start + length).

    Conditional on the count, the times are independent uniforms, so one vectorised draw
    replaces a loop of exponential gaps.
    """
    count = rng.poisson(rate_per_second * length) if rate_per_second > 0 else 0
    if count == 0:
        return _EMPTY
    return start + np.sort(rng.uniform(0.0, length, count))


def _substeps(interval_seconds: float, at_most: float) -> int:
    return max(1, math.ceil(interval_seconds / at_most - 1e-9))


@dataclass(frozen=True)
class _SubSteps:
    """The horizon cut into sub-steps of ``step`` seconds, ``per_interval`` to an interval."""

    per_interval: int
    step: float
    masses: np.ndarray  # expected arrivals in each sub-step, over the whole horizon
    before: np.ndarray  # expected arrivals before each sub-step edge (masses' running sum)

    @property
    def totals(self) -> np.ndarray:
        """Expected arrivals per interval: the sum of its sub-steps' masses."""
        edges = self.before[:: self.per_interval]
        return np.diff(edges)

    def locate(self, k: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sub-step of interval ``k`` holding position ``u`` of its mass, and ``u``'s
        residual inside it (both element-wise)."""
        first = k * self.per_interval
        target = self.before[first] + u
        j = np.searchsorted(self.before, target, side="right") - 1
        j = np.clip(j, first, first + self.per_interval - 1)
        return j, np.maximum(target - self.before[j], 0.0)


@dataclass(frozen=True)
class _Exact(_SubSteps):
    """Sub-steps with exact masses; times by safeguarded Newton on ``rate.expected``."""

    rate: Rate | None = None

    def times(self, k: np.ndarray, u: np.ndarray) -> np.ndarray:
        j, residual = self.locate(k, u)
        low = j * self.step
        high = low + self.step
        mass = self.masses[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            guess = low + np.where(mass > 0, residual / mass, 0.5) * self.step
        return _newton(self.rate, low, high, residual, np.clip(guess, low, high))

    def step_expected(self, edges: np.ndarray) -> np.ndarray:
        return np.maximum(self.rate.expected(edges[:-1], edges[1:]), 0.0)


def _newton(rate: Rate, low: np.ndarray, high: np.ndarray, target: np.ndarray, t: np.ndarray):
    """Solve ``∫_low^t λ / 3600 = target`` for t in [low, high], element-wise: Newton steps on
    the exact integral, a bisection step wherever Newton would leave the bracket."""
    base = rate.cumulative(low)
    if base is not None:

        def mass(index: np.ndarray, at: np.ndarray) -> np.ndarray:
            return rate.cumulative(at) - base[index]

    else:

        def mass(index: np.ndarray, at: np.ndarray) -> np.ndarray:
            return rate.expected(low[index], at)

    lo, hi = low.copy(), high.copy()
    t = t.copy()
    active = np.arange(t.size)
    for _ in range(NEWTON_MAX_ITERATIONS):
        if active.size == 0:
            break
        ta = t[active]
        f = mass(active, ta) - target[active]
        slope = rate.rate_per_hour(ta) / 3600.0
        below = f < 0
        bracket_lo = np.where(below, ta, lo[active])
        bracket_hi = np.where(below, hi[active], ta)
        lo[active] = bracket_lo
        hi[active] = bracket_hi
        with np.errstate(invalid="ignore", divide="ignore"):
            step = f / slope
        proposal = ta - step
        # Non-strict bounds: a converged step can round onto the bracket's end.
        bad = ~((proposal >= bracket_lo) & (proposal <= bracket_hi))
        proposal = np.where(bad, 0.5 * (bracket_lo + bracket_hi), proposal)
        t[active] = proposal
        done = (~bad & (np.abs(step) <= NEWTON_TOLERANCE_SECONDS)) | (
            bracket_hi - bracket_lo <= NEWTON_TOLERANCE_SECONDS
        )
        active = active[~done]
    return t


@dataclass(frozen=True)
class _Quadrature(_SubSteps):
    """Sub-steps with Gauss–Legendre masses; λ linear inside a sub-step."""

    edge_rates: np.ndarray | None = None  # λ (per hour) at every sub-step edge of the horizon

    def _inside(self, j: np.ndarray, share: np.ndarray) -> np.ndarray:
        """Where in sub-step ``j`` (0..1) a share ``share`` of its mass is reached, with λ
        linear between the sub-step's end values."""
        rate0 = self.edge_rates[j]
        rate1 = self.edge_rates[j + 1]
        a = (rate1 - rate0) / 2.0
        c = -share * (rate0 + rate1) / 2.0
        with np.errstate(invalid="ignore", divide="ignore"):
            root = -2.0 * c / (rate0 + np.sqrt(np.maximum(rate0 * rate0 - 4.0 * a * c, 0.0)))
        flat = (rate0 + rate1) <= 0
        return np.clip(np.where(flat | ~np.isfinite(root), share, root), 0.0, 1.0)

    def times(self, k: np.ndarray, u: np.ndarray) -> np.ndarray:
        j, residual = self.locate(k, u)
        mass = self.masses[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.clip(np.where(mass > 0, residual / mass, 0.5), 0.0, 1.0)
        return (j + self._inside(j, share)) * self.step

    def _cumulative(self, t: np.ndarray) -> np.ndarray:
        j = np.clip(np.floor(t / self.step).astype(np.int64), 0, self.masses.size - 1)
        share = np.clip(t / self.step - j, 0.0, 1.0)
        rate0 = self.edge_rates[j]
        rate1 = self.edge_rates[j + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (rate0 + rate1) / 2.0
            inside = (rate0 * share + (rate1 - rate0) * share * share / 2.0) / mean
        inside = np.where((rate0 + rate1) > 0, inside, share)
        return self.before[j] + self.masses[j] * inside

    def step_expected(self, edges: np.ndarray) -> np.ndarray:
        return np.maximum(np.diff(self._cumulative(edges)), 0.0)


@dataclass(frozen=True)
class ArrivalProcess:
    """One inquiry type's arrivals on one horizon, ready for the engine and the staffing methods.

    ``expected`` is Λₖ per interval (arrivals, busyness 1, times ``scale``); ``scale`` is a
    fixed factor on λ (a busyness quantile staffed for). ``shape`` is ``None`` on the uniform
    path.
    """

    interval_seconds: float
    expected: np.ndarray
    scale: float = 1.0
    shape: _Exact | _Quadrature | None = field(default=None, repr=False)
    # The uniform path keeps the per-second rate itself, so that its draws are exactly those
    # of a per-interval rate: Poisson(rate × busyness × Δ), then uniform times.
    uniform_rate_per_second: np.ndarray | None = field(default=None, repr=False)

    @property
    def rate_per_second(self) -> np.ndarray:
        """Mean arrival rate of each interval (per second): Λₖ / Δ."""
        if self.uniform_rate_per_second is not None:
            return self.uniform_rate_per_second
        return self.expected / self.interval_seconds

    @property
    def n_intervals(self) -> int:
        return len(self.expected)

    def scaled(self, factor: float) -> ArrivalProcess:
        """The same arrivals with λ multiplied by ``factor``."""
        if self.uniform_rate_per_second is not None:
            rate = self.uniform_rate_per_second * factor
            return replace(
                self, uniform_rate_per_second=rate, expected=rate * self.interval_seconds
            )
        return replace(self, expected=self.expected * factor, scale=self.scale * factor)

    def sampler(self, rng: np.random.Generator, busyness: float = 1.0) -> Sampler:
        """``sample(k)``: interval ``k``'s sorted arrival times (seconds), drawn from ``rng``."""
        dt = self.interval_seconds
        if self.uniform_rate_per_second is not None:
            # x * 1.0 == x: without busyness the rates, and so the draws, are unchanged.
            rates = self.uniform_rate_per_second * busyness

            def uniform(k: int) -> np.ndarray:
                return poisson_arrivals(rng, rates[k], k * dt, dt)

            return uniform
        return _ChunkedSampler(self.shape, self.expected * busyness, rng).sample

    def step_rates(self, step_seconds: float) -> tuple[np.ndarray, float]:
        """Arrival rate (per second, times ``scale``) on a grid of cells, and the cell length.

        The uniform path answers per interval (its rate is constant there); the others per
        ``step_seconds``, each cell's exact (or quadrature) mean of λ.
        """
        if self.shape is None:
            return self.rate_per_second, self.interval_seconds
        n_steps = round(self.n_intervals * self.interval_seconds / step_seconds)
        edges = np.arange(n_steps + 1) * step_seconds
        edges[-1] = self.n_intervals * self.interval_seconds
        return self.shape.step_expected(edges) * self.scale / step_seconds, step_seconds


def _sub_steps(n_intervals: int, interval_seconds: float, at_most: float):
    per_interval = _substeps(interval_seconds, at_most)
    step = interval_seconds / per_interval
    return per_interval, step, np.arange(n_intervals * per_interval + 1) * step


def _quadrature_grid(clock: Clock) -> tuple[int, float, np.ndarray, np.ndarray]:
    """Sub-steps per interval, their length, their edges and every point λ is needed at:
    the Gauss–Legendre nodes of each sub-step, then the edges."""
    dt = clock.interval_seconds
    per_interval, step, edges = _sub_steps(clock.n_intervals, dt, QUADRATURE_SUBSTEP_SECONDS)
    nodes = edges[:-1, None] + step * (1.0 + _GL_NODES[None, :]) / 2.0
    return per_interval, step, edges, np.concatenate([nodes.ravel(), edges])


def quadrature_points(clock: Clock) -> np.ndarray:
    """The times (seconds since the horizon start) at which a rate without an exact integral
    is evaluated, in one call, when it is compiled."""
    return _quadrature_grid(clock)[3]


def compile_rate(rate: Rate, clock: Clock) -> ArrivalProcess:
    """The :class:`ArrivalProcess` of ``rate`` on ``clock``'s horizon."""
    n = clock.n_intervals
    dt = clock.interval_seconds
    constant = rate.interval_rates_per_hour()
    if constant is not None:
        per_second = np.asarray(constant, dtype=float) / 3600.0
        return ArrivalProcess(
            interval_seconds=dt, expected=per_second * dt, uniform_rate_per_second=per_second
        )
    edges = clock.interval_edges()
    expected = rate.expected(edges[:-1], edges[1:])
    if expected is not None:
        per_interval, step, sub_edges = _sub_steps(n, dt, EXACT_SUBSTEP_SECONDS)
        masses = np.maximum(rate.expected(sub_edges[:-1], sub_edges[1:]), 0.0)
        shape = _Exact(per_interval, step, masses, _running_sum(masses), rate=rate)
        expected = np.maximum(np.asarray(expected, dtype=float), 0.0)
        return ArrivalProcess(interval_seconds=dt, expected=expected, shape=shape)
    per_interval, step, sub_edges, points = _quadrature_grid(clock)
    values = np.asarray(rate.rate_per_hour(points), dtype=float)
    n_nodes = (sub_edges.size - 1) * _GL_NODES.size
    at_nodes = values[:n_nodes].reshape(sub_edges.size - 1, _GL_NODES.size)
    masses = (at_nodes @ _GL_WEIGHTS) * step / 2.0 / 3600.0
    shape = _Quadrature(
        per_interval, step, masses, _running_sum(masses), edge_rates=values[n_nodes:]
    )
    return ArrivalProcess(interval_seconds=dt, expected=shape.totals, shape=shape)


def _running_sum(masses: np.ndarray) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(masses)))


class _ChunkedSampler:
    """Draws shaped arrivals a few intervals at a time, so that the NumPy work of inverting
    λ is spread over tens of thousands of arrivals rather than repeated per interval.

    The engine asks for intervals 0, 1, 2, … in turn; each chunk draws its intervals' counts,
    then their positions, then inverts them all at once. Chunks depend on the expected counts
    only, so the draws are the same on every run with the same seed.
    """

    def __init__(self, shape: _Exact | _Quadrature, means: np.ndarray, rng: np.random.Generator):
        self.shape = shape
        self.means = means
        self.totals = shape.totals
        self.rng = rng
        self.first = 0  # first interval of the current chunk
        self.offsets = np.zeros(1, dtype=np.int64)
        self.times = _EMPTY

    def _draw(self, k: int) -> None:
        ahead = np.cumsum(self.means[k:])
        stop = k + 1 + int(np.searchsorted(ahead, CHUNK_ARRIVALS, side="left"))
        stop = min(stop, len(self.means))
        means = self.means[k:stop]
        counts = self.rng.poisson(np.where(means > 0, means, 0.0))
        index = np.repeat(np.arange(k, stop), counts)
        position = np.sort(index + self.rng.uniform(0.0, 1.0, index.size)) - index
        times = self.shape.times(index, position * self.totals[index])
        dt = self.shape.step * self.shape.per_interval
        times = np.clip(times, index * dt, np.nextafter((index + 1) * dt, 0.0))
        # Inversion is monotone up to its tolerance; the engine needs times in order.
        self.times = np.sort(times)
        self.offsets = np.concatenate(([0], np.cumsum(counts)))
        self.first = k

    def sample(self, k: int) -> np.ndarray:
        if not self.first <= k < self.first + len(self.offsets) - 1:
            self._draw(k)
        i = k - self.first
        return self.times[self.offsets[i] : self.offsets[i + 1]]
