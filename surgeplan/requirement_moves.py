"""How one plan round's verification moves the next round's requirements: up where the
simulated service level missed the target, down where it beat the target beyond doubt.

Both moves are *Erlang-calibrated*. For an inquiry type in an interval with offered load
``a`` (arrivals × mean handle time ÷ interval), ``n(s)`` is the fewest servers whose Erlang C
service level reaches ``s``; a type simulated at ``SL`` is taken to have ``n(SL)`` effective
servers. The simulation says where the queue stands (abandonment, breaks, the surge's
dynamics included) and Erlang C how steep it is there: a 300-agent queue goes from 0.8 to
0.95 with a handful of agents, a 5-agent one needs two. A chat agent is ``max_concurrent``
servers; e-mail, with no Erlang queue, moves by the share of its load, ``a · (target − SL)``.
Agents become rostered heads through the pool's availability.

* **Up**: ``max(n(target) − n(SL), ½ · a · (target − SL))`` agents, at least one. Erlang C
  alone under-reads a surge (an interval inherits the backlog of the one before), the share
  of the load answered late, ``a · (target − SL)``, over-reads a big queue; half of the
  latter is the floor. Measured on double11 (3 rounds from the same start): the share alone
  ends at 100 % of intervals for 138,570, Erlang C alone at 94 %, twice Erlang C at 99 % for
  130,770, this rule at 100 % for 133,710.
* **Down**: ``½ · (n(SL_low) − n(target))`` agents to spare, ``SL_low`` the lower end of the
  service level's 95 % confidence interval — half, because a round that undershoots costs a
  round to climb back.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim import Scenario, SimulationResult
from sim.erlang import erlang_c_agents

from .roster_staffing import availability

__all__ = [
    "LOWER_DAMPING",
    "RAISE_SHARE",
    "lower_requirements",
    "note_floors",
    "owners",
    "raise_requirements",
]

# A lowering takes half of the room the verification shows: the service level is not linear
# in agents, and a round that undershoots costs a round to climb back.
LOWER_DAMPING = 0.5
Z95 = 1.959964

# The raise's floor: this share of the load answered late (module docstring).
RAISE_SHARE = 0.5

Key = tuple[pd.Timestamp, str]


def owners(scenario: Scenario) -> dict[str, str]:
    """Each inquiry type's pool: the one most specialised in it (fewest skills; scenario order
    among equals) — where a raise for the type goes."""
    owner = {}
    for name in scenario.inquiry_types:
        serving = [p for p, pool in scenario.pools.items() if name in pool.skills]
        owner[name] = min(serving, key=lambda p: len(scenario.pools[p].skills))
    return owner


def _apply(requirements: pd.DataFrame, change: Mapping[Key, float]) -> pd.DataFrame:
    table = requirements.copy()
    when = pd.to_datetime(table["interval_start"])
    moves = [change.get((pd.Timestamp(t), p), 0) for t, p in zip(when, table["pool"], strict=True)]
    table["required"] = table["required"] + np.asarray(moves, dtype=float)
    return table


def _missed(verification: SimulationResult, scenario: Scenario) -> pd.DataFrame:
    """The verification's rows (interval, inquiry type) below the target."""
    target = scenario.service_level.target
    types = verification.types
    return types[types["service_level"].notna() & (types["service_level"] < target - 1e-12)]


def note_floors(
    floors: dict[Key, float],
    requirements: pd.DataFrame,
    verification: SimulationResult,
    scenario: Scenario,
) -> None:
    """Remember in ``floors`` the highest requirement at which each (interval, pool) missed
    the target — an inquiry type the pool owns fell below it — for
    :func:`lower_requirements`."""
    owner = owners(scenario)
    missed = _missed(verification, scenario)
    keys = {
        (pd.Timestamp(t), owner[n])
        for t, n in zip(missed["interval_start"], missed["inquiry_type"], strict=True)
    }
    when = pd.to_datetime(requirements["interval_start"])
    for t, pool, required in zip(when, requirements["pool"], requirements["required"], strict=True):
        key = (pd.Timestamp(t), str(pool))
        if key in keys:
            floors[key] = max(floors.get(key, -1.0), float(required))


def _load(row, scenario: Scenario) -> float:
    kind = scenario.inquiry_types[row.inquiry_type]
    return row.offered * kind.handle_time.mean / scenario.horizon.interval


def _agents_between(row, scenario: Scenario, low: float, high: float) -> float:
    """Agents that take the row's inquiry type from service level ``low`` to ``high``."""
    kind = scenario.inquiry_types[row.inquiry_type]
    channel = scenario.channels[kind.channel]
    load = _load(row, scenario)
    if channel.kind == "email" or load <= 0:
        return load * (high - low)

    def servers(level: float) -> int:
        level = min(max(level, 0.01), 0.999)  # Erlang C reaches neither 0 nor 1
        return erlang_c_agents(
            load, kind.handle_time.mean, scenario.service_level.answer_within, level
        )

    return (servers(high) - servers(low)) / channel.max_concurrent


