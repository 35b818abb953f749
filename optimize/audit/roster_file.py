"""Reading a roster CSV (``agent, pool, date, shift_start, shift_end, break_start, break_end``).

A roster to audit may come from surgeplan or be edited by hand, so every row is checked before
any rule is: times ``YYYY-MM-DD HH:MM``, a shift that ends after it starts and starts inside
the horizon, ``date`` the day it starts, a break (both ends or neither) inside the shift,
known pools and, when the agents are known, a known agent skilled for the pool. Every problem
names the line, as for staffing files; nothing half-read is returned.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from optimize.workforce import ROSTER_COLUMNS, Agent
from sim import Problem, ScenarioError
from sim._types import TIMESTAMP_FORMAT, parse_timestamp
from sim.csv_file import EXTRA, open_csv

__all__ = ["read_roster_csv"]

_MAX_PROBLEMS = 20
_OPTIONAL = ("break_start", "break_end")


class _RowError(Exception):
    pass


def _moment(row: dict[str, str], column: str) -> datetime:
    text = row[column]
    try:
        return parse_timestamp(text)
    except ValueError:
        raise _RowError(f"{column} must look like '2026-11-11 08:00', got {text!r}") from None


def _pool(text: str, pools: Collection[str], agent: Agent | None) -> str:
    names = [name.strip() for name in text.split("|")]
    for name in names:
        if name not in pools:
            close = difflib.get_close_matches(name, pools, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _RowError(
                f"unknown pool {name!r}{hint}; expected one of {', '.join(pools)} "
                "(several as 'a|b')"
            )
    if agent is not None:
        foreign = [name for name in names if name not in agent.pools]
        if foreign:
            raise _RowError(
                f"agent {agent.name!r} does not work pool {foreign[0]!r}; their pools are "
                f"{', '.join(agent.pools)}"
            )
    return "|".join(names)


def _agent(text: str, known: dict[str, Agent] | None) -> Agent | None:
    if not text:
        raise _RowError("agent is empty")
    if known is None:
        return None
    agent = known.get(text)
    if agent is None:
        close = difflib.get_close_matches(text, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _RowError(f"unknown agent {text!r}{hint}; expected an agent of the scenario's roster")
    return agent


def _parse_row(
    row: dict,
    width: int,
    horizon: tuple[datetime, datetime],
    pools: Collection[str],
    known: dict[str, Agent] | None,
) -> tuple:
    """One shift as a tuple in ``ROSTER_COLUMNS`` order; :class:`_RowError` says what is wrong."""
    if EXTRA in row:
        raise _RowError(f"has more cells than the header ({width})")
    row = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
    name = row["agent"]
    agent = _agent(name, known)
    pool = _pool(row["pool"], pools, agent)
    start, end = _moment(row, "shift_start"), _moment(row, "shift_end")
    if end <= start:
        raise _RowError(
            f"shift_end {row['shift_end']!r} must be after shift_start {row['shift_start']!r}"
        )
    first, last = horizon
    if not first <= start < last:
        raise _RowError(
            f"shift_start {start:{TIMESTAMP_FORMAT}} is outside the horizon "
            f"{first:{TIMESTAMP_FORMAT}} to {last:{TIMESTAMP_FORMAT}}"
        )
    try:
        day = date.fromisoformat(row["date"])
    except ValueError:
        raise _RowError(f"date must look like '2026-11-11', got {row['date']!r}") from None
    if day != start.date():
        raise _RowError(
            f"date {day} is not the day the shift starts ({start.date()}); a shift belongs "
            "to the day it starts on"
        )
    pause = _break(row, start, end)
    return (name, pool, day, start, end, *pause)


def _break(row: dict[str, str], start: datetime, end: datetime) -> tuple:
    given = [column for column in _OPTIONAL if row.get(column)]
    if not given:
        return (None, None)
    if len(given) == 1:
        missing = next(column for column in _OPTIONAL if column not in given)
        raise _RowError(f"{given[0]} is given but {missing} is empty; give both or neither")
    pause_start, pause_end = _moment(row, "break_start"), _moment(row, "break_end")
    if pause_end <= pause_start:
        raise _RowError(
            f"break_end {row['break_end']!r} must be after break_start {row['break_start']!r}"
        )
    if pause_start < start or pause_end > end:
        raise _RowError(
            f"break {pause_start:{TIMESTAMP_FORMAT}}–{pause_end:{TIMESTAMP_FORMAT}} is not "
            f"inside the shift {start:{TIMESTAMP_FORMAT}}–{end:{TIMESTAMP_FORMAT}}"
        )
    return (pause_start, pause_end)


def read_roster_csv(
    path: str | Path,
    horizon_start: datetime,
    horizon_end: datetime,
    pools: Collection[str],
    agents: list[Agent] | None,
) -> pd.DataFrame:
    """The shifts of ``path`` in ``ROSTER_COLUMNS``, times as datetimes (no break: empty).

    ``pools`` are the scenario's pools; ``agents`` the scenario's agents, or ``None`` to take
    whoever the roster names. Any problem raises :class:`ScenarioError` naming the file and
    line (at most the first 20 problems).
    """
    path = Path(path)
    source, reader, header = open_csv(path, ROSTER_COLUMNS)
    known = {agent.name: agent for agent in agents} if agents is not None else None
    pool_names = sorted(pools)
    rows: list[tuple] = []
    problems: list[Problem] = []
    for row in reader:
        try:
            rows.append(
                _parse_row(row, len(header), (horizon_start, horizon_end), pool_names, known)
            )
        except _RowError as exc:
            problems.append(Problem(f"line {reader.line_num}", str(exc)))
            if len(problems) >= _MAX_PROBLEMS:
                break
    if problems:
        raise ScenarioError(problems, source)
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)
