"""``inquiry_types:`` — the kinds of inquiry, each with its channel, arrivals and handle time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .._types import Frozen
from ..arrivals import ArrivalsEntry, Clock
from ..distributions import Distribution
from ..errors import Problem

__all__ = ["InquiryType", "inquiry_type_problems"]


class InquiryType(Frozen):
    """A kind of inquiry: the channel it arrives on, how it arrives, how long it takes.

    ``arrivals`` is an arrival model (:mod:`sim.arrivals`): ``{rate_per_hour: …}``, or
    ``{model: promo_surge | historical | custom | piecewise, …}``.
    """

    channel: str
    arrivals: ArrivalsEntry
    handle_time: Distribution


def inquiry_type_problems(
    inquiry_types: Mapping[str, InquiryType], channels: Mapping[str, object], clock: Clock
) -> Iterator[Problem]:
    """Unknown channels, and what each arrival model finds wrong on this horizon."""
    for name, kind in inquiry_types.items():
        if kind.channel not in channels:
            yield Problem(
                f"inquiry_types.{name}.channel",
                f"unknown channel {kind.channel!r}; expected one of {', '.join(sorted(channels))}",
            )
        where = f"inquiry_types.{name}.arrivals"
        for problem in kind.arrivals.problems(clock):
            yield Problem(f"{where}.{problem.path}" if problem.path else where, problem.message)
