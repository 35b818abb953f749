"""The full model's speed and memory on the shipped 11.11 event (``scenarios/double11.yaml``).

    python benchmarks/full_model.py [--repeats 3] [--replications 4] [--docs docs/benchmarks.md]

* **Speed.** Customer inquiries simulated per second: ``Scenario.from_yaml`` and ``simulate``
  of ``scenarios/double11.yaml`` with several replications in one process and one worker (so
  start-up is amortised and nothing runs in parallel), in a fresh process per repeat, against
  the textbook SimPy model (``benchmarks/peers.py``) on the foundation benchmark's big day
  (``benchmarks/run.py``: 2,950 agents, 45,000 inquiries/h, 22 h) in the same session, the
  two interleaved. An inquiry is a customer (``summary.json``'s ``funnel.inquiries``): those
  the bot resolves count, as every customer does in the textbook model.
* **Where the time goes.** One replication under cProfile, its time grouped by the part of
  the model it is spent in (internal time of each function, by file).
* **Memory.** Peak resident memory, from the operating system, of ``run_sim.py simulate`` as
  a process of its own on more than five million customer inquiries: the event at six times
  the merchant's size in one replication (every rate, the bot's capacity and the pencilled
  staffing × 6; its one day is a quiet one, busyness 0.9), and the shipped file with six
  replications in one process.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import run as foundation  # noqa: E402  (the foundation benchmark: its big day and helpers)

SCENARIO = ROOT / "scenarios" / "double11.yaml"
TARGET = 5.0  # the issue's: surgeplan's rate / the textbook model's
MEMORY_LIMIT_GB = 1.5
MARK = "FULL_MODEL_RESULT "


def _ours(replications: int, seed: int) -> dict:
    """In this (fresh) process: the shipped event, timed from reading the file."""
    from sim import Scenario, simulate

    started = time.perf_counter()
    scenario = Scenario.from_yaml(SCENARIO)
    result = simulate(scenario, seed=seed, replications=replications)
    seconds = time.perf_counter() - started
    funnel = result.summary["funnel"]["per_replication"]
    return {
        "seconds": seconds,
        "inquiries": sum(run["inquiries"] for run in funnel),
        "people": sum(run["answered"] for run in funnel),
    }


def _spawn_ours(replications: int, seed: int) -> dict:
    code = (
        f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import full_model; "
        f"print({MARK!r} + json.dumps(full_model._ours({replications}, {seed})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=foundation._process_env(),
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    raise SystemExit(f"surgeplan run failed: {done.stderr.strip()[-500:]}")


def _spawn_textbook() -> dict:
    big = next(case for case in foundation.build_plan(quick=False) if case.key == "big")
    spec = {"engine": "textbook", **foundation._model_kwargs(big, "textbook")}
    out = foundation._spawn(spec, timeout=900)
    if "error" in out:
        raise SystemExit(f"textbook run failed: {out['error']}")
    return {"seconds": out["run_s"], "inquiries": out["offered"]}


def speed(repeats: int, replications: int, log=print) -> dict:
    ours, textbook = [], []
    for k in range(repeats):
        ours.append(_spawn_ours(replications, seed=k))
        textbook.append(_spawn_textbook())
        for name, runs in (("surgeplan", ours), ("textbook", textbook)):
            log(f"  {name} repeat {k + 1}: {runs[-1]['inquiries'] / runs[-1]['seconds']:,.0f}/s")
    rate = statistics.median(r["inquiries"] / r["seconds"] for r in ours)
    base = statistics.median(r["inquiries"] / r["seconds"] for r in textbook)
    return {"ours": ours, "textbook": textbook, "rate": rate, "base": base, "ratio": rate / base}


# Where a function's file lies says which part of the model its time belongs to.
PARTS = [
    ("sim/arrivals/", "arrival sampling (promo_surge: exact integral, Newton inversion)"),
    ("sim/bots.py", "the bot stage (sessions, capacity, outcomes)"),
    ("sim/_contact_engine.py", "the contact engine (people's queues, e-mail, complaints)"),
    ("simpy/", "SimPy's event loop"),
    ("sim/recorder.py", "per-interval tallies"),
    ("sim/channel_metrics.py", "tables (metrics per interval)"),
    ("sim/complaint_metrics.py", "tables (metrics per interval)"),
    ("sim/metrics.py", "tables (metrics per interval)"),
    ("sim/distributions.py", "handle, patience and session times"),
    ("~", "NumPy and Python built-ins called from the above"),
]


def profile(log=print) -> dict:
    from sim import Scenario, simulate

    scenario = Scenario.from_yaml(SCENARIO)
    simulate(scenario, seed=99)  # warm: imports, caches
    profiler = cProfile.Profile()
    profiler.enable()
    result = simulate(scenario, seed=1)
    profiler.disable()
    people = result.summary["offered"]
    stats = pstats.Stats(profiler)
    parts: dict[str, float] = defaultdict(float)
    functions = []
    for (file, line, name), (_, calls, internal, _, _) in stats.stats.items():
        part = next((label for key, label in PARTS if key in file), "other (pandas, scenario)")
        parts[part] += internal
        functions.append((internal, calls, f"{Path(file).name}:{line}({name})"))
    total = sum(parts.values())
    functions.sort(reverse=True)
    log(f"  profiled: {total:.2f} s")
    return {
        "total": total,
        "inquiries": result.summary["funnel"]["inquiries"],
        "contacts": people,
        "parts": sorted(parts.items(), key=lambda item: -item[1]),
        "top": functions[:8],
    }


def _scaled(folder: Path, scale: int) -> Path:
    """double11.yaml for a merchant ``scale`` times the size: rates, bot capacity, staffing."""
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    for kind in data["inquiry_types"].values():
        arrivals = kind["arrivals"]
        arrivals["profile_per_hour"] = [scale * value for value in arrivals["profile_per_hour"]]
    for bot in data["bots"].values():
        bot["capacity"] = scale * bot["capacity"]
    for pool in data["pools"].values():
        agents = pool["agents"]
        pool["agents"] = [scale * a for a in agents] if isinstance(agents, list) else scale * agents
    data["roster"]["agents_file"] = str(SCENARIO.parent / data["roster"]["agents_file"])
    path = folder / f"double11_x{scale}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def memory(log=print) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = [
            ("the event × 6, one replication", _scaled(folder, 6), 1),
            ("the event, six replications", SCENARIO, 6),
        ]
        for label, path, replications in runs:
            out = folder / f"out{len(rows)}"
            command = [
                sys.executable, "run_sim.py", "simulate", str(path), "--out", str(out),
                "--replications", str(replications), "--workers", "1", "--quiet",
            ]  # fmt: skip
            done, wall, peak_mb = foundation.run_measured(command)
            if done.returncode != 0:
                raise SystemExit(f"{label}: {done.stderr.strip()[-500:]}")
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            inquiries = sum(r["inquiries"] for r in summary["funnel"]["per_replication"])
            rows.append(
                {
                    "label": label,
                    "inquiries": inquiries,
                    "peak_gb": peak_mb / 1024,
                    "wall": wall,
                }
            )
            log(f"  {label}: {inquiries:,} inquiries, {rows[-1]['peak_gb']:.2f} GB")
    return rows


def render(result: dict, profiled: dict, mem: list[dict], repeats: int, replications: int) -> str:
    ours, textbook = result["ours"], result["textbook"]
    per_run = statistics.median(r["inquiries"] for r in ours)
    lines = [
        "## The full model: the 11.11 event",
        "",
        "Customer inquiries simulated per second on `scenarios/double11.yaml` (bot, chat with "
        "concurrency, phone with a VIP line and overflow, e-mail, complaints, temporary staff, "
        "busyness, an incident), where the peak memory goes, and how memory holds at five "
        "million inquiries (`benchmarks/full_model.py`; the method is in its docstring).",
        "",
        "### Reproduce",
        "",
        "```",
        "python benchmarks/full_model.py",
        "```",
        "",
        f"This run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {repeats} repeats, "
        f"median; {replications} replications per surgeplan run, one worker.",
        "",
        "### Speed",
        "",
        "| model | inquiries per run | seconds per run, median | inquiries/s | ratio |",
        "|---|---:|---:|---:|---:|",
        f"| surgeplan, `scenarios/double11.yaml` × {replications} replications | {per_run:,.0f} "
        f"| {statistics.median(r['seconds'] for r in ours):.2f} | {result['rate']:,.0f} "
        f"| {result['ratio']:.1f}× |",
        f"| textbook SimPy, the foundation big day | "
        f"{statistics.median(r['inquiries'] for r in textbook):,.0f} "
        f"| {statistics.median(r['seconds'] for r in textbook):.2f} | {result['base']:,.0f} "
        "| 1.0× |",
        "",
        f"**surgeplan on the full event / textbook SimPy on the big day: {result['ratio']:.1f}×** "
        f"(target ≥ {TARGET:g}×: {'met' if result['ratio'] >= TARGET else 'not met'}). Of the "
        f"event's customers, {statistics.median(r['people'] for r in ours) / per_run:.1%} are "
        "answered by people; the rest end at the bot or leave.",
        "",
        "### Where the time goes",
        "",
        f"One replication ({profiled['inquiries']:,} inquiries) under cProfile, "
        f"{profiled['total']:.2f} s of internal time (profiling slows it), by part:",
        "",
        "| part | seconds | share |",
        "|---|---:|---:|",
    ]
    for part, seconds in profiled["parts"]:
        lines.append(f"| {part} | {seconds:.2f} | {seconds / profiled['total']:.0%} |")
    people = sum(s for part, s in profiled["parts"] if "contact engine" in part or "SimPy" in part)
    lines += [
        "",
        f"People's queues (the contact engine and SimPy's event loop) take "
        f"{people / profiled['total']:.0%} of the time for {profiled['contacts']:,} contacts, "
        f"{profiled['contacts'] / profiled['inquiries']:.1%} of the customers: about "
        f"{people / profiled['contacts'] * 1e6:.0f} µs per contact (profiled) — one SimPy event "
        "or two per contact and the routing around it. The bot's side costs the arrival "
        "sampling of every customer (exact non-homogeneous sampling of a shape with three "
        "spikes and three waves, Newton's method on the erf and exponential integral) and a "
        "vectorised bot stage, about "
        f"{(profiled['total'] - people) / profiled['inquiries'] * 1e6:.1f} µs per customer "
        "with the built-ins they call.",
    ]
    lines += ["", "The functions with the most internal time:", ""]
    lines += ["| function | calls | seconds |", "|---|---:|---:|"]
    for internal, calls, name in profiled["top"]:
        lines.append(f"| `{name}` | {calls:,} | {internal:.2f} |")
    lines += [
        "",
        "### Memory",
        "",
        "`run_sim.py simulate` as a process of its own, `--workers 1`, peak resident memory "
        "from the operating system:",
        "",
        "| run | inquiries | peak memory | wall |",
        "|---|---:|---:|---:|",
    ]
    for row in mem:
        lines.append(
            f"| {row['label']} | {row['inquiries']:,} | {row['peak_gb']:.2f} GB "
            f"| {row['wall']:.0f} s |"
        )
    worst = max(row["peak_gb"] for row in mem)
    lines += [
        "",
        f"**Peak {worst:.2f} GB** (limit {MEMORY_LIMIT_GB} GB: "
        f"{'met' if worst <= MEMORY_LIMIT_GB else 'not met'}): arrivals are drawn and bot "
        "sessions settled a few intervals at a time, and observations are folded into "
        "per-interval tallies, so memory follows the busiest intervals, not the day.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--docs", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)
    print("speed:")
    result = speed(args.repeats, args.replications)
    print("profile:")
    profiled = profile()
    print("memory:")
    mem = memory()
    body = render(result, profiled, mem, args.repeats, args.replications)
    foundation.publish(body, args.docs, "full_model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
