"""Arrival models: exact expected counts, Poisson counts, λ's shape inside intervals.

Statistical checks use fixed seeds and bounds derived from the Poisson law: over R
replications an interval's total count is Poisson(R·Λₖ), so each interval's standardised
deviation is compared with the normal quantile that gives a family-wise error of 0.1 % over
all intervals, and the sum of squared deviations with the 99.9 % chi-square quantile.
"""

from __future__ import annotations

import copy
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from sim import Scenario, ScenarioError, simulate
from sim.arrivals import ARRIVAL_MODELS, poisson_arrivals
from sim.streams import stream

START = datetime(2026, 11, 10, 22, 0)
INTERVAL = 900.0


def scenario_dict(arrivals, hours: float = 6.0, interval: str = "15min", start=START):
    end = start + timedelta(hours=hours)
    return {
        "name": "arrivals",
        "time_zone": "Asia/Shanghai",
        "horizon": {
            "start": f"{start:%Y-%m-%d %H:%M}",
            "end": f"{end:%Y-%m-%d %H:%M}",
            "interval": interval,
        },
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}},
        "inquiry_types": {
            "a": {
                "channel": "phone",
                "arrivals": arrivals,
                "handle_time": {"dist": "exponential", "mean": "240s"},
            }
        },
        "pools": {"p": {"skills": ["a"], "agents": 5}},
    }


SURGE = {
    "model": "promo_surge",
    "base_per_hour": 400,
    "spikes": [
        {"at": "2026-11-11 00:00", "peak": 14, "decay": "40min"},
        {"at": "2026-11-11 02:07", "peak": 3, "decay": "4min"},
    ],
    "waves": [{"at": "2026-11-11 03:00", "multiplier": 1.8, "width": "45min"}],
}


def counts_over_replications(scenario: Scenario, replications: int, seed: int = 11):
    """Per interval: the total count over ``replications`` draws of the type's sampler."""
    process = scenario.arrival_process("a")
    total = np.zeros(process.n_intervals)
    for r in range(replications):
        sample = process.sampler(stream(seed, r, "arrivals/a"))
        for k in range(process.n_intervals):
            times = sample(k)
            total[k] += times.size
            if times.size:
                assert np.all(np.diff(times) >= 0)
                assert k * INTERVAL <= times[0] and times[-1] < (k + 1) * INTERVAL
    return total


def assert_poisson_counts(total: np.ndarray, expected: np.ndarray, replications: int):
    mean = expected * replications
    positive = mean > 0
    assert np.all(total[~positive] == 0), "arrivals where λ is zero"
    z = (total[positive] - mean[positive]) / np.sqrt(mean[positive])
    bound = stats.norm.ppf(1 - 0.0005 / positive.sum())
    assert np.max(np.abs(z)) < bound, f"interval count off by {np.max(np.abs(z)):.2f} sd"
    chi2 = float(np.sum(z**2))
    assert chi2 < stats.chi2.ppf(0.999, positive.sum())


def quad_expected(rate, a: float, b: float) -> float:
    """∫ₐᵇ λ/3600 by adaptive quadrature, independent of the models' closed forms."""
    value, _ = integrate.quad(
        lambda t: float(rate.rate_per_hour(np.array([t]))[0]) / 3600.0, a, b, limit=400
    )
    return value


# -- every model: counts match expected_arrivals interval by interval -------------------------


def history_file(folder: Path, minutes: int, start: datetime, hours: float, name: str) -> Path:
    path = folder / name
    rows = ["timestamp,payment,other"]
    n = round(hours * 60 / minutes)
    for i in range(n):
        when = start + timedelta(minutes=minutes * i)
        count = 40 + 30 * math.sin(i * minutes / 180.0) + (i % 7)
        rows.append(f"{when:%Y-%m-%d %H:%M},{count * minutes / 15:.3f},1")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def models_folder(tmp_path: Path) -> Path:
    history_file(tmp_path, 60, datetime(2025, 11, 10, 20, 0), 12, "hourly.csv")
    history_file(tmp_path, 5, datetime(2025, 11, 10, 21, 0), 8, "fine.csv")
    history_file(tmp_path, 5, datetime(2026, 10, 5, 0, 0), 24 * 7 * 3, "weeks.csv")
    (tmp_path / "my_models.py").write_text(
        "import numpy as np\n\n"
        "def launch_rate(t, peak=12.0, base=300.0, at=7200.0, decay=1500.0):\n"
        "    since = np.maximum(t - at, 0.0)\n"
        "    return base * (1 + (peak - 1) * np.exp(-since / decay) * (t >= at))\n",
        encoding="utf-8",
    )
    return tmp_path


