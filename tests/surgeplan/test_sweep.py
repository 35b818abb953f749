"""What-if sweeps: the grid and the cases, seeds that do not depend on the worker (processes
and a real Dask LocalCluster give the same table bit for bit), resuming after a SIGKILL with
no row missing or duplicated, summary.csv's intervals, and bad variants refused up front."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from surgeplan import sweep
from surgeplan.sweeps.tasks import task_seed

ROOT = Path(__file__).resolve().parents[2]

BASE = {
    "name": "sweep base",
    "horizon": {"start": "2026-11-11 08:00", "end": "2026-11-11 11:00", "interval": "15min"},
    "warmup": "0s",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {"patience": {"dist": "exponential", "mean": "120s"}}},
    "inquiry_types": {
        "general": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 300},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        }
    },
    "pools": {"agents": {"skills": ["general"], "agents": 25}},
}

GRID = {
    "base": "base.yaml",
    "run": "simulate",
    "vary": {
        "inquiry_types.general.arrivals.rate_per_hour": [250, 350],
        "channels.phone.patience.mean": ["60s", "120s"],
        "pools.agents.agents": [22, 25],
    },
    "replications": 3,
    "seed": 7,
    "metrics": ["service_level", "abandon_rate"],
}


def write_sweep(folder: Path, spec: dict, name: str = "sweep.yaml") -> Path:
    (folder / "base.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    path = folder / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid")
    path = write_sweep(folder, GRID)
    return path, sweep(path, folder / "one", workers=1)


def test_a_grid_gives_one_row_per_variant_and_replication(grid_run):
    path, table = grid_run
    paths = list(GRID["vary"])
    assert list(table.columns[:6]) == [*paths, "variant", "replication", "seed"]
    assert len(table) == 8 * 3 and not table.duplicated(["variant", "replication"]).any()
    assert table["channels.phone.patience.mean"].tolist()[:3] == ["60s"] * 3  # as written
    first = table.iloc[0]
    assert first["seed"] == task_seed(7, 0, 0)
    assert {"service_level", "abandon_rate", "offered", "funnel.inquiries"} <= set(table.columns)
    on_disk = pd.read_parquet(path.parent / "one" / "results.parquet")
    pd.testing.assert_frame_equal(on_disk, table)
    # More agents, same load and patience: never a worse mean service level.
    means = table.groupby(paths)["service_level"].mean()
    for rate in (250, 350):
        for patience in ("60s", "120s"):
            assert means[(rate, patience, 25)] >= means[(rate, patience, 22)]


def test_workers_do_not_change_a_number(grid_run, tmp_path):
    path, table = grid_run
    again = sweep(path, tmp_path / "two", workers=2)
    pd.testing.assert_frame_equal(again, table)


def test_a_dask_local_cluster_gives_the_same_table_bit_for_bit(grid_run, tmp_path):
    pytest.importorskip("distributed")
    path, table = grid_run
    on_dask = sweep(path, tmp_path / "dask", workers=2, backend="dask")
    pd.testing.assert_frame_equal(on_dask, table)


def test_summary_gives_mean_and_t_interval_per_variant(grid_run):
    path, table = grid_run
    summary = pd.read_csv(path.parent / "one" / "summary.csv")
    assert len(summary) == 8 and (summary["replications"] == 3).all()
    values = table[table["variant"] == "v0000"]["service_level"].to_numpy()
    row = summary[summary["variant"] == "v0000"].iloc[0]
    half = stats.t.ppf(0.975, 2) * values.std(ddof=1) / np.sqrt(3)
    assert row["service_level_mean"] == pytest.approx(values.mean())
    assert row["service_level_ci95_low"] == pytest.approx(values.mean() - half)
    assert (path.parent / "one" / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cases_name_hand_picked_variants(tmp_path):
    spec = {
        "base": "base.yaml",
        "cases": [
            {"name": "today", "pools.agents.agents": 25},
            {"name": "busy and short", "pools.agents.agents": 22,
             "inquiry_types.general.arrivals.rate_per_hour": 350},
        ],
        "replications": 2,
        "metrics": ["service_level"],
    }  # fmt: skip
    table = sweep(write_sweep(tmp_path, spec), tmp_path / "out")
    assert table["variant"].drop_duplicates().tolist() == ["today", "busy and short"]
    busy = table[table["variant"] == "busy and short"]
    assert (busy["inquiry_types.general.arrivals.rate_per_hour"] == 350).all()


def test_a_killed_sweep_resumes_with_nothing_missing_or_twice(grid_run, tmp_path):
    """SIGKILL once some part files exist; the same command then runs only what is missing,
    and the table equals an uninterrupted run's."""
    path, table = grid_run
    spec = dict(GRID, replications=40)  # 320 tasks, several seconds on one worker
    sweep_path = write_sweep(tmp_path, spec)
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "run_sim.py"), "sweep", str(sweep_path), "--out",
               str(out), "--workers", "1", "--quiet"]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((out / "parts").glob("part-*.parquet")):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "results.parquet").exists()  # killed before the end
    parts = list((out / "parts").glob("part-*.parquet"))
    assert parts and all(pd.read_parquet(p).shape[0] > 0 for p in parts)  # whole files only
    done_before = sum(pd.read_parquet(p).shape[0] for p in parts)
    assert 0 < done_before < 320
    resumed = subprocess.run(command, env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    result = pd.read_parquet(out / "results.parquet")
    assert len(result) == 320 and not result.duplicated(["variant", "replication"]).any()
    fresh = sweep(sweep_path, tmp_path / "fresh", workers=2)
    pd.testing.assert_frame_equal(result, fresh)
    assert not list((out / "parts").glob("part-*.parquet"))


def test_a_bad_variant_is_refused_before_anything_runs(run_main, tmp_path):
    spec = dict(GRID, vary={**GRID["vary"], "pools.agents.agents": [22, -3]})
    path = write_sweep(tmp_path, spec)
    out = tmp_path / "out"
    result = run_main("sweep", path, "--out", out)
    assert result.returncode == 2
    assert (
        "variant v0001 (" in result.stderr and "pools.agents.agents: must be ≥ 0" in result.stderr
    )
    assert not out.exists()
    spec = dict(GRID, vary={"pools.agent.agents": [22]})
    result = run_main("sweep", write_sweep(tmp_path, spec, "typo.yaml"), "--out", out)
    assert result.returncode == 2
    assert "typo.yaml: vary.pools.agent.agents: pools.agent: not in the base scenario" in (
        result.stderr
    )
    assert not out.exists()


def test_another_sweep_cannot_reuse_a_directory(grid_run, run_main, tmp_path):
    path, _ = grid_run
    other = write_sweep(tmp_path, dict(GRID, seed=8))
    result = run_main("sweep", other, "--out", path.parent / "one")
    assert result.returncode == 2 and "holds the results of another sweep" in result.stderr


def test_a_staff_sweep_gives_agent_hours_that_grow_with_the_load(tmp_path):
    """run: staff — Erlang requirements per variant; a heavier load needs more agent-hours,
    and the replications of a deterministic method agree exactly."""
    spec = {
        "base": "base.yaml",
        "run": "staff",
        "method": "erlang",
        "vary": {"inquiry_types.general.arrivals.rate_per_hour": [200, 400]},
        "replications": 2,
        "metrics": ["agent_hours"],
    }
    table = sweep(write_sweep(tmp_path, spec), tmp_path / "out")
    hours = table.groupby("inquiry_types.general.arrivals.rate_per_hour")["agent_hours"]
    assert (hours.nunique() == 1).all()
    assert hours.first()[400] > hours.first()[200] > 0
    assert {"agent_hours_rostered", "peak_agents"} <= set(table.columns)


def test_a_plan_sweep_prices_the_roster_of_each_variant(tmp_path):
    """run: plan — each variant's roster is priced at its own hourly cost: cost = rate x
    shifts x 2 h (2-hour shifts, no overtime), whatever roster each rate leads to."""
    base = dict(BASE, roster={
        "agent_classes": [{"pools": ["agents"], "contract": "short", "count": 60}],
        "contracts": {"short": {"shift_lengths": ["2h"], "cost_per_hour": 20}},
        "shifts": {"start_every": "15min", "lengths": ["2h"]},
    })  # fmt: skip
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    spec = {
        "base": "base.yaml",
        "run": "plan",
        "method": "erlang",
        "vary": {"roster.contracts.short.cost_per_hour": [20, 30]},
        "metrics": ["roster_cost", "service_level"],
    }
    path = tmp_path / "plan_sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    table = sweep(path, tmp_path / "out").set_index("roster.contracts.short.cost_per_hour")
    for rate in (20, 30):
        assert table.loc[rate, "shifts"] > 0
        assert table.loc[rate, "roster_cost"] == pytest.approx(rate * 2 * table.loc[rate, "shifts"])
