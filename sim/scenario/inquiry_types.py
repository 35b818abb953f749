"""``inquiry_types:`` — the kinds of inquiry, each with its channel, arrivals and handle time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import Field

from .._types import Duration, Frozen
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
    # A free agent takes the highest priority first among the types it serves (then the
    # longest-waiting); a VIP line is a type of its own with a higher priority.
    priority: Annotated[int, Field(ge=-1000, le=1000)] = 0
    # Pools in order of preference; those after the first take an inquiry only once it has
    # waited ``overflow_after``. Absent: every skilled pool, at once.
    route: Annotated[tuple[str, ...], Field(min_length=1)] | None = None
    overflow_after: Duration | None = None


def inquiry_type_problems(
    inquiry_types: Mapping[str, InquiryType],
    channels: Mapping[str, object],
    clock: Clock,
    pools: Mapping[str, object] | None = None,
) -> Iterator[Problem]:
    """Unknown channels, routes through pools that do not answer the type, and what each
    arrival model finds wrong on this horizon."""
    for name, kind in inquiry_types.items():
        if kind.overflow_after is not None and kind.route is None:
            yield Problem(
                f"inquiry_types.{name}.overflow_after",
                "needs route: the pools in order of preference, the first taking the inquiry "
                "at once and the others once it has waited this long",
            )
        for i, pool in enumerate(kind.route or ()):
            if pools is None:
                break
            if pool not in pools:
                yield Problem(
                    f"inquiry_types.{name}.route[{i}]",
                    f"unknown pool {pool!r}; expected one of {', '.join(sorted(pools))}",
                )
            elif name not in getattr(pools[pool], "skills", ()):
                yield Problem(
                    f"inquiry_types.{name}.route[{i}]",
                    f"pool {pool!r} does not answer {name!r}: add it to the pool's skills",
                )
        if kind.route is not None and len(set(kind.route)) != len(kind.route):
            yield Problem(f"inquiry_types.{name}.route", "names a pool twice")
        if kind.channel not in channels:
            yield Problem(
                f"inquiry_types.{name}.channel",
                f"unknown channel {kind.channel!r}; expected one of {', '.join(sorted(channels))}",
            )
        where = f"inquiry_types.{name}.arrivals"
        for problem in kind.arrivals.problems(clock):
            yield Problem(f"{where}.{problem.path}" if problem.path else where, problem.message)