ALIGN = {"history": "2025-11-10 22:00", "scenario": "2026-11-10 22:00"}
EVERY_MODEL = {
    "piecewise": {"rate_per_hour": [float(100 + 20 * k) for k in range(24)]},
    "promo_surge": SURGE,
    "promo_surge_profile": {
        **SURGE,
        "base_per_hour": None,
        "profile_per_hour": list(range(100, 340, 10)),
    },
    "historical_hourly": {
        "model": "historical",
        "file": "hourly.csv",
        "column": "payment",
        "align": ALIGN,
        "growth": 1.25,
    },
    "historical_5min": {
        "model": "historical",
        "file": "fine.csv",
        "column": "payment",
        "align": ALIGN,
    },
    "historical_profile": {
        "model": "historical",
        "file": "weeks.csv",
        "column": "payment",
        "method": "profile",
    },
    "custom": {"model": "custom", "function": "my_models:launch_rate", "params": {"peak": 12}},
}


def model_scenario(name: str, folder: Path) -> Scenario:
    arrivals = {k: v for k, v in copy.deepcopy(EVERY_MODEL[name]).items() if v is not None}
    return Scenario.from_dict(scenario_dict(arrivals), base_dir=folder)


def test_every_registered_model_is_exercised():
    tested = {spec.get("model", "piecewise") for spec in EVERY_MODEL.values()}
    assert tested == set(ARRIVAL_MODELS)


@pytest.mark.parametrize("name", list(EVERY_MODEL))
def test_realised_counts_match_expected_arrivals(name, models_folder):
    scenario = model_scenario(name, models_folder)
    replications = 300
    total = counts_over_replications(scenario, replications)
    assert_poisson_counts(total, scenario.expected_arrivals("a"), replications)


@pytest.mark.parametrize("name", list(EVERY_MODEL))
def test_expected_arrivals_are_the_integral_of_the_rate(name, models_folder):
    scenario = model_scenario(name, models_folder)
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    expected = scenario.expected_arrivals("a")
    for k in range(0, scenario.n_intervals, 5):
        # Breakpoints of the rate (clock hours, records, the spike instants) help quad along.
        exact = sum(
            quad_expected(rate, a, b)
            for a, b in zip(
                np.linspace(k * INTERVAL, (k + 1) * INTERVAL, 16)[:-1],
                np.linspace(k * INTERVAL, (k + 1) * INTERVAL, 16)[1:],
                strict=True,
            )
        )
        assert expected[k] == pytest.approx(exact, rel=2e-6, abs=1e-9)


def test_simulated_offered_counts_follow_the_model(models_folder):
    """Through the engine: offered per interval over replications is Poisson(R·Λₖ)."""
    scenario = model_scenario("promo_surge", models_folder)
    replications = 40
    result = simulate(scenario, seed=3, replications=replications)
    offered = sum(run.offered[:, 0] for run in result.runs)
    assert_poisson_counts(offered, scenario.expected_arrivals("a"), replications)


# -- a spike shorter than an interval -------------------------------------------------------


def short_spike(decay_minutes: float = 3.0) -> Scenario:
    return Scenario.from_dict(
        scenario_dict(
            {
                "model": "promo_surge",
                "base_per_hour": 400,
                "spikes": [{"at": "2026-11-11 00:00", "peak": 14, "decay": f"{decay_minutes}min"}],
            }
        )
    )


def test_a_spike_shorter_than_the_interval_gives_the_exact_integral():
    scenario = short_spike(3.0)
    k = 8  # 00:00, the spike's interval
    tau = 180.0
    exact = 400 / 3600 * (INTERVAL + 13 * tau * (1 - math.exp(-INTERVAL / tau)))
    expected = scenario.expected_arrivals("a")[k]
    assert expected == pytest.approx(exact, rel=1e-12)
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    midpoint = float(rate.rate_per_hour(np.array([(k + 0.5) * INTERVAL]))[0]) * INTERVAL / 3600
    assert abs(midpoint - exact) / exact > 0.3  # the midpoint rule would be far off

    replications = 2000
    total = counts_over_replications(scenario, replications)
    se = math.sqrt(exact * replications)
    assert abs(total[k] - exact * replications) < 4 * se
    assert abs(total[k] - midpoint * replications) > 40 * se


