"""``run_sim.py arrivals``: the arrival curves a scenario forecasts, before simulating it."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import options

__all__ = ["register", "run"]


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "arrivals",
        help="write the expected arrivals per inquiry type and interval, and their curve",
        description=(
            "Write arrivals.csv (interval_start, inquiry_type, expected_arrivals: the integral\n"
            "of the arrival rate over the interval, warm-up included, busyness not applied;\n"
            "rate_per_hour) and arrivals.png (the rate of each inquiry type over the local\n"
            "clock) into --out, and print what each arrival model is built from (a fitted\n"
            "profile's error included)."
        ),
        epilog=(
            "examples:\n"
            "  python run_sim.py arrivals scenarios/double11.yaml --out out/\n"
            "  python run_sim.py simulate scenarios/double11.yaml --out out/\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("scenario", type=Path, help="scenario YAML file")
    cmd.add_argument("--out", type=Path, required=True, help="output directory")
    options.add_verbosity(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import timedelta

    import numpy as np

    from sim import Scenario

    from ..arrival_curves import arrivals_figure, arrivals_table, rate_curve
    from ..io import write_csv
    from ..plots import save_figure

    scenario = Scenario.from_yaml(args.scenario)
    options.check_out(args.out)
    table = arrivals_table(scenario)
    written = [
        write_csv(args.out / "arrivals.csv", table),
        save_figure(arrivals_figure(scenario), args.out / "arrivals.png"),
    ]
    counted = scenario.warmup_intervals * scenario.horizon.interval
    lines = [f"{scenario.name}: expected arrivals (busyness not applied)"]
    for name, kind in scenario.inquiry_types.items():
        expected = scenario.expected_arrivals(name)
        t, rate = rate_curve(scenario, name)
        top = int(np.argmax(rate))
        peak_at = scenario.horizon.start + timedelta(seconds=float(t[top]))
        lines.append(
            f"  {name} ({kind.arrivals.model}): {expected.sum():,.0f} over the horizon, "
            f"{expected[scenario.warmup_intervals :].sum():,.0f} after the "
            f"{counted / 60:g} min warm-up; peak rate {rate[top]:,.0f}/h at "
            f"{peak_at:%Y-%m-%d %H:%M}"
        )
        note = kind.arrivals.describe(scenario.clock)
        if note:
            lines.append(f"    {note}")
    options.say(args, "\n".join(lines))
    for path in written:
        options.say(args, f"  wrote {path}")
    return 0
