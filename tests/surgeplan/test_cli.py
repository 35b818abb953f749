"""Tests for the command line (``python run_sim.py ...``) and the atomic result writers.

The slow part of a CLI run on a small scenario is interpreter start-up (about 2 s of
importing pandas and scipy), so a few key runs are real ``python run_sim.py`` processes
started together once per module (``runs``: a simulation, a 2-worker run, a broken scenario,
a validation), and the rest run ``surgeplan.cli.main`` in-process with the same observable
contract (exit status, stdout, stderr, a traceback on stderr for an uncaught exception).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from surgeplan.io import atomic_write_text, write_csv, write_json

INTERVAL_PREFIX = (
    "interval_start,offered,answered,abandoned,p_wait,service_level,asa_seconds,occupancy,agents"
)
SUMMARY_METRICS = [
    "offered",
    "answered",
    "abandoned",
    "still_open",
    "p_wait",
    "service_level",
    "asa_seconds",
    "abandon_rate",
    "occupancy",
    "wait_p50_seconds",
    "wait_p90_seconds",
]
OUTPUT_FILES = [
    "intervals.csv",
    "types.csv",
    "pools.csv",
    "pools_by_type.csv",
    "channels.csv",
    "summary.json",
    "run.json",
    "report.html",
]
# The small scenario (tests/conftest.py): 8 intervals of 15 min from 00:00, 2 of warm-up.
COUNTED_STARTS = [
    "2026-11-11 00:30",
    "2026-11-11 00:45",
    "2026-11-11 01:00",
    "2026-11-11 01:15",
    "2026-11-11 01:30",
    "2026-11-11 01:45",
]
EMPTY_INTERVAL = "2026-11-11 00:45"  # rate 0 there
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def assert_clean_failure(result, out_dir: Path, *fragments: str) -> None:
    """Exit status 2, located one-line messages, no traceback, nothing written."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "the problem must be reported on stderr"
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert not out_dir.exists(), f"{out_dir} was created although the input was bad"


# --------------------------------------------------------------------------------------------
# Scenario variants for the error cases
# --------------------------------------------------------------------------------------------


def _broken(small: dict, case: str) -> dict | str:
    data = copy.deepcopy(small)
    general = data["inquiry_types"]["general"]
    if case == "syntax":
        text = yaml.safe_dump(data, sort_keys=False)
        return text.replace("channel: phone", "channel: phone: x")
    if case == "empty":
        return ""
    if case == "negative_rate":
        general["arrivals"]["rate_per_hour"] = -300
    elif case == "non_numeric":
        data["pools"]["agents"]["agents"] = "many"
    elif case == "unknown_key":
        general["handel_time"] = {"dist": "exponential", "mean": 60}
    elif case == "missing_pools":
        del data["pools"]
    elif case == "unknown_dist":
        general["handle_time"]["dist"] = "weibull"
    elif case == "unknown_unit":
        general["handle_time"]["mean"] = "4m"
    elif case == "unknown_channel":
        general["channel"] = "fax"
    elif case == "unknown_skill":
        data["pools"]["agents"]["skills"] = ["general", "refunds"]
    elif case == "end_before_start":
        data["horizon"]["end"] = "2026-11-10 23:00"
    elif case == "interval":
        data["horizon"]["interval"] = "7min"
    elif case == "wrong_length":
        general["arrivals"]["rate_per_hour"] = [60, 60, 60]
    elif case == "several":
        general["arrivals"]["rate_per_hour"] = -300
        data["pools"]["agents"]["agents"] = "many"
    elif case == "huge_agents":
        data["pools"]["agents"]["agents"] = 10**30
    elif case == "busyness_dist":
        data["busyness"] = {"dist": "normal", "cv": 0.1}
    elif case == "busyness_negative_cv":
        data["busyness"] = {"dist": "gamma", "cv": -0.15}
    elif case == "busyness_unknown_key":
        data["busyness"] = {"dist": "gamma", "cv": 0.15, "shape": 44}
    else:
        raise AssertionError(case)
    return data


