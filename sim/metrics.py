"""Queue metrics from per-replication tallies, as pandas tables.

Definitions (the same names everywhere), over inquiries arriving in the counted intervals:

* ``p_wait``        share of offered that waited > 0 (abandoned count as waited)
* ``abandon_rate``  abandoned / (answered + abandoned)
* ``asa_seconds``   mean wait of answered inquiries
* ``service_level`` answered within ``answer_within`` / (answered + abandoned)
* ``occupancy``     busy agent-time / available agent-time
* ``wait_p50_seconds``, ``wait_p90_seconds``  percentiles of the wait of answered inquiries

Over replications, interval ratios are pooled (sum of numerators over sum of
denominators) with a ratio-estimator 95 % confidence interval; whole-run figures in the
summary are the mean over replications with a Student-t 95 % interval. A ratio with a
zero denominator is NaN (an empty cell in CSV), never 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .model import SimModel
from .recorder import N_WAIT_BINS, WAIT_BIN_EDGES, RawCounts

__all__ = [
    "INTERVAL_COLUMNS",
    "ORIGIN_COLUMNS",
    "POOL_TYPE_COLUMNS",
    "active_incidents",
    "day_service_levels",
    "interval_table",
    "pool_table",
    "point_value",
    "pool_type_table",
    "ratio_ci",
    "summary",
    "type_table",
    "wait_percentile",
]

# How contacts joined a people queue (sim._contact_engine.ORIGINS).
ORIGIN_COLUMNS = ["first_attempts", "escalated", "retrials", "bounce_backs"]

INTERVAL_COLUMNS = [
    "interval_start",
    "offered",
    "answered",
    "abandoned",
    "p_wait",
    "service_level",
    "asa_seconds",
    "occupancy",
    "agents",
    "abandon_rate",
    "wait_p50_seconds",
    "wait_p90_seconds",
    "still_open",
    "service_level_ci95_low",
    "service_level_ci95_high",
    "asa_seconds_ci95_low",
    "asa_seconds_ci95_high",
    "abandon_rate_ci95_low",
    "abandon_rate_ci95_high",
    # Last, so that files read by position keep their layout: offered split by how the
    # contacts joined, and the incidents active in the interval.
    *ORIGIN_COLUMNS,
    "incidents",
]
_CI_METRICS = ("service_level", "asa_seconds", "abandon_rate")
TIME_FORMAT = "%Y-%m-%d %H:%M"


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _t_quantile(q: float, df: int) -> float:
    """Student-t quantile: what ``scipy.stats.t.ppf`` computes, without importing
    scipy.stats (half a second of start-up) for a run of one replication, which needs none.
    """
    from scipy.special import stdtrit

    return stdtrit(df, q)


def ratio_ci(
    num: np.ndarray, den: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled ratio Σnum/Σden over axis 0 (replications) and its ``level`` interval.

    Uses the ratio estimator's variance Σ(numᵢ − r·denᵢ)² / (R(R−1)·mean(den)²) with a
    Student-t quantile on R − 1 degrees of freedom; NaN where R < 2 or Σden = 0.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    reps = num.shape[0]
    ratio = _divide(num.sum(axis=0), den.sum(axis=0))
    if reps < 2:
        nan = np.full_like(ratio, np.nan)
        return ratio, nan, nan
    residual = num - np.nan_to_num(ratio) * den
    mean_den = den.mean(axis=0)
    variance = _divide((residual**2).sum(axis=0), reps * (reps - 1) * mean_den**2)
    half = _t_quantile(0.5 + level / 2.0, reps - 1) * np.sqrt(variance)
    return ratio, ratio - half, ratio + half


def wait_percentile(hist: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile (0–1) of waits from histograms on the last axis, interpolated in-bin."""
    hist = np.asarray(hist, dtype=float)
    total = hist.sum(axis=-1)
    cumulative = np.cumsum(hist, axis=-1)
    goal = q * total
    idx = np.minimum((cumulative < goal[..., None]).sum(axis=-1), N_WAIT_BINS - 1)
    before = (
        np.take_along_axis(cumulative, idx[..., None], -1)[..., 0]
        - np.take_along_axis(hist, idx[..., None], -1)[..., 0]
    )
    inside = np.take_along_axis(hist, idx[..., None], -1)[..., 0]
    # Bin 1 starts a hair above zero only to keep exact zeros in bin 0; interpolate from 0.
    lower = np.where(idx == 1, 0.0, WAIT_BIN_EDGES[idx])
    upper = np.append(WAIT_BIN_EDGES[1:], WAIT_BIN_EDGES[-1])[idx]
    fraction = _divide(goal - before, inside)
    value = lower + np.nan_to_num(fraction) * (upper - lower)
    value = np.where(idx == 0, 0.0, value)  # the first bin is "answered at once"
    return np.where(total > 0, value, np.nan)


