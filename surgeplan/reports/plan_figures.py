"""The report's figures and tables of a plan: its rounds, coverage against requirement, the
roster (agents × days) and how close the roster comes to each labour rule."""

from __future__ import annotations

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from .clock import clock_axis, interval_end
from .page import subplots
from .run_files import RunFiles

__all__ = ["coverage_figure", "roster_days", "roster_extremes", "roster_figure", "rounds_figure"]

WIDTH = 11.0


def rounds_figure(files: RunFiles) -> Figure | None:
    """Each round's intervals at target against its roster cost, the kept one marked."""
    rounds = files.table("rounds")
    if rounds is None or rounds.empty:
        return None
    goal = files.json.get("summary", {}).get("plan", {}).get("goal_intervals_meeting")
    fig, axes = subplots(1, 2, figsize=(WIDTH, 3.2))
    x = rounds["round"]
    kept = rounds["kept"].astype(str).str.lower() == "true"
    axes[0].plot(x, rounds["intervals_meeting_share"] * 100, "o-", color="#2c7fb8")
    axes[0].plot(
        x[kept],
        rounds.loc[kept, "intervals_meeting_share"] * 100,
        "o",
        ms=12,
        mfc="none",
        mec="#c0392b",
        mew=2,
        label="kept",
    )
    if goal is not None:
        axes[0].axhline(goal * 100, color="#c0392b", ls="--", lw=1.2, label=f"goal {goal:.0%}")
    axes[0].set_ylabel("intervals meeting the target (%)")
    axes[0].legend(fontsize=8)
    axes[1].bar(x, rounds["cost"], color=np.where(kept, "#c0392b", "#9ecae1"))
    axes[1].set_ylabel("roster cost")
    for ax in axes:
        ax.set_xlabel("round")
        ax.set_xticks(x)
        ax.grid(alpha=0.3)
    axes[0].set_title("Plan rounds: intervals at target")
    axes[1].set_title("Plan rounds: roster cost (kept round in red)")
    return fig


def coverage_figure(files: RunFiles) -> Figure | None:
    """Agents rostered minus agents required, per pool and interval (blue: more than
    required, red: short)."""
    coverage = files.table("coverage")
    if coverage is None or coverage.empty:
        return None
    coverage = coverage.assign(
        margin=coverage["scheduled"] + coverage["outsourced"] - coverage["required"]
    )
    grid = coverage.pivot_table(
        index="pool", columns="interval_start", values="margin", aggfunc="sum", sort=False
    )
    starts = pd.Series(grid.columns)
    end = interval_end(starts, files.glance.get("interval_minutes"))
    edges = mdates.date2num(pd.concat([starts, pd.Series([end])], ignore_index=True))
    # A launch's shortfall of hundreds would wash out every other cell: the scale stops at
    # the 98th percentile and the colour bar's arrows say "beyond".
    margins = np.abs(grid.to_numpy())
    limit = max(1.0, float(np.nanpercentile(margins, 98)) if np.isfinite(margins).any() else 1.0)
    fig, ax = subplots(figsize=(WIDTH, 1.4 + 0.45 * len(grid)))
    mesh = ax.pcolormesh(
        edges,
        np.arange(len(grid) + 1),
        grid.to_numpy(),
        cmap="RdBu",
        norm=TwoSlopeNorm(0, -limit, limit),
        shading="flat",
    )
    ax.set_yticks(np.arange(len(grid)) + 0.5, grid.index)
    ax.invert_yaxis()
    ax.xaxis_date()
    clock_axis(ax, files.time_zone)
    fig.colorbar(mesh, ax=ax, label="rostered − required (agents)", pad=0.01, extend="both")
    ax.set_title("Coverage against requirement")
    return fig


