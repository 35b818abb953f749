"""The aggregate roster level (``plan_shifts``) against pyworkforce's ``MinRequiredResources``.

Both solve the same problem: how many shifts of each of four templates to start on each day so
that the heads on duty never fall below the requirement of any period, at least total shift
cost. The templates and costs are those of pyworkforce's ``MinRequiredResources`` example and
tests: Morning 05–13 (cost 8), Afternoon 13–21 (8), Night 21–05 (10) and Mixed 09–17 (7), each
a 24-hour 0/1 mask.

**One instance, two encodings.** pyworkforce's days are independent, and its Night mask wraps
inside the day (hours 21–23 and 0–4 of the same row). surgeplan's shifts are contiguous in
time, so the identical instance is built on an *operational day* from 05:00 to 05:00: the
horizon starts on a Monday at 05:00 and lasts the instance's days; pyworkforce's day ``d``,
hour ``h ≥ 5`` is surgeplan's date ``d`` at ``h``, and hour ``h < 5`` is date ``d + 1`` at
``h``. Then every template is one contiguous shift starting on its operational day (Night is
21:00 + 8 h, crossing midnight into the next date), a shift of pyworkforce's day ``d`` is a
surgeplan shift starting on date ``d``, and both models have the same variables, the same
coverage rows and the same costs. On surgeplan's side the templates are ``shifts.templates``,
each 8 h with ``pay_factor`` = pyworkforce's cost, paid by a contract at 1/8 per hour, so a
shift costs exactly its pyworkforce cost; breaks are off for 8 h shifts
(``breaks.required_over: 8h``) and coverage is hard.

Instances: pyworkforce's own test instance (2 days × 24 hourly periods), a week of 7 days ×
96 quarter-hours at three seeds (the example's two hourly rows alternating over the week,
scaled by a weekday factor, each quarter-hour perturbed by a seeded integer in [−2, 2]) and
four such weeks, to see how the times grow with the horizon.
Both sides run to proven optimality (surgeplan ``gap=0``; pyworkforce's CP-SAT proves it by
itself), in this one process, repeats interleaved; the script fails (exit 1) unless surgeplan's
cost is equal to or lower than pyworkforce's on every instance. Reproduce with::

    python benchmarks/roster_pyworkforce.py [--repeats 5] [--docs -]

which appends (or replaces) its section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Measure this checkout's code, whatever copy of surgeplan is installed.
sys.path.insert(0, str(ROOT))

from optimize.roster import plan_shifts  # noqa: E402
from sim.scenario import Horizon  # noqa: E402
from sim.scenario.roster import RosterSection  # noqa: E402
from sim.scenario.roster_checks import roster_problems  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "roster_pyworkforce"
COMMAND = "python benchmarks/roster_pyworkforce.py"
START = datetime(2026, 11, 9, 5, 0)  # a Monday, 05:00: the operational day's start
DAY_START_HOUR = 5
POOL = "agents"
SEEDS = (1, 2, 3)
LONG_WEEKS = 4
TIME_LIMIT = 600.0  # seconds per solve, both sides; neither comes near it
_TOLERANCE = 1e-6

# pyworkforce's example, verbatim: hourly masks, and the costs of its cost test.
PYWORKFORCE_SHIFTS = {
    "Morning": [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "Afternoon": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    "Night": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
    "Mixed": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
}
PYWORKFORCE_COSTS = {"Morning": 8, "Afternoon": 8, "Night": 10, "Mixed": 7}
PYWORKFORCE_REQUIRED = [
    [9, 11, 17, 9, 7, 12, 5, 11, 8, 9, 18, 17, 8, 12, 16, 8, 7, 12, 11, 10, 13, 19, 16, 7],
    [13, 13, 12, 15, 18, 20, 13, 16, 17, 8, 13, 11, 6, 19, 11, 20, 19, 17, 10, 13, 14, 23, 16, 8],
]
# The same four shifts as surgeplan templates: (name, start, length in hours).
TEMPLATES = [
    ("Morning", "05:00", 8),
    ("Afternoon", "13:00", 8),
    ("Night", "21:00", 8),
    ("Mixed", "09:00", 8),
]
# Monday to Sunday; busier towards the weekend, as e-commerce service is.
DAY_FACTORS = (1.0, 0.95, 1.05, 1.0, 1.1, 1.25, 1.2)


@dataclass(frozen=True)
class Instance:
    """``required[d][p]``: heads needed in period ``p`` of pyworkforce's day ``d``."""

    name: str
    required: np.ndarray  # days × periods, integers ≥ 0

    @property
    def days(self) -> int:
        return self.required.shape[0]

    @property
    def periods(self) -> int:
        return self.required.shape[1]

    @property
    def per_hour(self) -> int:
        return self.periods // 24


