"""The ``complaints:`` section: the manual's deadlines, overrides, deadlines in seconds on the
horizon's clock, and every bad input reported as one ``file: field.path: message`` line.

The base case is the documented phone-only day (2026-11-11 00:00, a Wednesday, to
2026-11-12 00:00) with a complaint desk pool ``desk`` and a complete section.
"""

from __future__ import annotations

import copy
from datetime import datetime

import numpy as np
import pytest

from sim import Scenario, ScenarioError
from sim.calendar import WorkingCalendar, deadline_seconds
from sim.scenario import CATEGORY_CODES, ComplaintsSection, Deadline
from sim.scenario.complaints import FromTypes

FILE = "double11.yaml"
HOUR = 3600.0

COMPLAINTS = {
    "pool": "desk",
    "arrivals": {"from_types": {"general": 0.03}},
    "levels": {"L1": 0.05, "L2": 0.2, "L3": 0.5, "L4": 0.25},
    "categories": {"logistics": 0.5, "payment": 0.2, "product": 0.2, "after_sales": 0.1},
    "response": {"handle_time": {"dist": "exponential", "mean": "15min"}},
    "resolution": {
        "handle_time": {"dist": "lognormal", "mean": "40min", "cv": 0.8},
        "delay": {"dist": "exponential", "mean": "4h"},
    },
}


@pytest.fixture
def with_complaints(minimal_scenario_dict) -> dict:
    data = minimal_scenario_dict
    data["pools"]["desk"] = {"agents": 4}
    data["complaints"] = copy.deepcopy(COMPLAINTS)
    return data


def section(**changes) -> ComplaintsSection:
    return ComplaintsSection.model_validate({**copy.deepcopy(COMPLAINTS), **changes})


# -- deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "response", "resolution"),
    [
        ("L1", Deadline(seconds=2 * HOUR), Deadline(seconds=24 * HOUR)),
        ("L2", Deadline(seconds=4 * HOUR), Deadline(seconds=48 * HOUR)),
        ("L3", Deadline(seconds=6 * HOUR), Deadline(seconds=72 * HOUR)),
        ("L4", Deadline(seconds=8 * HOUR), Deadline(working_days=5)),
    ],
)
def test_the_manuals_deadlines_by_default(level, response, resolution):
    assert section().deadline(level) == (response, resolution)
    due = section().deadline(level)
    assert (due.response, due.resolution) == (response, resolution)


def test_overrides_replace_only_what_they_name():
    overridden = section(
        deadlines={
            "L4": {"response": "12h", "resolution": {"working_days": 3}},
            "L1": {"resolution": {"working_days": 1}},
            "L2": {"response": 5400},
        }
    )
    assert overridden.deadline("L4") == (Deadline(seconds=12 * HOUR), Deadline(working_days=3))
    assert overridden.deadline("L1") == (Deadline(seconds=2 * HOUR), Deadline(working_days=1))
    assert overridden.deadline("L2") == (Deadline(seconds=1.5 * HOUR), Deadline(seconds=48 * HOUR))
    assert overridden.deadline("L3") == section().deadline("L3")


def test_deadline_labels():
    assert [section().deadline(level).resolution.label for level in ("L1", "L4")] == [
        "1d",
        "5 working days",
    ]
    assert Deadline(working_days=1).label == "1 working day"
    assert Deadline(seconds=2 * HOUR).label == "2h"


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="unknown level 'L5'; expected one of L1, L2, L3, L4"):
        section().deadline("L5")
    with pytest.raises(ValueError, match="which must be 'response' or 'resolution'"):
        section().due_seconds("L1", "closing", datetime(2026, 11, 11), np.zeros(1))


def test_due_seconds_in_hours_and_in_working_days():
    """Horizon from Wed 11 Nov 00:00. Complaints at Thu 10:00 and Sat 15:00 with Fri 13 a
    holiday: L2's first response is due 4 h later; L4's resolution (5 working days) Fri 20
    10:00 and Fri 20 24:00 (Mon 16 … Fri 20)."""
    complaints = section(calendar={"holidays": ["2026-11-13"]})
    start = datetime(2026, 11, 11)
    arrived = np.array([34 * HOUR, 87 * HOUR])
    assert complaints.due_seconds("L2", "response", start, arrived).tolist() == [
        38 * HOUR,
        91 * HOUR,
    ]
    assert complaints.due_seconds("L4", "resolution", start, arrived).tolist() == [
        (9 * 24 + 10) * HOUR,
        10 * 24 * HOUR,
    ]
    calendar = WorkingCalendar(holidays=("2026-11-13",))
    assert complaints.calendar == calendar
    np.testing.assert_array_equal(
        complaints.due_seconds("L4", "resolution", start, arrived),
        deadline_seconds(calendar, start, arrived, 5),
    )


