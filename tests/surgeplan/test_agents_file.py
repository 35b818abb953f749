"""Tests for the agents file (``roster.agents_file``), CSV and XLSX alike.

Every bad file must raise one ``ScenarioError`` naming the file and the line (CSV) or row
(XLSX) of each problem, after reading the whole file.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from openpyxl import Workbook

from optimize.workforce import Agent, agents_from_classes
from sim import Scenario, ScenarioError
from sim.scenario.roster import RosterSection
from surgeplan import agents_file
from surgeplan.agents_file import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    load_agents,
    read_agents_file,
)

POOLS = ("phone", "chat")
SECTION = RosterSection.model_validate(
    {
        "agent_classes": [{"pools": ["phone"], "contract": "full_time", "count": 1}],
        "contracts": {
            "full_time": {"shift_lengths": ["8h"]},
            "part_time": {"shift_lengths": ["4h"], "max_hours_per_week": "20h"},
        },
    }
)
HEADER = (
    "agent,pools,contract,cost_per_hour,available_from,available_to,days_off,"
    "last_shift_end,hours_this_week,consecutive_days"
)
GOOD_ROWS = [
    "li.wei,phone,full_time,,,,,,,",
    "wang.fang,phone|chat,part_time,52.5,2026-11-09 08:00,2026-11-14 18:00,"
    "2026-11-11|2026-11-12,2026-11-08 22:00,12.5,4",
    "zhang.min,chat;phone,full_time,,,,2026-11-13,,0,0",
]
EXPECTED = [
    Agent(name="li.wei", pools=("phone",), contract="full_time"),
    Agent(
        name="wang.fang",
        pools=("phone", "chat"),
        contract="part_time",
        cost_per_hour=52.5,
        available_from=datetime(2026, 11, 9, 8, 0),
        available_to=datetime(2026, 11, 14, 18, 0),
        days_off=frozenset({date(2026, 11, 11), date(2026, 11, 12)}),
        last_shift_end=datetime(2026, 11, 8, 22, 0),
        hours_this_week=12.5 * 3600,
        consecutive_days=4,
    ),
    Agent(
        name="zhang.min",
        pools=("chat", "phone"),
        contract="full_time",
        days_off=frozenset({date(2026, 11, 13)}),
    ),
]


def _split(line: str) -> list[str]:
    return line.split(",")


def write_csv(tmp_path, lines: list[str], name: str = "agents.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path, rows: list[list], name: str = "agents.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def problems(path, **kwargs) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        read_agents_file(path, SECTION, POOLS, **kwargs)
    return info.value.lines()


# -- good files -------------------------------------------------------------------------------


def test_columns_are_documented():
    assert REQUIRED_COLUMNS == ("agent", "pools", "contract")
    assert set(OPTIONAL_COLUMNS) == {
        "cost_per_hour",
        "available_from",
        "available_to",
        "days_off",
        "last_shift_end",
        "hours_this_week",
        "consecutive_days",
    }
    assert all(hasattr(agents_file, name) for name in agents_file.__all__)


def test_good_csv(tmp_path):
    assert read_agents_file(write_csv(tmp_path, [HEADER, *GOOD_ROWS]), SECTION, POOLS) == EXPECTED


def test_xlsx_with_text_cells_reads_like_the_csv(tmp_path):
    rows = [_split(line) for line in [HEADER, *GOOD_ROWS]]
    path = write_xlsx(tmp_path, rows)
    assert read_agents_file(path, SECTION, POOLS) == EXPECTED


def test_xlsx_with_typed_cells_reads_like_the_csv(tmp_path):
    """Excel stores dates as dates and numbers as numbers; both must read the same."""
    rows = [
        _split(HEADER),
        ["li.wei", "phone", "full_time", None, None, None, None, None, None, None],
        [
            "wang.fang",
            "phone, chat",
            "part_time",
            52.5,
            datetime(2026, 11, 9, 8, 0),
            datetime(2026, 11, 14, 18, 0),
            "2026-11-11|2026-11-12",
            datetime(2026, 11, 8, 22, 0),
            12.5,
            4,
        ],
        [
            "zhang.min",
            "chat;phone",
            "full_time",
            None,
            None,
            None,
            datetime(2026, 11, 13),
            None,
            0,
            0,
        ],
    ]
    assert read_agents_file(write_xlsx(tmp_path, rows), SECTION, POOLS) == EXPECTED


def test_only_required_columns_and_loose_header(tmp_path):
    path = write_csv(
        tmp_path, ["Agent, Pools ,CONTRACT", "1001,phone,full_time", "", "b,chat,part_time"]
    )
    agents = read_agents_file(path, SECTION, POOLS)
    assert [a.name for a in agents] == ["1001", "b"]
    assert agents[0] == Agent(name="1001", pools=("phone",), contract="full_time")


def test_utf8_bom_from_excel_is_accepted(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes("\ufeffagent,pools,contract\nli,phone,full_time\n".encode())
    assert read_agents_file(path, SECTION, POOLS)[0].name == "li"


# -- bad files --------------------------------------------------------------------------------

# (rows, expected "<line or row>: <start of the message>"): line 1 is the header and line 2 a
# good agent, so a case's rows start on line 3 (row 3 in the workbook).
BAD = [
    pytest.param(
        ["a,voice,full_time"],
        "3: unknown pool 'voice' (pools: chat, phone)",
        id="unknown-pool",
    ),
    pytest.param(
        ["a,phone|chatt,full_time"],
        "3: unknown pool 'chatt' (did you mean 'chat'? pools: chat, phone)",
        id="unknown-pool-close",
    ),
    pytest.param(
        ["a,phone,fulltime"],
        "3: unknown contract 'fulltime' (did you mean 'full_time'? contracts: full_time, "
        "part_time)",
        id="unknown-contract",
    ),
    pytest.param(
        ["a,phone,full_time", "b,chat,part_time", "a,chat,full_time"],
        "5: duplicate agent 'a' (first on {unit} 3)",
        id="duplicate-agent",
    ),
    pytest.param(
        [",phone,full_time"],
        "3: agent is empty",
        id="empty-name",
    ),
    pytest.param(
        ["a,,full_time"],
        "3: pools is empty; expected one or more of chat, phone",
        id="empty-pools",
    ),
    pytest.param(
        ["a,phone,"],
        "3: contract is empty; expected one of full_time, part_time",
        id="empty-contract",
    ),
    pytest.param(
        ["a,phone,full_time,,2026-11-31 08:00"],
        "3: available_from must be a date and time like '2026-11-11 08:00', got '2026-11-31 08:00'",
        id="bad-date",
    ),
    pytest.param(
        ["a,phone,full_time,,,,2026-11-11|11/12"],
        "3: days_off must be dates like '2026-11-11' separated by '|', got '11/12'",
        id="bad-day-off",
    ),
    pytest.param(
        ["a,phone,full_time,cheap"],
        "3: cost_per_hour must be a number ≥ 0, got 'cheap'",
        id="bad-number",
    ),
    pytest.param(
        ["a,phone,full_time,,,,,,-3"],
        "3: hours_this_week must be ≥ 0, got -3",
        id="negative-hours",
    ),
    pytest.param(
        ["a,phone,full_time,,,,,,200"],
        "3: hours_this_week must be ≤ 168, got 200",
        id="more-hours-than-a-week",
    ),
    pytest.param(
        ["a,phone,full_time,,,,,,,2.5"],
        "3: consecutive_days must be a whole number ≥ 0, got 2.5",
        id="fractional-days",
    ),
    pytest.param(
        ["a,phone,full_time,,,,,,,-1"],
        "3: consecutive_days must be ≥ 0, got -1",
        id="negative-days",
    ),
    pytest.param(
        ["a,phone,full_time,,2026-11-10 08:00,2026-11-10 08:00"],
        "3: available_to (2026-11-10 08:00) must be after available_from (2026-11-10 08:00)",
        id="empty-availability",
    ),
    pytest.param(
        ["a,phone,full_time,,,,,,,,surplus"],
        "3: has a value outside the named columns: 'surplus'",
        id="extra-cell",
    ),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(("rows", "expected"), BAD)
def test_bad_row_is_named(tmp_path, kind, rows, expected):
    lines = [HEADER, "ok,phone,full_time", *rows]
    unit = "line" if kind == "csv" else "row"
    if kind == "csv":
        path = write_csv(tmp_path, lines)
    else:
        path = write_xlsx(tmp_path, [_split(line) for line in lines])
    where, message = expected.split(": ", 1)
    prefix = f"agents.{kind}: {unit} {where}: {message.format(unit=unit)}"
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(prefix), found


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            "agent,pools",
            "line 1: missing column(s) contract; found agent, pools",
            id="missing-column",
        ),
        pytest.param(
            "agent,pools,contract,skills",
            "line 1: unknown column 'skills'; expected agent, pools, contract and optionally "
            "cost_per_hour",
            id="unknown-column",
        ),
        pytest.param(
            "agent,pools,contract,cost_per_hr",
            "line 1: unknown column 'cost_per_hr' (did you mean 'cost_per_hour'?)",
            id="unknown-column-close",
        ),
        pytest.param(
            "agent,pools,contract,agent",
            "line 1: column 'agent' appears 2 times",
            id="column-twice",
        ),
    ],
)
def test_bad_header_is_named(tmp_path, header, expected):
    found = problems(write_csv(tmp_path, [header, "a,phone,full_time"]))
    assert len(found) == 1
    assert found[0].startswith(f"agents.csv: {expected}"), found


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = write_csv(
        tmp_path,
        [HEADER, "a,voice,full_time", "", "b,phone,casual,-1", "a,phone,full_time"],
    )
    found = problems(path)
    assert [line.split(": ")[1] for line in found] == ["line 2", "line 4", "line 4", "line 5"]
    assert "cost_per_hour must be ≥ 0, got -1" in found[2]
    assert "duplicate agent 'a' (first on line 2)" in found[3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "agents.csv: the file is empty; expected a header row agent, pools, contract"),
        ("\n\n", "agents.csv: the file is empty; expected a header row agent, pools, contract"),
        ("agent,pools,contract\n", "agents.csv: lists no agents below its header row"),
    ],
)
def test_empty_file(tmp_path, text, expected):
    path = tmp_path / "agents.csv"
    path.write_text(text, encoding="utf-8")
    assert problems(path) == [expected]


def test_empty_workbook(tmp_path):
    assert problems(write_xlsx(tmp_path, [])) == [
        "agents.xlsx: the file is empty; expected a header row agent, pools, contract"
    ]


def test_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "agents.xlsx"
    path.write_text("agent,pools,contract\n", encoding="utf-8")
    (line,) = problems(path)
    assert line.startswith("agents.xlsx: cannot be read as an XLSX workbook")


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes("agent,pools,contract\nJosé,phone,full_time\n".encode("latin-1"))
    (line,) = problems(path)
    assert line.startswith("agents.csv: cannot be read as UTF-8 text")


def test_missing_file(tmp_path):
    assert problems(tmp_path / "nope.csv") == [f"{tmp_path / 'nope.csv'}: no such file"]


def test_last_shift_after_the_horizon_start(tmp_path, minimal_scenario_dict):
    horizon = Scenario.from_dict(minimal_scenario_dict).horizon  # starts 2026-11-11 00:00
    path = write_csv(tmp_path, [HEADER, "a,phone,full_time,,,,,2026-11-11 06:00,,"])
    assert problems(path, horizon=horizon) == [
        "agents.csv: line 2: last_shift_end (2026-11-11 06:00) must not be after the horizon's "
        "start (2026-11-11 00:00): it is the end of the last shift before it"
    ]


def test_many_problems_are_capped(tmp_path):
    path = write_csv(tmp_path, ["agent,pools,contract", *(f"a{k},voice,x" for k in range(40))])
    found = problems(path)
    assert len(found) == 31
    assert found[-1] == "agents.csv: and 50 more problem(s)"


# -- load_agents ------------------------------------------------------------------------------


def test_load_agents_from_classes(minimal_scenario_dict):
    minimal_scenario_dict["roster"] = {
        "agent_classes": [{"pools": ["agents"], "contract": "ft", "count": 3}],
        "contracts": {"ft": {"shift_lengths": ["8h"]}},
    }
    scenario = Scenario.from_dict(minimal_scenario_dict)
    agents = load_agents(scenario)
    assert agents == agents_from_classes(scenario.roster)
    assert len(agents) == 3


def test_load_agents_from_the_file_beside_the_scenario(tmp_path, minimal_scenario_dict):
    minimal_scenario_dict["roster"] = {
        "agents_file": "staff/agents.csv",
        "contracts": {"ft": {"shift_lengths": ["8h"]}},
    }
    (tmp_path / "staff").mkdir()
    write_csv(tmp_path / "staff", ["agent,pools,contract", "a,agents,ft", "b,agents,ft"])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(minimal_scenario_dict), encoding="utf-8")
    agents = load_agents(Scenario.from_yaml(path), path)
    assert [a.name for a in agents] == ["a", "b"]


def test_load_agents_needs_a_roster_section(minimal_scenario_dict):
    with pytest.raises(ScenarioError) as info:
        load_agents(Scenario.from_dict(minimal_scenario_dict), "plan.yaml")
    (line,) = info.value.lines()
    assert line.startswith("plan.yaml: roster: is missing")


def test_shipped_week_agents(repo_root):
    scenario = Scenario.from_yaml(repo_root / "scenarios" / "double11_week.yaml")
    agents = load_agents(scenario)
    assert len(agents) == 100
    assert len({a.name for a in agents}) == 100
    pools = [a.pools for a in agents]
    assert pools.count(("phone",)) == 45
    assert pools.count(("chat",)) == 30
    assert pools.count(("phone", "chat")) == 25
    assert {a.contract for a in agents} == {"full_time", "part_time"}
    assert sum(a.last_shift_end is not None for a in agents) >= 3  # carry-in state
    assert all(
        a.last_shift_end is None or a.last_shift_end <= scenario.horizon.start for a in agents
    )
