"""Validated field types shared by the scenario models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from .durations import parse_duration

__all__ = ["Duration", "Frozen"]


class Frozen(BaseModel):
    """Base for every scenario model: immutable, and a typo is an error rather than a default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# Seconds, parsed from "90s" / "4min" / "2h" / "1d" or a plain number.
Duration = Annotated[float, BeforeValidator(parse_duration)]
