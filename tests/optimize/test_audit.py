"""The independent labour-rule audit: a lawful roster passes, each rule is caught on its own
with the right excess, unreadable roster files name the line, and ``run_sim.py audit``."""

from __future__ import annotations

import ast
import csv
import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from optimize.audit import RULES, VIOLATION_COLUMNS, audit, read_roster_csv
from optimize.workforce import ROSTER_COLUMNS, Agent
from sim import ScenarioError
from sim.scenario.roster import RosterSection

ROOT = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 11, 9)  # the horizon of most cases: one calendar week from here
WEEK = timedelta(days=7)


def section(**rules: Any) -> RosterSection:
    """Default breaks (30 min over 6 h) and rules, unless overridden; two contracts."""
    return RosterSection.model_validate(
        {
            "agent_classes": [{"pools": ["phone"], "contract": "full", "count": 1}],
            "contracts": {
                "full": {"shift_lengths": ["8h"], "max_hours_per_week": "48h"},
                "part": {
                    "shift_lengths": ["4h", "8h"],
                    "min_hours_per_week": "20h",
                    "max_hours_per_week": "30h",
                },
            },
            "rules": rules,
        }
    )


def _at(day: datetime, clock: str, after: datetime | None = None) -> datetime:
    """``clock`` on ``day``, or the first such time after ``after``."""
    moment = datetime.combine(day.date(), time.fromisoformat(clock))
    while after is not None and moment < after:
        moment += timedelta(days=1)
    return moment


def shift(
    who: str,
    day: int,
    start: str,
    end: str,
    pause: str | tuple[str, str] | None = None,
    pool: str = "phone",
) -> dict[str, str]:
    """A roster row: ``day`` days after MONDAY, ``end`` on the next day when not after
    ``start``; ``pause`` the start of a 30 min break, or its (start, end)."""
    begin = _at(MONDAY + timedelta(days=day), start)
    finish = _at(begin, end, after=begin + timedelta(minutes=1))
    row = {"agent": who, "pool": pool, "date": f"{begin:%Y-%m-%d}"}
    row |= {"shift_start": f"{begin:%Y-%m-%d %H:%M}", "shift_end": f"{finish:%Y-%m-%d %H:%M}"}
    if pause is None:
        return row | {"break_start": "", "break_end": ""}
    pause_start, pause_end = (pause, None) if isinstance(pause, str) else pause
    first = _at(begin, pause_start, after=begin)
    last = first + timedelta(minutes=30) if pause_end is None else _at(first, pause_end, first)
    return row | {"break_start": f"{first:%Y-%m-%d %H:%M}", "break_end": f"{last:%Y-%m-%d %H:%M}"}


def table(rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ROSTER_COLUMNS)


# -- a lawful week ----------------------------------------------------------------------------

AGENTS = [
    Agent("ann", ("phone",), "full"),
    Agent("bo", ("phone", "chat"), "full"),
    Agent("cai", ("chat",), "full"),
    Agent(
        "dan",
        ("phone",),
        "part",
        last_shift_end=datetime(2026, 11, 8, 20, 0),  # 13 h before Monday 09:00
        consecutive_days=2,  # with Monday to Thursday: 6 days in a row, the most allowed
    ),
]
LAWFUL = [
    # Office hours, Monday to Friday: 37.5 h worked.
    *(shift("ann", day, "08:00", "16:00", "11:00") for day in range(5)),
    # Late shifts Tuesday to Saturday, one serving two pools.
    *(shift("bo", day, "14:00", "22:00", "17:30") for day in (1, 2, 3, 5)),
    shift("bo", 4, "14:00", "22:00", "18:00", pool="phone|chat"),
    # Three night shifts across midnight (the most allowed), then a short Sunday shift.
    *(shift("cai", day, "22:00", "06:00", "01:00", pool="chat") for day in (0, 2, 4)),
    shift("cai", 6, "12:00", "16:00", pool="chat"),
    # Part time: 6 h shifts need no break (only shifts over 6 h do); 22 h of 20–30 h.
    *(shift("dan", day, "09:00", "15:00") for day in range(3)),
    shift("dan", 3, "10:00", "14:00"),
]


