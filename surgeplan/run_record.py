"""``run.json``: what a run directory was made from, so its report needs nothing else.

Each of ``simulate``, ``staff``, ``plan`` and ``sweep`` writes one beside its tables: the
command, the scenario file (path and SHA-256), the scenario at a glance (names, time zone,
horizon, targets, expected volumes, pools, bots, incidents, labour rules) and, for a plan,
the independent labour-rule audit of its roster. The report reads this instead of the
scenario file, which may have changed or not travel with the directory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sim import Scenario
from sim.scenario import TIMESTAMP_FORMAT
from sim.scenario.roster import Breaks, LabourRules, RosterSection

from .io import write_json

__all__ = ["RUN_FILE", "labour_rule_limits", "scenario_glance", "write_run_record"]

RUN_FILE = "run.json"
HOUR = 3600.0


def _hours(seconds: float) -> str:
    hours = seconds / HOUR
    return f"{hours:g} h" if hours >= 1 else f"{seconds / 60:g} min"


def _channel_detail(channel) -> str:
    if channel.kind == "chat":
        slowdown = (
            f", each extra chat {channel.concurrency_slowdown:.0%} slower"
            if channel.concurrency_slowdown
            else ""
        )
        return f"up to {channel.max_concurrent} chats at once per agent{slowdown}"
    if channel.kind == "email":
        count = channel.backlog.count
        backlog = f", {count:,} waiting at the start" if count else ""
        return (
            f"reply within {_hours(channel.deadline)} for {channel.target:.0%} of messages{backlog}"
        )
    patience = getattr(channel, "patience", None)
    return f"mean patience {patience.mean:g} s" if patience is not None else "no abandonment"


def _agents_range(values) -> str:
    low, high = int(values.min()), int(values.max())
    return f"{low}" if low == high else f"{low}–{high}"


def labour_rule_limits(section: RosterSection | None) -> list[dict[str, Any]]:
    """The labour rules a roster is held to, as ``{rule, limit}`` rows in the words of the
    audit's rule names (the documented defaults without a roster section)."""
    rules = section.rules if section is not None else LabourRules()
    breaks = section.breaks if section is not None else Breaks()
    rows = [
        ("min_rest", f"at least {_hours(rules.min_rest_between_shifts)} between shifts"),
        ("max_shift_length", f"shifts of at most {_hours(rules.max_shift_length)}"),
        (
            "break",
            f"a {_hours(breaks.duration)} break in the middle third of shifts over "
            f"{_hours(breaks.required_over)}",
        ),
        ("shifts_per_day", f"at most {rules.max_shifts_starting_per_day} shift(s) starting a day"),
        ("consecutive_days", f"at most {rules.max_consecutive_days} working days in a row"),
        (
            "weekly_rest",
            f"a rest of {_hours(rules.weekly_rest)} in every 7 days"
            + (" (EU averaging)" if rules.eu else ""),
        ),
    ]
    if rules.china is not None:
        rows.append(
            (
                "china",
                f"standard week {_hours(rules.china.standard_week)}, at most "
                f"{_hours(rules.china.max_overtime_per_month)} overtime a month",
            )
        )
    if section is not None:
        rows.append(("contract_hours", "each contract's weekly hours, plus allowed overtime"))
    return [{"rule": rule, "limit": limit} for rule, limit in rows]


def _complaint_deadlines(scenario: Scenario) -> list[dict[str, Any]]:
    section = scenario.complaints
    if section is None:
        return []
    rows = []
    for level, share in section.levels.items():
        deadline = section.deadline(level)
        rows.append(
            {
                "level": level,
                "share": share,
                "response": deadline.response.label,
                "resolution": deadline.resolution.label,
            }
        )
    return rows


def scenario_glance(scenario: Scenario) -> dict[str, Any]:
    """The scenario in a few plain numbers and sentences (JSON-ready)."""
    horizon = scenario.horizon
    types = []
    for name, inquiry in scenario.inquiry_types.items():
        expected = scenario.expected_arrivals(name)
        types.append(
            {
                "name": name,
                "channel": inquiry.channel,
                "expected": float(expected.sum()),
                "peak_per_hour": float(scenario.rate_per_hour(name).max()),
            }
        )
    pools = [
        {
            "name": name,
            "serves": list(pool.skills),
            "agents": _agents_range(scenario.agents(name)),
        }
        for name, pool in scenario.pools.items()
    ]
    bots = [
        {
            "name": name,
            "serves": list(bot.serves),
            "resolved": bot.outcomes.resolved,
            "escalated": bot.outcomes.escalated,
            "bounced": bot.outcomes.bounced,
        }
        for name, bot in scenario.bots.items()
    ]
    incidents = [
        {
            "label": incident.label,
            "kind": incident.kind,
            "start": f"{incident.start:{TIMESTAMP_FORMAT}}",
            "end": f"{incident.end:{TIMESTAMP_FORMAT}}",
        }
        for incident in scenario.incidents
    ]
    service_level = scenario.service_level
    return {
        "name": scenario.name,
        "description": scenario.description,
        "summary_line": scenario.summary_line(),
        "time_zone": scenario.time_zone,
        "start": f"{horizon.start:{TIMESTAMP_FORMAT}}",
        "end": f"{horizon.end:{TIMESTAMP_FORMAT}}",
        "interval_minutes": horizon.interval / 60,
        "warmup_minutes": scenario.warmup / 60,
        "service_level": {
            "target": service_level.target,
            "answer_within_seconds": service_level.answer_within,
            "intervals_meeting": service_level.intervals_meeting,
        },
        "channels": [
            {
                "name": name,
                "kind": channel.kind,
                "detail": _channel_detail(channel),
                "deadline_hours": channel.deadline / HOUR if channel.kind == "email" else None,
            }
            for name, channel in scenario.channels.items()
        ],
        "inquiry_types": types,
        "expected_inquiries": sum(item["expected"] for item in types),
        "pools": pools,
        "bots": bots,
        "complaints_pool": scenario.complaints.pool if scenario.complaints is not None else None,
        "complaint_deadlines": _complaint_deadlines(scenario),
        "incidents": incidents,
        "labour_rules": labour_rule_limits(scenario.roster),
    }


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_run_record(
    out: str | Path,
    command: str,
    scenario: Scenario,
    scenario_file: str | Path | None,
    **extra: Any,
) -> Path:
    """Write ``out/run.json`` for ``command`` run on ``scenario`` (read from
    ``scenario_file``; ``None`` for a scenario built in Python); ``extra`` is added as is."""
    record: dict[str, Any] = {"command": command}
    if scenario_file is not None:
        path = Path(scenario_file).resolve()
        record["scenario_file"] = str(path)
        record["scenario_sha256"] = _sha256(path)
    record["scenario"] = scenario_glance(scenario)
    record.update(extra)
    return write_json(Path(out) / RUN_FILE, record)