def _queue_metrics(
    offered, answered, abandoned, within, waited, wait_sum, hist, still_open
) -> dict[str, np.ndarray]:
    """Pooled queue metrics from arrays with a leading replication axis."""
    reps = offered.shape[0]
    closed = answered + abandoned
    columns: dict[str, np.ndarray] = {
        "offered": offered.sum(axis=0) / reps,
        "answered": answered.sum(axis=0) / reps,
        "abandoned": abandoned.sum(axis=0) / reps,
        "still_open": still_open.sum(axis=0) / reps,
    }
    columns["p_wait"], *_ = ratio_ci(waited + abandoned, offered)
    for name, num, den, upper in (
        ("service_level", within, closed, 1.0),
        ("asa_seconds", wait_sum, answered, np.inf),
        ("abandon_rate", abandoned, closed, 1.0),
    ):
        ratio, low, high = ratio_ci(num, den)
        columns[name] = ratio
        # The normal approximation can cross a bound the metric cannot; clip to it.
        columns[f"{name}_ci95_low"] = np.clip(low, 0.0, upper)
        columns[f"{name}_ci95_high"] = np.clip(high, 0.0, upper)
    pooled_hist = hist.sum(axis=0)
    columns["wait_p50_seconds"] = wait_percentile(pooled_hist, 0.5)
    columns["wait_p90_seconds"] = wait_percentile(pooled_hist, 0.9)
    return columns


def _stack(runs: Sequence[RawCounts], name: str) -> np.ndarray:
    return np.stack([getattr(run, name) for run in runs])


def _counted(model: SimModel, array: np.ndarray) -> np.ndarray:
    """Drop the warm-up intervals (axis 1 after the replication axis)."""
    return array[:, model.warmup_intervals :]


def _starts(model: SimModel) -> list[str]:
    return [t.strftime(TIME_FORMAT) for t in model.interval_starts[model.warmup_intervals :]]


def _live(model: SimModel) -> np.ndarray:
    """Which inquiry types are live (phone, chat): the people's queues of the tables."""
    return np.array([kind.live for kind in model.types])


def _origins(run: RawCounts) -> np.ndarray:
    """[interval, type, origin]: contacts by how they joined (the phone engine's are all
    first attempts)."""
    if run.origin is not None:
        return run.origin
    origin = np.zeros((*run.offered.shape, len(ORIGIN_COLUMNS)), dtype=np.int64)
    origin[:, :, 0] = run.offered
    return origin


def _type_arrays(
    model: SimModel, runs: Sequence[RawCounts], sum_types: bool, types: np.ndarray | None = None
):
    """The queue counts of the counted intervals, [replication, interval, type(, …)]; summed
    over the live types with ``sum_types`` (or over ``types``, a mask)."""
    names = (
        "offered",
        "answered",
        "abandoned",
        "answered_within",
        "answered_waited",
        "wait_seconds",
        "wait_hist",
        "still_open",
    )
    arrays = [_counted(model, _stack(runs, name)) for name in names]
    if sum_types:
        mask = _live(model) if types is None else types
        arrays = [a[:, :, mask].sum(axis=2) for a in arrays]
    return arrays


def _origin_columns(
    model: SimModel, runs: Sequence[RawCounts], types: np.ndarray
) -> dict[str, np.ndarray]:
    """Contacts per interval by how they joined, mean per replication, over ``types``."""
    origin = _counted(model, np.stack([_origins(run) for run in runs]))[:, :, types]
    mean = origin.sum(axis=2).sum(axis=0) / len(runs)
    return {name: mean[:, i] for i, name in enumerate(ORIGIN_COLUMNS)}


def _slot_seconds(model: SimModel, runs: Sequence[RawCounts]) -> np.ndarray:
    """[replication, interval, pool] available slot-seconds: agent time × slots per agent."""
    slots = np.array([pool.slots for pool in model.pools], dtype=float)
    return _counted(model, _stack(runs, "available_seconds")) * slots


def interval_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame:
    """One row per counted interval for the people's live queues (phone, chat); columns
    :data:`INTERVAL_COLUMNS`."""
    columns = _queue_metrics(*_type_arrays(model, runs, sum_types=True))
    columns.update(_origin_columns(model, runs, _live(model)))
    busy = _counted(model, _stack(runs, "busy_seconds")).sum(axis=2)
    available = _slot_seconds(model, runs).sum(axis=2)
    columns["occupancy"] = _divide(busy.sum(axis=0), available.sum(axis=0))
    columns["agents"] = runs[0].scheduled_agents[model.warmup_intervals :].sum(axis=1)
    columns["incidents"] = active_incidents(model)
    table = pd.DataFrame({"interval_start": _starts(model), **columns})
    return table[INTERVAL_COLUMNS]


def active_incidents(model: SimModel) -> list[str]:
    """Per counted interval, the labels of the incidents whose window overlaps it."""
    dt = model.interval_seconds
    labels = []
    for k in range(model.warmup_intervals, model.n_intervals):
        begin, end = k * dt, (k + 1) * dt
        labels.append(
            "; ".join(i.label for i in model.incidents if i.start < end and i.end > begin)
        )
    return labels


