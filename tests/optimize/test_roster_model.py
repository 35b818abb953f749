"""The roster model: optimal on instances small enough to enumerate, every labour rule binding
where it should, carry-in respected, soft coverage, the shift level and the ``roster`` command.

Lawfulness is judged by an independent check written here for the enumerated instances
(:func:`_lawful`) and by the labour-rule audit (:mod:`optimize.audit`) elsewhere.
"""

from __future__ import annotations

import copy
import csv
import itertools
import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optimize.audit import audit
from optimize.roster import (
    RULE_FAMILIES,
    RosterInfeasible,
    create_model,
    default_roster_section,
    plan_roster,
    plan_shifts,
    prepare,
    solve,
)
from optimize.workforce import Agent
from sim.scenario import Horizon
from sim.scenario.roster import RosterSection

MONDAY = datetime(2026, 11, 9)
HOUR = 3600.0


def _section(**overrides) -> RosterSection:
    """4 h shifts (no break) starting every 2 h from 08:00 to 12:00; generous rules."""
    data = {
        "contracts": {
            "cheap": {"shift_lengths": ["4h"], "max_hours_per_week": "60h", "cost_per_hour": 10},
            "dear": {"shift_lengths": ["4h"], "max_hours_per_week": "60h", "cost_per_hour": 30},
        },
        "agent_classes": [{"pools": ["p"], "contract": "cheap", "count": 1}],
        "shifts": {
            "start_every": "2h",
            "lengths": ["4h"],
            "earliest_start": "08:00",
            "latest_start": "12:00",
        },
        "costs": {"understaffing_per_agent_interval": 50, "fairness_weight": 0},
    }
    for path, value in overrides.items():
        node = data
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return RosterSection.model_validate(data)


def _horizon(days: int) -> Horizon:
    return Horizon(start=MONDAY, end=MONDAY + timedelta(days=days), interval=900)


def _requirements(horizon: Horizon, heads) -> pd.DataFrame:
    """``heads(moment) -> {pool: heads}`` over the horizon's intervals."""
    rows = []
    for moment in horizon.interval_starts():
        for pool, count in heads(moment).items():
            rows.append((moment, pool, count))
    return pd.DataFrame(rows, columns=["interval_start", "pool", "required"])


def _shifts_of(plan, agent: str) -> list[datetime]:
    roster = plan.roster
    return sorted(roster.loc[roster["agent"] == agent, "shift_start"])


def _audit_clean(plan, section, horizon) -> None:
    violations = audit(plan.roster, plan.agents, section, horizon.start, horizon.end)
    assert violations.empty, violations.to_string()


# -- optimal on an enumerable instance ------------------------------------------------------


def _lawful(shifts: dict[str, list[tuple[datetime, datetime]]], min_rest: float) -> bool:
    """Independent check: one shift a day and ``min_rest`` between consecutive shifts."""
    for spans in shifts.values():
        spans = sorted(spans)
        if len({start.date() for start, _ in spans}) < len(spans):
            return False
        for (_, end), (start, _) in itertools.pairwise(spans):
            if (start - end).total_seconds() < min_rest:
                return False
    return True


def _brute_force(section, agents, horizon, requirements) -> float:
    """Cheapest lawful roster by enumerating every choice of shift (or none) per agent-day."""
    starts = [
        MONDAY + timedelta(days=d, hours=h)
        for d in range((horizon.end - horizon.start).days)
        for h in (8, 10, 12)
    ]
    by_day: dict = {}
    for start in starts:
        by_day.setdefault(start.date(), []).append(start)
    options = [[None, *by_day[day]] for day in sorted(by_day) for _ in agents]
    need = {(row.interval_start, row.pool): row.required for row in requirements.itertuples()}
    price = section.costs.understaffing_per_agent_interval
    best = float("inf")
    days = sorted(by_day)
    for choice in itertools.product(*options):
        shifts = {agent.name: [] for agent in agents}
        for index, start in enumerate(choice):
            if start is not None:
                agent = agents[index % len(agents)]
                shifts[agent.name].append((start, start + timedelta(hours=4)))
        if not _lawful(shifts, section.rules.min_rest_between_shifts):
            continue
        cost = 0.0
        on_duty: dict = {}
        for agent in agents:
            rate = section.contracts[agent.contract].cost_per_hour
            for start, end in shifts[agent.name]:
                cost += rate * 4
                moment = start
                while moment < end:
                    on_duty[moment] = on_duty.get(moment, 0) + 1
                    moment += timedelta(minutes=15)
        for (moment, _), heads in need.items():
            cost += price * max(heads - on_duty.get(moment, 0), 0)
        best = min(best, cost)
    assert days
    return best


