"""A roster section for scenarios without one, sized from the requirements.

The defaults a planner can start from and then write down in the scenario:

* one contract, ``standard``: 6 h or 8 h shifts (an 8 h shift has an unpaid 30-minute break,
  so 7.5 h worked), no weekly minimum (agents not needed are simply not rostered), at most
  40 h a week, pay 20 per hour — against the default 1000 per agent-interval short, so
  shortfall is always worse than paying someone;
* a shift grid starting every hour, 00:00 to 23:00 (a coarser grid than the section's 30-minute
  default keeps the default model small; intervals shorter than an hour still line up);
* the documented default labour rules, breaks and costs;
* one agent class per pool with requirements, single-skilled, sized by :func:`class_size`.
"""

from __future__ import annotations

import math
from datetime import time

import pandas as pd

from sim.scenario import Horizon
from sim.scenario.roster import (
    AgentClass,
    Contract,
    RosterSection,
    ShiftGrid,
)

__all__ = [
    "DEFAULT_CONTRACT",
    "class_size",
    "default_roster_section",
    "requirements_from_staffing",
]

HOUR = 3600.0
DEFAULT_CONTRACT = Contract(
    shift_lengths=(6 * HOUR, 8 * HOUR),
    min_hours_per_week=0.0,
    max_hours_per_week=40 * HOUR,
    cost_per_hour=20.0,
)
WORKED_PER_SHIFT = 7.5 * HOUR  # an 8 h shift less its 30-minute break
SLACK = 1.1  # room for breaks, shift shapes and rest rules


def requirements_from_staffing(table: pd.DataFrame) -> pd.DataFrame:
    """Roster requirements from a staffing table: ``required`` = ``agents_rostered``, the
    paid heads (falling back to ``agents`` when the table has no such column)."""
    column = "agents_rostered" if "agents_rostered" in table.columns else "agents"
    return pd.DataFrame(
        {
            "interval_start": pd.to_datetime(table["interval_start"]),
            "pool": table["pool"].astype(str),
            "required": table[column].astype(float),
        }
    )


def class_size(required: pd.DataFrame, horizon: Horizon, contract: Contract) -> int:
    """Agents for one pool: ``⌈1.1 · max(peak · D / w, hours / (w · 7.5 h))⌉``.

    ``D`` dates in the horizon; ``w`` shifts one agent can work in it (one a day, within the
    contract's weekly hours pro rata: 5 of 7 days for 40 h); ``peak`` the most heads required
    at once (only ``w`` of ``D`` days does an agent work, so the peak day needs ``peak · D/w``
    agents on the books); ``hours`` the agent-hours required. 1.1 leaves room for breaks,
    shift shapes and the rest rules. At least one agent.
    """
    interval = horizon.interval
    dates = pd.date_range(horizon.start.date(), (horizon.end - pd.Timedelta(seconds=1)).date())
    days = len(dates)
    weeks = days / 7
    per_week = max(math.floor(contract.max_hours_per_week / WORKED_PER_SHIFT), 1)
    shifts = max(min(days, math.ceil(per_week * weeks)), 1)
    peak = float(required["required"].max()) if len(required) else 0.0
    hours = float(required["required"].sum()) * interval / HOUR
    need = max(peak * days / shifts, hours * HOUR / (shifts * WORKED_PER_SHIFT))
    return max(math.ceil(SLACK * need), 1)


def _grid(horizon: Horizon) -> ShiftGrid:
    interval = horizon.interval
    every = interval * math.ceil(HOUR / interval)
    if (24 * HOUR) % every:
        every = interval
    latest = int(24 * HOUR - every)
    return ShiftGrid(
        start_every=every,
        lengths=DEFAULT_CONTRACT.shift_lengths,
        earliest_start=time(0, 0),
        latest_start=time(latest // 3600, latest % 3600 // 60),
    )


def default_roster_section(requirements: pd.DataFrame, horizon: Horizon) -> RosterSection:
    """The default section (module docstring) for ``requirements`` (``interval_start, pool,
    required``): one ``standard`` class per pool with a requirement."""
    classes = []
    for pool, rows in requirements.groupby("pool", sort=True):
        if rows["required"].max() <= 0:
            continue
        count = class_size(rows, horizon, DEFAULT_CONTRACT)
        classes.append(
            AgentClass(pools=(str(pool),), contract="standard", count=count, name=str(pool))
        )
    if not classes:
        pool = str(requirements["pool"].iloc[0]) if len(requirements) else "agents"
        classes.append(AgentClass(pools=(pool,), contract="standard", count=1, name=pool))
    return RosterSection(
        agent_classes=tuple(classes),
        contracts={"standard": DEFAULT_CONTRACT},
        shifts=_grid(horizon),
    )
