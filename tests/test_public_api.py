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
