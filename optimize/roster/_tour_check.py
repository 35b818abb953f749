"""Whether one agent's tour keeps every labour rule, and repairs for the rules the dynamic
programme of :mod:`._tour_dp` leaves to a check.

Two levels:

* :meth:`TourCheck.repair` — the rolling 7-day windows of rules (7) and (9) (hours in 7 days,
  night shifts), with the very coefficients of the model's rows (:mod:`._rules`); while a
  window is over, the shift inside it worth least leaves the tour. Dropping a shift never
  breaks a rule that caps work, so the repaired tour keeps what the programme kept;
* :meth:`TourCheck.cost` — the exact word: the per-agent model (every rule of
  :mod:`._rules`, the same as any roster the optimiser returns) with the tour's shifts fixed,
  solved by HiGHS in milliseconds; its objective is the tour's pay, overtime and fairness.
  Answers are remembered per tour.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._data import AgentData, RosterData
from ._model import create_model
from ._rules import _hours_windows, _night_windows

__all__ = ["TourCheck"]

_EPS = 1e-6
CHECK_SECONDS = 5.0  # a fixed tour is a presolved LP: milliseconds in practice


class TourCheck:
    """Checks for one agent (any member of its class)."""

    def __init__(self, data: RosterData, agent: AgentData, *, skip=()):
        from pyomo.contrib.appsi.solvers.highs import Highs

        self.templates = np.array(agent.templates, dtype=np.int64)
        position = {k: i for i, k in enumerate(agent.templates)}
        rules = data.section.rules
        rows, rooms = [], []
        for coef, room in _hours_windows(data, agent):
            row = np.zeros(len(position))
            for k, hours in coef.items():
                row[position[k]] = hours
            rows.append(row)
            rooms.append(room)
        for keys in _night_windows(data, agent):
            row = np.zeros(len(position))
            row[[position[k] for k in keys]] = 1.0
            rows.append(row)
            rooms.append(float(rules.max_night_shifts_in_7_days))
        self.windows = np.array(rows).reshape(len(rows), len(position))
        self.rooms = np.array(rooms)
        sub = replace_agents(data, agent)
        model = create_model(sub, coverage=False, symmetry=False, skip=skip)
        solver = Highs()
        solver.config.stream_solver = False
        solver.set_instance(model)
        self.highs = solver._solver_model
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("time_limit", CHECK_SECONDS)
        mapping = solver._pyomo_var_to_solver_var_map
        self.columns = np.array(
            [mapping[id(model.x[0, k])] for k in agent.templates], dtype=np.int32
        )
        self._known: dict[tuple[int, ...], float | None] = {}

    def positions(self, tour) -> np.ndarray:
        return np.searchsorted(self.templates, np.asarray(tour, dtype=np.int64))

    def repair(self, tour: list[int], gain: np.ndarray) -> list[int]:
        """``tour`` less its least valuable shifts until no 7-day window is over."""
        if not len(self.rooms) or not tour:
            return tour
        x = np.zeros(len(self.templates))
        x[self.positions(tour)] = 1.0
        while True:
            over = self.windows @ x - self.rooms
            worst = int(over.argmax())
            if over[worst] <= _EPS:
                break
            inside = np.flatnonzero((self.windows[worst] > 0) & (x > 0))
            x[inside[gain[inside].argmin()]] = 0.0
        return [int(k) for k in self.templates[x > 0]]

    def cost(self, tour) -> float | None:
        """The tour's exact pay, overtime and fairness, or ``None`` if it breaks a rule."""
        key = tuple(sorted(tour))
        if key in self._known:
            return self._known[key]
        h = self.highs
        n = len(self.columns)
        on = np.zeros(n)
        on[self.positions(key)] = 1.0
        h.changeColsBounds(n, self.columns, on, on)
        h.run()
        ok = h.getInfo().primal_solution_status == 2
        self._known[key] = float(h.getInfo().objective_function_value) if ok else None
        return self._known[key]


def replace_agents(data: RosterData, agent: AgentData) -> RosterData:
    """``data`` with ``agent`` alone (index 0) and no requirements: its own rules and cost."""
    return replace(data, required={}, agents=[replace(agent, index=0)])
