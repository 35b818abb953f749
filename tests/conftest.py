"""Shared fixtures: scenario dictionaries in the YAML shape, a YAML writer and CLI runners."""

from __future__ import annotations

import copy
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# Property tests draw the same examples on every run (the suite uses fixed seeds throughout);
# HYPOTHESIS_PROFILE=explore searches afresh each time.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO_ROOT = Path(__file__).resolve().parents[1]

# The scenario shape the documentation promises (a phone-only Double 11 day).
MINIMAL_SCENARIO: dict[str, Any] = {
    "name": "Double 11, phone only",
    "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00", "interval": "15min"},
    "warmup": "1h",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {"patience": {"dist": "exponential", "mean": "120s"}}},
    "inquiry_types": {
        "general": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 300},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        }
    },
    "pools": {"agents": {"skills": ["general"], "agents": 25}},
}

# A scenario small enough to simulate in a blink: 2 h of 15 min intervals, 30 min warm-up
# (so 6 counted intervals), and no inquiries at all in the 00:45 interval.
SMALL_SCENARIO: dict[str, Any] = {
    "name": "small test day",
    "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-11 02:00", "interval": "15min"},
    "warmup": "30min",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {"patience": {"dist": "exponential", "mean": "120s"}}},
    "inquiry_types": {
        "general": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": [60, 60, 60, 0, 60, 60, 60, 60]},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        }
    },
    "pools": {"agents": {"skills": ["general"], "agents": 5}},
}
SMALL_EMPTY_INTERVAL = "2026-11-11 00:45"  # the counted interval with rate 0


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def minimal_scenario_dict() -> dict[str, Any]:
    """A fresh copy of the documented phone-only scenario (96 intervals, 1 h warm-up)."""
    return copy.deepcopy(MINIMAL_SCENARIO)


@pytest.fixture
def small_scenario_dict() -> dict[str, Any]:
    """A fresh copy of a tiny scenario (8 intervals, 2 of warm-up, one empty interval)."""
    return copy.deepcopy(SMALL_SCENARIO)


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[..., Path]:
    """``write_yaml(data, name="double11.yaml")`` dumps ``data`` (or writes text) in tmp_path."""

    def write(data: Any, name: str = "double11.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def _command(*args: str | Path) -> list[str]:
    return [sys.executable, "run_sim.py", *map(str, args)]


def _run_subprocess(*args: str | Path, timeout: float = 120) -> CliResult:
    proc = subprocess.run(
        _command(*args), cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


class BackgroundRun:
    """``python run_sim.py *args`` started now; ``result()`` waits for it.

    Starting several at once overlaps their interpreter start-up (importing pandas and
    scipy dominates a small run), which keeps the CLI tests quick.
    """

    def __init__(self, *args: str | Path):
        self._proc = subprocess.Popen(
            _command(*args),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._result: CliResult | None = None

    def result(self, timeout: float = 120) -> CliResult:
        if self._result is None:
            stdout, stderr = self._proc.communicate(timeout=timeout)
            self._result = CliResult(self._proc.returncode, stdout, stderr)
        return self._result


def _run_in_process(*args: str | Path) -> CliResult:
    """``surgeplan.cli.main`` in this process, with a subprocess's observable behaviour.

    Exit status from the return value or ``SystemExit``; an uncaught exception becomes
    status 1 with its traceback on stderr, exactly as ``python run_sim.py`` would show it.
    """
    from surgeplan.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:
            traceback.print_exc()
            code = 1
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., CliResult]:
    """``run_cli(*args)``: ``python run_sim.py *args`` in a subprocess from the repo root."""
    return _run_subprocess


@pytest.fixture(scope="session")
def start_cli() -> Callable[..., BackgroundRun]:
    """``start_cli(*args)``: like ``run_cli`` but returns at once; call ``.result()`` later."""
    return BackgroundRun


@pytest.fixture(scope="session")
def run_main() -> Callable[..., CliResult]:
    """``run_main(*args)``: the same command line run in-process (fast; no process start-up)."""
    return _run_in_process


@pytest.fixture(scope="session")
def small_scenario_file(tmp_path_factory) -> Path:
    """SMALL_SCENARIO written to a file (shared, read-only)."""
    path = tmp_path_factory.mktemp("scenario") / "small.yaml"
    path.write_text(yaml.safe_dump(SMALL_SCENARIO, sort_keys=False), encoding="utf-8")
    return path