def test_arrival_times_follow_the_rate_inside_the_interval():
    """The first third of a decaying spike's interval holds its exact share of arrivals, and
    the arrival times' distribution is λ's shape (Kolmogorov–Smirnov against the exact CDF)."""
    scenario = short_spike(3.0)
    k, tau = 8, 180.0
    process = scenario.arrival_process("a")
    offset = np.concatenate([_interval_times(process, r, k) for r in range(800)]) - k * INTERVAL

    def cdf(x):
        mass = x + 13 * tau * (1 - np.exp(-x / tau))
        return mass / (INTERVAL + 13 * tau * (1 - math.exp(-INTERVAL / tau)))

    share = float(cdf(np.array(INTERVAL / 3)))
    observed = float(np.mean(offset < INTERVAL / 3))
    assert share > 0.6  # far from the uniform third
    assert abs(observed - share) < 4 * math.sqrt(share * (1 - share) / offset.size)
    result = stats.kstest(offset, cdf)
    assert result.pvalue > 0.001


def _interval_times(process, replication: int, k: int) -> np.ndarray:
    sample = process.sampler(stream(5, replication, "arrivals/a"))
    for j in range(k):
        sample(j)
    return sample(k)


def test_quadrature_path_follows_the_rate_inside_an_interval(models_folder):
    """A custom model (no closed form): positions inside the launch interval follow λ."""
    scenario = model_scenario("custom", models_folder)
    process = scenario.arrival_process("a")
    k = 8  # 00:00 = 7200 s, the launch
    offset = np.concatenate([_interval_times(process, r, k) for r in range(400)]) - k * INTERVAL
    decay = 1500.0

    def cdf(x):
        return (x + 11 * decay * (1 - np.exp(-x / decay))) / (
            INTERVAL + 11 * decay * (1 - math.exp(-INTERVAL / decay))
        )

    assert stats.kstest(offset, cdf).pvalue > 0.001


def test_piecewise_draws_are_those_of_a_rate_per_interval():
    rates = [float(50 + 10 * k) for k in range(24)]
    scenario = Scenario.from_dict(scenario_dict({"rate_per_hour": rates}))
    process = scenario.arrival_process("a")
    sample = process.sampler(stream(9, 0, "x"), busyness=1.3)
    reference = stream(9, 0, "x")
    for k in range(24):
        expected = poisson_arrivals(reference, rates[k] / 3600 * 1.3, k * INTERVAL, INTERVAL)
        np.testing.assert_array_equal(sample(k), expected)


def test_busyness_scales_the_counts_not_the_shape():
    scenario = short_spike(3.0)
    process = scenario.arrival_process("a")
    total = np.zeros(process.n_intervals)
    replications = 400
    for r in range(replications):
        sample = process.sampler(stream(2, r, "arrivals/a"), busyness=2.0)
        total += [sample(k).size for k in range(process.n_intervals)]
    assert_poisson_counts(total, 2.0 * process.expected, replications)


# -- promo_surge: formula and tails ------------------------------------------------------------


def test_promo_surge_rate_is_the_documented_formula():
    scenario = Scenario.from_dict(scenario_dict(SURGE))
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    t = np.array([0.0, 7199.0, 7200.0, 7200.0 + 2400.0, 14820.0, 18000.0])
    since1 = t - 7200.0
    since2 = t - (7200.0 + 2 * 3600 + 7 * 60)
    formula = 400 * (
        1
        + 13 * np.exp(-since1 / 2400) * (since1 >= 0)
        + 2 * np.exp(-since2 / 240) * (since2 >= 0)
        + 0.8 * np.exp(-((t - 18000.0) ** 2) / (2 * 2700.0**2))
    )
    np.testing.assert_allclose(rate.rate_per_hour(t), formula, rtol=1e-12)
    wave = 0.8 * math.exp(-((7200 - 18000) ** 2) / (2 * 2700**2))
    assert rate.rate_per_hour(np.array([7200.0]))[0] == pytest.approx(400 * (14 + wave))