def example_instance() -> Instance:
    """pyworkforce's test instance: 2 days × 24 hours."""
    return Instance("pyworkforce example, 2 d × 24 h", np.array(PYWORKFORCE_REQUIRED))


def week_instance(seed: int, weeks: int = 1) -> Instance:
    """``weeks`` × 7 days × 96 quarter-hours from the example's hourly rows (see the module
    docstring)."""
    rng = np.random.default_rng(seed)
    base = np.array(PYWORKFORCE_REQUIRED, dtype=float)
    days = 7 * weeks
    rows = [np.repeat(base[d % 2] * DAY_FACTORS[d % 7], 4) for d in range(days)]
    noise = rng.integers(-2, 3, size=(days, 96))
    required = np.clip(np.rint(np.array(rows)) + noise, 0, None).astype(int)
    label = "week" if weeks == 1 else f"{weeks} weeks"
    return Instance(f"{label}, {days} d × 96 × 15 min, seed {seed}", required)


# -- the instance for pyworkforce -----------------------------------------------------------


def pyworkforce_masks(per_hour: int) -> dict[str, list[int]]:
    """The example's hourly masks, each hour repeated for the ``per_hour`` periods in it."""
    return {name: np.repeat(mask, per_hour).tolist() for name, mask in PYWORKFORCE_SHIFTS.items()}


def mask_coverage(counts: np.ndarray, per_hour: int) -> np.ndarray:
    """Heads on duty per day and period in pyworkforce's terms: ``Σ_s counts[d, s]·mask_s[p]``,
    with ``counts`` days × shifts in the order of :data:`PYWORKFORCE_SHIFTS`."""
    masks = np.array(list(pyworkforce_masks(per_hour).values()))
    return counts @ masks


def solve_pyworkforce(instance: Instance) -> dict:
    """``MinRequiredResources`` on the instance; its status, cost, counts and solver time.

    ``max_shift_concurrency`` = the largest requirement and ``max_period_concurrency`` = twice
    it cannot cut off an optimum: a shift count above the largest requirement can be lowered
    to it without uncovering anything (and costs less), and no period lies in more than two
    templates.
    """
    from pyworkforce.scheduling import MinRequiredResources

    top = int(instance.required.max())
    scheduler = MinRequiredResources(
        num_days=instance.days,
        periods=instance.periods,
        shifts_coverage=pyworkforce_masks(instance.per_hour),
        required_resources=instance.required.tolist(),
        max_period_concurrency=2 * top,
        max_shift_concurrency=top,
        cost_dict=PYWORKFORCE_COSTS,
        max_search_time=TIME_LIMIT,
    )
    solution = scheduler.solve()
    names = list(PYWORKFORCE_SHIFTS)
    counts = np.zeros((instance.days, len(names)), dtype=int)
    for row in solution["resources_shifts"]:
        if row["day"] >= 0:
            counts[row["day"], names.index(row["shift"])] = row["resources"]
    return {
        "status": solution["status"].lower(),
        "cost": float(solution["cost"]),
        "counts": counts,
        "solver_s": scheduler.solver.WallTime(),
    }


# -- the same instance for surgeplan --------------------------------------------------------


def horizon_of(instance: Instance) -> Horizon:
    """The instance's operational days: from Monday 05:00, ``days`` × 24 h."""
    return Horizon(
        start=START,
        end=START + timedelta(days=instance.days),
        interval=3600 / instance.per_hour,
    )


def moment_of(instance: Instance, day: int, period: int) -> datetime:
    """When pyworkforce's ``(day, period)`` is: hours before 05:00 belong to the next date."""
    hour_start = timedelta(hours=period / instance.per_hour)
    date = START.replace(hour=0) + timedelta(
        days=day + (period < DAY_START_HOUR * instance.per_hour)
    )
    return date + hour_start


