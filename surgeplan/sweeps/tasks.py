"""One sweep task: a variant's scenario run once (``simulate``, ``staff`` or ``plan``) with a
seed derived from the sweep's seed, the variant and the replication — never from the worker
that runs it, so every backend and worker count gives the same numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import Scenario

__all__ = ["task_seed", "run_task", "flatten"]


# Summary entries that restate the run's settings rather than measure it.
SETTINGS = frozenset(
    {
        "seed",
        "replications",
        "per_replication",
        "day_factors",
        "intervals",
        "answer_within_seconds",
        "service_level_target",
        "closed_within_72h_target",
        "cv",
    }
)


def task_seed(seed: int, variant: int, replication: int) -> int:
    """The seed of (variant, replication): independent streams for every task."""
    state = np.random.SeedSequence([seed, variant, replication]).generate_state(2, np.uint32)
    # 63 bits: the seed column stays a signed 64-bit integer in every file and table.
    return (int(state[0]) << 32 | int(state[1])) & (2**63 - 1)


def flatten(summary: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every numeric metric of a summary by its summary.json name (nested ones dotted:
    ``funnel.inquiries``); a single replication's values are plain numbers."""
    out: dict[str, float] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if key in SETTINGS:
            continue
        if isinstance(value, (bool, int, float)):
            out[name] = float(value)
        elif value is None:
            out[name] = float("nan")
        elif isinstance(value, dict):
            out.update(flatten(value, prefix=f"{name}."))
    return out


def run_task(run: str, scenario: Scenario, seed: int, method: str) -> dict[str, float]:
    """The metrics of one run of ``scenario``."""
    if run == "simulate":
        from sim import simulate

        return flatten(simulate(scenario, seed=seed).summary)
    if run == "staff":
        from optimize.staffing import Targets, staff

        level = scenario.service_level
        table = staff(
            scenario, method, targets=Targets(level.answer_within, level.target), seed=seed
        ).table
        hours = scenario.horizon.interval / 3600
        return {
            "agent_hours": float(table["agents"].sum() * hours),
            "agent_hours_rostered": float(table["agents_rostered"].sum() * hours),
            "peak_agents": float(table.groupby("interval_start")["agents"].sum().max()),
        }
    if run == "plan":
        from surgeplan.plan_loop import run_plan

        result = run_plan(scenario, method=method, seed=seed)
        kept = result.rounds[result.rounds["kept"]].iloc[0]
        metrics = flatten(result.verification.summary)
        metrics.update(
            {
                "roster_cost": float(kept["cost"]),
                "agents_rostered": float(kept["agents_rostered"]),
                "shifts": float(kept["shifts"]),
                "intervals_meeting_share": float(kept["intervals_meeting_share"]),
                "meets_goal": float(bool(kept["meets_goal"])),
            }
        )
        return metrics
    raise ValueError(f"unknown run {run!r}")