BROKEN_CASES = {
    "syntax": ["YAML syntax error at line"],
    "empty": ["empty"],
    "negative_rate": ["inquiry_types.general.arrivals.rate_per_hour: must be ≥ 0, got -300"],
    "non_numeric": ["pools.agents.agents: must be a whole number ≥ 0, got 'many'"],
    "unknown_key": ["inquiry_types.general: unknown key 'handel_time'"],
    "missing_pools": ["pools: is required but missing"],
    "unknown_dist": ["inquiry_types.general.handle_time: unknown distribution 'weibull'"],
    "unknown_unit": ["inquiry_types.general.handle_time.mean: unknown duration unit 'm'"],
    "unknown_channel": ["inquiry_types.general.channel: unknown channel 'fax'"],
    "unknown_skill": ["pools.agents.skills: unknown skill 'refunds'"],
    "end_before_start": ["horizon.end: must be after horizon.start"],
    "interval": ["horizon.interval: must divide the horizon"],
    "wrong_length": [
        "inquiry_types.general.arrivals.rate_per_hour: must have one value per interval (8), got 3"
    ],
    "several": ["inquiry_types.general.arrivals.rate_per_hour", "pools.agents.agents"],
    "huge_agents": ["pools.agents.agents"],
    "busyness_dist": ["busyness.dist: must be 'gamma' or 'lognormal', got 'normal'"],
    "busyness_negative_cv": ["busyness.cv: must be > 0", "got -0.15"],
    "busyness_unknown_key": ["busyness: unknown key 'shape'", "expected one of dist, cv"],
}


def write_scenario(folder: Path, data: dict | str, name: str = "broken.yaml") -> Path:
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The runs shared by many tests
# --------------------------------------------------------------------------------------------

# Runs made as real ``python run_sim.py`` processes (started together, so their start-up
# overlaps); every other run of the table goes through ``main`` in-process.
SUBPROCESS_RUNS = {"a", "w2", "broken_negative_rate", "validate_weekday"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, start_cli, run_main, small_scenario_file, repo_root):
    """name -> result; ``runs["dirs"][name]`` is the ``--out`` directory of that run."""
    base = tmp_path_factory.mktemp("cli")
    small = yaml.safe_load(small_scenario_file.read_text(encoding="utf-8"))
    scenario = str(small_scenario_file)
    broken = {
        case: write_scenario(base, _broken(small, case), f"broken_{case}.yaml")
        for case in ("syntax", "negative_rate")
    }
    dirs = {
        name: base / name
        for name in (
            "a", "b", "other_seed", "reps3", "w1", "w2",
            "broken_syntax", "broken_negative_rate", "reps0",
        )
    }  # fmt: skip
    table = {
        "validate_weekday": ["validate", repo_root / "scenarios" / "weekday.yaml"],
        "validate_double11": ["validate", repo_root / "scenarios" / "double11.yaml"],
        "help": ["--help"],
        "a": ["simulate", scenario, "--out", dirs["a"], "--seed", "3"],
        "b": ["simulate", scenario, "--out", dirs["b"], "--seed", "3", "--quiet"],
        "other_seed": ["simulate", scenario, "--out", dirs["other_seed"], "--seed", "4"],
        "reps3": [
            "simulate", scenario, "--out", dirs["reps3"], "--seed", "3", "--replications", "3",
        ],
        "w1": [
            "simulate", scenario, "--out", dirs["w1"], "--seed", "5",
            "--replications", "4", "--workers", "1",
        ],
        "w2": [
            "simulate", scenario, "--out", dirs["w2"], "--seed", "5",
            "--replications", "4", "--workers", "2",
        ],
        "broken_syntax": ["simulate", broken["syntax"], "--out", dirs["broken_syntax"]],
        "broken_negative_rate": [
            "simulate", broken["negative_rate"], "--out", dirs["broken_negative_rate"],
        ],
        "reps0": ["simulate", scenario, "--out", dirs["reps0"], "--replications", "0"],
    }  # fmt: skip
    started = {name: start_cli(*table[name]) for name in SUBPROCESS_RUNS}
    results = {name: run_main(*args) for name, args in table.items() if name not in started}
    results.update({name: run.result() for name, run in started.items()})
    return {"results": results, "dirs": dirs, "broken": broken}


