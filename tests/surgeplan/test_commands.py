"""The command line's layout: each command loads only what it uses.

Each check runs ``surgeplan.cli.main`` in a fresh interpreter and reads ``sys.modules`` after
it: what a command imports is a fact about the code, unlike its start-up time, which the
project measures in ``benchmarks/startup.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from surgeplan.commands import COMMANDS

# Reporting what the child process loaded, after main() returned or exited (--help exits 0).
_CHILD = """\
import json, sys
from surgeplan.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""

# Each of these takes from a tenth to most of a second to import.
HEAVY = ("scipy.stats", "pandas", "matplotlib", "pyomo")


def modules_loaded(repo_root, *args) -> tuple[int, set[str]]:
    """Exit status of ``run_sim.py *args`` and every module loaded once it is done."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, args)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    return report["status"], set(report["modules"])


def registered(module_name: str) -> dict[str, argparse.ArgumentParser]:
    """The sub-parsers a command module registers, by command name."""
    commands = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(f"surgeplan.commands.{module_name}").register(commands)
    return dict(commands.choices)


COMMAND_NAMES = [name for module_name in COMMANDS for name in registered(module_name)]


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The packages of ``packages`` found in ``modules`` (a package or any module inside it)."""
    return [p for p in packages if any(m == p or m.startswith(p + ".") for m in modules)]


SHIPPED = sorted(p.name for p in (Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_validate_imports_no_heavy_library(repo_root, name):
    status, modules = modules_loaded(repo_root, "validate", f"scenarios/{name}", "--quiet")
    assert status == 0
    assert loaded(modules, HEAVY) == []


@pytest.mark.parametrize(
    "args", [["--help"], *([name, "--help"] for name in COMMAND_NAMES)], ids=" ".join
)
def test_parsing_the_arguments_imports_no_numerical_library(repo_root, args):
    status, modules = modules_loaded(repo_root, *args)
    assert status == 0
    assert loaded(modules, (*HEAVY, "scipy", "numpy", "pydantic")) == []


def test_simulate_imports_no_plotting_solver_or_export_library(
    repo_root, small_scenario_file, tmp_path
):
    status, modules = modules_loaded(
        repo_root, "simulate", small_scenario_file, "--out", tmp_path, "--quiet", "--no-report"
    )
    assert status == 0
    assert (tmp_path / "summary.json").exists()
    assert loaded(modules, ("matplotlib", "pyomo", "highspy", "openpyxl", "icalendar")) == []
    # optimize.staffing itself is read for the list of staffing methods; nothing under it.
    assert sorted(m for m in modules if m.startswith("optimize")) == [
        "optimize",
        "optimize.staffing",
    ]


def test_simulate_with_its_report_still_loads_no_solver(repo_root, small_scenario_file, tmp_path):
    status, modules = modules_loaded(
        repo_root, "simulate", small_scenario_file, "--out", tmp_path, "--quiet"
    )
    assert status == 0
    assert (tmp_path / "report.html").exists()
    assert loaded(modules, ("pyomo", "highspy", "openpyxl", "icalendar")) == []


@pytest.mark.parametrize("module_name", COMMANDS)
def test_each_command_module_registers_one_parser_that_runs_it(module_name):
    (parser,) = registered(module_name).values()
    module = importlib.import_module(f"surgeplan.commands.{module_name}")
    assert parser.get_default("run") is module.run


def test_no_roster_in_time_is_one_error_line_and_exit_1(
    run_main, small_scenario_file, tmp_path, monkeypatch
):
    import optimize.roster

    message = "no roster found within the time limit of 1 s; allow more time"

    def no_roster(*args, **kwargs):
        raise optimize.roster.NoRosterFound(message)

    monkeypatch.setattr(optimize.roster, "plan_shifts", no_roster)
    out = tmp_path / "out"
    result = run_main(
        "roster", small_scenario_file, "--out", out, "--level", "shifts", "--method", "erlang"
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert not out.exists()
