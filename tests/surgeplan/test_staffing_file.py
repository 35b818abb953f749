"""Tests for staffing tables (``interval_start, pool, agents``) read by ``simulate --staffing``.

The small scenario (tests/conftest.py) has 8 intervals of 15 min from 2026-11-11 00:00, the
first two are warm-up, and one pool ``agents`` with 5 agents.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from sim import Scenario, ScenarioError
from surgeplan.staffing_file import REQUIRED_COLUMNS, read_staffing_csv

ALL_STARTS = [f"2026-11-11 {h:02d}:{m:02d}" for h in (0, 1) for m in (0, 15, 30, 45)]
WARMUP_STARTS = ALL_STARTS[:2]
COUNTED_STARTS = ALL_STARTS[2:]
PLAN = [3, 4, 6, 7, 2, 9]  # agents for the counted intervals
HEADER = "interval_start,pool,agents"


def good_rows(plan=PLAN, pool="agents") -> list[str]:
    return [f"{start},{pool},{n}" for start, n in zip(COUNTED_STARTS, plan, strict=True)]


def csv_text(rows: list[str], header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def scenario(small_scenario_file) -> Scenario:
    return Scenario.from_yaml(small_scenario_file)


@pytest.fixture
def two_pool_scenario(small_scenario_dict) -> Scenario:
    small_scenario_dict["pools"]["backup"] = {"skills": ["general"], "agents": 2}
    return Scenario.from_dict(small_scenario_dict)


def read_problems(path, scenario) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        read_staffing_csv(path, scenario)
    lines = info.value.lines()
    assert lines
    return lines


# --------------------------------------------------------------------------------------------
# read_staffing_csv directly
# --------------------------------------------------------------------------------------------


def test_required_columns():
    assert REQUIRED_COLUMNS == ("interval_start", "pool", "agents")


def test_good_file_overrides_counted_intervals(tmp_path, scenario):
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(good_rows()), encoding="utf-8")
    staffing = read_staffing_csv(path, scenario)
    assert set(staffing) == {"agents"}
    agents = staffing["agents"]
    assert agents.shape == (scenario.n_intervals,)
    # Warm-up rows are optional: missing ones keep the scenario's 5 agents.
    np.testing.assert_array_equal(agents, [5, 5, *PLAN])
    # The scenario itself is untouched.
    np.testing.assert_array_equal(scenario.agents("agents"), [5] * 8)


def test_warmup_rows_are_used_when_given(tmp_path, scenario):
    rows = [f"{WARMUP_STARTS[0]},agents,1", f"{WARMUP_STARTS[1]},agents,0", *good_rows()]
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    np.testing.assert_array_equal(read_staffing_csv(path, scenario)["agents"], [1, 0, *PLAN])


def test_only_named_pools_are_returned(tmp_path, two_pool_scenario):
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(good_rows(pool="backup")), encoding="utf-8")
    staffing = read_staffing_csv(path, two_pool_scenario)
    assert set(staffing) == {"backup"}
    np.testing.assert_array_equal(staffing["backup"], [2, 2, *PLAN])


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: text.replace(",", ", "), id="spaces"),
        pytest.param(lambda text: text.replace(" 0", "T0").replace(" 1", "T1"), id="iso-T"),
        pytest.param(
            lambda text: (
                "\n".join(line + ",x" for line in text.splitlines()).replace(
                    "agents,x", "agents,method", 1
                )
                + "\n"
            ),
            id="extra-column",
        ),
        pytest.param(
            lambda text: (
                "\n".join(",".join(reversed(line.split(","))) for line in text.splitlines()) + "\n"
            ),
            id="reordered-columns",
        ),
        pytest.param(lambda text: text.replace(",3\n", ",3.0\n"), id="whole-float"),
    ],
)
def test_tolerated_variants(tmp_path, scenario, transform):
    path = tmp_path / "staff.csv"
    path.write_text(transform(csv_text(good_rows())), encoding="utf-8")
    np.testing.assert_array_equal(read_staffing_csv(path, scenario)["agents"], [5, 5, *PLAN])


def _replace_row(index: int, row: str) -> list[str]:
    rows = good_rows()
    rows[index] = row
    return rows


BAD_FILES = [
    pytest.param(
        csv_text([*good_rows(), f"{COUNTED_STARTS[1]},chat,4"]),
        ["line 8: unknown pool 'chat'", "expected one of agents"],
        id="unknown-pool",
    ),
    pytest.param(
        csv_text([*good_rows(), good_rows()[1]]),
        ["line 8: duplicate row for pool 'agents' at 2026-11-11 00:45 (first on line 3)"],
        id="duplicate-row",
    ),
    pytest.param(
        csv_text(good_rows()[:2] + good_rows()[3:]),
        ["pool 'agents' has no row for interval 2026-11-11 01:00"],
        id="missing-interval",
    ),
    pytest.param(
        csv_text(_replace_row(2, f"{COUNTED_STARTS[2]},agents,-3")),
        ["line 4: agents must be a whole number ≥ 0, got '-3'"],
        id="negative-agents",
    ),
    pytest.param(
        csv_text(_replace_row(2, f"{COUNTED_STARTS[2]},agents,2.5")),
        ["line 4: agents must be a whole number ≥ 0, got '2.5'"],
        id="fractional-agents",
    ),
    pytest.param(
        csv_text(_replace_row(2, f"{COUNTED_STARTS[2]},agents,lots")),
        ["line 4: agents must be a whole number ≥ 0, got 'lots'"],
        id="non-numeric-agents",
    ),
    pytest.param(
        csv_text(_replace_row(2, "11/11/2026 01:00,agents,3")),
        ["line 4: interval_start must look like '2026-11-11 00:00', got '11/11/2026 01:00'"],
        id="malformed-interval-start",
    ),
    pytest.param(
        csv_text([*good_rows(), "2026-11-11 01:07,agents,3"]),
        ["line 8: interval_start '2026-11-11 01:07' is not the start of an interval"],
        id="interval-start-off-grid",
    ),
    pytest.param(
        csv_text([*good_rows(), "2026-11-12 01:00,agents,3"]),
        ["line 8: interval_start '2026-11-12 01:00' is not the start of an interval"],
        id="interval-start-outside-horizon",
    ),
    pytest.param(
        csv_text([row.rsplit(",", 1)[0] for row in good_rows()], header="interval_start,pool"),
        ["line 1: missing column(s) agents"],
        id="missing-column",
    ),
    pytest.param(
        csv_text([row.split(",", 1)[1] for row in good_rows()], header="pool,agents"),
        ["line 1: missing column(s) interval_start"],
        id="missing-interval-start-column",
    ),
    pytest.param("", ["empty"], id="empty-file"),
    pytest.param(HEADER + "\n", ["no staffing rows found"], id="header-only"),
    # A row with more cells than the header: csv.DictReader keeps the extra cells in a list.
    pytest.param(
        csv_text(_replace_row(2, f"{COUNTED_STARTS[2]},agents,6,oops")),
        ["line 4"],
        id="row-with-extra-cell",
    ),
    # A count that does not fit the agents array must still be a located problem.
    pytest.param(
        csv_text(_replace_row(2, f"{COUNTED_STARTS[2]},agents,1e30")),
        ["line 4", "agents"],
        id="absurd-agent-count",
    ),
    # A blank line in the middle: the bad row is on line 5 of the file.
    pytest.param(
        csv_text([*good_rows()[:2], "", f"{COUNTED_STARTS[2]},agents,-3", *good_rows()[3:]]),
        ["line 5: agents must be a whole number ≥ 0, got '-3'"],
        id="line-number-after-blank-line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_file_names_the_problem(tmp_path, scenario, text, expected):
    path = tmp_path / "staff.csv"
    path.write_text(text, encoding="utf-8")
    lines = read_problems(path, scenario)
    assert all(line.startswith("staff.csv: ") for line in lines), lines
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)


def test_missing_staffing_file(tmp_path, scenario):
    lines = read_problems(tmp_path / "absent.csv", scenario)
    assert len(lines) == 1
    assert "absent.csv" in lines[0] and "no such file" in lines[0]


def test_several_bad_rows_reported_together(tmp_path, scenario):
    rows = good_rows()
    rows[0] = f"{COUNTED_STARTS[0]},agents,-1"
    rows[4] = f"{COUNTED_STARTS[4]},nobody,3"
    path = tmp_path / "staff.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    lines = read_problems(path, scenario)
    assert any("line 2: agents must be a whole number" in line for line in lines), lines
    assert any("line 6: unknown pool 'nobody'" in line for line in lines), lines


# --------------------------------------------------------------------------------------------
# simulate --staffing
# --------------------------------------------------------------------------------------------


def _column(path, name) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[name] for row in csv.DictReader(handle)]


def test_simulate_with_staffing_changes_agents(run_main, small_scenario_file, tmp_path):
    staffing = tmp_path / "staff.csv"
    staffing.write_text(csv_text(good_rows()), encoding="utf-8")
    out = tmp_path / "out"
    result = run_main(
        "simulate", small_scenario_file, "--out", out, "--staffing", staffing, "--quiet"
    )
    assert result.returncode == 0, result.stderr
    assert [int(v) for v in _column(out / "intervals.csv", "agents")] == PLAN
    assert [int(v) for v in _column(out / "pools.csv", "agents")] == PLAN
    assert _column(out / "intervals.csv", "interval_start") == COUNTED_STARTS

    baseline = tmp_path / "baseline"
    result = run_main("simulate", small_scenario_file, "--out", baseline, "--quiet")
    assert result.returncode == 0
    assert [int(v) for v in _column(baseline / "intervals.csv", "agents")] == [5] * 6
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["intervals"] == len(PLAN)


def test_bad_staffing_in_a_real_process(run_cli, small_scenario_file, tmp_path):
    """The exit status and stderr of ``python run_sim.py`` itself (the rest run in-process)."""
    bad = tmp_path / "bad_staff.csv"
    bad.write_text(csv_text([*good_rows(), f"{COUNTED_STARTS[1]},chat,4"]), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("simulate", small_scenario_file, "--out", out, "--staffing", bad)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "bad_staff.csv: line 8: unknown pool 'chat'" in result.stderr
    assert not out.exists()


# Every kind of bad file through the command line, except the line-number case (the same
# code path as the direct test above).
CLI_BAD_FILES = [case for case in BAD_FILES if case.id != "line-number-after-blank-line"]


@pytest.mark.parametrize(("text", "expected"), CLI_BAD_FILES)
def test_simulate_with_bad_staffing_exits_2(
    run_main, small_scenario_file, tmp_path, text, expected
):
    staffing = tmp_path / "staff.csv"
    staffing.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_main("simulate", small_scenario_file, "--out", out, "--staffing", staffing)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert "staff.csv" in result.stderr
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert not out.exists()


def test_simulate_with_missing_staffing_file(run_main, small_scenario_file, tmp_path):
    out = tmp_path / "out"
    result = run_main(
        "simulate", small_scenario_file, "--out", out, "--staffing", tmp_path / "none.csv"
    )
    assert result.returncode == 2
    assert "none.csv" in result.stderr and "no such file" in result.stderr
    assert not out.exists()
