"""The performance instance: 100 agents, 7 days, 2 pools, 15-minute intervals.

``python -m optimize.roster.benchmark [--time-limit S] [--gap G] [--start-every 1h]`` builds
it, solves it and prints the solve report and the audit's verdict.

The week is Monday 2026-11-09 to Monday 2026-11-16 (Double 11 on the Wednesday). Pools
``phone`` and ``chat`` need heads per 15-minute interval following a daily shape (night
trough, late-morning and evening peaks; weekend days at 80 %, Double 11 at 140 %), scaled so
that the 100 agents can cover about 95 % of the agent-hours at 7.5 h per shift — so the
labour rules, not the head count alone, decide what is left short. Agents: 40 phone, 30
chat and 30 cross-trained phone+chat; 70 full-time (8 h shifts, 32–40 h a week) and 30
part-time (4 h or 6 h shifts, up to 24 h); a few carry in rest, hours and working days.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd

from sim.scenario import Horizon
from sim.scenario.roster import RosterSection

from ..workforce import Agent, agents_from_classes

__all__ = ["benchmark_instance", "main"]

START = datetime(2026, 11, 9)


def _shape(hour: float) -> float:
    """Relative demand over the day: 0.25 at night, peaks at 11:00 and 20:00."""
    morning = math.exp(-(((hour - 11) / 3.0) ** 2))
    evening = 0.9 * math.exp(-(((hour - 20) / 2.5) ** 2))
    return 0.25 + 0.75 * max(morning, evening)


def benchmark_instance(
    start_every: str = "1h",
) -> tuple[pd.DataFrame, list[Agent], RosterSection, Horizon]:
    """(requirements, agents, section, horizon) of the 100-agent week."""
    horizon = Horizon(start=START, end=START + timedelta(days=7), interval=900)
    section = RosterSection.model_validate(
        {
            "contracts": {
                "full_time": {
                    "shift_lengths": ["8h"],
                    "min_hours_per_week": "32h",
                    "max_hours_per_week": "40h",
                    "cost_per_hour": 25,
                },
                "part_time": {
                    "shift_lengths": ["4h", "6h"],
                    "max_hours_per_week": "24h",
                    "cost_per_hour": 22,
                },
            },
            "agent_classes": [
                {"pools": ["phone"], "contract": "full_time", "count": 28},
                {"pools": ["phone"], "contract": "part_time", "count": 12},
                {"pools": ["chat"], "contract": "full_time", "count": 21},
                {"pools": ["chat"], "contract": "part_time", "count": 9},
                {"pools": ["phone", "chat"], "contract": "full_time", "count": 21},
                {"pools": ["phone", "chat"], "contract": "part_time", "count": 9},
            ],
            "shifts": {"start_every": start_every, "lengths": ["4h", "6h", "8h"]},
            "costs": {
                "understaffing_per_agent_interval": 200,
                "peaks": [
                    {
                        "start": "2026-11-11 00:00",
                        "end": "2026-11-11 02:00",
                        "understaffing_per_agent_interval": 600,
                    }
                ],
                "overtime_premium": 0.5,
                "max_overtime_hours_per_week": "4h",
                "fairness_weight": 5,
            },
        }
    )
    agents = agents_from_classes(section)
    # A few agents carry state in from the week before.
    eve = START - timedelta(hours=1)
    agents[0] = replace(agents[0], last_shift_end=eve)
    agents[28] = replace(agents[28], consecutive_days=6)
    agents[40] = replace(agents[40], days_off=frozenset({START.date()}))

    capacity = 70 * 36 + 30 * 18  # agent-hours the agents would give in a typical week
    rows = []
    for moment in horizon.interval_starts():
        day = moment.weekday()
        factor = 0.8 if day >= 5 else (1.4 if moment.date() == datetime(2026, 11, 11).date() else 1)
        hour = moment.hour + moment.minute / 60
        rows.append((moment, "phone", factor * _shape(hour)))
        rows.append((moment, "chat", factor * 0.75 * _shape((hour - 1) % 24)))
    raw = pd.DataFrame(rows, columns=["interval_start", "pool", "level"])
    scale = 0.95 * capacity / (raw["level"].sum() * 0.25)
    raw["required"] = (raw["level"] * scale).round()
    return raw[["interval_start", "pool", "required"]], agents, section, horizon


def main(argv: list[str] | None = None) -> int:
    from ..audit import audit
    from . import plan_roster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--start-every", default="1h")
    args = parser.parse_args(argv)
    requirements, agents, section, horizon = benchmark_instance(args.start_every)
    started = time.perf_counter()
    plan = plan_roster(
        requirements, agents, section, horizon, time_limit=args.time_limit, gap=args.gap
    )
    total = time.perf_counter() - started
    report = plan.report
    print(
        f"{len(agents)} agents, grid {args.start_every}: {report.status} "
        f"({report.termination_condition}) objective {report.objective:,.1f} "
        f"bound {report.best_bound:,.1f} gap {report.gap:.3%}; build {report.build_seconds:.1f} s, "
        f"solve {report.seconds:.1f} s, total {total:.1f} s; {report.variables} variables "
        f"({report.integer_variables} integer), {report.constraints} constraints"
    )
    print("costs:", {k: round(v, 1) for k, v in plan.costs.items()})
    short = plan.coverage["shortfall"].sum() * 0.25
    need = plan.coverage["required"].sum() * 0.25
    print(f"agent-hours short: {short:,.1f} of {need:,.1f} required")
    violations = audit(plan.roster, plan.agents, section, horizon.start, horizon.end)
    print(f"audit: {len(violations)} violation(s)")
    if len(violations):
        print(violations.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