def surgeplan_requirements(instance: Instance) -> pd.DataFrame:
    """The requirement table (``interval_start, pool, required``) of the instance."""
    rows = [
        (moment_of(instance, d, p), POOL, int(instance.required[d, p]))
        for d in range(instance.days)
        for p in range(instance.periods)
    ]
    return pd.DataFrame(rows, columns=["interval_start", "pool", "required"]).sort_values(
        "interval_start", ignore_index=True
    )


def surgeplan_section() -> RosterSection:
    """The four templates, each paid its pyworkforce cost; no breaks in 8 h shifts."""
    return RosterSection.model_validate(
        {
            "contracts": {"shift": {"shift_lengths": ["8h"], "cost_per_hour": 1 / 8}},
            "agent_classes": [{"pools": [POOL], "contract": "shift", "count": 1}],
            "shifts": {
                "templates": [
                    {
                        "name": name,
                        "start": start,
                        "length": f"{hours}h",
                        "pay_factor": PYWORKFORCE_COSTS[name],
                    }
                    for name, start, hours in TEMPLATES
                ]
            },
            "breaks": {"duration": "1h", "required_over": "8h"},
        }
    )


def surgeplan_counts(instance: Instance, shifts: pd.DataFrame) -> np.ndarray:
    """A shift plan's counts as days × shifts in pyworkforce's order (day = operational day)."""
    names = list(PYWORKFORCE_SHIFTS)
    by_clock = {start: names.index(name) for name, start, _ in TEMPLATES}
    counts = np.zeros((instance.days, len(names)), dtype=int)
    for row in shifts.itertuples():
        start = pd.Timestamp(row.shift_start).to_pydatetime()
        day = (start - START).days
        counts[day, by_clock[f"{start:%H:%M}"]] += int(row.count)
    return counts


def solve_surgeplan(instance: Instance, requirements: pd.DataFrame, section: RosterSection) -> dict:
    """``plan_shifts`` with hard coverage and no gap; its status, cost, counts and times."""
    plan = plan_shifts(
        requirements,
        section,
        horizon_of(instance),
        time_limit=TIME_LIMIT,
        gap=0.0,
        hard_coverage=True,
    )
    return {
        "status": plan.report.status,
        "cost": plan.costs["pay"],
        "counts": surgeplan_counts(instance, plan.shifts),
        "solver_s": plan.report.seconds,
        "shortfall": float(plan.coverage["shortfall"].sum()),
    }


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Result:
    instance: Instance
    runs: dict  # side → list of dicts (one per repeat, each with "wall_s")

    def median(self, side: str, key: str = "wall_s") -> float:
        return statistics.median(run[key] for run in self.runs[side])

    def spread(self, side: str) -> tuple[float, float]:
        times = [run["wall_s"] for run in self.runs[side]]
        return min(times), max(times)

    def last(self, side: str) -> dict:
        return self.runs[side][-1]


def measure(instances: list[Instance], repeats: int, log=print) -> list[Result]:
    """Each instance ``repeats`` times on each side, alternating which side goes first."""
    section = surgeplan_section()
    results = []
    for instance in instances:
        problems = list(roster_problems(section, horizon_of(instance), [POOL]))
        if problems:
            raise SystemExit(f"the surgeplan section is not valid: {problems}")
        requirements = surgeplan_requirements(instance)
        sides = {
            "surgeplan": lambda i=instance, r=requirements: solve_surgeplan(i, r, section),
            "pyworkforce": lambda i=instance: solve_pyworkforce(i),
        }
        runs: dict = {side: [] for side in sides}
        for rep in range(repeats):
            order = list(sides) if rep % 2 == 0 else list(reversed(sides))
            for side in order:
                started = time.perf_counter()
                out = sides[side]()
                out["wall_s"] = time.perf_counter() - started
                runs[side].append(out)
                log(
                    f"  {instance.name:<40} {side:<11} repeat {rep + 1}: {out['status']:<8} "
                    f"cost {out['cost']:>10,.2f} in {out['wall_s']:.3f} s"
                )
        results.append(Result(instance, runs))
    return results