def test_spikes_and_waves_outside_the_horizon_still_contribute_their_tails():
    inside = scenario_dict(
        {
            "model": "promo_surge",
            "base_per_hour": 100,
            "spikes": [{"at": "2026-11-10 21:00", "peak": 10, "decay": "1h"}],
            "waves": [{"at": "2026-11-11 05:00", "multiplier": 3, "width": "1h"}],
        }
    )
    scenario = Scenario.from_dict(inside)  # horizon 22:00 to 04:00
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    # At 22:00: an hour into the 21:00 spike's decay, seven widths before the 05:00 wave.
    at_start = rate.rate_per_hour(np.array([0.0]))[0] / 100
    assert at_start == pytest.approx(1 + 9 * math.exp(-1.0) + 2 * math.exp(-0.5 * 7.0**2))
    # At 04:00: seven hours of decay, one width before the wave's top.
    at_end = rate.rate_per_hour(np.array([6 * 3600.0]))[0] / 100
    assert at_end == pytest.approx(1 + 9 * math.exp(-7.0) + 2 * math.exp(-0.5), rel=1e-12)


def test_profile_per_hour_follows_the_local_clock_hour():
    profile = [float(10 * h + 5) for h in range(24)]
    scenario = Scenario.from_dict(
        scenario_dict({"model": "promo_surge", "profile_per_hour": profile}, hours=30)
    )
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    t = np.arange(0.0, 30 * 3600, 3600.0) + 1800.0  # the middle of each clock hour from 22:00
    hours = (22 + np.arange(30)) % 24
    np.testing.assert_array_equal(rate.rate_per_hour(t), np.array(profile)[hours])
    # Hour by hour the expected count is the profile value: no spikes or waves.
    expected = scenario.expected_arrivals("a")
    np.testing.assert_allclose(expected.reshape(30, 4).sum(axis=1), np.array(profile)[hours])


def test_promo_surge_integral_is_additive_and_matches_quadrature():
    spec = {k: v for k, v in SURGE.items() if k != "base_per_hour"}
    spec["profile_per_hour"] = list(range(50, 290, 10))
    scenario = Scenario.from_dict(scenario_dict(spec))
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    rng = np.random.default_rng(4)
    a, b, c = np.sort(rng.uniform(0, 6 * 3600, (50, 3)), axis=1).T
    np.testing.assert_allclose(
        rate.expected(a, c), rate.expected(a, b) + rate.expected(b, c), rtol=1e-10
    )
    for i in range(0, 50, 10):
        cuts = np.linspace(a[i], c[i], 40)
        by_quad = sum(quad_expected(rate, x, y) for x, y in zip(cuts[:-1], cuts[1:], strict=True))
        assert rate.expected(a[i : i + 1], c[i : i + 1])[0] == pytest.approx(by_quad, rel=1e-6)


# -- historical -----------------------------------------------------------------------------


def overlap_weighted(path: Path, column: str, shift: timedelta, growth: float, clock_start, n):
    """Expected count per scenario interval, straight from the file: each record's count
    spread evenly over its period, moved by ``shift``, times ``growth``."""
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    records = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    starts = [datetime.fromisoformat(r["timestamp"]) + shift for r in records]
    period = (starts[1] - starts[0]).total_seconds()
    out = np.zeros(n)
    for when, record in zip(starts, records, strict=True):
        a = (when - clock_start).total_seconds()
        b = a + period
        for k in range(n):
            overlap = max(0.0, min(b, (k + 1) * INTERVAL) - max(a, k * INTERVAL))
            out[k] += growth * float(record[column]) * overlap / period
    return out


@pytest.mark.parametrize(
    ("name", "file", "growth"),
    [("historical_hourly", "hourly.csv", 1.25), ("historical_5min", "fine.csv", 1.0)],
)
def test_historical_is_growth_times_the_overlap_weighted_counts(name, file, growth, models_folder):
    """At a coarser (hourly) and a finer (5 min) resolution than the 15-minute intervals."""
    scenario = model_scenario(name, models_folder)
    shift = datetime(2026, 11, 10, 22) - datetime(2025, 11, 10, 22)
    reference = overlap_weighted(models_folder / file, "payment", shift, growth, START, 24)
    np.testing.assert_allclose(scenario.expected_arrivals("a"), reference, rtol=1e-12)