def test_a_lawful_week_has_no_violations():
    found = audit(table(LAWFUL), AGENTS, section(), MONDAY, MONDAY + WEEK)
    assert list(found.columns) == VIOLATION_COLUMNS
    assert found.empty, found.to_string()


def test_a_lawful_week_passes_the_default_rules_without_agents():
    found = audit(table(LAWFUL), None, None, MONDAY, MONDAY + WEEK)
    assert found.empty, found.to_string()


def test_an_empty_roster_checks_only_what_agents_owe():
    found = audit(table([]), AGENTS, section(), MONDAY, MONDAY + WEEK)
    # Only the part-timer has a weekly minimum (20 h) to miss.
    assert found[["agent", "rule", "excess"]].values.tolist() == [["dan", "contract_hours", 20.0]]


# -- each rule broken once ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    rule: str
    excess: float
    on: date
    shifts: list[dict[str, str]]
    agent: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    start: datetime = MONDAY
    days: int = 7


def _day(offset: int) -> date:
    return (MONDAY + timedelta(days=offset)).date()


def _eve(*shifts: tuple) -> list[dict[str, str]]:
    return [shift("eve", *args) for args in shifts]


OFFICE = ("08:00", "16:00", "11:00")  # 7.5 h worked
MINUTE = 1 / 60

