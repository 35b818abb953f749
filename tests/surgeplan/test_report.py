"""report.html: built from what a run directory holds, self-contained, and whole in a real
browser (headless Chromium from the OS's packages, driven by Playwright).

The browser tests need Chromium (``apt-get install chromium``; README, "Report"). Without it
they are skipped with that reason, except where ``SURGEPLAN_REQUIRE_BROWSER=1`` (``.ci/run``
sets it), where a missing browser fails them.
"""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from surgeplan.reports import plan_figures
from surgeplan.reports.browser import BrowserMissing, headless_chromium
from surgeplan.reports.queue_figures import service_figure
from surgeplan.reports.run_files import read_run_files

ROOT = Path(__file__).resolve().parents[2]
WEEKDAY = ROOT / "scenarios" / "weekday.yaml"

PLAN_FIGURES = {
    "arrivals",
    "load",
    "service",
    "funnel",
    "email",
    "complaints",
    "rounds",
    "coverage",
    "roster",
}


class _Page(HTMLParser):
    """The report's figures (``data-figure`` names), section ids and every link or source."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[str] = []
        self.sections: list[str] = []
        self.addresses: list[str] = []
        self.images = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "data-figure" in attrs:
            self.figures.append(attrs["data-figure"])
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "img":
            self.images += 1
        for name in ("src", "href"):
            if name in attrs:
                self.addresses.append(attrs[name])


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory, run_main) -> Path:
    """``plan`` on the shipped weekday (bot, chat, e-mail, complaints, 170 named agents),
    quickly: Erlang requirements, 2 replications, one repair round."""
    out = tmp_path_factory.mktemp("plan") / "out"
    result = run_main(
        "plan", WEEKDAY, "--out", out, "--method", "erlang", "--replications", "2",
        "--rounds", "1", "--time-limit", "20", "--workers", "1", "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def staff_dir(tmp_path_factory, run_main, small_scenario_file) -> Path:
    out = tmp_path_factory.mktemp("staff") / "out"
    result = run_main("staff", small_scenario_file, "--out", out, "--method", "erlang", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory, run_main, small_scenario_file) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    spec = {
        "base": str(small_scenario_file),
        "vary": {"pools.agents.agents": [4, 5, 6]},
        "replications": 3,
        "metrics": ["service_level", "abandon_rate"],
    }
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = folder / "out"
    result = run_main("sweep", path, "--out", out, "--workers", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


# -- the page ------------------------------------------------------------------------------


def test_plan_report_has_every_figure_and_is_self_contained(plan_dir):
    path = plan_dir / "report.html"
    page = parse(path)
    assert set(page.figures) == PLAN_FIGURES
    assert len(page.figures) == len(set(page.figures)) == page.images
    assert {"glance", "load", "service", "customers", "email", "complaints", "rounds"} <= set(
        page.sections
    )
    assert {"coverage", "roster", "labour"} <= set(page.sections)
    # Nothing to fetch: images are data: URIs, links point inside the page.
    assert page.addresses
    assert all(a.startswith(("data:image/png;base64,", "#")) for a in page.addresses)
    text = path.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert "The independent audit found no violation" in text
    assert "Asia/Shanghai" in text


def test_plan_report_numbers_are_the_runs(plan_dir):
    """The headline tiles repeat summary.json and solve.json, not numbers of their own."""
    import json

    text = (plan_dir / "report.html").read_text(encoding="utf-8")
    summary = json.loads((plan_dir / "summary.json").read_text())
    solve = json.loads((plan_dir / "solve.json").read_text())
    service_level = summary["service_level"]["mean"]
    assert f">{service_level:.1%}<" in text
    assert f">{solve['agents_rostered']:,}<" in text
    assert f">{solve['shifts']:,}<" in text


def test_sweep_and_staff_reports_have_their_figures(sweep_dir, staff_dir):
    assert parse(sweep_dir / "report.html").figures == ["sweep"]
    assert parse(staff_dir / "report.html").figures == ["load", "requirements"]


def test_reports_leave_the_plotting_backend_alone(plan_dir, sweep_dir):
    """A notebook's figures keep showing after a report: nothing switches the backend or
    leaves figures open in pyplot."""
    import matplotlib
    import matplotlib.pyplot as plt

    from surgeplan.reports import write_report

    before, opened = matplotlib.get_backend(), plt.get_fignums()
    matplotlib.use("svg")  # stands for a notebook's inline backend: anything but Agg
    try:
        write_report(plan_dir)
        write_report(sweep_dir)
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == opened
    finally:
        matplotlib.use(before)


def test_simulate_writes_a_report_unless_told_not_to(tmp_path, run_main, small_scenario_file):
    with_report, without = tmp_path / "with", tmp_path / "without"
    assert run_main("simulate", small_scenario_file, "--out", with_report, "-q").returncode == 0
    assert (
        run_main("simulate", small_scenario_file, "--out", without, "--no-report", "-q").returncode
        == 0
    )
    assert {"arrivals", "load", "service", "funnel"} <= set(
        parse(with_report / "report.html").figures
    )
    assert not (without / "report.html").exists()
    # `report DIR` writes it later, the same page.
    assert run_main("report", without, "-q").returncode == 0
    first = parse(with_report / "report.html").figures
    assert parse(without / "report.html").figures == first


def test_report_without_run_json_uses_the_tables(tmp_path, run_main, small_scenario_file):
    out = tmp_path / "out"
    assert (
        run_main("simulate", small_scenario_file, "--out", out, "--no-report", "-q").returncode == 0
    )
    (out / "run.json").unlink()
    assert run_main("report", out, "-q").returncode == 0
    page = parse(out / "report.html")
    assert "service" in page.figures
    assert "has no run.json" in (out / "report.html").read_text(encoding="utf-8")


def test_bad_directories_are_refused_and_nothing_is_written(tmp_path, run_main):
    missing = run_main("report", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert "nowhere: is not a directory of run results" in missing.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "summary.json").write_text("{not json", encoding="utf-8")
    result = run_main("report", broken)
    assert result.returncode == 2
    assert "summary.json" in result.stderr and "Traceback" not in result.stderr
    assert not (broken / "report.html").exists()
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / "run.json").write_text('{"command": "simulate", "scenario": {"name": "x"}}')
    result = run_main("report", cut)
    assert result.returncode == 2
    assert "run.json: scenario.time_zone: missing" in result.stderr
    assert "Traceback" not in result.stderr
    bad_table = tmp_path / "bad_table"
    bad_table.mkdir()
    (bad_table / "intervals.csv").write_text("interval_start,offered\nyesterday,3\n")
    result = run_main("report", bad_table)
    assert result.returncode == 2
    assert "intervals.csv" in result.stderr and "Traceback" not in result.stderr


# -- figures and tables --------------------------------------------------------------------


def test_time_axis_is_the_scenarios_clock(plan_dir):
    import matplotlib.dates as mdates

    files = read_run_files(plan_dir)
    figure = service_figure(files)
    assert figure.axes[-1].get_xlabel() == "local time (Asia/Shanghai)"
    # The first tick is the horizon's first interval, in local wall time.
    first = pd.Timestamp(files.glance["start"])
    low, _ = figure.axes[-1].get_xlim()
    assert abs(mdates.num2date(low).replace(tzinfo=None) - first) < pd.Timedelta(hours=2)


def _roster(rows):
    """A roster table from ``(agent, pool, start, end, break start)`` with times as
    ``"DD HH:MM"`` in November 2026 and 30-minute breaks."""
    moment = lambda text: pd.Timestamp(f"2026-11-{text}")  # noqa: E731
    records = []
    for agent, pool, start, end, pause in rows:
        begins = moment(start)
        records.append(
            {
                "agent": agent,
                "pool": pool,
                "date": f"{begins:%Y-%m-%d}",
                "shift_start": begins,
                "shift_end": moment(end),
                "break_start": moment(pause) if pause else pd.NaT,
                "break_end": moment(pause) + pd.Timedelta(minutes=30) if pause else pd.NaT,
            }
        )
    return pd.DataFrame(records)


def test_roster_extremes_measure_the_roster():
    roster = _roster(
        [
            ("a", "chat", "10 08:00", "10 16:30", "10 12:00"),
            ("a", "chat", "11 06:00", "11 12:00", None),
            ("a", "chat", "12 06:00", "12 15:00", "12 10:00"),
            ("b", "phone", "10 20:00", "11 06:00", "11 00:00"),
            ("b", "phone", "12 20:00", "13 04:00", "13 00:00"),
        ]
    )
    extremes = plan_figures.roster_extremes(roster)
    assert extremes["min_rest"] == "shortest rest 13.5 h"  # a: 16:30 → 06:00 the next day
    assert extremes["max_shift_length"] == "longest shift 10.0 h"
    assert extremes["consecutive_days"] == "longest run 3 day(s)"  # a: 10th, 11th, 12th
    assert extremes["shifts_per_day"] == "at most 1 a day"
    assert extremes["break"] == "4 of 5 shifts have a break"
    days = plan_figures.roster_days(roster)
    assert list(days.columns) == ["pool", "agent", "2026-11-10", "2026-11-11", "2026-11-12"]
    b = days[days["agent"] == "b"].iloc[0]
    assert b["2026-11-10"] == "20:00–06:00" and b["2026-11-11"] == "·"


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    try:
        with headless_chromium() as launched:
            yield launched
    except BrowserMissing as exc:
        reason = f"{exc} (README, 'Report')"
        if os.environ.get("SURGEPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _open(browser, path: Path):
    """The report in a fresh page: its console errors, page errors and every request."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, problems, requests


