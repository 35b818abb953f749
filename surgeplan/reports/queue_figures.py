"""The report's figures of a simulated run: arrivals, load against agents, service per
interval, the customer funnel, e-mail backlog and complaint deadlines.

Each function takes the run's files and returns a matplotlib figure, or ``None`` when the
directory lacks what it draws. Times are local wall time on the scenario's clock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.metrics import point_value

from .clock import clock_axis, interval_end, shade_incidents
from .page import subplots
from .run_files import RunFiles

__all__ = [
    "arrivals_figure",
    "complaints_figure",
    "email_figure",
    "funnel_figure",
    "load_figure",
    "service_figure",
]

WIDTH = 11.0
TARGET_COLOUR = "#c0392b"


def _per_hour(files: RunFiles) -> float:
    return 60.0 / (files.glance.get("interval_minutes") or 15.0)


def _step(ax, x: pd.Series, y, end: pd.Timestamp, **style) -> None:
    """A step line over whole intervals: each value holds until the next interval starts."""
    xs = pd.concat([x, pd.Series([end])], ignore_index=True)
    ys = np.append(np.asarray(y, dtype=float), np.nan if len(y) == 0 else float(y.iloc[-1]))
    ax.step(xs, ys, where="post", **style)


def _finish(fig: Figure, axes, files: RunFiles) -> Figure:
    for ax in np.atleast_1d(axes):
        shade_incidents(ax, files.glance.get("incidents", []))
        clock_axis(ax, files.time_zone, label=False)
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[-1].set_xlabel(
        f"local time ({files.time_zone})" if files.time_zone else "local time"
    )
    fig.align_ylabels()
    return fig


def arrivals_figure(files: RunFiles) -> Figure | None:
    """Arrivals per hour: bot sessions and contacts reaching each channel's people."""
    channels, bots = files.table("channels"), files.table("bots")
    if channels is None and bots is None:
        return None
    per_hour = _per_hour(files)
    fig, ax = subplots(figsize=(WIDTH, 3.6))
    if bots is not None:
        for name, rows in bots.groupby("bot", sort=False):
            ax.plot(
                rows["interval_start"],
                rows["sessions"] * per_hour,
                lw=1.4,
                label=f"bot {name}: sessions",
                color="#7f8c8d",
            )
    if channels is not None:
        for name, rows in channels.groupby("channel", sort=False):
            kind = rows["kind"].iloc[0]
            column = "arrived" if kind == "email" else "offered"
            named = name if name == kind else f"{name} ({kind})"
            ax.plot(
                rows["interval_start"],
                rows[column] * per_hour,
                lw=1.4,
                label=f"{named}: to people",
            )
    ax.set_ylabel("arrivals per hour")
    values = [line.get_ydata() for line in ax.get_lines()]
    peaks = [np.nanmax(v) for v in values if len(v) and np.isfinite(v).any()]
    lows = [np.nanmax(v) for v in values if len(v) and np.isfinite(v).any() and np.nanmax(v) > 0]
    if peaks and lows and max(peaks) / min(lows) > 30:
        ax.set_yscale("log")  # a bot's sessions dwarf the queues for people
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.set_title("Customer arrivals per hour")
    return _finish(fig, ax, files)


def _staffed(files: RunFiles) -> pd.DataFrame | None:
    """Per interval and pool: ``agents`` staffed (simulated or rostered), ``busy`` (agents'
    worth of work in progress: occupancy × agents), ``required`` and ``offered_load``
    where the directory has them."""
    pools, coverage, needs = (
        files.table("pools"),
        files.table("coverage"),
        files.table("requirements"),
    )
    keys = ["interval_start", "pool"]
    frame = None
    if pools is not None:
        frame = pools[keys + ["agents"]].copy()
        frame["busy"] = pools["occupancy"] * pools["agents"]
    if coverage is not None:
        part = coverage[keys + ["required", "scheduled"]]
        frame = part if frame is None else frame.merge(part, on=keys, how="outer")
    elif needs is not None:
        columns = [c for c in ("agents", "offered_load") if c in needs]
        if "method" in needs:
            needs = needs[needs["method"] == needs["method"].iloc[0]]
        part = needs[keys + columns].rename(columns={"agents": "required"})
        if "required" not in part and "required" in needs:
            part = needs[keys + ["required"]]
        frame = part if frame is None else frame.merge(part, on=keys, how="outer")
    return None if frame is None else frame.sort_values(keys)


