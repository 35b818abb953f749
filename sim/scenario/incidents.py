"""``incidents:`` — what goes wrong during the horizon, each from ``start`` to ``end``.

* ``bot_outage``: a bot is down;
* ``channel_outage``: a channel is down; ``shift_to`` gives the shares of its arrivals that
  move to other channels (summing to at most 1), the rest are lost (absent: all lost);
* ``arrival_wave``: an order anomaly, the arrival rate of ``types`` × ``multiplier``;
* ``staff_shortage``: a ``share`` of a pool's agents is missing.

Each incident may have a ``name``; without one its :attr:`~IncidentBase.label` is its kind and
start, e.g. ``"bot_outage 11-11 00:05"``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import Field, field_validator

from .._types import TIMESTAMP_FORMAT, Frozen, Timestamp
from ..errors import Problem

if TYPE_CHECKING:
    from .root import Scenario

__all__ = [
    "INCIDENT_KINDS",
    "ArrivalWave",
    "BotOutage",
    "ChannelOutage",
    "Incident",
    "IncidentBase",
    "StaffShortage",
    "incident_problems",
]

INCIDENT_KINDS = ("bot_outage", "channel_outage", "arrival_wave", "staff_shortage")


class IncidentBase(Frozen):
    """What every incident has: an optional name and the window ``[start, end)``."""

    name: Annotated[str, Field(min_length=1)] | None = None
    start: Timestamp
    end: Timestamp

    @property
    def label(self) -> str:
        """``name``, or the kind and start: ``"bot_outage 11-11 00:05"``."""
        if self.name is not None:
            return self.name
        return f"{getattr(self, 'kind', 'incident')} {self.start:%m-%d %H:%M}"


class BotOutage(IncidentBase):
    """``bot`` takes no sessions in the window."""

    kind: Literal["bot_outage"]
    bot: str


class ChannelOutage(IncidentBase):
    """``channel`` takes no arrivals in the window; ``shift_to`` shares of them go to other
    channels instead, the rest are lost."""

    kind: Literal["channel_outage"]
    channel: str
    shift_to: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}

    @field_validator("shift_to")
    @classmethod
    def _at_most_all(cls, value: dict[str, float]) -> dict[str, float]:
        total = sum(value.values())
        if total > 1 + 1e-9:
            terms = " + ".join(f"{share:g}" for share in value.values())
            raise ValueError(f"shares must sum to at most 1, got {total:g} ({terms})")
        return value


class ArrivalWave(IncidentBase):
    """An order anomaly: the arrival rate of ``types`` is × ``multiplier`` in the window."""

    kind: Literal["arrival_wave"]
    types: Annotated[tuple[str, ...], Field(min_length=1)]
    multiplier: Annotated[float, Field(ge=0, allow_inf_nan=False)]


class StaffShortage(IncidentBase):
    """A ``share`` of ``pool``'s agents is missing in the window."""

    kind: Literal["staff_shortage"]
    pool: str
    share: Annotated[float, Field(gt=0, le=1)]


Incident = Annotated[
    Union[BotOutage, ChannelOutage, ArrivalWave, StaffShortage],  # noqa: UP007
    Field(discriminator="kind"),
]


def _unknown(what: str, name: str, known: Collection[str]) -> str:
    if not known:
        return f"unknown {what} {name!r}; the scenario has none"
    return f"unknown {what} {name!r}; expected one of {', '.join(sorted(known))}"


def incident_problems(incidents: Sequence[IncidentBase], scenario: Scenario) -> Iterator[Problem]:
    """Names of bots, channels, inquiry types and pools the scenario lacks, and windows that
    end before they start or reach outside the horizon."""
    horizon = scenario.horizon
    for i, incident in enumerate(incidents):
        where = f"incidents[{i}]"
        if incident.end <= incident.start:
            yield Problem(
                f"{where}.end",
                f"must be after start ({incident.start:{TIMESTAMP_FORMAT}}), "
                f"got {incident.end:{TIMESTAMP_FORMAT}}",
            )
        else:
            span = (
                f"the horizon ({horizon.start:{TIMESTAMP_FORMAT}} to "
                f"{horizon.end:{TIMESTAMP_FORMAT}})"
            )
            if not horizon.start <= incident.start < horizon.end:
                yield Problem(
                    f"{where}.start",
                    f"must be within {span}, got {incident.start:{TIMESTAMP_FORMAT}}",
                )
            if not horizon.start < incident.end <= horizon.end:
                yield Problem(
                    f"{where}.end",
                    f"must be within {span}, got {incident.end:{TIMESTAMP_FORMAT}}",
                )
        yield from _target_problems(incident, where, scenario)


def _target_problems(incident: IncidentBase, where: str, scenario: Scenario) -> Iterator[Problem]:
    if isinstance(incident, BotOutage):
        if incident.bot not in scenario.bots:
            yield Problem(f"{where}.bot", _unknown("bot", incident.bot, scenario.bots))
    elif isinstance(incident, ChannelOutage):
        channels = scenario.channels
        if incident.channel not in channels:
            yield Problem(f"{where}.channel", _unknown("channel", incident.channel, channels))
        for name in incident.shift_to:
            if name == incident.channel:
                yield Problem(
                    f"{where}.shift_to.{name}",
                    "is the channel that is down; arrivals shift to other channels",
                )
            elif name not in channels:
                yield Problem(f"{where}.shift_to.{name}", _unknown("channel", name, channels))
    elif isinstance(incident, ArrivalWave):
        for k, name in enumerate(incident.types):
            if name not in scenario.inquiry_types:
                yield Problem(
                    f"{where}.types[{k}]",
                    _unknown("inquiry type", name, scenario.inquiry_types),
                )
    elif isinstance(incident, StaffShortage) and incident.pool not in scenario.pools:
        yield Problem(f"{where}.pool", _unknown("pool", incident.pool, scenario.pools))
