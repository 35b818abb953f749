"""What ``roster`` and ``plan`` share: the requirements file they roster from, the contents of
solve.json, and roster tables with their times written as the other files write them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim import Problem, Scenario, ScenarioError
from sim.scenario import TIMESTAMP_FORMAT

from ..staffing_file import read_staffing_csv

if TYPE_CHECKING:
    from optimize.roster import RosterPlan, ShiftPlan

__all__ = ["read_requirements", "solve_summary", "stamp_columns"]


def _read_required(path: Path, scenario: Scenario) -> pd.DataFrame:
    """``plan``'s own requirements.csv (``interval_start, pool, required``), checked row by
    row: heads to roster as they are."""
    table = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True, dtype=str)
    table.columns = [name.strip() for name in table.columns]
    missing = [c for c in ("interval_start", "pool") if c not in table.columns]
    if missing:
        raise ScenarioError(Problem("line 1", f"missing column(s) {', '.join(missing)}"), path.name)
    starts = {pd.Timestamp(t) for t in scenario.horizon.interval_starts()}
    when = pd.to_datetime(table["interval_start"].str.strip(), errors="coerce")
    heads = pd.to_numeric(table["required"], errors="coerce")
    pools = table["pool"].astype(str).str.strip()
    problems = []
    for k, (t, pool, h) in enumerate(zip(when, pools, heads, strict=True)):
        where = f"line {k + 2}"
        if pd.isna(t) or pd.Timestamp(t) not in starts:
            problems.append(Problem(where, "interval_start must be an interval of the horizon"))
        elif pool not in scenario.pools:
            problems.append(Problem(where, f"unknown pool {pool!r}"))
        elif pd.isna(h) or h < 0:
            problems.append(Problem(where, "required must be a number ≥ 0"))
        if len(problems) >= 10:
            break
    if problems:
        raise ScenarioError(problems, path.name)
    out = pd.DataFrame({"interval_start": when, "pool": pools, "required": heads.astype(float)})
    grid = pd.MultiIndex.from_product(
        [scenario.horizon.interval_starts(), list(scenario.pools)], names=["interval_start", "pool"]
    )
    # Pools or intervals the file leaves out need no one, as in a staffing file's gaps.
    full = out.groupby(["interval_start", "pool"])["required"].max().reindex(grid, fill_value=0.0)
    full = full.reset_index()
    named = set(pools)
    return full[full["pool"].isin(named)].reset_index(drop=True)


def read_requirements(path: Path, scenario: Scenario) -> pd.DataFrame:
    """Heads to roster per interval and pool (``interval_start, pool, required``) from a
    requirements CSV: its ``agents_rostered`` column where it has one, else ``agents``; or
    ``plan``'s own requirements.csv, whose ``required`` column is heads to roster already."""
    try:
        header = [str(c).strip() for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
    except (OSError, ValueError):  # unreadable: the staffing reader names what is wrong
        header = []
    if "required" in header and "agents" not in header:
        return _read_required(path, scenario)
    agents = read_staffing_csv(path, scenario)  # validates every row
    starts = scenario.horizon.interval_starts()
    rows = [
        (start, pool, float(heads[k]))
        for pool, heads in agents.items()
        for k, start in enumerate(starts)
    ]
    table = pd.DataFrame(rows, columns=["interval_start", "pool", "required"])
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    if "agents_rostered" in [name.strip() for name in header]:
        paid = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True)
        paid.columns = [name.strip() for name in paid.columns]
        heads = pd.to_numeric(paid["agents_rostered"], errors="coerce")
        bad = heads.isna() | (heads < 0) | (heads % 1 != 0)
        if bad.any():
            line = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise ScenarioError(
                Problem(f"line {line}", "agents_rostered must be a whole number ≥ 0"),
                path.name,
            )
        when = pd.to_datetime(paid["interval_start"].astype(str).str.strip())
        pools = paid["pool"].astype(str).str.strip()
        paid_heads = dict(zip(zip(when, pools, strict=True), heads, strict=True))
        table["required"] = [
            paid_heads.get((pd.Timestamp(start), pool), required)
            for start, pool, required in table.itertuples(index=False)
        ]
    return table


def solve_summary(
    scenario: Scenario,
    plan: RosterPlan | ShiftPlan,
    level: str,
    source: str,
    coverage: str,
    started: float,
) -> dict[str, object]:
    """The contents of solve.json for a roster (``level`` agents) or shift plan; ``started``
    is the ``time.perf_counter()`` reading the wall time counts from."""
    summary = {
        "scenario": scenario.name,
        "level": level,
        "requirements": source,
        "coverage": coverage,
        "roster_section": "scenario" if scenario.roster is not None else "defaults",
        **plan.report.to_dict(),
        "costs": plan.costs,
        "shortfall_agent_hours": float(plan.coverage["shortfall"].sum())
        * scenario.horizon.interval
        / 3600,
        "wall_seconds": time.perf_counter() - started,
    }
    if level == "agents":
        summary["shifts"] = len(plan.roster)
        summary["agents_rostered"] = int(plan.roster["agent"].nunique())
        summary["fairness"] = plan.fairness.to_dict("records")
    return summary


def stamp_columns(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Datetimes as ``YYYY-MM-DD HH:MM`` (dates as ``YYYY-MM-DD``), empty where missing."""
    out = table.copy()
    for column in columns:
        out[column] = [
            ""
            if value is None or pd.isna(value)
            else pd.Timestamp(value).strftime("%Y-%m-%d" if column == "date" else TIMESTAMP_FORMAT)
            for value in out[column]
        ]
    return out
