"""What channels and bots cost: the contact engine against the phone engine, and bot sessions.

Run from the repository root::

    python benchmarks/channels.py            # writes its section of docs/benchmarks.md
    python benchmarks/channels.py --docs -   # prints it instead

Each figure is the median of interleaved repeats in this one process, simulating one
replication with ``sim.simulate`` (the tables read once, as the command line would):

* **the same phone day through both engines** — 200 agents, 2,800 calls/h (0.93 per agent),
  12 h: the phone engine (what a phone-only scenario runs on) against the contact engine
  forced onto the same model;
* **bot sessions** — 20,000 customers/h for 12 h, all offered to a bot that resolves every
  one (people see nothing): µs per session without a capacity, and with a capacity that
  turns 10 % away (those go to 200 agents);
* **a mixed day** — phone with retrials, chat with concurrency, e-mail and a bot.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import publish  # noqa: E402

from sim import Scenario, simulate  # noqa: E402
from sim import runner as sim_runner  # noqa: E402
from sim._contact_engine import run_contact_replication  # noqa: E402
from sim.erlang import erlang_b  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "channels"
HOURS = 12


def day(types: dict, pools: dict, channels: dict | None = None, bots: dict | None = None):
    data = {
        "name": "bench",
        "horizon": {"start": "2026-11-11 00:00", "end": f"2026-11-11 {HOURS:02d}:00"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": channels or {"phone": {"patience": {"dist": "exponential", "mean": "180s"}}},
        "inquiry_types": types,
        "pools": pools,
    }
    if bots:
        data["bots"] = bots
    return Scenario.from_dict(data)


def calls(rate: float, channel: str = "phone", aht: str = "240s") -> dict:
    return {
        "channel": channel,
        "arrivals": {"rate_per_hour": rate},
        "handle_time": {"dist": "exponential", "mean": aht},
    }


def bot(capacity: int | None) -> dict:
    spec = {
        "serves": ["question"],
        "session_time": {"dist": "lognormal", "mean": "90s", "cv": 1.0},
        "outcomes": {"resolved": 1.0, "escalated": 0.0, "bounced": 0.0},
    }
    if capacity is not None:
        spec["capacity"] = capacity
    return {"assistant": spec}


def timed(scenario: Scenario, force_contact: bool = False) -> tuple[float, dict]:
    original = sim_runner.engine_for
    if force_contact:
        sim_runner.engine_for = lambda model: run_contact_replication
    try:
        started = time.perf_counter()
        result = simulate(scenario, seed=1)
        summary = result.summary
        result.channels  # noqa: B018  (the tables are part of a run)
        return time.perf_counter() - started, summary
    finally:
        sim_runner.engine_for = original


def median_of(repeats: int, *cases) -> list[tuple[float, dict]]:
    """Each case's median seconds (and its summary), the cases interleaved per repeat."""
    seconds: list[list[float]] = [[] for _ in cases]
    summaries: list[dict] = [{} for _ in cases]
    for _ in range(repeats):
        for i, (scenario, force) in enumerate(cases):
            elapsed, summaries[i] = timed(scenario, force)
            seconds[i].append(elapsed)
    return [(statistics.median(s), summary) for s, summary in zip(seconds, summaries, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--docs", default=str(DOCS), help="file to update, or - to print")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    phone = day({"call": calls(2800.0)}, {"agents": {"skills": ["call"], "agents": 200}})
    (fast_s, fast), (contact_s, contact) = median_of(args.repeats, (phone, False), (phone, True))
    offered = fast["offered"]
    print(f"phone day: phone engine {fast_s:.2f} s, contact engine {contact_s:.2f} s", flush=True)

    load = 20000.0 * 90 / 3600
    capacity = next(c for c in range(1, 2000) if erlang_b(c, load) <= 0.10)
    open_bot = day(
        {"question": calls(20000.0)}, {"agents": {"skills": ["question"], "agents": 200}},
        bots=bot(None),
    )  # fmt: skip
    full_bot = day(
        {"question": calls(20000.0)}, {"agents": {"skills": ["question"], "agents": 200}},
        bots=bot(capacity),
    )  # fmt: skip
    (open_s, open_summary), (full_s, full_summary) = median_of(
        args.repeats, (open_bot, False), (full_bot, False)
    )
    sessions_open = open_summary["funnel"]["resolved_by_bot"]
    sessions_full = full_summary["funnel"]["resolved_by_bot"]
    turned = full_summary["funnel"]["inquiries"] - sessions_full
    print(f"bot: open {open_s:.2f} s, capacity {capacity} {full_s:.2f} s", flush=True)

    mixed = day(
        {
            "payment": calls(1500.0),
            "presale": calls(2400.0, channel="chat", aht="8min"),
            "refund": calls(150.0, channel="email", aht="6min"),
        },
        {"phone": {"skills": ["payment", "refund"], "agents": 60},
         "chat": {"skills": ["presale"], "agents": 45}},
        channels={
            "phone": {"patience": {"dist": "exponential", "mean": "90s"},
                      "retrial": {"probability": 0.4,
                                  "delay": {"dist": "exponential", "mean": "10min"}}},
            "chat": {"kind": "chat", "max_concurrent": 3, "concurrency_slowdown": 0.2,
                     "patience": {"dist": "exponential", "mean": "5min"}},
            "email": {"kind": "email", "deadline": "24h", "backlog": 500},
        },
        bots={"assistant": {
            "serves": ["payment", "presale"], "share": 0.9, "capacity": 2000,
            "session_time": {"dist": "lognormal", "mean": "90s", "cv": 1.0},
            "outcomes": {"resolved": 0.7, "escalated": 0.2, "bounced": 0.1},
            "escalation": {"handle_time_factor": 1.3},
            "bounce": {"returns": 0.6, "delay": {"dist": "exponential", "mean": "30min"}},
        }},
    )  # fmt: skip
    ((mixed_s, mixed_summary),) = median_of(args.repeats, (mixed, False))
    funnel = mixed_summary["funnel"]
    print(f"mixed day: {mixed_s:.2f} s", flush=True)

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    per = 1e6
    lines = [
        "## Channels and bots",
        "",
        "What the contact engine and bots cost (`benchmarks/channels.py`; the cases are in "
        "its docstring). Phone-only scenarios run on the phone engine, so channels cost them "
        "nothing.",
        "",
        "### Reproduce",
        "",
        "```",
        "python benchmarks/channels.py",
        "```",
        "",
        f"This run: {when}, {args.repeats} repeats, median; "
        f"{time.perf_counter() - started:.0f} s in total.",
        "",
        "| case | customers | contacts people answer | seconds | µs per customer |",
        "|---|---:|---:|---:|---:|",
        f"| phone day, phone engine | {offered:,} | {fast['answered']:,} | {fast_s:.2f} | "
        f"{fast_s / offered * per:.1f} |",
        f"| the same day, contact engine | {contact['offered']:,} | {contact['answered']:,} | "
        f"{contact_s:.2f} | {contact_s / contact['offered'] * per:.1f} |",
        f"| bot resolving everything, no capacity | {sessions_open:,} | 0 | {open_s:.2f} | "
        f"{open_s / sessions_open * per:.1f} |",
        f"| the same, capacity {capacity} (turns {turned / funnel_total(full_summary):.0%} "
        f"away to people) | {funnel_total(full_summary):,} | {turned:,} | {full_s:.2f} | "
        f"{full_s / funnel_total(full_summary) * per:.1f} |",
        f"| mixed day: bot, phone retrials, chat × 3, e-mail | {funnel['inquiries']:,} | "
        f"{mixed_summary['offered']:,} live | {mixed_s:.2f} | "
        f"{mixed_s / funnel['inquiries'] * per:.1f} |",
        "",
        f"The contact engine takes {contact_s / fast_s:.1f}× the phone engine's time on the "
        "same phone day (same counts, a test checks it). A bot session costs "
        f"{open_s / sessions_open * per:.1f} µs where the bot has room for everyone (its "
        "capacity check is one vectorised pass), "
        f"{full_s / funnel_total(full_summary) * per:.1f} µs per customer where it is full "
        "part of the time (sessions admitted one by one, and people answer those turned away).",
    ]
    body = "\n".join(lines) + "\n"
    publish(body, args.docs, SECTION)
    return 0


def funnel_total(summary: dict) -> int:
    return summary["funnel"]["inquiries"]


if __name__ == "__main__":
    sys.exit(main())
