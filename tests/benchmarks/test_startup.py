"""The start-up benchmark measures every command, by what its code imports, and its section of
docs/benchmarks.md survives benchmarks/run.py rewriting the file."""

from __future__ import annotations

import importlib.util
import sys

import pytest


def _load(repo_root, name):
    spec = importlib.util.spec_from_file_location(name, repo_root / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def startup(repo_root):
    return _load(repo_root, "startup")


def test_every_registered_command_is_measured(startup):
    from surgeplan.cli import build_parser

    names = [name for name, _ in startup.commands()]
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert names == list(sub.choices)  # every command the parser knows, in its order
    labels = [case.label for case in startup.build_cases()]
    assert [f"imports of `{name}`" for name in names] == labels[-len(names) :]


def test_a_commands_imports_are_its_unconditional_ones_made_absolute(startup):
    imports = startup.command_imports("simulate")
    assert "from sim import Scenario, simulate" in imports
    assert "from surgeplan.commands import options" in imports
    assert "from surgeplan.outputs import write_simulate_run" in imports
    # Only a --roster run reads a roster; type-checking imports are never run.
    assert not any("roster" in line for line in imports)
    assert not any("__future__" in line for line in imports)


def test_the_section_is_kept_when_run_py_rewrites_the_file(startup, repo_root, tmp_path):
    run = _load(repo_root, "run")
    path = tmp_path / "benchmarks.md"
    body = "## Start-up\n\n| what | wall |\n"
    path.write_text(run.with_section("# Benchmarks\n", startup.SECTION, body), encoding="utf-8")
    rewritten = "# Benchmarks\n\nnew engine results\n" + run.kept_sections(path)
    assert f"<!-- {startup.SECTION}: begin -->\n{body}<!-- {startup.SECTION}: end -->" in rewritten
