"""Complaints as the manual measures them: deadlines met per level, open and overdue cases.

* ``complaints.csv`` — per counted interval, one row per level (``level`` set, ``category``
  empty) and one per category (the reverse): ``arrived`` (complaints arriving in the
  interval), ``responded_in_time`` and ``resolved_in_time`` (of those, how many got their
  first response / resolution by its deadline, whenever that came), ``open`` (arrived by the
  interval's end and not resolved then) and ``overdue`` (open, and past the deadline of the
  step they await: the response if none was given yet, else the resolution).
* ``early_warnings.csv`` — the intervals whose complaint arrivals per hour (mean over the
  replications) exceed ``early_warning.per_hour``.
* the summary's ``complaints`` — per level the shares responded and resolved within their
  deadlines, and ``closed_within_72h`` (the manual's service-quality target: 90 % of
  complaints closed within 72 h).

Counts are means per replication over the complaints arriving in the counted intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .metrics import _divide, _starts
from .model import SimModel
from .recorder import RawCounts

__all__ = [
    "CLOSED_WITHIN_SECONDS",
    "COMPLAINT_COLUMNS",
    "WARNING_COLUMNS",
    "complaint_summary",
    "complaint_table",
    "early_warning_table",
]

COMPLAINT_COLUMNS = [
    "interval_start",
    "level",
    "category",
    "arrived",
    "responded_in_time",
    "resolved_in_time",
    "open",
    "overdue",
]
WARNING_COLUMNS = ["interval_start", "complaints", "per_hour", "threshold_per_hour"]
CLOSED_WITHIN_SECONDS = 72 * 3600.0  # the service-quality target's window
CLOSED_TARGET = 0.9

ARRIVED, LEVEL, CATEGORY, RESPONSE_DUE, RESOLUTION_DUE, RESPONDED, RESOLVED = range(7)


def _tallies(model: SimModel, log: np.ndarray, group: int, n_groups: int) -> np.ndarray:
    """[interval, group, measure] for one replication's complaints (all intervals)."""
    n = model.n_intervals
    dt = model.interval_seconds
    out = np.zeros((n, n_groups, 5))
    if not len(log):
        return out
    arrived = log[:, ARRIVED]
    k = np.minimum((arrived // dt).astype(np.int64), n - 1)
    g = log[:, group].astype(np.int64)
    responded_ok = log[:, RESPONDED] <= log[:, RESPONSE_DUE]
    resolved_ok = log[:, RESOLVED] <= log[:, RESOLUTION_DUE]
    np.add.at(out, (k, g, 0), 1)
    np.add.at(out, (k, g, 1), responded_ok)
    np.add.at(out, (k, g, 2), resolved_ok)
    ends = (np.arange(n) + 1) * dt
    for i, end in enumerate(ends):
        still = (arrived <= end) & (log[:, RESOLVED] > end)
        waiting_response = log[:, RESPONDED] > end
        due = np.where(waiting_response, log[:, RESPONSE_DUE], log[:, RESOLUTION_DUE])
        np.add.at(out[i], (g[still], 3), 1)
        late = still & (due < end)
        np.add.at(out[i], (g[late], 4), 1)
    return out


def complaint_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame | None:
    """Rows per level and per category; columns :data:`COMPLAINT_COLUMNS`. ``None`` without
    complaints."""
    spec = model.complaints
    if spec is None:
        return None
    reps = len(runs)
    w = model.warmup_intervals
    frames = []
    for group, names, column in (
        (LEVEL, spec.levels, "level"),
        (CATEGORY, spec.categories, "category"),
    ):
        totals = sum(_tallies(model, run.complaints, group, len(names)) for run in runs) / reps
        for i, name in enumerate(names):
            frame = pd.DataFrame(
                {
                    "interval_start": _starts(model),
                    "level": name if column == "level" else "",
                    "category": name if column == "category" else "",
                    "arrived": totals[w:, i, 0],
                    "responded_in_time": totals[w:, i, 1],
                    "resolved_in_time": totals[w:, i, 2],
                    "open": totals[w:, i, 3],
                    "overdue": totals[w:, i, 4],
                }
            )
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)[COMPLAINT_COLUMNS]


def early_warning_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame | None:
    """Counted intervals whose complaint arrivals per hour exceed the threshold; ``None``
    without an early warning."""
    spec = model.complaints
    if spec is None or spec.early_warning_per_hour is None:
        return None
    n, dt, w = model.n_intervals, model.interval_seconds, model.warmup_intervals
    counts = np.zeros(n)
    for run in runs:
        k = np.minimum((run.complaints[:, ARRIVED] // dt).astype(np.int64), n - 1)
        counts += np.bincount(k, minlength=n)[:n]
    counts = counts[w:] / len(runs)
    per_hour = counts * 3600.0 / dt
    table = pd.DataFrame(
        {
            "interval_start": _starts(model),
            "complaints": counts,
            "per_hour": per_hour,
            "threshold_per_hour": spec.early_warning_per_hour,
        }
    )
    return table[table["per_hour"] > spec.early_warning_per_hour].reset_index(drop=True)


def complaint_summary(model: SimModel, runs: Sequence[RawCounts]) -> dict[str, object]:
    """The summary's ``complaints`` entry (empty without complaints)."""
    spec = model.complaints
    if spec is None:
        return {}
    start = model.warmup_intervals * model.interval_seconds
    logs = [run.complaints[run.complaints[:, ARRIVED] >= start] for run in runs]
    every = np.concatenate(logs) if logs else np.zeros((0, 7))
    levels = {}
    for i, name in enumerate(spec.levels):
        mine = every[every[:, LEVEL] == i]
        levels[name] = {
            "arrived": len(mine) / len(runs),
            "responded_in_time_share": _share(mine[:, RESPONDED] <= mine[:, RESPONSE_DUE]),
            "resolved_in_time_share": _share(mine[:, RESOLVED] <= mine[:, RESOLUTION_DUE]),
        }
    closed = every[:, RESOLVED] - every[:, ARRIVED] <= CLOSED_WITHIN_SECONDS
    return {
        "complaints": {
            "arrived": len(every) / len(runs),
            "levels": levels,
            "closed_within_72h": _share(closed),
            "closed_within_72h_target": CLOSED_TARGET,
        }
    }


def _share(flags: np.ndarray) -> float | None:
    value = _divide(np.count_nonzero(flags), len(flags))
    return None if np.isnan(value) else float(value)