# --------------------------------------------------------------------------------------------
# validate and --help
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["validate_weekday", "validate_double11"])
def test_validate_shipped_scenarios(runs, name):
    result = runs["results"][name]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("ok:")
    assert "Traceback" not in result.stderr


def test_validate_summary_line_describes_the_scenario(runs):
    line = runs["results"]["validate_double11"].stdout
    assert "304 intervals of 15 min" in line
    assert "6 pool(s)" in line and "1 bot(s)" in line and "1 incident(s)" in line


def test_validate_quiet_prints_nothing(run_main, repo_root):
    result = run_main("validate", repo_root / "scenarios" / "weekday.yaml", "--quiet")
    assert result.returncode == 0
    assert result.stdout == ""


def test_top_level_help(runs):
    result = runs["results"]["help"]
    assert result.returncode == 0
    assert "example" in result.stdout
    assert "simulate" in result.stdout and "validate" in result.stdout


@pytest.mark.parametrize("command", ["simulate", "validate"])
def test_command_help(run_main, command):
    result = run_main(command, "--help")
    assert result.returncode == 0
    assert "example" in result.stdout
    assert f"run_sim.py {command}" in result.stdout


def test_no_command_is_a_usage_error(run_main):
    result = run_main()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "usage:" in result.stderr


# --------------------------------------------------------------------------------------------
# simulate: the files written
# --------------------------------------------------------------------------------------------


def test_simulate_writes_all_files(runs):
    result = runs["results"]["a"]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = runs["dirs"]["a"]
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    for name in OUTPUT_FILES:
        assert f"wrote {out / name}" in result.stdout


