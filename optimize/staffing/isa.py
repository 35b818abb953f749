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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import SimulationResult, simulate
from sim.model import SimModel
from sim.recorder import SAMPLE_SECONDS

__all__ = ["IsaResult", "iterate_staffing", "staffing_from_samples"]


@dataclass(frozen=True)
class IsaResult:
    agents: np.ndarray  # [interval, pool]
    iterations: pd.DataFrame  # iteration, max_change, changed_intervals, agent_intervals
    converged: bool
    final: SimulationResult  # a run of the returned staffing


def staffing_from_samples(samples: np.ndarray, alpha: float) -> int:
    """min{s : P(L ≥ s) ≤ α} for observed numbers in system ``samples``."""
    if samples.size == 0 or alpha >= 1.0:
        return 0
    if alpha <= 0.0:
        return int(samples.max()) + 1
    # P(L ≥ s) ≤ α  ⇔  P(L ≤ s − 1) ≥ 1 − α  ⇔  s − 1 ≥ the (1 − α) quantile (inverse cdf).
    return int(np.quantile(samples, 1.0 - alpha, method="inverted_cdf")) + 1


def _next_staffing(model: SimModel, result: SimulationResult, alpha: np.ndarray) -> np.ndarray:
    in_system = np.stack([run.in_system for run in result.runs])  # [rep, sample, pool]
    sample_interval = np.arange(in_system.shape[1]) * SAMPLE_SECONDS // model.interval_seconds
    agents = np.zeros_like(alpha, dtype=np.int64)
    for k in range(model.n_intervals):
        samples = in_system[:, sample_interval == k, :]
        for p in range(len(model.pools)):
            agents[k, p] = staffing_from_samples(samples[:, :, p].ravel(), alpha[k, p])
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
) -> IsaResult:
    """Run ISA from staffing ``start`` [interval, pool] with delay targets ``alpha``.

    Converged when no interval's staffing changes by more than ``tolerance`` agents: with a
    finite number of replications a ±1 flip in a few intervals is sampling noise, not
    progress.
    """
    names = [pool.name for pool in model.pools]
    current = np.asarray(start, dtype=np.int64)
    seen = {current.tobytes(): 0}
    history: list[np.ndarray] = [current]
    rows = []
    converged = False
    result = None
    for iteration in range(1, max_iterations + 1):
        staffed = model.with_staffing({name: current[:, p] for p, name in enumerate(names)})
        result = simulate(staffed, seed=seed, replications=replications, workers=workers)
        proposed = _next_staffing(model, result, alpha)
        change = np.abs(proposed - current)
        rows.append(
            {
                "iteration": iteration,
                "max_change": int(change.max()),
                "changed_intervals": int((change > 0).any(axis=1).sum()),
                "agent_intervals": int(proposed.sum()),
            }
        )
        if on_iteration is not None:
            on_iteration(iteration, max_iterations)
        if change.max() <= tolerance:
            converged = True
            current = proposed
            break
        key = proposed.tobytes()
        if key in seen:  # a cycle: take the interval-wise maximum over it, to be safe
            current = np.max(history[seen[key] :], axis=0)
            break
        seen[key] = len(history)
        history.append(proposed)
        current = proposed
    if not converged or tolerance > 0:
        staffed = model.with_staffing({name: current[:, p] for p, name in enumerate(names)})
        result = simulate(staffed, seed=seed, replications=replications, workers=workers)
    return IsaResult(
        agents=current, iterations=pd.DataFrame(rows), converged=converged, final=result
    )
