"""``historical`` — last year's event as this year's forecast, or a profile of ordinary weeks.

``method: aligned`` (the default) replays a history file: each record's count is spread
evenly over its period, moved by ``align`` (the history instant ``history`` lands on the
scenario instant ``scenario``) and multiplied by ``growth``, so the expected arrivals in a
scenario interval are ``growth`` × the overlap-weighted counts of the records it overlaps.
The history may be coarser or finer than the scenario's intervals; it must cover the whole
horizon once aligned.

``method: profile`` fits a weekly (``period: weekly``, the default) or daily profile from
ordinary history instead: the expected count of a slot (weekday and time of day, at the
history's resolution) is the **mean of the counts of every record in that slot** — the
maximum-likelihood estimate for Poisson counts — times ``growth``. Every slot must have at
least one record; several weeks make it steadier. The ``arrivals`` command prints its fit
error (:meth:`Historical.describe`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from ..._types import TIMESTAMP_FORMAT, Frozen, Timestamp
from ...durations import format_duration
from ...errors import Problem
from ..history_file import History, HistoryError, read_history
from ..protocol import DAY_SECONDS, ArrivalModel, Clock
from ..steps import StepRate

__all__ = ["Alignment", "Historical", "ProfileFit", "fit_profile"]

WEEK_SECONDS = 7 * DAY_SECONDS
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Alignment(Frozen):
    """The history instant ``history`` is placed on the scenario instant ``scenario``."""

    history: Timestamp
    scenario: Timestamp

    @property
    def shift(self) -> timedelta:
        return self.scenario - self.history


class ProfileFit:
    """A fitted profile: expected count per slot, and how well it reproduces the history."""

    def __init__(self, history: History, period: str):
        self.period = period
        self.slot_seconds = history.period_seconds
        span = WEEK_SECONDS if period == "weekly" else DAY_SECONDS
        self.n_slots = round(span / self.slot_seconds)
        self.slots = np.array([self.slot_of(start) for start in history.starts])
        seen = np.bincount(self.slots, minlength=self.n_slots)
        sums = np.bincount(self.slots, weights=history.counts, minlength=self.n_slots)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.per_slot = np.where(seen > 0, sums / np.maximum(seen, 1), np.nan)
        self.records_per_slot = seen
        fitted = self.per_slot[self.slots]
        counts = history.counts
        self.wape = float(np.abs(counts - fitted).sum() / counts.sum()) if counts.sum() else 0.0
        self.rmse = float(np.sqrt(np.mean((counts - fitted) ** 2)))
        free = counts.size - np.count_nonzero(seen)
        positive = fitted > 0
        self.dispersion = (
            float(np.sum((counts[positive] - fitted[positive]) ** 2 / fitted[positive]) / free)
            if free > 0
            else math.nan
        )
        self.n_records = counts.size

    def slot_of(self, when) -> int:
        into_day = when.hour * 3600 + when.minute * 60 + when.second
        offset = into_day + (when.weekday() * DAY_SECONDS if self.period == "weekly" else 0.0)
        return int(offset // self.slot_seconds)

    def slot_name(self, slot: int) -> str:
        start = slot * self.slot_seconds
        day, into_day = divmod(start, DAY_SECONDS)
        clock = f"{int(into_day // 3600):02d}:{int(into_day % 3600 // 60):02d}"
        return f"{_WEEKDAYS[int(day)]} {clock}" if self.period == "weekly" else clock


def fit_profile(history: History, period: str) -> ProfileFit:
    """The mean count per slot of the week (or day) at the history's resolution."""
    return ProfileFit(history, period)


