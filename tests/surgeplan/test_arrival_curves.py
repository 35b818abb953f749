"""The forecast table and figure of a scenario's arrival models."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Scenario
from surgeplan.arrival_curves import ARRIVAL_COLUMNS, arrivals_figure, arrivals_table, rate_curve


@pytest.fixture(scope="module")
def double11(repo_root) -> Scenario:
    return Scenario.from_yaml(repo_root / "scenarios" / "double11_launch.yaml")


def test_table_holds_every_type_and_interval_warmup_included(double11):
    table = arrivals_table(double11)
    assert list(table.columns) == ARRIVAL_COLUMNS
    assert len(table) == double11.n_intervals * len(double11.inquiry_types)
    for name, rows in table.groupby("inquiry_type", sort=False):
        np.testing.assert_array_equal(rows["expected_arrivals"], double11.expected_arrivals(name))
        per_hour = 3600.0 / double11.horizon.interval
        np.testing.assert_allclose(rows["rate_per_hour"], rows["expected_arrivals"] * per_hour)
        assert rows["interval_start"].iloc[0] == "2026-11-10 22:00"


def test_the_curve_integrates_to_the_expected_arrivals(double11):
    """λ(t) drawn minute by minute carries the table's arrivals (to the resolution of a
    minute: a trapezoid over the curve's points)."""
    for name in double11.inquiry_types:
        t, rate = rate_curve(double11, name)
        assert rate.min() >= 0
        drawn = np.sum(rate) * (t[1] - t[0]) / 3600.0
        assert drawn == pytest.approx(double11.expected_arrivals(name).sum(), rel=0.01)


def test_figure_has_one_line_per_type(double11):
    figure = arrivals_figure(double11)
    axis = figure.axes[0]
    labels = [line.get_label() for line in axis.get_lines()]
    assert labels == [f"{n} ({k.channel})" for n, k in double11.inquiry_types.items()]
    assert "Asia/Shanghai" in axis.get_xlabel()
