"""The contacts people must answer, as rates the analytic staffing methods can use.

A type without a bot reaches people as it arrives: one stream, its arrival rate λ(t). A type
with a bot reaches them in three streams: the share not offered to the bot and the arrivals
a full bot turns away, at once; the escalations, one session later, with their handle time
× the escalation factor; the bounce-backs that return, one session and one bounce delay
later. Thinning a Poisson stream and delaying it through an infinite-server stage keeps it
Poisson, so these rates are exact for a bot with ample capacity; the delays are taken at
their means (a shift of the rate), and a bot's capacity turns away the Erlang B share of its
interval's load. Phone retrials are not here: how many callers retry depends on the
staffing being sought, which the simulation-based method (ISA) sees and these do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.distributions import Deterministic, Distribution, Empirical
from sim.model import SimModel

__all__ = ["ContactStream", "contact_streams", "scaled"]


@dataclass(frozen=True)
class ContactStream:
    """Contacts of inquiry type ``kind``: rate per second on cells of ``cell`` seconds."""

    kind: int
    rates: np.ndarray
    cell: float
    service: Distribution

    def interval_rates(self, interval_seconds: float) -> np.ndarray:
        """Mean rate per interval (per second)."""
        per = round(interval_seconds / self.cell)
        if per == 1:
            return self.rates
        return self.rates.reshape(-1, per).mean(axis=1)


def scaled(service: Distribution, factor: float) -> Distribution:
    """``service`` with every duration multiplied by ``factor``."""
    if factor == 1.0:
        return service
    if isinstance(service, Deterministic):
        return service.model_copy(update={"value": service.value * factor})
    if isinstance(service, Empirical):
        return service.model_copy(update={"values": tuple(v * factor for v in service.values)})
    return service.model_copy(update={"mean": service.mean * factor})


def _shift(rates: np.ndarray, steps: int) -> np.ndarray:
    """The rate ``steps`` cells later (what is shifted past the horizon is dropped)."""
    if steps <= 0:
        return rates
    return np.concatenate([np.zeros(min(steps, rates.size)), rates[: max(0, rates.size - steps)]])


def contact_streams(model: SimModel, step_seconds: float) -> list[ContactStream]:
    """Every contact stream of ``model``'s live (phone and chat) types.

    Types without a bot keep their arrival process's own grid (per interval where the rate is
    constant within intervals), so their staffing is what it was before bots existed; bot
    types are put on ``step_seconds`` cells.
    """
    from sim.erlang import erlang_b

    streams: list[ContactStream] = []
    dt = model.interval_seconds
    for j, kind in enumerate(model.types):
        if not kind.live:
            continue
        rates, cell = kind.arrivals.step_rates(step_seconds)
        if kind.bot is None:
            streams.append(ContactStream(j, rates, cell, kind.handle_time))
            continue
        bot = model.bots[kind.bot]
        per = round(cell / step_seconds)
        fine = np.repeat(rates, per) if per > 1 else rates
        steps_per_interval = round(dt / step_seconds)
        session = bot.session_time.mean
        blocked = np.zeros(model.n_intervals)
        if bot.capacity is not None:
            # The bot's load counts every type it serves.
            offered = sum(model.types[i].rate_per_second for i in bot.serves) * bot.share * session
            blocked = np.asarray(erlang_b(bot.capacity, offered), dtype=float)
        taken = bot.share * (1.0 - np.repeat(blocked, steps_per_interval))
        later = round(session / step_seconds)
        streams.append(ContactStream(j, fine * (1.0 - taken), step_seconds, kind.handle_time))
        if bot.escalated > 0:
            escalated = _shift(fine * taken * bot.escalated, later)
            service = scaled(kind.handle_time, bot.handle_time_factor)
            streams.append(ContactStream(j, escalated, step_seconds, service))
        if bot.bounced > 0 and bot.returns > 0 and bot.return_delay is not None:
            back = round((session + bot.return_delay.mean) / step_seconds)
            returning = _shift(fine * taken * bot.bounced * bot.returns, back)
            streams.append(ContactStream(j, returning, step_seconds, kind.handle_time))
    return streams