def test_category_codes_follow_the_manual():
    assert CATEGORY_CODES == {
        "product": (1001, 1999),
        "logistics": (2001, 2999),
        "payment": (3001, 3999),
        "after_sales": (4001, 4999),
        "other": (5001, 5999),
    }


# -- a valid section ----------------------------------------------------------------------


def test_a_complete_section_validates(with_complaints):
    with_complaints["complaints"].update(
        calendar={"working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"], "holidays": ["2026-11-13"]},
        deadlines={"L4": {"response": "8h", "resolution": {"working_days": 5}}},
        early_warning={"per_hour": 50},
    )
    scenario = Scenario.from_dict(with_complaints)
    complaints = scenario.complaints
    assert complaints.pool == "desk"
    assert complaints.arrivals == FromTypes(from_types={"general": 0.03})
    assert complaints.early_warning.per_hour == 50
    assert complaints.resolution.delay.mean == 4 * HOUR
    assert scenario.pools["desk"].skills == ()
    assert "complaints to pool desk" in scenario.summary_line()


def test_arrivals_may_be_an_arrival_model(with_complaints):
    with_complaints["complaints"]["arrivals"] = {"rate_per_hour": 12}
    scenario = Scenario.from_dict(with_complaints)
    assert scenario.complaints.arrivals.model == "piecewise"


def test_defaults(with_complaints):
    complaints = Scenario.from_dict(with_complaints).complaints
    assert complaints.calendar == WorkingCalendar()
    assert complaints.calendar.working_days == ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert complaints.deadlines == {} and complaints.early_warning is None


def test_without_the_section_nothing_changes(minimal_scenario_dict):
    scenario = Scenario.from_dict(minimal_scenario_dict)
    assert scenario.complaints is None
    assert "complaints" not in scenario.summary_line()


# -- bad input: one line, and `validate` exits 2 printing only it -------------------------


def _set(*path):
    *keys, value = path

    def mutate(data):
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return mutate


def _drop(*keys):
    def mutate(data):
        node = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return mutate


