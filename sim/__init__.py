"""surgeplan's simulator: scenario model, arrival sampling, SimPy engine, metrics, Erlang."""

from .distributions import Deterministic, Distribution, Empirical, Exponential, Gamma, Lognormal
from .errors import Problem, ScenarioError
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
