"""The ``incidents:`` list: the four kinds, their labels, every bad input reported as one
``file: field.path: message`` line, and a scenario with complaints and incidents that
simulates exactly like the same scenario without them.

The base case: 2026-11-11 00:00 to 2026-11-12 00:00, a phone and a chat channel, types
``general`` (phone) and ``presale`` (chat), a bot ``assistant`` on presale, pools ``agents``,
``chatters`` and the complaint desk ``desk``, and one incident of each kind.
"""

from __future__ import annotations

import copy

import pytest

from sim import Scenario, ScenarioError
from sim.scenario import ArrivalWave, BotOutage, ChannelOutage, StaffShortage

FILE = "double11.yaml"

BASE = {
    "name": "incidents",
    "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00", "interval": "15min"},
    "warmup": "1h",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {
        "phone": {"patience": {"dist": "exponential", "mean": "120s"}},
        "chat": {"kind": "chat", "max_concurrent": 3},
    },
    "inquiry_types": {
        "general": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 300},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        },
        "presale": {
            "channel": "chat",
            "arrivals": {"rate_per_hour": 200},
            "handle_time": {"dist": "exponential", "mean": "6min"},
        },
    },
    "pools": {
        "agents": {"skills": ["general"], "agents": 25},
        "chatters": {"skills": ["presale"], "agents": 8},
        "desk": {"agents": 3},
    },
    "bots": {
        "assistant": {
            "serves": ["presale"],
            "session_time": {"dist": "exponential", "mean": "90s"},
            "outcomes": {"resolved": 0.7, "escalated": 0.2, "bounced": 0.1},
        }
    },
    "complaints": {
        "pool": "desk",
        "arrivals": {"from_types": {"general": 0.03, "presale": 0.01}},
        "levels": {"L1": 0.05, "L2": 0.2, "L3": 0.5, "L4": 0.25},
        "categories": {"logistics": 0.5, "payment": 0.2, "product": 0.2, "after_sales": 0.1},
        "response": {"handle_time": {"dist": "exponential", "mean": "15min"}},
        "resolution": {
            "handle_time": {"dist": "exponential", "mean": "40min"},
            "delay": {"dist": "exponential", "mean": "4h"},
        },
        "calendar": {
            "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
            "holidays": ["2026-11-13"],
        },
        "deadlines": {"L4": {"response": "8h", "resolution": {"working_days": 5}}},
        "early_warning": {"per_hour": 50},
    },
    "incidents": [
        {
            "kind": "bot_outage",
            "bot": "assistant",
            "start": "2026-11-11 00:05",
            "end": "2026-11-11 00:35",
        },
        {
            "kind": "channel_outage",
            "channel": "phone",
            "start": "2026-11-11 10:00",
            "end": "2026-11-11 11:00",
            "shift_to": {"chat": 0.5},
        },
        {
            "kind": "arrival_wave",
            "name": "payment anomaly",
            "types": ["general"],
            "multiplier": 3,
            "start": "2026-11-11 00:00",
            "end": "2026-11-11 02:00",
        },
        {
            "kind": "staff_shortage",
            "pool": "agents",
            "share": 0.25,
            "start": "2026-11-11 20:00",
            "end": "2026-11-12 00:00",
        },
    ],
}


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(BASE)


def test_each_kind_is_read(data):
    scenario = Scenario.from_dict(data)
    outage, phone_down, wave, shortage = scenario.incidents
    assert isinstance(outage, BotOutage) and outage.bot == "assistant"
    assert isinstance(phone_down, ChannelOutage) and phone_down.shift_to == {"chat": 0.5}
    assert isinstance(wave, ArrivalWave) and wave.types == ("general",) and wave.multiplier == 3
    assert isinstance(shortage, StaffShortage) and shortage.share == 0.25
    assert [incident.label for incident in scenario.incidents] == [
        "bot_outage 11-11 00:05",
        "channel_outage 11-11 10:00",
        "payment anomaly",
        "staff_shortage 11-11 20:00",
    ]
    assert "4 incident(s)" in scenario.summary_line()


def test_shift_to_is_optional_and_the_list_may_be_absent(data):
    del data["incidents"][1]["shift_to"]
    assert Scenario.from_dict(data).incidents[1].shift_to == {}
    del data["incidents"]
    assert Scenario.from_dict(data).incidents == ()


def test_a_window_may_cover_the_whole_horizon(data):
    data["incidents"] = [
        {
            "kind": "staff_shortage",
            "pool": "desk",
            "share": 1,
            "start": "2026-11-11 00:00",
            "end": "2026-11-12 00:00",
        }
    ]
    assert Scenario.from_dict(data).incidents[0].share == 1


# -- bad input: one line, and `validate` exits 2 printing only it -------------------------


def _set(index, key, value):
    def mutate(data):
        data["incidents"][index][key] = value

    return mutate


def _append(incident):
    def mutate(data):
        data["incidents"].append(incident)

    return mutate


WINDOW = {"start": "2026-11-11 00:05", "end": "2026-11-11 00:35"}
HORIZON = "the horizon (2026-11-11 00:00 to 2026-11-12 00:00)"

