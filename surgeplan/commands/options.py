"""What every command's arguments share: argument types, the run options, ``--quiet`` and
``--verbose``, the ``--out`` check, and the parser that turns bad arguments into exit status 2.

Imported for every command, ``--help`` included, so it imports nothing heavy.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from optimize.staffing import METHODS
from sim.durations import parse_duration
from sim.errors import Problem, ScenarioError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "BadInputParser",
    "CommandFailed",
    "add_run_options",
    "add_verbosity",
    "add_workers",
    "check_out",
    "confidence",
    "duration",
    "fraction",
    "gap",
    "methods",
    "positive_int",
    "positive_seconds",
    "say",
    "seed",
    "usable_cores",
]

EXIT_FAILED = 1  # a file that cannot be written, no roster found in time
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class CommandFailed(Exception):
    """Good input, no result (e.g. no roster within the time limit): ``error:`` and exit 1."""


class BadInputParser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


# -- argument types: each raises ArgumentTypeError with a message fit for a planner ---------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}")
    return value


def seed(text: str) -> int:
    """A whole number ≥ 0 (a seed, or any count that may be zero)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0, got {text!r}")
    return value


def duration(text: str) -> float:
    """A duration such as ``30s`` or ``4min``, in seconds."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_seconds(text: str) -> float:
    """A duration > 0, in seconds."""
    try:
        value = parse_duration(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a duration > 0 (e.g. 60 or 2min), got {text!r}")
    return value


def fraction(text: str) -> float:
    """A fraction in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in (0, 1], got {text!r}")
    return value


def gap(text: str) -> float:
    """A relative optimality gap in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in [0, 1) (e.g. 0.01), got {text!r}")
    return value


def confidence(text: str) -> float:
    """A share of random days in (0, 1)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    # 1 would mean the busiest day there can be: for an unbounded factor, infinite staffing.
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a fraction strictly between 0 and 1 (e.g. 0.9), got {text!r}"
        )
    return value


def methods(text: str) -> tuple[str, ...]:
    """Staffing methods separated by commas."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in METHODS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"must be methods from {', '.join(METHODS)} separated by commas, got {text!r}"
        )
    return names


# -- options several commands take ----------------------------------------------------------


def add_run_options(sub: argparse.ArgumentParser, replications: int, what: str) -> None:
    """The scenario and ``--out --seed --replications --workers`` of a simulating command."""
    sub.add_argument("scenario", type=Path, help="scenario YAML file")
    sub.add_argument("--out", type=Path, required=True, help="output directory")
    sub.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    sub.add_argument(
        "--replications",
        type=positive_int,
        default=replications,
        help=f"{what} (default {replications})",
    )
    add_workers(sub)


def add_workers(sub: argparse.ArgumentParser, also: str = "") -> None:
    """``--workers``, every usable core by default (results never depend on it)."""
    sub.add_argument(
        "--workers",
        type=positive_int,
        default=usable_cores(),
        help=f"parallel processes (default: every usable core, {usable_cores()} here{also}); "
        "results do not depend on it",
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def add_report(sub: argparse.ArgumentParser) -> None:
    """``--no-report``: skip the report.html a run writes at its end."""
    sub.add_argument(
        "--no-report",
        dest="report",
        action="store_false",
        help="do not write report.html at the end (write it later with `report DIR`)",
    )


def finish_report(args: argparse.Namespace, out: Path) -> list[Path]:
    """Write ``out/report.html`` unless ``--no-report``; the paths written."""
    if not args.report:
        return []
    from ..reports import write_report

    return [write_report(out)]


def add_verbosity(sub: argparse.ArgumentParser) -> None:
    group = sub.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    group.add_argument("-v", "--verbose", action="store_true", help="print more detail")


def check_out(out: Path) -> None:
    """Refuse an ``--out`` that exists and is not a directory, before any work is done."""
    if out.exists() and not out.is_dir():
        raise ScenarioError(Problem("--out", f"{out} exists and is not a directory"))


def say(args: argparse.Namespace, text: str) -> None:
    """Print ``text`` unless ``--quiet``."""
    if not args.quiet:
        print(text)
