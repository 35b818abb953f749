"""Tests for the roster exports: agents_summary.csv, roster.xlsx and roster.ics.

A Friday-to-Sunday horizon in Europe/Berlin with three agents and six shifts: a day shift, a
Saturday night shift across midnight, a short shift without a break, a shift staffing two
pools and a second shift on the same day. Each file is read back with its own library
(pandas, openpyxl, icalendar) and compared with the roster.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from optimize.workforce import ROSTER_COLUMNS, Agent, empty_roster
from sim import Scenario
from surgeplan import exports, roster_ics, roster_xlsx
from surgeplan.exports import AGENTS_SUMMARY_COLUMNS, agents_summary, write_exports

FILES = ["agents_summary.csv", "roster.xlsx", "roster.ics"]
HOUR = 3600.0


def scenario_dict(time_zone: str = "Europe/Berlin", start: str = "2026-11-13") -> dict:
    first = datetime.fromisoformat(start)
    return {
        "name": "Weekend test",
        "time_zone": time_zone,
        "horizon": {
            "start": f"{first:%Y-%m-%d} 00:00",
            "end": f"{first + timedelta(days=3):%Y-%m-%d} 00:00",
            "interval": "15min",
        },
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}, "chat": {}},
        "inquiry_types": {
            "calls": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": 10},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            },
            "chats": {
                "channel": "chat",
                "arrivals": {"rate_per_hour": 10},
                "handle_time": {"dist": "exponential", "mean": "8min"},
            },
        },
        "pools": {
            "phone": {"skills": ["calls"], "agents": 1},
            "chat": {"skills": ["chats"], "agents": 1},
        },
        "roster": {
            "agent_classes": [{"pools": ["phone"], "contract": "full_time", "count": 1}],
            "contracts": {
                "full_time": {
                    "shift_lengths": ["8.5h", "10h"],
                    "max_hours_per_week": "40h",
                    "cost_per_hour": 40,
                },
                "part_time": {
                    "shift_lengths": ["4h", "8.5h"],
                    "max_hours_per_week": "10h",
                    "cost_per_hour": 30,
                },
            },
            "shifts": {"lengths": ["4h", "8.5h", "10h"]},
            "costs": {"overtime_premium": 0.5},
        },
    }


AGENTS = [
    Agent(name="ana", pools=("phone",), contract="full_time"),
    Agent(name="bo", pools=("chat",), contract="part_time", hours_this_week=6 * HOUR),
    Agent(name="cy", pools=("phone", "chat"), contract="full_time", cost_per_hour=55.0),
]


def _at(day: int, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime(2026, 11, day, hours, minutes)


def roster_frame(rows: list[tuple]) -> pd.DataFrame:
    """(agent, pool, day, start, end, break start or None, hours of the shift) → roster table."""
    records = []
    for agent, pool, day, start, hours, break_at in rows:
        begin = _at(day, start)
        pause = None
        if break_at is not None:
            pause = _at(day, break_at)
            pause += timedelta(days=1) if pause < begin else timedelta(0)
        records.append(
            {
                "agent": agent,
                "pool": pool,
                "date": begin.date(),
                "shift_start": begin,
                "shift_end": begin + timedelta(hours=hours),
                "break_start": pause,
                "break_end": pause + timedelta(minutes=30) if pause is not None else None,
            }
        )
    table = pd.DataFrame(records, columns=ROSTER_COLUMNS)
    for column in ("shift_start", "shift_end", "break_start", "break_end"):
        table[column] = pd.to_datetime(table[column])
    return table


SHIFTS = [
    ("ana", "phone", 13, "08:00", 8.5, "12:00"),
    ("ana", "phone", 14, "22:00", 8.5, "02:00"),  # Saturday night, into Sunday
    ("bo", "chat", 13, "09:00", 4, None),
    ("bo", "chat", 14, "10:00", 8.5, "14:00"),
    ("cy", "chat|phone", 15, "07:00", 10, "12:00"),
    ("cy", "phone", 15, "19:00", 4, None),  # a second shift the same day
]


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.from_dict(scenario_dict())


@pytest.fixture
def roster() -> pd.DataFrame:
    return roster_frame(SHIFTS)


@pytest.fixture
def written(tmp_path, roster, scenario):
    paths = write_exports(tmp_path / "out", roster, AGENTS, scenario)
    return tmp_path / "out", paths


def worked_hours(roster: pd.DataFrame) -> pd.Series:
    """Hours worked per agent straight from the table: shift length less break."""
    pause = (roster["break_end"] - roster["break_start"]).fillna(pd.Timedelta(0))
    worked = (roster["shift_end"] - roster["shift_start"] - pause).dt.total_seconds() / HOUR
    return worked.groupby(roster["agent"]).sum()


def test_public_names():
    for module in (exports, roster_ics, roster_xlsx):
        assert all(hasattr(module, name) for name in module.__all__)


def test_writes_the_three_files_and_nothing_else(written):
    out, paths = written
    assert paths == [out / name for name in FILES]
    assert sorted(os.listdir(out)) == sorted(FILES)  # no temp files left behind


# -- agents_summary.csv -----------------------------------------------------------------------


def test_summary_hours_equal_the_rosters_worked_hours(written, roster):
    out, _ = written
    summary = pd.read_csv(out / "agents_summary.csv")
    assert list(summary.columns) == AGENTS_SUMMARY_COLUMNS
    assert list(summary["agent"]) == ["ana", "bo", "cy"]
    expected = worked_hours(roster)
    for row in summary.itertuples():
        assert row.hours_worked == pytest.approx(expected[row.agent])
        assert row.shifts == (roster["agent"] == row.agent).sum()


def test_summary_nights_weekends_overtime_and_cost(written):
    out, _ = written
    summary = pd.read_csv(out / "agents_summary.csv").set_index("agent")
    # ana: 8 + 8 h, the Saturday shift is a night (7.5 h worked in 22:00–06:00).
    assert summary.loc["ana", ["hours_worked", "nights", "weekend_days"]].tolist() == [16, 1, 1]
    assert summary.loc["ana", "cost"] == pytest.approx(16 * 40)
    # bo: 6 h carried in + 4 + 8 h in a 10 h week: the roster adds 8 h of overtime.
    assert summary.loc["bo", "overtime_hours"] == pytest.approx(8)
    assert summary.loc["bo", "cost"] == pytest.approx(12 * 30 + 8 * 30 * 0.5)
    # cy: her own rate; 19:00–23:00 has only 1 h in the night window, so no night.
    assert summary.loc["cy", ["nights", "weekend_days", "cost_per_hour"]].tolist() == [0, 1, 55]
    assert summary.loc["cy", "cost"] == pytest.approx(13.5 * 55)
    assert summary.loc["cy", "pools"] == "phone|chat"


def test_overtime_is_counted_per_calendar_week():
    """Sunday and Monday fall in different weeks; the carried-in hours only in the first; the
    week the horizon cuts (Monday 16 to its end on the 18th) gets 2/7 of the maximum."""
    scenario = Scenario.from_dict(scenario_dict(start="2026-11-15"))
    roster = roster_frame(
        [("bo", "chat", 15, "08:00", 8.5, "12:00"), ("bo", "chat", 16, "08:00", 8.5, "12:00")]
    )
    summary = agents_summary(roster, AGENTS, scenario).set_index("agent")
    # Week of the 9th: 6 + 8 = 14 h > 10 h → 4 h; week of the 16th: 8 h > 10 h × 2/7.
    assert summary.loc["bo", "overtime_hours"] == pytest.approx(4 + 8 - 10 * 2 / 7, abs=1e-4)
    assert summary.loc["ana", ["shifts", "hours_worked", "cost"]].tolist() == [0, 0, 0]


def test_unknown_agent_in_the_roster_is_refused(roster, scenario):
    with pytest.raises(ValueError, match="not in the agents list: ana"):
        agents_summary(roster, AGENTS[1:], scenario)


# -- roster.ics -------------------------------------------------------------------------------


def read_calendar(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_every_shift_is_one_event_at_its_local_time(written, roster):
    out, _ = written
    calendar = read_calendar(out / "roster.ics")
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(roster)
    seen = {}
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert getattr(start.tzinfo, "key", str(start.tzinfo)) == "Europe/Berlin"
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        seen[str(event["summary"]), start.replace(tzinfo=None)] = (end.replace(tzinfo=None), event)
    assert len(seen) == len(roster)
    for shift in roster.itertuples():
        summary = f"{shift.agent}: {shift.pool.replace('|', '+')} shift"
        end, event = seen[summary, shift.shift_start.to_pydatetime()]
        assert end == shift.shift_end.to_pydatetime()
        description = str(event["description"])
        if pd.isna(shift.break_start):
            assert "No break" in description
        else:
            assert f"Break: {shift.break_start:%H:%M}–{shift.break_end:%H:%M}" in description


def test_calendar_names_itself_and_its_time_zone(written):
    out, _ = written
    text = (out / "roster.ics").read_text(encoding="utf-8")
    calendar = read_calendar(out / "roster.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Weekend test: roster"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "DTSTART;TZID=Europe/Berlin:20261114T220000" in text  # ana's Saturday night
    assert "DTEND;TZID=Europe/Berlin:20261115T063000" in text
    assert text.count("BEGIN:VEVENT") == len(SHIFTS)


def test_uids_are_unique_and_survive_a_changed_roster(tmp_path, scenario):
    first = read_calendar(write_exports(tmp_path / "a", roster_frame(SHIFTS), AGENTS, scenario)[2])
    second = read_calendar(
        write_exports(tmp_path / "b", roster_frame(SHIFTS[2:]), AGENTS, scenario)[2]
    )
    uid_of = {
        (str(e["summary"]), e.decoded("dtstart")): str(e["uid"]) for e in first.walk("VEVENT")
    }
    assert len(set(uid_of.values())) == len(SHIFTS)
    for event in second.walk("VEVENT"):
        assert uid_of[str(event["summary"]), event.decoded("dtstart")] == str(event["uid"])


def test_utc_calendar_uses_utc_times_without_vtimezone(tmp_path, roster):
    scenario = Scenario.from_dict(scenario_dict(time_zone="UTC"))
    path = write_exports(tmp_path, roster, AGENTS, scenario)[2]
    text = path.read_text(encoding="utf-8")
    assert "BEGIN:VTIMEZONE" not in text
    assert "DTSTART:20261113T080000Z" in text


# -- roster.xlsx ------------------------------------------------------------------------------


def test_workbook_has_a_sheet_per_pool_and_all_shifts(written):
    out, _ = written
    workbook = load_workbook(out / "roster.xlsx")
    assert workbook.sheetnames == ["phone", "chat", "All shifts"]
    header = [cell.value for cell in workbook["phone"][1]]
    assert header == ["agent", "contract", "Fri 2026-11-13", "Sat 2026-11-14", "Sun 2026-11-15"]
    assert workbook["phone"].freeze_panes == "C2"
    assert workbook["chat"].column_dimensions["C"].width > 10


def test_grid_cell_of_every_shift_names_its_times(written, roster):
    out, _ = written
    workbook = load_workbook(out / "roster.xlsx")
    for shift in roster.itertuples():
        for pool in shift.pool.split("|"):
            sheet = workbook[pool]
            header = [cell.value for cell in sheet[1]]
            column = header.index(f"{shift.date:%a %Y-%m-%d}")
            row = next(
                r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == shift.agent
            )
            times = f"{shift.shift_start:%H:%M}–{shift.shift_end:%H:%M}"
            assert times in (row[column] or ""), (shift, row)


def test_grid_cells_read_like_a_manager_writes_them(written):
    out, _ = written
    sheet = load_workbook(out / "roster.xlsx")["phone"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"ana", "cy"}  # bo works chat only
    assert rows["ana"][2:] == ("08:00–16:30 (b 12:00)", "22:00–06:30 (b 02:00)", None)
    assert rows["cy"][4] == "07:00–17:00 (b 12:00) [chat|phone]\n19:00–23:00"


def test_all_shifts_sheet_holds_the_roster_rows(written, roster):
    out, _ = written
    sheet = load_workbook(out / "roster.xlsx")["All shifts"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ROSTER_COLUMNS
    ordered = roster.sort_values(["shift_start", "agent"]).reset_index(drop=True)
    assert len(rows) - 1 == len(ordered)
    for got, want in zip(rows[1:], ordered.itertuples(index=False), strict=True):
        assert got[0:2] == (want.agent, want.pool)
        assert got[2].date() == want.date
        assert got[3] == want.shift_start.to_pydatetime()
        assert got[4] == want.shift_end.to_pydatetime()
        assert got[5] == (None if pd.isna(want.break_start) else want.break_start.to_pydatetime())


def test_sheet_titles_are_valid_and_unique():
    taken = {"All shifts"}
    titles = [roster_xlsx.sheet_title(name, taken) for name in ("a/b", "a:b", "x" * 40, "x" * 40)]
    assert titles[:2] == ["a_b", "a_b~2"]
    assert all(len(title) <= 31 for title in titles)
    assert len(set(titles)) == 4


# -- reproducible, atomic ---------------------------------------------------------------------


def test_same_input_gives_byte_identical_files(tmp_path, roster, scenario, monkeypatch):
    first = write_exports(tmp_path / "a", roster, AGENTS, scenario)
    # Three days later, from a table with Python objects instead of datetime64 columns.
    later = __import__("time").time() + 3 * 86400
    monkeypatch.setattr("time.time", lambda: later)
    as_objects = roster.astype(object).where(roster.notna(), None)
    second = write_exports(tmp_path / "b", as_objects, AGENTS, scenario)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_time_stamps_come_from_the_horizon_not_the_clock(written):
    """DTSTAMP and the workbook's created/modified times: midnight of the first day."""
    out, _ = written
    text = (out / "roster.ics").read_text(encoding="utf-8")
    stamps = {line for line in text.splitlines() if line.startswith("DTSTAMP")}
    assert stamps == {"DTSTAMP:20261112T230000Z"}  # 2026-11-13 00:00 in Berlin (UTC+1)
    properties = load_workbook(out / "roster.xlsx").properties
    assert properties.created == properties.modified == datetime(2026, 11, 13)


def test_a_failed_write_leaves_no_temp_file(tmp_path, roster, scenario, monkeypatch):
    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("surgeplan.io.os.replace", refuse)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        write_exports(out, roster, AGENTS, scenario)
    assert os.listdir(out) == []


def test_rewriting_replaces_the_files(tmp_path, roster, scenario):
    out = tmp_path / "out"
    write_exports(out, roster, AGENTS, scenario)
    write_exports(out, roster_frame(SHIFTS[:1]), AGENTS, scenario)
    assert sorted(os.listdir(out)) == sorted(FILES)
    assert (out / "roster.ics").read_text(encoding="utf-8").count("BEGIN:VEVENT") == 1


def test_empty_roster(tmp_path, scenario):
    paths = write_exports(tmp_path, empty_roster(), AGENTS, scenario)
    summary = pd.read_csv(paths[0])
    assert summary["shifts"].tolist() == [0, 0, 0]
    assert "BEGIN:VEVENT" not in paths[2].read_text(encoding="utf-8")
    sheet = load_workbook(paths[1])["phone"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["ana", "cy"]
    assert date(2026, 11, 13).weekday() == 4  # the header's "Fri" is right
