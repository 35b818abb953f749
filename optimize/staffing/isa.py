"""Simulation-based staffing: the iterative staffing algorithm (ISA).

Feldman, Mandelbaum, Massey & Whitt (2008): simulate with the current staffing s_n(t),
observe the number of inquiries in system L_n(t) (in service or waiting) over many
replications, and set s_{n+1}(t) = min{s : P(L_n(t) ≥ s) ≤ α(t)}: by PASTA, P(L ≥ s) is the
probability that an arrival has to wait. Repeat until the staffing no longer changes.

α(t) is the delay probability that matches the service targets at the interval's load (see
:func:`optimize.staffing.targets.delay_probability_target`): for "answer within T" targets
one fixed α would give a service level that drifts with load. Every iteration uses the same
seed (common random numbers), so the staffing changes only because the staffing changed,
and the iteration ends in a fixed point or, rarely, a short cycle (then the interval-wise
maximum over the cycle is taken, on the safe side).

The tail P(L ≥ s) is estimated with a control variate (:func:`tail_probability`): the same
arrivals and handle times, run through an infinite-server system, give a count N(t) whose
law is known exactly. Read from raw quantiles, ISA needs 200+ replications per iteration
to pin a 300-agent interval to ±1 agent; with the control, 16 do (docs/staffing.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim import SimulationResult, metrics, simulate
from sim.model import SimModel
from sim.recorder import SAMPLE_SECONDS

from .lagged import infinite_server_load_at
from .loads import pool_traffic

__all__ = [
    "InSystemSamples",
    "IsaResult",
    "iterate_staffing",
    "staffing_for_interval",
    "staffing_from_samples",
    "tail_probability",
]

# The Poisson law of N is summed over mean ± this many standard deviations (the rest of its
# mass is below 1e-15).
_POISSON_SPAN_SD = 8.0
# The largest factor by which one iteration's service-level correction moves an interval's
# α: a first simulation far off target (a surge) should not send the staffing to the other
# extreme.
_MAX_ALPHA_STEP = 4.0
# How sure the service-level correction must be that an interval misses its target: with
# hundreds of intervals, 95 % would move a handful of well-staffed ones on noise alone.
_RETARGET_CONFIDENCE = 0.99


@dataclass(frozen=True)
class IsaResult:
    agents: np.ndarray  # [interval, pool]
    iterations: pd.DataFrame  # iteration, max_change, changed_intervals, agent_intervals
    converged: bool
    final: SimulationResult  # a run of the returned staffing


@dataclass(frozen=True)
class InSystemSamples:
    """One pool over one interval: what the simulator saw at each sampling instant.

    ``observed`` and ``unlimited`` are ``[replication, instant]`` counts of the queue and of
    the infinite-server system fed the same arrivals; ``unlimited_mean`` is the exact mean of
    the latter at each instant (its law is Poisson with that mean).
    """

    observed: np.ndarray
    unlimited: np.ndarray
    unlimited_mean: np.ndarray


def staffing_from_samples(samples: np.ndarray, alpha: float) -> int:
    """min{s : P(L ≥ s) ≤ α} for observed numbers in system ``samples`` (no control)."""
    if samples.size == 0 or alpha >= 1.0:
        return 0
    if alpha <= 0.0:
        return int(samples.max()) + 1
    # P(L ≥ s) ≤ α  ⇔  P(L ≤ s − 1) ≥ 1 − α  ⇔  s − 1 ≥ the (1 − α) quantile (inverse cdf).
    return int(np.quantile(samples, 1.0 - alpha, method="inverted_cdf")) + 1


class Tail:
    """s ↦ P(L ≥ s): a mixture over instants of Poisson-weighted levels plus residuals."""

    def __init__(self, laws: list[tuple[np.ndarray, np.ndarray]], residuals: np.ndarray):
        self.laws = laws
        self.residuals = residuals
        top = max((float(level.max()) for _, level in laws), default=0.0)
        # From here on no level plus residual reaches s − ½: the tail is zero.
        self.upper = max(0, math.ceil(top + float(residuals.max()) + 1.0))

    def __call__(self, s: float) -> float:
        if not self.laws:
            return 0.0
        total = 0.0
        for weights, level in self.laws:
            below = np.searchsorted(self.residuals, s - 0.5 - level, side="left")
            total += float(weights @ (1.0 - below / self.residuals.size))
        return total / len(self.laws)


def tail_probability(samples: InSystemSamples) -> Tail:
    """s ↦ P(L ≥ s) averaged over the interval's instants, estimated with a control variate.

    Write L = N + D at each instant g. N ~ Poisson(m_g) exactly: it is the infinite-server
    count of the very arrivals and handle times the queue saw. D (waiting, and abandonment
    cutting stays short) is regressed on the zero-mean controls Z₁ = N − m_g and
    Z₂ = (N − m_g)² − m_g (the square catches congestion growing faster than N):

        D = a_g + β₁Z₁ + β₂Z₂ + ε,    a_g = mean(D_g) − β·mean(Z_g)  (the control-variate mean)

    with one β for the interval. Then, with the residuals ε treated as independent of N,

        P(L_g ≥ s) = Σ_n Pois(n; m_g) · P̂(ε ≥ s − ½ − f_g(n)),  f_g(n) = n + a_g + β·z(n)

    P̂ being the residuals' empirical law, and ½ the continuity correction for an integer L
    modelled as continuous. N's sampling noise, most of L's, is replaced by its exact law:
    on a 300-agent sinusoid the staffing from 16 replications is as precise as raw quantiles
    from ~250. Where N says nothing about L (no traffic routed to the pool) β is zero and
    this is the observed law of L, centred on each instant's mean.
    """
    observed = np.asarray(samples.observed, dtype=float)
    unlimited = np.asarray(samples.unlimited, dtype=float)
    mean = np.asarray(samples.unlimited_mean, dtype=float)
    instants = observed.shape[1]
    if observed.size == 0:
        return Tail([], np.zeros(1))
    excess = observed - unlimited
    z1 = unlimited - mean
    controls = [z1, z1 * z1 - mean]
    centred = np.stack([z - z.mean(axis=0) for z in controls], axis=-1).reshape(-1, 2)
    target = (excess - excess.mean(axis=0)).ravel()
    beta, _, rank, _ = np.linalg.lstsq(centred, target, rcond=None)
    intercept = excess.mean(axis=0) - beta[0] * z1.mean(axis=0) - beta[1] * controls[1].mean(axis=0)
    residuals = target - centred @ beta
    # Centring per instant and fitting β used up degrees of freedom: widen back.
    dof = residuals.size - instants - rank
    if dof > 0:
        residuals *= math.sqrt(residuals.size / dof)
    residuals = np.sort(residuals)

    laws = []
    for g in range(instants):
        m = max(mean[g], 0.0)
        spread = _POISSON_SPAN_SD * math.sqrt(m) + 2.0
        n = np.arange(max(0, math.floor(m - spread)), math.ceil(m + spread) + 1)
        z = n - m
        laws.append(
            (stats.poisson.pmf(n, m), n + intercept[g] + beta[0] * z + beta[1] * (z * z - m))
        )

    return Tail(laws, residuals)


def staffing_for_interval(samples: InSystemSamples, alpha: float) -> int:
    """min{s : P(L ≥ s) ≤ α} with P from :func:`tail_probability` (bisection: P falls in s)."""
    if samples.observed.size == 0 or alpha >= 1.0:
        return 0
    tail = tail_probability(samples)
    low, high = -1, tail.upper  # tail(−1) = 1 > α; tail(upper) = 0 ≤ α
    while high - low > 1:
        middle = (low + high) // 2
        if tail(middle) <= alpha:
            high = middle
        else:
            low = middle
    return high


def unlimited_means(model: SimModel) -> np.ndarray:
    """[instant, pool]: the exact mean infinite-server count at every sampling instant.

    Only the phone engine counts its arrivals in an infinite-server system: contacts that a
    bot, a retrial or a bounce sends on have no known Poisson mean. There the means are 0,
    the count stays 0, and the tail is the observed law of L (no control variate).
    """
    if not model.phone_only:
        n_samples = math.ceil(model.n_intervals * model.interval_seconds / SAMPLE_SECONDS)
        return np.zeros((n_samples, len(model.pools)))
    # A time step dividing both the interval and the sampling grid (to the millisecond).
    millis = math.gcd(round(model.interval_seconds * 1000), round(SAMPLE_SECONDS * 1000))
    if any(kind.arrivals.shape is not None for kind in model.types):
        # A rate that changes within intervals is followed on a 10-second grid.
        millis = math.gcd(millis, 10_000)
    step = millis / 1000
    n_samples = math.ceil(model.n_intervals * model.interval_seconds / SAMPLE_SECONDS)
    means = np.zeros((n_samples, len(model.pools)))
    for kind in model.types:
        rates, cell = kind.arrivals.step_rates(step)
        means[:, kind.pools[0]] += infinite_server_load_at(
            rates, model.interval_seconds, kind.handle_time, SAMPLE_SECONDS, step, cell
        )[:n_samples]
    return means


def pool_service_levels(
    model: SimModel, result: SimulationResult, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[interval, pool]: service level of the inquiries routed first to each pool, and the
    ends of its ``level`` interval (NaN where nothing was answered or abandoned)."""
    first_pool = np.array([kind.pools[0] for kind in model.types])
    within = np.stack([run.answered_within for run in result.runs])  # [rep, interval, type]
    closed = np.stack([run.answered + run.abandoned for run in result.runs])
    levels = np.full((3, model.n_intervals, len(model.pools)), np.nan)
    for p in range(len(model.pools)):
        mine = first_pool == p
        if mine.any():
            levels[:, :, p] = metrics.ratio_ci(
                within[:, :, mine].sum(axis=2), closed[:, :, mine].sum(axis=2), level
            )
    return levels[0], levels[1], levels[2]


