"""Staffing requirements: Erlang/SIPP, lagged offered load and ISA."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimize.staffing import REQUIREMENT_COLUMNS, Targets, staff
from optimize.staffing.isa import staffing_from_samples
from optimize.staffing.targets import agents_for, delay_probability_target
from sim import Scenario
from sim.erlang import erlang_a, erlang_c_agents

ROOT = Path(__file__).resolve().parents[2]
AHT = 360.0
PATIENCE = 240.0


def scenario(rates, patience=PATIENCE, warmup="2h", interval="15min", agents=10, **pool):
    n = len(rates)
    minutes = n * 15 if interval == "15min" else n * 60
    start = pd.Timestamp("2026-11-10 22:00")
    end = start + pd.Timedelta(minutes=minutes)
    channel = {} if patience is None else {"patience": {"dist": "exponential", "mean": patience}}
    return Scenario.from_dict(
        {
            "name": "staffing test",
            "horizon": {
                "start": f"{start:%Y-%m-%d %H:%M}",
                "end": f"{end:%Y-%m-%d %H:%M}",
                "interval": interval,
            },
            "warmup": warmup,
            "service_level": {"answer_within": "20s", "target": 0.8},
            "channels": {"phone": channel},
            "inquiry_types": {
                "general": {
                    "channel": "phone",
                    "arrivals": {"rate_per_hour": list(rates)},
                    "handle_time": {"dist": "exponential", "mean": AHT},
                }
            },
            "pools": {"agents": {"skills": ["general"], "agents": agents, **pool}},
        }
    )


def sinusoid(mean, amplitude, hours, period_hours=12.0, warmup_intervals=8):
    t = (np.arange(warmup_intervals + hours * 4) - warmup_intervals + 0.5) * 0.25
    return np.round(mean + amplitude * np.sin(2 * np.pi * t / period_hours), 3)


TARGETS = Targets(answer_within_seconds=20.0, service_level=0.8)


def test_erlang_method_is_the_analytic_minimum_per_interval():
    rates = [0, 50, 200, 900, 400, 120, 600, 30]
    result = staff(scenario(rates, warmup="0s"), "erlang")
    table = result.table
    assert list(table.columns) == REQUIREMENT_COLUMNS
    for rate, row in zip(rates, table.itertuples(), strict=True):
        if rate == 0:
            assert row.agents == 0
            continue
        n = row.agents
        assert erlang_a(n, rate, AHT, PATIENCE, 20).service_level >= 0.8
        assert n == 1 or erlang_a(n - 1, rate, AHT, PATIENCE, 20).service_level < 0.8
        assert row.offered_load == pytest.approx(rate * AHT / 3600)


def test_without_patience_the_erlang_method_is_erlang_c():
    rates = [120, 480, 960]
    table = staff(scenario(rates, patience=None, warmup="0s"), "erlang").table
    expected = [erlang_c_agents(r * AHT / 3600, AHT, 20, 0.8) for r in rates]
    assert table["agents"].tolist() == expected


def test_caps_raise_staffing_where_they_bind():
    base, _ = agents_for(900, AHT, PATIENCE, TARGETS)
    capped, result = agents_for(
        900,
        AHT,
        PATIENCE,
        Targets(20.0, 0.8, max_occupancy=0.8, max_asa_seconds=5.0, max_abandon_rate=0.01),
    )
    assert capped > base
    assert result.occupancy <= 0.8 and result.asa_seconds <= 5 and result.p_abandon <= 0.01
    before = erlang_a(capped - 1, 900, AHT, PATIENCE, 20)
    assert before.occupancy > 0.8 or before.asa_seconds > 5 or before.p_abandon > 0.01


def test_rostered_agents_are_grossed_up_by_shrinkage_and_absenteeism():
    table = staff(scenario([600] * 8, warmup="0s", shrinkage=0.3, absenteeism=0.1), "erlang").table
    expected = np.ceil(table["agents"] / (0.7 * 0.9) - 1e-9).astype(int)
    assert (table["agents_rostered"] == expected).all()
    assert (table["agents_rostered"] > table["agents"]).all()


def test_lagged_below_sipp_while_rising_and_above_just_after_the_peak():
    rates = sinusoid(600, 300, hours=24)
    sc = scenario(rates)
    erlang = staff(sc, "erlang").table
    lagged = staff(sc, "lagged").table
    counted = slice(8, None)
    rate = rates[counted]
    diff = (lagged["agents"].to_numpy() - erlang["agents"].to_numpy())[counted]
    rising = np.diff(rate, prepend=rate[0]) > 0
    rising[0] = False
    assert (diff[rising] <= 0).all()
    peaks = [i for i in range(1, len(rate) - 1) if rate[i] >= rate[i - 1] and rate[i] > rate[i + 1]]
    assert peaks
    for peak in peaks:
        assert (diff[peak + 1 : peak + 5] >= 0).all()
        assert diff[peak + 1 : peak + 5].sum() > 0


@pytest.mark.parametrize("method", ["erlang", "lagged", "isa"])
def test_stationary_load_all_methods_agree_with_erlang_within_one_agent(method):
    rate = 400.0
    sc = scenario([rate] * 16, warmup="1h")
    result = staff(sc, method, seed=3, replications=16)
    expected, _ = agents_for(rate, AHT, PATIENCE, TARGETS)
    counted = result.table["agents"].to_numpy()[4:]
    assert np.abs(counted - expected).max() <= 1, (counted, expected)


def test_delay_target_moves_with_load():
    # For 80 % in 20 s, AHT 6 min, patience 4 min, the matching P(wait) grows with load.
    low = delay_probability_target(1500, AHT, PATIENCE, TARGETS)
    high = delay_probability_target(4500, AHT, PATIENCE, TARGETS)
    assert 0.4 < low < high < 0.75


def test_staffing_from_samples_is_the_smallest_level_meeting_alpha():
    rng = np.random.default_rng(4)
    samples = rng.poisson(30, 5000)
    for alpha in (0.05, 0.3, 0.6, 0.95):
        s = staffing_from_samples(samples, alpha)
        assert (samples >= s).mean() <= alpha
        assert (samples >= s - 1).mean() > alpha
    assert staffing_from_samples(samples, 1.0) == 0
    assert staffing_from_samples(np.array([]), 0.5) == 0


def test_requirements_round_trip_through_simulate(tmp_path):
    out = tmp_path / "req"
    scenario_file = ROOT / "scenarios" / "weekday.yaml"
    done = subprocess.run(
        [
            sys.executable,
            "run_sim.py",
            "staff",
            str(scenario_file),
            "--method",
            "lagged",
            "--compare",
            "erlang",
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "requirements.png").stat().st_size > 10_000
    requirements = pd.read_csv(out / "requirements.csv")
    assert set(requirements["method"]) == {"lagged"}
    assert set(pd.read_csv(out / "requirements_compare.csv")["method"]) == {"lagged", "erlang"}
    check = tmp_path / "check"
    done = subprocess.run(
        [
            sys.executable,
            "run_sim.py",
            "simulate",
            str(scenario_file),
            "--staffing",
            str(out / "requirements.csv"),
            "--out",
            str(check),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    intervals = pd.read_csv(check / "intervals.csv")
    expected = requirements.groupby("interval_start", sort=False)["agents"].sum()
    assert intervals.set_index("interval_start")["agents"].to_dict() == expected.to_dict()
    # The comparison file holds two methods and is refused as a staffing file.
    done = subprocess.run(
        [
            sys.executable,
            "run_sim.py",
            "simulate",
            str(scenario_file),
            "--staffing",
            str(out / "requirements_compare.csv"),
            "--out",
            str(tmp_path / "no"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "requirements_compare.csv: line" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "no").exists()


def test_target_of_one_cannot_be_staffed():
    data = scenario([100] * 4, warmup="0s").model_dump()
    data["service_level"]["target"] = 1.0
    with pytest.raises(Exception, match="below 1"):
        staff(Scenario.from_dict(data), "erlang")
    assert math.isfinite(AHT)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--compare", "erlang,magic"], "--compare"),
        (["--max-abandon", "1.5"], "--max-abandon"),
        (["--max-asa", "5x"], "unknown duration unit"),
    ],
)
def test_staff_rejects_bad_options_without_writing(tmp_path, extra, needle):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "run_sim.py",
            "staff",
            "scenarios/weekday.yaml",
            "--out",
            str(out),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_staff_on_a_broken_scenario_names_the_field(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "scenarios" / "weekday.yaml").read_text()
    broken.write_text(text.replace("target: 0.9", "target: -0.9"))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "run_sim.py", "staff", str(broken), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "broken.yaml: service_level.target: must be > 0" in done.stderr
    assert not out.exists()
