"""surgeplan: simulate, staff and roster a customer-service operation through a promotion.

The public Python API (README, "From Python"): read a scenario, then run the command line's
steps as functions.

>>> import surgeplan
>>> scenario = surgeplan.Scenario.from_yaml("scenarios/weekday.yaml")
>>> result = surgeplan.simulate(scenario, replications=4)   # result.intervals: a DataFrame
>>> needed = surgeplan.staff(scenario, "lagged")             # needed.table
>>> plan = surgeplan.plan(scenario, out="out/")              # plan.roster.roster + report.html

Names are loaded on first use (PEP 562): the command line imports this package and must
start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim import Scenario, ScenarioError, SimulationResult

    from .api import audit, export_roster, load, plan, report, roster, simulate, staff
    from .sweeps import sweep

__version__ = "0.1.0"
__all__ = [
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
]

# Where each lazily loaded name lives.
_HOMES = {
    "Scenario": "sim",
    "ScenarioError": "sim",
    "SimulationResult": "sim",
    "sweep": "surgeplan.sweeps",
    **{
        name: "surgeplan.api"
        for name in (
            "audit",
            "export_roster",
            "load",
            "plan",
            "report",
            "roster",
            "simulate",
            "staff",
        )
    },
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
