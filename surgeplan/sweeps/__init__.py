"""What-if sweeps: a scenario's variants, each run with replications, on every core or Dask.

:func:`sweep` runs a sweep file (:mod:`.spec`) as tasks — one per (variant, replication),
with seeds derived from the sweep's seed, the variant and the replication (:mod:`.tasks`) —
on a process pool or a ``dask.distributed`` cluster, streams the finished rows to part files
and merges them into ``results.parquet`` (:mod:`.store`), then writes ``summary.csv`` (mean
and 95 % confidence interval per variant) and ``sweep.png`` (:mod:`.figure`). Killed at any
point, the same call runs only what is missing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .spec import SweepSpec, Variant, load_sweep
from .tasks import run_task, task_seed

__all__ = ["BACKENDS", "summarize", "sweep"]

BACKENDS = ("processes", "dask")
FLUSH_SECONDS = 2.0  # finished rows reach a part file at least this often
FLUSH_ROWS = 200


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _columns_as_text(varied: list[str], variants: list[Variant]) -> set[str]:
    """Varied paths whose values are not all numbers are written as text (``60s``, or a
    number beside a duration), so every part file gives a column the same type."""
    return {p for p in varied if not all(_numeric(v.values[p]) for v in variants)}


def _tasks(spec: SweepSpec, variants: list[Variant], done: set) -> list[tuple[Variant, int, int]]:
    return [
        (variant, replication, task_seed(spec.seed, variant.index, replication))
        for variant in variants
        for replication in range(spec.replications)
        if (variant.name, replication) not in done
    ]


def _processes(tasks, spec: SweepSpec, workers: int) -> Iterator[tuple[tuple, dict]]:
    if workers == 1:
        for task in tasks:
            yield task, run_task(spec.run, task[0].scenario, task[2], spec.method)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(run_task, spec.run, task[0].scenario, task[2], spec.method): task
            for task in tasks
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _dask(tasks, spec: SweepSpec, workers: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        from sim.errors import Problem, ScenarioError

        raise ScenarioError(
            Problem("--backend", 'dask needs dask.distributed: pip install "surgeplan[dask]"')
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(scheduler or cluster)
    try:
        scattered = {}
        futures = {}
        for task in tasks:
            variant = task[0]
            if variant.name not in scattered:
                scattered[variant.name] = client.scatter(variant.scenario, broadcast=False)
            future = client.submit(
                run_task, spec.run, scattered[variant.name], task[2], spec.method, pure=False
            )
            futures[future] = task
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


SHARES = ("service_level", "p_wait", "occupancy", "containment_rate", "meets_goal")


def _is_share(metric: str) -> bool:
    name = metric.split(".")[-1]
    return name in SHARES or name.endswith(("_rate", "_share", "_target")) or "within" in name


def summarize(results: pd.DataFrame, spec: SweepSpec) -> pd.DataFrame:
    """Per variant: the varied values, the replications, and each metric's mean and 95 %
    confidence interval (Student t over the replications; empty for one)."""
    from scipy import stats

    varied = spec.varied()
    rows = []
    for name, group in results.groupby("variant", sort=False):
        row: dict[str, Any] = {path: group[path].iloc[0] for path in varied if path in group}
        row["variant"] = name
        row["replications"] = len(group)
        for metric in spec.metrics:
            values = group[metric].to_numpy(dtype=float) if metric in group else np.array([])
            values = values[~np.isnan(values)]
            mean = float(values.mean()) if values.size else np.nan
            half = np.nan
            if values.size > 1:
                sem = values.std(ddof=1) / np.sqrt(values.size)
                half = float(stats.t.ppf(0.975, values.size - 1) * sem)
            # Clipped to the metric's range, as the simulator's own intervals are: every
            # metric is ≥ 0, and shares are ≤ 1.
            high = mean + half
            if _is_share(metric):
                high = min(high, 1.0)
            row[f"{metric}_mean"] = mean
            row[f"{metric}_ci95_low"] = max(mean - half, 0.0) if not np.isnan(half) else np.nan
            row[f"{metric}_ci95_high"] = high
        rows.append(row)
    return pd.DataFrame(rows)


def sweep(
    path: str | Path,
    out: str | Path,
    *,
    workers: int = 1,
    backend: str = "processes",
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    say: Callable[[str], None] = lambda text: None,
) -> pd.DataFrame:
    """Run the sweep file ``path`` into the directory ``out``; the results, one row per
    (variant, replication), as a DataFrame. Runs only the tasks ``out`` does not hold yet."""
    from sim import Scenario

    from ..io import write_csv
    from ..plots import save_figure
    from ..run_record import write_run_record
    from .figure import sweep_figure
    from .store import KEY, Store

    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    spec, variants = load_sweep(path)
    # The sweep and the base scenario's text: a directory resumes only the same sweep.
    base_text = (Path(path).parent / spec.base).read_bytes()
    identity = {
        "sweep": spec.model_dump(mode="json"),
        "base_sha256": hashlib.sha256(base_text).hexdigest(),
    }
    store = Store(Path(out), identity)
    done_rows = store.done()
    done = set(zip(done_rows["variant"], done_rows["replication"], strict=True))
    tasks = _tasks(spec, variants, done)
    total = len(variants) * spec.replications
    say(
        f"{len(variants)} variant(s) x {spec.replications} replication(s) = {total} task(s); "
        f"{total - len(tasks)} already done"
    )
    varied = spec.varied()
    textual = _columns_as_text(varied, variants)
    columns: list[str] = [*varied, *KEY, "seed"]
    pending: list[dict[str, Any]] = []
    flushed = time.monotonic()
    finished = total - len(tasks)
    if progress is not None:
        progress(finished, total)
    results = (
        _processes(tasks, spec, workers)
        if backend == "processes"
        else _dask(tasks, spec, workers, scheduler)
    )
    try:
        for (variant, replication, seed), metrics in results:
            row = {
                path: str(variant.values[path]) if path in textual else variant.values[path]
                for path in varied
            }
            row.update(variant=variant.name, replication=replication, seed=seed, **metrics)
            columns += [name for name in metrics if name not in columns]
            pending.append(row)
            finished += 1
            if progress is not None:
                progress(finished, total)
            now = time.monotonic()
            if len(pending) >= FLUSH_ROWS or now - flushed >= FLUSH_SECONDS:
                store.write_part(pending, columns)
                pending, flushed = [], now
    finally:
        # Interrupted or not, what finished is kept; a SIGKILL loses at most the last
        # FLUSH_SECONDS of rows, which the next run redoes.
        store.write_part(pending, columns)
    table = store.done()
    rank = {variant.name: variant.index for variant in variants}
    table = table.sort_values(
        ["variant", "replication"], key=lambda col: col.map(rank) if col.name == "variant" else col
    ).reset_index(drop=True)
    table = table[[c for c in columns if c in table] + [c for c in table if c not in columns]]
    store.merge(table)
    summary = summarize(table, spec)
    write_csv(Path(out) / "summary.csv", summary)
    save_figure(sweep_figure(summary, spec), Path(out) / "sweep.png")
    base_file = Path(path).parent / spec.base
    write_run_record(
        out,
        "sweep",
        Scenario.from_yaml(base_file),
        base_file,
        sweep_file=str(Path(path).resolve()),
        run=spec.run,
        varied=varied,
        metrics=list(spec.metrics),
        replications=spec.replications,
        seed=spec.seed,
    )
    return table
