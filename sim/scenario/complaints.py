"""``complaints:`` — complaints, their levels, categories, tasks and deadlines.

A complaint arrives either as a share of the **answered** contacts of some inquiry types
(``arrivals: {from_types: {after_sales: 0.03}}``) or by an arrival model of its own, exactly
like ``inquiry_types.NAME.arrivals``. It has a level (L1 serious harm … L4 suggestions) and a
category drawn from the ``levels`` and ``categories`` mixes, and two tasks for the agents of
the complaint desk (``pool``, a pool with no skills: its agents work complaints only): the
first **response**, then the **resolution**, which joins the desk ``resolution.delay``
after the response is done. Both are due a level's deadline after the complaint arrived:

=====  ==============  ===============
level  first response  resolution
=====  ==============  ===============
L1     2 h             24 h
L2     4 h             48 h
L3     6 h             72 h
L4     8 h             5 working days
=====  ==============  ===============

``deadlines`` overrides any of these, each a duration or ``{working_days: N}`` counted on
``calendar`` (:mod:`sim.calendar` states the working-day rule).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Annotated, Any, Literal, NamedTuple, Union

import numpy as np
from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator, model_validator

from .._types import Frozen
from ..arrivals import ArrivalsEntry, Clock
from ..calendar import WorkingCalendar, deadline_seconds
from ..distributions import Distribution
from ..durations import format_duration, parse_duration
from ..errors import Problem

__all__ = [
    "CATEGORIES",
    "CATEGORY_CODES",
    "DEFAULT_DEADLINES",
    "LEVELS",
    "ComplaintsSection",
    "Deadline",
    "DeadlineOverride",
    "EarlyWarning",
    "FromTypes",
    "LevelDeadlines",
    "ResolutionTask",
    "ResponseTask",
    "complaint_problems",
]

LEVELS = ("L1", "L2", "L3", "L4")
CATEGORIES = ("product", "logistics", "payment", "after_sales", "other")
# The complaint manual's code ranges, first and last code of each category.
CATEGORY_CODES: dict[str, tuple[int, int]] = {
    "product": (1001, 1999),
    "logistics": (2001, 2999),
    "payment": (3001, 3999),
    "after_sales": (4001, 4999),
    "other": (5001, 5999),
}

Share = Annotated[float, Field(ge=0, le=1)]


def _duration_or_mapping(value: Any) -> Any:
    # ``response: 8h`` is a deadline in seconds; a mapping is checked field by field.
    if isinstance(value, dict):
        return value
    return {"seconds": parse_duration(value)}


class Deadline(Frozen):
    """Due ``seconds`` after arrival, or ``working_days`` working days after it."""

    seconds: Annotated[float, Field(gt=0)] | None = None
    working_days: Annotated[int, Field(ge=1, le=366)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Deadline:
        if (self.seconds is None) == (self.working_days is None):
            raise ValueError("must be a duration such as 8h, or {working_days: N}")
        return self

    @property
    def label(self) -> str:
        """``"8h"`` or ``"5 working days"``."""
        if self.working_days is not None:
            unit = "working day" if self.working_days == 1 else "working days"
            return f"{self.working_days} {unit}"
        return format_duration(self.seconds)

    def due_seconds(
        self, calendar: WorkingCalendar, start: datetime, arrived_seconds: np.ndarray
    ) -> np.ndarray:
        """When each arrival (seconds since ``start``) is due, in seconds since ``start``."""
        arrived = np.asarray(arrived_seconds, dtype=float)
        if self.working_days is None:
            return arrived + self.seconds
        return deadline_seconds(calendar, start, arrived, self.working_days)


# A deadline as the file gives it: ``8h``, or ``{working_days: 5}``.
DeadlineEntry = Annotated[Deadline, BeforeValidator(_duration_or_mapping)]


class LevelDeadlines(NamedTuple):
    """A level's two deadlines, both counted from the complaint's arrival."""

    response: Deadline
    resolution: Deadline


DEFAULT_DEADLINES: dict[str, LevelDeadlines] = {
    "L1": LevelDeadlines(Deadline(seconds=2 * 3600.0), Deadline(seconds=24 * 3600.0)),
    "L2": LevelDeadlines(Deadline(seconds=4 * 3600.0), Deadline(seconds=48 * 3600.0)),
    "L3": LevelDeadlines(Deadline(seconds=6 * 3600.0), Deadline(seconds=72 * 3600.0)),
    "L4": LevelDeadlines(Deadline(seconds=8 * 3600.0), Deadline(working_days=5)),
}


class DeadlineOverride(Frozen):
    """``deadlines.L4``: either deadline of a level, replacing the manual's."""

    response: DeadlineEntry | None = None
    resolution: DeadlineEntry | None = None


class FromTypes(Frozen):
    """``{from_types: {TYPE: share}}``: that share of TYPE's answered contacts complain."""

    from_types: Annotated[dict[str, Share], Field(min_length=1)]