# The step lines of a pool's panel: column, legend label, line style.
STAFF_LINES = [
    ("agents", "agents staffed (simulated)", {"color": "#2c7fb8", "lw": 1.6}),
    ("scheduled", "agents rostered", {"color": "#1b9e77", "lw": 1.2}),
    ("required", "required", {"color": "#444444", "lw": 1.0, "ls": "--"}),
]


def load_figure(files: RunFiles) -> Figure | None:
    """Per pool: agents staffed against the work (busy agents, offered load) and the
    requirement, over time."""
    frame = _staffed(files)
    if frame is None:
        return None
    values = frame.drop(columns=["interval_start", "pool"])
    shown = [
        p
        for p, rows in frame.groupby("pool", sort=False)
        if values.loc[rows.index].fillna(0).to_numpy().any()
    ]
    if not shown:
        return None
    fig, axes = subplots(
        len(shown),
        1,
        figsize=(WIDTH, 1.9 + 1.7 * len(shown)),
        sharex=True,
        layout="constrained",
        squeeze=False,
    )
    axes = axes[:, 0]
    end = interval_end(frame["interval_start"], files.glance.get("interval_minutes"))
    for ax, pool in zip(axes, shown, strict=True):
        rows = frame[frame["pool"] == pool]
        x = rows["interval_start"]
        for column, label, style in STAFF_LINES:
            if column in rows and rows[column].notna().any():
                _step(ax, x, rows[column].fillna(0), end, label=label, **style)
        if "busy" in rows and rows["busy"].notna().any():
            ax.fill_between(
                x,
                rows["busy"].fillna(0),
                step="post",
                color="#fdae6b",
                alpha=0.7,
                lw=0,
                label="busy (occupancy × agents)",
            )
        if "offered_load" in rows:
            ax.plot(
                x, rows["offered_load"], color="#e6550d", lw=1.2, label="offered load (Erlangs)"
            )
        ax.set_ylabel(pool)
        ax.set_ylim(bottom=0)
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    axes[0].legend(
        handles.values(), handles.keys(), loc="upper left", fontsize=8, ncols=min(len(handles), 4)
    )
    axes[0].set_title("Load against agents, by pool (agents)")
    return _finish(fig, axes, files)


def _band(ax, x, table: pd.DataFrame, metric: str, scale: float, colour: str) -> None:
    low, high = f"{metric}_ci95_low", f"{metric}_ci95_high"
    if low in table and table[low].notna().any():
        ax.fill_between(
            x,
            table[low] * scale,
            table[high] * scale,
            color=colour,
            alpha=0.25,
            lw=0,
            label="95 % confidence interval",
        )