def check(result: Result) -> list[str]:
    """What is wrong with one instance's results (empty when all is well).

    Each side's plan must cover the requirement in pyworkforce's terms (which also shows that
    the two encodings describe one problem), and surgeplan's cost must not exceed
    pyworkforce's.
    """
    wrong = []
    instance = result.instance
    for side in result.runs:
        out = result.last(side)
        if out["status"] not in ("optimal", "feasible"):
            wrong.append(f"{side} found no plan ({out['status']})")
            continue
        cover = mask_coverage(out["counts"], instance.per_hour)
        if (cover < instance.required).any():
            wrong.append(f"{side}'s plan leaves periods uncovered in pyworkforce's terms")
        priced = float((out["counts"] @ np.array(list(PYWORKFORCE_COSTS.values()))).sum())
        if abs(priced - out["cost"]) > _TOLERANCE * max(1.0, priced):
            wrong.append(f"{side}'s counts price to {priced:g}, not its cost {out['cost']:g}")
    ours, theirs = result.last("surgeplan"), result.last("pyworkforce")
    if "cost" in ours and "cost" in theirs and ours["cost"] > theirs["cost"] + _TOLERANCE:
        wrong.append(f"surgeplan costs {ours['cost']:g} > pyworkforce's {theirs['cost']:g}")
    return wrong


# -- report -----------------------------------------------------------------------------------


def _seconds(result: Result, side: str) -> str:
    low, high = result.spread(side)
    return f"{result.median(side):.3f} s ({low:.3f}–{high:.3f})"


