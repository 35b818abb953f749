"""Each package's public API is exactly what its ``__all__`` says."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "sim",
    "sim.arrivals",
    "sim.arrivals.history_file",
    "sim.arrivals.models.custom",
    "sim.arrivals.models.historical",
    "sim.arrivals.models.piecewise",
    "sim.arrivals.models.promo_surge",
    "sim.arrivals.process",
    "sim.arrivals.protocol",
    "sim.arrivals.registry",
    "sim.arrivals.steps",
    "sim.arrivals.windows",
    "sim.bots",
    "sim.calendar",
    "sim.channel_metrics",
    "sim.complaint_metrics",
    "sim.absence",
    "sim.scenario.bots",
    "sim.scenario.busyness",
    "sim.scenario.channels",
    "sim.scenario.complaints",
    "sim.scenario.horizon",
    "sim.scenario.incidents",
    "sim.scenario.inquiry_types",
    "sim.scenario.pools",
    "sim.scenario.root",
    "sim.scenario.service_level",
    "sim.distributions",
    "sim.durations",
    "sim.erlang",
    "sim.errors",
    "sim.metrics",
    "sim.model",
    "sim.recorder",
    "sim.runner",
    "sim.scenario",
    "sim.streams",
    "surgeplan.arrival_curves",
    "surgeplan.cli",
    "surgeplan.commands",
    "surgeplan.commands.arrivals",
    "surgeplan.commands.audit",
    "surgeplan.commands.options",
    "surgeplan.commands.plan_command",
    "surgeplan.commands.roster",
    "surgeplan.commands.rostering",
    "surgeplan.commands.simulate",
    "surgeplan.commands.staff",
    "surgeplan.commands.validate",
    "surgeplan.io",
    "surgeplan.progress",
    "surgeplan.roster_staffing",
    "surgeplan.staffing_file",
    "surgeplan.sweeps",
    "surgeplan.sweeps.spec",
    "surgeplan.sweeps.store",
    "surgeplan.sweeps.tasks",
    "surgeplan.sweeps.figure",
    "surgeplan.commands.sweep",
    "surgeplan.commands.report",
    "surgeplan.api",
    "surgeplan.outputs",
    "surgeplan.plan_loop",
    "surgeplan.run_record",
    "surgeplan.reports",
    "surgeplan.reports.clock",
    "surgeplan.reports.page",
    "surgeplan.reports.plan_figures",
    "surgeplan.reports.queue_figures",
    "surgeplan.reports.run_files",
    "surgeplan.reports.sections",
    "surgeplan",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name):
    module = importlib.import_module(name)
    assert module.__all__, f"{name} declares no public names"
    missing = [item for item in module.__all__ if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
    assert len(set(module.__all__)) == len(module.__all__)


def test_sim_exposes_the_documented_entry_points():
    import sim

    for item in ("Scenario", "ScenarioError", "simulate", "SimulationResult"):
        assert item in sim.__all__


# What the README's "From Python" promises notebooks and scripts.
SURGEPLAN_API = {
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "__version__",
    "audit",
    "export_roster",
    "load",
    "plan",
    "report",
    "roster",
    "simulate",
    "staff",
    "sweep",
}


def test_surgeplan_exposes_the_documented_api(repo_root):
    import surgeplan
    from sim import Scenario

    assert set(surgeplan.__all__) == SURGEPLAN_API
    assert surgeplan.Scenario is Scenario
    for name in SURGEPLAN_API - {"__version__", "Scenario", "ScenarioError", "SimulationResult"}:
        assert callable(getattr(surgeplan, name)), name
    assert set(surgeplan.__all__) <= set(dir(surgeplan))
    # Every name is in the README's table, and the table names nothing else.
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From Python", 1)[1].split("\n## ", 1)[0]
    for name in SURGEPLAN_API - {"__version__"}:
        assert f"`{name}" in section or f", {name}" in section or f"`{name}`" in section, name


def test_api_functions_are_not_shadowed_by_submodules():
    """Importing every submodule leaves ``surgeplan.plan`` and friends the functions (a
    submodule of the same name would replace them on import)."""
    import importlib
    import pkgutil

    import surgeplan

    for module in pkgutil.walk_packages(surgeplan.__path__, "surgeplan."):
        if not module.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(module.name)
    for name in ("plan", "report", "roster", "simulate", "staff", "sweep", "audit"):
        assert callable(getattr(surgeplan, name)), name
