"""The planner's clock on a figure's time axis: local wall time in the scenario's time zone.

Run tables give ``interval_start`` as local wall time already (the scenario's clock), so the
axis only has to label it well and say which zone it is.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import pandas as pd

__all__ = ["clock_axis", "interval_end", "shade_incidents"]

INCIDENT_COLOUR = "#f2b134"


def clock_axis(ax, time_zone: str | None, label: bool = True) -> None:
    """Concise date/time ticks (``Nov 11``, ``06:00``…) and the zone in the axis label."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
    if label:
        ax.set_xlabel(f"local time ({time_zone})" if time_zone else "local time")


def interval_end(starts: pd.Series, interval_minutes: float | None) -> pd.Timestamp:
    """The end of the last interval, so step plots reach the horizon's end."""
    step = pd.Timedelta(minutes=interval_minutes or 15)
    return starts.max() + step


def shade_incidents(ax, incidents: list[dict[str, Any]], legend: bool = False) -> None:
    """A light band over each incident's window (run.json's ``incidents``)."""
    for number, incident in enumerate(incidents):
        ax.axvspan(
            pd.Timestamp(incident["start"]),
            pd.Timestamp(incident["end"]),
            color=INCIDENT_COLOUR,
            alpha=0.18,
            lw=0,
            label="incident" if legend and number == 0 else None,
        )
