"""Cross-checks of the scenario's ``roster:`` section against itself, the horizon and the pools.

Each field of the section is valid on its own once pydantic has parsed it; these checks catch
combinations no roster could satisfy (a contract length the shift grid never offers, a break
as long as the shift that needs it) or that the roster model could only honour approximately
(a shift grid off the horizon's intervals). Every problem names the field path from the top of
the scenario file and says what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from datetime import datetime, time
from typing import TYPE_CHECKING

from .._types import TIMESTAMP_FORMAT
from ..errors import Problem
from .roster import Contract, RosterSection

if TYPE_CHECKING:
    from .horizon import Horizon

__all__ = ["AGENTS_FILE_SUFFIXES", "roster_problems"]

AGENTS_FILE_SUFFIXES = (".csv", ".xlsx")
DAY = 86400.0
WEEK = 7 * DAY
_EPS = 1e-6  # seconds; durations are parsed from decimal text


def roster_problems(
    section: RosterSection, horizon: Horizon, pools: Collection[str]
) -> Iterator[Problem]:
    """Every inconsistency of ``section`` with itself, ``horizon`` and the pool names."""
    yield from _agent_source_problems(section, pools)
    yield from _shift_grid_problems(section, horizon)
    yield from _break_problems(section, horizon)
    yield from _contract_problems(section)
    yield from _rule_problems(section)
    yield from _cost_problems(section, horizon, pools)


def _worked_seconds(section: RosterSection, length: float) -> float:
    """Worked time of a shift of ``length`` seconds: its break, if it needs one, is unpaid."""
    return length - section.breaks.duration if length > section.breaks.required_over else length


# -- helpers ------------------------------------------------------------------------------


def _show(seconds: float) -> str:
    """``30600`` → ``"8 h 30 min"``: durations as a planner says them."""
    total = round(seconds)
    if abs(total - seconds) > _EPS:
        return f"{seconds:g} s"
    if total >= WEEK and total % DAY == 0:
        return f"{total // 86400} d"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs or not any(parts) else "")
    return " ".join(part for part in parts if part)


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _seconds_of_day(value: time | datetime) -> float:
    return value.hour * 3600.0 + value.minute * 60.0 + value.second


def _multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) * step < _EPS


def _one_of(names: Collection[str]) -> str:
    return ", ".join(sorted(names)) or "none defined"


def _unknown(kind: str, name: str, known: Collection[str], plural: str) -> str:
    return f"unknown {kind} {name!r}; expected one of {plural}: {_one_of(known)}"


# -- families of checks -------------------------------------------------------------------


def _agent_source_problems(section: RosterSection, pools: Collection[str]) -> Iterator[Problem]:
    path = section.agents_file
    if path is not None:
        where = "roster.agents_file"
        if path.suffix.lower() not in AGENTS_FILE_SUFFIXES:
            yield Problem(where, f"must be a .csv or .xlsx file, got {path.name!r}")
        elif path.is_dir():
            yield Problem(where, f"is a directory, not an agents file: {path}")
        elif not path.is_file():
            yield Problem(
                where,
                f"no such file: {path} (a relative name is read from the scenario file's folder)",
            )
    first_named: dict[str, int] = {}
    for i, agent_class in enumerate(section.agent_classes):
        where = f"roster.agent_classes[{i}]"
        for pool in agent_class.pools:
            if pool not in pools:
                yield Problem(f"{where}.pools", _unknown("pool", pool, pools, "the pools"))
        if agent_class.contract not in section.contracts:
            yield Problem(
                f"{where}.contract",
                _unknown("contract", agent_class.contract, section.contracts, "roster.contracts"),
            )
        if agent_class.name is not None:
            first = first_named.setdefault(agent_class.name, i)
            if first != i:
                yield Problem(
                    f"{where}.name",
                    f"{agent_class.name!r} is also the name of roster.agent_classes[{first}]; "
                    "agents of the two classes would share names",
                )


def _shift_grid_problems(section: RosterSection, horizon: Horizon) -> Iterator[Problem]:
    if section.shifts.templates is not None:
        yield from _template_problems(section, horizon)
        return
    grid = section.shifts
    interval = horizon.interval
    every = grid.start_every
    if not _multiple(DAY, every):
        yield Problem(
            "roster.shifts.start_every",
            f"must divide 24 h so that every day has the same start times, got {_show(every)}",
        )
    if not _multiple(every, interval):
        yield Problem(
            "roster.shifts.start_every",
            f"must be a whole number of intervals ({_show(interval)} each) so that shifts start "
            f"where an interval starts, got {_show(every)}",
        )
    elif not _multiple(_seconds_of_day(horizon.start), interval):
        yield Problem(
            "horizon.start",
            f"must be a whole number of intervals ({_show(interval)}) after midnight when the "
            f"scenario has a roster: shifts start at fixed clock times, got "
            f"{horizon.start:{TIMESTAMP_FORMAT}}",
        )
    first, last = _seconds_of_day(grid.earliest_start), _seconds_of_day(grid.latest_start)
    if _multiple(DAY, every) and first <= last and math.floor(last / every) * every < first:
        yield Problem(
            "roster.shifts.earliest_start",
            f"no start time of the grid (every {_show(every)} from 00:00) lies between "
            f"{_clock(grid.earliest_start)} and roster.shifts.latest_start "
            f"({_clock(grid.latest_start)}), so no shift could start",
        )
    if grid.earliest_start > grid.latest_start:
        yield Problem(
            "roster.shifts.earliest_start",
            f"must not be after roster.shifts.latest_start ({_clock(grid.latest_start)}); "
            f"shifts start between the two on each day, got {_clock(grid.earliest_start)}",
        )
    for i, length in enumerate(grid.lengths):
        if not _multiple(length, interval):
            yield Problem(
                f"roster.shifts.lengths[{i}]",
                f"must be a whole number of intervals ({_show(interval)} each) so that shifts "
                f"end where an interval ends, got {_show(length)}",
            )


def _template_problems(section: RosterSection, horizon: Horizon) -> Iterator[Problem]:
    """Named templates start and end on interval boundaries, and someone can work each."""
    interval = horizon.interval
    if not _multiple(_seconds_of_day(horizon.start), interval):
        yield Problem(
            "horizon.start",
            f"must be a whole number of intervals ({_show(interval)}) after midnight when the "
            f"scenario has a roster: shifts start at fixed clock times, got "
            f"{horizon.start:{TIMESTAMP_FORMAT}}",
        )
    longest = section.rules.max_shift_length
    lengths = {round(n) for c in section.contracts.values() for n in c.shift_lengths}
    for i, template in enumerate(section.shifts.templates or ()):
        where = f"roster.shifts.templates[{i}]"
        if not _multiple(_seconds_of_day(template.start), interval):
            yield Problem(
                f"{where}.start",
                f"must be a whole number of intervals ({_show(interval)} each) after midnight "
                f"so that the shift starts where an interval starts, got {_clock(template.start)}",
            )
        if not _multiple(template.length, interval):
            yield Problem(
                f"{where}.length",
                f"must be a whole number of intervals ({_show(interval)} each) so that the "
                f"shift ends where an interval ends, got {_show(template.length)}",
            )
        elif template.length > longest + _EPS:
            yield Problem(
                f"{where}.length",
                f"{_show(template.length)} is longer than roster.rules.max_shift_length "
                f"({_show(longest)}), so the shift could never be worked",
            )
        elif round(template.length) not in lengths:
            yield Problem(
                f"{where}.length",
                f"no contract allows {_show(template.length)} shifts (roster.contracts.*."
                "shift_lengths), so the shift could never be worked",
            )


def _break_problems(section: RosterSection, horizon: Horizon) -> Iterator[Problem]:
    breaks = section.breaks
    if breaks.duration >= breaks.required_over:
        yield Problem(
            "roster.breaks.duration",
            f"must be shorter than roster.breaks.required_over ({_show(breaks.required_over)}): "
            f"the break is taken inside a shift longer than that, got {_show(breaks.duration)}",
        )
    if not _multiple(breaks.duration, horizon.interval):
        yield Problem(
            "roster.breaks.duration",
            f"must be a whole number of intervals ({_show(horizon.interval)} each) so that a "
            f"break takes whole intervals off the coverage, got {_show(breaks.duration)}",
        )
    if breaks.start_every is not None and not _multiple(breaks.start_every, horizon.interval):
        yield Problem(
            "roster.breaks.start_every",
            f"must be a whole number of intervals ({_show(horizon.interval)} each) so that "
            f"breaks start where an interval starts, got {_show(breaks.start_every)}",
        )


def _contract_problems(section: RosterSection) -> Iterator[Problem]:
    grid_lengths = section.shifts.offered_lengths
    offer = "roster.shifts.lengths"
    if section.shifts.templates is not None:
        offer = "the lengths of roster.shifts.templates"
    longest = section.rules.max_shift_length
    for name, contract in section.contracts.items():
        where = f"roster.contracts.{name}"
        for i, length in enumerate(contract.shift_lengths):
            if not any(abs(length - allowed) < _EPS for allowed in grid_lengths):
                yield Problem(
                    f"{where}.shift_lengths[{i}]",
                    f"{_show(length)} is not one of {offer} "
                    f"({', '.join(map(_show, grid_lengths))}): a contract picks its shift "
                    "lengths from the shift grid",
                )
            if length > longest + _EPS:
                yield Problem(
                    f"{where}.shift_lengths[{i}]",
                    f"{_show(length)} is longer than roster.rules.max_shift_length "
                    f"({_show(longest)})",
                )
        yield from _weekly_hours_problems(section, where, contract)


def _weekly_hours_problems(
    section: RosterSection, where: str, contract: Contract
) -> Iterator[Problem]:
    """``min_hours_per_week`` must be reachable within the contract's lengths and the rules."""
    rules = section.rules
    usable = [length for length in contract.shift_lengths if length <= rules.max_shift_length]
    if not usable or contract.min_hours_per_week <= 0:
        return
    if section.breaks.duration >= section.breaks.required_over:
        return  # reported as a break problem; worked time would be meaningless
    longest = max(usable)
    worked = _worked_seconds(section, longest)
    # Working days in a row are capped, so a calendar week holds at most that many of them.
    days = min(7, rules.max_consecutive_days)
    most = days * rules.max_shifts_starting_per_day * worked
    wanted = contract.min_hours_per_week
    if wanted > most + _EPS:
        unpaid = f" ({_show(longest)} less a {_show(section.breaks.duration)} break)"
        yield Problem(
            f"{where}.min_hours_per_week",
            f"{_show(wanted)} cannot be reached: at most {days} working days a week "
            f"(roster.rules.max_consecutive_days {rules.max_consecutive_days}) × "
            f"{rules.max_shifts_starting_per_day} shift(s) of at most {_show(worked)} worked"
            f"{unpaid if worked < longest else ''} = {_show(most)}",
        )
    elif wanted > rules.max_hours_in_7_days + _EPS:
        yield Problem(
            f"{where}.min_hours_per_week",
            f"{_show(wanted)} is more than roster.rules.max_hours_in_7_days "
            f"({_show(rules.max_hours_in_7_days)})",
        )