CASES = {
    "rest 10 h": Case("min_rest", 1.0, _day(1), _eve((0, "14:00", "22:00", "17:30"), (1, *OFFICE))),
    "rest 8 h after the carried-in last shift": Case(
        "min_rest",
        3.0,
        _day(0),
        _eve((0, *OFFICE)),
        agent={"last_shift_end": datetime(2026, 11, 9, 0, 0)},
    ),
    "11 h shift": Case("max_shift_length", 1.0, _day(0), _eve((0, "07:00", "18:00", "12:00"))),
    "8 h shift without a break": Case("break", 0.5, _day(0), _eve((0, "08:00", "16:00"))),
    "20 min break": Case(
        "break", 10 * MINUTE, _day(0), _eve((0, "08:00", "16:00", ("11:00", "11:20")))
    ),
    "break in the first third": Case("break", 0.5, _day(0), _eve((0, "08:00", "16:00", "08:30"))),
    "break ending 10 min after the middle third (10:40–13:20)": Case(
        "break", 10 * MINUTE, _day(0), _eve((0, "08:00", "16:00", "13:00"))
    ),
    "two shifts starting on one day": Case(
        "shifts_per_day", 1.0, _day(0), _eve((0, "00:00", "04:00"), (0, "15:00", "19:00"))
    ),
    "overlapping shifts": Case(
        "overlap",
        2.0,
        _day(1),
        _eve((0, "20:00", "04:00", "23:00"), (1, "02:00", "10:00", "05:00")),
    ),
    "seven days in a row": Case(
        "consecutive_days",
        1.0,
        _day(6),
        _eve(
            (0, "00:00", "04:00"),
            (1, "20:00", "00:00"),  # 40 h off before it: the weekly rest
            *((day, "12:00", "16:00") for day in range(2, 7)),
        ),
    ),
    "5 days carried in and 2 worked": Case(
        "consecutive_days",
        1.0,
        _day(1),
        _eve((0, *OFFICE), (1, *OFFICE)),
        agent={"consecutive_days": 5},
    ),
    "longest rest 23 h": Case(
        "weekly_rest",
        1.0,
        _day(0),
        _eve(
            (0, *OFFICE),
            (1, "15:00", "23:00", "18:00"),
            (2, "22:00", "06:00", "01:00"),  # Thursday: no shift starts, yet only 23 h off
            (4, "05:00", "13:00", "08:00"),
            (5, *OFFICE),
            (6, *OFFICE),
        ),
    ),
    "51 h in 7 days": Case(
        "hours_7_days", 3.0, _day(0), _eve(*((day, "08:00", "17:00", "12:00") for day in range(6)))
    ),
    "30 h carried in before a Wednesday start": Case(
        "hours_7_days",
        4.5,
        _day(0),  # the window from Monday: 30 h + 22.5 h; from Tuesday only 24 h fit before
        _eve(*((day, *OFFICE) for day in (2, 3, 4))),
        agent={"hours_this_week": 30 * 3600.0},
        start=MONDAY + timedelta(days=2),
    ),
    "45 h on a 30 h contract (8 h overtime allowed)": Case(
        "contract_hours",
        7.0,
        _day(0),
        _eve(*((day, *OFFICE) for day in range(6))),
        agent={"contract": "part"},
    ),
    "15 h on a 20 h minimum": Case(
        "contract_hours", 5.0, _day(0), _eve((0, *OFFICE), (1, *OFFICE)), agent={"contract": "part"}
    ),
    "22.5 h in a 3-day horizon, pro rata 38 h × 3/7": Case(
        "contract_hours",
        22.5 - 38 * 3 / 7,
        _day(0),
        _eve(*((day, *OFFICE) for day in range(3))),
        agent={"contract": "part"},
        days=3,
    ),
    "20 h carried in + 22.5 h from Wednesday on a 30 h contract": Case(
        "contract_hours",
        4.5,  # the whole week counts, from its Monday: 42.5 h against 30 h + 8 h overtime
        _day(0),
        _eve(*((day, *OFFICE) for day in (2, 3, 4))),
        agent={"contract": "part", "hours_this_week": 20 * 3600.0},
        start=MONDAY + timedelta(days=2),
        days=5,
    ),
    "four night shifts in a week": Case(
        "night_shifts",
        1.0,
        _day(0),
        _eve(*((day, "22:00", "06:00", "01:00") for day in (0, 2, 4, 6))),
    ),
    "four night shifts from 00:30, in the night that began the evening before": Case(
        "night_shifts", 1.0, _day(0), _eve(*((day, "00:30", "06:30") for day in (0, 2, 4, 6)))
    ),
    "longest rest 23 h counting from the carried-in last shift": Case(
        "weekly_rest",
        1.0,
        _day(0),  # the window from Monday 00:00, before the horizon's start at 12:00
        _eve(
            (1, "01:00", "09:00", "04:00"),  # 25 h after midnight, but 23 h after 02:00
            *((day, *OFFICE) for day in range(2, 7)),
        ),
        agent={"last_shift_end": datetime(2026, 11, 9, 2, 0)},
        start=MONDAY + timedelta(hours=12),
    ),
    "5 h overtime a month against a 2 h cap": Case(
        "china",
        3.0,
        _day(0),
        _eve(*((day, *OFFICE) for day in range(6))),
        rules={"china": {"standard_week": "40h", "max_overtime_per_month": "2h"}},
    ),
    "5.4 h overtime in a 3-day horizon, pro rata 40 h × 3/7": Case(
        "china",
        22.5 - 40 * 3 / 7 - 2,
        _day(0),
        _eve(*((day, *OFFICE) for day in range(3))),
        rules={"china": {"standard_week": "40h", "max_overtime_per_month": "2h"}},
        days=3,
    ),
    "a week starting Monday 30 November counts for November": Case(
        "china",
        2.0,  # 5 h + 5 h overtime in the weeks of 23 and 30 November against 8 h
        date(2026, 11, 23),
        _eve(*((day, *OFFICE) for week in (14, 21) for day in range(week, week + 6))),
        rules={"china": {"standard_week": "40h", "max_overtime_per_month": "8h"}},
        start=MONDAY + 2 * WEEK,
        days=14,
    ),
    "a pool not the agent's": Case("skill", 1.0, _day(0), _eve((0, *OFFICE, "chat"))),
    "one of two pools not the agent's": Case(
        "skill", 1.0, _day(0), _eve((0, *OFFICE, "phone|chat"))
    ),
    "4 h after the agent leaves": Case(
        "availability",
        4.0,
        _day(0),
        _eve((0, *OFFICE)),
        agent={"available_to": datetime(2026, 11, 9, 12, 0)},
    ),
    "a shift on a day off": Case(
        "availability", 8.0, _day(0), _eve((0, *OFFICE)), agent={"days_off": frozenset({_day(0)})}
    ),
    "a shift for nobody": Case("unknown_agent", 1.0, _day(0), [shift("zed", 0, *OFFICE)]),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_rule_is_caught_alone(case: Case):
    fields = {"pools": ("phone",), "contract": "full"} | case.agent
    eve = Agent("eve", **fields)
    found = audit(
        table(case.shifts),
        [eve],
        section(**case.rules),
        case.start,
        case.start + timedelta(days=case.days),
    )
    assert found["rule"].tolist() == [case.rule], found.to_string()
    row = found.iloc[0]
    assert row["excess"] == pytest.approx(case.excess, abs=1e-6)
    assert row["date"] == case.on.isoformat()
    assert row["agent"] == case.shifts[0]["agent"]


def test_every_rule_a_case_breaks_is_documented():
    assert {case.rule for case in CASES.values()} | {"china"} == set(RULES)


def test_a_weekly_rest_window_reaching_past_the_horizon_counts_the_time_after_as_off():
    # Sunday's shift ends the horizon; the windows from Tuesday on end after it, where the
    # agent is off, so only the window from Monday (23 h at most) falls short.
    found = audit(table(CASES["longest rest 23 h"].shifts), None, None, MONDAY, MONDAY + WEEK)
    assert found[["date", "rule"]].values.tolist() == [["2026-11-09", "weekly_rest"]]


def test_eu_weekly_rest_is_35_hours():
    # Off from Friday 16:00 to Sunday 00:00: 32 h, enough for 24 h, 3 h short of 35 h.
    rows = _eve(*((day, *OFFICE) for day in range(5)), (6, "00:00", "04:00"))
    assert audit(table(rows), None, section(), MONDAY, MONDAY + WEEK).empty
    found = audit(table(rows), None, section(eu=True), MONDAY, MONDAY + WEEK)
    assert found[["date", "rule", "excess"]].values.tolist() == [["2026-11-09", "weekly_rest", 3.0]]


# -- properties ---------------------------------------------------------------------------

_shift_strategy = st.tuples(
    st.sampled_from(["ann", "bo"]),
    st.integers(0, 13),  # day of a two-week horizon
    st.integers(0, 47),  # start, in half hours
    st.sampled_from([4, 6, 8, 9, 11]),  # hours
    st.one_of(st.none(), st.integers(0, 100)),  # where the break lies, percent of the room
)


def _random_row(who: str, day: int, half_hours: int, hours: int, pause: int | None) -> dict:
    begin = MONDAY + timedelta(days=day, minutes=30 * half_hours)
    finish = begin + timedelta(hours=hours)
    row = {"agent": who, "pool": "phone", "date": f"{begin:%Y-%m-%d}"}
    row |= {"shift_start": begin, "shift_end": finish, "break_start": None, "break_end": None}
    if pause is not None:
        room = (hours * 60 - 30) * pause // 100
        row["break_start"] = begin + timedelta(minutes=room)
        row["break_end"] = row["break_start"] + timedelta(minutes=30)
    return row


@settings(max_examples=40, deadline=None)
@given(
    shifts=st.lists(_shift_strategy, max_size=14),
    weeks=st.integers(-8, 8).filter(bool),
    rest_before=st.one_of(st.none(), st.integers(1, 30)),
    days_in_a_row=st.integers(0, 6),
)
def test_moving_a_roster_by_whole_weeks_moves_its_violations(
    shifts, weeks, rest_before, days_in_a_row
):
    """Every rule depends on clock times, dates and weekdays only: moving the roster, its
    horizon and the carry-in by whole weeks moves each violation by as much, no more."""
    rows = [_random_row(*s) for s in shifts]
    carry = MONDAY - timedelta(hours=rest_before) if rest_before else None
    agents = [
        Agent("ann", ("phone",), "part", last_shift_end=carry, consecutive_days=days_in_a_row),
        Agent("bo", ("phone",), "full", hours_this_week=0.0),
    ]
    before = audit(table(rows), agents, section(), MONDAY, MONDAY + 2 * WEEK)

    step = weeks * WEEK
    moved_rows = [
        {
            **row,
            "date": f"{row['shift_start'] + step:%Y-%m-%d}",
            **{
                column: (row[column] + step if row[column] is not None else None)
                for column in ("shift_start", "shift_end", "break_start", "break_end")
            },
        }
        for row in rows
    ]
    moved_agents = [
        Agent(
            a.name,
            a.pools,
            a.contract,
            last_shift_end=a.last_shift_end + step if a.last_shift_end else None,
            consecutive_days=a.consecutive_days,
        )
        for a in agents
    ]
    after = audit(
        table(moved_rows), moved_agents, section(), MONDAY + step, MONDAY + 2 * WEEK + step
    )

    def key(found: pd.DataFrame, shift_by: timedelta) -> list[tuple]:
        return sorted(
            (r.agent, date.fromisoformat(r.date) + shift_by, r.rule, round(r.excess, 6))
            for r in found.itertuples()
        )

    assert key(after, timedelta(0)) == key(before, step)


# -- independence --------------------------------------------------------------------------


def test_the_audit_never_imports_the_roster_model():
    for path in (ROOT / "optimize" / "audit").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            assert not any(n.startswith("optimize.roster") for n in names), path.name


def test_public_api_is_all():
    module = importlib.import_module("optimize.audit")
    assert sorted(module.__all__) == ["RULES", "VIOLATION_COLUMNS", "audit", "read_roster_csv"]
    assert all(hasattr(module, name) for name in module.__all__)


# -- reading roster.csv -------------------------------------------------------------------

HEADER = ",".join(ROSTER_COLUMNS)
GOOD = "ann,phone,2026-11-09,2026-11-09 08:00,2026-11-09 16:00,2026-11-09 11:00,2026-11-09 11:30"


def _read(tmp_path: Path, text: str, agents=AGENTS) -> pd.DataFrame:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return read_roster_csv(path, MONDAY, MONDAY + WEEK, ["phone", "chat"], agents)


def test_a_roster_file_reads_into_datetimes(tmp_path):
    roster = _read(
        tmp_path,
        f"{HEADER}\n{GOOD}\nbo,phone | chat,2026-11-10,2026-11-10 14:00,2026-11-10 18:00,,\n",
    )
    assert list(roster.columns) == ROSTER_COLUMNS
    assert roster["shift_start"].tolist() == [datetime(2026, 11, 9, 8), datetime(2026, 11, 10, 14)]
    assert roster["pool"].tolist() == ["phone", "phone|chat"]
    assert roster["break_start"].isna().tolist() == [False, True]


BAD_ROWS = {
    "unparseable time": (
        "ann,phone,2026-11-09,2026-11-09 8h,2026-11-09 16:00,,",
        "shift_start must look like '2026-11-11 08:00', got '2026-11-09 8h'",
    ),
    "end before start": (
        "ann,phone,2026-11-09,2026-11-09 16:00,2026-11-09 08:00,,",
        "shift_end '2026-11-09 08:00' must be after shift_start '2026-11-09 16:00'",
    ),
    "break outside the shift": (
        "ann,phone,2026-11-09,2026-11-09 08:00,2026-11-09 16:00,2026-11-09 15:45,2026-11-09 16:15",
        "break 2026-11-09 15:45–2026-11-09 16:15 is not inside the shift",
    ),
    "half a break": (
        "ann,phone,2026-11-09,2026-11-09 08:00,2026-11-09 16:00,2026-11-09 11:00,",
        "break_start is given but break_end is empty",
    ),
    "unknown agent": (
        "anne,phone,2026-11-09,2026-11-09 08:00,2026-11-09 12:00,,",
        "unknown agent 'anne' (did you mean 'ann'?)",
    ),
    "unknown pool": (
        "ann,phone|email,2026-11-09,2026-11-09 08:00,2026-11-09 12:00,,",
        "unknown pool 'email'",
    ),
    "agent not skilled for the pool": (
        "ann,chat,2026-11-09,2026-11-09 08:00,2026-11-09 12:00,,",
        "agent 'ann' does not work pool 'chat'; their pools are phone",
    ),
    "date not the start's": (
        "ann,phone,2026-11-10,2026-11-09 08:00,2026-11-09 12:00,,",
        "date 2026-11-10 is not the day the shift starts (2026-11-09)",
    ),
    "outside the horizon": (
        "ann,phone,2026-11-16,2026-11-16 08:00,2026-11-16 12:00,,",
        "shift_start 2026-11-16 08:00 is outside the horizon 2026-11-09 00:00 to 2026-11-16 00:00",
    ),
    "extra cell": (f"{GOOD},x", "has more cells than the header (7)"),
}


@pytest.mark.parametrize("row, message", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_named_by_its_line(tmp_path, row, message):
    with pytest.raises(ScenarioError) as caught:
        _read(tmp_path, f"{HEADER}\n{GOOD}\n{row}\n")
    lines = caught.value.lines()
    assert len(lines) == 1
    assert lines[0].startswith("roster.csv: line 3: ")
    assert message in lines[0]


def test_missing_columns_and_empty_files(tmp_path):
    with pytest.raises(ScenarioError, match=r"roster.csv: line 1: missing column\(s\) break_end"):
        _read(tmp_path, HEADER.removesuffix(",break_end") + "\n")
    with pytest.raises(ScenarioError, match="roster.csv: the file is empty"):
        _read(tmp_path, "\n")


def test_without_agents_any_name_and_pool_of_the_scenario_will_do(tmp_path):
    roster = _read(
        tmp_path,
        f"{HEADER}\nzed,chat,2026-11-09,2026-11-09 08:00,2026-11-09 12:00,,\n",
        agents=None,
    )
    assert roster["agent"].tolist() == ["zed"]


# -- the command line ----------------------------------------------------------------------


def _scenario(roster: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "audit week",
        "horizon": {"start": "2026-11-09 00:00", "end": "2026-11-16 00:00", "interval": "15min"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}, "chat": {}},
        "inquiry_types": {
            "calls": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": 30},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            },
            "chats": {
                "channel": "chat",
                "arrivals": {"rate_per_hour": 30},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            },
        },
        "pools": {
            "phone": {"skills": ["calls"], "agents": 3},
            "chat": {"skills": ["chats"], "agents": 3},
        },
    }
    if roster:
        data["roster"] = {
            "agent_classes": [
                {"name": "ann", "pools": ["phone"], "contract": "full", "count": 2},
                {"name": "bo", "pools": ["phone", "chat"], "contract": "full", "count": 1},
            ],
            "contracts": {"full": {"shift_lengths": ["8h"], "max_hours_per_week": "48h"}},
        }
    return data


CLI_LAWFUL = [
    *(shift("ann-001", day, *OFFICE) for day in range(5)),
    *(shift("bo-001", day, "14:00", "22:00", "17:30", pool="phone|chat") for day in range(1, 4)),
    shift("bo-001", 4, "22:00", "06:00", "01:00", pool="chat"),
]


def _files(tmp_path: Path, rows, roster_section: bool = True) -> tuple[Path, Path]:
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(_scenario(roster_section), sort_keys=False), "utf-8")
    roster = tmp_path / "roster.csv"
    table(rows).to_csv(roster, index=False)
    return roster, scenario


