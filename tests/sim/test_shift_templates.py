"""Tests for named shift templates (``roster.shifts.templates``): what parses, and that every
bad value is reported as one ``ScenarioError`` line naming the field path (exit status 2
through the command line).

The base case is the documented phone-only day with a roster section whose shifts are five
templates (early, late, a night across midnight paid double, a short one and a mid-morning
one); each broken case changes one thing.
"""

from __future__ import annotations

from datetime import time

import pytest
import yaml

from sim import Scenario, ScenarioError

FILE = "double11.yaml"

ROSTER = {
    "agent_classes": [
        {"pools": ["agents"], "contract": "full_time", "count": 20, "name": "ft"},
        {"pools": ["agents"], "contract": "part_time", "count": 10, "name": "pt"},
    ],
    "contracts": {
        "full_time": {"shift_lengths": ["8h"], "min_hours_per_week": "32h"},
        "part_time": {"shift_lengths": ["4h"], "max_hours_per_week": "24h"},
    },
    "shifts": {
        "templates": [
            {"name": "early", "start": "06:00", "length": "8h"},
            {"name": "late", "start": "14:00", "length": "8h", "pay_factor": 1.25},
            {"name": "night", "start": "22:00", "length": "8h", "pay_factor": 2},
            {"name": "lunch", "start": "11:00", "length": "4h"},
            {"name": "mid", "start": "09:00", "length": "8h"},
        ]
    },
}


@pytest.fixture
def with_templates(minimal_scenario_dict) -> dict:
    data = minimal_scenario_dict
    data["roster"] = yaml.safe_load(yaml.safe_dump(ROSTER))  # a deep copy
    return data


def _shifts(**changes):
    """A mutation of ``roster.shifts``: keys set (templates by index as ``t0_pay_factor``)."""

    def mutate(data):
        shifts = data["roster"]["shifts"]
        for key, value in changes.items():
            if key.startswith("t") and key[1].isdigit():
                index, field = key[1:].split("_", 1)
                shifts["templates"][int(index)][field] = value
            else:
                shifts[key] = value

    return mutate


def test_templates_parse_with_their_defaults(write_yaml, with_templates):
    grid = Scenario.from_yaml(write_yaml(with_templates, FILE)).roster.shifts
    assert [t.name for t in grid.templates] == ["early", "late", "night", "lunch", "mid"]
    assert grid.templates[2].start == time(22, 0)
    assert grid.templates[2].length == 8 * 3600.0
    assert [t.pay_factor for t in grid.templates] == [1.0, 1.25, 2.0, 1.0, 1.0]
    assert grid.offered_lengths == (4 * 3600.0, 8 * 3600.0)
    # The factor a roster.csv shift gets: by start clock time and elapsed length.
    assert grid.pay_factor(time(22, 0), 8 * 3600.0) == 2.0
    assert grid.pay_factor(time(22, 0), 4 * 3600.0) == 1.0
    assert grid.pay_factor(time(9, 0), 8 * 3600.0) == 1.0


BROKEN = [
    pytest.param(
        _shifts(start_every="1h"),
        "roster.shifts: start_every cannot be given together with templates",
        id="templates-and-start-every",
    ),
    pytest.param(
        _shifts(lengths=["8h"], latest_start="20:00"),
        "roster.shifts: lengths, latest_start cannot be given together with templates",
        id="templates-and-grid",
    ),
    pytest.param(
        _shifts(t3_name="late"),
        "roster.shifts.templates: [3].name 'late' is also the name of [1]; template names "
        "must be unique",
        id="duplicate-name",
    ),
    pytest.param(
        _shifts(t3_start="06:00", t3_length="480min"),
        "roster.shifts.templates: [3] ('lunch') starts and ends like [0] ('early')",
        id="duplicate-shift",
    ),
    pytest.param(
        _shifts(t2_pay_factor=0),
        "roster.shifts.templates[2].pay_factor: must be > 0.0, got 0",
        id="factor-zero",
    ),
    pytest.param(
        _shifts(t1_pay_factor=-1.5),
        "roster.shifts.templates[1].pay_factor: must be > 0.0, got -1.5",
        id="factor-negative",
    ),
    pytest.param(
        _shifts(t1_pay_factor="double"),
        "roster.shifts.templates[1].pay_factor: must be a number, got 'double'",
        id="factor-not-a-number",
    ),
    pytest.param(
        _shifts(t0_start="6am"),
        "roster.shifts.templates[0].start: must be a clock time like '22:00', got '6am'",
        id="start-not-a-clock-time",
    ),
    pytest.param(
        _shifts(t0_start="06:10"),
        "roster.shifts.templates[0].start: must be a whole number of intervals (15 min each) "
        "after midnight",
        id="start-off-interval",
    ),
    pytest.param(
        _shifts(t4_length="490min"),
        "roster.shifts.templates[4].length: must be a whole number of intervals (15 min each)",
        id="length-off-interval",
    ),
    pytest.param(
        _shifts(t4_length="11h"),
        "roster.shifts.templates[4].length: 11 h is longer than roster.rules.max_shift_length "
        "(10 h)",
        id="length-over-max",
    ),
    pytest.param(
        _shifts(t4_length="5h"),
        "roster.shifts.templates[4].length: no contract allows 5 h shifts",
        id="length-no-contract-works",
    ),
    pytest.param(
        _shifts(t3_length="8h"),
        "roster.contracts.part_time.shift_lengths[0]: 4 h is not one of the lengths of "
        "roster.shifts.templates (8 h)",
        id="contract-length-not-offered",
    ),
    pytest.param(
        _shifts(templates=[]),
        "roster.shifts.templates: must not be empty",
        id="no-templates",
    ),
    pytest.param(
        _shifts(t0_premium=1.5),
        "roster.shifts.templates[0]: unknown key 'premium'",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_bad_templates_name_the_field(write_yaml, with_templates, mutate, expected):
    mutate(with_templates)
    path = write_yaml(with_templates, FILE)
    with pytest.raises(ScenarioError) as info:
        Scenario.from_yaml(path)
    lines = info.value.lines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{FILE}: {expected}"), lines


def test_validate_exits_2_naming_the_template_field(run_main, write_yaml, with_templates):
    with_templates["roster"]["shifts"]["templates"][2]["pay_factor"] = 0
    result = run_main("validate", write_yaml(with_templates, "broken.yaml"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        "error: broken.yaml: roster.shifts.templates[2].pay_factor: must be > 0.0, got 0"
    ), result.stderr


def test_validate_exits_2_when_grid_and_templates_are_mixed(run_main, write_yaml, with_templates):
    with_templates["roster"]["shifts"]["earliest_start"] = "06:00"
    result = run_main("validate", write_yaml(with_templates, "broken.yaml"))
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: broken.yaml: roster.shifts: earliest_start cannot be given together with templates"
    ), result.stderr
