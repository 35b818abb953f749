"""``channels:`` — the ways customers reach the operation, each of one ``kind``.

* ``phone`` (the default): one call per agent; callers may hang up (``patience``) and, with
  ``retrial``, call again after a delay;
* ``chat``: an agent holds up to ``max_concurrent`` conversations, each one slower by
  ``concurrency_slowdown`` for every other conversation the agent already holds when it
  starts; ``patience`` runs until the first response;
* ``email`` (e-mails, tickets, social-media messages): nobody hangs up; a ``deadline`` for
  the answer; worked only when no live inquiry (phone, chat) of the agent's skills waits;
  unanswered mail carries over, from an optional ``backlog`` at the horizon start.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field

from .._types import Duration, Frozen
from ..distributions import Distribution

__all__ = [
    "CHANNEL_KINDS",
    "Backlog",
    "Channel",
    "ChatChannel",
    "EmailChannel",
    "PhoneChannel",
    "Retrial",
]

CHANNEL_KINDS = ("phone", "chat", "email")
LIVE_KINDS = ("phone", "chat")


class Retrial(Frozen):
    """A caller who hangs up calls again after ``delay`` with ``probability``; each retrial
    may hang up and call again in turn."""

    probability: Annotated[float, Field(gt=0, le=1)]
    delay: Distribution


class PhoneChannel(Frozen):
    """Calls: one per agent. No ``patience`` means nobody hangs up."""

    kind: Literal["phone"]
    patience: Distribution | None = None
    retrial: Retrial | None = None

    @property
    def live(self) -> bool:
        return True

    @property
    def max_concurrent(self) -> int:
        return 1


class ChatChannel(Frozen):
    """Chats: an agent holds up to ``max_concurrent`` at once; each starts slower by
    ``concurrency_slowdown`` × (chats the agent already holds)."""

    kind: Literal["chat"]
    max_concurrent: Annotated[int, Field(ge=1, le=100)]
    concurrency_slowdown: Annotated[float, Field(ge=0, le=100)] = 0.0
    patience: Distribution | None = None

    @property
    def live(self) -> bool:
        return True

    @property
    def retrial(self) -> None:
        return None


class Backlog(Frozen):
    """Mail already waiting at the horizon start: ``count`` messages received evenly over
    the ``received_over`` before it (0: all at the start)."""

    count: Annotated[int, Field(ge=0, le=10_000_000)]
    received_over: Duration = 0.0


def _backlog(value: Any) -> Any:
    # ``backlog: 400`` is 400 messages received at the horizon start.
    if isinstance(value, int) and not isinstance(value, bool):
        return {"count": value}
    return value


class EmailChannel(Frozen):
    """E-mails, tickets, social-media messages: no abandonment, an answer ``deadline``."""

    kind: Literal["email"]
    deadline: Annotated[Duration, Field(gt=0)]
    backlog: Annotated[Backlog, BeforeValidator(_backlog)] = Backlog(count=0)
    # The share of replies to send within the deadline: part of ``plan``'s goal.
    target: Annotated[float, Field(gt=0, le=1)] = 0.95

    @property
    def live(self) -> bool:
        return False

    @property
    def patience(self) -> None:
        return None

    @property
    def retrial(self) -> None:
        return None

    @property
    def max_concurrent(self) -> int:
        return 1


def _phone_by_default(value: Any) -> Any:
    if isinstance(value, dict) and "kind" not in value:
        return {"kind": "phone", **value}
    return value


Channel = Annotated[
    Annotated[
        Union[PhoneChannel, ChatChannel, EmailChannel],  # noqa: UP007
        Field(discriminator="kind"),
    ],
    BeforeValidator(_phone_by_default),
]