def test_the_model_finds_the_cheapest_lawful_roster_of_an_enumerable_instance():
    # Two agents, two days, three shifts a day; a 20 h rest makes a late shift on Monday
    # and an early one on Tuesday incompatible, and Monday's afternoon peak wants exactly that.
    section = _section(**{"rules.min_rest_between_shifts": "20h"})
    agents = [Agent("ann", ("p",), "cheap"), Agent("bob", ("p",), "dear")]
    horizon = _horizon(2)

    def heads(moment):
        day, hour = (moment - MONDAY).days, moment.hour
        if day == 0:
            return {"p": 1 if 8 <= hour < 12 else 2 if 12 <= hour < 16 else 0}
        return {"p": 1 if 8 <= hour < 12 else 0}

    requirements = _requirements(horizon, heads)
    expected = _brute_force(section, agents, horizon, requirements)
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0, time_limit=30)
    assert plan.report.status == "optimal"
    assert plan.report.objective == pytest.approx(expected, abs=1e-6)
    assert plan.report.best_bound == pytest.approx(expected, abs=1e-6)
    _audit_clean(plan, section, horizon)


# -- soft coverage --------------------------------------------------------------------------


def test_too_few_agents_still_get_a_plan_and_the_shortfall_is_reported_and_priced():
    section = _section()
    agents = [Agent("ann", ("p",), "cheap")]
    horizon = _horizon(1)
    requirements = _requirements(horizon, lambda t: {"p": 2 if 8 <= t.hour < 12 else 0})
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0, time_limit=30)
    coverage = plan.coverage.set_index("interval_start")
    morning = coverage.loc[(coverage.index.hour >= 8) & (coverage.index.hour < 12)]
    assert (morning["scheduled"] == 1).all()
    assert (morning["shortfall"] == 1).all()
    assert plan.coverage["shortfall"].sum() == 16
    # one 4 h shift at 10 per hour, and 16 agent-intervals short at 50
    assert plan.report.objective == pytest.approx(40 + 16 * 50)
    assert plan.costs["shortfall"] == pytest.approx(800)


# -- carry-in -------------------------------------------------------------------------------


def test_a_late_last_shift_before_the_horizon_keeps_the_first_morning_free():
    section = _section(**{"shifts.earliest_start": "00:00", "shifts.start_every": "1h"})
    eve = Agent("ann", ("p",), "cheap", last_shift_end=MONDAY - timedelta(hours=2))
    horizon = _horizon(1)
    requirements = _requirements(horizon, lambda t: {"p": 1 if 6 <= t.hour < 10 else 0})
    plan = plan_roster(requirements, [eve], section, horizon, gap=0.0, time_limit=30)
    (start,) = _shifts_of(plan, "ann")
    assert start >= MONDAY + timedelta(hours=9)  # 22:00 + 11 h rest
    _audit_clean(plan, section, horizon)


def test_six_days_worked_before_the_horizon_keep_its_first_day_off():
    section = _section()
    tired = Agent("ann", ("p",), "cheap", consecutive_days=6)
    horizon = _horizon(2)
    requirements = _requirements(horizon, lambda t: {"p": 1 if 8 <= t.hour < 12 else 0})
    plan = plan_roster(requirements, [tired], section, horizon, gap=0.0, time_limit=30)
    assert [start.date() for start in _shifts_of(plan, "ann")] == [(MONDAY + timedelta(1)).date()]
    _audit_clean(plan, section, horizon)


# -- every rule binds where it should --------------------------------------------------------


WEEK_RULES = {
    # rule family: (overrides that make it the only rule keeping the cheap agent off a day)
    "hours_7_days": {"rules.max_hours_in_7_days": "24h"},
    "consecutive_days": {"rules.max_consecutive_days": 5},
    "weekly_rest": {"rules.weekly_rest": "36h"},
    "contract_hours": {
        "contracts.cheap.max_hours_per_week": "20h",
        "costs.max_overtime_hours_per_week": "0h",
    },
}


