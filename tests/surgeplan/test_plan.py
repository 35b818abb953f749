"""The plan loop: a roster short in a known interval is repaired, the final intervals.csv is
the verification of the final roster.csv, reruns are identical, and a scenario without a
``roster:`` section plans with the defaults.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from optimize.audit import audit
from sim import Scenario
from sim.erlang import erlang_c_agents
from surgeplan.plan_loop import lower_requirements, raise_requirements, rostered_staffing, run_plan

START = pd.Timestamp("2026-11-11 00:00")
SHORT = START + pd.Timedelta(minutes=120)  # the interval the given requirements leave short

# 120 calls an hour of 3 minutes: 6 agents busy on average; 9 answer 80 % within 20 s.
SCENARIO = {
    "name": "Plan test",
    "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-11 04:00", "interval": "15min"},
    "warmup": "0s",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {"patience": {"dist": "exponential", "mean": "3min"}}},
    "inquiry_types": {
        "calls": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 120},
            "handle_time": {"dist": "exponential", "mean": "3min"},
        }
    },
    "pools": {"phone": {"skills": ["calls"], "agents": 9}},
    "roster": {
        "agent_classes": [{"pools": ["phone"], "contract": "short", "count": 40}],
        "contracts": {"short": {"shift_lengths": ["2h"], "cost_per_hour": 20}},
        "shifts": {"start_every": "15min", "lengths": ["2h"]},
    },
}


def _requirements(scenario: Scenario) -> pd.DataFrame:
    """9 agents everywhere but 3 at 02:00, where 6 are busy on average: that interval
    cannot meet the target with what it asks for."""
    starts = scenario.horizon.interval_starts()
    required = [3.0 if pd.Timestamp(t) == SHORT else 9.0 for t in starts]
    return pd.DataFrame({"interval_start": starts, "pool": "phone", "required": required})


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_dict(SCENARIO)


@pytest.fixture(scope="module")
def planned(scenario):
    return run_plan(scenario, requirements=_requirements(scenario), replications=8, rounds=3)


def _level_at(result, moment) -> float:
    table = result.verification.intervals
    return float(
        table.loc[pd.to_datetime(table["interval_start"]) == moment, "service_level"].iloc[0]
    )


def test_the_loop_repairs_the_interval_the_first_roster_leaves_short(planned, scenario):
    rounds = planned.rounds
    first, kept = rounds.iloc[0], rounds[rounds["kept"]].iloc[0]
    assert first["intervals_below_target"] >= 1
    assert kept["round"] >= 1
    assert kept["intervals_below_target"] < first["intervals_below_target"]
    assert _level_at(planned, SHORT) >= scenario.service_level.target
    raised = planned.requirements.set_index("interval_start")["required"]
    assert raised[SHORT] > 3  # the requirement there went up
    # Every kept round is at least as good as every round before it.
    best = rounds["intervals_below_target"].cummin()
    assert kept["intervals_below_target"] == best.iloc[-1]
    violations = audit(
        planned.roster.roster,
        planned.roster.agents,
        planned.section,
        scenario.horizon.start,
        scenario.horizon.end,
    )
    assert violations.empty, violations.to_string()


def test_the_first_roster_really_misses_at_the_short_interval(scenario):
    result = run_plan(scenario, requirements=_requirements(scenario), replications=8, rounds=0)
    assert _level_at(result, SHORT) < scenario.service_level.target
    assert len(result.rounds) == 1


def test_a_repair_round_without_a_roster_keeps_the_best_round_so_far(scenario, monkeypatch):
    import surgeplan.plan_loop as plan_module

    real = plan_module.plan_roster
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise plan_module.NoRosterFound("no roster found within the time limit")
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_module, "plan_roster", flaky)
    result = run_plan(scenario, requirements=_requirements(scenario), replications=4, rounds=2)
    assert result.rounds["status"].tolist() == ["verified", "no roster in time"]
    assert result.rounds["kept"].tolist() == [True, False]
    assert result.rounds["intervals_below_target"].iloc[0] >= 1


def test_raising_adds_the_erlang_calibrated_shortfall_at_least_half_the_late_load(
    scenario, planned
):
    requirements = _requirements(scenario)
    first = run_plan(scenario, requirements=requirements, replications=8, rounds=0)
    raised, total = raise_requirements(requirements, first.verification, scenario)
    types = first.verification.types
    row = types[pd.to_datetime(types["interval_start"]) == SHORT].iloc[0]
    load = row["offered"] * 180 / 900
    level = min(max(row["service_level"], 0.01), 0.999)
    calibrated = erlang_c_agents(load, 180, 20, 0.8) - erlang_c_agents(load, 180, 20, level)
    late = load * (0.8 - row["service_level"])
    expected = max(1, int(np.ceil(max(calibrated, late / 2) - 1e-9)))
    by_start = raised.set_index("interval_start")["required"]
    assert by_start[SHORT] == 3 + expected
    assert total >= expected


def test_no_raise_where_the_roster_already_fell_short(scenario):
    requirements = _requirements(scenario)
    first = run_plan(scenario, requirements=requirements, replications=8, rounds=0)
    coverage = first.roster.coverage.copy()
    at_short = pd.to_datetime(coverage["interval_start"]) == SHORT
    coverage.loc[at_short, "shortfall"] = 1.0
    raised, total = raise_requirements(requirements, first.verification, scenario, coverage)
    assert raised.set_index("interval_start")["required"][SHORT] == 3
    uncapped, _ = raise_requirements(requirements, first.verification, scenario)
    assert uncapped.set_index("interval_start")["required"][SHORT] > 3


def test_rostered_staffing_counts_heads_on_duty_outside_breaks_less_shrinkage(scenario):
    roster = pd.DataFrame(
        {
            "agent": ["a", "b"],
            "pool": ["phone", "phone"],
            "date": [START.date()] * 2,
            "shift_start": [START, START + pd.Timedelta(hours=1)],
            "shift_end": [START + pd.Timedelta(hours=2), START + pd.Timedelta(hours=3)],
            "break_start": [START + pd.Timedelta(minutes=45), None],
            "break_end": [START + pd.Timedelta(minutes=75), None],
        }
    )
    _, heads = rostered_staffing(roster, scenario)
    # a: 00:00–02:00 with a break 00:45–01:15; b: 01:00–03:00.
    expected = [1, 1, 1, 0, 1, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0]
    assert heads["phone"].tolist() == expected
    shrunk = scenario.model_copy(
        update={"pools": {"phone": scenario.pools["phone"].model_copy(update={"shrinkage": 0.5})}}
    )
    _, halved = rostered_staffing(roster, shrunk)
    assert halved["phone"].tolist() == [int(np.floor(h * 0.5 + 0.5)) for h in expected]


def test_cross_trained_shifts_are_simulated_in_a_pool_with_both_skills(scenario):
    both = dict(SCENARIO)
    both["inquiry_types"] = {
        **SCENARIO["inquiry_types"],
        "chats": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 10},
            "handle_time": {"dist": "exponential", "mean": "3min"},
        },
    }
    both["pools"] = {
        "phone": {"skills": ["calls"], "agents": 9},
        "chat": {"skills": ["chats"], "agents": 1},
    }
    two = Scenario.from_dict({k: v for k, v in both.items() if k != "roster"})
    roster = pd.DataFrame(
        {
            "agent": ["a"],
            "pool": ["chat|phone"],
            "date": [START.date()],
            "shift_start": [START],
            "shift_end": [START + pd.Timedelta(hours=2)],
            "break_start": [None],
            "break_end": [None],
        }
    )
    simulated, heads = rostered_staffing(roster, two)
    assert set(simulated.pools["chat|phone"].skills) == {"calls", "chats"}
    assert heads["chat|phone"][:8].tolist() == [1] * 8
    assert heads["phone"].sum() == 0


# -- the command ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_dirs(tmp_path_factory, scenario):
    base = tmp_path_factory.mktemp("plan")
    path = base / "plan.yaml"
    path.write_text(yaml.safe_dump(SCENARIO, sort_keys=False), encoding="utf-8")
    requirements = _requirements(scenario).rename(columns={"required": "agents"})
    requirements["interval_start"] = requirements["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    requirements["agents"] = requirements["agents"].astype(int)
    given = base / "requirements.csv"
    requirements.to_csv(given, index=False)
    return base, path, given


def _plan(run_main, path, given, out, *extra):
    result = run_main(
        "plan", str(path), "--out", str(out), "--requirements", str(given),
        "--replications", "8", "--quiet", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def test_plan_command_writes_every_file_and_rerun_gives_identical_ones(run_main, plan_dirs):
    base, path, given = plan_dirs
    one = _plan(run_main, path, given, base / "one")
    two = _plan(run_main, path, given, base / "two", "--workers", "2")
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(
        [
            "roster.csv",
            "coverage.csv",
            "solve.json",
            "agents_summary.csv",
            "roster.xlsx",
            "roster.ics",
            "requirements.csv",
            "intervals.csv",
            "types.csv",
            "pools.csv",
            "pools_by_type.csv",
            "channels.csv",
            "summary.json",
            "rounds.csv",
            "run.json",
            "report.html",
        ]
    )
    for name in names:
        if name == "solve.json":  # holds wall-clock seconds, the only thing that may differ
            continue
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    timing = {"seconds", "wall_seconds", "build_seconds"}
    solves = [json.loads((d / "solve.json").read_text()) for d in (one, two)]
    assert [{k: v for k, v in s.items() if k not in timing} for s in solves[:1]] == [
        {k: v for k, v in s.items() if k not in timing} for s in solves[1:]
    ]
    rounds = pd.read_csv(one / "rounds.csv")
    assert rounds["kept"].sum() == 1


def test_the_final_intervals_are_the_simulation_of_the_final_roster(run_main, plan_dirs):
    base, path, given = plan_dirs
    out = base / "one"
    if not (out / "roster.csv").exists():
        _plan(run_main, path, given, out)
    check = base / "resimulated"
    result = run_main(
        "simulate", str(path), "--out", str(check), "--roster", str(out / "roster.csv"),
        "--replications", "8", "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (check / "intervals.csv").read_bytes() == (out / "intervals.csv").read_bytes()


def test_plan_without_a_roster_section_uses_the_defaults(run_main, tmp_path):
    bare = {k: v for k, v in SCENARIO.items() if k != "roster"}
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(bare, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_main(
        "plan", str(path), "--out", str(out), "--method", "erlang", "--replications", "4",
        "--rounds", "1", "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    solve = json.loads((out / "solve.json").read_text())
    assert solve["roster_section"] == "defaults"
    roster = pd.read_csv(out / "roster.csv")
    assert len(roster) > 0
    assert set(roster["pool"]) == {"phone"}
    audited = run_main("audit", str(out / "roster.csv"), "--scenario", str(path))
    assert audited.returncode == 0, audited.stdout + audited.stderr


def test_plan_refuses_a_broken_scenario_with_status_2(run_main, tmp_path):
    broken = json.loads(json.dumps(SCENARIO))
    broken["roster"]["agent_classes"][0]["pools"] = ["nowhere"]
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    result = run_main("plan", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr and "agent_classes" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_plan_files_are_the_planned_result(planned):
    """run_plan's result holds what the command writes: the kept round's roster and its
    verification (the API and the files agree)."""
    kept = planned.rounds[planned.rounds["kept"]].iloc[0]
    assert kept["shifts"] == len(planned.roster.roster)
    assert (
        kept["intervals_meeting_share"] == planned.verification.summary["intervals_meeting_target"]
    )


# -- requirements coming down ---------------------------------------------------------------


def _generous(scenario: Scenario) -> pd.DataFrame:
    """16 agents everywhere for 6 busy on average: far above the target, beyond doubt."""
    starts = scenario.horizon.interval_starts()
    return pd.DataFrame({"interval_start": starts, "pool": "phone", "required": 16.0})


@pytest.fixture(scope="module")
def generous(scenario):
    return run_plan(scenario, requirements=_generous(scenario), replications=8, rounds=3)


def test_requirements_far_above_the_target_come_down_to_a_cheaper_roster_at_target(
    generous, scenario
):
    rounds = generous.rounds
    first, kept = rounds.iloc[0], rounds[rounds["kept"]].iloc[0]
    assert first["meets_goal"] and first["intervals_below_target"] == 0
    assert rounds["requirement_lowered_agent_intervals"].iloc[1] > 0
    assert kept["round"] >= 1 and kept["cost"] < first["cost"]
    # The kept round is the cheapest of those meeting the goal.
    meeting = rounds[rounds["meets_goal"].astype(bool)]
    assert kept["cost"] == meeting["cost"].min()
    assert kept["intervals_below_target"] == 0
    assert (generous.requirements["required"] < 16).any()
    table = generous.verification.intervals
    assert (table["service_level"].dropna() >= scenario.service_level.target).all()


def test_a_requirement_is_not_lowered_where_the_target_is_met_only_within_doubt(scenario):
    requirements = _generous(scenario)
    first = run_plan(scenario, requirements=requirements, replications=8, rounds=0)
    types = first.verification.types.copy()
    at = pd.to_datetime(types["interval_start"]) == START
    types.loc[at, "service_level_ci95_low"] = 0.79  # the lower end under the 0.8 target
    verification = SimpleNamespace(types=types, replications=8)  # all that lowering reads
    lowered, total = lower_requirements(requirements, verification, scenario, first.roster.coverage)
    by_start = lowered.set_index("interval_start")["required"]
    assert by_start[START] == 16
    assert total > 0 and (by_start < 16).any()


def test_few_inquiries_all_answered_in_time_are_no_proof(scenario):
    requirements = _generous(scenario)
    first = run_plan(scenario, requirements=requirements, replications=8, rounds=0)
    types = first.verification.types.copy()
    at = pd.to_datetime(types["interval_start"]) == START
    # Two inquiries per replication, all in time: the replications agree on 1.0 exactly.
    types.loc[at, ["answered", "abandoned", "service_level"]] = [2.0, 0.0, 1.0]
    types.loc[at, "service_level_ci95_low"] = 1.0
    verification = SimpleNamespace(types=types, replications=8)
    lowered, _ = lower_requirements(requirements, verification, scenario, first.roster.coverage)
    assert lowered.set_index("interval_start")["required"][START] == 16


def test_a_requirement_never_comes_back_down_to_one_that_missed(scenario):
    requirements = _generous(scenario)
    first = run_plan(scenario, requirements=requirements, replications=8, rounds=0)
    coverage = first.roster.coverage
    free, _ = lower_requirements(requirements, first.verification, scenario, coverage)
    assert (free["required"] < 15).any()
    floors = {(pd.Timestamp(t), "phone"): 14.0 for t in requirements["interval_start"]}
    held, _ = lower_requirements(requirements, first.verification, scenario, coverage, floors)
    assert (held["required"] >= 15).all()


def _mail_desk(agents: int, target: float) -> Scenario:
    """120 e-mails an hour of 3 minutes each (6 agents' work) with a 1-hour deadline, and
    complaints from 5 % of them for a desk of 4."""
    data = {
        "name": "mail",
        "horizon": {"start": "2026-11-11 08:00", "end": "2026-11-11 14:00", "interval": "15min"},
        "warmup": "0s",
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"email": {"kind": "email", "deadline": "1h", "target": target}},
        "inquiry_types": {
            "mail": {
                "channel": "email",
                "arrivals": {"rate_per_hour": 120},
                "handle_time": {"dist": "exponential", "mean": "3min"},
            }
        },
        "pools": {"desk": {"skills": ["mail"], "agents": agents}, "complaints": {"agents": 4}},
        "complaints": {
            "pool": "complaints",
            "arrivals": {"from_types": {"mail": 0.05}},
            "levels": {"L3": 1.0},
            "categories": {"other": 1.0},
            "response": {"handle_time": {"dist": "exponential", "mean": "5min"}},
            "resolution": {
                "handle_time": {"dist": "exponential", "mean": "10min"},
                "delay": {"dist": "exponential", "mean": "1h"},
            },
        },
    }
    return Scenario.from_dict(data)


def test_the_goal_holds_e_mail_and_complaints_to_their_targets():
    """Replies within the deadline: ample staff sends them all in time (goal met, whatever
    the target); 5 agents for 6 agents' work leave a growing backlog, so the share in time
    falls below 0.95 and the round cannot meet the goal. Complaints are closed in 72 h."""
    from sim import simulate
    from surgeplan.plan_loop import deadline_goals

    ample = _mail_desk(agents=10, target=1.0)
    figures, meets = deadline_goals(simulate(ample, seed=3, replications=2), ample)
    assert figures["email_within_deadline"] == 1.0 and meets
    assert figures["complaints_closed_within_72h"] == 1.0

    short = _mail_desk(agents=5, target=0.95)
    result = simulate(short, seed=3, replications=2)
    channels = result.channels
    sent = channels["answered"].sum()
    in_time = (channels["answered"] * channels["answered_within_deadline"]).sum() / sent
    figures, meets = deadline_goals(result, short)
    assert figures["email_within_deadline"] == pytest.approx(in_time)
    assert in_time < 0.95 and not meets


REPO_ROOT = Path(__file__).resolve().parents[2]


def test_run_plan_rosters_the_agents_file_by_default():
    """Without ``agents_for`` (a sweep's plan, the Python API), the plan rosters the named
    agents of the scenario's agents file, not an empty list of agent classes."""
    scenario = Scenario.from_yaml(REPO_ROOT / "scenarios" / "weekday.yaml")
    result = run_plan(scenario, method="erlang", replications=2, rounds=0, time_limit=20)
    named = set(pd.read_csv(REPO_ROOT / "scenarios" / "agents_weekday.csv")["agent"])
    rostered = set(result.roster.roster["agent"])
    assert len(rostered) > 100
    assert rostered <= named
