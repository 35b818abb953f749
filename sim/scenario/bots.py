"""``bots:`` — chatbots that take inquiries first and hand what they cannot solve to people.

A bot serves some inquiry types: a ``share`` of their arrivals is offered to it; an arrival
that finds all ``capacity`` sessions busy goes straight to people. A session lasts
``session_time`` and ends **resolved** (the customer leaves), **escalated** (the inquiry
joins the people queue of its type then, its patience starting then, its handle time ×
``escalation.handle_time_factor``) or **bounced** (the customer gives up on the bot; with
probability ``bounce.returns`` they come back to people after ``bounce.delay``, otherwise
they are lost), with the probabilities of ``outcomes``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import Field, model_validator

from .._types import Frozen
from ..distributions import Distribution
from ..errors import Problem

__all__ = ["Bot", "BotOutcomes", "Bounce", "Escalation", "bot_problems"]

Share = Annotated[float, Field(ge=0, le=1)]


class BotOutcomes(Frozen):
    """How sessions end; the three shares sum to 1."""

    resolved: Share
    escalated: Share
    bounced: Share

    @model_validator(mode="after")
    def _sum_to_one(self) -> BotOutcomes:
        total = self.resolved + self.escalated + self.bounced
        if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9):
            raise ValueError(
                f"resolved + escalated + bounced must sum to 1, got {total:g} "
                f"({self.resolved:g} + {self.escalated:g} + {self.bounced:g})"
            )
        return self


class Escalation(Frozen):
    """An escalated inquiry's handle time is its type's, times ``handle_time_factor``."""

    handle_time_factor: Annotated[float, Field(gt=0, le=100)] = 1.0


class Bounce(Frozen):
    """A customer who gives up on the bot comes back to people with ``returns``, after
    ``delay``."""

    returns: Share = 0.0
    delay: Distribution | None = None

    @model_validator(mode="after")
    def _delay_when_returning(self) -> Bounce:
        if self.returns > 0 and self.delay is None:
            raise ValueError("needs delay (e.g. {dist: exponential, mean: 30min}) when returns > 0")
        return self


class Bot(Frozen):
    """One chatbot; see the module docstring."""

    serves: Annotated[tuple[str, ...], Field(min_length=1)]
    share: Share = 1.0
    # Concurrent sessions; absent: as many as come.
    capacity: Annotated[int, Field(ge=1, le=100_000_000)] | None = None
    session_time: Distribution
    outcomes: BotOutcomes
    escalation: Escalation = Escalation()
    bounce: Bounce = Bounce()


def bot_problems(bots: Mapping[str, Bot], inquiry_types: Mapping[str, object]) -> Iterator[Problem]:
    """Types a bot serves that do not exist, and types served by two bots."""
    served_by: dict[str, str] = {}
    for name, bot in bots.items():
        for kind in bot.serves:
            if kind not in inquiry_types:
                yield Problem(
                    f"bots.{name}.serves",
                    f"unknown inquiry type {kind!r}; expected one of "
                    f"{', '.join(sorted(inquiry_types))}",
                )
            elif kind in served_by:
                yield Problem(
                    f"bots.{name}.serves",
                    f"{kind!r} is already served by bot {served_by[kind]!r}; "
                    "an inquiry type has one bot at most",
                )
            else:
                served_by[kind] = name
