"""``pools:`` — groups of agents with the same skills and staffing."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Annotated

from pydantic import Field

from .._types import Frozen
from .._values import AgentCount
from ..errors import Problem

__all__ = ["Pool", "pool_problems"]


class Pool(Frozen):
    """A group of agents sharing skills (the inquiry types they answer) and a staffing level.

    ``shrinkage`` (breaks, training, meetings) and ``absenteeism`` are the shares of paid
    heads not available to take inquiries; staffing requirements gross agents up by them.
    The simulator draws each day's no-shows: ``agents`` are the heads rostered.
    ``skills`` is empty for the complaint desk only (:func:`pool_problems` checks this).
    """

    # Not ``min_length=1`` here: whether a pool may go without skills depends on the
    # ``complaints:`` section, so :func:`pool_problems` decides.
    skills: tuple[str, ...] = ()
    agents: AgentCount
    shrinkage: Annotated[float, Field(ge=0, lt=1)] = 0.0
    absenteeism: Annotated[float, Field(ge=0, lt=1)] = 0.0
    # Every inquiry the pool's agents take lasts this many times its drawn handle time
    # (temporary staff still in training work slower).
    handle_time_factor: Annotated[float, Field(gt=0, le=10)] = 1.0


def pool_problems(
    pools: Mapping[str, Pool],
    inquiry_types: Collection[str],
    n_intervals: int,
    channel_of: Mapping[str, tuple[str, object]] | None = None,
    complaint_desk: str | None = None,
) -> Iterator[Problem]:
    """Pools without skills (or the complaint desk with some), unknown skills, per-interval
    lists of the wrong length, inquiry types nobody answers, and pools whose live skills mix
    phone and chat or several chat channels.

    ``channel_of`` maps an inquiry type to its channel's name and the channel;
    ``complaint_desk`` names the pool of ``complaints.pool``, whose agents work complaints
    only and so have no skills.
    """
    served: set[str] = set()
    channel_of = channel_of or {}
    skill_less = False
    for name, pool in pools.items():
        if name == complaint_desk:
            if pool.skills:
                yield Problem(
                    f"pools.{name}.skills",
                    "the complaint desk (complaints.pool) works complaints only, so it has no "
                    f"skills; got {', '.join(pool.skills)}",
                )
        elif not pool.skills:
            skill_less = True
            given = "skills" in pool.model_fields_set
            yield Problem(
                f"pools.{name}.skills",
                "must not be empty" if given else "is required but missing",
            )
        for skill in pool.skills:
            if skill not in inquiry_types:
                yield Problem(
                    f"pools.{name}.skills",
                    f"unknown skill {skill!r}; expected inquiry types: "
                    f"{', '.join(sorted(inquiry_types))}",
                )
            served.add(skill)
        live = {
            channel_of[skill][0]: channel_of[skill][1]
            for skill in pool.skills
            if skill in channel_of and getattr(channel_of[skill][1], "live", True)
        }
        kinds = {channel.kind for channel in live.values()}
        if len(kinds) > 1:
            yield Problem(
                f"pools.{name}.skills",
                "an agent answers one live kind of inquiry: phone or chat, not both "
                f"(channels {', '.join(sorted(live))}); e-mail may go with either",
            )
        elif kinds == {"chat"} and len(live) > 1:
            yield Problem(
                f"pools.{name}.skills",
                "an agent's chats come from one chat channel (its max_concurrent applies), got "
                f"{', '.join(sorted(live))}",
            )
        if isinstance(pool.agents, tuple) and len(pool.agents) != n_intervals:
            yield Problem(
                f"pools.{name}.agents",
                f"must have one value per interval ({n_intervals}), got {len(pool.agents)}",
            )
    if skill_less:
        return  # the pool without skills is why types go unanswered: one line, not two
    for name in inquiry_types:
        if name not in served:
            yield Problem(
                f"inquiry_types.{name}", "no pool has this skill, so nobody can answer it"
            )
