"""One agent's best tour by dynamic programming over the days of the horizon.

A *tour* is everything one agent works over the horizon. Given a value for each shift the
agent may work (what it would cover, less its pay), :meth:`TourDP.best` finds in tens of
milliseconds the tour of greatest total value — less overtime premiums — among tours that
keep, by construction:

* at most one shift a day and ``min_rest_between_shifts`` between consecutive shifts;
* the contract's hours per calendar week: at most the maximum plus the overtime allowed, at
  least the minimum (overtime priced);
* ``max_consecutive_days`` and the weekly rest, *conservatively*: every 7-day window from a
  midnight of the horizon holds a *rest block* — ``k = ⌈weekly_rest / 24 h⌉`` whole dates
  without work, the first not reached by the shift before it — and a block counts as the
  end of a run of working days. A block is a stretch of at least ``k · 24 h ≥ weekly_rest``
  without work inside the window, so the rule holds; tours whose only weekly rest straddles
  two dates are left out (the price of a small state).

Rules over rolling 7-day windows that need the hours or nights of each day (hours in 7 days,
night shifts) and anything else the per-agent model keeps are checked afterwards
(:mod:`._tour_check`). State after day ``d``: (clean days off in a row ``r < k``, days since
the last block ``q``, half-hours worked this calendar week ``h``, the last shift's end
relative to the next midnight ``e``, or off). Backtracking follows a predecessor index kept
for every state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._data import DAY, HOUR, AgentData, RosterData

__all__ = ["TourDP"]

UNIT = 1800  # half an hour: shift starts, ends and worked times are multiples of it
_NEG = -np.inf
_EARLIEST = -48  # an end 24 h before the next midnight, in units
_LATEST = 24  # up to 12 h after it
_OFF = 0  # the "no shift yesterday" end, earlier than any
_MIDNIGHT = -_EARLIEST + 1  # end index of a shift ending exactly at the next midnight
_DAYS = 8  # q: days since the last rest block, 0…7
_WINDOW = 7  # days in a weekly-rest window


def _end_index(units: int) -> int:
    return int(np.clip(units - _EARLIEST + 1, 1, _LATEST - _EARLIEST + 1))


@dataclass
class _Day:
    positions: np.ndarray  # the day's templates, as positions in the agent's template list
    keys: np.ndarray  # their template keys
    threshold: np.ndarray  # the latest end index of yesterday's shift that leaves rest
    worked: np.ndarray  # half-hours worked
    end: np.ndarray  # end index relative to the next midnight
    week: int
    by_worked: list[tuple[int, np.ndarray]] = field(default_factory=list)  # (w, members)

    def __post_init__(self):
        # Within a group every end must differ (one write per state): a repeated end waits
        # for a later group.
        for w in np.unique(self.worked):
            members = np.flatnonzero(self.worked == w)
            rank = np.zeros(len(members), dtype=np.int64)
            seen: dict[int, int] = {}
            for j, e in enumerate(self.end[members].tolist()):
                rank[j] = seen.get(e, 0)
                seen[e] = rank[j] + 1
            for r in np.unique(rank):
                self.by_worked.append((int(w), members[rank == r]))


class TourDP:
    """The dynamic programme for one agent (any member of its class)."""

    def __init__(self, data: RosterData, agent: AgentData):
        rules = data.section.rules
        self.block = max(1, math.ceil(rules.weekly_rest_seconds / DAY - 1e-9))
        self.q_window = max(_WINDOW - self.block, 0)  # q at a window's last day
        self.q_run = min(int(rules.max_consecutive_days), _DAYS - 1)  # q on any day
        rest = int(rules.min_rest_between_shifts // UNIT)
        contract = agent.contract
        extra = data.section.costs.max_overtime_hours_per_week
        self.premium = data.section.costs.overtime_premium * agent.cost_per_hour
        mondays = [monday for monday, _ in data.weeks]
        self.caps, self.maxima, self.minima = [], [], []
        for w, (_, share) in enumerate(data.weeks):
            carried = agent.agent.hours_this_week if w == 0 else 0.0
            self.caps.append(int(((contract.max_hours_per_week + extra) * share - carried) // UNIT))
            self.maxima.append((contract.max_hours_per_week * share - carried) / UNIT)
            need = max(0.0, contract.min_hours_per_week * share - carried)
            self.minima.append(math.ceil(need / UNIT - 1e-9))
        self.hours = max(max(self.caps, default=0), 0) + 1
        position = {k: i for i, k in enumerate(agent.templates)}
        self.days: list[_Day] = []
        self.week_of: dict[int, int] = {}  # template key → its calendar week
        self.units: dict[int, int] = {}  # template key → half-hours worked
        for d in range(len(data.dates)):
            start = d * DAY
            week = max((w for w, monday in enumerate(mondays) if monday <= start), default=0)
            keys = [k for k in agent.templates if data.templates[k].day == d]
            t = [data.templates[k] for k in keys]
            for x in t:
                self.week_of[x.key] = week
                self.units[x.key] = -(-x.worked // UNIT)
            self.days.append(
                _Day(
                    positions=np.array([position[k] for k in keys], dtype=np.int64),
                    keys=np.array(keys, dtype=np.int64),
                    threshold=np.array(
                        [_end_index((x.start - start) // UNIT - rest) for x in t], dtype=np.int64
                    ),
                    worked=np.array([-(-x.worked // UNIT) for x in t], dtype=np.int64),
                    end=np.array([_end_index((x.end - start - DAY) // UNIT) for x in t], np.int64),
                    week=week,
                )
            )
        self.ends = _LATEST - _EARLIEST + 2
        self.shape = (self.block, _DAYS, self.hours, self.ends)
        carried_days = min(int(agent.agent.consecutive_days), self.q_run)
        end = _OFF
        if agent.agent.last_shift_end is not None:
            units = round(data.seconds(agent.agent.last_shift_end) / UNIT)
            if units > _EARLIEST:
                end = _end_index(min(units, _LATEST))
        self.start = (0, carried_days, 0, end)
        clean = np.arange(self.ends) <= _MIDNIGHT
        self.clean = clean[None, None, None, :]
        self.flat = np.arange(int(np.prod(self.shape))).reshape(self.shape)

    # -- transitions: each returns the next values and, per state, its predecessor ----------

    def _off(self, values: np.ndarray):
        """A day without a shift: a clean one extends the rest block (completing it sets
        q = 0), one reached by yesterday's shift starts none."""
        k = self.block
        nxt = np.full(self.shape, _NEG)
        pred = np.zeros(self.shape, dtype=np.int64)
        flat = self.flat
        clean = np.where(self.clean, values, _NEG)
        spill = np.where(self.clean, _NEG, values)
        e_clean = clean.argmax(axis=3)  # (r, q, h)
        best_clean = np.take_along_axis(clean, e_clean[..., None], axis=3)[..., 0]
        e_spill = spill.argmax(axis=3)
        best_spill = np.take_along_axis(spill, e_spill[..., None], axis=3)[..., 0]
        idx_clean = np.take_along_axis(flat, e_clean[..., None], axis=3)[..., 0]
        idx_spill = np.take_along_axis(flat, e_spill[..., None], axis=3)[..., 0]
        # The block completes (from r = k − 1): q back to 0, r stays k − 1.
        q_best = best_clean[k - 1].argmax(axis=0)  # (h,)
        h = np.arange(self.hours)
        nxt[k - 1, 0, :, _OFF] = best_clean[k - 1][q_best, h]
        pred[k - 1, 0, :, _OFF] = idx_clean[k - 1][q_best, h]
        # A clean day off that does not complete a block.
        for r in range(k - 1):
            self._offer(nxt, pred, (r + 1, slice(1, None)), best_clean[r, :-1], idx_clean[r, :-1])
        # A day off reached by yesterday's shift: no block starts.
        r_best = best_spill.argmax(axis=0)  # (q, h)
        best = np.take_along_axis(best_spill, r_best[None], axis=0)[0]
        idx = np.take_along_axis(idx_spill, r_best[None], axis=0)[0]
        self._offer(nxt, pred, (0, slice(1, None)), best[:-1], idx[:-1])
        return nxt, pred

    @staticmethod
    def _offer(nxt, pred, where, candidate, index, end=_OFF):
        target = nxt[where + (slice(None), end)] if len(where) == 2 else nxt[where]
        better = candidate > target
        if better.any():
            target[better] = candidate[better]
            slot = pred[where + (slice(None), end)] if len(where) == 2 else pred[where]
            slot[better] = index[better]

    def _work(self, values: np.ndarray, day: _Day, gain: np.ndarray, nxt):
        """The day's shifts: from any state whose last shift leaves rest, r = 0, q + 1.
        Returns the template chosen per state (−1: none) and what finds its predecessor
        (:meth:`_source`) — computed for the one path backtracked, not for every state."""
        if self.block == 1:  # one rest-block state: nothing to merge
            merged, merged_idx = values[0], self.flat[0]
        else:
            r_best = values.argmax(axis=0)  # (q, h, e)
            merged = np.take_along_axis(values, r_best[None], axis=0)[0]
            merged_idx = np.take_along_axis(self.flat, r_best[None], axis=0)[0]
        prefix = np.maximum.accumulate(merged, axis=2)
        chosen = np.full(self.shape, -1, dtype=np.int64)
        hours = self.hours
        # Templates working the same hours move the same way: one gather per group. Within
        # a group the starts differ, so do the ends.
        for w, members in day.by_worked:
            if w >= hours:
                continue
            thr = day.threshold[members]
            before = prefix[:-1, : hours - w][:, :, thr] + gain[day.positions[members]]
            ends = day.end[members]
            target = nxt[0, 1:, w:][:, :, ends]
            better = before > target
            if better.any():
                nxt[0, 1:, w:, ends] = np.where(better, before, target).transpose(2, 0, 1)
                was = chosen[0, 1:, w:][:, :, ends]
                chosen[0, 1:, w:, ends] = np.where(better, members, was).transpose(2, 0, 1)
        return chosen, (merged, merged_idx, day)

    def _source(self, state: int, member: int, found) -> int:
        """The predecessor of ``state`` reached by working the day's template ``member``."""
        merged, merged_idx, day = found
        _, q, h, _ = np.unravel_index(state, self.shape)
        q, h = int(q) - 1, int(h) - int(day.worked[member])
        # The latest end up to the threshold holding the best value (ties: the latest).
        row = merged[q, h, : int(day.threshold[member]) + 1]
        at = int(np.flatnonzero(row == row.max())[-1])
        return int(merged_idx[q, h, at])

    def _limit(self, values: np.ndarray, day_index: int) -> None:
        """Days since the last block: at most the days in a row allowed, and at a weekly-rest
        window's last day (windows from the horizon's first midnight) at most 7 − k."""
        values[:, self.q_run + 1 :] = _NEG
        if day_index >= _WINDOW - 1:
            values[:, self.q_window + 1 :] = _NEG

    def _close_week(self, values: np.ndarray, week: int):
        """End of a calendar week: hours beyond the cap or under the minimum are out,
        overtime priced; the week's hours forgotten (h = 0)."""
        h = np.arange(self.hours)
        overtime = np.maximum(h - self.maxima[week], 0.0) * (UNIT / HOUR) * self.premium
        lawful = (h <= self.caps[week]) & (h >= self.minima[week])
        adjusted = np.where(
            lawful[None, None, :, None], values - overtime[None, None, :, None], _NEG
        )
        best_h = adjusted.argmax(axis=2)  # (r, q, e)
        nxt = np.full(self.shape, _NEG)
        nxt[:, :, 0, :] = np.take_along_axis(adjusted, best_h[:, :, None, :], axis=2)[:, :, 0, :]
        pred = np.zeros(self.shape, dtype=np.int64)
        pred[:, :, 0, :] = np.take_along_axis(self.flat, best_h[:, :, None, :], axis=2)[:, :, 0, :]
        return nxt, pred

    def overtime(self, keys) -> float:
        """The overtime premium of a tour, as :meth:`best` counts it."""
        worked = np.zeros(len(self.maxima))
        for k in keys:
            worked[self.week_of[int(k)]] += self.units[int(k)]
        over = np.maximum(worked - np.array(self.maxima), 0.0)
        return float(over.sum() * (UNIT / HOUR) * self.premium)

    def best(self, gain: np.ndarray) -> tuple[float, list[int]] | None:
        """The tour of greatest Σ gain (one value per template, in the agent's template order)
        less overtime: (that value, its template keys), or ``None`` when none is lawful."""
        values = np.full(self.shape, _NEG)
        values[self.start] = 0.0
        steps: list[tuple[np.ndarray, np.ndarray | None]] = []  # (pred, chosen) per step
        days = len(self.days)
        for d, day in enumerate(self.days):
            nxt, pred = self._off(values)
            chosen = self._work(values, day, gain, nxt)
            self._limit(nxt, d)
            steps.append((pred, chosen))
            values = nxt
            if d + 1 == days or self.days[d + 1].week != day.week:
                values, pred = self._close_week(values, day.week)
                steps.append((pred, None))
        # Time after the horizon is free: windows starting inside it end on days after it.
        for d in range(days, days + _WINDOW - 1):
            values, pred = self._off(values)
            self._limit(values, d)
            steps.append((pred, None))
        total = float(values.max())
        if not math.isfinite(total):
            return None
        return total, self._keys(steps, values)

    def _keys(self, steps, values) -> list[int]:
        state = int(values.argmax())
        keys = []
        day = len(self.days)
        for pred, chosen in reversed(steps):
            if chosen is not None:
                day -= 1
                members, found = chosen
                i = int(members.flat[state])
                if i >= 0:
                    keys.append(int(self.days[day].keys[i]))
                    state = self._source(state, i, found)
                    continue
            state = int(pred.flat[state])
        return sorted(keys)