@pytest.mark.parametrize("rule", sorted(WEEK_RULES))
def test_each_weekly_rule_alone_forces_a_dearer_second_agent(rule):
    # Demand 09:00-13:00 every day of a week; the cheap agent could cover it all but for the
    # rule under test (the others are loosened so that they cannot bind).
    loose = {
        "rules.max_consecutive_days": 7,
        "rules.weekly_rest": "12h",
        "rules.max_hours_in_7_days": "60h",
        "shifts.start_every": "1h",
        "shifts.earliest_start": "09:00",
        "shifts.latest_start": "09:00",
    }
    section = _section(**{**loose, **WEEK_RULES[rule]})
    agents = [Agent("ann", ("p",), "cheap"), Agent("bob", ("p",), "dear")]
    horizon = _horizon(7)
    requirements = _requirements(horizon, lambda t: {"p": 1 if 9 <= t.hour < 13 else 0})
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0, time_limit=30)
    expected_cheap = 5 if rule == "contract_hours" else 6
    assert len(_shifts_of(plan, "ann")) == expected_cheap
    assert len(_shifts_of(plan, "bob")) == 7 - expected_cheap
    assert plan.coverage["shortfall"].sum() == 0
    _audit_clean(plan, section, horizon)
    free = plan_roster(requirements, agents, section, horizon, gap=0.0, skip=[rule])
    assert len(_shifts_of(free, "ann")) == 7
    assert free.report.objective < plan.report.objective


def test_rest_between_shifts_binds():
    # A 16:00-20:00 peak on Monday and an 08:00-12:00 one on Tuesday: 12 h apart, less than
    # the 14 h of rest required, so the cheap agent can only take one of them.
    section = _section(**{"rules.min_rest_between_shifts": "14h", "shifts.latest_start": "16:00"})
    agents = [Agent("ann", ("p",), "cheap"), Agent("bob", ("p",), "dear")]
    horizon = _horizon(2)

    def heads(moment):
        day, hour = (moment - MONDAY).days, moment.hour
        return {"p": 1 if (day == 0 and 16 <= hour < 20) or (day == 1 and 8 <= hour < 12) else 0}

    plan = plan_roster(_requirements(horizon, heads), agents, section, horizon, gap=0.0)
    assert len(_shifts_of(plan, "ann")) == 1 and len(_shifts_of(plan, "bob")) == 1
    _audit_clean(plan, section, horizon)
    assert "min_rest" in RULE_FAMILIES


def test_night_shifts_are_capped_in_seven_days():
    section = _section(
        **{
            "shifts.earliest_start": "22:00",
            "shifts.latest_start": "22:00",
            "rules.max_night_shifts_in_7_days": 2,
            "rules.max_consecutive_days": 7,
            "rules.weekly_rest": "12h",
            "rules.min_rest_between_shifts": "8h",
        }
    )
    agents = [Agent("ann", ("p",), "cheap"), Agent("bob", ("p",), "dear")]
    horizon = _horizon(4)
    requirements = _requirements(
        horizon, lambda t: {"p": 1 if t.hour >= 22 and t < MONDAY + timedelta(days=4) else 0}
    )
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0, time_limit=30)
    assert len(_shifts_of(plan, "ann")) == 2
    _audit_clean(plan, section, horizon)


def test_breaks_lie_in_the_middle_third_and_staggered_shifts_do_not_break_together():
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "shifts.lengths": ["8h"],
            "shifts.earliest_start": "08:00",
            "shifts.latest_start": "08:00",
            "agent_classes": [{"pools": ["p"], "contract": "cheap", "count": 3}],
        }
    )
    agents = [Agent(f"a{k}", ("p",), "cheap") for k in range(3)]
    horizon = _horizon(1)
    requirements = _requirements(horizon, lambda t: {"p": 3 if 8 <= t.hour < 16 else 0})
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0, time_limit=30)
    roster = plan.roster
    assert len(roster) == 3
    assert roster["break_start"].nunique() == 3  # three agents, three different break times
    for row in roster.itertuples():
        third = (row.shift_end - row.shift_start) / 3
        assert row.shift_start + third <= row.break_start
        assert row.break_end <= row.shift_start + 2 * third
    _audit_clean(plan, section, horizon)