def test_historical_at_the_intervals_resolution_takes_the_uniform_path(models_folder):
    hourly = model_scenario("historical_hourly", models_folder).arrival_process("a")
    fine = model_scenario("historical_5min", models_folder).arrival_process("a")
    assert hourly.shape is None  # constant within every interval
    assert fine.shape is not None


def test_historical_profile_is_the_mean_count_per_slot(models_folder):
    scenario = model_scenario("historical_profile", models_folder)
    lines = (models_folder / "weeks.csv").read_text().splitlines()[1:]
    by_slot: dict[tuple[int, int, int], list[float]] = {}
    for line in lines:
        stamp, count, _ = line.split(",")
        when = datetime.fromisoformat(stamp)
        by_slot.setdefault((when.weekday(), when.hour, when.minute), []).append(float(count))
    assert {len(v) for v in by_slot.values()} == {3}  # three weeks of 5-minute records
    reference = []
    for k in range(24):
        total = 0.0
        for j in range(3):
            when = START + timedelta(seconds=k * INTERVAL + j * 300)
            total += float(np.mean(by_slot[(when.weekday(), when.hour, when.minute)]))
        reference.append(total)
    np.testing.assert_allclose(scenario.expected_arrivals("a"), reference, rtol=1e-12)
    line = scenario.inquiry_types["a"].arrivals.describe(scenario.clock)
    assert "weekly profile of 2016 slots" in line and "WAPE" in line


# -- custom ------------------------------------------------------------------------------------


