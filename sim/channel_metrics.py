"""Tables per channel and per bot, and the customer funnel of the summary.

* ``channels.csv`` — per channel and counted interval, with the channel's ``kind``: for
  phone and chat the contact metrics of :mod:`sim.metrics` over the channel's inquiry types;
  for chat also ``occupancy`` (busy chat-slot time / available slot time of the pools that
  take its chats) and ``agent_engaged`` (share of those pools' agent time holding at least
  one chat); for e-mail ``arrived``, ``answered`` (replies sent in the interval),
  ``answered_within_deadline`` (the share of those sent within the deadline), ``backlog``
  (open at the interval's end) and ``oldest_wait_hours`` (the oldest open message's age then).
* ``bots.csv`` — per bot and counted interval, by session start: ``sessions, resolved,
  escalated, bounced, turned_away`` (by arrival), ``containment_rate`` (resolved / sessions),
  ``concurrent_mean`` (sessions in progress, time average) and ``utilisation``
  (concurrent_mean / capacity; empty without a capacity).
* the **funnel** — customer inquiries arriving in the counted intervals, each counted once
  by how it ended: ``inquiries = resolved_by_bot + answered + lost + still_open``, exactly,
  in every replication.

Counts are means per replication; ratios are pooled (sums over sums), as in
:mod:`sim.metrics`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .metrics import (
    INTERVAL_COLUMNS,
    _counted,
    _divide,
    _json_number,
    _origin_columns,
    _queue_metrics,
    _stack,
    _starts,
    _t_quantile,
    _type_arrays,
)
from .model import SimModel
from .recorder import RawCounts

__all__ = [
    "BOT_COLUMNS",
    "CHANNEL_COLUMNS",
    "FUNNEL_KEYS",
    "bot_table",
    "channel_table",
    "funnel_counts",
    "funnel_summary",
]

_LIVE = [
    c for c in INTERVAL_COLUMNS if c not in ("interval_start", "occupancy", "agents", "incidents")
]
CHANNEL_COLUMNS = [
    "interval_start",
    "channel",
    "kind",
    *_LIVE,
    "occupancy",
    "agent_engaged",
    "arrived",
    "answered_within_deadline",
    "backlog",
    "oldest_wait_hours",
]
BOT_COLUMNS = [
    "interval_start",
    "bot",
    "sessions",
    "resolved",
    "escalated",
    "bounced",
    "turned_away",
    "containment_rate",
    "concurrent_mean",
    "utilisation",
]
FUNNEL_KEYS = ("inquiries", "resolved_by_bot", "answered", "lost", "still_open")

# The e-mail tallies' last axis (sim._contact_engine.EMAIL).
_ARRIVED, _ANSWERED, _WITHIN, _BACKLOG, _OLDEST = range(5)


def channel_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame:
    """One row per channel and counted interval; columns :data:`CHANNEL_COLUMNS`."""
    frames = []
    channels = list(dict.fromkeys(kind.channel for kind in model.types))
    for name in channels:
        members = np.array([kind.channel == name for kind in model.types])
        kind = next(k.kind for k in model.types if k.channel == name)
        if kind == "email":
            columns = _email_columns(model, runs, members)
        else:
            columns = _queue_metrics(*_type_arrays(model, runs, True, types=members))
            columns.update(_origin_columns(model, runs, members))
            if kind == "chat":
                columns.update(_chat_columns(model, runs, members))
        frame = pd.DataFrame({"interval_start": _starts(model), **columns})
        frame.insert(1, "channel", name)
        frame.insert(2, "kind", kind)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.reindex(columns=CHANNEL_COLUMNS)


def _chat_columns(model: SimModel, runs: Sequence[RawCounts], members: np.ndarray):
    """Slot occupancy and agent engagement of the pools taking the channel's chats."""
    pools = [p for p, pool in enumerate(model.pools) if any(members[j] for j in pool.skills)]
    busy = _counted(model, _stack(runs, "busy_seconds"))[:, :, pools].sum(axis=(0, 2))
    agent_time = _counted(model, _stack(runs, "available_seconds"))[:, :, pools]
    slots = np.array([model.pools[p].slots for p in pools], dtype=float)
    slot_time = (agent_time * slots).sum(axis=(0, 2))
    engaged = np.zeros_like(busy)
    for run in runs:
        if run.engaged_seconds is not None:
            engaged += _counted(model, run.engaged_seconds[None])[0][:, pools].sum(axis=1)
    return {
        "occupancy": _divide(busy, slot_time),
        "agent_engaged": _divide(engaged, agent_time.sum(axis=(0, 2))),
    }


