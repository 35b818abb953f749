"""Write ``double11_week.yaml`` and ``agents_double11_week.csv``: the 11.11 week to roster.

    python scenarios/make_double11_week.py

A mid-sized shop's contact centre (phone and chat, about 100 agents) from Monday 9 November
to Monday 16 November 2026, in 15-minute intervals. Arrivals per interval are a daily shape
(quiet nights, a daytime plateau, an evening peak) times a factor per day (pre-sale on the
10th, 11.11 itself, after-sales on the days after), plus the two launches of 11.11: at
midnight (phone ×10, chat ×8 of the plateau at once, decaying with a 45-minute half-life)
and at 20:00 (smaller, 30-minute half-life). The pools' ``agents`` are hourly Erlang C
staffing at each hour's mean load, as a planner would pencil in before rostering: about
3,000 agent-hours in the week, within reach of ~100 agents on 40 h and 24 h contracts except
around the launches, which the roster covers with temporary hires, outsourced chat and the
peak-window penalties. Everything here is a fixed rule, so running the script again gives
the same files.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from anywhere without installing

from sim.erlang import erlang_c_agents  # noqa: E402
from surgeplan.io import atomic_write_text  # noqa: E402

START = datetime(2026, 11, 9)
DAYS = 7
PER_HOUR = 4  # 15-minute intervals
ANSWER_WITHIN = 20.0
TARGET = 0.8

# Share of the daytime plateau in each hour of an ordinary day (00:00, 01:00, …).
DAY_SHAPE = [
    0.45, 0.30, 0.20, 0.14, 0.12, 0.13, 0.20, 0.35, 0.60, 0.85, 1.00, 1.00,
    0.95, 0.95, 1.00, 1.00, 0.95, 0.90, 0.95, 1.05, 1.25, 1.30, 1.10, 0.75,
]  # fmt: skip
# Volume of each day relative to an ordinary one: Monday 9 … Sunday 15 November.
DAY_FACTOR = [0.85, 1.00, 1.50, 1.30, 1.15, 1.05, 1.00]

# type: (channel, plateau per hour, mean handle time in seconds, handle_time YAML, launch ×)
TYPES = {
    "orders_phone": ("phone", 90.0, 270.0, "{dist: lognormal, mean: 270s, cv: 0.9}", 10.0),
    "presale_chat": ("chat", 45.0, 480.0, "{dist: exponential, mean: 8min}", 8.0),
}
POOL_OF = {"orders_phone": "phone", "presale_chat": "chat"}


def _interval_shape() -> np.ndarray:
    """The day shape per 15-minute interval, linear between the hourly values."""
    hours = np.arange(24 * PER_HOUR) / PER_HOUR
    return np.interp(hours, np.arange(25), [*DAY_SHAPE, DAY_SHAPE[0]])


def rates(plateau: float, launch: float) -> np.ndarray:
    """Arrivals per hour in each interval of the week."""
    shape = _interval_shape()
    minutes = np.arange(24 * PER_HOUR) * 60 / PER_HOUR
    days = []
    for day, factor in enumerate(DAY_FACTOR):
        rate = plateau * factor * shape
        if day == 1:  # 10 Nov: carts fill up before midnight, up to +60 % by 23:45
            rate = rate * (1 + 0.6 * np.clip((minutes - 20 * 60) / (4 * 60 - 15), 0, 1))
        if day == 2:  # 11.11: the midnight and the 20:00 launch
            rate = rate + plateau * launch * 0.5 ** (minutes / 45)
            evening = np.where(minutes >= 20 * 60, 0.5 ** ((minutes - 20 * 60) / 30), 0)
            rate = rate + plateau * launch * 0.3 * evening
        days.append(rate)
    return np.round(np.concatenate(days))


def hourly_erlang_c(rate: np.ndarray, aht: float) -> np.ndarray:
    """Agents per interval: Erlang C for each hour's mean load, repeated over its intervals."""
    per_hour = rate.reshape(-1, PER_HOUR).mean(axis=1)
    agents = [
        erlang_c_agents(r * aht / 3600, aht, ANSWER_WITHIN, TARGET) if r > 0 else 0
        for r in per_hour
    ]
    return np.repeat(agents, PER_HOUR)


