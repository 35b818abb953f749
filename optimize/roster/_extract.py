"""Reading a solved roster model back into tables: shifts with breaks, coverage, agent totals.

Post-processing happens here, not in the model: individual breaks are handed out from the
per-shift counts, and each shift is labelled with the pools its agent's group served.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.environ as pyo

from ..workforce import ROSTER_COLUMNS
from ._data import HOUR, RosterData
from ._model import FAIRNESS_KINDS

__all__ = [
    "COVERAGE_COLUMNS",
    "SUMMARY_COLUMNS",
    "chosen_shifts",
    "coverage_table",
    "fairness_table",
    "roster_table",
    "summary_table",
]

COVERAGE_COLUMNS = ["interval_start", "pool", "required", "scheduled", "outsourced", "shortfall"]
SUMMARY_COLUMNS = [
    "agent",
    "pools",
    "contract",
    "temporary",
    "shifts",
    "worked_hours",
    "overtime_hours",
    "nights",
    "weekend_days",
    "late_shifts",
    "cost",
]
POOL_SHARE = 0.05  # a pool is named for a shift when it got ≥ 5 % of the group's time on duty
_HALF = 0.5


def _value(component) -> float:
    value = pyo.value(component, exception=False)
    return 0.0 if value is None else float(value)


def chosen_shifts(m: pyo.ConcreteModel) -> dict[int, list[int]]:
    """Agent index → the templates it works, by start."""
    chosen: dict[int, list[int]] = defaultdict(list)
    for a, k in m.assignments:
        if _value(m.x[a, k]) > _HALF:
            chosen[a].append(k)
    return chosen


def _break_starts(m: pyo.ConcreteModel, data: RosterData, chosen) -> dict[tuple[int, int], int]:
    """(agent, template) → break start (seconds). The model fixed how many of each group's
    shifts of a template break at each offset (``nb``); the agents on that shift take them in
    order of their names, earliest offset first."""
    on_shift: dict[tuple[str, int], list] = defaultdict(list)
    for a, keys in chosen.items():
        for k in keys:
            if data.templates[k].break_offsets:
                on_shift[data.agents[a].group, k].append((data.agents[a].agent.name, a))
    start_of = {}
    for (g, k), agents in on_shift.items():
        t = data.templates[k]
        offsets = [o for o in t.break_offsets for _ in range(round(_value(m.nb[g, k, o])))]
        # Counts always match (the model's n[g,t] = Σ nb); the middle offset is a guard only.
        offsets += [t.break_offsets[len(t.break_offsets) // 2]] * (len(agents) - len(offsets))
        for (_, a), o in zip(sorted(agents), offsets, strict=False):
            start_of[a, k] = t.start + o
    return start_of


def _shift_pools(m: pyo.ConcreteModel, data: RosterData, a: int, k: int) -> str:
    """The pools agent ``a`` staffs in template ``k``: its only pool, or the pools its group
    gave at least :data:`POOL_SHARE` of its time on duty during the shift (``a|b``)."""
    group = data.agents[a].group
    pools = data.agents[a].pools
    if len(pools) == 1:
        return pools[0]
    t = data.templates[k]
    share = dict.fromkeys(pools, 0.0)
    for i in range(len(data.interval_starts)):
        lo = data.horizon_start + i * data.interval
        if lo >= t.end or lo + data.interval <= t.start:
            continue
        for p in pools:
            if (group, i, p) in m.z:
                share[p] += _value(m.z[group, i, p])
    total = sum(share.values())
    if total <= 1e-9:
        return group
    return "|".join(p for p in pools if share[p] >= POOL_SHARE * total)


def roster_table(m: pyo.ConcreteModel, data: RosterData) -> pd.DataFrame:
    """One row per shift (:data:`~optimize.workforce.ROSTER_COLUMNS`), times as datetimes."""
    chosen = chosen_shifts(m)
    break_at = _break_starts(m, data, chosen)
    rows = []
    for a in sorted(chosen, key=lambda a: data.agents[a].agent.name):
        for k in chosen[a]:
            t = data.templates[k]
            pause_start = pause_end = None
            if t.break_offsets:
                begin = break_at[a, k]
                pause_start, pause_end = data.moment(begin), data.moment(begin + t.break_seconds)
            rows.append(
                {
                    "agent": data.agents[a].agent.name,
                    "pool": _shift_pools(m, data, a, k),
                    "date": data.dates[t.day],
                    "shift_start": data.moment(t.start),
                    "shift_end": data.moment(t.end),
                    "break_start": pause_start,
                    "break_end": pause_end,
                }
            )
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)


def coverage_table(m: pyo.ConcreteModel, data: RosterData) -> pd.DataFrame:
    """Per interval and pool: ``required`` heads, own agents ``scheduled`` to it (a
    multi-skilled group's agents as the model split them, possibly fractional),
    ``outsourced`` heads and the ``shortfall`` left."""
    from ._model import on_duty

    groups = sorted({g for g, _ in m.group_templates})
    rows = []
    for i, start in enumerate(data.interval_starts):
        for p in data.pools:
            scheduled = 0.0
            if p in groups:
                scheduled += _value(on_duty(m, data, p, i))
            scheduled += sum(_value(m.z[g, i, p]) for g in groups if (g, i, p) in m.z)
            out = _value(m.out[i, p]) if (i, p) in m.out else 0.0
            need = data.required.get((i, p), 0.0)
            rows.append(
                {
                    "interval_start": start,
                    "pool": p,
                    "required": need,
                    "scheduled": round(scheduled, 6),
                    "outsourced": round(out, 6),
                    "shortfall": round(max(need - scheduled - out, 0.0), 6),
                }
            )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def summary_table(m: pyo.ConcreteModel, data: RosterData) -> pd.DataFrame:
    """Per agent (temporary agents only if hired): shifts, worked and overtime hours,
    nights, weekend days, late shifts and cost: pay (each shift's worked hours times the
    hourly cost and its ``pay_factor``), overtime premium (on the plain hourly cost) and
    hiring fee."""
    chosen = chosen_shifts(m)
    costs = data.section.costs
    overtime: dict[int, float] = defaultdict(float)
    for a, w in m.overtime_index:
        overtime[a] += _value(m.overtime[a, w])
    fee = costs.temporary_hires.fixed_cost if costs.temporary_hires else 0.0
    rows = []
    for agent in data.agents:
        a = agent.index
        keys = chosen.get(a, [])
        if agent.temporary and not keys:
            continue
        templates = [data.templates[k] for k in keys]
        worked = sum(t.worked for t in templates) / HOUR
        extra = round(overtime[a], 6)
        paid = sum(t.worked * t.pay_factor for t in templates) / HOUR
        pay = agent.cost_per_hour * (paid + costs.overtime_premium * extra)
        rows.append(
            {
                "agent": agent.agent.name,
                "pools": "|".join(agent.agent.pools),
                "contract": agent.agent.contract,
                "temporary": agent.temporary,
                "shifts": len(keys),
                "worked_hours": worked,
                "overtime_hours": extra,
                "nights": sum(t.night for t in templates),
                "weekend_days": len({t.day for t in templates if data.dates[t.day].weekday() >= 5}),
                "late_shifts": sum(t.late for t in templates),
                "cost": round(pay + (fee if agent.temporary else 0.0), 6),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def fairness_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Spread (max − min) of nights, weekend days and late shifts among comparable agents
    (same pools and contract, temporary hires left out), one row per group and kind."""
    own = summary[~summary["temporary"]]
    rows = []
    for (pools, contract), group in own.groupby(["pools", "contract"], sort=True):
        for kind in FAIRNESS_KINDS:
            rows.append(
                {
                    "pools": pools,
                    "contract": contract,
                    "kind": kind,
                    "agents": len(group),
                    "min": int(group[kind].min()),
                    "max": int(group[kind].max()),
                    "spread": int(group[kind].max() - group[kind].min()),
                }
            )
    return pd.DataFrame(
        rows, columns=["pools", "contract", "kind", "agents", "min", "max", "spread"]
    )


def cost_breakdown(m: pyo.ConcreteModel) -> dict[str, float]:
    """The objective's parts: pay, overtime, hires, outsourcing, shortfall, fairness."""
    return {
        "pay": _value(m.pay_cost),
        "overtime": _value(m.overtime_cost),
        "temporary_hires": _value(m.hire_cost),
        "outsourced": _value(m.outsourced_cost),
        "shortfall": _value(m.shortfall_cost),
        "fairness": _value(m.fairness_cost),
    }