def roster_figure(files: RunFiles) -> Figure | None:
    """Every agent's shifts across the horizon (one row per agent, coloured by pool),
    breaks as gaps; days marked."""
    roster = files.table("roster")
    if roster is None or roster.empty:
        return None
    order = (
        roster.groupby("agent")
        .agg(pool=("pool", "first"), first=("shift_start", "min"))
        .sort_values(["pool", "first"])
    )
    row = {agent: number for number, agent in enumerate(order.index)}
    pools = list(dict.fromkeys(order["pool"]))
    colours = dict(zip(pools, matplotlib.colormaps["tab10"].colors, strict=False))
    height = min(22.0, 2.0 + 0.022 * len(order))
    fig, ax = subplots(figsize=(WIDTH, height))
    line_width = max(0.6, min(4.0, 300 / len(order)))
    for pool, rows in roster.groupby("pool", sort=False):
        y = rows["agent"].map(row)
        # A shift with a break is drawn as two pieces: before and after it.
        whole = rows["break_start"].isna()
        pieces = [
            (y[whole], rows.loc[whole, "shift_start"], rows.loc[whole, "shift_end"]),
            (y[~whole], rows.loc[~whole, "shift_start"], rows.loc[~whole, "break_start"]),
            (y[~whole], rows.loc[~whole, "break_end"], rows.loc[~whole, "shift_end"]),
        ]
        for ys, begins, ends in pieces:
            ax.hlines(ys, begins, ends, color=colours.get(pool, "#444444"), lw=line_width)
        ax.plot([], [], color=colours.get(pool, "#444444"), lw=4, label=pool)
    start, stop = roster["shift_start"].min(), roster["shift_end"].max()
    glance = files.glance
    if glance:
        start = min(start, pd.Timestamp(glance["start"]))
        stop = max(stop, pd.Timestamp(glance["end"]))
    for day in pd.date_range(start.ceil("D"), stop, freq="D"):
        ax.axvline(day, color="#999999", lw=0.6)
    ax.set_xlim(start, stop)
    ax.set_ylim(len(order), -1)
    ax.set_ylabel(f"{len(order)} agents (by pool, then first shift)")
    ax.set_yticks([])
    clock_axis(ax, files.time_zone)
    # Above the plot: inside, it would hide the shifts of the first agents.
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        fontsize=8,
        frameon=False,
        ncols=min(len(pools), 7),
    )
    return fig


def roster_days(roster: pd.DataFrame) -> pd.DataFrame:
    """The roster as managers read it: one row per agent (with its pool), one column per
    day, each cell the shift's hours (``08:00–16:30``, ``·`` off)."""
    table = roster.assign(
        hours=roster["shift_start"].dt.strftime("%H:%M")
        + "–"
        + roster["shift_end"].dt.strftime("%H:%M")
    )
    grid = table.pivot_table(
        index=["pool", "agent"], columns="date", values="hours", aggfunc=" / ".join
    )
    return grid.fillna("·").reset_index()


def roster_extremes(roster: pd.DataFrame) -> dict[str, str]:
    """How close the roster comes to each rule, measured on the roster itself (the audit
    counts the violations): rule name → the extreme value found."""
    if roster.empty:
        return {}
    length = (roster["shift_end"] - roster["shift_start"]).dt.total_seconds() / 3600
    ordered = roster.sort_values(["agent", "shift_start"])
    following = ordered.groupby("agent")["shift_start"].shift(-1)
    rest = (following - ordered["shift_end"]).dt.total_seconds().dropna() / 3600
    starts = roster.groupby(["agent", roster["shift_start"].dt.normalize()]).size()
    days = roster.assign(day=roster["shift_start"].dt.normalize())[["agent", "day"]]
    days = days.drop_duplicates().sort_values(["agent", "day"])
    new_run = days.groupby("agent")["day"].diff() != pd.Timedelta(days=1)
    run_lengths = new_run.groupby([days["agent"], new_run.cumsum()]).size()
    with_break = int(roster["break_start"].notna().sum())
    return {
        "min_rest": f"shortest rest {rest.min():.1f} h" if len(rest) else "one shift each",
        "max_shift_length": f"longest shift {length.max():.1f} h",
        "break": f"{with_break} of {len(roster)} shifts have a break",
        "shifts_per_day": f"at most {int(starts.max())} a day",
        "consecutive_days": f"longest run {int(run_lengths.max())} day(s)",
    }