def _rule_problems(section: RosterSection) -> Iterator[Problem]:
    rules = section.rules
    if rules.weekly_rest_seconds >= WEEK:
        eu = " (35 h under roster.rules.eu)" if rules.eu and rules.weekly_rest < WEEK else ""
        yield Problem(
            "roster.rules.weekly_rest",
            f"must be shorter than 7 days: it is rest inside every 7-day window, got "
            f"{_show(rules.weekly_rest_seconds)}{eu}",
        )
    night = rules.night
    window = (_seconds_of_day(night.end) - _seconds_of_day(night.start)) % DAY or DAY
    if night.min_hours > window + _EPS:
        yield Problem(
            "roster.rules.night.min_hours",
            f"must not exceed the night window {_clock(night.start)}–{_clock(night.end)} "
            f"({_show(window)}), got {_show(night.min_hours)}",
        )


def _cost_problems(
    section: RosterSection, horizon: Horizon, pools: Collection[str]
) -> Iterator[Problem]:
    costs = section.costs
    span = f"{horizon.start:{TIMESTAMP_FORMAT}} to {horizon.end:{TIMESTAMP_FORMAT}}"
    for i, peak in enumerate(costs.peaks):
        where = f"roster.costs.peaks[{i}]"
        if peak.end <= peak.start:
            yield Problem(
                f"{where}.end",
                f"must be after {where}.start ({peak.start:{TIMESTAMP_FORMAT}}), "
                f"got {peak.end:{TIMESTAMP_FORMAT}}",
            )
        for name in ("start", "end"):
            moment: datetime = getattr(peak, name)
            if not horizon.start <= moment <= horizon.end:
                yield Problem(
                    f"{where}.{name}",
                    f"must lie inside the horizon ({span}), got {moment:{TIMESTAMP_FORMAT}}",
                )
            elif not _multiple((moment - horizon.start).total_seconds(), horizon.interval):
                yield Problem(
                    f"{where}.{name}",
                    f"must be an interval boundary (every {_show(horizon.interval)} from "
                    f"{horizon.start:{TIMESTAMP_FORMAT}}), got {moment:{TIMESTAMP_FORMAT}}",
                )
    hires = costs.temporary_hires
    if hires is not None:
        for pool in hires.pools:
            if pool not in pools:
                yield Problem(
                    "roster.costs.temporary_hires.pools", _unknown("pool", pool, pools, "the pools")
                )
        if hires.contract not in section.contracts:
            yield Problem(
                "roster.costs.temporary_hires.contract",
                _unknown("contract", hires.contract, section.contracts, "roster.contracts"),
            )
    if costs.outsourced is not None:
        for pool in costs.outsourced.pools:
            if pool not in pools:
                yield Problem(
                    "roster.costs.outsourced.pools", _unknown("pool", pool, pools, "the pools")
                )
