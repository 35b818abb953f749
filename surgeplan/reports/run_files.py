"""What a run directory holds, read once: the tables and JSON files a report draws from.

Every file is optional (a report shows what the directory has); a file that is there but
cannot be read is an error naming it, as for any other input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim import Problem, ScenarioError

from ..run_record import RUN_FILE

__all__ = ["RunFiles", "read_run_files"]

# Table name → the columns holding clock times (``YYYY-MM-DD HH:MM``, local wall time).
TABLES = {
    "intervals": ("interval_start",),
    "types": ("interval_start",),
    "pools": ("interval_start",),
    "channels": ("interval_start",),
    "bots": ("interval_start",),
    "complaints": ("interval_start",),
    "requirements": ("interval_start",),
    "coverage": ("interval_start",),
    "rounds": (),
    "roster": ("shift_start", "shift_end", "break_start", "break_end"),
    "agents_summary": (),
    "summary_sweep": (),
}
JSON_FILES = ("summary", "solve", "sweep")
# A sweep's summary.csv would clash with a run's summary.json by name.
FILE_NAMES = {"summary_sweep": "summary.csv"}


@dataclass
class RunFiles:
    """A run directory's contents; ``None`` where a file is absent."""

    directory: Path
    record: dict[str, Any] = field(default_factory=dict)  # run.json
    json: dict[str, dict] = field(default_factory=dict)  # summary, solve, sweep
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)  # sweep.png, requirements.png

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    @property
    def command(self) -> str | None:
        """The command that wrote the directory (run.json's, else guessed from its files)."""
        if "command" in self.record:
            return self.record["command"]
        if "sweep" in self.json or "summary_sweep" in self.tables:
            return "sweep"
        if "rounds" in self.tables:
            return "plan"
        if "intervals" in self.tables:
            return "simulate"
        if "roster" in self.tables:
            return "roster"
        if "requirements" in self.tables:
            return "staff"
        return None

    @property
    def glance(self) -> dict[str, Any]:
        return self.record.get("scenario", {})

    @property
    def time_zone(self) -> str | None:
        return self.glance.get("time_zone")


def _bad(path: Path, exc: Exception) -> ScenarioError:
    return ScenarioError(
        Problem("", f"cannot be read as part of a run directory ({exc})"), str(path)
    )


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, exc) from None
    if not isinstance(data, dict):
        raise _bad(path, ValueError("expected a JSON object"))
    return data


def _read_table(path: Path, clock_columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        table = pd.read_csv(path)
        for column in clock_columns:
            if column in table:
                table[column] = pd.to_datetime(table[column], format="%Y-%m-%d %H:%M")
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise _bad(path, exc) from None
    return table


# What the report reads of run.json's ``scenario`` (run_record.scenario_glance writes more).
GLANCE_KEYS = (
    "name",
    "time_zone",
    "start",
    "end",
    "interval_minutes",
    "warmup_minutes",
    "service_level",
    "channels",
    "inquiry_types",
    "expected_inquiries",
    "pools",
)


def _check_record(path: Path, record: dict) -> None:
    """A run.json edited by hand or cut short is named with its missing fields, not met
    by a traceback half-way through the report."""
    glance = record.get("scenario")
    if not isinstance(glance, dict):
        raise ScenarioError(
            Problem("scenario", "missing; expected the scenario at a glance"), str(path)
        )
    missing = [key for key in GLANCE_KEYS if key not in glance]
    if missing:
        problems = [Problem(f"scenario.{key}", "missing") for key in missing]
        raise ScenarioError(problems, str(path))


def read_run_files(directory: str | Path) -> RunFiles:
    """Read every file of a run directory the report uses."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioError(Problem("", "is not a directory of run results"), str(directory))
    files = RunFiles(directory)
    if (directory / RUN_FILE).is_file():
        files.record = _read_json(directory / RUN_FILE)
        _check_record(directory / RUN_FILE, files.record)
    for name in JSON_FILES:
        path = directory / f"{name}.json"
        if path.is_file():
            files.json[name] = _read_json(path)
    for name, clock_columns in TABLES.items():
        path = directory / FILE_NAMES.get(name, f"{name}.csv")
        if name == "summary_sweep" and "sweep" not in files.json:
            continue
        if path.is_file():
            files.tables[name] = _read_table(path, clock_columns)
    for name in ("sweep.png", "requirements.png"):
        if (directory / name).is_file():
            files.images[name] = (directory / name).read_bytes()
    return files
