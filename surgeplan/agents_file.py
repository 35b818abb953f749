"""Reading the agents file (``roster.agents_file``): the named agents a roster is made of.

One row per agent, as CSV (UTF-8, a byte-order mark is fine) or XLSX (the first sheet), with a
header row naming the columns (case does not matter; a space may stand for ``_``):

- ``agent``, ``pools``, ``contract`` (required): the name, the pools the agent can staff
  (several separated by ``|``; ``,`` and ``;`` are read the same way) and a contract of
  ``roster.contracts``;
- ``cost_per_hour`` (optional, empty: the contract's), ``available_from`` and ``available_to``
  (``YYYY-MM-DD HH:MM``), ``days_off`` (dates ``YYYY-MM-DD`` separated like the pools),
  and the state carried in from before the horizon: ``last_shift_end`` (``YYYY-MM-DD HH:MM``),
  ``hours_this_week`` (hours worked this calendar week, in hours) and ``consecutive_days``.

Every problem in the file is collected and reported together, each naming its line (CSV) or
row (XLSX); nothing half-read is returned. The file is read with :mod:`csv` and openpyxl
rather than pandas: both give each cell's exact line or row, blank lines included, and
openpyxl keeps Excel's dates and numbers as typed values.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from optimize.workforce import Agent, agents_from_classes
from sim import Problem, Scenario, ScenarioError
from sim.scenario import TIMESTAMP_FORMAT, Horizon, parse_timestamp
from sim.scenario.roster import RosterSection

__all__ = [
    "LIST_SEPARATORS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "audit_agents",
    "hired",
    "load_agents",
    "read_agents_file",
    "roster_agents",
]

REQUIRED_COLUMNS = ("agent", "pools", "contract")
OPTIONAL_COLUMNS = (
    "cost_per_hour",
    "available_from",
    "available_to",
    "days_off",
    "last_shift_end",
    "hours_this_week",
    "consecutive_days",
)
# "|" is what roster.csv writes between pools; "," and ";" are what people type in Excel.
LIST_SEPARATORS = "|,;"
_SPLIT = re.compile(f"[{re.escape(LIST_SEPARATORS)}]")
_MAX_PROBLEMS = 30
HOUR = 3600.0
WEEK_HOURS = 7 * 24


@dataclass(frozen=True)
class _Row:
    where: str  # "line 7" (CSV) or "row 7" (XLSX)
    cells: tuple[Any, ...]


class _FileError(Exception):
    """The file as a whole cannot be read; carries the problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


# -- reading rows ------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _FileError(Problem("", f"cannot be read as UTF-8 text ({exc.reason})")) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield _Row(f"line {reader.line_num}", tuple(cells))
    except csv.Error as exc:
        raise _FileError(Problem(f"line {reader.line_num}", f"bad CSV ({exc})")) from None


def _xlsx_rows(path: Path) -> Iterator[_Row]:
    from openpyxl import load_workbook  # only XLSX files pay for importing it

    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise _FileError(Problem("", f"cannot be read as an XLSX workbook ({exc})")) from None
    sheet = workbook.worksheets[0]
    # min_row/min_col 1: numbering must be Excel's even when the table does not start at A1.
    for number, cells in enumerate(
        sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1
    ):
        yield _Row(f"row {number}", tuple(cells))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- cells ---------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores a name like 1001 as 1001.0
    if isinstance(value, datetime):
        return value.strftime(TIMESTAMP_FORMAT)
    return str(value).strip()


def _names(value: Any) -> tuple[str, ...]:
    names = (name.strip() for name in _SPLIT.split(_text(value)))
    return tuple(dict.fromkeys(name for name in names if name))  # in order, once each


