"""``service_level:`` — the target every staffing method and report measures against."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .._types import Duration, Frozen

__all__ = ["ServiceLevel"]


class ServiceLevel(Frozen):
    """Target share of inquiries answered within ``answer_within`` seconds; ``plan``'s goal is
    that share met in ``intervals_meeting`` of the intervals with inquiries (1: every one)."""

    answer_within: Duration
    target: Annotated[float, Field(gt=0, le=1)]
    intervals_meeting: Annotated[float, Field(gt=0, le=1)] = 1.0
