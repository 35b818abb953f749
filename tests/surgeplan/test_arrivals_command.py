"""``run_sim.py arrivals``: the forecast table and figure, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import Scenario
from surgeplan.arrival_curves import ARRIVAL_COLUMNS


def test_writes_the_table_and_the_figure(run_main, repo_root, tmp_path):
    scenario_path = repo_root / "scenarios" / "double11_launch.yaml"
    out = tmp_path / "out"
    result = run_main("arrivals", scenario_path, "--out", out)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "arrivals.csv")
    assert list(table.columns) == ARRIVAL_COLUMNS
    scenario = Scenario.from_yaml(scenario_path)
    for name in scenario.inquiry_types:
        rows = table[table["inquiry_type"] == name]
        assert len(rows) == scenario.n_intervals  # warm-up included
        assert rows["expected_arrivals"].sum() == pytest.approx(
            scenario.expected_arrivals(name).sum(), rel=1e-9
        )
    assert (out / "arrivals.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "payment (promo_surge)" in result.stdout
    assert "peak rate 3,384/h at 2026-11-11 00:00" in result.stdout


def test_prints_a_profiles_fit_error(run_main, tmp_path, write_yaml):
    rows = ["timestamp,calls"]
    for day in range(14):
        for hour in range(24):
            rows.append(f"2026-10-{day + 1:02d} {hour:02d}:00,{20 + hour + (day % 3)}")
    (tmp_path / "history.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = {
        "name": "profile",
        "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00", "interval": "15min"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {
            "calls": {
                "channel": "phone",
                "arrivals": {
                    "model": "historical",
                    "file": "history.csv",
                    "column": "calls",
                    "method": "profile",
                },
                "handle_time": {"dist": "exponential", "mean": "4min"},
            }
        },
        "pools": {"agents": {"skills": ["calls"], "agents": 3}},
    }
    result = run_main("arrivals", write_yaml(data, "profile.yaml"), "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "weekly profile of 168 slots of 1h from 336 records (2.0 per slot)" in result.stdout
    assert "fit error: WAPE" in result.stdout


def test_a_broken_scenario_exits_2_and_writes_nothing(run_main, tmp_path, write_yaml):
    data = {
        "name": "broken",
        "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {
            "calls": {
                "channel": "phone",
                "arrivals": {"model": "promo_surge", "profile_per_hour": [100] * 23},
                "handle_time": {"dist": "exponential", "mean": "4min"},
            }
        },
        "pools": {"agents": {"skills": ["calls"], "agents": 3}},
    }
    out = tmp_path / "out"
    result = run_main("arrivals", write_yaml(data, "broken.yaml"), "--out", out)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: broken.yaml: inquiry_types.calls.arrivals.profile_per_hour: must have 24 "
        "values, one per clock hour (00:00, 01:00, … 23:00), got 23"
    )
    assert not out.exists()
