"""The pyworkforce roster benchmark poses one instance in two encodings: these tests check that
surgeplan's templates cover exactly what pyworkforce's masks cover, that the requirement table
is pyworkforce's rows moved onto operational days, and that each shift costs the same.

None of this needs pyworkforce; only the last, optional test solves its example with it.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta

import numpy as np
import pytest

from optimize.roster import prepare
from sim.scenario.roster_checks import roster_problems


def _load(repo_root, name):
    spec = importlib.util.spec_from_file_location(name, repo_root / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench(repo_root):
    return _load(repo_root, "roster_pyworkforce")


@pytest.fixture(scope="module")
def run_module(repo_root):
    return _load(repo_root, "run")


def _instances(bench):
    return [bench.example_instance(), bench.week_instance(1), bench.week_instance(2, weeks=2)]


def _data(bench, instance):
    requirements = bench.surgeplan_requirements(instance)
    horizon = bench.horizon_of(instance)
    return prepare(requirements, [], bench.surgeplan_section(), horizon, temporaries=False)


def test_the_section_passes_the_scenario_cross_checks(bench):
    for instance in _instances(bench):
        horizon = bench.horizon_of(instance)
        assert list(roster_problems(bench.surgeplan_section(), horizon, [bench.POOL])) == []


def test_templates_cover_exactly_what_the_masks_cover(bench):
    """Coverage matrices, rows (day, shift) × columns (day, period), built both ways."""
    names = list(bench.PYWORKFORCE_SHIFTS)
    for instance in _instances(bench):
        days, periods = instance.days, instance.periods
        masks = np.array(list(bench.pyworkforce_masks(instance.per_hour).values()))
        theirs = np.zeros((days, len(names), days, periods))
        for d in range(days):
            theirs[d, :, d, :] = masks

        data = _data(bench, instance)
        column = {
            bench.moment_of(instance, d, p): (d, p) for d in range(days) for p in range(periods)
        }
        assert len(column) == len(data.interval_starts) == days * periods
        ours = np.zeros_like(theirs)
        assert len(data.templates) == days * len(names)  # each template once per day
        for i, start in enumerate(data.interval_starts):
            d_col, p_col = column[start]
            for key, share in data.cover.get(i, []):
                t = data.templates[key]
                assert share == 1.0  # shifts start and end on interval boundaries
                ours[t.day, names.index(t.name), d_col, p_col] = 1
        assert (ours == theirs).all(), instance.name


def test_requirement_table_is_pyworkforces_rows_on_operational_days(bench):
    for instance in _instances(bench):
        table = bench.surgeplan_requirements(instance)
        horizon = bench.horizon_of(instance)
        assert list(table["interval_start"]) == horizon.interval_starts()
        by_moment = dict(zip(table["interval_start"], table["required"], strict=True))
        for d in range(instance.days):
            for p in range(instance.periods):
                assert by_moment[bench.moment_of(instance, d, p)] == instance.required[d, p]
        # Hour 4 of pyworkforce's day 0 is the next date at 04:00; hour 5 the same date.
        per_hour = instance.per_hour
        assert bench.moment_of(instance, 0, 4 * per_hour) == bench.START + timedelta(hours=23)
        assert bench.moment_of(instance, 0, 5 * per_hour) == bench.START


def test_each_shift_costs_its_pyworkforce_cost(bench):
    data = _data(bench, bench.example_instance())
    rate = data.section.contracts["shift"].cost_per_hour
    for t in data.templates:
        assert t.break_seconds == 0
        assert rate * t.pay_factor * t.worked / 3600 == bench.PYWORKFORCE_COSTS[t.name]


def test_the_check_fails_when_surgeplan_costs_more(bench):
    instance = bench.example_instance()
    counts = np.zeros((instance.days, 4), dtype=int)
    counts[:, 0] = counts[:, 1] = counts[:, 2] = instance.required.max()
    cost = float((counts @ np.array(list(bench.PYWORKFORCE_COSTS.values()))).sum())
    run = {"status": "optimal", "counts": counts, "cost": cost, "wall_s": 1.0, "solver_s": 1.0}
    cheaper = dict(run, cost=cost - 1)
    fine = bench.Result(instance, {"surgeplan": [run], "pyworkforce": [run]})
    assert bench.check(fine) == []
    worse = bench.Result(instance, {"surgeplan": [run], "pyworkforce": [cheaper]})
    assert any("surgeplan costs" in problem for problem in bench.check(worse))
    counts_short = counts.copy()
    counts_short[0, 2] = 0  # no night on day 0: hours 0–4 and 21–23 uncovered
    short = dict(run, counts=counts_short, cost=cost - 10 * counts[0, 2])
    uncovered = bench.Result(instance, {"surgeplan": [short], "pyworkforce": [run]})
    assert any("uncovered" in problem for problem in bench.check(uncovered))


def test_docs_section_is_replaced_in_place_and_kept_by_the_simulation_benchmark(
    run_module, tmp_path
):
    body = "## Section\n\nnumbers\n"
    text = run_module.with_section("# Benchmarks\n\nold\n", "demo", body)
    assert text == (
        "# Benchmarks\n\nold\n\n<!-- demo: begin -->\n## Section\n\nnumbers\n<!-- demo: end -->\n"
    )
    again = run_module.with_section(text + "\ntail\n", "demo", "## Section\n\nnew\n")
    assert again.count("<!-- demo: begin -->") == 1
    assert "new" in again and "numbers" not in again and again.endswith("\ntail\n")
    # benchmarks/run.py rewrites the whole file but carries the marked sections over.
    path = tmp_path / "benchmarks.md"
    assert run_module.kept_sections(path) == ""
    path.write_text(again, encoding="utf-8")
    section = "<!-- demo: begin -->\n## Section\n\nnew\n<!-- demo: end -->\n"
    assert run_module.kept_sections(path) == "\n" + section


def test_docs_hold_the_section_and_its_command(bench, repo_root):
    text = (repo_root / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert f"<!-- {bench.SECTION}: begin -->" in text
    assert bench.COMMAND in text


def test_both_solvers_agree_on_the_example(bench):
    """Optional: with pyworkforce installed, both sides solve its example to the same cost."""
    pytest.importorskip("pyworkforce")
    instance = bench.example_instance()
    theirs = bench.solve_pyworkforce(instance)
    ours = bench.solve_surgeplan(
        instance, bench.surgeplan_requirements(instance), bench.surgeplan_section()
    )
    assert theirs["status"] == ours["status"] == "optimal"
    assert ours["cost"] == pytest.approx(theirs["cost"])
