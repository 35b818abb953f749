"""The roster of a strategy, priced exactly: the per-agent model with every agent held to the
shifts a strategy chose places the breaks, splits cross-trained agents between pools and
prices what is left short. Every strategy but ``direct`` ends here."""

from __future__ import annotations

import time
from dataclasses import replace

import pyomo.environ as pyo

from ._data import RosterData
from ._model import create_model
from ._solve import SolveReport, solve
from ._spread import spread_breaks

__all__ = ["evaluate"]


def evaluate(
    data: RosterData, assigned: dict[int, tuple[int, ...]], *, time_limit: float, **options
) -> tuple[pyo.ConcreteModel, RosterData, SolveReport]:
    """The per-agent model with every agent held to the shifts ``assigned`` (step 3): places
    the breaks, splits cross-trained agents between pools, prices what is left short."""
    held = replace(
        data,
        agents=[
            replace(agent, templates=tuple(assigned.get(agent.index, ()))) for agent in data.agents
        ],
    )
    # No symmetry rows: the sharing-out need not list identical agents in their order.
    model = create_model(held, symmetry=False, **options)
    for key in model.assignments:
        model.x[key].fix(1)
    started = time.perf_counter()
    report = solve(model, time_limit=time_limit, gap=1e-6)
    if report.has_plan:
        left = max(time_limit - (time.perf_counter() - started), 1.0)
        spread_breaks(model, held, report, time_limit=left)
    return model, held, report
