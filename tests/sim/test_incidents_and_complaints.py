"""Incidents change the queues in exactly their windows; the complaint desk meets or misses
the manual's deadlines as the manual defines them, across a weekend and a holiday."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from sim import Scenario, simulate
from sim.calendar import WorkingCalendar

START = datetime(2026, 11, 11)


def base(hours: int = 12) -> dict:
    return {
        "name": "incidents",
        "horizon": {
            "start": f"{START:%Y-%m-%d %H:%M}",
            "end": f"{START + timedelta(hours=hours):%Y-%m-%d %H:%M}",
            "interval": "30min",
        },
        "warmup": "0s",
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {
            "phone": {"patience": {"dist": "exponential", "mean": "120s"}},
            "chat": {"kind": "chat", "max_concurrent": 2},
        },
        "inquiry_types": {
            "payment": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": 240},
                "handle_time": {"dist": "exponential", "mean": "200s"},
            },
            "presale": {
                "channel": "chat",
                "arrivals": {"rate_per_hour": 300},
                "handle_time": {"dist": "exponential", "mean": "5min"},
            },
        },
        "pools": {
            "phone": {"skills": ["payment"], "agents": 20},
            "chat": {"skills": ["presale"], "agents": 16},
        },
        "bots": {
            "assistant": {
                "serves": ["presale"],
                "session_time": {"dist": "exponential", "mean": "60s"},
                "outcomes": {"resolved": 0.5, "escalated": 0.5, "bounced": 0.0},
            }
        },
    }


WINDOW = ("2026-11-11 04:00", "2026-11-11 06:00")  # intervals 8–11 of 30 minutes
INSIDE = slice(8, 12)


def with_incident(**incident) -> Scenario:
    data = base()
    data["incidents"] = [{"start": WINDOW[0], "end": WINDOW[1], **incident}]
    return Scenario.from_dict(data)


def outside(values: np.ndarray) -> np.ndarray:
    mask = np.ones(len(values), dtype=bool)
    mask[INSIDE] = False
    return values[mask]


def test_a_staff_shortage_removes_its_share_in_exactly_its_window():
    s = with_incident(kind="staff_shortage", pool="phone", share=0.25)
    pools = simulate(s, seed=1).pools
    phone = pools[pools["pool"] == "phone"]["agents"].to_numpy()
    assert (phone[INSIDE] == 15).all()
    assert (outside(phone) == 20).all()
    chat = pools[pools["pool"] == "chat"]["agents"].to_numpy()
    assert (chat == 16).all()


def test_an_arrival_wave_multiplies_the_rate_in_exactly_its_window():
    s = with_incident(kind="arrival_wave", types=["payment"], multiplier=3)
    expected = s.expected_arrivals("payment")
    np.testing.assert_allclose(expected[INSIDE], 3 * 120.0)
    np.testing.assert_allclose(outside(expected), 120.0)
    np.testing.assert_allclose(s.expected_arrivals("presale"), 150.0)
    types = simulate(s, seed=2, replications=4).types
    offered = types[types["inquiry_type"] == "payment"]["offered"].to_numpy()
    inside_mean, outside_mean = offered[INSIDE].mean(), outside(offered).mean()
    assert abs(inside_mean - 360) < 4 * math.sqrt(360 / 16)
    assert abs(outside_mean - 120) < 4 * math.sqrt(120 / (4 * 20))


def test_a_bot_outage_sends_its_inquiries_to_people_in_exactly_its_window():
    s = with_incident(kind="bot_outage", bot="assistant")
    result = simulate(s, seed=3, replications=2)
    sessions = result.bots["sessions"].to_numpy()
    assert (sessions[INSIDE] == 0).all()
    assert (outside(sessions) > 100).all()
    types = result.types
    presale = types[types["inquiry_type"] == "presale"]
    first = presale["first_attempts"].to_numpy()
    assert (first[INSIDE] > 120).all()  # every chat goes to people
    assert (outside(first) == 0).all()  # the bot takes them all otherwise


def test_a_channel_outage_moves_or_loses_its_arrivals_in_exactly_its_window():
    s = with_incident(kind="channel_outage", channel="phone", shift_to={"chat": 0.5})
    result = simulate(s, seed=4, replications=3)
    intervals = result.intervals
    marked = intervals["incidents"].to_numpy()
    assert all(label.startswith("channel_outage") for label in marked[INSIDE])
    assert not any(outside(marked))
    types = result.types
    phone = types[types["inquiry_type"] == "payment"]["offered"].to_numpy()
    assert (phone[INSIDE] == 0).all()
    assert (outside(phone) > 80).all()
    chat = types[types["inquiry_type"] == "presale"]["first_attempts"].to_numpy()
    # Half of the calls (120 per interval) become first chat attempts; none outside.
    assert abs(chat[INSIDE].mean() - 60) < 4 * math.sqrt(60 / 12)
    assert (outside(chat) == 0).all()
    # The other half are lost customers.
    funnel = result.summary["funnel"]["per_replication"]
    for rep, run in zip(funnel, result.runs, strict=True):
        assert rep["inquiries"] == (
            rep["resolved_by_bot"] + rep["answered"] + rep["lost"] + rep["still_open"]
        )
        assert run.lost_to_outage[INSIDE].sum() > 0
        assert outside(run.lost_to_outage).sum() == 0


# -- complaints ---------------------------------------------------------------------------


def desk_scenario() -> Scenario:
    """Friday 13 November (a holiday) to Tuesday 17th; the desk works weekdays 08:00–18:00."""
    start = datetime(2026, 11, 13)
    hours = 4 * 24
    agents = []
    for h in range(hours):
        when = start + timedelta(hours=h)
        open_ = when.weekday() < 5 and when.date() != datetime(2026, 11, 13).date()
        agents.append(10 if open_ and 8 <= when.hour < 18 else 0)
    return Scenario.from_dict(
        {
            "name": "desk",
            "horizon": {
                "start": "2026-11-13 00:00",
                "end": "2026-11-17 00:00",
                "interval": "1h",
            },
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {"phone": {}},
            "inquiry_types": {
                "payment": {
                    "channel": "phone",
                    "arrivals": {"rate_per_hour": 20},
                    "handle_time": {"dist": "exponential", "mean": "3min"},
                }
            },
            "pools": {
                "agents": {"skills": ["payment"], "agents": 4},
                "desk": {"agents": agents},
            },
            "complaints": {
                "pool": "desk",
                "arrivals": {"rate_per_hour": 3},
                "levels": {"L1": 0.25, "L2": 0.25, "L3": 0.25, "L4": 0.25},
                "categories": {"logistics": 0.5, "payment": 0.5},
                "response": {"handle_time": {"dist": "exponential", "mean": "10min"}},
                "resolution": {
                    "handle_time": {"dist": "exponential", "mean": "20min"},
                    "delay": {"dist": "exponential", "mean": "2h"},
                },
                "calendar": {"holidays": ["2026-11-13"]},
            },
        }
    )


def test_complaint_deadlines_are_the_manuals_across_a_weekend_and_a_holiday():
    s = desk_scenario()
    result = simulate(s, seed=6, replications=2)
    calendar = WorkingCalendar(holidays=("2026-11-13",))
    response_hours = {0: 2, 1: 4, 2: 6, 3: 8}
    resolution_hours = {0: 24, 1: 48, 2: 72}
    start = datetime(2026, 11, 13)
    for run in result.runs:
        log = run.complaints
        assert len(log) > 100
        for arrived, level, _, response_due, resolution_due, _, _ in log[:200]:
            level = int(level)
            assert response_due == pytest.approx(arrived + response_hours[level] * 3600)
            if level < 3:
                assert resolution_due == pytest.approx(arrived + resolution_hours[level] * 3600)
            else:
                when = start + timedelta(seconds=float(arrived))
                due = calendar.add_working_days(when, 5)
                assert resolution_due == pytest.approx((due - start).total_seconds())


def test_the_desk_misses_responses_while_it_is_closed_and_meets_them_while_open():
    s = desk_scenario()
    result = simulate(s, seed=7, replications=3)
    table = result.complaints
    levels = table[table["level"] != ""].copy()
    levels["hour"] = levels["interval_start"].str[11:13].astype(int)
    levels["day"] = levels["interval_start"].str[:10]
    # Saturday and Sunday (desk closed; every response deadline ends before Monday 08:00):
    # nothing arriving then is answered in time.
    weekend = levels[levels["day"].isin(["2026-11-14", "2026-11-15"])]
    assert weekend["arrived"].sum() > 50
    assert weekend["responded_in_time"].sum() == 0
    # Monday morning the desk works the weekend's overdue tasks first (earliest deadline
    # first); by the afternoon it has room to spare: responses in time.
    monday = levels[(levels["day"] == "2026-11-16") & levels["hour"].between(14, 16)]
    assert monday["responded_in_time"].sum() >= 0.9 * monday["arrived"].sum()
    # Open and overdue complaints pile up over the weekend and shrink once the desk opens.
    totals = levels.groupby("interval_start")[["open", "overdue"]].sum()
    assert totals.loc["2026-11-16 07:00", "overdue"] > totals.loc["2026-11-16 17:00", "overdue"]
    summary = result.summary["complaints"]
    assert 0 < summary["closed_within_72h"] < 1
    assert summary["levels"]["L1"]["responded_in_time_share"] < 0.6


def test_early_warnings_list_the_intervals_above_the_threshold():
    raw = {
        "name": "warnings",
        "horizon": {"start": "2026-11-16 00:00", "end": "2026-11-17 00:00", "interval": "1h"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {
            "payment": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": [10] * 10 + [400] * 2 + [10] * 12},
                "handle_time": {"dist": "exponential", "mean": "3min"},
            }
        },
        "pools": {"agents": {"skills": ["payment"], "agents": 40}, "desk": {"agents": 5}},
        "complaints": {
            "pool": "desk",
            "arrivals": {"from_types": {"payment": 0.2}},
            "levels": {"L3": 1.0},
            "categories": {"payment": 1.0},
            "response": {"handle_time": {"dist": "exponential", "mean": "5min"}},
            "resolution": {
                "handle_time": {"dist": "exponential", "mean": "10min"},
                "delay": {"dist": "exponential", "mean": "1h"},
            },
            "early_warning": {"per_hour": 40},
        },
    }
    result = simulate(Scenario.from_dict(raw), seed=8)
    warnings = result.early_warnings
    assert set(warnings["interval_start"]) <= {"2026-11-16 10:00", "2026-11-16 11:00",
                                                  "2026-11-16 12:00"}  # fmt: skip
    assert len(warnings) >= 2
    assert (warnings["per_hour"] > 40).all()