def test_breaks_gather_where_coverage_wants_them_and_spread_where_it_does_not_care():
    """Staggering is a tie-breaker: a dip in demand inside the break window takes both
    breaks (no shortfall), while with flat demand the two agents break at different times."""
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "shifts.lengths": ["8h"],
            "shifts.earliest_start": "08:00",
            "shifts.latest_start": "08:00",
            "agent_classes": [{"pools": ["p"], "contract": "cheap", "count": 2}],
        }
    )
    agents = [Agent(f"a{k}", ("p",), "cheap") for k in range(2)]
    horizon = _horizon(1)
    dip = (MONDAY + timedelta(hours=11, minutes=30), MONDAY + timedelta(hours=12))

    def with_dip(t):
        return {"p": 0 if dip[0] <= t < dip[1] else (2 if 8 <= t.hour < 16 else 0)}

    plan = plan_roster(_requirements(horizon, with_dip), agents, section, horizon, gap=0.0)
    assert plan.roster["break_start"].tolist() == [dip[0], dip[0]]
    assert plan.coverage["shortfall"].sum() == 0
    flat = _requirements(horizon, lambda t: {"p": 2 if 8 <= t.hour < 16 else 0})
    plan = plan_roster(flat, agents, section, horizon, gap=0.0)
    assert plan.roster["break_start"].nunique() == 2
    _audit_clean(plan, section, horizon)


def test_breaks_start_on_their_own_grid():
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "shifts.lengths": ["8h"],
            "shifts.earliest_start": "08:00",
            "shifts.latest_start": "08:00",
            "breaks.start_every": "1h",
            "agent_classes": [{"pools": ["p"], "contract": "cheap", "count": 3}],
        }
    )
    agents = [Agent(f"a{k}", ("p",), "cheap") for k in range(3)]
    horizon = _horizon(1)
    requirements = _requirements(horizon, lambda t: {"p": 3 if 8 <= t.hour < 16 else 0})
    plan = plan_roster(requirements, agents, section, horizon, gap=0.0)
    # The middle third of 08:00–16:00 is 10:40–13:20: on an hourly grid the break can start
    # at 11:00 or 12:00 only, so three agents cannot all break at different times.
    assert set(plan.roster["break_start"]) == {
        MONDAY + timedelta(hours=11),
        MONDAY + timedelta(hours=12),
    }
    _audit_clean(plan, section, horizon)


def test_the_aggregate_strategy_matches_the_direct_optimum_when_hours_come_in_whole_shifts():
    """Two kinds of identical agents, one who must work 32–44 h in 7.5 h shifts (so 5 shifts
    each, which the kind's summed hours alone would not say), one agent with a day off and
    one with rest carried in: the aggregate route (relaxation, sharing out, evaluation)
    reaches the direct model's optimum, with a bound below it."""
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "contracts.cheap.min_hours_per_week": "32h",
            "contracts.cheap.max_hours_per_week": "40h",
            "costs.max_overtime_hours_per_week": "4h",
            "contracts.dear.shift_lengths": ["8h"],
            "shifts.lengths": ["8h"],
            "shifts.start_every": "2h",
            "shifts.earliest_start": "06:00",
            "shifts.latest_start": "14:00",
        }
    )
    agents = [Agent(f"c{k}", ("p",), "cheap") for k in range(4)]
    agents[1] = Agent("c1", ("p",), "cheap", days_off=frozenset({MONDAY.date()}))
    agents[2] = Agent("c2", ("p",), "cheap", last_shift_end=MONDAY + timedelta(hours=1))
    agents += [Agent(f"d{k}", ("p",), "dear") for k in range(2)]
    horizon = _horizon(7)
    requirements = _requirements(
        horizon, lambda t: {"p": 3 if 8 <= t.hour < 18 else (1 if 6 <= t.hour < 22 else 0)}
    )
    direct = plan_roster(
        requirements, agents, section, horizon, gap=0.0, time_limit=60, strategy="direct"
    )
    aggregate = plan_roster(
        requirements, agents, section, horizon, gap=0.005, time_limit=60, strategy="aggregate"
    )
    assert aggregate.report.strategy == "aggregate"
    assert aggregate.report.best_bound <= direct.report.objective + 1e-6
    assert aggregate.report.objective <= direct.report.objective * 1.005 + 1e-6
    shifts = aggregate.roster.groupby("agent").size()
    assert (shifts[[f"c{k}" for k in range(4)]] == 5).all()
    _audit_clean(aggregate, section, horizon)


