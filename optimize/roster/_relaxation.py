"""The lower bound for rosters at scale: the LP relaxation of the class aggregate.

The class aggregate (:meth:`RosterData.aggregate`) is a relaxation of the roster model, and
its LP relaxation one more: its optimum is a lower bound on every roster's cost. HiGHS's
interior point method solves it for 500 agents over 14 days in well under a minute where the
aggregate MIP finds nothing in five. The bound reported is not the LP's objective as HiGHS
measures it (within its tolerances) but the *Lagrangian bound* of its duals ``y``,

    L(y) = Σ_j min(d_j·l_j, d_j·u_j) + Σ_i min(y_i·rl_i, y_i·ru_i),   d = c − Aᵀy,

a lower bound for *any* ``y`` (weak duality), so no tolerance can make it too high; at the
LP optimum it equals the LP's value. Its primal solution — how many of each class work each
shift, fractionally — is where :mod:`._rounding` starts.

The solve runs in a thread: HiGHS releases the interpreter while it works, so on two cores
the search for a roster goes on beside it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import highspy
import numpy as np
from scipy import sparse

from ._data import RosterData
from ._model import create_model

__all__ = ["Relaxation", "lagrangian_bound"]

TINY = 1e-7  # a reduced cost this small is noise
IMPLIED = 1e6


def lagrangian_bound(highs: highspy.Highs) -> float | None:
    """``L(y)`` (module docstring) for the model loaded in ``highs`` and its row duals."""
    lp = highs.getLp()
    solution = highs.getSolution()
    if not solution.dual_valid:
        return None
    y = np.asarray(solution.row_dual, dtype=float)
    a = lp.a_matrix_
    matrix = sparse.csc_matrix(
        (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
        shape=(lp.num_row_, lp.num_col_),
    )
    sense = 1.0 if lp.sense_ == highspy.ObjSense.kMinimize else -1.0
    c = sense * np.asarray(lp.col_cost_, dtype=float)
    y = sense * y
    d = c - matrix.T @ y
    total = sense * float(lp.offset_)
    lower = np.asarray(lp.col_lower_, dtype=float)
    upper = np.asarray(lp.col_upper_, dtype=float)
    # Solvers leave reduced costs of 1e-16 with the wrong sign on unbounded variables,
    # which would make the bound −∞: such a variable is taken at most IMPLIED (heads short,
    # hours and agents are far below it in any optimal roster).
    tiny = np.abs(d) <= TINY
    upper = np.where(tiny & np.isinf(upper), IMPLIED, upper)
    lower = np.where(tiny & np.isinf(lower), -IMPLIED, lower)
    total += _least(d, lower, upper)
    total += _least(y, np.asarray(lp.row_lower_), np.asarray(lp.row_upper_))
    return sense * total if np.isfinite(total) else None


def _least(weight: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Σ min(w·l, w·u) with 0·∞ = 0."""
    with np.errstate(invalid="ignore"):
        at_lower = np.where(weight == 0, 0.0, weight * lower)
        at_upper = np.where(weight == 0, 0.0, weight * upper)
    return float(np.minimum(at_lower, at_upper).sum())


class Relaxation:
    """The aggregate's LP, solved in a background thread; :meth:`result` waits for it."""

    def __init__(self, data: RosterData, *, time_limit: float, skip: Iterable[str] = ()):
        self.bound: float | None = None
        self.value: float | None = None
        self.shifts: dict[tuple[int, int], float] = {}  # (kind, template) → agents working it
        self.seconds = 0.0
        from pyomo.contrib.appsi.solvers.highs import Highs

        # Built and loaded here: Pyomo's loader captures the process's output streams and
        # must not run beside another load; the thread only solves.
        started = time.perf_counter()
        self._aggregate = data.aggregate()
        self._model = create_model(self._aggregate, skip=skip, symmetry=False)
        self._solver = Highs()
        self._solver.config.stream_solver = False
        self._solver.set_instance(self._model)
        highs = self._solver._solver_model
        n = highs.getNumCol()
        highs.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous)
        )
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "off")
        highs.setOptionValue("time_limit", max(time_limit - (time.perf_counter() - started), 1.0))
        self._thread = threading.Thread(target=self._solve, args=(started,), daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self, timeout: float | None = None) -> Relaxation:
        self._thread.join(timeout)
        return self

    def _solve(self, started: float) -> None:
        highs = self._solver._solver_model
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            self.value = float(highs.getInfo().objective_function_value)
            self.bound = lagrangian_bound(highs)
            x = np.asarray(highs.getSolution().col_value)
            column = self._solver._pyomo_var_to_solver_var_map
            model, agents = self._model, self._aggregate.agents
            for a, k in model.assignments:
                v = x[column[id(model.x[a, k])]]
                if v > 1e-6:
                    self.shifts[agents[a].kind, k] = float(v)
        self.seconds = time.perf_counter() - started
