"""The roster table (one row per shift, :data:`optimize.workforce.ROSTER_COLUMNS`) as typed
:class:`Shift` records, for the exports that walk it shift by shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

__all__ = ["Shift", "shifts_of"]


@dataclass(frozen=True)
class Shift:
    """One row of the roster with Python types; ``pool`` may be ``"a|b"`` (several pools)."""

    agent: str
    pool: str
    date: date
    start: datetime
    end: datetime
    break_start: datetime | None = None
    break_end: datetime | None = None

    @property
    def pools(self) -> tuple[str, ...]:
        return tuple(self.pool.split("|"))

    @property
    def break_seconds(self) -> float:
        if self.break_start is None or self.break_end is None:
            return 0.0
        return (self.break_end - self.break_start).total_seconds()

    @property
    def worked_seconds(self) -> float:
        """Length of the shift less its (unpaid) break."""
        return (self.end - self.start).total_seconds() - self.break_seconds


def _moment(value: object) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)


def shifts_of(roster: pd.DataFrame) -> list[Shift]:
    """The roster's rows as :class:`Shift` records, by start time then agent."""
    shifts = [
        Shift(
            agent=str(row.agent),
            pool=str(row.pool),
            date=pd.Timestamp(row.date).date(),
            start=_moment(row.shift_start),
            end=_moment(row.shift_end),
            break_start=_moment(row.break_start),
            break_end=_moment(row.break_end),
        )
        for row in roster.itertuples(index=False)
    ]
    return sorted(shifts, key=lambda s: (s.start, s.agent, s.pool))