def service_figure(files: RunFiles) -> Figure | None:
    """Service level, ASA and abandonment per interval with 95 % bands and the target."""
    table = files.table("intervals")
    if table is None or table["offered"].sum() == 0:
        return None
    x = table["interval_start"]
    glance = files.glance.get("service_level", {})
    summary = files.json.get("summary", {})
    target = glance.get("target", summary.get("service_level_target"))
    within = glance.get("answer_within_seconds", summary.get("answer_within_seconds"))
    fig, axes = subplots(3, 1, figsize=(WIDTH, 7.4), sharex=True)
    colour = "#2c7fb8"
    ax = axes[0]
    _band(ax, x, table, "service_level", 100, colour)
    ax.plot(x, table["service_level"] * 100, color=colour, lw=1.6, label="all live queues")
    channels = files.table("channels")
    if channels is not None:
        live = channels[channels["kind"].isin(["phone", "chat"])]
        for name, rows in live.groupby("channel", sort=False):
            ax.plot(
                rows["interval_start"], rows["service_level"] * 100, lw=0.9, alpha=0.8, label=name
            )
    if target is not None:
        ax.axhline(
            target * 100,
            color=TARGET_COLOUR,
            ls="--",
            lw=1.2,
            label=f"target {target:.0%} in {within:g} s" if within else "target",
        )
    ax.set_ylabel("service level (%)")
    drawn = [line.get_ydata() for line in ax.get_lines()]
    finite = [np.nanmin(y) for y in drawn if len(y) and np.isfinite(np.asarray(y, float)).any()]
    lowest = min(finite, default=0.0)
    ax.set_ylim(0 if lowest < 50 else lowest - 5, 101)
    ax.legend(loc="lower left", fontsize=8, ncols=3)
    ax.set_title("Service level, speed of answer and abandonment per interval")
    ax = axes[1]
    _band(ax, x, table, "asa_seconds", 1, colour)
    ax.plot(x, table["asa_seconds"], color=colour, lw=1.4)
    ax.set_ylabel("ASA (s)")
    ax.set_ylim(bottom=0)
    ax = axes[2]
    _band(ax, x, table, "abandon_rate", 100, colour)
    ax.plot(x, table["abandon_rate"] * 100, color=colour, lw=1.4)
    ax.set_ylabel("abandoned (%)")
    ax.set_ylim(bottom=0)
    return _finish(fig, axes, files)


FUNNEL = [
    ("inquiries", "inquiries"),
    ("resolved_by_bot", "resolved by a bot"),
    ("answered", "answered by people"),
    ("lost", "lost (gave up)"),
    ("still_open", "still open at the end"),
]


def funnel_figure(files: RunFiles) -> Figure | None:
    """The customers' funnel (summary.json) and each bot's containment over time."""
    funnel = files.json.get("summary", {}).get("funnel")
    bots = files.table("bots")
    if not funnel:
        return None
    fig, axes = subplots(
        1,
        2 if bots is not None else 1,
        figsize=(WIDTH, 3.4),
        layout="constrained",
        squeeze=False,
        width_ratios=[1, 1.6] if bots is not None else None,
    )
    ax = axes[0, 0]
    values = [point_value(funnel.get(key)) or 0.0 for key, _ in FUNNEL]
    labels = [label for _, label in FUNNEL]
    colours = ["#636363", "#7fbf7b", "#2c7fb8", "#d7301f", "#fdae6b"]
    ax.barh(labels[::-1], values[::-1], color=colours[::-1])
    total = values[0] or 1.0
    for y, value in enumerate(values[::-1]):
        ax.text(value, y, f" {value:,.0f} ({value / total:.1%})", va="center", fontsize=8)
    ax.set_xlim(0, total * 1.45)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("customers (mean per replication)")
    ax.set_title("Where the customers went")
    if bots is not None:
        ax = axes[0, 1]
        for name, rows in bots.groupby("bot", sort=False):
            ax.plot(rows["interval_start"], rows["containment_rate"] * 100, lw=1.3, label=name)
        containment = point_value(files.json.get("summary", {}).get("containment_rate"))
        if containment is not None:
            ax.axhline(
                containment * 100,
                color="#444444",
                ls=":",
                lw=1,
                label=f"over the run {containment:.1%}",
            )
        ax.set_ylabel("resolved by the bot (%)")
        ax.set_title("Bot containment per interval")
        ax.legend(fontsize=8, loc="lower left")
        shade_incidents(ax, files.glance.get("incidents", []))
        clock_axis(ax, files.time_zone)
        ax.grid(alpha=0.3)
    return fig