BROKEN = [
    pytest.param(
        _set(0, "bot", "helper"),
        ["incidents[0].bot: unknown bot 'helper'; expected one of assistant"],
        id="unknown-bot",
    ),
    pytest.param(
        _set(1, "channel", "fax"),
        ["incidents[1].channel: unknown channel 'fax'; expected one of chat, phone"],
        id="unknown-channel",
    ),
    pytest.param(
        _set(2, "types", ["general", "refunds"]),
        ["incidents[2].types[1]: unknown inquiry type 'refunds'; expected one of general, presale"],
        id="unknown-type",
    ),
    pytest.param(
        _set(3, "pool", "phone"),
        ["incidents[3].pool: unknown pool 'phone'; expected one of agents, chatters, desk"],
        id="unknown-pool",
    ),
    pytest.param(
        _set(3, "end", "2026-11-12 01:00"),
        [f"incidents[3].end: must be within {HORIZON}, got 2026-11-12 01:00"],
        id="ends-after-the-horizon",
    ),
    pytest.param(
        _set(2, "start", "2026-11-10 23:00"),
        [f"incidents[2].start: must be within {HORIZON}, got 2026-11-10 23:00"],
        id="starts-before-the-horizon",
    ),
    pytest.param(
        _set(0, "end", "2026-11-11 00:00"),
        ["incidents[0].end: must be after start (2026-11-11 00:05), got 2026-11-11 00:00"],
        id="end-before-start",
    ),
    pytest.param(
        _set(0, "end", "2026-11-11 00:05"),
        ["incidents[0].end: must be after start (2026-11-11 00:05), got 2026-11-11 00:05"],
        id="end-at-start",
    ),
    pytest.param(
        _set(1, "shift_to", {"chat": 0.3, "phone": 0.2}),
        [
            "incidents[1].shift_to.phone: is the channel that is down; arrivals shift to "
            "other channels"
        ],
        id="shift-to-the-same-channel",
    ),
    pytest.param(
        _set(1, "shift_to", {"email": 0.5}),
        ["incidents[1].shift_to.email: unknown channel 'email'; expected one of chat, phone"],
        id="shift-to-an-unknown-channel",
    ),
    pytest.param(
        _set(1, "shift_to", {"chat": 0.7, "social": 0.4}),
        ["incidents[1].shift_to: shares must sum to at most 1, got 1.1 (0.7 + 0.4)"],
        id="shares-above-1",
    ),
    pytest.param(
        _set(1, "shift_to", {"chat": -0.5}),
        ["incidents[1].shift_to.chat: must be ≥ 0.0, got -0.5"],
        id="negative-share",
    ),
    pytest.param(
        _append({"kind": "meteor", **WINDOW}),
        [
            "incidents[4]: unknown incident kind 'meteor'; expected one of 'bot_outage', "
            "'channel_outage', 'arrival_wave', 'staff_shortage'"
        ],
        id="unknown-kind",
    ),
    pytest.param(
        _append({"bot": "assistant", **WINDOW}),
        [
            "incidents[4]: needs 'kind:' naming an incident kind (bot_outage, channel_outage, "
            "arrival_wave, staff_shortage)"
        ],
        id="no-kind",
    ),
    pytest.param(
        _set(3, "pol", "agents"),
        [
            "incidents[3]: unknown key 'pol' (did you mean 'pool'?); expected one of name, "
            "start, end, kind, pool, share"
        ],
        id="unknown-key",
    ),
    pytest.param(
        _set(3, "share", 0),
        ["incidents[3].share: must be > 0.0, got 0"],
        id="zero-share",
    ),
    pytest.param(
        _set(2, "multiplier", -1),
        ["incidents[2].multiplier: must be ≥ 0.0, got -1"],
        id="negative-multiplier",
    ),
    pytest.param(
        _set(2, "start", "at noon"),
        ["incidents[2].start: must be a date and time like '2026-11-11 00:00', got 'at noon'"],
        id="bad-time",
    ),
    pytest.param(
        lambda data: data.pop("bots"),
        ["incidents[0].bot: unknown bot 'assistant'; the scenario has none"],
        id="no-bots-at-all",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_bad_incidents_are_one_located_line(run_main, write_yaml, data, mutate, expected):
    mutate(data)
    result = run_main("validate", write_yaml(data, FILE))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {FILE}: {line}" for line in expected]


def test_validate_from_the_command_line(run_cli, write_yaml, data):
    good = run_cli("validate", write_yaml(data, "good.yaml"))
    assert good.returncode == 0, good.stderr
    assert "complaints to pool desk, 4 incident(s)" in good.stdout
    data["incidents"][0]["end"] = "2026-11-11 00:00"
    broken = run_cli("validate", write_yaml(data, FILE))
    assert (broken.returncode, broken.stdout) == (2, "")
    assert broken.stderr == (
        f"error: {FILE}: incidents[0].end: must be after start (2026-11-11 00:05), "
        "got 2026-11-11 00:00\n"
    )


def test_problems_of_several_sections_are_all_reported(data):
    data["incidents"][0]["bot"] = "helper"
    data["complaints"]["pool"] = "hotline"
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, source=FILE)
    assert info.value.lines() == [
        f"{FILE}: pools.desk.skills: is required but missing",
        f"{FILE}: complaints.pool: unknown pool 'hotline'; expected one of agents, chatters, desk",
        f"{FILE}: incidents[0].bot: unknown bot 'helper'; expected one of assistant",
    ]


def _short(data: dict) -> dict:
    """Two hours of the base case, the incidents moved inside them."""
    data["horizon"]["end"] = "2026-11-11 02:00"
    data["warmup"] = "30min"
    for incident in data["incidents"]:
        incident["start"], incident["end"] = "2026-11-11 00:30", "2026-11-11 01:30"
    return data


def test_simulate_command_runs_with_both_sections(run_main, write_yaml, data, tmp_path):
    out = tmp_path / "out"
    result = run_main("simulate", write_yaml(_short(data), FILE), "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert (out / "intervals.csv").exists()
