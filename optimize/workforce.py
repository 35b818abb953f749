"""The people a roster is made of, and the shifts it gives them: plain typed records.

Shared by the roster model (:mod:`optimize.roster`) and the independent labour-rule audit
(:mod:`optimize.audit`), which must agree on what an agent and a shift are but on nothing
else. Times are naive datetimes on the scenario's clock; hours are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from sim.scenario.roster import RosterSection

__all__ = ["ROSTER_COLUMNS", "Agent", "agents_from_classes", "empty_roster"]

# roster.csv: one row per shift; pool is the pool staffed, or "a|b" when the agent serves
# several pools in the shift; break_start/break_end empty for shifts without a break.
ROSTER_COLUMNS = ["agent", "pool", "date", "shift_start", "shift_end", "break_start", "break_end"]


@dataclass(frozen=True)
class Agent:
    """One agent: skills, contract and the state carried in from before the horizon."""

    name: str
    pools: tuple[str, ...]
    contract: str
    cost_per_hour: float | None = None  # None: the contract's
    available_from: datetime | None = None
    available_to: datetime | None = None
    days_off: frozenset[date] = frozenset()
    last_shift_end: datetime | None = None  # end of the last shift before the horizon
    hours_this_week: float = 0.0  # seconds worked this calendar week before the horizon
    consecutive_days: int = 0  # days worked in a row up to the day before the horizon


def agents_from_classes(section: RosterSection) -> list[Agent]:
    """Name the agents of ``section.agent_classes``: ``<name>-001``, ``<name>-002``, …"""
    agents = []
    for k, agent_class in enumerate(section.agent_classes, start=1):
        stem = agent_class.name or f"{'+'.join(agent_class.pools)}-{agent_class.contract}-{k}"
        width = max(3, len(str(agent_class.count)))
        agents.extend(
            Agent(
                name=f"{stem}-{i:0{width}d}",
                pools=agent_class.pools,
                contract=agent_class.contract,
            )
            for i in range(1, agent_class.count + 1)
        )
    return agents


def empty_roster() -> pd.DataFrame:
    """A roster with no shifts, in the documented columns."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in ROSTER_COLUMNS})