def _email_columns(model: SimModel, runs: Sequence[RawCounts], members: np.ndarray):
    reps = len(runs)
    tallies = np.stack([run.email for run in runs])[:, model.warmup_intervals :][:, :, members]
    counts = np.nan_to_num(tallies[..., :_OLDEST]).sum(axis=2)  # [rep, interval, measure]
    # The oldest open message of the channel, averaged over the replications that have one.
    oldest = np.where(np.isnan(tallies[..., _OLDEST]), -np.inf, tallies[..., _OLDEST]).max(axis=2)
    has = np.isfinite(oldest)
    oldest_hours = _divide(np.where(has, oldest, 0.0).sum(axis=0), has.sum(axis=0))
    return {
        "arrived": counts[:, :, _ARRIVED].sum(axis=0) / reps,
        "answered": counts[:, :, _ANSWERED].sum(axis=0) / reps,
        "answered_within_deadline": _divide(
            counts[:, :, _WITHIN].sum(axis=0), counts[:, :, _ANSWERED].sum(axis=0)
        ),
        "backlog": counts[:, :, _BACKLOG].sum(axis=0) / reps,
        "oldest_wait_hours": oldest_hours / 3600.0,
    }


def bot_table(model: SimModel, runs: Sequence[RawCounts]) -> pd.DataFrame | None:
    """One row per bot and counted interval; columns :data:`BOT_COLUMNS`; ``None`` without
    bots."""
    if not model.bots:
        return None
    reps = len(runs)
    tallies = np.stack([run.bots for run in runs])[:, model.warmup_intervals :]
    frames = []
    for b, bot in enumerate(model.bots):
        mine = tallies[:, :, b].sum(axis=0)  # [interval, measure]
        concurrent = mine[:, 5] / reps / model.interval_seconds
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": _starts(model),
                    "bot": bot.name,
                    "sessions": mine[:, 0] / reps,
                    "resolved": mine[:, 1] / reps,
                    "escalated": mine[:, 2] / reps,
                    "bounced": mine[:, 3] / reps,
                    "turned_away": mine[:, 4] / reps,
                    "containment_rate": _divide(mine[:, 1], mine[:, 0]),
                    "concurrent_mean": concurrent,
                    "utilisation": concurrent / bot.capacity if bot.capacity else np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[BOT_COLUMNS]


def funnel_counts(model: SimModel, run: RawCounts) -> dict[str, int]:
    """One replication's funnel over the counted intervals (exact integers)."""
    w = model.warmup_intervals
    if run.funnel is not None:
        totals = run.funnel[w:].sum(axis=0)
        return {key: int(totals[i]) for i, key in enumerate(FUNNEL_KEYS)}
    # The phone engine: every customer is one contact, answered, abandoned (lost) or open.
    return {
        "inquiries": int(run.offered[w:].sum()),
        "resolved_by_bot": 0,
        "answered": int(run.answered[w:].sum()),
        "lost": int(run.abandoned[w:].sum()),
        "still_open": int(run.still_open[w:].sum()),
    }


def funnel_summary(model: SimModel, runs: Sequence[RawCounts]) -> dict[str, object]:
    """The summary's ``funnel`` (means, with per-replication exact counts) and
    ``containment_rate`` (bot sessions resolved / bot sessions; ``None`` without bots)."""
    per_rep = [funnel_counts(model, run) for run in runs]
    funnel: dict[str, object] = {}
    for key in FUNNEL_KEYS:
        values = np.array([rep[key] for rep in per_rep], dtype=float)
        funnel[key] = _mean_entry(values)
    funnel["per_replication"] = per_rep
    entry: dict[str, object] = {"funnel": funnel}
    if model.bots:
        tallies = np.stack([run.bots for run in runs])[:, model.warmup_intervals :]
        sessions = tallies[..., 0].sum(axis=(1, 2))
        resolved = tallies[..., 1].sum(axis=(1, 2))
        rates = _divide(resolved, sessions)
        entry["containment_rate"] = _mean_entry(rates)
    else:
        entry["containment_rate"] = None
    return entry


def _mean_entry(values: np.ndarray):
    """A number for one replication, ``{"mean", "ci95"}`` for several (as in the summary)."""
    if len(values) == 1:
        return _json_number(values[0])
    finite = values[~np.isnan(values)]
    if not len(finite):
        return {"mean": None, "ci95": [None, None]}
    mean = float(finite.mean())
    half = (
        float(_t_quantile(0.975, len(finite) - 1) * finite.std(ddof=1) / np.sqrt(len(finite)))
        if len(finite) > 1
        else float("nan")
    )
    return {
        "mean": _json_number(mean),
        "ci95": [_json_number(mean - half), _json_number(mean + half)],
    }