def _yaml_list(values: np.ndarray, indent: str) -> str:
    """Eight values (two hours) per line, each line commented with its day and clock time."""
    lines = []
    step = timedelta(minutes=60 // PER_HOUR)
    for k in range(0, len(values), 8):
        chunk = ", ".join(f"{v:g}" for v in values[k : k + 8])
        comma = "," if k + 8 < len(values) else ""
        when = START + k * step
        lines.append(f"{indent}  {chunk}{comma}   # {when:%a %d %H:%M}")
    return "[\n" + "\n".join(lines) + f"\n{indent}]"


ROSTER = """\
roster:
  agents_file: agents_double11_week.csv   # relative to this file
  contracts:
    full_time:
      {shift_lengths: [8.5h], min_hours_per_week: 32h, max_hours_per_week: 40h, cost_per_hour: 45}
    part_time: {shift_lengths: [4h, 6h], max_hours_per_week: 24h, cost_per_hour: 38}
  shifts:
    start_every: 1h            # on the hour, any hour of the day
    lengths: [4h, 6h, 8.5h]    # 8.5h: 8 h worked and the 30 min break
  breaks: {duration: 30min, required_over: 6h}
  rules:
    min_rest_between_shifts: 11h
    max_consecutive_days: 6
    weekly_rest: 24h
    max_hours_in_7_days: 48h
    max_night_shifts_in_7_days: 3
  costs:
    understaffing_per_agent_interval: 200
    peaks:                     # where a missing agent hurts most
      - {start: "2026-11-11 00:00", end: "2026-11-11 03:00", understaffing_per_agent_interval: 600}
      - {start: "2026-11-11 20:00", end: "2026-11-11 22:00", understaffing_per_agent_interval: 400}
    overtime_premium: 0.5
    max_overtime_hours_per_week: 8h
    temporary_hires: {pools: [phone], max_count: 10, contract: part_time, fixed_cost: 800}
    outsourced: {pools: [chat], max_agents_per_interval: 15, cost_per_agent_interval: 60}
"""


def scenario_yaml() -> str:
    parts = [
        "# The 11.11 week for rostering: Monday 9 to Monday 16 November 2026, phone and chat,",
        "# about 100 named agents (agents_double11_week.csv). Generated by",
        "# make_double11_week.py (daily shape x day factor + the two launches of 11.11);",
        "# edit the script, not this file. Rates and agents are per 15-minute interval,",
        "# 8 values a line, each line commented with the day and clock time of its first value.",
        "name: Double 11 week (roster)",
        "description: Pre-sale, 11.11 and after-sales week of a mid-sized shop, phone and chat.",
        "time_zone: Asia/Shanghai",
        'horizon: {start: "2026-11-09 00:00", end: "2026-11-16 00:00", interval: 15min}',
        "warmup: 0s",
        f"service_level: {{answer_within: {ANSWER_WITHIN:g}s, target: {TARGET:g}}}",
        "",
        "channels:",
        "  phone: {patience: {dist: exponential, mean: 90s}}",
        "  chat: {patience: {dist: exponential, mean: 5min}}",
        "",
        "inquiry_types:",
    ]
    staffing = {}
    for name, (channel, plateau, aht, handle_time, launch) in TYPES.items():
        rate = rates(plateau, launch)
        staffing[POOL_OF[name]] = hourly_erlang_c(rate, aht)
        parts += [
            f"  {name}:",
            f"    channel: {channel}",
            f"    arrivals:\n      rate_per_hour: {_yaml_list(rate, '      ')}",
            f"    handle_time: {handle_time}",
        ]
    parts += ["", "pools:  # hourly Erlang C staffing"]
    for name, pool in POOL_OF.items():
        parts += [
            f"  {pool}:",
            f"    skills: [{name}]",
            f"    agents: {_yaml_list(staffing[pool], '    ')}",
        ]
    agent_hours = sum(float(a.sum()) for a in staffing.values()) / PER_HOUR
    parts += [
        "",
        f"# The pools above add up to {agent_hours:,.0f} agent-hours in the week.",
        ROSTER,
    ]
    return "\n".join(parts)


SURNAMES = [
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
    "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo",
]  # fmt: skip
GIVEN = [
    "wei", "fang", "na", "min", "jing", "lei", "qiang", "jun", "yang", "yong", "yan", "jie", "tao",
    "ming", "chao", "xiu", "xia", "ping", "gang", "hui", "ling", "bo", "hong", "xin", "yu",
]  # fmt: skip

# Carry-in and availability for a few agents (by position in the file, from 0).
SPECIAL = {
    2: {"last_shift_end": "2026-11-08 22:00", "consecutive_days": "5"},
    7: {"last_shift_end": "2026-11-08 23:30", "consecutive_days": "3"},
    11: {"days_off": "2026-11-14|2026-11-15"},
    18: {"available_from": "2026-11-10 08:00"},  # starts on Tuesday
    23: {"cost_per_hour": "55"},  # team lead
    31: {"last_shift_end": "2026-11-08 20:00", "consecutive_days": "6"},
    40: {"days_off": "2026-11-13"},
    52: {"cost_per_hour": "55"},
    57: {"last_shift_end": "2026-11-09 00:00", "consecutive_days": "2"},
    64: {"available_to": "2026-11-14 00:00"},  # leaves on Saturday
    77: {"cost_per_hour": "60"},  # senior, both channels
    83: {"days_off": "2026-11-09|2026-11-16"},
    90: {"available_from": "2026-11-09 12:00", "available_to": "2026-11-15 20:00"},
}
COLUMNS = [
    "agent", "pools", "contract", "cost_per_hour", "available_from", "available_to",
    "days_off", "last_shift_end", "consecutive_days",
]  # fmt: skip


def agents_csv() -> str:
    """100 agents: 45 phone, 30 chat, 25 both; 3 in 10 on part-time contracts."""
    rows = [",".join(COLUMNS)]
    names: set[str] = set()
    for k in range(100):
        name = f"{SURNAMES[k % 20]}.{GIVEN[(7 * k + k // 20) % len(GIVEN)]}"
        assert name not in names, name
        names.add(name)
        pools = "phone" if k < 45 else "chat" if k < 75 else "phone|chat"
        contract = "part_time" if k % 10 in (3, 6, 9) else "full_time"
        extra = SPECIAL.get(k, {})
        cells = {"agent": name, "pools": pools, "contract": contract, **extra}
        rows.append(",".join(cells.get(column, "") for column in COLUMNS))
    return "\n".join(rows) + "\n"


def main() -> None:
    atomic_write_text(HERE / "double11_week.yaml", scenario_yaml())
    atomic_write_text(HERE / "agents_double11_week.csv", agents_csv())
    print(f"wrote {HERE / 'double11_week.yaml'} and {HERE / 'agents_double11_week.csv'}")


if __name__ == "__main__":
    main()
