"""Service targets a staffing level must meet, and the Erlang A check of one interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from sim.erlang import ErlangA, erlang_a, erlang_a_agents

__all__ = ["Targets", "agents_for", "delay_probability_target"]


@dataclass(frozen=True)
class Targets:
    """Service level (required) and optional caps, as in the scenario and on the command line."""

    answer_within_seconds: float
    service_level: float
    max_asa_seconds: float | None = None
    max_abandon_rate: float | None = None
    max_occupancy: float | None = None

    def met_by(self, result: ErlangA) -> bool:
        return (
            result.service_level >= self.service_level
            and (self.max_asa_seconds is None or result.asa_seconds <= self.max_asa_seconds)
            and (self.max_abandon_rate is None or result.p_abandon <= self.max_abandon_rate)
            and (self.max_occupancy is None or result.occupancy <= self.max_occupancy)
        )


def _evaluate(agents: int, rate_per_hour: float, aht: float, patience: float, t: Targets):
    return erlang_a(agents, rate_per_hour, aht, patience, t.answer_within_seconds)


# ISA asks for the same intervals' answers twice (staffing, then its delay target), and
# each Erlang A evaluation integrates numerically.
@lru_cache(maxsize=65536)
def agents_for(
    rate_per_hour: float, aht_seconds: float, patience_seconds: float, targets: Targets
) -> tuple[int, ErlangA | None]:
    """Fewest agents meeting every target under Erlang A (Erlang C when nobody abandons).

    Every target is monotone in the number of agents, so the search starts at the
    service-level answer and doubles, then bisects, until all caps hold too.
    """
    if rate_per_hour <= 0 or not math.isfinite(aht_seconds):
        return 0, None
    low = erlang_a_agents(
        rate_per_hour,
        aht_seconds,
        patience_seconds,
        targets.answer_within_seconds,
        targets.service_level,
    )
    result = _evaluate(low, rate_per_hour, aht_seconds, patience_seconds, targets)
    if targets.met_by(result):
        return low, result
    step = 1
    high = low + step
    while not targets.met_by(
        _evaluate(high, rate_per_hour, aht_seconds, patience_seconds, targets)
    ):
        low, step = high, step * 2
        high = low + step
    while high - low > 1:
        middle = (low + high) // 2
        if targets.met_by(_evaluate(middle, rate_per_hour, aht_seconds, patience_seconds, targets)):
            high = middle
        else:
            low = middle
    return high, _evaluate(high, rate_per_hour, aht_seconds, patience_seconds, targets)


def delay_probability_target(
    rate_per_hour: float, aht_seconds: float, patience_seconds: float, targets: Targets
) -> float:
    """The probability of waiting that corresponds to the targets at this load (ISA's α).

    Erlang A gives the fewest agents N meeting the targets; α is P(wait) at the fractional
    staffing between N − 1 and N where the service level equals its target exactly, so the
    integer rounding of one interval does not leak into the next iteration's staffing.
    """
    agents, result = agents_for(rate_per_hour, aht_seconds, patience_seconds, targets)
    if result is None:
        return 1.0
    if agents <= 1:
        return result.p_wait
    below = _evaluate(agents - 1, rate_per_hour, aht_seconds, patience_seconds, targets)
    if targets.met_by(below) or below.service_level >= targets.service_level:
        return result.p_wait  # a cap, not the service level, decided N
    span = result.service_level - below.service_level
    share = 1.0 if span <= 0 else (targets.service_level - below.service_level) / span
    return below.p_wait + min(max(share, 0.0), 1.0) * (result.p_wait - below.p_wait)
