"""``run_sim.py sweep``: run a what-if sweep file on every core or a Dask cluster."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import options

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "sweep",
        help="run a what-if sweep: a scenario's variants x replications, resumable",
        description=(
            "Run every variant of a sweep file (a grid over dotted scenario paths, or "
            "hand-picked cases) with its replications, on a process pool or a Dask cluster. "
            "Writes results.parquet (one row per variant and replication), summary.csv (mean "
            "and 95 %% confidence interval per variant) and sweep.png into --out. Run again "
            "after an interruption: only what is missing runs."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py sweep my_sweep.yaml --out sweep/\n"
            "  python run_sim.py sweep my_sweep.yaml --out sweep/ --backend dask "
            "--scheduler tcp://10.0.0.5:8786\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("sweep", type=Path, help="sweep YAML file")
    cmd.add_argument("--out", type=Path, required=True, help="output directory")
    options.add_workers(cmd, also="; with dask, the local cluster's workers")
    cmd.add_argument(
        "--backend",
        choices=("processes", "dask"),
        default="processes",
        help="processes (default) or dask (dask.distributed)",
    )
    cmd.add_argument(
        "--scheduler",
        help="a Dask scheduler's address (tcp://host:8786); without it dask starts a LocalCluster",
    )
    options.add_report(cmd)
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..progress import progress_bar
    from ..sweeps import sweep

    options.check_out(args.out)
    if args.scheduler and args.backend != "dask":
        from sim.errors import Problem, ScenarioError

        raise ScenarioError(Problem("--scheduler", "goes with --backend dask"))
    started = time.perf_counter()
    with progress_bar("sweeping", enabled=not args.quiet, unit="task") as progress:
        table = sweep(
            args.sweep,
            args.out,
            workers=args.workers,
            backend=args.backend,
            scheduler=args.scheduler,
            progress=progress,
            say=lambda text: options.say(args, f"  {text}"),
        )
    options.say(
        args,
        f"{args.sweep.name}: {table['variant'].nunique()} variant(s), {len(table)} row(s) in "
        f"{time.perf_counter() - started:.1f} s",
    )
    written = [args.out / name for name in ("results.parquet", "summary.csv", "sweep.png")]
    written += options.finish_report(args, args.out)
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
