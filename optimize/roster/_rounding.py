"""From the relaxation's fractional shifts to lawful tours: round, then share out.

The aggregate LP (:mod:`._relaxation`) says how many agents of each kind work each shift,
fractionally. *Rounding*: within a kind and a date, shifts in order of start, the running
sum is rounded and each shift gets the difference — totals kept, starts moved at most to a
neighbour. *Sharing out*: the kind's agents in turn take, by the tour programme
(:class:`.TourDP`), the lawful tour holding the most of the shifts still to give, worth
``WANTED`` each less pay, and shifts outside the plan are barred. Shifts no agent could take
lawfully are left to the search that follows (:mod:`._local_search`), which also fixes what
rounding got wrong.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import numpy as np

from ._data import RosterData

__all__ = ["round_shifts", "share_out"]

WANTED = 1000.0  # value of a planned shift in a tour: far above any shift's pay
BARRED = -1e6


def round_shifts(
    data: RosterData, shifts: Mapping[tuple[int, int], float]
) -> dict[int, dict[int, int]]:
    """Kind → {template: agents}: the running sum over each kind's and date's shifts in order
    of start, rounded."""
    by_day: dict[tuple[int, int], list[tuple[int, int, float]]] = defaultdict(list)
    for (kind, k), value in shifts.items():
        t = data.templates[k]
        by_day[kind, t.day].append((t.start, k, value))
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for (kind, _), items in sorted(by_day.items()):
        running, given = 0.0, 0
        for _, k, value in sorted(items):
            running += value
            upto = math.floor(running + 0.5)
            if upto > given:
                counts[kind][k] = upto - given
                given = upto
    return dict(counts)


def share_out(
    data: RosterData, counts: Mapping[int, Mapping[int, int]], kinds, deadline_check=None
) -> tuple[dict[int, tuple[int, ...]], int]:
    """Agent index → tour from each kind's planned shifts; and how many shifts were left."""
    members = defaultdict(list)
    for agent in data.agents:
        if agent.symmetry_class in kinds:
            members[agent.kind].append(agent)
    assigned: dict[int, tuple[int, ...]] = {}
    left = 0
    for kind_id, agents in members.items():
        remaining = dict(counts.get(kind_id, {}))
        for agent in agents:
            if deadline_check is not None and deadline_check():
                break
            kind = kinds[agent.symmetry_class]
            planned = np.array([remaining.get(int(k), 0) > 0 for k in kind.templates])
            if not planned.any():
                break
            gain = np.where(planned, WANTED, BARRED) - kind.pay
            found = kind.dp.best(gain)
            if found is None:
                continue
            tour = [k for k in kind.check.repair(found[1], gain) if remaining.get(k, 0) > 0]
            if not tour or kind.check.cost(tour) is None:
                continue
            for k in tour:
                remaining[k] -= 1
            assigned[agent.index] = tuple(tour)
        left += sum(remaining.values())
    return assigned, left