@pytest.mark.parametrize("run", ["plan_dir", "staff_dir", "sweep_dir"])
def test_report_opens_in_chromium_with_every_figure_visible(run, request, browser):
    directory = request.getfixturevalue(run)
    path = directory / "report.html"
    expected = parse(path).figures
    assert expected
    page, problems, requests = _open(browser, path)
    try:
        figures = page.locator("figure.report-figure")
        assert figures.count() == len(expected)
        for number in range(figures.count()):
            figure = figures.nth(number)
            name = figure.get_attribute("data-figure")
            image = figure.locator("img")
            image.scroll_into_view_if_needed()
            assert image.is_visible(), name
            decoded = image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert decoded, f"{name}: the image did not decode"
            box = image.bounding_box()
            assert box["width"] > 600 and box["height"] > 150, (name, box)
        assert page.title().startswith(("Staffing plan", "Staffing requirements", "What-if"))
        # Every section the menu names is there.
        for link in page.locator("nav a").all():
            target = link.get_attribute("href")
            assert page.locator(target).count() == 1, target
    finally:
        page.close()
    assert problems == []
    assert all(url.startswith(("file://", "data:")) for url in requests), requests


def test_roster_table_opens_on_click(plan_dir, browser):
    page, problems, _ = _open(browser, plan_dir / "report.html")
    try:
        table = page.locator("#roster details table")
        assert not table.is_visible()
        page.locator("#roster details summary").click()
        assert table.is_visible()
        roster = pd.read_csv(plan_dir / "roster.csv")
        assert table.locator("tbody tr").count() == roster["agent"].nunique()
    finally:
        page.close()
    assert problems == []


def test_report_of_a_copied_directory_needs_nothing_else(plan_dir, tmp_path, browser):
    """The page alone, as an e-mail attachment: no other file of the run beside it."""
    alone = tmp_path / "attachment.html"
    shutil.copy(plan_dir / "report.html", alone)
    page, problems, requests = _open(browser, alone)
    try:
        images = page.locator("figure.report-figure img")
        assert images.count() == len(PLAN_FIGURES)
        assert all(
            images.nth(i).evaluate("img => img.naturalWidth > 0") for i in range(images.count())
        )
    finally:
        page.close()
    assert problems == [] and requests == [alone.as_uri()]


def test_the_sweep_page_has_its_summary_table(sweep_dir):
    """The sweep's summary.csv is in the page as a table, one row per variant."""
    text = (sweep_dir / "report.html").read_text(encoding="utf-8")
    summary = pd.read_csv(sweep_dir / "summary.csv")
    rows = re.findall(r"<td>v\d{4}</td>", text)
    assert len(rows) == len(summary) == 3
    assert summary["variant"].tolist() == ["v0000", "v0001", "v0002"]