def _retarget(
    alpha: np.ndarray,
    ceiling: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    service_level: float,
) -> np.ndarray:
    """α moved where the simulated service level misses its target beyond doubt.

    P(wait > T) ≈ P(wait) · P(wait > T | wait): if the conditional part stays put, scaling α
    by (1 − target) / (1 − SL) closes the gap. It does not stay put where the load moves
    within the interval (a queue built up at the start of a surge makes the waits that do
    happen long), which is why the stationary α misses there; the loop repeats the step until
    the target lies inside the confidence interval. The step starts from the interval's end
    nearest the target, not from the point estimate: one interval's service level has an sd
    of ~0.05 from 16 replications, and steps from the point estimate chase that noise into
    cycles. α stays at or below ``ceiling``, its stationary Erlang A value: the correction only
    staffs up the intervals the dynamics hurt, and undoes its own overshoot.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        short = np.isfinite(upper) & (upper < service_level)
        ahead = np.isfinite(lower) & (lower > service_level) & (alpha < ceiling)
        factor = np.ones_like(alpha)
        factor[short] = (1.0 - service_level) / (1.0 - upper[short])
        factor[ahead] = (1.0 - service_level) / (1.0 - lower[ahead])
    factor = np.clip(factor, _MAX_ALPHA_STEP**-1, _MAX_ALPHA_STEP)
    return np.minimum(alpha * factor, ceiling)


def _next_staffing(
    model: SimModel, result: SimulationResult, alpha: np.ndarray, means: np.ndarray
) -> np.ndarray:
    observed = np.stack([run.in_system for run in result.runs])  # [rep, instant, pool]
    unlimited = np.stack([run.unlimited_in_system for run in result.runs])
    interval_of = np.arange(observed.shape[1]) * SAMPLE_SECONDS // model.interval_seconds
    agents = np.zeros_like(alpha, dtype=np.int64)
    # L counts live inquiries: a chat agent holds ``slots`` of them, and e-mail keeps some
    # agents busy in the time live work leaves.
    slots = [pool.slots for pool in model.pools]
    extra = [traffic.deferred_agents for traffic in pool_traffic(model)]
    for k in range(model.n_intervals):
        mine = interval_of == k
        for p in range(len(model.pools)):
            samples = InSystemSamples(observed[:, mine, p], unlimited[:, mine, p], means[mine, p])
            servers = staffing_for_interval(samples, alpha[k, p])
            agents[k, p] = -(-servers // slots[p]) + extra[p]
    return agents


def iterate_staffing(
    model: SimModel,
    start: np.ndarray,
    alpha: np.ndarray,
    seed: int,
    replications: int,
    workers: int = 1,
    max_iterations: int = 20,
    tolerance: int = 1,
    on_iteration: Callable[[int, int], None] | None = None,
    service_level: float | None = None,
) -> IsaResult:
    """Run ISA from staffing ``start`` [interval, pool] with delay targets ``alpha``.

    Each iteration also checks the simulated service level of every interval against
    ``service_level`` (default: the model's target) and lowers α where it falls short beyond
    doubt, raising it back (never above its start) where the level is beyond doubt above
    (:func:`_retarget`). Converged when no interval's staffing changes
    by more than ``tolerance`` agents and no α was lowered: with a finite number of
    replications a ±1 flip in a few intervals is sampling noise, not progress.
    """
    names = [pool.name for pool in model.pools]
    means = unlimited_means(model)
    target = model.service_level_target if service_level is None else service_level
    ceiling = np.asarray(alpha, dtype=float)
    alpha = ceiling.copy()
    current = np.asarray(start, dtype=np.int64)
    seen = {current.tobytes(): 0}
    history: list[np.ndarray] = [current]
    rows = []
    converged = False
    result = None
    for iteration in range(1, max_iterations + 1):
        staffed = model.with_staffing({name: current[:, p] for p, name in enumerate(names)})
        result = simulate(staffed, seed=seed, replications=replications, workers=workers)
        _, lower, upper = pool_service_levels(model, result, _RETARGET_CONFIDENCE)
        # Warm-up intervals are not reported: their staffing only fills the system, and the
        # first of them, starting empty, would be retargeted for an artefact of the start.
        counted = slice(model.warmup_intervals, None)
        moved = alpha.copy()
        moved[counted] = _retarget(
            alpha[counted], ceiling[counted], lower[counted], upper[counted], target
        )
        retargeted = int((moved != alpha).any(axis=1).sum())
        # Only a lowered α is unfinished business (an interval still short); one raised back
        # where the level is beyond doubt above moves the staffing by a flip at most.
        lowered = bool((moved < alpha).any())
        alpha = moved
        proposed = _next_staffing(model, result, alpha, means)
        change = np.abs(proposed - current)
        rows.append(
            {
                "iteration": iteration,
                "max_change": int(change.max()),
                "changed_intervals": int((change > 0).any(axis=1).sum()),
                "agent_intervals": int(proposed.sum()),
                "retargeted_intervals": retargeted,
            }
        )
        if on_iteration is not None:
            on_iteration(iteration, max_iterations)
        if change.max() <= tolerance and not lowered:
            # ``current`` is as much a fixed point as ``proposed`` (within the tolerance) and,
            # unlike it, has just been simulated: return it with that run as its check.
            converged = True
            break
        key = proposed.tobytes()
        if key in seen and not lowered:  # a cycle: take the interval-wise maximum over it
            current = np.max(history[seen[key] :], axis=0)
            break
        seen[key] = len(history)
        history.append(proposed)
        current = proposed
    if not converged:
        staffed = model.with_staffing({name: current[:, p] for p, name in enumerate(names)})
        result = simulate(staffed, seed=seed, replications=replications, workers=workers)
    return IsaResult(
        agents=current, iterations=pd.DataFrame(rows), converged=converged, final=result
    )
