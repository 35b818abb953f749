"""Numbers a planner types: counts and rates, one for the whole horizon or one per interval."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator

__all__ = [
    "MAX_AGENTS",
    "MAX_RATE_PER_HOUR",
    "AgentCount",
    "RatePerHour",
    "number",
    "per_interval_array",
]

# Far beyond any contact centre; past these, arrays and random draws stop being exact.
MAX_RATE_PER_HOUR = 1e8
MAX_AGENTS = 1_000_000


def number(value: object, *, integer: bool, where: str = "") -> float | int:
    """``value`` as a finite number ≥ 0 (a whole one with ``integer``), or ``ValueError``."""
    kind = "a whole number ≥ 0" if integer else "a number ≥ 0"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}must be {kind}, got {value!r}")
    try:
        as_float = float(value)
    except OverflowError:
        raise ValueError(f"{where}is too large") from None
    if math.isnan(as_float) or math.isinf(as_float):
        raise ValueError(f"{where}must be {kind}, got {value!r}")
    if as_float < 0:
        raise ValueError(f"{where}must be ≥ 0, got {as_float:g}")
    limit = MAX_AGENTS if integer else MAX_RATE_PER_HOUR
    if as_float > limit:
        raise ValueError(f"{where}must be ≤ {limit:,g}, got {as_float:g}")
    if integer:
        if not float(value).is_integer():
            raise ValueError(f"{where}must be {kind}, got {value!r}")
        return int(value)
    return as_float


def _per_interval(integer: bool):
    """A number, or a list with one number per interval (length checked against the horizon)."""

    def parse(value: object) -> float | int | tuple:
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("must be a number or a non-empty list of numbers")
            return tuple(
                number(item, integer=integer, where=f"item {i}: ") for i, item in enumerate(value)
            )
        return number(value, integer=integer)

    return BeforeValidator(parse)


RatePerHour = Annotated[Any, _per_interval(integer=False)]
AgentCount = Annotated[Any, _per_interval(integer=True)]


def per_interval_array(value: float | int | tuple, n: int, dtype: type = float) -> np.ndarray:
    """Expand a validated per-interval value to an array of ``n`` values."""
    if isinstance(value, tuple):
        return np.asarray(value, dtype=dtype)
    return np.full(n, value, dtype=dtype)