class Historical(ArrivalModel):
    """Arrivals from a history file of counts: replayed (``aligned``) or as a ``profile``."""

    model: Literal["historical"]
    file: Path
    column: str
    growth: Annotated[float, Field(gt=0, le=1e6)] = 1.0
    method: Literal["aligned", "profile"] = "aligned"
    align: Alignment | None = None
    period: Literal["weekly", "daily"] | None = None

    _history: dict = PrivateAttr(default_factory=dict)

    @field_validator("file", mode="before")
    @classmethod
    def _absolute(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, (str, Path)) and str(value).strip():
            path = Path(str(value).strip()).expanduser()
            base = Path((info.context or {}).get("base_dir") or Path.cwd())
            return path if path.is_absolute() else (base / path).resolve()
        raise ValueError(f"must be the name of a CSV file, got {value!r}")

    @model_validator(mode="after")
    def _method_fields(self) -> Historical:
        if self.method == "aligned" and self.align is None:
            raise ValueError(
                "needs align: {history: 'YYYY-MM-DD HH:MM', scenario: 'YYYY-MM-DD HH:MM'} "
                "(the history instant that lands on a scenario instant), or method: profile"
            )
        if self.method == "profile" and self.align is not None:
            raise ValueError(
                "align is not used by method: profile (a profile follows the weekday and "
                "the clock); remove it, or use method: aligned"
            )
        if self.method == "aligned" and self.period is not None:
            raise ValueError("period is only used by method: profile")
        return self

    @property
    def profile_period(self) -> str:
        return self.period or "weekly"

    def history(self, time_zone: str) -> History:
        """The file's column, read once (:class:`HistoryError` if it cannot be used)."""
        cached = self._history.get(time_zone)
        if cached is None:
            cached = read_history(self.file, self.column, time_zone)
            self._history[time_zone] = cached
        return cached

    # -- checks -------------------------------------------------------------------------

    def problems(self, clock: Clock) -> Iterator[Problem]:
        try:
            history = self.history(clock.time_zone)
        except HistoryError as exc:
            yield from exc.problems
            return
        if self.method == "aligned":
            yield from self._coverage_problems(history, clock)
        else:
            yield from self._profile_problems(history)

    def _coverage_problems(self, history: History, clock: Clock) -> Iterator[Problem]:
        shift = self.align.shift
        first = history.starts[0] + shift
        last = history.end + shift
        end = clock.start + timedelta(seconds=clock.length_seconds)
        if first > clock.start or last < end:
            yield Problem(
                "align",
                f"{history.source} covers {first:{TIMESTAMP_FORMAT}} to {last:{TIMESTAMP_FORMAT}} "
                f"once aligned (history {history.starts[0]:{TIMESTAMP_FORMAT}} to "
                f"{history.end:{TIMESTAMP_FORMAT}}, moved by {_signed(shift)}); the horizon "
                f"needs {clock.start:{TIMESTAMP_FORMAT}} to {end:{TIMESTAMP_FORMAT}}",
            )

    def _profile_problems(self, history: History) -> Iterator[Problem]:
        period = history.period_seconds
        if DAY_SECONDS % period > 1e-6 and period - DAY_SECONDS % period > 1e-6:
            yield Problem(
                "file",
                f"{history.source}: records every {format_duration(period)} do not divide a "
                "day; a profile needs a resolution such as 5min, 15min or 1h",
            )
            return
        start = history.starts[0]
        into_day = start.hour * 3600 + start.minute * 60 + start.second
        if into_day % period > 1e-6:
            yield Problem(
                "file",
                f"{history.source}: records start at {start:%H:%M}, off the "
                f"{format_duration(period)} grid from midnight a profile's slots follow",
            )
            return
        fit = fit_profile(history, self.profile_period)
        missing = np.flatnonzero(fit.records_per_slot == 0)
        if missing.size:
            yield Problem(
                "file",
                f"{history.source} has no record for {missing.size} of the {fit.n_slots} slots "
                f"of a {self.profile_period} profile (first: {fit.slot_name(int(missing[0]))}); "
                f"it needs at least one full {'week' if self.profile_period == 'weekly' else 'day'}"
                " of history, several for a steady profile",
            )

    # -- the rate -------------------------------------------------------------------------

    def bind(self, clock: Clock) -> StepRate:
        history = self.history(clock.time_zone)
        period = history.period_seconds
        if self.method == "aligned":
            origin = clock.seconds_since_start(history.starts[0] + self.align.shift)
            per_hour = self.growth * history.counts / period * 3600.0
            return StepRate(origin, period, per_hour, clock)
        fit = fit_profile(history, self.profile_period)
        origin = -(clock.start_seconds_into_day % period)
        cells = math.ceil((clock.length_seconds - origin) / period - 1e-9)
        starts = [clock.start + timedelta(seconds=origin + i * period) for i in range(cells)]
        slots = np.array([fit.slot_of(when) for when in starts])
        per_hour = self.growth * fit.per_slot[slots] / period * 3600.0
        return StepRate(origin, period, per_hour, clock)

    def describe(self, clock: Clock) -> str:
        """One line for the ``arrivals`` command: the source, and a profile's fit error."""
        history = self.history(clock.time_zone)
        resolution = format_duration(history.period_seconds)
        if self.method == "aligned":
            return (
                f"{history.source} column {self.column}: {len(history.counts)} records of "
                f"{resolution}, moved by {_signed(self.align.shift)}, growth × {self.growth:g}"
            )
        fit = fit_profile(history, self.profile_period)
        return (
            f"{history.source} column {self.column}: {self.profile_period} profile of "
            f"{fit.n_slots} slots of {resolution} from {fit.n_records} records "
            f"({fit.n_records / fit.n_slots:.1f} per slot), growth × {self.growth:g}; "
            f"fit error: WAPE {fit.wape:.1%}, RMSE {fit.rmse:.2f} arrivals per record, "
            f"dispersion {fit.dispersion:.2f} (1 = Poisson noise only)"
        )


def _signed(shift: timedelta) -> str:
    seconds = shift.total_seconds()
    sign = "+" if seconds >= 0 else "−"
    return sign + format_duration(abs(seconds))
