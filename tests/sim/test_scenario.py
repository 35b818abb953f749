"""Tests for the scenario file: ``Scenario.from_yaml`` / ``from_dict`` and their error messages.

Every broken file must raise :class:`ScenarioError` whose lines name the file, the dotted
field path and what was expected; never another exception type.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim import Busyness, Exponential, Scenario, ScenarioError
from sim.distributions import DISTRIBUTION_NAMES

DOCUMENTED_YAML = """\
name: Double 11, phone only
horizon: {start: "2026-11-11 00:00", end: "2026-11-12 00:00", interval: 15min}
warmup: 1h
service_level: {answer_within: 20s, target: 0.8}
channels:
  phone: {patience: {dist: exponential, mean: 120s}}
inquiry_types:
  general:
    channel: phone
    arrivals: {rate_per_hour: 300}
    handle_time: {dist: exponential, mean: 240s}
pools:
  agents: {skills: [general], agents: 25}
"""

FILE = "double11.yaml"


def problems_of(path) -> list[str]:
    """The lines of the ScenarioError raised by ``Scenario.from_yaml(path)``."""
    with pytest.raises(ScenarioError) as info:
        Scenario.from_yaml(path)
    lines = info.value.lines()
    assert lines, "a ScenarioError must carry at least one problem"
    assert str(info.value) == "\n".join(lines)
    return lines


# --------------------------------------------------------------------------------------------
# The documented shape
# --------------------------------------------------------------------------------------------


def test_documented_shape_parses(write_yaml):
    scenario = Scenario.from_yaml(write_yaml(DOCUMENTED_YAML))

    assert scenario.name == "Double 11, phone only"
    assert scenario.horizon.start == datetime(2026, 11, 11, 0, 0)
    assert scenario.horizon.end == datetime(2026, 11, 12, 0, 0)
    assert scenario.horizon.interval == 900.0
    assert scenario.n_intervals == 96
    assert scenario.warmup == 3600.0
    assert scenario.warmup_intervals == 4
    assert scenario.service_level.answer_within == 20.0
    assert scenario.service_level.target == 0.8

    patience = scenario.channels["phone"].patience
    assert isinstance(patience, Exponential)
    assert patience.mean == 120.0

    general = scenario.inquiry_types["general"]
    assert general.channel == "phone"
    assert isinstance(general.handle_time, Exponential)
    assert general.handle_time.mean == 240.0

    rate = scenario.rate_per_hour("general")
    assert rate.shape == (96,)
    assert np.all(rate == 300.0)
    agents = scenario.agents("agents")
    assert agents.shape == (96,)
    assert agents.dtype.kind == "i"
    assert np.all(agents == 25)
    assert scenario.pools["agents"].skills == ("general",)

    starts = scenario.horizon.interval_starts()
    assert len(starts) == 96
    assert starts[1] - starts[0] == timedelta(minutes=15)
    counted = scenario.counted_interval_starts()
    assert len(counted) == 92
    assert counted[0] == datetime(2026, 11, 11, 1, 0)


def test_documented_shape_from_dict(minimal_scenario_dict):
    scenario = Scenario.from_dict(minimal_scenario_dict)
    assert scenario.n_intervals == 96
    assert np.all(scenario.rate_per_hour("general") == 300.0)


def test_name_defaults_to_file_stem(write_yaml, minimal_scenario_dict):
    del minimal_scenario_dict["name"]
    scenario = Scenario.from_yaml(write_yaml(minimal_scenario_dict, "launch_day.yaml"))
    assert scenario.name == "launch_day"


def test_per_interval_lists_are_kept_in_order(minimal_scenario_dict):
    rates = [float(i) for i in range(96)]
    agents = [i % 7 for i in range(96)]
    minimal_scenario_dict["inquiry_types"]["general"]["arrivals"]["rate_per_hour"] = rates
    minimal_scenario_dict["pools"]["agents"]["agents"] = agents
    scenario = Scenario.from_dict(minimal_scenario_dict)
    np.testing.assert_array_equal(scenario.rate_per_hour("general"), rates)
    np.testing.assert_array_equal(scenario.agents("agents"), agents)


def test_busyness_section_parses(write_yaml):
    text = DOCUMENTED_YAML + "busyness: {dist: gamma, cv: 0.15}\n"
    scenario = Scenario.from_yaml(write_yaml(text))
    assert scenario.busyness == Busyness(dist="gamma", cv=0.15)
    assert scenario.busyness.mean == 1.0
    assert "busyness gamma with cv 0.15" in scenario.summary_line()
    assert Scenario.from_yaml(write_yaml(DOCUMENTED_YAML)).busyness is None


def test_shipped_scenarios_parse(repo_root):
    for name, n, warm in [
        ("weekday.yaml", 96, 0),
        ("double11_launch.yaml", 104, 8),
        ("double11.yaml", 304, 0),
    ]:
        scenario = Scenario.from_yaml(repo_root / "scenarios" / name)
        assert scenario.n_intervals == n
        assert scenario.warmup_intervals == warm
        for kind in scenario.inquiry_types:
            assert scenario.rate_per_hour(kind).shape == (n,)
        for pool in scenario.pools:
            assert scenario.agents(pool).shape == (n,)


@pytest.mark.parametrize(
    "assign",
    [
        lambda s: setattr(s, "name", "other"),
        lambda s: setattr(s, "warmup", 0.0),
        lambda s: setattr(s.horizon, "interval", 60.0),
        lambda s: setattr(s.service_level, "target", 0.5),
        lambda s: setattr(s.inquiry_types["general"].arrivals, "rate_per_hour", 1.0),
        lambda s: setattr(s.inquiry_types["general"].handle_time, "mean", 1.0),
        lambda s: setattr(s.pools["agents"], "agents", 1),
        lambda s: setattr(s.channels["phone"], "patience", None),
    ],
)
def test_models_are_frozen(minimal_scenario_dict, assign):
    scenario = Scenario.from_dict(minimal_scenario_dict)
    with pytest.raises(ValidationError, match="frozen"):
        assign(scenario)
    assert scenario == Scenario.from_dict(minimal_scenario_dict)


# --------------------------------------------------------------------------------------------
# Broken files: one located problem each
# --------------------------------------------------------------------------------------------


def _set(*path_and_value):
    *path, value = path_and_value

    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(*path):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


RATE = ("inquiry_types", "general", "arrivals", "rate_per_hour")
HANDLE = ("inquiry_types", "general", "handle_time")

BROKEN = [
    pytest.param(
        _set(*RATE, -300),
        ["inquiry_types.general.arrivals.rate_per_hour: must be ≥ 0, got -300"],
        id="negative-rate",
    ),
    pytest.param(
        _set("pools", "agents", "agents", -3),
        ["pools.agents.agents: must be ≥ 0, got -3"],
        id="negative-agents",
    ),
    pytest.param(
        _set(*RATE, [300] * 95 + [-1]),
        ["inquiry_types.general.arrivals.rate_per_hour: item 95: must be ≥ 0, got -1"],
        id="negative-list-item",
    ),
    pytest.param(
        _set(*RATE, "lots"),
        ["inquiry_types.general.arrivals.rate_per_hour: must be a number", "'lots'"],
        id="non-numeric-rate",
    ),
    pytest.param(
        _set("pools", "agents", "agents", "many"),
        ["pools.agents.agents: must be a whole number ≥ 0, got 'many'"],
        id="non-numeric-agents",
    ),
    pytest.param(
        _set("pools", "agents", "agents", 2.5),
        ["pools.agents.agents: must be a whole number ≥ 0, got 2.5"],
        id="fractional-agents",
    ),
    pytest.param(
        _set("service_level", "target", "high"),
        ["service_level.target: must be a number, got 'high'"],
        id="non-numeric-target",
    ),
    pytest.param(
        _set("service_level", "target", 1.5),
        ["service_level.target: must be ≤ 1"],
        id="target-above-one",
    ),
    pytest.param(
        _set(*HANDLE, "dist", "weibull"),
        ["inquiry_types.general.handle_time: unknown distribution 'weibull'", "exponential"],
        id="unknown-distribution",
    ),
    pytest.param(
        _set("channels", "phone", "patience", "dist", "normal"),
        ["channels.phone.patience: unknown distribution 'normal'", "lognormal"],
        id="unknown-patience-distribution",
    ),
    pytest.param(
        _delete(*HANDLE, "dist"),
        ["inquiry_types.general.handle_time: needs 'dist:'"],
        id="distribution-without-dist",
    ),
    pytest.param(
        _set(*HANDLE, "mean", "5m"),
        ["inquiry_types.general.handle_time.mean: unknown duration unit 'm'"],
        id="unknown-duration-unit",
    ),
    pytest.param(
        _set("warmup", "1x"),
        ["warmup: unknown duration unit 'x'"],
        id="unknown-duration-unit-warmup",
    ),
    pytest.param(
        _set(*HANDLE, "mean", "-5s"),
        ["inquiry_types.general.handle_time.mean: must be ≥ 0"],
        id="negative-duration",
    ),
    pytest.param(
        _set(*HANDLE, "mean", 0),
        ["inquiry_types.general.handle_time.mean: must be > 0, got 0"],
        id="zero-mean",
    ),
    pytest.param(
        _set("inquiry_types", "general", "channel", "fax"),
        ["inquiry_types.general.channel: unknown channel 'fax'", "phone"],
        id="unknown-channel",
    ),
    pytest.param(
        _set("pools", "agents", "skills", ["general", "refunds"]),
        ["pools.agents.skills: unknown skill 'refunds'", "general"],
        id="unknown-skill",
    ),
    pytest.param(
        _set("inquiry_types", "general", "handel_time", {"dist": "exponential", "mean": 1}),
        ["inquiry_types.general: unknown key 'handel_time'", "did you mean 'handle_time'"],
        id="unknown-key",
    ),
    pytest.param(
        _set("horizon", "step", "15min"),
        ["horizon: unknown key 'step'", "start, end, interval"],
        id="unknown-key-horizon",
    ),
    pytest.param(
        _set("poolz", {}),
        ["unknown key 'poolz'", "did you mean 'pools'"],
        id="unknown-key-top",
    ),
    pytest.param(_delete("pools"), ["pools: is required but missing"], id="missing-pools"),
    pytest.param(
        _delete("service_level"),
        ["service_level: is required but missing"],
        id="missing-service-level",
    ),
    pytest.param(
        _delete(*HANDLE),
        ["inquiry_types.general.handle_time: is required but missing"],
        id="missing-handle-time",
    ),
    pytest.param(
        _set("horizon", "end", "2026-11-10 00:00"),
        ["horizon.end: must be after horizon.start (2026-11-11 00:00), got 2026-11-10 00:00"],
        id="end-before-start",
    ),
    pytest.param(
        _set("horizon", "end", "2026-11-11 00:00"),
        ["horizon.end: must be after horizon.start"],
        id="end-equals-start",
    ),
    pytest.param(
        _set("horizon", "start", "tomorrow"),
        ["horizon.start: must be a date and time like '2026-11-11 00:00', got 'tomorrow'"],
        id="bad-timestamp",
    ),
    pytest.param(
        _set("horizon", "interval", "7min"),
        ["horizon.interval: must divide the horizon (1440 min) into whole intervals, got 7 min"],
        id="interval-does-not-divide",
    ),
    pytest.param(
        _set("horizon", "interval", "2d"),
        ["horizon.interval: must divide the horizon"],
        id="interval-longer-than-horizon",
    ),
    pytest.param(
        _set(*RATE, [300, 300, 300]),
        [
            "inquiry_types.general.arrivals.rate_per_hour: "
            "must have one value per interval (96), got 3"
        ],
        id="rate-list-wrong-length",
    ),
    pytest.param(
        _set("pools", "agents", "agents", [25] * 97),
        ["pools.agents.agents: must have one value per interval (96), got 97"],
        id="agents-list-wrong-length",
    ),
    pytest.param(
        _set(*RATE, []),
        ["inquiry_types.general.arrivals.rate_per_hour: must be a number or a non-empty list"],
        id="empty-rate-list",
    ),
    pytest.param(
        _set("warmup", "10min"),
        ["warmup: must be a whole number of intervals (15 min each), got 10 min"],
        id="warmup-not-whole-intervals",
    ),
    pytest.param(
        _set("warmup", "1d"),
        ["warmup: must be shorter than the horizon"],
        id="warmup-covers-horizon",
    ),
    pytest.param(
        _set(
            "inquiry_types",
            "vip",
            {
                "channel": "phone",
                "arrivals": {"rate_per_hour": 5},
                "handle_time": {"dist": "deterministic", "value": "3min"},
            },
        ),
        ["inquiry_types.vip: no pool has this skill"],
        id="inquiry-type-nobody-answers",
    ),
    pytest.param(
        _set("pools", "agents", "skills", []),
        ["pools.agents.skills: must not be empty"],
        id="empty-skills",
    ),
    pytest.param(
        _set("pools", "agents", None),
        ["pools.agents: must be a mapping of fields, got None"],
        id="pool-not-a-mapping",
    ),
    pytest.param(
        _set(*HANDLE, {"dist": "empirical", "values": [0, 0]}),
        ["inquiry_types.general.handle_time.values: must hold at least one value > 0"],
        id="empirical-all-zero",
    ),
    pytest.param(
        _set(*HANDLE, {"dist": "empirical", "values": [60, "5m"]}),
        ["inquiry_types.general.handle_time.values[1]: unknown duration unit 'm'"],
        id="empirical-bad-item",
    ),
    pytest.param(
        _set("busyness", {"dist": "weibull", "cv": 0.1}),
        ["busyness.dist: must be 'gamma' or 'lognormal', got 'weibull'"],
        id="busyness-unknown-distribution",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma", "cv": -0.1}),
        ["busyness.cv: must be > 0", "got -0.1"],
        id="busyness-negative-cv",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma", "cv": 0}),
        ["busyness.cv: must be > 0", "got 0"],
        id="busyness-zero-cv",
    ),
    pytest.param(
        _set("busyness", {"dist": "lognormal", "cv": 1.5}),
        ["busyness.cv: must be ≤ 1", "got 1.5"],
        id="busyness-cv-too-large",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma", "cv": "wide"}),
        ["busyness.cv: must be a number, got 'wide'"],
        id="busyness-non-numeric-cv",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma"}),
        ["busyness.cv: is required but missing"],
        id="busyness-missing-cv",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma", "cv": 0.1, "sd": 0.1}),
        ["busyness: unknown key 'sd'", "expected one of dist, cv"],
        id="busyness-unknown-key",
    ),
    pytest.param(
        _set("busyness", {"dist": "gamma", "cv": 0.1, "mean": 1.2}),
        ["busyness: takes no 'mean'", "the forecast is the mean day"],
        id="busyness-with-a-mean",
    ),
    pytest.param(
        _set("busyness", 0.15),
        ["busyness: must be a mapping of fields, got 0.15"],
        id="busyness-not-a-mapping",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_broken_scenario_is_located(write_yaml, minimal_scenario_dict, mutate, expected):
    mutate(minimal_scenario_dict)
    lines = problems_of(write_yaml(minimal_scenario_dict, FILE))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{FILE}: "), lines
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines)


def test_problem_line_matches_documented_example(write_yaml, minimal_scenario_dict):
    minimal_scenario_dict["inquiry_types"]["general"]["arrivals"]["rate_per_hour"] = -300
    lines = problems_of(write_yaml(minimal_scenario_dict, FILE))
    assert lines == [
        "double11.yaml: inquiry_types.general.arrivals.rate_per_hour: must be ≥ 0, got -300"
    ]


def test_yaml_syntax_error_names_the_line(write_yaml):
    text = DOCUMENTED_YAML.replace("    channel: phone\n", "    channel: phone: x\n")
    assert text.splitlines()[8] == "    channel: phone: x"  # line 9 of the file
    lines = problems_of(write_yaml(text))
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: YAML syntax error at line 9"), lines


def test_yaml_unclosed_bracket_names_a_line(write_yaml):
    text = DOCUMENTED_YAML.replace("[general]", "[general")
    lines = problems_of(write_yaml(text))
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: YAML syntax error at line "), lines


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n"])
def test_empty_file_says_empty(write_yaml, text):
    lines = problems_of(write_yaml(text))
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: ")
    assert "empty" in lines[0]


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a sentence\n", "42\n"])
def test_top_level_must_be_a_mapping(write_yaml, text):
    lines = problems_of(write_yaml(text))
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: expected a mapping")


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.yaml"
    lines = problems_of(path)
    assert len(lines) == 1
    assert "nope.yaml" in lines[0]
    assert "no such file" in lines[0]


def test_directory_is_not_a_scenario(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    lines = problems_of(folder)
    assert lines == ["folder.yaml: is a directory, not a scenario file"]


def test_undecodable_file_is_reported(tmp_path):
    path = tmp_path / FILE
    path.write_bytes(b"name: \xff\xfe\x00 broken\n")
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{FILE}: cannot be read")


def test_several_validation_problems_reported_together(write_yaml, minimal_scenario_dict):
    minimal_scenario_dict["inquiry_types"]["general"]["arrivals"]["rate_per_hour"] = -300
    minimal_scenario_dict["pools"]["agents"]["agents"] = "many"
    minimal_scenario_dict["horizon"]["interval"] = "5x"
    lines = problems_of(write_yaml(minimal_scenario_dict))
    assert len(lines) == 3, lines
    assert all(line.startswith(f"{FILE}: ") for line in lines)
    text = "\n".join(lines)
    assert "inquiry_types.general.arrivals.rate_per_hour: must be ≥ 0, got -300" in text
    assert "pools.agents.agents: must be a whole number" in text
    assert "horizon.interval: unknown duration unit 'x'" in text


def test_several_consistency_problems_reported_together(write_yaml, minimal_scenario_dict):
    minimal_scenario_dict["inquiry_types"]["general"]["channel"] = "fax"
    minimal_scenario_dict["pools"]["agents"]["skills"] = ["general", "refunds"]
    minimal_scenario_dict["pools"]["agents"]["agents"] = [1, 2]
    lines = problems_of(write_yaml(minimal_scenario_dict))
    assert len(lines) == 3, lines
    text = "\n".join(lines)
    assert "inquiry_types.general.channel: unknown channel 'fax'" in text
    assert "pools.agents.skills: unknown skill 'refunds'" in text
    assert "pools.agents.agents: must have one value per interval (96), got 2" in text


def test_from_dict_without_source_has_no_file_prefix(minimal_scenario_dict):
    minimal_scenario_dict["pools"]["agents"]["agents"] = -1
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(minimal_scenario_dict)
    assert info.value.lines() == ["pools.agents.agents: must be ≥ 0, got -1"]


def test_from_dict_with_source_prefixes_every_line(minimal_scenario_dict):
    minimal_scenario_dict["inquiry_types"]["general"]["channel"] = "fax"
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(minimal_scenario_dict, source="plan.yaml")
    assert info.value.lines()[0].startswith("plan.yaml: inquiry_types.general.channel: ")


def test_non_text_skill_is_not_called_empty(minimal_scenario_dict):
    """``skills: [1]`` has one (wrong) item; saying the list "must not be empty" is false."""
    minimal_scenario_dict["pools"]["agents"]["skills"] = [1]
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(minimal_scenario_dict, source=FILE)
    lines = info.value.lines()
    assert any("pools.agents.skills[0]: must be text, got 1" in line for line in lines), lines
    assert not any("must not be empty" in line for line in lines), lines


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        pytest.param(
            _set(*RATE, 10**400), "inquiry_types.general.arrivals.rate_per_hour", id="rate"
        ),
        pytest.param(_set("pools", "agents", "agents", 10**30), "pools.agents.agents", id="agents"),
    ],
)
def test_absurdly_large_numbers_are_scenario_errors(
    write_yaml, minimal_scenario_dict, mutate, path
):
    """A huge integer in the file must be a located problem, not an OverflowError later."""
    mutate(minimal_scenario_dict)
    target = write_yaml(minimal_scenario_dict)
    try:
        scenario = Scenario.from_yaml(target)
        scenario.agents("agents")
        scenario.rate_per_hour("general")
    except ScenarioError as exc:
        assert any(path in line for line in exc.lines()), exc.lines()
    else:
        pytest.fail("an absurdly large number was accepted")


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------

CHANNEL_NAMES = ["phone", "chat", "email"]
TYPE_NAMES = ["general", "payment", "after_sales", "presale"]
POOL_NAMES = ["front", "back", "generalists"]
INTERVALS = [
    (300, "5min"),
    (600, "10min"),
    (900, "15min"),
    (900, 900),
    (1800, "0.5h"),
    (3600, "1h"),
]
KNOWN_FIELDS = {
    "name", "description", "horizon", "warmup", "service_level", "channels", "inquiry_types",
    "pools", "start", "end", "interval", "answer_within", "target", "patience", "channel",
    "arrivals", "handle_time", "rate_per_hour", "skills", "agents", "dist", "mean", "cv",
    "value", "values", "busyness",
}  # fmt: skip
identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@st.composite
def durations(draw, min_seconds: int = 0):
    """A duration as a scenario file might write it: number, "Ns", "Nmin" or "Nh"."""
    seconds = draw(st.integers(min_value=min_seconds, max_value=4 * 3600))
    forms = [seconds, float(seconds), f"{seconds}s", f"{seconds} seconds"]
    if seconds % 60 == 0:
        forms.append(f"{seconds // 60}min")
    if seconds % 3600 == 0:
        forms.append(f"{seconds // 3600}h")
    return draw(st.sampled_from(forms))


@st.composite
def distributions(draw):
    kind = draw(st.sampled_from(DISTRIBUTION_NAMES))
    if kind == "exponential":
        return {"dist": kind, "mean": draw(durations(min_seconds=1))}
    if kind in ("lognormal", "gamma"):
        cv = draw(st.floats(min_value=0.05, max_value=3.0))
        return {"dist": kind, "mean": draw(durations(min_seconds=1)), "cv": cv}
    if kind == "deterministic":
        return {"dist": kind, "value": draw(durations())}
    values = draw(st.lists(durations(), min_size=0, max_size=6))
    values.insert(draw(st.integers(0, len(values))), draw(durations(min_seconds=1)))
    return {"dist": kind, "values": values}


def per_interval(draw, n: int, numbers: st.SearchStrategy):
    """A number, or a list of ``n`` numbers; returns (value as written, expanded list)."""
    if draw(st.booleans()):
        value = draw(numbers)
        return value, [value] * n
    values = draw(st.lists(numbers, min_size=n, max_size=n))
    return values, values


rates = st.one_of(
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False),
)
agent_counts = st.integers(min_value=0, max_value=500)


@st.composite
def valid_scenarios(draw):
    """(scenario dict, n_intervals, expected rates per type, expected agents per pool)."""
    interval_seconds, interval = draw(st.sampled_from(INTERVALS))
    n = draw(st.integers(min_value=1, max_value=24))
    start = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))
    start = start.replace(second=0, microsecond=0)
    end = start + n * timedelta(seconds=interval_seconds)
    warm = draw(st.integers(min_value=0, max_value=n - 1))

    channels = draw(st.lists(st.sampled_from(CHANNEL_NAMES), min_size=1, max_size=3, unique=True))
    types = draw(st.lists(st.sampled_from(TYPE_NAMES), min_size=1, max_size=4, unique=True))
    pools = draw(st.lists(st.sampled_from(POOL_NAMES), min_size=1, max_size=3, unique=True))

    data = {
        "name": draw(st.text(min_size=1, max_size=20)),
        "horizon": {
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "end": end.strftime("%Y-%m-%d %H:%M"),
            "interval": interval,
        },
        "warmup": draw(st.sampled_from([warm * interval_seconds, f"{warm * interval_seconds}s"])),
        "service_level": {
            "answer_within": draw(durations()),
            "target": draw(st.floats(min_value=0.01, max_value=1.0)),
        },
        "channels": {},
        "inquiry_types": {},
        "pools": {},
    }
    for name in channels:
        patience = draw(st.sampled_from(["absent", "none", "dist"]))
        if patience == "absent":
            data["channels"][name] = {}
        elif patience == "none":
            data["channels"][name] = {"patience": None}
        else:
            data["channels"][name] = {"patience": draw(distributions())}

    expected_rates = {}
    for name in types:
        value, expanded = per_interval(draw, n, rates)
        expected_rates[name] = expanded
        data["inquiry_types"][name] = {
            "channel": draw(st.sampled_from(channels)),
            "arrivals": {"rate_per_hour": value},
            "handle_time": draw(distributions()),
        }

    # Every inquiry type is answered by at least one pool; pools may take more.
    skills = {pool: set() for pool in pools}
    for name in types:
        skills[draw(st.sampled_from(pools))].add(name)
    expected_agents = {}
    for pool in pools:
        extra = draw(st.lists(st.sampled_from(types), max_size=len(types)))
        chosen = [t for t in types if t in skills[pool] or t in extra]
        if not chosen:
            chosen = [draw(st.sampled_from(types))]
        value, expanded = per_interval(draw, n, agent_counts)
        expected_agents[pool] = expanded
        data["pools"][pool] = {"skills": chosen, "agents": value}
    if draw(st.booleans()):
        data["busyness"] = {
            "dist": draw(st.sampled_from(["gamma", "lognormal"])),
            "cv": draw(st.floats(min_value=0.01, max_value=1.0)),
        }
    return data, n, expected_rates, expected_agents


@settings(max_examples=100, deadline=None)
@given(valid_scenarios())
def test_random_valid_scenarios_parse(case):
    data, n, expected_rates, expected_agents = case
    original = copy.deepcopy(data)
    scenario = Scenario.from_dict(data, source="random.yaml")
    assert data == original  # the input is not modified
    assert scenario.n_intervals == n
    assert len(scenario.horizon.interval_starts()) == n
    for name, expected in expected_rates.items():
        rate = scenario.rate_per_hour(name)
        assert rate.shape == (n,)
        np.testing.assert_array_equal(rate, np.asarray(expected, dtype=float))
    for pool, expected in expected_agents.items():
        agents = scenario.agents(pool)
        assert agents.shape == (n,)
        np.testing.assert_array_equal(agents, np.asarray(expected, dtype=np.int64))
    if "busyness" in data:
        assert scenario.busyness.model_dump() == data["busyness"]
    else:
        assert scenario.busyness is None


MUTATIONS = ["negative_rate", "negative_agents", "wrong_length", "unknown_key", "unknown_dist"]
negatives = st.one_of(
    st.integers(min_value=-(10**6), max_value=-1),
    st.floats(min_value=-1e6, max_value=-1e-6),
)


def _mutate(draw, data: dict, n: int, kind: str) -> tuple[str, list[str]]:
    """Break ``data`` in place; return (field path, other fragments the message must hold)."""
    types = list(data["inquiry_types"])
    pools = list(data["pools"])
    if kind in ("negative_rate", "negative_agents"):
        if kind == "negative_rate":
            name = draw(st.sampled_from(types))
            holder, key = data["inquiry_types"][name]["arrivals"], "rate_per_hour"
            path = f"inquiry_types.{name}.arrivals.rate_per_hour"
            bad = draw(negatives)
        else:
            name = draw(st.sampled_from(pools))
            holder, key = data["pools"][name], "agents"
            path = f"pools.{name}.agents"
            bad = draw(st.integers(min_value=-(10**6), max_value=-1))
        if draw(st.booleans()):
            holder[key] = bad
            return path, ["must be ≥ 0"]
        values = [0] * n
        index = draw(st.integers(min_value=0, max_value=n - 1))
        values[index] = bad
        holder[key] = values
        return path, [f"item {index}: must be ≥ 0"]
    if kind == "wrong_length":
        length = draw(st.integers(min_value=1, max_value=n + 5).filter(lambda m: m != n))
        if draw(st.booleans()):
            name = draw(st.sampled_from(types))
            data["inquiry_types"][name]["arrivals"]["rate_per_hour"] = [1.0] * length
            path = f"inquiry_types.{name}.arrivals.rate_per_hour"
        else:
            name = draw(st.sampled_from(pools))
            data["pools"][name]["agents"] = [1] * length
            path = f"pools.{name}.agents"
        return path, [f"must have one value per interval ({n}), got {length}"]
    if kind == "unknown_key":
        levels = [
            ("", data),
            ("horizon", data["horizon"]),
            ("service_level", data["service_level"]),
        ]
        for name, channel in data["channels"].items():
            levels.append((f"channels.{name}", channel))
            if channel.get("patience"):
                levels.append((f"channels.{name}.patience", channel["patience"]))
        for name, kind_ in data["inquiry_types"].items():
            levels.append((f"inquiry_types.{name}", kind_))
            levels.append((f"inquiry_types.{name}.arrivals", kind_["arrivals"]))
            levels.append((f"inquiry_types.{name}.handle_time", kind_["handle_time"]))
        for name, pool in data["pools"].items():
            levels.append((f"pools.{name}", pool))
        if "busyness" in data:
            levels.append(("busyness", data["busyness"]))
        path, node = draw(st.sampled_from(levels))
        key = draw(identifiers.filter(lambda k: k not in KNOWN_FIELDS))
        node[key] = draw(st.one_of(st.integers(), st.text(max_size=5), st.none()))
        return path, [f"unknown key {key!r}"]
    assert kind == "unknown_dist"
    targets = [
        (f"inquiry_types.{name}.handle_time", kind_["handle_time"])
        for name, kind_ in data["inquiry_types"].items()
    ]
    targets += [
        (f"channels.{name}.patience", channel["patience"])
        for name, channel in data["channels"].items()
        if channel.get("patience")
    ]
    path, node = draw(st.sampled_from(targets))
    bad = draw(identifiers.filter(lambda k: k not in DISTRIBUTION_NAMES))
    node["dist"] = bad
    return path, [f"unknown distribution {bad!r}"]


@settings(max_examples=150, deadline=None)
@given(valid_scenarios(), st.sampled_from(MUTATIONS), st.data())
def test_random_invalid_scenarios_raise_located_scenario_errors(case, kind, data_strategy):
    data, n, _, _ = case
    path, fragments = _mutate(data_strategy.draw, data, n, kind)
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, source="random.yaml")
    lines = info.value.lines()
    assert lines and str(info.value).strip()
    assert all(line.startswith("random.yaml: ") for line in lines), lines
    located = [line for line in lines if line.startswith(f"random.yaml: {path}")]
    assert located, (path, lines)
    if path:
        located = [line for line in located if line.startswith(f"random.yaml: {path}: ")]
        assert located, (path, lines)
    for fragment in fragments:
        assert any(fragment in line for line in located), (fragment, lines)


def test_key_given_twice_is_an_error_naming_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(
        "name: x\n"
        'horizon: {start: "2026-11-11 00:00", end: "2026-11-12 00:00", interval: 15min}\n'
        "service_level: {answer_within: 20s, target: 0.8}\n"
        "channels: {phone: {}}\n"
        "inquiry_types:\n"
        "  general:\n"
        "    channel: phone\n"
        "    arrivals: {rate_per_hour: 300}\n"
        "    handle_time: {dist: exponential, mean: 240s}\n"
        "pools:\n"
        "  agents: {skills: [general], agents: 25}\n"
        "  agents: {skills: [general], agents: 5}\n"
    )
    with pytest.raises(ScenarioError) as info:
        Scenario.from_yaml(path)
    (line,) = info.value.lines()
    assert line.startswith("dup.yaml: ")
    assert "'agents' appears twice" in line and "line 12" in line and "line 11" in line
