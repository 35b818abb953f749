"""Validated field types shared by the scenario models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from .durations import parse_duration

__all__ = ["TIMESTAMP_FORMAT", "Duration", "Frozen", "Timestamp", "parse_timestamp"]


class Frozen(BaseModel):
    """Base for every scenario model: immutable, and a typo is an error rather than a default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# Seconds, parsed from "90s" / "4min" / "2h" / "1d" or a plain number.
Duration = Annotated[float, BeforeValidator(parse_duration)]

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M"


def parse_timestamp(value: object) -> datetime:
    """``"2026-11-11 00:00"`` (or a YAML date/datetime) → naive ``datetime``."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            pass
    raise ValueError(f"must be a date and time like '2026-11-11 00:00', got {value!r}")


# A date and time ("2026-11-11 00:00"), naive: the scenario's own clock.
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