BROKEN = [
    pytest.param(
        _set("complaints", "levels", {"L1": 0.1, "L2": 0.2, "L3": 0.5, "L4": 0.25}),
        ["complaints.levels: shares must sum to 1, got 1.05 (0.1 + 0.2 + 0.5 + 0.25)"],
        id="levels-sum-above-1",
    ),
    pytest.param(
        _set("complaints", "levels", {"L3": 0.5}),
        ["complaints.levels: shares must sum to 1, got 0.5 (0.5)"],
        id="levels-sum-below-1",
    ),
    pytest.param(
        _set("complaints", "levels", {"L1": 0.5, "L5": 0.5}),
        ["complaints.levels: unknown level 'L5'; expected one of L1, L2, L3, L4"],
        id="unknown-level",
    ),
    pytest.param(
        _set("complaints", "levels", "L1", -0.05),
        ["complaints.levels.L1: must be ≥ 0.0, got -0.05"],
        id="negative-level-share",
    ),
    pytest.param(
        _set("complaints", "categories", {"shipping": 0.5, "logistics": 0.5}),
        [
            "complaints.categories: unknown category 'shipping'; expected one of product, "
            "logistics, payment, after_sales, other"
        ],
        id="unknown-category",
    ),
    pytest.param(
        _set("complaints", "categories", {"logistics": 0.5, "payment": 0.2}),
        ["complaints.categories: shares must sum to 1, got 0.7 (0.5 + 0.2)"],
        id="categories-sum-below-1",
    ),
    pytest.param(
        _set("complaints", "deadlines", {"L5": {"response": "1h"}}),
        ["complaints.deadlines: unknown level 'L5'; expected one of L1, L2, L3, L4"],
        id="deadline-of-an-unknown-level",
    ),
    pytest.param(
        _set("complaints", "deadlines", {"L4": {"resolution": {"working_days": 0}}}),
        ["complaints.deadlines.L4.resolution.working_days: must be ≥ 1, got 0"],
        id="zero-working-days",
    ),
    pytest.param(
        _set("complaints", "deadlines", {"L4": {"response": "8m"}}),
        ["complaints.deadlines.L4.response: unknown duration unit 'm' in '8m'; use s, min, h or d"],
        id="deadline-unit",
    ),
    pytest.param(
        _set("complaints", "deadlines", {"L4": {"response": {"working_days": 1, "seconds": 60}}}),
        ["complaints.deadlines.L4.response: must be a duration such as 8h, or {working_days: N}"],
        id="deadline-both-ways",
    ),
    pytest.param(
        _set("complaints", "calendar", {"working_days": ["Mon", "Tue", "Funday"]}),
        [
            "complaints.calendar.working_days[2]: unknown weekday 'Funday'; expected one of "
            "Mon, Tue, Wed, Thu, Fri, Sat, Sun (or the full names)"
        ],
        id="unknown-weekday",
    ),
    pytest.param(
        _set("complaints", "calendar", {"holidays": ["11/13"]}),
        ["complaints.calendar.holidays[0]: must be a date like '2026-11-13', got '11/13'"],
        id="bad-holiday",
    ),
    pytest.param(
        _set("complaints", "pool", "hotline"),
        [
            "pools.desk.skills: is required but missing",
            "complaints.pool: unknown pool 'hotline'; expected one of agents, desk",
        ],
        id="unknown-pool",
    ),
    pytest.param(
        _set("complaints", "arrivals", "from_types", "refunds", 0.1),
        [
            "complaints.arrivals.from_types.refunds: unknown inquiry type 'refunds'; "
            "expected one of general"
        ],
        id="from-an-unknown-type",
    ),
    pytest.param(
        _set("complaints", "arrivals", "from_types", "general", 1.5),
        ["complaints.arrivals.from_types.general: must be ≤ 1.0, got 1.5"],
        id="share-above-1",
    ),
    pytest.param(
        _set("complaints", "arrivals", {"from_types": {"general": 0.1}, "rate_per_hour": 3}),
        ["complaints.arrivals: unknown key 'rate_per_hour'; expected one of from_types"],
        id="shares-and-a-rate",
    ),
    pytest.param(
        _set("complaints", "arrivals", {"rate_per_hour": [3, 4]}),
        ["complaints.arrivals.rate_per_hour: must have one value per interval (96), got 2"],
        id="arrival-model-checked-on-the-horizon",
    ),
    pytest.param(
        _set("complaints", "arrivals", {"model": "poisson"}),
        [
            "complaints.arrivals: unknown arrival model 'poisson'; expected one of 'custom', "
            "'historical', 'piecewise', 'promo_surge'"
        ],
        id="unknown-arrival-model",
    ),
    pytest.param(
        _drop("complaints", "resolution", "delay"),
        ["complaints.resolution.delay: is required but missing"],
        id="resolution-without-delay",
    ),
    pytest.param(
        _set("complaints", "early_warning", {"per_hour": 0}),
        ["complaints.early_warning.per_hour: must be > 0.0, got 0"],
        id="zero-warning-threshold",
    ),
    pytest.param(
        _set("pools", "desk", "skills", ["general"]),
        [
            "pools.desk.skills: the complaint desk (complaints.pool) works complaints only, "
            "so it has no skills; got general"
        ],
        id="desk-with-skills",
    ),
    pytest.param(
        _set("pools", "agents", "skills", []),
        ["pools.agents.skills: must not be empty"],
        id="another-pool-without-skills",
    ),
    pytest.param(
        _drop("pools", "agents", "skills"),
        ["pools.agents.skills: is required but missing"],
        id="another-pool-with-skills-absent",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_bad_complaints_are_one_located_line(
    run_main, write_yaml, with_complaints, mutate, expected
):
    mutate(with_complaints)
    result = run_main("validate", write_yaml(with_complaints, FILE))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {FILE}: {line}" for line in expected]


@pytest.mark.parametrize(
    ("skills", "expected"),
    [
        ([], "pools.agents.skills: must not be empty"),
        (None, "pools.agents.skills: is required but missing"),
    ],
)
def test_a_pool_without_skills_and_no_desk_keeps_its_message(
    minimal_scenario_dict, skills, expected
):
    if skills is None:
        del minimal_scenario_dict["pools"]["agents"]["skills"]
    else:
        minimal_scenario_dict["pools"]["agents"]["skills"] = skills
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(minimal_scenario_dict, source=FILE)
    assert info.value.lines() == [f"{FILE}: {expected}"]
