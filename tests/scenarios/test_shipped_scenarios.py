"""Every shipped scenario validates, is up to date with the scripts that write parts of it,
simulates a slice with its customer funnel balanced, and stays within the bounds its forecast
and its bot set; ``plan`` on a two-day slice of double11 gives a roster the audit finds
lawful."""

from __future__ import annotations

import importlib.util
import math
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import Scenario, simulate
from surgeplan.arrival_curves import arrivals_table

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
PROMOTIONS = ["double11.yaml", "618.yaml", "black_friday.yaml", "weekday.yaml"]

# A busy window of each file: its launch where it has one.
SLICES = {
    "double11.yaml": ("2026-11-10 23:00", "2026-11-11 03:00"),
    "618.yaml": ("2026-06-17 19:00", "2026-06-17 23:00"),
    "black_friday.yaml": ("2026-11-27 00:00", "2026-11-27 04:00"),
    "weekday.yaml": ("2026-10-21 10:00", "2026-10-21 14:00"),
    "double11_launch.yaml": ("2026-11-10 23:00", "2026-11-11 03:00"),
    "double11_week.yaml": ("2026-11-10 23:00", "2026-11-11 03:00"),
    "sinusoid_2day.yaml": ("2026-11-11 06:00", "2026-11-11 10:00"),
}


FORMAT = "%Y-%m-%d %H:%M"


def sliced_data(path: Path, start: str, end: str) -> dict[str, Any]:
    """The YAML data of ``path`` on ``[start, end)``: per-interval lists cut to the window, no
    warm-up, incidents and peak windows outside it dropped (those crossing it clipped), the
    agents file named by its absolute path (so the data can be written anywhere)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    horizon = Scenario.from_yaml(path).horizon  # the whole file must be valid first
    step = horizon.interval
    first = int((datetime.strptime(start, FORMAT) - horizon.start).total_seconds() // step)
    last = int((datetime.strptime(end, FORMAT) - horizon.start).total_seconds() // step)
    data["horizon"] = {**data["horizon"], "start": start, "end": end}
    data["warmup"] = "0s"

    def cut(values):
        return values[first:last] if isinstance(values, list) else values

    for pool in data["pools"].values():
        pool["agents"] = cut(pool.get("agents", 0))
    for kind in data["inquiry_types"].values():
        arrivals = kind["arrivals"]
        if isinstance(arrivals, dict) and "rate_per_hour" in arrivals:
            arrivals["rate_per_hour"] = cut(arrivals["rate_per_hour"])
    incidents = [
        {**item, "start": max(item["start"], start), "end": min(item["end"], end)}
        for item in data.pop("incidents", None) or []
        if item["start"] < end and item["end"] > start
    ]
    if incidents:
        data["incidents"] = incidents
    roster = data.get("roster")
    if roster:
        if roster.get("agents_file"):
            roster["agents_file"] = str(path.parent / roster["agents_file"])
        costs = roster.get("costs", {})
        if costs.get("peaks"):
            costs["peaks"] = [
                {**peak, "start": max(peak["start"], start), "end": min(peak["end"], end)}
                for peak in costs["peaks"]
                if peak["start"] < end and peak["end"] > start
            ]
    return data


def sliced(path: Path, start: str, end: str) -> Scenario:
    return Scenario.from_dict(sliced_data(path, start, end), source=path.name)


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, SCENARIOS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def test_the_promotions_ship():
    assert set(PROMOTIONS) <= {path.name for path in SHIPPED}
    assert set(SLICES) == {path.name for path in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_scenario_validates_with_its_agents(path):
    scenario = Scenario.from_yaml(path)
    if scenario.roster is not None and scenario.roster.agents_file is not None:
        from surgeplan.agents_file import load_agents

        agents = load_agents(scenario)
        assert len(agents) >= 100
        pools = {pool for agent in agents for pool in agent.pools}
        assert pools <= set(scenario.pools)


def test_agent_files_are_what_the_script_writes():
    module = _script("make_agents")
    for name, team in module.TEAMS.items():
        shipped = (SCENARIOS / f"agents_{name}.csv").read_text(encoding="utf-8")
        assert module.agents_csv(team) == shipped, name


@pytest.mark.parametrize("name", PROMOTIONS)
def test_pencilled_staffing_is_up_to_date(name):
    """The pools' lists are the script's Erlang staffing of the file's own forecast: an edit
    of the arrivals without rerunning the script fails here."""
    module = _script("pencil_staffing")
    path = SCENARIOS / name
    assert module.rewrite(path) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_a_slice_balances_its_funnel_and_stays_in_its_bounds(path):
    start, end = SLICES[path.name]
    scenario = sliced(path, start, end)
    replications = 3
    result = simulate(scenario, seed=5, replications=replications)
    funnel = result.summary["funnel"]["per_replication"]
    # Every customer ends somewhere, exactly.
    for run in funnel:
        assert run["inquiries"] == (
            run["resolved_by_bot"] + run["answered"] + run["lost"] + run["still_open"]
        )
        assert run["still_open"] == 0 or any(c.patience is None for c in scenario.channels.values())
    # Inquiries: each replication is Poisson given its day's busyness B (mean 1, cv c), so
    # Var = E + E²c² around the forecast E; 4.5 standard deviations.
    expected = arrivals_table(scenario)["expected_arrivals"].sum()
    cv = scenario.busyness.cv if scenario.busyness is not None else 0.0
    sd = math.sqrt(expected + (expected * cv) ** 2)
    for run in funnel:
        assert abs(run["inquiries"] - expected) <= 4.5 * sd, (run["inquiries"], expected)
    # Containment is the bot's resolved share up to binomial noise over its sessions.
    for name, bot in scenario.bots.items():
        bots = result.bots[result.bots["bot"] == name]
        sessions = bots["sessions"].sum() * replications
        resolved = bots["resolved"].sum() * replications
        p = bot.outcomes.resolved
        assert sessions > 1000
        assert abs(resolved / sessions - p) <= 4.5 * math.sqrt(p * (1 - p) / sessions)
    # People answer what reaches them: the live queues' counts add up interval by interval.
    table = result.intervals
    np.testing.assert_allclose(
        table["offered"], table["answered"] + table["abandoned"] + table["still_open"]
    )


def test_plan_on_two_days_of_double11_gives_a_lawful_roster(tmp_path, run_main):
    """The whole loop on the 11th and 12th of the event (the launch, the evening round and
    the first logistics wave), quickly: Erlang requirements, 2 replications, one repair round;
    the roster it keeps passes the independent audit."""
    data = sliced_data(SCENARIOS / "double11.yaml", "2026-11-11 00:00", "2026-11-13 00:00")
    path = tmp_path / "double11_two_days.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    planned = run_main(
        "plan", path, "--out", out, "--method", "erlang", "--replications", "2",
        "--rounds", "1", "--time-limit", "20", "--workers", "1", "--quiet",
    )  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    roster = pd.read_csv(out / "roster.csv")
    assert roster["agent"].nunique() > 200 and len(roster) > 400
    audited = run_main("audit", out / "roster.csv", "--scenario", path)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    rounds = pd.read_csv(out / "rounds.csv")
    assert rounds["kept"].sum() == 1
    assert rounds["email_within_deadline"].notna().all()
    assert rounds["complaints_closed_within_72h"].notna().all()