def test_summary_with_one_replication_has_numbers(runs):
    summary = json.loads((runs["dirs"]["a"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 3
    assert summary["replications"] == 1
    assert summary["intervals"] == len(COUNTED_STARTS)
    assert summary["scenario"] == "small test day"
    for metric in SUMMARY_METRICS:
        value = summary[metric]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (metric, value)
        assert math.isfinite(value), (metric, value)
    assert 0 <= summary["service_level"] <= 1
    assert 0 <= summary["occupancy"] <= 1
    assert summary["answered"] + summary["abandoned"] + summary["still_open"] == pytest.approx(
        summary["offered"]
    )


def test_summary_with_three_replications_has_confidence_intervals(runs):
    path = runs["dirs"]["reps3"] / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert summary["replications"] == 3
    for metric in SUMMARY_METRICS:
        value = summary[metric]
        assert isinstance(value, dict), (metric, value)
        assert set(value) == {"mean", "ci95"}
        low, high = value["ci95"]
        mean = value["mean"]
        assert all(isinstance(v, (int, float)) for v in (low, mean, high)), (metric, value)
        assert low <= mean <= high, (metric, value)


def test_intervals_csv_columns_and_rows(runs):
    header, rows = read_rows(runs["dirs"]["a"] / "intervals.csv")
    first_line = (runs["dirs"]["a"] / "intervals.csv").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(INTERVAL_PREFIX + ",") or first_line == INTERVAL_PREFIX
    assert header[:9] == INTERVAL_PREFIX.split(",")
    # One row per counted interval: the two warm-up intervals (00:00, 00:15) are not there.
    assert [row["interval_start"] for row in rows] == COUNTED_STARTS
    for row in rows:
        assert TIMESTAMP.match(row["interval_start"])
        assert int(row["agents"]) == 5
        assert float(row["offered"]) >= 0


def test_interval_without_inquiries_has_empty_ratio_cells(runs):
    _, rows = read_rows(runs["dirs"]["a"] / "intervals.csv")
    by_start = {row["interval_start"]: row for row in rows}
    empty = by_start[EMPTY_INTERVAL]
    assert float(empty["offered"]) == 0
    assert empty["service_level"] == ""
    assert empty["asa_seconds"] == ""
    for start, row in by_start.items():
        if start != EMPTY_INTERVAL and float(row["offered"]) > 0:
            assert row["service_level"] != "", start
            assert 0 <= float(row["service_level"]) <= 1


def test_types_and_pools_csv(runs):
    header, rows = read_rows(runs["dirs"]["a"] / "types.csv")
    assert header[:2] == ["interval_start", "inquiry_type"]
    assert [row["interval_start"] for row in rows] == COUNTED_STARTS
    assert {row["inquiry_type"] for row in rows} == {"general"}
    header, rows = read_rows(runs["dirs"]["a"] / "pools.csv")
    assert header[:3] == ["interval_start", "pool", "agents"]
    assert [row["interval_start"] for row in rows] == COUNTED_STARTS
    assert {row["pool"] for row in rows} == {"agents"}
    assert all(int(row["agents"]) == 5 for row in rows)


def test_offered_totals_agree_between_files(runs):
    out = runs["dirs"]["a"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    intervals = pd.read_csv(out / "intervals.csv")
    types = pd.read_csv(out / "types.csv")
    assert intervals["offered"].sum() == summary["offered"]
    assert types["offered"].sum() == summary["offered"]


def test_verbose_run_succeeds(run_main, small_scenario_file, tmp_path):
    result = run_main("simulate", small_scenario_file, "--out", tmp_path / "v", "--verbose")
    assert result.returncode == 0, result.stderr
    assert "lowest service level intervals" in result.stdout


def test_out_may_already_exist_as_a_directory(run_main, small_scenario_file, tmp_path):
    out = tmp_path / "existing"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_main("simulate", small_scenario_file, "--out", out, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "intervals.csv").is_file()


# --------------------------------------------------------------------------------------------
# simulate: reproducibility
# --------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_files(runs):
    assert runs["results"]["b"].returncode == 0, runs["results"]["b"].stderr
    for name in OUTPUT_FILES:
        first = (runs["dirs"]["a"] / name).read_bytes()
        second = (runs["dirs"]["b"] / name).read_bytes()
        assert first == second, name


def test_quiet_prints_nothing(runs):
    result = runs["results"]["b"]
    assert result.returncode == 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_different_seed_gives_different_intervals(runs):
    first = (runs["dirs"]["a"] / "intervals.csv").read_bytes()
    other = (runs["dirs"]["other_seed"] / "intervals.csv").read_bytes()
    assert first != other
    summary = json.loads((runs["dirs"]["other_seed"] / "summary.json").read_text())
    assert summary["seed"] == 4


def test_workers_do_not_change_results(runs):
    assert runs["results"]["w2"].returncode == 0, runs["results"]["w2"].stderr
    summary = json.loads((runs["dirs"]["w2"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["replications"] == 4
    for name in OUTPUT_FILES:
        parallel = (runs["dirs"]["w2"] / name).read_bytes()
        serial = (runs["dirs"]["w1"] / name).read_bytes()
        assert parallel == serial, name


# --------------------------------------------------------------------------------------------
# simulate: bad input exits 2, says where, writes nothing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["syntax", "negative_rate"])
def test_broken_scenario_exits_2(runs, case):
    result = runs["results"][f"broken_{case}"]
    path = runs["broken"][case]
    assert_clean_failure(result, runs["dirs"][f"broken_{case}"], path.name, *BROKEN_CASES[case])
    assert result.stdout == ""
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())


@pytest.mark.parametrize("case", list(BROKEN_CASES))
def test_broken_scenario_in_process(run_main, small_scenario_dict, tmp_path, case):
    scenario = write_scenario(tmp_path, _broken(small_scenario_dict, case), "broken.yaml")
    out = tmp_path / "out"
    result = run_main("simulate", scenario, "--out", out)
    assert_clean_failure(result, out, "broken.yaml", *BROKEN_CASES[case])
    for line in result.stderr.splitlines():
        assert line.startswith("error: broken.yaml: "), line


def test_several_problems_are_reported_on_separate_lines(run_main, small_scenario_dict, tmp_path):
    scenario = write_scenario(tmp_path, _broken(small_scenario_dict, "several"))
    result = run_main("validate", scenario)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 2, result.stderr


def test_validate_broken_scenario_exits_2(run_main, small_scenario_dict, tmp_path):
    scenario = write_scenario(tmp_path, _broken(small_scenario_dict, "unknown_channel"))
    result = run_main("validate", scenario)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert "broken.yaml: inquiry_types.general.channel: unknown channel 'fax'" in result.stderr


def test_missing_scenario_file(run_main, tmp_path):
    out = tmp_path / "out"
    result = run_main("simulate", tmp_path / "nope.yaml", "--out", out)
    assert_clean_failure(result, out, "nope.yaml", "no such file")


def test_replications_zero_exits_2(runs):
    result = runs["results"]["reps0"]
    assert_clean_failure(result, runs["dirs"]["reps0"], "--replications")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--seed", "-1"], "--seed"),
        (["--seed", "x"], "--seed"),
        (["--replications", "0"], "--replications"),
        (["--replications", "1.5"], "--replications"),
        (["--workers", "0"], "--workers"),
        (["--workers", "-2"], "--workers"),
        (["--quiet", "--verbose"], "--verbose"),
        (["--unknown-option"], "--unknown-option"),
    ],
)
def test_bad_cli_values_exit_2(run_main, small_scenario_file, tmp_path, args, option):
    out = tmp_path / "out"
    result = run_main("simulate", small_scenario_file, "--out", out, *args)
    assert_clean_failure(result, out, option)


def test_missing_out_option_exits_2(run_main, small_scenario_file):
    result = run_main("simulate", small_scenario_file)
    assert result.returncode == 2
    assert "--out" in result.stderr


def test_out_that_is_a_file_exits_2(run_main, small_scenario_file, tmp_path):
    out = tmp_path / "taken"
    out.write_text("not a directory", encoding="utf-8")
    result = run_main("simulate", small_scenario_file, "--out", out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--out" in result.stderr
    assert out.read_text(encoding="utf-8") == "not a directory"


# --------------------------------------------------------------------------------------------
# Random days: busyness in simulate, --confidence in staff
# --------------------------------------------------------------------------------------------


@pytest.fixture
def busy_scenario_file(small_scenario_dict, tmp_path) -> Path:
    small_scenario_dict["busyness"] = {"dist": "gamma", "cv": 0.15}
    return write_scenario(tmp_path, small_scenario_dict, "busy.yaml")


def test_simulate_with_busyness_reports_each_days_factor(run_main, busy_scenario_file, tmp_path):
    out = tmp_path / "out"
    result = run_main("simulate", busy_scenario_file, "--out", out, "--replications", "3")
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    factors = summary["busyness"]["day_factors"]
    assert summary["busyness"]["dist"] == "gamma" and summary["busyness"]["cv"] == 0.15
    assert len(factors) == 3 and len(set(factors)) == 3 and all(f > 0 for f in factors)
    assert f"arrival rates × {min(factors):.3f} to {max(factors):.3f}" in result.stdout
    assert 0 <= summary["busyness"]["days_meeting_target"] <= 1
    for metric in SUMMARY_METRICS:
        low, high = summary[metric]["ci95"]
        assert low <= summary[metric]["mean"] <= high, metric


def test_summary_without_busyness_has_no_busyness_entry(runs):
    summary = json.loads((runs["dirs"]["reps3"] / "summary.json").read_text(encoding="utf-8"))
    assert "busyness" not in summary


def test_staff_at_a_confidence_level(run_main, busy_scenario_file, tmp_path):
    mean_out, q_out = tmp_path / "mean", tmp_path / "q"
    mean_day = run_main("staff", busy_scenario_file, "--method", "erlang", "--out", mean_out)
    at_q = run_main(
        "staff", busy_scenario_file, "--method", "erlang", "--out", q_out, "--confidence", "0.9"
    )
    assert mean_day.returncode == 0 and at_q.returncode == 0, (mean_day.stderr, at_q.stderr)
    assert "staffed for the mean day" in mean_day.stdout
    shape = 1 / 0.15**2
    b_q = stats.gamma.ppf(0.9, shape, scale=1 / shape)
    assert "confidence 0.9: " in at_q.stdout and f"× {b_q:.4f}" in at_q.stdout
    mean_table = pd.read_csv(mean_out / "requirements.csv")
    q_table = pd.read_csv(q_out / "requirements.csv")
    assert list(q_table.columns) == list(mean_table.columns)
    assert (q_table["agents"] >= mean_table["agents"]).all()
    assert q_table["agents"].sum() > mean_table["agents"].sum()
    np.testing.assert_allclose(q_table["offered_load"], b_q * mean_table["offered_load"])


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.2", "nan", "high"])
def test_staff_bad_confidence_exits_2(run_main, busy_scenario_file, tmp_path, value):
    out = tmp_path / "out"
    result = run_main("staff", busy_scenario_file, "--out", out, "--confidence", value)
    assert_clean_failure(result, out, "--confidence", "between 0 and 1")


def test_staff_confidence_without_busyness_exits_2(run_main, small_scenario_file, tmp_path):
    out = tmp_path / "out"
    result = run_main("staff", small_scenario_file, "--out", out, "--confidence", "0.9")
    assert_clean_failure(result, out, f"error: {small_scenario_file.name}: busyness: ")


# --------------------------------------------------------------------------------------------
# Atomic writes (surgeplan.io)
# --------------------------------------------------------------------------------------------


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {"interval_start": ["2026-11-11 00:00", "2026-11-11 00:15"], "x": [0.5, np.nan]}
    )


def test_write_csv_leaves_only_the_file(tmp_path):
    path = write_csv(tmp_path / "sub" / "t.csv", _table())
    assert path == tmp_path / "sub" / "t.csv"
    assert os.listdir(tmp_path / "sub") == ["t.csv"]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines() == ["interval_start,x", "2026-11-11 00:00,0.5", "2026-11-11 00:15,"]


def test_write_json_leaves_only_the_file_and_writes_strict_json(tmp_path):
    data = {"a": 1, "b": float("nan"), "c": [1.5, float("inf")], "d": {"e": None}}
    path = write_json(tmp_path / "s.json", data)
    assert os.listdir(tmp_path) == ["s.json"]
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": 1, "b": None, "c": [1.5, None], "d": {"e": None}}


def test_overwrite_replaces_content(tmp_path):
    path = tmp_path / "s.json"
    write_json(path, {"v": 1})
    write_json(path, {"v": 2})
    assert json.loads(path.read_text(encoding="utf-8")) == {"v": 2}
    assert os.listdir(tmp_path) == ["s.json"]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
@pytest.mark.parametrize("writer", ["csv", "json"])
def test_failed_replace_keeps_old_file_and_no_temp(tmp_path, monkeypatch, writer, error):
    path = tmp_path / ("t.csv" if writer == "csv" else "t.json")
    path.write_text("previous content\n", encoding="utf-8")

    def boom(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(type(error)):
        if writer == "csv":
            write_csv(path, _table())
        else:
            write_json(path, {"v": 1})
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "previous content\n"
    assert os.listdir(tmp_path) == [path.name]


def test_failed_write_midway_keeps_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "t.txt"
    path.write_text("previous content\n", encoding="utf-8")

    def boom(_fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="I/O error"):
        atomic_write_text(path, "new content that never lands\n")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "previous content\n"
    assert os.listdir(tmp_path) == ["t.txt"]


def test_csv_written_by_write_csv_reads_back(tmp_path):
    table = _table()
    path = write_csv(tmp_path / "t.csv", table)
    back = pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")))
    assert list(back.columns) == list(table.columns)
    assert back["x"].iloc[0] == 0.5
    assert math.isnan(back["x"].iloc[1])
