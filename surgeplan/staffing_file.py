"""Reading a staffing table (``interval_start, pool, agents``) for ``simulate --staffing``.

The file overrides the scenario's agents for each pool it names. For such a pool it must
give every counted interval once; rows for warm-up intervals are optional (missing ones
keep the scenario's value). Extra columns (e.g. ``method`` or ``agents_rostered`` in a
requirements file) are ignored. Every problem names the line.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import numpy as np

from sim import Problem, Scenario, ScenarioError
from sim.scenario import TIMESTAMP_FORMAT, parse_timestamp

__all__ = ["REQUIRED_COLUMNS", "read_staffing_csv"]

REQUIRED_COLUMNS = ("interval_start", "pool", "agents")
_MAX_PROBLEMS = 20


def _whole_number(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not value.is_integer() or value < 0:
        return None
    return int(value)


def read_staffing_csv(path: str | Path, scenario: Scenario) -> dict[str, np.ndarray]:
    """Agents per interval of the horizon for each pool named in the file."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(Problem("", "no such file"), str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(Problem("", f"cannot be read ({exc})"), source) from None
    if not text.strip():
        raise ScenarioError(
            Problem("", "the file is empty; expected columns " + ", ".join(REQUIRED_COLUMNS)),
            source,
        )
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ScenarioError(
            Problem("line 1", f"missing column(s) {', '.join(missing)}; found {', '.join(header)}"),
            source,
        )

    starts = scenario.horizon.interval_starts()
    index_of = {start: k for k, start in enumerate(starts)}
    counted = set(range(scenario.warmup_intervals, scenario.n_intervals))
    staffing = {name: scenario.agents(name).copy() for name in scenario.pools}
    seen: dict[tuple[str, int], int] = {}
    named: set[str] = set()
    problems: list[Problem] = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        where = f"line {line}"
        pool = row["pool"]
        if pool not in scenario.pools:
            problems.append(
                Problem(
                    where, f"unknown pool {pool!r}; expected one of {', '.join(scenario.pools)}"
                )
            )
            continue
        try:
            start = parse_timestamp(row["interval_start"])
        except ValueError:
            problems.append(
                Problem(
                    where,
                    f"interval_start must look like '2026-11-11 00:00', "
                    f"got {row['interval_start']!r}",
                )
            )
            continue
        k = index_of.get(start)
        if k is None:
            problems.append(
                Problem(
                    where,
                    f"interval_start {row['interval_start']!r} is not the start of an "
                    f"interval of the horizon",
                )
            )
            continue
        agents = _whole_number(row["agents"])
        if agents is None:
            problems.append(
                Problem(where, f"agents must be a whole number ≥ 0, got {row['agents']!r}")
            )
            continue
        key = (pool, k)
        if key in seen:
            problems.append(
                Problem(
                    where,
                    f"duplicate row for pool {pool!r} at "
                    f"{start:{TIMESTAMP_FORMAT}} (first on line {seen[key]})",
                )
            )
            continue
        seen[key] = line
        named.add(pool)
        staffing[pool][k] = agents
        if len(problems) >= _MAX_PROBLEMS:
            break
    for pool in sorted(named):
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
    return {pool: staffing[pool] for pool in named}
