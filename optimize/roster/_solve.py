"""Solving a roster model with HiGHS, and what the solve says about itself."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

import pyomo.environ as pyo

__all__ = ["SolveReport", "against_bound", "solve"]

SOLVER = "appsi_highs"


@dataclass(frozen=True)
class SolveReport:
    """How the solve went.

    ``status``: ``optimal`` (within the gap asked for), ``feasible`` (a plan, stopped by the
    time limit before proving the gap), ``infeasible`` or ``no_solution`` (time ran out before
    any plan was found). ``objective`` is the plan's cost, ``best_bound`` the best proven lower
    bound on any plan's cost, ``gap`` = (objective − bound) / |objective|.
    """

    status: str
    termination_condition: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    seconds: float
    time_limit_seconds: float
    gap_limit: float
    solver: str = SOLVER
    build_seconds: float = 0.0
    variables: int = 0
    integer_variables: int = 0
    constraints: int = 0
    strategy: str = "direct"

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _finite(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``(objective − bound) / |objective|`` (0 when both are 0), as HiGHS measures it."""
    if objective is None or bound is None:
        return None
    if abs(objective) < 1e-9:
        return 0.0 if abs(bound) < 1e-9 else math.inf
    return max(objective - bound, 0.0) / abs(objective)


def against_bound(report: SolveReport, bound: float | None, gap: float, **changes) -> SolveReport:
    """``report`` with ``bound`` as its best bound, the gap measured to it, and the status
    ``optimal`` when that gap is within ``gap`` (``feasible`` otherwise; a report without a
    plan keeps its status)."""
    final_gap = relative_gap(report.objective, bound) if report.has_plan else None
    status = report.status
    if report.has_plan:
        status = "optimal" if final_gap is not None and final_gap <= gap + 1e-9 else "feasible"
    return replace(report, status=status, best_bound=bound, gap=final_gap, gap_limit=gap, **changes)


def solve(
    model: pyo.ConcreteModel,
    *,
    time_limit: float = 60.0,
    gap: float = 0.01,
    warm_start: bool = False,
) -> SolveReport:
    """Solve ``model`` with HiGHS within ``time_limit`` seconds or relative ``gap``; load the
    best plan found into the model's variables (when there is one) and report. With
    ``warm_start``, the variables' current values are offered to HiGHS as a first plan."""
    solver = pyo.SolverFactory(SOLVER)
    # The options go to HiGHS directly: the legacy wrapper's config is reset on each solve.
    solver.highs_options = {"time_limit": float(time_limit), "mip_rel_gap": float(gap)}
    started = time.perf_counter()
    results = solver.solve(model, load_solutions=False, warmstart=warm_start)
    seconds = time.perf_counter() - started
    condition = str(results.solver.termination_condition)
    objective = _finite(results.problem.upper_bound)
    bound = _finite(results.problem.lower_bound)
    if condition == "infeasible":
        status = "infeasible"
        objective = bound = None
    elif objective is None:
        status = "no_solution"
    else:
        solver.load_vars()
        status = "optimal" if condition == "optimal" else "feasible"
    stats = _size(model)
    return SolveReport(
        status=status,
        termination_condition=condition,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound),
        seconds=seconds,
        time_limit_seconds=float(time_limit),
        gap_limit=float(gap),
        **stats,
    )


def _size(model: pyo.ConcreteModel) -> dict[str, int]:
    variables = integers = 0
    for var in model.component_data_objects(pyo.Var, active=True):
        if var.fixed:
            continue
        variables += 1
        integers += var.is_binary() or var.is_integer()
    constraints = sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True))
    return {"variables": variables, "integer_variables": integers, "constraints": constraints}