def render(results: list[Result], repeats: int, total_s: float) -> str:
    from run import _git_rev, _machine, _versions

    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    dists = ("surgeplan", "pyworkforce", "ortools", "pyomo", "highspy", "numpy", "pandas")
    lines = [
        "## Aggregate roster level against pyworkforce",
        "",
        "surgeplan's shift level (`optimize.roster.plan_shifts`, Pyomo + HiGHS) against "
        "pyworkforce's `MinRequiredResources` (CP-SAT): how many shifts of each template to "
        "start on each day so that the heads on duty never fall below the requirement, at "
        "least total shift cost. One pool, hard coverage.",
        "",
        "### Reproduce",
        "",
        "```",
        'python -m pip install -e ".[bench]"',
        COMMAND,
        "```",
        "",
        f"This run: {stamp}, {repeats} repeat(s) per side and instance, {total_s:.1f} s in total.",
        "",
        "### Machine and versions",
        "",
        *_machine(),
        f"- packages: {_versions(dists)}",
        f"- surgeplan source: git {_git_rev(('sim', 'optimize'))}",
        "",
        "### Method",
        "",
        "- Templates and costs of pyworkforce's `MinRequiredResources` example and tests: "
        "Morning 05–13 (cost 8), Afternoon 13–21 (8), Night 21–05 (10), Mixed 09–17 (7), "
        "as 24-hour 0/1 masks (repeated ×4 for quarter-hours).",
        "- **The same instance in surgeplan.** pyworkforce's days are independent and its "
        "Night mask wraps inside the day (hours 21–23 and 0–4 of one row). In surgeplan the "
        "horizon is a run of *operational days* from 05:00 to 05:00, starting on a Monday at "
        "05:00: pyworkforce's day *d*, hour *h* ≥ 5 is surgeplan's date *d* at *h*, hour "
        "*h* < 5 is date *d* + 1 at *h*. Every template is then one contiguous shift of "
        "`roster.shifts.templates` starting on its operational day (Night = 21:00 + 8 h, "
        "crossing midnight), with `pay_factor` = the pyworkforce cost and a contract paying "
        "1/8 per hour, so a shift costs exactly its pyworkforce cost; breaks are off for "
        "8 h shifts (`breaks.required_over: 8h`). Both models have the same integer "
        "variables (days × 4), the same coverage rows and the same costs.",
        "- Instances: pyworkforce's own test instance (2 days × 24 hourly periods), and a "
        "week of 7 days × 96 quarter-hours at three seeds: the example's two hourly rows "
        "alternating over the week, scaled by a weekday factor "
        f"({', '.join(f'{f:g}' for f in DAY_FACTORS)}, Monday to Sunday), each quarter-hour "
        "perturbed by a seeded integer in [−2, 2]; and four such weeks (28 days, seed 1), "
        "to see how the times grow with the horizon.",
        "- surgeplan: `plan_shifts(..., gap=0, hard_coverage=True)` (HiGHS, default "
        "options). pyworkforce: `MinRequiredResources(...).solve()` with its default 2 "
        "search workers; `max_shift_concurrency` = the largest requirement and "
        "`max_period_concurrency` = twice it, bounds no optimum can reach (a count above the "
        "largest requirement can be lowered without uncovering anything, and no period lies "
        "in more than two templates). Time limit 600 s on both sides.",
        "- Timed region: the call that turns the requirement table into a plan — surgeplan "
        "`plan_shifts` (index sets, Pyomo model, HiGHS, read-out of the shift and coverage "
        "tables); pyworkforce the constructor and `solve()` (CP-SAT model, solve, read-out). "
        "Inputs (requirement table / lists, roster section / masks) are built before. Both "
        "sides run in this one process after an untimed warm-up of each; repeats alternate "
        "which side goes first. *solver*: the median time of the solve call alone "
        "(surgeplan: Pyomo handing the model to HiGHS and HiGHS solving it; pyworkforce: "
        "CP-SAT's wall time).",
        "- Checks (the script exits 1 if one fails): each side's plan covers every period in "
        "pyworkforce's terms (the mask sums), its counts price to its reported cost, and "
        "surgeplan's cost is equal to or lower than pyworkforce's.",
        "",
        "### Results",
        "",
        "| instance | periods | surgeplan cost | status | pyworkforce cost | status | "
        "cost ours / pyworkforce | surgeplan time, median (min–max) | solver | "
        "pyworkforce time, median (min–max) | solver | time ours / pyworkforce |",
        "|---|---:|---:|:---:|---:|:---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        ours, theirs = result.last("surgeplan"), result.last("pyworkforce")
        cost_ratio = ours["cost"] / theirs["cost"] if theirs["cost"] else float("nan")
        time_ratio = result.median("surgeplan") / result.median("pyworkforce")
        lines.append(
            f"| {result.instance.name} | {result.instance.days * result.instance.periods:,} | "
            f"{ours['cost']:,.0f} | {ours['status']} | {theirs['cost']:,.0f} | "
            f"{theirs['status']} | {cost_ratio:.4f} | {_seconds(result, 'surgeplan')} | "
            f"{result.median('surgeplan', 'solver_s'):.3f} s | "
            f"{_seconds(result, 'pyworkforce')} | "
            f"{result.median('pyworkforce', 'solver_s'):.3f} s | {time_ratio:.2f}× |"
        )
    equal = all(
        abs(r.last("surgeplan")["cost"] - r.last("pyworkforce")["cost"]) <= _TOLERANCE
        for r in results
    )
    optimal = all(r.last(side)["status"] == "optimal" for r in results for side in r.runs)
    ratios = [r.median("surgeplan") / r.median("pyworkforce") for r in results]
    slowest = max(max(r.median("surgeplan"), r.median("pyworkforce")) for r in results)
    solve_share = [r.median("surgeplan", "solver_s") / r.median("surgeplan") for r in results]
    faster = "surgeplan" if max(ratios) < 1 else "pyworkforce" if min(ratios) > 1 else "neither"
    lines += [
        "",
        ("**Cost: equal on every instance**" if equal else "**Cost: surgeplan lower or equal**")
        + (", both sides proven optimal." if optimal else " (not every solve proved optimal).")
        + f" **Time ours / pyworkforce: {min(ratios):.2f}× to {max(ratios):.2f}×**"
        + (f" ({faster} faster on every instance)." if faster != "neither" else ".")
        + f" Every median time is at most {slowest:.2g} s on both sides. Of surgeplan's time, "
        f"{min(solve_share):.0%}–{max(solve_share):.0%} is the solve call; the rest is "
        "building the index sets and the Pyomo model and reading out the shift and coverage "
        "tables.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per side (5)")
    parser.add_argument(
        "--docs",
        default=str(DOCS),
        help=f"the Markdown file to add the section to (default {DOCS.relative_to(ROOT)}); "
        "'-' to only print it",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))  # benchmarks/run.py's helpers
    from run import with_section, write_atomic

    instances = [
        example_instance(),
        *(week_instance(seed) for seed in SEEDS),
        week_instance(SEEDS[0], weeks=LONG_WEEKS),
    ]
    print("warm-up (untimed): imports, solver start-up")
    measure(instances[:1], 1, log=lambda _: None)
    started = time.perf_counter()
    results = measure(instances, args.repeats)
    total_s = time.perf_counter() - started
    wrong = [f"{r.instance.name}: {problem}" for r in results for problem in check(r)]
    report = render(results, args.repeats, total_s)
    print()
    print(report)
    if wrong:
        print("FAILED:\n  " + "\n  ".join(wrong), file=sys.stderr)
        return 1
    if args.docs != "-":
        path = Path(args.docs)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        write_atomic(path, with_section(text, SECTION, report))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
