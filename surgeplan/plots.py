"""Figures written next to the tables (PNG, drawn off-screen).

Figures are built as :class:`matplotlib.figure.Figure` objects, not through pyplot: they
need no display and leave the caller's plotting backend alone (a notebook's stays inline).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from optimize.staffing import StaffingResult

from .io import atomic_write_bytes

__all__ = ["requirements_figure", "save_figure"]


def save_figure(figure, path: str | Path) -> Path:
    """Write ``figure`` as PNG atomically (and close it if pyplot made it)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    if figure.canvas.manager is not None:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return atomic_write_bytes(path, buffer.getvalue())


def requirements_figure(results: Sequence[StaffingResult], title: str):
    """Arrival rate, offered load and agents over time; one line per method."""
    first = results[0]
    starts = pd.to_datetime(first.table["interval_start"].drop_duplicates().to_numpy())
    figure = Figure(figsize=(11, 8), layout="constrained")
    rate_ax, load_ax, agents_ax = figure.subplots(3, 1, sharex=True)
    rate_ax.step(starts, first.arrival_rate_per_hour, where="post", color="black")
    rate_ax.set_ylabel("arrivals per hour")
    rate_ax.set_title(title)
    for result in results:
        totals = result.table.groupby("interval_start", sort=False)[
            ["offered_load", "agents"]
        ].sum()
        load_ax.step(starts, totals["offered_load"], where="post", label=result.method)
        agents_ax.step(starts, totals["agents"], where="post", label=result.method)
    load_ax.set_ylabel("offered load (Erlangs)")
    agents_ax.set_ylabel("agents needed")
    for axis in (load_ax, agents_ax):
        axis.legend(loc="upper left")
        axis.grid(alpha=0.3)
    rate_ax.grid(alpha=0.3)
    agents_ax.set_xlabel("interval start")
    figure.autofmt_xdate()
    return figure