def test_cli_lawful_roster_exits_0(tmp_path, run_main):
    roster, scenario = _files(tmp_path, CLI_LAWFUL)
    result = run_main("audit", roster, "--scenario", scenario)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no violations: 9 shifts, 3 agents checked\n"
    assert result.stderr == ""


def test_cli_prints_each_violation_and_exits_1(tmp_path, run_main):
    rows = [
        *CLI_LAWFUL,
        shift("ann-002", 0, "14:00", "22:00", "17:30"),
        shift("ann-002", 1, *OFFICE),
    ]
    roster, scenario = _files(tmp_path, rows)
    out = tmp_path / "checks" / "violations.csv"
    result = run_main("audit", roster, "--scenario", scenario, "--out", out)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ann-002 2026-11-10 min_rest: 10 h rest between the shift ending ")
    assert lines[1] == "1 violation(s): 11 shifts, 3 agents checked"
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [list(row) for row in written] == [VIOLATION_COLUMNS]
    assert (written[0]["agent"], written[0]["rule"], float(written[0]["excess"])) == (
        "ann-002",
        "min_rest",
        1.0,
    )


def test_cli_broken_roster_exits_2_naming_the_line_and_writes_nothing(tmp_path, run_main):
    rows = [*CLI_LAWFUL, shift("ann-002", 0, "14:00", "22:00")]
    rows[-1]["shift_end"] = "2026-11-09 12:00"
    roster, scenario = _files(tmp_path, rows)
    out = tmp_path / "violations.csv"
    result = run_main("audit", roster, "--scenario", scenario, "--out", out)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: roster.csv: line 11: shift_end '2026-11-09 12:00' must be after shift_start"
    )
    assert not out.exists()


