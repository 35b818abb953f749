"""Duration strings such as ``"90s"``, ``"4min"``, ``"2h"``, ``"1d"`` → seconds.

Scenario files state every duration with its unit so a reader never has to guess;
a bare number is taken as seconds.
"""

from __future__ import annotations

import math
import re

__all__ = ["UNIT_SECONDS", "format_duration", "parse_duration"]

UNIT_SECONDS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}

_PATTERN = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$")


def parse_duration(value: object) -> float:
    """Return ``value`` in seconds.

    Accepts a non-negative number (seconds) or a string ``"<number><unit>"`` with a unit
    from :data:`UNIT_SECONDS`. Raises ``ValueError`` with a message fit for a planner.
    ``"m"`` is deliberately not a unit: it reads as minutes to some and months to others.
    """
    if isinstance(value, bool):
        raise ValueError(f"must be a duration such as '90s' or '4min', got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        match = _PATTERN.match(value)
        if not match:
            raise ValueError(f"must be a duration such as '90s' or '4min', got {value!r}")
        number, unit = match.groups()
        unit = unit.lower() or "s"
        if unit not in UNIT_SECONDS:
            raise ValueError(f"unknown duration unit {unit!r} in {value!r}; use s, min, h or d")
        seconds = float(number) * UNIT_SECONDS[unit]
    else:
        raise ValueError(f"must be a duration such as '90s' or '4min', got {value!r}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError(f"must be a finite duration, got {value!r}")
    if seconds < 0:
        raise ValueError(f"must be ≥ 0, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Shortest exact unit string for ``seconds`` (``900`` → ``"15min"``)."""
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds // size)}{unit}"
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{float(seconds)!r}s"
