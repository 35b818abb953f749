"""``channels:`` — the ways customers reach the operation (phone, chat, e-mail…)."""

from __future__ import annotations

from .._types import Frozen
from ..distributions import Distribution

__all__ = ["Channel"]


class Channel(Frozen):
    """A contact channel (phone, chat, e-mail…). No ``patience`` means nobody abandons."""

    patience: Distribution | None = None