def test_cli_without_a_roster_section_uses_the_defaults_and_says_so(tmp_path, run_main):
    roster, scenario = _files(tmp_path, CLI_LAWFUL, roster_section=False)
    result = run_main("audit", roster, "--scenario", scenario)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no violations: 9 shifts, 2 agents checked\n"
    assert result.stderr.startswith("note: week.yaml has no roster section")
    assert len(result.stderr.splitlines()) == 1


def test_run_sim_audit_reports_violations_with_status_1(tmp_path, run_cli):
    rows = [*CLI_LAWFUL, shift("ann-002", 0, "07:00", "18:00", "12:00")]
    roster, scenario = _files(tmp_path, rows)
    result = run_cli("audit", roster, "--scenario", scenario, "--verbose")
    assert result.returncode == 1, result.stderr
    assert (
        "ann-002 2026-11-09 max_shift_length: shift 2026-11-09 07:00–2026-11-09 18:00 lasts 11 h"
        in (result.stdout)
    )
    assert "  max_shift_length: 1" in result.stdout.splitlines()


def test_cli_knows_the_scenarios_temporary_hires(tmp_path, run_main):
    data = _scenario(True)
    data["roster"]["contracts"]["temp"] = {
        "shift_lengths": ["8h"],
        "min_hours_per_week": "15h",
        "max_hours_per_week": "30h",
    }
    data["roster"]["costs"] = {
        "temporary_hires": {"pools": ["phone"], "max_count": 3, "contract": "temp"}
    }
    scenario = tmp_path / "week.yaml"
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    roster = tmp_path / "roster.csv"
    # One hire works two days (15 h, its minimum); the two not hired owe nothing.
    rows = [*CLI_LAWFUL, *(shift("temp-phone-002", day, *OFFICE) for day in (0, 1))]
    table(rows).to_csv(roster, index=False)
    result = run_main("audit", roster, "--scenario", scenario)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "no violations: 11 shifts, 4 agents checked\n"
    table([*rows, shift("temp-phone-009", 2, *OFFICE)]).to_csv(roster, index=False)
    result = run_main("audit", roster, "--scenario", scenario)
    assert result.returncode == 2 and "unknown agent 'temp-phone-009'" in result.stderr
