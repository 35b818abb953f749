"""Every notebook runs top to bottom in a real Jupyter kernel, within its time budget, using
surgeplan's public API only, and is saved without outputs.

Each notebook is executed by nbclient in an IPython kernel started with this interpreter (so
it sees the installed package), from the repository root, with the non-interactive Agg
plotting backend; any error in any cell fails the test.
"""

from __future__ import annotations

import ast
import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import sim
import surgeplan

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# A notebook is a worked example run on every change: it must stay quick.
BUDGET_SECONDS = 120.0
CELL_TIMEOUT_SECONDS = 120
KERNEL = "python3"

# The packages of the project and the names each one makes public; anything else of theirs
# (a submodule, a name outside __all__, a _private attribute) is internal.
PUBLIC = {"surgeplan": set(surgeplan.__all__), "sim": set(sim.__all__)}
PROJECT = {*PUBLIC, "optimize"}


def code_cells(path: Path) -> list[tuple[int, str]]:
    notebook = nbformat.read(path, as_version=4)
    return [
        (number, cell.source)
        for number, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    ]


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def internal_uses(source: str) -> list[str]:
    """What ``source`` (a code cell, IPython syntax allowed) uses of the project beyond its
    public API, one description each."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    packages: dict[str, str] = {}  # local name -> public package it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in PUBLIC:
                    packages[alias.asname or alias.name] = alias.name
                elif alias.name.split(".")[0] in PROJECT:
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                found.append(f"line {node.lineno}: relative import from {module or '.'}")
            elif module in PUBLIC:
                found += [
                    f"line {node.lineno}: from {module} import {alias.name} (not in __all__)"
                    for alias in node.names
                    if alias.name not in PUBLIC[module]
                ]
            elif module.split(".")[0] in PROJECT:
                found.append(f"line {node.lineno}: from {module} import ...")
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("_") and not _dunder(node.attr):
                found.append(f"line {node.lineno}: private attribute .{node.attr}")
            elif isinstance(node.value, ast.Name) and node.value.id in packages:
                package = packages[node.value.id]
                if node.attr not in PUBLIC[package] and not _dunder(node.attr):
                    found.append(f"line {node.lineno}: {package}.{node.attr} (not in __all__)")
    return found


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> KernelSpecManager:
    """A kernel spec that starts ipykernel with this interpreter, whatever other Python
    kernels the machine has registered."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / KERNEL
    spec.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "surgeplan", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)


def test_there_are_notebooks():
    assert NOTEBOOKS


def test_the_checker_finds_internal_uses():
    source = (
        "import surgeplan\nimport surgeplan.api\nfrom sim.arrivals import Rate\n"
        "from sim import Scenario, compile_rate\nfrom optimize.roster import plan_roster\n"
        "surgeplan.plan_loop\nsurgeplan.plan\nscenario._arrivals\nsurgeplan.__version__\n"
    )
    assert [use.split(":")[0] for use in internal_uses(source)] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 8",
    ]


def test_the_what_if_base_is_the_weekday_phone_line():
    """notebooks/data/weekday_evening_phone.yaml says it is weekday.yaml's phone line with
    one number of phone agents: it must stay so when weekday.yaml changes."""
    weekday = sim.Scenario.from_yaml(ROOT / "scenarios" / "weekday.yaml")
    evening = sim.Scenario.from_yaml(ROOT / "notebooks" / "data" / "weekday_evening_phone.yaml")
    assert evening.time_zone == weekday.time_zone
    assert evening.service_level == weekday.service_level
    assert evening.busyness == weekday.busyness
    assert evening.channels == {"phone": weekday.channels["phone"]}
    assert evening.inquiry_types == {
        name: kind for name, kind in weekday.inquiry_types.items() if kind.channel == "phone"
    }
    assert evening.pools["phone"].skills == weekday.pools["phone"].skills
    assert evening.pools["vip_desk"].skills == weekday.pools["vip_desk"].skills


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_public_api_only(path):
    found = [
        f"cell {number}, {use}"
        for number, source in code_cells(path)
        for use in internal_uses(source)
    ]
    assert not found, f"{path.name} uses internals: " + "; ".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    run = [
        number
        for number, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not run, f"{path.name}: cells {run} hold outputs; clear them before saving"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, kernel_specs, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits it: no window, no inline
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        allow_errors=False,
        resources={"metadata": {"path": str(ROOT)}},  # the kernel's working directory
    )
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    assert seconds < BUDGET_SECONDS, (
        f"{path.name} took {seconds:.0f} s; notebooks must run in under {BUDGET_SECONDS:.0f} s"
    )