def _number(value: Any, column: str, *, whole: bool = False, most: float | None = None) -> float:
    kind = "a whole number ≥ 0" if whole else "a number ≥ 0"
    if isinstance(value, bool):
        raise _CellError(f"{column} must be {kind}, got {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(_text(value))
        except ValueError:
            raise _CellError(f"{column} must be {kind}, got {_text(value)!r}") from None
    if not math.isfinite(number):
        raise _CellError(f"{column} must be {kind}, got {_text(value)!r}")
    if number < 0:
        raise _CellError(f"{column} must be ≥ 0, got {number:g}")
    if whole and not number.is_integer():
        raise _CellError(f"{column} must be {kind}, got {number:g}")
    if most is not None and number > most:
        raise _CellError(f"{column} must be ≤ {most:g}, got {number:g}")
    return number


def _moment(value: Any, column: str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return parse_timestamp(_text(value))
    except ValueError:
        raise _CellError(
            f"{column} must be a date and time like '2026-11-11 08:00', got {_text(value)!r}"
        ) from None


def _dates(value: Any, column: str) -> frozenset[date]:
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise _CellError(f"{column} holds dates, got {value:{TIMESTAMP_FORMAT}}")
        return frozenset({value.date()})
    days = set()
    for item in _names(value):
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise _CellError(
                f"{column} must be dates like '2026-11-11' separated by '|', got {item!r}"
            ) from None
    return frozenset(days)


def _unknown(kind: str, name: str, known: list[str], plural: str) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown {kind} {name!r} ({hint}{plural}: {', '.join(known)})"


# -- the header and one row -----------------------------------------------------------------


def _column_name(value: Any) -> str:
    return re.sub(r"\s+", "_", _text(value).lower())


def _header(row: _Row) -> list[str]:
    """Column names of the header row; raises :class:`_FileError` when it is unusable."""
    names = [_column_name(value) for value in row.cells]
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    problems = []
    for name in dict.fromkeys(names):
        if name and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                f"unknown column {name!r}{hint}; expected {', '.join(REQUIRED_COLUMNS)} and "
                f"optionally {', '.join(OPTIONAL_COLUMNS)}"
            )
        elif name and names.count(name) > 1:
            problems.append(f"column {name!r} appears {names.count(name)} times")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        found = ", ".join(name for name in names if name) or "nothing"
        problems.append(f"missing column(s) {', '.join(missing)}; found {found}")
    if problems:
        raise ScenarioError([Problem(row.where, message) for message in problems])
    return names


def _cells(row: _Row, header: list[str]) -> dict[str, Any] | Problem:
    """The row's cells by column name; a short CSV row leaves the last columns empty."""
    named = list(zip(header, row.cells, strict=False))
    beyond = row.cells[len(header) :]
    stray = [value for name, value in named if not name] + list(beyond)
    for value in stray:
        if not _blank(value):
            return Problem(row.where, f"has a value outside the named columns: {_text(value)!r}")
    return dict(named)


def _agent(
    cells: dict[str, Any],
    section: RosterSection,
    pools: list[str],
    horizon: Horizon | None,
) -> tuple[Agent | None, list[str]]:
    """The agent of one row, or ``None`` and every problem found in it."""
    problems: list[str] = []
    name = _text(cells.get("agent"))
    if not name:
        problems.append("agent is empty; every row needs the agent's name")
    agent_pools = _names(cells.get("pools"))
    if not agent_pools:
        problems.append(f"pools is empty; expected one or more of {', '.join(pools)}")
    problems.extend(
        _unknown("pool", pool, pools, "pools") for pool in agent_pools if pool not in pools
    )
    contract = _text(cells.get("contract"))
    contracts = sorted(section.contracts)
    if not contract:
        problems.append(f"contract is empty; expected one of {', '.join(contracts)}")
    elif contract not in section.contracts:
        problems.append(_unknown("contract", contract, contracts, "contracts"))

    values: dict[str, Any] = {}
    parsers = {
        "cost_per_hour": lambda v, c: _number(v, c),
        "available_from": _moment,
        "available_to": _moment,
        "days_off": _dates,
        "last_shift_end": _moment,
        "hours_this_week": lambda v, c: _number(v, c, most=WEEK_HOURS) * HOUR,
        "consecutive_days": lambda v, c: int(_number(v, c, whole=True, most=366)),
    }
    for column, parse in parsers.items():
        value = cells.get(column)
        if _blank(value):
            continue
        try:
            values[column] = parse(value, column)
        except _CellError as exc:
            problems.append(str(exc))
    start, end = values.get("available_from"), values.get("available_to")
    if start is not None and end is not None and end <= start:
        problems.append(
            f"available_to ({end:{TIMESTAMP_FORMAT}}) must be after available_from "
            f"({start:{TIMESTAMP_FORMAT}})"
        )
    last = values.get("last_shift_end")
    if horizon is not None and last is not None and last > horizon.start:
        problems.append(
            f"last_shift_end ({last:{TIMESTAMP_FORMAT}}) must not be after the horizon's start "
            f"({horizon.start:{TIMESTAMP_FORMAT}}): it is the end of the last shift before it"
        )
    if problems:
        return None, problems
    return Agent(name=name, pools=agent_pools, contract=contract, **values), []


# -- public ----------------------------------------------------------------------------------


def read_agents_file(
    path: str | Path,
    section: RosterSection,
    pool_names: Iterable[str],
    *,
    horizon: Horizon | None = None,
) -> list[Agent]:
    """The agents listed in ``path`` (CSV or XLSX), in file order.

    ``pool_names`` are the scenario's pools; with ``horizon``, a ``last_shift_end`` after its
    start is an error too. Any problem raises :class:`ScenarioError` naming the file and the
    line or row.
    """
    path = Path(path)
    source = path.name
    if not path.is_file():
        what = "is a directory, not an agents file" if path.is_dir() else "no such file"
        raise ScenarioError(Problem("", what), str(path))
    pools = sorted(pool_names)
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    problems: list[Problem] = []
    agents: list[Agent] = []
    first_on: dict[str, str] = {}
    try:
        header: list[str] | None = None
        for row in rows:
            if all(_blank(value) for value in row.cells):
                continue
            if header is None:
                header = _header(row)
                continue
            cells = _cells(row, header)
            if isinstance(cells, Problem):
                problems.append(cells)
                continue
            agent, messages = _agent(cells, section, pools, horizon)
            problems.extend(Problem(row.where, message) for message in messages)
            name = agent.name if agent else _text(cells.get("agent"))
            if name and name in first_on:
                problems.append(
                    Problem(row.where, f"duplicate agent {name!r} (first on {first_on[name]})")
                )
            elif agent is not None:
                agents.append(agent)
            if name:
                first_on.setdefault(name, row.where)
    except _FileError as exc:
        raise ScenarioError(exc.problem, source) from None
    except ScenarioError as exc:
        raise exc.with_source(source) from None
    except OSError as exc:
        raise ScenarioError(Problem("", f"cannot be read ({exc})"), source) from None
    if header is None:
        problems.append(
            Problem("", f"the file is empty; expected a header row {', '.join(REQUIRED_COLUMNS)}")
        )
    elif not agents and not problems:
        problems.append(Problem("", "lists no agents below its header row"))
    if problems:
        if len(problems) > _MAX_PROBLEMS:
            hidden = len(problems) - _MAX_PROBLEMS
            problems = [*problems[:_MAX_PROBLEMS], Problem("", f"and {hidden} more problem(s)")]
        raise ScenarioError(problems, source)
    return agents


def load_agents(scenario: Scenario, scenario_path: str | Path | None = None) -> list[Agent]:
    """The scenario's agents: read from ``roster.agents_file``, or named from its classes.

    ``scenario_path`` (the scenario file) only names the file in an error when the scenario
    has no roster section; the agents file's path is already absolute after validation.
    """
    section = scenario.roster
    if section is None:
        source = Path(scenario_path).name if scenario_path is not None else None
        raise ScenarioError(
            Problem(
                "roster",
                "is missing; a roster needs the scenario's roster section "
                "(contracts and agents_file or agent_classes)",
            ),
            source,
        )
    if section.agents_file is None:
        return agents_from_classes(section)
    path = section.agents_file
    if not path.is_absolute() and scenario_path is not None:
        path = Path(scenario_path).parent / path
    return read_agents_file(path, section, scenario.pools, horizon=scenario.horizon)


def roster_agents(scenario: Scenario, section: RosterSection) -> list[Agent]:
    """The agents a roster is made for: the scenario's (:func:`load_agents`), or without a
    ``roster:`` section the agent classes of ``section`` (the defaults sized from the
    requirements)."""
    return load_agents(scenario) if scenario.roster is not None else agents_from_classes(section)


def audit_agents(
    scenario: Scenario, scenario_path: str | Path | None = None
) -> tuple[list[Agent], list[Agent]] | None:
    """The scenario's agents and its possible temporary hires (``temp-POOL-NNN``, as the
    roster names them); ``None`` without a roster section (whoever the roster names)."""
    if scenario.roster is None:
        return None
    # Imported here: only an audit needs the roster model's temporary agents.
    from optimize.roster._data import temporary_agents

    return load_agents(scenario, scenario_path), temporary_agents(scenario.roster)


def hired(named: list[Agent], temporary: list[Agent], names: Iterable[str]) -> list[Agent]:
    """The agents of a roster naming ``names``: every named agent, and a temporary hire only
    when it works (hired only then)."""
    working = set(names)
    return named + [agent for agent in temporary if agent.name in working]
