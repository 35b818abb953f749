"""What a sweep costs on top of its tasks, and how it scales with workers.

    python benchmarks/sweeps.py [--tasks 24] [--docs docs/benchmarks.md]

A grid of simulate tasks of about a second each (a three-day phone scenario of ~500,000
inquiries, 4 variants x 6 replications), run four ways in this session, each from a fresh
output directory:

* **plain loop** — the tasks' own work: ``run_task`` called one after the other in this
  process (the same scenarios and seeds), nothing written;
* **sweep, 1 worker** — ``surgeplan.sweep`` with the processes backend and one worker (in
  process): validation, part files, the merge, summary.csv and sweep.png on top;
* **sweep, N workers** (processes) and **sweep on Dask** (a LocalCluster of N workers).

Overhead per task = (sweep time − plain-loop time) / tasks, with one worker; speed-up = the
1-worker sweep's time / the N-worker sweep's time; efficiency = speed-up / N. Every way's
table must equal the 1-worker sweep's, bit for bit (the script exits 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import _machine, publish  # noqa: E402

SECTION = "sweeps"
BASE = {
    "name": "sweep benchmark day",
    "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-14 00:00", "interval": "15min"},
    "warmup": "0s",
    "service_level": {"answer_within": "20s", "target": 0.8},
    "channels": {"phone": {"patience": {"dist": "exponential", "mean": "180s"}}},
    "inquiry_types": {
        "calls": {
            "channel": "phone",
            "arrivals": {"rate_per_hour": 7000},
            "handle_time": {"dist": "exponential", "mean": "240s"},
        }
    },
    "pools": {"agents": {"skills": ["calls"], "agents": 470}},
}


def write(folder: Path, replications: int) -> Path:
    (folder / "base.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    spec = {
        "base": "base.yaml",
        "run": "simulate",
        "vary": {
            "inquiry_types.calls.arrivals.rate_per_hour": [6500, 7500],
            "pools.agents.agents": [450, 480],
        },
        "replications": replications,
        "seed": 1,
        "metrics": ["service_level", "abandon_rate"],
    }
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--docs", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args(argv)

    from surgeplan import sweep
    from surgeplan.sweeps.spec import load_sweep
    from surgeplan.sweeps.tasks import run_task, task_seed

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write(folder, args.replications)
        spec, variants = load_sweep(path)
        tasks = len(variants) * spec.replications
        started = time.perf_counter()
        for variant in variants:
            for replication in range(spec.replications):
                run_task("simulate", variant.scenario, task_seed(1, variant.index, replication), "")
        plain = time.perf_counter() - started
        print(f"plain loop: {plain:.1f} s for {tasks} tasks")
        timings = {}
        tables = {}
        ways = [
            ("sweep, 1 worker", {"workers": 1}),
            (f"sweep, {args.workers} workers (processes)", {"workers": args.workers}),
            (f"sweep on Dask, LocalCluster of {args.workers}",
             {"workers": args.workers, "backend": "dask"}),
        ]  # fmt: skip
        for k, (label, options) in enumerate(ways):
            started = time.perf_counter()
            tables[label] = sweep(path, folder / f"out{k}", **options)
            timings[label] = time.perf_counter() - started
            print(f"{label}: {timings[label]:.1f} s")
    one = timings["sweep, 1 worker"]
    reference = tables["sweep, 1 worker"]
    same = all(table.equals(reference) for table in tables.values())
    lines = [
        "## Sweeps: overhead and scaling",
        "",
        "A grid of simulate tasks of about a second each (`benchmarks/sweeps.py`: a three-day "
        "phone scenario of ~500,000 inquiries; the method is in its docstring).",
        "",
        "### Reproduce",
        "",
        "```",
        "python benchmarks/sweeps.py",
        "```",
        "",
        f"This run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        *_machine(),
        "",
        "| way | seconds | per task | speed-up | efficiency |",
        "|---|---:|---:|---:|---:|",
        f"| plain loop (the tasks' own work) | {plain:.1f} | {plain / tasks:.2f} s | | |",
    ]
    for label, seconds in timings.items():
        speed = one / seconds
        workers = 1 if label == "sweep, 1 worker" else args.workers
        lines.append(
            f"| {label} | {seconds:.1f} | {seconds / tasks:.2f} s | {speed:.2f}× "
            f"| {speed / workers:.0%} |"
        )
    overhead = (one - plain) / tasks
    share = overhead / (plain / tasks)
    verdict = (
        f"**Overhead per task: {overhead * 1000:.0f} ms, {share:.1%} of a task**"
        if overhead > 0
        else f"**Overhead per task: below the run-to-run noise** (the sweep took "
        f"{-overhead * 1000:.0f} ms a task less than the plain loop, {-share:.1%})"
    )
    lines += [
        "",
        f"{tasks} tasks. {verdict} (target ≤ 5 % for tasks of about a second): validating "
        "every variant, part files, the merge, summary.csv and sweep.png, amortised over "
        "the tasks. Speed-up and efficiency are against the 1-worker sweep; the Dask row "
        "includes starting the LocalCluster. Every way's table equals the 1-worker sweep's "
        f"bit for bit: {'yes' if same else 'NO'}.",
    ]
    publish("\n".join(lines) + "\n", args.docs, SECTION)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
