"""Reading a staffing table (``interval_start, pool, agents``) for ``simulate --staffing``.

The file overrides the scenario's agents for each pool it names. For such a pool it must
give every counted interval once; rows for warm-up intervals are optional (missing ones
keep the scenario's value). Extra columns (e.g. ``agents_rostered`` in a requirements file)
are ignored; a ``method`` column, if present, must hold one method. Every problem names the
line.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import numpy as np

from sim import Problem, Scenario, ScenarioError
from sim.csv_file import EXTRA, open_csv
from sim.scenario import MAX_AGENTS, TIMESTAMP_FORMAT, parse_timestamp

__all__ = ["REQUIRED_COLUMNS", "read_staffing_csv"]

REQUIRED_COLUMNS = ("interval_start", "pool", "agents")
_MAX_PROBLEMS = 20


def _agents(text: str) -> int | str:
    """The agent count in ``text``, or what is wrong with it."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value.is_integer() or value < 0:
        return f"agents must be a whole number ≥ 0, got {text!r}"
    if value > MAX_AGENTS:
        return f"agents must be ≤ {MAX_AGENTS:,}, got {text!r}"
    return int(value)


class _RowError(Exception):
    pass


def _parse_row(
    row: dict, scenario: Scenario, index_of: dict[datetime, int], width: int
) -> tuple[str, int, int]:
    """(pool, interval index, agents) of one data row; :class:`_RowError` says what is wrong."""
    if EXTRA in row:
        raise _RowError(f"has more cells than the header ({width})")
    row = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
    pool = row["pool"]
    if pool not in scenario.pools:
        raise _RowError(f"unknown pool {pool!r}; expected one of {', '.join(scenario.pools)}")
    text = row["interval_start"]
    try:
        k = index_of.get(parse_timestamp(text))
    except ValueError:
        raise _RowError(f"interval_start must look like '2026-11-11 00:00', got {text!r}") from None
    if k is None:
        raise _RowError(f"interval_start {text!r} is not the start of an interval of the horizon")
    agents = _agents(row["agents"])
    if isinstance(agents, str):
        raise _RowError(agents)
    return pool, k, agents


def read_staffing_csv(path: str | Path, scenario: Scenario) -> dict[str, np.ndarray]:
    """Agents per interval of the horizon for each pool named in the file."""
    path = Path(path)
    source, reader, header = open_csv(path, REQUIRED_COLUMNS)

    starts = scenario.horizon.interval_starts()
    index_of = {start: k for k, start in enumerate(starts)}
    counted = set(range(scenario.warmup_intervals, scenario.n_intervals))
    staffing = {name: scenario.agents(name).copy() for name in scenario.pools}
    seen: dict[tuple[str, int], str] = {}
    named: set[str] = set()
    flawed: set[str] = set()  # pools with a bad row: their gaps follow from it
    problems: list[Problem] = []
    first_method: str | None = None
    for row in reader:
        where = f"line {reader.line_num}"  # counts blank lines too, unlike enumerate
        method = str(row.get("method") or "").strip()
        if first_method is None:
            first_method = method
        elif method != first_method:
            # A comparison file holds one staffing per method; which one to use is ambiguous.
            problems.append(
                Problem(
                    where,
                    f"method {method!r} differs from {first_method!r} above; a staffing file "
                    "holds one method (use requirements.csv, not requirements_compare.csv)",
                )
            )
            break
        try:
            pool, k, agents = _parse_row(row, scenario, index_of, len(header))
        except _RowError as exc:
            problems.append(Problem(where, str(exc)))
            flawed.add(str(row.get("pool") or "").strip())
        else:
            if (pool, k) in seen:
                problems.append(
                    Problem(
                        where,
                        f"duplicate row for pool {pool!r} at "
                        f"{starts[k]:{TIMESTAMP_FORMAT}} (first on {seen[pool, k]})",
                    )
                )
            seen.setdefault((pool, k), where)
            named.add(pool)
            staffing[pool][k] = agents
        if len(problems) >= _MAX_PROBLEMS:
            break
    for pool in sorted(named - flawed):
        absent = sorted(k for k in counted if (pool, k) not in seen)
        if absent:
            first: datetime = starts[absent[0]]
            more = f" and {len(absent) - 1} more" if len(absent) > 1 else ""
            problems.append(
                Problem(
                    "",
                    f"pool {pool!r} has no row for interval {first:{TIMESTAMP_FORMAT}}"
                    f"{more}; every counted interval needs one",
                )
            )
    if not named and not problems:
        problems.append(Problem("", "no staffing rows found"))
    if problems:
        raise ScenarioError(problems, source)
    # In the scenario's pool order, so tables built from it come out the same on every run.
    return {pool: staffing[pool] for pool in scenario.pools if pool in named}