def test_custom_model_from_a_file_beside_the_scenario(models_folder, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(elsewhere)  # the folder of the scenario, not the working directory
    path = models_folder / "launch.yaml"
    import yaml

    path.write_text(yaml.safe_dump(scenario_dict(EVERY_MODEL["custom"])), encoding="utf-8")
    scenario = Scenario.from_yaml(path)
    rate = scenario.inquiry_types["a"].arrivals.bind(scenario.clock)
    assert rate.rate_per_hour(np.array([7200.0]))[0] == pytest.approx(300 * 12)


def test_a_callable_from_python_in_place_of_the_entry():
    def launch(t, peak=8.0):
        return 200.0 * (1 + (peak - 1) * np.exp(-np.maximum(t - 3600, 0) / 600) * (t >= 3600))

    whole = Scenario.from_dict(scenario_dict(launch))
    with_params = Scenario.from_dict(
        scenario_dict({"model": "custom", "function": launch, "params": {"peak": 8.0}})
    )
    np.testing.assert_array_equal(whole.expected_arrivals("a"), with_params.expected_arrivals("a"))
    exact = 200 / 3600 * (900 + 7 * 600 * (1 - math.exp(-1.5)))
    assert whole.expected_arrivals("a")[4] == pytest.approx(exact, rel=1e-6)


# -- staffing sees λ(t) --------------------------------------------------------------------------


def test_lagged_load_uses_the_rate_within_intervals():
    """M_t/M/∞ with λ(t) = λ₀(1 + A·e^(−t/τ)) from t = 0 and service rate μ has the closed form
    m(t) = λ₀/μ·(1 − e^(−μt)) + λ₀·A·(e^(−t/τ) − e^(−μt))/(μ − 1/τ); the lagged load of each
    interval is its mean. A per-interval mean rate would miss the first interval badly."""
    from optimize.staffing import staff

    lam0, amplitude, tau, mean_service = 400 / 3600, 13.0, 180.0, 240.0
    mu = 1 / mean_service
    data = scenario_dict(
        {
            "model": "promo_surge",
            "base_per_hour": 400,
            "spikes": [{"at": f"{START:%Y-%m-%d %H:%M}", "peak": 14, "decay": "3min"}],
        },
        hours=2,
    )
    scenario = Scenario.from_dict(data)
    table = staff(scenario, "lagged").table

    def m(t):
        return lam0 / mu * (1 - math.exp(-mu * t)) + lam0 * amplitude * (
            math.exp(-t / tau) - math.exp(-mu * t)
        ) / (mu - 1 / tau)

    exact = [integrate.quad(m, k * INTERVAL, (k + 1) * INTERVAL)[0] / INTERVAL for k in range(8)]
    np.testing.assert_allclose(table["offered_load"].to_numpy(), exact, rtol=5e-3)

    flat = copy.deepcopy(data)
    flat["inquiry_types"]["a"]["arrivals"] = {"rate_per_hour": list(scenario.rate_per_hour("a"))}
    smeared = staff(Scenario.from_dict(flat), "lagged").table["offered_load"].to_numpy()
    assert abs(smeared[0] - exact[0]) / exact[0] > 0.05


# -- bad input -------------------------------------------------------------------------------------


def problems_of(data, folder: Path | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, source="s.yaml", base_dir=folder)
    return info.value.lines()


def surge_with(**changes):
    spec = copy.deepcopy(SURGE)
    spec.update(changes)
    return scenario_dict(spec)


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (
            surge_with(spikes=[{"at": "2026-11-11 00:00", "peak": 14, "decay": "0min"}]),
            "arrivals.spikes[0].decay",
            "must be > 0",
        ),
        (
            surge_with(spikes=[{"at": "2026-11-11 00:00", "peak": 14, "decay": "-5min"}]),
            "arrivals.spikes[0].decay",
            "≥ 0",
        ),
        (
            surge_with(waves=[{"at": "2026-11-11 00:00", "multiplier": 2, "width": "0h"}]),
            "arrivals.waves[0].width",
            "must be > 0",
        ),
        (
            surge_with(spikes=[{"at": "2026-11-11 00:00", "peak": -1, "decay": "5min"}]),
            "arrivals.spikes[0].peak",
            "must be ≥ 0",
        ),
        (
            surge_with(waves=[{"at": "2026-11-11 00:00", "multiplier": -0.5, "width": "1h"}]),
            "arrivals.waves[0].multiplier",
            "must be ≥ 0",
        ),
        (
            surge_with(base_per_hour=None, profile_per_hour=[100] * 23),
            "arrivals.profile_per_hour",
            "24 values",
        ),
        (surge_with(profile_per_hour=[100] * 24), "arrivals", "exactly one of base_per_hour"),
        (
            surge_with(spikes=[{"at": "11 Nov", "peak": 3, "decay": "5min"}]),
            "arrivals.spikes[0].at",
            "date and time",
        ),
        (
            scenario_dict({"model": "surge", "base_per_hour": 3}),
            "arrivals",
            "unknown arrival model 'surge'",
        ),
        (scenario_dict({"base_per_hour": 3}), "arrivals", "needs 'model:'"),
        (
            scenario_dict({"model": "promo_surge", "base_per_hour": 3, "spike": []}),
            "arrivals",
            "unknown key 'spike'",
        ),
    ],
)
def test_bad_promo_surge_entries_are_named(data, path, words):
    lines = problems_of(data)
    assert any(f"s.yaml: inquiry_types.a.{path}:" in line and words in line for line in lines), (
        lines
    )


def write_history(folder: Path, text: str, name: str = "history.csv") -> None:
    (folder / name).write_text(text, encoding="utf-8")


def historical(**changes):
    spec = {"model": "historical", "file": "history.csv", "column": "payment", "align": ALIGN}
    spec.update(changes)
    return scenario_dict(spec)