def email_figure(files: RunFiles) -> Figure | None:
    """Each e-mail channel's backlog, and the oldest open message's age against the
    deadline."""
    channels = files.table("channels")
    if channels is None:
        return None
    email = channels[channels["kind"] == "email"]
    if email.empty:
        return None
    per_hour = _per_hour(files)
    fig, axes = subplots(2, 1, figsize=(WIDTH, 5.2), sharex=True)
    deadlines = {c["name"]: c.get("deadline_hours") for c in files.glance.get("channels", [])}
    for name, rows in email.groupby("channel", sort=False):
        x = rows["interval_start"]
        axes[0].plot(x, rows["backlog"], lw=1.6, label=f"{name}: open messages")
        axes[0].plot(
            x, rows["arrived"] * per_hour, lw=0.9, ls="--", label=f"{name}: arriving per hour"
        )
        axes[0].plot(
            x, rows["answered"] * per_hour, lw=0.9, ls=":", label=f"{name}: replies per hour"
        )
        axes[1].plot(x, rows["oldest_wait_hours"], lw=1.4, label=f"{name}: oldest open message")
        hours = deadlines.get(name)
        if hours is not None:
            axes[1].axhline(hours, color=TARGET_COLOUR, ls="--", lw=1.2, label=f"{name}: deadline")
    axes[0].set_ylabel("messages")
    axes[0].set_ylim(bottom=0)
    axes[0].legend(fontsize=8, loc="upper left", ncols=3)
    axes[0].set_title("E-mail backlog")
    axes[1].set_ylabel("age (hours)")
    axes[1].set_ylim(bottom=0)
    axes[1].legend(fontsize=8, loc="upper left")
    return _finish(fig, axes, files)


def complaints_figure(files: RunFiles) -> Figure | None:
    """Complaints by level: shares answered and resolved within their deadlines, and the
    open and overdue ones over time."""
    complaints = files.json.get("summary", {}).get("complaints")
    table = files.table("complaints")
    if not complaints or table is None:
        return None
    levels = list(complaints.get("levels", {}))
    if not levels:
        return None
    fig, axes = subplots(1, 2, figsize=(WIDTH, 3.8), layout="constrained", width_ratios=[1, 1.7])
    ax = axes[0]
    deadlines = {row["level"]: row for row in files.glance.get("complaint_deadlines", [])}
    at = np.arange(len(levels))
    response = [
        100 * (point_value(complaints["levels"][lv].get("responded_in_time_share")) or 0)
        for lv in levels
    ]
    resolved = [
        100 * (point_value(complaints["levels"][lv].get("resolved_in_time_share")) or 0)
        for lv in levels
    ]
    ax.bar(at - 0.2, response, 0.4, label="first response in time", color="#2c7fb8")
    ax.bar(at + 0.2, resolved, 0.4, label="resolved in time", color="#7fbf7b")
    names = []
    for level in levels:
        due = deadlines.get(level)
        names.append(f"{level}\n{due['response']} / {due['resolution']}" if due else level)
    ax.set_xticks(at, names, fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("share of complaints (%)")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("Deadlines met, by level (response / resolution)")
    ax = axes[1]
    by_level = table[table["level"].notna()]
    for level, rows in by_level.groupby("level", sort=True):
        line = ax.plot(rows["interval_start"], rows["open"], lw=1.3, label=f"{level} open")
        if rows["overdue"].any():
            ax.plot(
                rows["interval_start"],
                rows["overdue"],
                lw=1.0,
                ls="--",
                color=line[0].get_color(),
                label=f"{level} overdue",
            )
    ax.set_ylabel("complaints")
    ax.set_ylim(bottom=0)
    ax.set_title("Open and overdue complaints")
    ax.legend(fontsize=8, loc="upper left", ncols=2)
    shade_incidents(ax, files.glance.get("incidents", []))
    clock_axis(ax, files.time_zone)
    ax.grid(alpha=0.3)
    return fig