def test_the_class_aggregate_knows_contract_hours_come_in_whole_shifts():
    """Four agents owing 32 h a week in 7.5 h shifts each need 5 shifts (4 give only 30 h):
    the aggregate's cheapest plan has 20 shifts, not the 18 that 128 h in sum would allow."""
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "contracts.cheap.min_hours_per_week": "32h",
            "shifts.lengths": ["8h"],
        }
    )
    agents = [Agent(f"c{k}", ("p",), "cheap") for k in range(4)]
    horizon = _horizon(7)
    requirements = _requirements(horizon, lambda t: {"p": 0})
    data = prepare(requirements, agents, section, horizon).aggregate()
    assert [entry.count for entry in data.agents] == [4]
    model = create_model(data)
    report = solve(model, time_limit=30, gap=0.0)
    assert report.objective == pytest.approx(20 * 7.5 * 10)


def test_the_kind_aggregate_never_plans_more_agents_on_a_date_than_can_work_it():
    """Three agents of one kind, one with Monday off and one whose six days in a row keep
    Monday off too: however much Monday needs, the aggregate plans at most one shift."""
    section = _section()
    agents = [
        Agent("a", ("p",), "cheap"),
        Agent("b", ("p",), "cheap", days_off=frozenset({MONDAY.date()})),
        Agent("c", ("p",), "cheap", consecutive_days=6),
    ]
    horizon = _horizon(2)
    requirements = _requirements(horizon, lambda t: {"p": 3 if 8 <= t.hour < 16 else 0})
    data = prepare(requirements, agents, section, horizon).aggregate()
    assert [entry.count for entry in data.agents] == [3]
    model = create_model(data)
    assert solve(model, time_limit=30, gap=0.0).has_plan
    monday = [k for k in data.agents[0].templates if data.templates[k].day == 0]
    assert sum(round(model.x[0, k].value) for k in monday) == 1
    tuesday = [k for k in data.agents[0].templates if data.templates[k].day == 1]
    assert sum(round(model.x[0, k].value) for k in tuesday) == 3


# -- identical agents, infeasibility, multi-skilled agents ---------------------------------------


def test_identical_agents_solved_through_their_class_give_a_lawful_roster_and_a_valid_bound():
    section = _section(
        **{
            "contracts.cheap.shift_lengths": ["8h"],
            "shifts.lengths": ["8h"],
            "shifts.earliest_start": "00:00",
            "shifts.latest_start": "22:00",
        }
    )
    agents = [Agent(f"a{k:02d}", ("p",), "cheap") for k in range(4)]
    horizon = _horizon(3)
    requirements = _requirements(horizon, lambda t: {"p": 2 if 8 <= t.hour < 20 else 1})
    plan = plan_roster(
        requirements, agents, section, horizon, gap=0.01, time_limit=20, strategy="aggregate"
    )
    report = plan.report
    assert report.strategy == "aggregate"
    assert report.best_bound <= report.objective + 1e-6
    _audit_clean(plan, section, horizon)


def test_an_unreachable_contract_minimum_is_reported_with_the_agent_and_the_rule():
    section = _section(**{"contracts.cheap.min_hours_per_week": "12h"})
    days_off = frozenset((MONDAY + timedelta(days=d)).date() for d in range(1, 7))
    agents = [Agent("ann", ("p",), "cheap", days_off=days_off)]
    horizon = _horizon(7)
    requirements = _requirements(horizon, lambda t: {"p": 0})
    with pytest.raises(RosterInfeasible) as caught:
        plan_roster(requirements, agents, section, horizon)
    (problem,) = caught.value.problems
    assert problem.path == "roster.contracts.cheap.min_hours_per_week"
    assert "'ann'" in problem.message and "2026-11-09" in problem.message