def hourly_text(hours: int = 12, start: datetime = datetime(2025, 11, 10, 20)) -> str:
    rows = ["timestamp,payment"]
    rows += [f"{start + timedelta(hours=h):%Y-%m-%d %H:%M},{10 + h}" for h in range(hours)]
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("text", "spec", "path", "words"),
    [
        (None, {}, "file", "no such file"),
        ("", {}, "file", "empty"),
        (
            hourly_text(),
            {"column": "refund"},
            "column",
            "'refund' is not a count column of history.csv; expected one of payment",
        ),
        ("time,payment\n2025-11-10 20:00,3\n", {}, "file", "missing column(s) timestamp"),
        (
            hourly_text().replace("2025-11-10 23:00", "2025-11-10 23:30"),
            {},
            "file",
            "line 5: 2025-11-10 23:30 comes 90min after",
        ),
        (
            hourly_text().replace("2025-11-10 23:00", "2025-11-10 22:00"),
            {},
            "file",
            "duplicate timestamp 2025-11-10 22:00",
        ),
        (
            hourly_text().replace(",13\n", ",-3\n"),
            {},
            "file",
            "line 5: payment must be a number ≥ 0, got '-3'",
        ),
        (
            hourly_text().replace("2025-11-10 23:00", "yesterday"),
            {},
            "file",
            "line 5: timestamp 'yesterday'",
        ),
        (
            hourly_text(hours=6),
            {},
            "align",
            "history.csv covers 2026-11-10 20:00 to 2026-11-11 02:00 once aligned",
        ),
        (
            hourly_text(),
            {"align": {"history": "2025-11-11 03:00", "scenario": "2026-11-10 22:00"}},
            "align",
            "the horizon needs 2026-11-10 22:00 to 2026-11-11 04:00",
        ),
        (hourly_text(), {"align": None}, "", "needs align"),
        (hourly_text(), {"method": "profile", "align": None}, "file", "no record for"),
    ],
)
def test_bad_history_files_are_named(tmp_path, text, spec, path, words):
    if text is not None:
        write_history(tmp_path, text)
    data = historical(**spec)
    if data["inquiry_types"]["a"]["arrivals"].get("align") is None:
        data["inquiry_types"]["a"]["arrivals"].pop("align", None)
    lines = problems_of(data, tmp_path)
    where = f"s.yaml: inquiry_types.a.arrivals{'.' + path if path else ''}:"
    assert any(where in line and words in line for line in lines), lines


CUSTOM_MODULE = """\
import numpy as np

def good(t):
    return np.full_like(t, 100.0)

def wrong_shape(t):
    return np.ones(3)

def scalar(t):
    return 5.0

def raises(t):
    raise RuntimeError("no data for the launch")

def negative(t):
    return np.where(t > 3600, -2.0, 10.0)

def not_finite(t):
    return np.where(t > 7200, np.nan, 10.0)

def text(t):
    return ["a"] * len(t)

NUMBER = 3
"""


@pytest.mark.parametrize(
    ("function", "params", "words"),
    [
        ("nowhere:rate", {}, "cannot import module 'nowhere'"),
        ("broken:rate", {}, "importing 'broken' failed: SyntaxError"),
        ("rates:missing", {}, "module 'rates' has no 'missing'"),
        ("rates:NUMBER", {}, "is not callable (it is int)"),
        ("rates", {}, "must be 'module:function'"),
        ("rates:wrong_shape", {}, "one rate per element of t"),
        ("rates:scalar", {}, "got shape ()"),
        ("rates:raises", {}, "raised RuntimeError: no data for the launch"),
        ("rates:good", {"peak": 3}, "raised TypeError"),
        ("rates:negative", {}, "negative rate (-2 per hour)"),
        ("rates:not_finite", {}, "non-finite rate (nan)"),
        ("rates:text", {}, "must return numbers"),
    ],
)
def test_bad_custom_functions_are_named(tmp_path, function, params, words):
    (tmp_path / "rates.py").write_text(CUSTOM_MODULE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("def rate(t)\n    return t\n", encoding="utf-8")
    data = scenario_dict({"model": "custom", "function": function, "params": params})
    lines = problems_of(data, tmp_path)
    assert any(
        "s.yaml: inquiry_types.a.arrivals.function:" in line and words in line for line in lines
    ), lines


def test_a_custom_module_is_never_evaluated_as_text(tmp_path):
    marker = tmp_path / "ran.txt"
    data = scenario_dict(
        {"model": "custom", "function": f"__import__('pathlib').Path({str(marker)!r}).touch():x"}
    )
    problems_of(data, tmp_path)
    assert not marker.exists()


def test_a_bad_arrival_model_exits_2_and_writes_nothing(tmp_path, run_main, write_yaml):
    path = write_yaml(surge_with(spikes=[{"at": "2026-11-11 00:00", "peak": 14, "decay": "0s"}]))
    out = tmp_path / "out"
    result = run_main("simulate", path, "--out", out)
    assert result.returncode == 2
    assert "inquiry_types.a.arrivals.spikes[0].decay: must be > 0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