def type_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame:
    """One row per counted interval and live inquiry type (e-mail has channels.csv)."""
    arrays = _type_arrays(model, runs, sum_types=False)
    frames = []
    for j, kind in enumerate(model.types):
        if not kind.live:
            continue
        per_type = [a[:, :, j] for a in arrays]
        columns = _queue_metrics(*per_type)
        only = np.zeros(len(model.types), dtype=bool)
        only[j] = True
        columns.update(_origin_columns(model, runs, only))
        frame = pd.DataFrame({"interval_start": _starts(model), **columns})
        frame.insert(1, "inquiry_type", kind.name)
        frame.insert(2, "channel", kind.channel)
        frames.append(frame)
    order = [c for c in INTERVAL_COLUMNS if c not in ("occupancy", "agents", "incidents")]
    columns = ["interval_start", "inquiry_type", "channel", *order[1:]]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    return table[columns]


def pool_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame:
    """One row per counted interval and pool: scheduled agents, answered, occupancy (busy
    slot-time over available slot-time: a chat agent has ``max_concurrent`` slots)."""
    reps = len(runs)
    answered = _counted(model, _stack(runs, "pool_answered")).sum(axis=0) / reps
    busy = _counted(model, _stack(runs, "busy_seconds")).sum(axis=0)
    available = _slot_seconds(model, runs).sum(axis=0)
    occupancy = _divide(busy, available)
    agents = runs[0].scheduled_agents[model.warmup_intervals :]
    frames = [
        pd.DataFrame(
            {
                "interval_start": _starts(model),
                "pool": pool.name,
                "agents": agents[:, p],
                "answered": answered[:, p],
                "occupancy": occupancy[:, p],
            }
        )
        for p, pool in enumerate(model.pools)
    ]
    return pd.concat(frames, ignore_index=True)


POOL_TYPE_COLUMNS = ["interval_start", "pool", "inquiry_type", "answered", "asa_seconds"]


def pool_type_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame:
    """One row per counted interval, pool and live inquiry type it may answer: contacts of
    that type the pool answered (by the interval they joined, mean per replication) and
    their mean wait — where overflow goes, and how long it waited first."""
    reps = len(runs)
    answered = _counted(model, _stack(runs, "pool_type_answered")).sum(axis=0)
    waits = _counted(model, _stack(runs, "pool_type_wait_seconds")).sum(axis=0)
    frames = []
    for p, pool in enumerate(model.pools):
        for j, kind in enumerate(model.types):
            if not kind.live or p not in kind.pools:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": _starts(model),
                        "pool": pool.name,
                        "inquiry_type": kind.name,
                        "answered": answered[:, p, j] / reps,
                        "asa_seconds": _divide(waits[:, p, j], answered[:, p, j]),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=POOL_TYPE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[POOL_TYPE_COLUMNS]


SUMMARY_METRICS = (
    "offered",
    "answered",
    "abandoned",
    "still_open",
    "p_wait",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "occupancy",
    "wait_p50_seconds",
    "wait_p90_seconds",
)


def _per_replication(model: SimModel, run: RawCounts) -> dict[str, float]:
    """Whole-run metrics of one replication over the counted intervals."""
    offered, answered, abandoned, within, waited, wait_sum, hist, still_open = (
        a.sum(axis=1) for a in _type_arrays(model, [run], sum_types=True)
    )
    columns = _queue_metrics(
        offered, answered, abandoned, within, waited, wait_sum, hist, still_open
    )
    busy = _counted(model, run.busy_seconds[None]).sum()
    available = _slot_seconds(model, [run]).sum()
    columns["occupancy"] = _divide(busy, available)
    return {name: float(np.asarray(columns[name]).reshape(-1)[0]) for name in SUMMARY_METRICS}


def day_service_levels(model: SimModel, runs: Sequence[RawCounts]) -> np.ndarray:
    """Each replication's service level over its counted intervals (NaN with no inquiries)."""
    return np.array([_per_replication(model, run)["service_level"] for run in runs])


def summary(model: SimModel, runs: Sequence[RawCounts]) -> dict[str, object]:
    """Whole-run metrics: numbers for one replication, ``{"mean", "ci95"}`` for several."""
    per_rep = [_per_replication(model, run) for run in runs]
    out: dict[str, object] = {}
    for name in SUMMARY_METRICS:
        values = np.array([rep[name] for rep in per_rep])
        if len(runs) == 1:
            out[name] = _json_number(values[0])
            continue
        finite = values[~np.isnan(values)]
        if len(finite) == 0:
            out[name] = {"mean": None, "ci95": [None, None]}
            continue
        mean = float(finite.mean())
        if len(finite) > 1:
            half = float(
                _t_quantile(0.975, len(finite) - 1) * finite.std(ddof=1) / np.sqrt(len(finite))
            )
        else:
            half = float("nan")
        out[name] = {
            "mean": _json_number(mean),
            "ci95": [_json_number(mean - half), _json_number(mean + half)],
        }
    return out


def point_value(metric: object) -> float | int | None:
    """A :func:`summary` metric's point value: the number itself, or ``mean`` of
    ``{"mean", "ci95"}``."""
    return metric.get("mean") if isinstance(metric, dict) else metric


def _json_number(value: float) -> float | int | None:
    if value is None or np.isnan(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