def test_cross_trained_agents_serve_both_pools_and_say_so():
    section = _section()
    agents = [Agent("ann", ("p", "q"), "cheap")]
    horizon = _horizon(1)

    def heads(moment):
        return {"p": 1 if 8 <= moment.hour < 10 else 0, "q": 1 if 10 <= moment.hour < 12 else 0}

    plan = plan_roster(_requirements(horizon, heads), agents, section, horizon, gap=0.0)
    assert list(plan.roster["pool"]) == ["p|q"]
    assert plan.coverage["shortfall"].sum() == 0
    _audit_clean(plan, section, horizon)


# -- the shift level --------------------------------------------------------------------------


def test_the_shift_level_covers_a_block_shaped_requirement_exactly():
    section = _section()
    horizon = _horizon(1)

    def heads(moment):
        hour = moment.hour
        return {"p": 2 if 8 <= hour < 12 else 1 if 12 <= hour < 16 else 0}

    plan = plan_shifts(_requirements(horizon, heads), section, horizon, hard_coverage=True)
    shifts = plan.shifts
    assert list(zip(shifts["shift_start"].dt.hour, shifts["count"], strict=True)) == [
        (8, 2),
        (12, 1),
    ]
    assert (plan.coverage["scheduled"] == plan.coverage["required"]).all()


# -- defaults -----------------------------------------------------------------------------------


def test_default_section_sizes_one_class_per_pool_from_the_requirements():
    horizon = _horizon(7)
    requirements = _requirements(horizon, lambda t: {"p": 10, "q": 0})
    section = default_roster_section(requirements, horizon)
    (only,) = section.agent_classes
    # 10 heads round the clock: 10 × 24 h × 7 / (5 shifts × 7.5 h) = 44.8 → ×1.1 → 50
    assert (only.pools, only.count) == (("p",), 50)


# -- the command line ---------------------------------------------------------------------------

TINY_SCENARIO = {
    "name": "tiny roster day",
    "horizon": {"start": "2026-11-09 00:00", "end": "2026-11-10 00:00", "interval": "15min"},
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {}},
    "inquiry_types": {
        "general": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 30},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        }
    },
    "pools": {"agents": {"skills": ["general"], "agents": 3}},
    "roster": {
        "contracts": {
            "ft": {"shift_lengths": ["8h"], "max_hours_per_week": "100h", "cost_per_hour": 20}
        },
        "agent_classes": [{"pools": ["agents"], "contract": "ft", "count": 6, "name": "ft"}],
        "shifts": {"start_every": "1h", "lengths": ["8h"]},
    },
}


@pytest.fixture
def tiny_files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY_SCENARIO, sort_keys=False), encoding="utf-8")
    requirements = tmp_path / "requirements.csv"
    start = datetime(2026, 11, 9)
    with requirements.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "pool", "agents"])
        for k in range(96):
            moment = start + timedelta(minutes=15 * k)
            writer.writerow(
                [f"{moment:%Y-%m-%d %H:%M}", "agents", 2 if 8 <= moment.hour < 20 else 1]
            )
    return scenario, requirements


def test_roster_command_writes_roster_coverage_and_solve_report(run_main, tiny_files, tmp_path):
    scenario, requirements = tiny_files
    out = tmp_path / "out"
    result = run_main("roster", scenario, "--out", out, "--requirements", requirements, "-q")
    assert result.returncode == 0, result.stderr
    roster = pd.read_csv(out / "roster.csv")
    assert list(roster.columns)[:7] == [
        "agent",
        "pool",
        "date",
        "shift_start",
        "shift_end",
        "break_start",
        "break_end",
    ]
    assert roster["shift_start"].str.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d$").all()
    coverage = pd.read_csv(out / "coverage.csv")
    assert {"interval_start", "pool", "required", "scheduled", "shortfall"} <= set(coverage)
    assert coverage["shortfall"].sum() == 0
    solve = json.loads((out / "solve.json").read_text())
    for key in ("status", "objective", "best_bound", "gap", "seconds", "termination_condition"):
        assert key in solve
    assert solve["status"] == "optimal"


def test_roster_command_level_shifts_writes_shift_counts(run_main, tiny_files, tmp_path):
    scenario, requirements = tiny_files
    out = tmp_path / "out"
    result = run_main(
        "roster", scenario, "--out", out, "--requirements", requirements, "--level", "shifts", "-q"
    )
    assert result.returncode == 0, result.stderr
    shifts = pd.read_csv(out / "shifts.csv")
    assert list(shifts.columns) == ["date", "shift_start", "shift_end", "pool", "count"]
    assert not (out / "roster.csv").exists()


