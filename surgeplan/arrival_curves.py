"""What a scenario's arrival models forecast, before anything is simulated: a table and a figure.

The table has one row per inquiry type and interval of the horizon (warm-up included):
``expected_arrivals`` is ∫ λ over the interval (busyness not applied), ``rate_per_hour`` the
same per hour of the interval. The figure draws λ(t) itself, minute by minute, on the
scenario's local clock, so a spike that decays within minutes shows as it is.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from sim import Scenario
from sim.scenario import TIMESTAMP_FORMAT

__all__ = ["ARRIVAL_COLUMNS", "CURVE_STEP_SECONDS", "arrivals_figure", "arrivals_table"]

ARRIVAL_COLUMNS = ["interval_start", "inquiry_type", "expected_arrivals", "rate_per_hour"]
CURVE_STEP_SECONDS = 60.0


def arrivals_table(scenario: Scenario) -> pd.DataFrame:
    """Expected arrivals per inquiry type and interval (columns :data:`ARRIVAL_COLUMNS`)."""
    starts = [start.strftime(TIMESTAMP_FORMAT) for start in scenario.horizon.interval_starts()]
    per_hour = 3600.0 / scenario.horizon.interval
    frames = [
        pd.DataFrame(
            {
                "interval_start": starts,
                "inquiry_type": name,
                "expected_arrivals": scenario.expected_arrivals(name),
                "rate_per_hour": scenario.expected_arrivals(name) * per_hour,
            }
        )
        for name in scenario.inquiry_types
    ]
    return pd.concat(frames, ignore_index=True)[ARRIVAL_COLUMNS]


def rate_curve(scenario: Scenario, inquiry_type: str) -> tuple[np.ndarray, np.ndarray]:
    """λ(t) per hour every :data:`CURVE_STEP_SECONDS` across the horizon: (t, rate)."""
    clock = scenario.clock
    t = np.arange(0.0, clock.length_seconds, CURVE_STEP_SECONDS)
    rate = scenario.inquiry_types[inquiry_type].arrivals.bind(clock)
    return t, np.asarray(rate.rate_per_hour(t), dtype=float)


def arrivals_figure(scenario: Scenario):
    """One line per inquiry type: λ(t) on the local clock, the warm-up shaded."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.8), layout="constrained")  # no pyplot: no backend touched
    axis = figure.subplots()
    start = scenario.horizon.start
    for name in scenario.inquiry_types:
        t, rate = rate_curve(scenario, name)
        when = [start + timedelta(seconds=float(s)) for s in t]
        channel = scenario.inquiry_types[name].channel
        axis.plot(when, rate, linewidth=1.3, label=f"{name} ({channel})")
    if scenario.warmup > 0:
        axis.axvspan(
            start,
            start + timedelta(seconds=scenario.warmup),
            color="0.85",
            label="warm-up (simulated, not counted)",
        )
    axis.set_ylabel("arrivals per hour")
    axis.set_xlabel(f"local time ({scenario.time_zone})")
    axis.set_title(f"{scenario.name}: arrival rate λ(t), forecast (busyness not applied)")
    locator = mdates.AutoDateLocator()
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    axis.legend(loc="upper right")
    return figure
