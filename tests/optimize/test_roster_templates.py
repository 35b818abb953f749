"""Named shift templates in the roster models: shifts start only at the templates, the shift
level finds the optimum an enumeration of all shift counts finds, and ``pay_factor`` is paid
everywhere pay is counted (both objectives, the per-agent summary, agents_summary.csv).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from optimize.roster import plan_roster, plan_shifts, prepare
from optimize.workforce import Agent
from sim import Scenario
from sim.scenario import Horizon
from sim.scenario.roster import RosterSection
from surgeplan.exports import agents_summary

MONDAY = datetime(2026, 11, 9)
HOUR = 3600.0
RATE = 10.0  # cost per hour of the one contract

# An operational day from 06:00 to 06:00: every template starts inside it, "evening" crosses
# midnight. Lengths of at most 6 h need no break, so a shift covers every interval it spans.
TEMPLATES = [
    ("dawn", "06:00", 4, 1.0),
    ("morning", "08:00", 4, 1.3),
    ("midday", "10:00", 4, 0.8),
    ("long", "09:00", 6, 1.1),
    ("evening", "20:00", 6, 2.0),
]


def _section(templates, lengths=("4h", "6h")) -> RosterSection:
    return RosterSection.model_validate(
        {
            "contracts": {
                "c": {
                    "shift_lengths": list(lengths),
                    "max_hours_per_week": "60h",
                    "cost_per_hour": RATE,
                }
            },
            "agent_classes": [{"pools": ["p"], "contract": "c", "count": 1}],
            "shifts": {
                "templates": [
                    {"name": n, "start": s, "length": f"{h}h", "pay_factor": f}
                    for n, s, h, f in templates
                ]
            },
            "costs": {"fairness_weight": 0},
        }
    )


def _requirements(horizon: Horizon, heads) -> pd.DataFrame:
    rows = [(moment, "p", heads(moment)) for moment in horizon.interval_starts()]
    return pd.DataFrame(rows, columns=["interval_start", "pool", "required"])


def _covers(name: str, moment: datetime, day: datetime) -> bool:
    _, start, hours, _ = next(t for t in TEMPLATES if t[0] == name)
    begin = day + timedelta(hours=int(start[:2]))
    return begin <= moment < begin + timedelta(hours=hours)


def test_shifts_start_only_at_the_templates_on_each_date():
    section = _section(TEMPLATES)
    horizon = Horizon(
        start=MONDAY + timedelta(hours=6), end=MONDAY + timedelta(days=2), interval=900
    )
    data = prepare(_requirements(horizon, lambda m: 1), [], section, horizon, temporaries=False)
    got = [(t.name, data.moment(t.start), t.length / HOUR, t.pay_factor) for t in data.templates]
    # Monday from 06:00 (the horizon's start), all of Tuesday; by start time.
    expected = sorted(
        (name, day + timedelta(hours=int(start[:2])), float(hours), factor)
        for day in (MONDAY, MONDAY + timedelta(days=1))
        for name, start, hours, factor in TEMPLATES
    )
    assert sorted(got, key=lambda row: row[1]) == sorted(expected, key=lambda row: row[1])
    assert [row[1] for row in got] == sorted(row[1] for row in got)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shift_level_matches_the_enumerated_optimum(seed):
    """Every vector of shift counts (0–3 of each template) is tried; the cheapest covering
    one must cost what the model's plan costs, and the plan must cover."""
    rng = np.random.default_rng(seed)
    day = MONDAY
    horizon = Horizon(
        start=day + timedelta(hours=6), end=day + timedelta(days=1, hours=6), interval=900
    )
    starts = horizon.interval_starts()
    names = [t[0] for t in TEMPLATES]
    covered = {m: [n for n in names if _covers(n, m, day)] for m in starts}
    need = {m: int(rng.integers(0, 4)) if covered[m] else 0 for m in starts}
    factor = {t[0]: t[3] for t in TEMPLATES}
    hours = {t[0]: t[2] for t in TEMPLATES}

    best = None
    for counts in itertools.product(range(4), repeat=len(names)):
        n = dict(zip(names, counts, strict=True))
        if all(sum(n[k] for k in covered[m]) >= need[m] for m in starts):
            cost = sum(RATE * factor[k] * hours[k] * n[k] for k in names)
            best = cost if best is None else min(best, cost)

    plan = plan_shifts(
        _requirements(horizon, need.get), _section(TEMPLATES), horizon, gap=0, hard_coverage=True
    )
    assert plan.report.status == "optimal"
    assert plan.costs["pay"] == pytest.approx(best)
    assert plan.coverage["shortfall"].max() == 0
    # The counts read back price to the same cost.
    by_start = {(day + timedelta(hours=int(s[:2]))): n for n, s, _, _ in TEMPLATES}
    paid = sum(
        RATE * factor[by_start[row.shift_start]] * hours[by_start[row.shift_start]] * row.count
        for row in plan.shifts.itertuples()
    )
    assert paid == pytest.approx(best)


def _two_way(early: float, late: float):
    """Early 08–12 and late 10–14 both cover the one head needed 10–12; only pay differs."""
    return [("early", "08:00", 4, early), ("late", "10:00", 4, late)]


def _one_head_late_morning(horizon: Horizon) -> pd.DataFrame:
    return _requirements(horizon, lambda m: 1 if 10 <= m.hour < 12 else 0)


@pytest.mark.parametrize(("factors", "chosen"), [((0.75, 1.5), 8), ((2.0, 1.25), 10)])
def test_pay_factor_decides_the_template_at_the_shift_level(factors, chosen):
    horizon = Horizon(start=MONDAY, end=MONDAY + timedelta(days=1), interval=900)
    section = _section(_two_way(*factors), lengths=("4h",))
    plan = plan_shifts(_one_head_late_morning(horizon), section, horizon, gap=0, hard_coverage=True)
    assert list(plan.shifts["shift_start"]) == [MONDAY + timedelta(hours=chosen)]
    assert plan.costs["pay"] == pytest.approx(RATE * 4 * min(factors))


@pytest.mark.parametrize(("factors", "chosen"), [((0.75, 1.5), 8), ((2.0, 1.25), 10)])
def test_pay_factor_decides_the_template_for_named_agents_and_is_paid(
    factors, chosen, minimal_scenario_dict
):
    """The agent level picks the cheaper template; the plan's summary and agents_summary.csv
    (recomputed from the roster alone) both charge hours × cost_per_hour × pay_factor."""
    horizon = Horizon(start=MONDAY, end=MONDAY + timedelta(days=1), interval=900)
    section = _section(_two_way(*factors), lengths=("4h",))
    agents = [Agent(name="ana", pools=("p",), contract="c")]
    plan = plan_roster(
        _one_head_late_morning(horizon), agents, section, horizon, gap=0, hard_coverage=True
    )
    assert list(plan.roster["shift_start"]) == [MONDAY + timedelta(hours=chosen)]
    cost = RATE * 4 * min(factors)
    assert plan.costs["pay"] == pytest.approx(cost)
    assert plan.summary["cost"].tolist() == [pytest.approx(cost)]

    data = minimal_scenario_dict
    data["horizon"] = {"start": "2026-11-09 00:00", "end": "2026-11-10 00:00", "interval": "15min"}
    data["pools"] = {"p": data["pools"].pop("agents")}
    data["roster"] = section.model_dump(mode="json", exclude_unset=True)
    scenario = Scenario.from_dict(data)
    exported = agents_summary(plan.roster, agents, scenario)
    assert exported["hours_worked"].tolist() == [4.0]
    assert exported["cost"].tolist() == [pytest.approx(cost)]
