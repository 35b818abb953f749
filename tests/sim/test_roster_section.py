"""Tests for the scenario's ``roster:`` section: cross-checks, the agents file path, time_zone.

The base case is the documented phone-only day (one pool ``agents``, 15-minute intervals,
2026-11-11 00:00 to 2026-11-12 00:00) with a lawful roster section; each broken case changes
one thing and must be reported as one ``ScenarioError`` line naming the field path.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from sim import Scenario, ScenarioError
from sim.scenario.roster import RosterSection

FILE = "double11.yaml"

ROSTER = {
    "agent_classes": [
        {"pools": ["agents"], "contract": "full_time", "count": 20, "name": "ft"},
        {"pools": ["agents"], "contract": "part_time", "count": 10, "name": "pt"},
    ],
    "contracts": {
        "full_time": {"shift_lengths": ["8h", "10h"], "min_hours_per_week": "32h"},
        "part_time": {"shift_lengths": ["4h", "6h"], "max_hours_per_week": "24h"},
    },
    "costs": {
        "peaks": [
            {
                "start": "2026-11-11 00:00",
                "end": "2026-11-11 02:00",
                "understaffing_per_agent_interval": 3000,
            }
        ],
        "temporary_hires": {"pools": ["agents"], "max_count": 5, "contract": "part_time"},
        "outsourced": {
            "pools": ["agents"],
            "max_agents_per_interval": 10,
            "cost_per_agent_interval": 40,
        },
    },
}


@pytest.fixture
def with_roster(minimal_scenario_dict) -> dict:
    data = minimal_scenario_dict
    data["roster"] = yaml.safe_load(yaml.safe_dump(ROSTER))  # a deep copy
    return data


def problems_of(path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_yaml(path)
    return info.value.lines()


def _roster(*keys, value):
    """A mutation setting ``roster[k1][k2]… = value``."""

    def mutate(data):
        node = data["roster"]
        for key in keys[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[keys[-1]] = value

    return mutate


def _top(key, value):
    def mutate(data):
        data[key] = value

    return mutate


BROKEN = [
    pytest.param(
        _roster("agent_classes", 0, "pools", value=["agents", "voice"]),
        "roster.agent_classes[0].pools: unknown pool 'voice'; expected one of the pools: agents",
        id="class-pool",
    ),
    pytest.param(
        _roster("agent_classes", 1, "contract", value="casual"),
        "roster.agent_classes[1].contract: unknown contract 'casual'; expected one of "
        "roster.contracts: full_time, part_time",
        id="class-contract",
    ),
    pytest.param(
        _roster("agent_classes", 1, "name", value="ft"),
        "roster.agent_classes[1].name: 'ft' is also the name of roster.agent_classes[0]",
        id="class-name-twice",
    ),
    pytest.param(
        _roster("contracts", "part_time", "shift_lengths", value=["5h"]),
        "roster.contracts.part_time.shift_lengths[0]: 5 h is not one of roster.shifts.lengths "
        "(4 h, 6 h, 8 h, 10 h)",
        id="contract-length-off-grid",
    ),
    pytest.param(
        _roster("rules", "max_shift_length", value="8h"),
        "roster.contracts.full_time.shift_lengths[1]: 10 h is longer than "
        "roster.rules.max_shift_length (8 h)",
        id="contract-length-over-max",
    ),
    pytest.param(
        _roster("contracts", "full_time", "min_hours_per_week", value="40h"),
        None,  # reachable: 6 days × 9.5 h worked
        id="min-hours-reachable",
    ),
    pytest.param(
        lambda d: (
            d["roster"]["contracts"]["full_time"].update(min_hours_per_week="40h"),
            d["roster"].update(rules={"max_consecutive_days": 4}),
        ),
        "roster.contracts.full_time.min_hours_per_week: 40 h cannot be reached: at most 4 working "
        "days a week (roster.rules.max_consecutive_days 4) × 1 shift(s) of at most 9 h 30 min "
        "worked (10 h less a 30 min break) = 38 h",
        id="min-hours-unreachable",
    ),
    pytest.param(
        lambda d: d["roster"]["contracts"]["full_time"].update(
            min_hours_per_week="50h", max_hours_per_week="50h"
        ),
        "roster.contracts.full_time.min_hours_per_week: 50 h is more than "
        "roster.rules.max_hours_in_7_days (48 h)",
        id="min-hours-over-7-day-cap",
    ),
    pytest.param(
        _roster("contracts", "full_time", "min_hours_per_week", value="45h"),
        "roster.contracts.full_time: min_hours_per_week (45 h) must not exceed "
        "max_hours_per_week (40 h)",
        id="min-over-max",
    ),
    pytest.param(
        _roster("shifts", "lengths", value=["4h", "6h", "8h", "10h", "490min"]),
        "roster.shifts.lengths[4]: must be a whole number of intervals (15 min each) so that "
        "shifts end where an interval ends, got 8 h 10 min",
        id="length-off-interval",
    ),
    pytest.param(
        _roster("shifts", "start_every", value="7h"),
        "roster.shifts.start_every: must divide 24 h so that every day has the same start "
        "times, got 7 h",
        id="start-every-not-dividing-day",
    ),
    pytest.param(
        _roster("shifts", "start_every", value="20min"),
        "roster.shifts.start_every: must be a whole number of intervals (15 min each)",
        id="start-every-off-interval",
    ),
    pytest.param(
        _roster("shifts", "earliest_start", value="18:10"),
        None,  # a bound, not a grid time: shifts start from 18:30
        id="earliest-start-between-grid-times",
    ),
    pytest.param(
        lambda d: d["roster"].update(shifts={"earliest_start": "20:00", "latest_start": "06:00"}),
        "roster.shifts.earliest_start: must not be after roster.shifts.latest_start (06:00)",
        id="earliest-after-latest",
    ),
    pytest.param(
        lambda d: d["roster"].update(
            shifts={"start_every": "2h", "earliest_start": "07:00", "latest_start": "07:30"}
        ),
        "roster.shifts.earliest_start: no start time of the grid (every 2 h from 00:00) lies "
        "between 07:00 and roster.shifts.latest_start (07:30)",
        id="empty-start-window",
    ),
    pytest.param(
        _roster("breaks", "duration", value="6h"),
        "roster.breaks.duration: must be shorter than roster.breaks.required_over (6 h)",
        id="break-as-long-as-shift",
    ),
    pytest.param(
        _roster("breaks", "duration", value="20min"),
        "roster.breaks.duration: must be a whole number of intervals (15 min each)",
        id="break-off-interval",
    ),
    pytest.param(
        _roster("breaks", "start_every", value="20min"),
        "roster.breaks.start_every: must be a whole number of intervals (15 min each)",
        id="break-grid-off-interval",
    ),
    pytest.param(
        _roster("rules", "weekly_rest", value="7d"),
        "roster.rules.weekly_rest: must be shorter than 7 days",
        id="weekly-rest-a-week",
    ),
    pytest.param(
        _roster("rules", "night", value={"start": "22:00", "end": "06:00", "min_hours": "9h"}),
        "roster.rules.night.min_hours: must not exceed the night window 22:00–06:00 (8 h), got 9 h",
        id="night-longer-than-window",
    ),
    pytest.param(
        _roster("costs", "peaks", 0, "end", value="2026-11-11 00:00"),
        "roster.costs.peaks[0].end: must be after roster.costs.peaks[0].start (2026-11-11 00:00)",
        id="peak-empty",
    ),
    pytest.param(
        _roster("costs", "peaks", 0, "end", value="2026-11-12 02:00"),
        "roster.costs.peaks[0].end: must lie inside the horizon (2026-11-11 00:00 to "
        "2026-11-12 00:00), got 2026-11-12 02:00",
        id="peak-past-horizon",
    ),
    pytest.param(
        _roster("costs", "peaks", 0, "start", value="2026-11-11 00:05"),
        "roster.costs.peaks[0].start: must be an interval boundary (every 15 min from "
        "2026-11-11 00:00), got 2026-11-11 00:05",
        id="peak-off-interval",
    ),
    pytest.param(
        _roster("costs", "temporary_hires", "pools", value=["voice"]),
        "roster.costs.temporary_hires.pools: unknown pool 'voice'",
        id="temps-pool",
    ),
    pytest.param(
        _roster("costs", "temporary_hires", "contract", value="agency"),
        "roster.costs.temporary_hires.contract: unknown contract 'agency'",
        id="temps-contract",
    ),
    pytest.param(
        _roster("costs", "outsourced", "pools", value=["chat"]),
        "roster.costs.outsourced.pools: unknown pool 'chat'",
        id="outsourced-pool",
    ),
    pytest.param(
        lambda d: (
            d.update(horizon={"start": "2026-11-11 00:05", "end": "2026-11-12 00:05"}),
            d["roster"]["costs"].pop("peaks"),
        ),
        "horizon.start: must be a whole number of intervals (15 min) after midnight when the "
        "scenario has a roster",
        id="horizon-off-clock-grid",
    ),
    pytest.param(
        _top("time_zone", "Asia/Shanghia"),
        "time_zone: unknown time zone 'Asia/Shanghia' (did you mean 'Asia/Shanghai'?)",
        id="time-zone-typo",
    ),
    pytest.param(
        _top("time_zone", "localtime"),
        "time_zone: unknown time zone 'localtime'",
        id="time-zone-machine-dependent",
    ),
    pytest.param(
        _top("time_zone", 8),
        "time_zone: must be text, got 8",
        id="time-zone-not-text",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_roster_cross_checks(write_yaml, with_roster, mutate, expected):
    mutate(with_roster)
    path = write_yaml(with_roster, FILE)
    if expected is None:
        assert Scenario.from_yaml(path).roster is not None
        return
    lines = problems_of(path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{FILE}: {expected}"), lines


def test_lawful_section_parses(write_yaml, with_roster):
    scenario = Scenario.from_yaml(write_yaml(with_roster, FILE))
    assert isinstance(scenario.roster, RosterSection)
    assert scenario.time_zone == "UTC"
    assert scenario.zone == ZoneInfo("UTC")


def test_several_roster_problems_reported_together(write_yaml, with_roster):
    with_roster["roster"]["agent_classes"][0]["pools"] = ["voice"]
    with_roster["roster"]["breaks"] = {"duration": "20min"}
    with_roster["roster"]["costs"]["outsourced"]["pools"] = ["chat"]
    lines = problems_of(write_yaml(with_roster, FILE))
    assert [line.split(": ")[1] for line in lines] == [
        "roster.agent_classes[0].pools",
        "roster.breaks.duration",
        "roster.costs.outsourced.pools",
    ]


def test_time_zone_is_kept(minimal_scenario_dict):
    minimal_scenario_dict["time_zone"] = "Europe/Berlin"
    scenario = Scenario.from_dict(minimal_scenario_dict)
    assert scenario.time_zone == "Europe/Berlin"
    assert scenario.zone.key == "Europe/Berlin"


# -- the agents file ------------------------------------------------------------------------


def _with_file(data: dict, name: str) -> dict:
    data["roster"].pop("agent_classes")
    data["roster"]["agents_file"] = name
    return data


def test_agents_file_is_resolved_next_to_the_scenario(tmp_path, monkeypatch, with_roster):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "agents.csv").write_text("agent,pools,contract\n", encoding="utf-8")
    path = folder / FILE
    path.write_text(yaml.safe_dump(_with_file(with_roster, "agents.csv")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # elsewhere: the file is still found beside the scenario
    section = Scenario.from_yaml(path).roster
    assert section.agents_file == (folder / "agents.csv").resolve()
    assert section.agents_file.is_absolute()


def test_agents_file_from_dict_is_relative_to_base_dir(tmp_path, with_roster):
    (tmp_path / "agents.xlsx").write_bytes(b"")
    data = _with_file(with_roster, "agents.xlsx")
    scenario = Scenario.from_dict(data, base_dir=tmp_path)
    assert scenario.roster.agents_file == (tmp_path / "agents.xlsx").resolve()


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "agents.txt",
            "file",
            "roster.agents_file: must be a .csv or .xlsx file, got 'agents.txt'",
        ),
        ("missing.csv", None, "roster.agents_file: no such file: "),
        ("folder.csv", "dir", "roster.agents_file: is a directory, not an agents file: "),
    ],
)
def test_agents_file_problems(tmp_path, with_roster, name, make, expected):
    if make == "file":
        (tmp_path / name).write_text("agent,pools,contract\n", encoding="utf-8")
    elif make == "dir":
        (tmp_path / name).mkdir()
    path = tmp_path / FILE
    path.write_text(yaml.safe_dump(_with_file(with_roster, name)), encoding="utf-8")
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: {expected}"), lines


def test_exactly_one_source_of_agents(write_yaml, with_roster):
    with_roster["roster"]["agents_file"] = "agents.csv"
    lines = problems_of(write_yaml(with_roster, FILE))
    assert lines == [f"{FILE}: roster: give exactly one of agents_file and agent_classes"]


# -- through the command line ---------------------------------------------------------------


def test_validate_names_the_roster_field_and_exits_2(run_main, write_yaml, with_roster):
    with_roster["roster"]["contracts"]["part_time"]["shift_lengths"] = ["5h"]
    result = run_main("validate", write_yaml(with_roster, "broken.yaml"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "error: broken.yaml: roster.contracts.part_time.shift_lengths[0]: 5 h is not one of "
        "roster.shifts.lengths"
    ), result.stderr


def test_validate_shipped_week_scenario(run_main, repo_root):
    result = run_main("validate", repo_root / "scenarios" / "double11_week.yaml")
    assert result.returncode == 0, result.stderr
    assert "672 intervals of 15 min" in result.stdout


def test_shipped_week_scenario(repo_root):
    scenario = Scenario.from_yaml(repo_root / "scenarios" / "double11_week.yaml")
    assert scenario.n_intervals == 7 * 96
    assert scenario.time_zone == "Asia/Shanghai"
    assert set(scenario.pools) == {"phone", "chat"}
    assert (
        scenario.roster.agents_file
        == (repo_root / "scenarios" / "agents_double11_week.csv").resolve()
    )
    # The 11.11 midnight launch: the busiest quarter-hour of the week on both channels.
    midnight = 2 * 96
    for kind in scenario.inquiry_types:
        rate = scenario.rate_per_hour(kind)
        assert rate.argmax() == midnight
        assert rate[midnight] > 5 * rate[midnight - 96 + 48]  # the 10th's noon


def test_shipped_week_scenario_is_what_its_script_writes(repo_root, tmp_path, monkeypatch):
    """The YAML and CSV are generated; editing them by hand would be lost on the next run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_double11_week", repo_root / "scenarios" / "make_double11_week.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = Path(repo_root / "scenarios")
    assert module.scenario_yaml() == (folder / "double11_week.yaml").read_text(encoding="utf-8")
    assert module.agents_csv() == (folder / "agents_double11_week.csv").read_text(encoding="utf-8")


def test_public_names_of_the_checks():
    from sim.scenario import roster_checks

    assert roster_checks.__all__ == ["AGENTS_FILE_SUFFIXES", "roster_problems"]
    assert roster_checks.AGENTS_FILE_SUFFIXES == (".csv", ".xlsx")