def test_roster_command_without_roster_section_uses_defaults_and_staffs_itself(run_main, tmp_path):
    data = copy.deepcopy(TINY_SCENARIO)
    del data["roster"]
    data["horizon"]["end"] = "2026-11-09 08:00"
    scenario = tmp_path / "plain.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_main("roster", scenario, "--out", out, "--time-limit", "20", "-q")
    assert result.returncode == 0, result.stderr
    solve = json.loads((out / "solve.json").read_text())
    assert solve["roster_section"] == "defaults"
    assert solve["requirements"] == "staff --method lagged"


@pytest.mark.parametrize(
    "option",
    [["--time-limit", "-5"], ["--time-limit", "soon"], ["--gap", "1.5"], ["--level", "teams"]],
)
def test_roster_command_refuses_bad_options(run_main, tiny_files, tmp_path, option):
    scenario, requirements = tiny_files
    out = tmp_path / "out"
    result = run_main("roster", scenario, "--out", out, *option)
    assert result.returncode == 2
    assert "error" in result.stderr
    assert not out.exists()


def test_roster_command_reports_contradicting_rules_as_bad_input(run_main, tiny_files, tmp_path):
    scenario, requirements = tiny_files
    (tmp_path / "agents.csv").write_text(
        "agent,pools,contract,days_off\nann,agents,ft,2026-11-09\n", encoding="utf-8"
    )
    data = copy.deepcopy(TINY_SCENARIO)
    data["roster"]["contracts"]["ft"]["min_hours_per_week"] = "30h"
    del data["roster"]["agent_classes"]
    data["roster"]["agents_file"] = "agents.csv"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_main("roster", scenario, "--out", out, "--requirements", requirements)
    assert result.returncode == 2
    # 30 h a week is 4.3 h pro rata on this one-day horizon, and the day is ann's day off.
    assert (
        "error: tiny.yaml: roster.contracts.ft.min_hours_per_week: agent 'ann' needs at least "
        "4.28571 h in the week of Monday 2026-11-09 but at most 0 h" in result.stderr
    )
    assert not (out / "roster.csv").exists()


def test_roster_command_strategy_tours_gives_a_roster_and_says_why_it_stopped(
    run_main, tiny_files, tmp_path
):
    scenario, requirements = tiny_files
    out = tmp_path / "out"
    result = run_main(
        "roster", scenario, "--out", out, "--requirements", requirements,
        "--strategy", "tours", "--time-limit", "10", "-q",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    solve = json.loads((out / "solve.json").read_text())
    assert solve["strategy"] == "tours"
    assert solve["termination_condition"] in ("local_optimum", "time_limit")
    assert solve["best_bound"] <= solve["objective"] + 1e-6


def test_roster_command_refuses_tours_with_hard_coverage(run_main, tiny_files, tmp_path):
    scenario, requirements = tiny_files
    out = tmp_path / "out"
    result = run_main(
        "roster", scenario, "--out", out, "--requirements", requirements,
        "--strategy", "tours", "--coverage", "hard", "-q",
    )  # fmt: skip
    assert result.returncode == 2
    assert "tours needs --coverage soft" in result.stderr
    assert not (out / "roster.csv").exists()


def test_roster_command_reads_the_requirements_plan_writes(run_main, tiny_files, tmp_path):
    scenario, requirements = tiny_files
    given = pd.read_csv(requirements).rename(columns={"agents": "required"})
    planned = tmp_path / "plan_requirements.csv"
    given.to_csv(planned, index=False)
    out = tmp_path / "out"
    result = run_main("roster", scenario, "--out", out, "--requirements", planned, "-q")
    assert result.returncode == 0, result.stderr
    coverage = pd.read_csv(out / "coverage.csv")
    assert coverage["required"].tolist() == given["required"].tolist()
    given.loc[3, "pool"] = "nobody"
    given.to_csv(planned, index=False)
    result = run_main("roster", scenario, "--out", tmp_path / "o2", "--requirements", planned)
    assert result.returncode == 2
    assert "line 5" in result.stderr and "unknown pool" in result.stderr
