"""Reading a history of arrival counts: a ``timestamp`` column and count columns, regular records.

Each row counts the arrivals of the record period that starts at its timestamp; the period is
the spacing of the timestamps (hourly, 15 minutes, 5 minutes…), which must be the same
throughout. Naive timestamps are the scenario's local clock; timestamps with a UTC offset
(``2025-11-10T22:00+08:00``) are converted to the scenario's time zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from ..csv_file import EXTRA, open_csv
from ..durations import format_duration
from ..errors import Problem, ScenarioError

__all__ = ["History", "HistoryError", "read_history"]

TIMESTAMP = "timestamp"
# Problems listed per file before the rest are summarised: a planner fixes the first few.
MAX_LINE_PROBLEMS = 20


class HistoryError(Exception):
    """A history file that cannot be used; ``problems`` are located by line or column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class History:
    """One column of a history file, sorted by time."""

    source: str  # the file's name, for messages
    column: str
    starts: tuple[datetime, ...]  # record starts, local clock, increasing
    period_seconds: float
    counts: np.ndarray  # arrivals per record

    @property
    def end(self) -> datetime:
        return self.starts[-1] + timedelta(seconds=self.period_seconds)


def _parse_time(text: str, zone: ZoneInfo) -> tuple[datetime, bool] | None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        return value, False
    return value.astimezone(zone).replace(tzinfo=None), True


def _parse_count(text: str | None) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return value


def read_history(path: Path, column: str, time_zone: str) -> History:
    """The ``column`` of the history file at ``path``; :class:`HistoryError` if unusable.

    Problems name the file's line (``line 7: …``); a missing column names the columns found.
    """
    try:
        source, reader, header = open_csv(path, [TIMESTAMP])
    except ScenarioError as exc:
        raise HistoryError(
            [Problem("file", f"{exc.source}: {problem}") for problem in exc.problems]
        ) from None
    if column not in header or column == TIMESTAMP:
        counts = [name for name in header if name != TIMESTAMP]
        raise HistoryError(
            [
                Problem(
                    "column",
                    f"{column!r} is not a count column of {source}; expected one of "
                    f"{', '.join(counts) if counts else '(none: the file has only timestamps)'}",
                )
            ]
        )
    zone = ZoneInfo(time_zone)
    problems: list[str] = []
    rows: list[tuple[datetime, float, int]] = []
    aware_kinds: set[bool] = set()
    for line, row in enumerate(reader, start=2):
        if len(problems) >= MAX_LINE_PROBLEMS:
            problems.append("… (further lines not checked)")
            break
        if row.get(EXTRA):
            problems.append(f"line {line}: more cells than the header has columns")
            continue
        stamp_text = (row.get(TIMESTAMP) or "").strip()
        parsed = _parse_time(stamp_text, zone)
        if parsed is None:
            problems.append(
                f"line {line}: timestamp {stamp_text!r} is not a date and time like "
                "'2025-11-10 22:00'"
            )
            continue
        stamp, aware = parsed
        aware_kinds.add(aware)
        count = _parse_count(row.get(column))
        if count is None:
            problems.append(f"line {line}: {column} must be a number ≥ 0, got {row.get(column)!r}")
            continue
        rows.append((stamp, count, line))
    if len(aware_kinds) > 1:
        problems.append(
            "timestamps mix local times and times with a UTC offset; use one or the other"
        )
    if problems:
        raise HistoryError([Problem("file", f"{source}: {text}") for text in problems])
    if len(rows) < 2:
        raise HistoryError(
            [Problem("file", f"{source}: needs at least two records to tell their period")]
        )
    rows.sort(key=lambda item: item[0])
    return _regular(source, column, rows)


def _regular(source: str, column: str, rows: list[tuple[datetime, float, int]]) -> History:
    """The records as a regular series, or the lines that break it (duplicates, gaps)."""
    problems: list[str] = []
    for (before, _, first), (after, _, line) in zip(rows, rows[1:], strict=False):
        if after == before:
            problems.append(
                f"line {line}: duplicate timestamp {after:%Y-%m-%d %H:%M} (also on line {first})"
            )
    if problems:
        raise HistoryError(
            [Problem("file", f"{source}: {text}") for text in problems[:MAX_LINE_PROBLEMS]]
        )
    first = rows[0][0]
    # Differences of naive times: the machine's own zone must not enter.
    gaps = np.diff([(stamp - first).total_seconds() for stamp, _, _ in rows])
    # The resolution is the spacing most records keep; the others are the lines at fault.
    values, counts = np.unique(np.round(gaps, 6), return_counts=True)
    period = float(values[np.argmax(counts)])
    for (before, _, _), (after, _, line), gap in zip(rows, rows[1:], gaps, strict=False):
        if abs(gap - period) > 1e-6:
            problems.append(
                f"line {line}: {after:%Y-%m-%d %H:%M} comes {format_duration(gap)} after "
                f"{before:%Y-%m-%d %H:%M}; records must be regular, every "
                f"{format_duration(period)} (no gaps, no changes of resolution)"
            )
    if problems:
        raise HistoryError(
            [Problem("file", f"{source}: {text}") for text in problems[:MAX_LINE_PROBLEMS]]
        )
    return History(
        source=source,
        column=column,
        starts=tuple(stamp for stamp, _, _ in rows),
        period_seconds=period,
        counts=np.array([count for _, count, _ in rows]),
    )