# Branch names of the ``arrivals`` union. pydantic puts them in error locations, where the
# error messages skip them (they are not keys of the file).
FROM_TYPES_BRANCH = "share of answered contacts"
ARRIVAL_MODEL_BRANCH = "arrival model"
ARRIVALS_BRANCHES = (FROM_TYPES_BRANCH, ARRIVAL_MODEL_BRANCH)


def _arrivals_branch(value: Any) -> str:
    if isinstance(value, FromTypes) or (isinstance(value, dict) and "from_types" in value):
        return FROM_TYPES_BRANCH
    return ARRIVAL_MODEL_BRANCH


ComplaintArrivals = Annotated[
    Union[  # noqa: UP007
        Annotated[FromTypes, Tag(FROM_TYPES_BRANCH)],
        Annotated[ArrivalsEntry, Tag(ARRIVAL_MODEL_BRANCH)],
    ],
    Discriminator(_arrivals_branch),
]


class ResponseTask(Frozen):
    """The first response: how long a desk agent works on it."""

    handle_time: Distribution


class ResolutionTask(Frozen):
    """The resolution: it joins the desk ``delay`` after the first response is done."""

    handle_time: Distribution
    delay: Distribution


class EarlyWarning(Frozen):
    """Warn when complaints arrive faster than ``per_hour``."""

    per_hour: Annotated[float, Field(gt=0)]


def _check_mix(value: dict[str, float], allowed: tuple[str, ...], what: str) -> dict[str, float]:
    unknown = [key for key in value if key not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; expected one of {', '.join(allowed)}")
    total = sum(value.values())
    if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9):
        terms = " + ".join(f"{share:g}" for share in value.values()) or "nothing"
        raise ValueError(f"shares must sum to 1, got {total:g} ({terms})")
    return value


class ComplaintsSection(Frozen):
    """The ``complaints:`` section; see the module docstring."""

    pool: str
    arrivals: ComplaintArrivals
    levels: dict[str, Share]
    categories: dict[str, Share]
    response: ResponseTask
    resolution: ResolutionTask
    calendar: WorkingCalendar = WorkingCalendar()
    deadlines: dict[str, DeadlineOverride] = {}
    early_warning: EarlyWarning | None = None

    @field_validator("levels")
    @classmethod
    def _level_mix(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_mix(value, LEVELS, "level")

    @field_validator("categories")
    @classmethod
    def _category_mix(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_mix(value, CATEGORIES, "category")

    @field_validator("deadlines")
    @classmethod
    def _known_levels(cls, value: dict[str, DeadlineOverride]) -> dict[str, DeadlineOverride]:
        for key in value:
            if key not in LEVELS:
                raise ValueError(f"unknown level {key!r}; expected one of {', '.join(LEVELS)}")
        return value

    def deadline(self, level: str) -> LevelDeadlines:
        """``level``'s first-response and resolution deadlines: the manual's, overridden by
        ``deadlines``."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        default = DEFAULT_DEADLINES[level]
        override = self.deadlines.get(level)
        if override is None:
            return default
        return LevelDeadlines(
            response=override.response or default.response,
            resolution=override.resolution or default.resolution,
        )

    def due_seconds(
        self,
        level: str,
        which: Literal["response", "resolution"],
        start: datetime,
        arrived_seconds: np.ndarray,
    ) -> np.ndarray:
        """When complaints of ``level`` arriving at ``arrived_seconds`` (seconds since the
        horizon ``start``) are due for ``which`` task, in seconds since ``start``."""
        if which not in LevelDeadlines._fields:
            raise ValueError(f"which must be 'response' or 'resolution', got {which!r}")
        deadline = getattr(self.deadline(level), which)
        return deadline.due_seconds(self.calendar, start, arrived_seconds)


def complaint_problems(
    section: ComplaintsSection,
    scenario_pools: Collection[str],
    inquiry_types: Collection[str],
    clock: Clock | None = None,
) -> Iterator[Problem]:
    """An unknown desk pool, shares of unknown inquiry types, and (given the horizon's
    ``clock``) what the arrival model finds wrong on it.

    The shares' range and the level and category mixes are checked by the section itself.
    """
    if section.pool not in scenario_pools:
        yield Problem(
            "complaints.pool",
            f"unknown pool {section.pool!r}; expected one of {', '.join(sorted(scenario_pools))}",
        )
    arrivals = section.arrivals
    if isinstance(arrivals, FromTypes):
        for name in arrivals.from_types:
            if name not in inquiry_types:
                yield Problem(
                    f"complaints.arrivals.from_types.{name}",
                    f"unknown inquiry type {name!r}; expected one of "
                    f"{', '.join(sorted(inquiry_types))}",
                )
    elif clock is not None:
        for problem in arrivals.problems(clock):
            where = "complaints.arrivals"
            yield Problem(f"{where}.{problem.path}" if problem.path else where, problem.message)
