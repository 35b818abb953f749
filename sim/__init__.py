"""surgeplan's simulator: scenario model, arrival sampling, SimPy engine, metrics, Erlang.

The names below are loaded on first use (PEP 562): ``from sim import Scenario`` reads a
scenario without importing the engine, pandas or scipy, which is most of a command's start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import Problem, ScenarioError

if TYPE_CHECKING:
    from .distributions import (
        Deterministic,
        Distribution,
        Empirical,
        Exponential,
        Gamma,
        Lognormal,
    )
    from .model import SimModel
    from .runner import SimulationResult, simulate
    from .scenario import Scenario
    from .scenario.busyness import Busyness

__all__ = [
    "Busyness",
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Problem",
    "Scenario",
    "ScenarioError",
    "SimModel",
    "SimulationResult",
    "simulate",
]

# Where each lazily loaded name lives.
_HOMES = {
    "Busyness": ".scenario.busyness",
    "Deterministic": ".distributions",
    "Distribution": ".distributions",
    "Empirical": ".distributions",
    "Exponential": ".distributions",
    "Gamma": ".distributions",
    "Lognormal": ".distributions",
    "SimModel": ".model",
    "SimulationResult": ".runner",
    "simulate": ".runner",
    "Scenario": ".scenario",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