def _wilson_low(row, replications: int) -> float:
    """The lower end of the 95 % Wilson interval of the service level over every inquiry of
    every replication: where all of a few inquiries were answered in time, the replications
    agree (a confidence interval of width 0), yet 5 of 5 is no proof of 0.8."""
    n = (row.answered + row.abandoned) * replications
    if n <= 0:
        return 0.0
    p = min(max(row.service_level, 0.0), 1.0)
    z2 = Z95**2
    centre = p + z2 / (2 * n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - half) / (1 + z2 / n)


def raise_requirements(
    requirements: pd.DataFrame,
    verification: SimulationResult,
    scenario: Scenario,
    coverage: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, int]:
    """Requirements raised where the verification missed the target; and by how much in all.

    For every counted interval and inquiry type whose simulated service level is below the
    target, the type is short by ``Δ = max(1, ⌈max(n(target) − n(SL), ½ a (target − SL))⌉)``
    agents (module docstring). Δ goes to the
    type's :func:`owners` pool, grossed up by its availability, and each pool's raise in an
    interval is the largest over its types.

    Where the roster's ``coverage`` already fell short of the requirement, the agents could
    not cover more: raising it there would only raise the price of the same shortfall, so
    such intervals are left as they are.
    """
    target = scenario.service_level.target
    missed = _missed(verification, scenario)
    owner = owners(scenario)
    capped = set()
    if coverage is not None:
        short = coverage[coverage["shortfall"] > 1e-6]
        capped = {
            (pd.Timestamp(t), str(p))
            for t, p in zip(short["interval_start"], short["pool"], strict=True)
        }
    raise_by: dict[Key, int] = defaultdict(int)
    for row in missed.itertuples(index=False):
        calibrated = _agents_between(row, scenario, row.service_level, target)
        late = _load(row, scenario) * (target - row.service_level)
        short = max(1, math.ceil(max(calibrated, RAISE_SHARE * late) - 1e-9))
        key = (pd.Timestamp(row.interval_start), owner[row.inquiry_type])
        if key in capped:
            continue
        grossed = math.ceil(short / availability(scenario.pools[key[1]]) - 1e-9)
        raise_by[key] = max(raise_by[key], grossed)
    table = _apply(requirements, raise_by)
    return table, int(table["required"].sum() - requirements["required"].sum())


def lower_requirements(
    requirements: pd.DataFrame,
    verification: SimulationResult,
    scenario: Scenario,
    coverage: pd.DataFrame,
    floors: Mapping[Key, float] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Requirements lowered where the verification beat the target beyond doubt; and by how
    much in all (agent-intervals, ≥ 0).

    A pool's requirement in an interval comes down only when every inquiry type the pool
    serves there, and that had inquiries, has the lower end of its service level's 95 %
    confidence interval above the target — the smaller of the interval over replications
    and the Wilson interval over all their inquiries, which few inquiries keep wide. The
    room is then ``⌊D · (n(SL_low) − n(target)) ÷ availability⌋`` heads for the types the
    pool owns (the smallest over them; ``D`` = :data:`LOWER_DAMPING`), counted from the
    heads the roster actually put there (``coverage``'s ``scheduled``, which shift lengths
    often push above the requirement):
    the new requirement is ``min(required, scheduled − room)``.

    ``floors`` holds, per (interval, pool), the highest requirement at which the target was
    missed in an earlier round: a lowering never goes back to it, so rounds cannot swing
    between the same two rosters.
    """
    target = scenario.service_level.target
    types = verification.types
    seen = types[types["service_level"].notna() & (types["offered"] > 0)]
    owner = owners(scenario)
    serves = {pool: {p for p in pool.split("|")} for pool in coverage["pool"].astype(str).unique()}
    doubtful: set[Key] = set()
    room: dict[Key, float] = {}
    replications = getattr(verification, "replications", 1)
    for row in seen.itertuples(index=False):
        when = pd.Timestamp(row.interval_start)
        low = min(row.service_level_ci95_low, _wilson_low(row, replications))
        sure = low > target + 1e-12
        for pool, members in serves.items():
            if not any(row.inquiry_type in scenario.pools[p].skills for p in members):
                continue
            if not sure:
                doubtful.add((when, pool))
            elif owner[row.inquiry_type] in members:
                spare = LOWER_DAMPING * _agents_between(row, scenario, target, low)
                heads = math.floor(spare / availability(scenario.pools[owner[row.inquiry_type]]))
                key = (when, pool)
                room[key] = min(room.get(key, heads), heads)
    scheduled = {
        (pd.Timestamp(t), str(p)): s
        for t, p, s in zip(
            pd.to_datetime(coverage["interval_start"]),
            coverage["pool"],
            coverage["scheduled"],
            strict=True,
        )
    }
    floors = floors or {}
    change: dict[Key, float] = {}
    when = pd.to_datetime(requirements["interval_start"])
    for t, pool, required in zip(when, requirements["pool"], requirements["required"], strict=True):
        key = (pd.Timestamp(t), str(pool))
        if key in doubtful or room.get(key, 0) < 1:
            continue
        lowered = min(required, scheduled.get(key, required) - room[key])
        lowered = max(lowered, floors.get(key, -1.0) + 1, 0.0)
        if lowered < required:
            change[key] = lowered - required
    table = _apply(requirements, change)
    return table, int(round(requirements["required"].sum() - table["required"].sum()))
