"""The scenario's ``roster:`` section: who can work, under which contracts, shifts and rules.

Validated like the rest of the scenario (frozen models, unknown keys are errors). Durations
are seconds after parsing (``"11h"`` → 39600.0). The defaults are surgeplan's labour rules
(README, "Labour rules"): a planner who writes nothing gets lawful EU-style rosters.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from .._types import Duration, Frozen, Timestamp

__all__ = [
    "AgentClass",
    "Breaks",
    "ChinaCaps",
    "Contract",
    "LabourRules",
    "NightDefinition",
    "OutsourcedCapacity",
    "PeakWindow",
    "RosterCosts",
    "RosterSection",
    "ShiftGrid",
    "ShiftTemplate",
    "TemporaryHires",
]

HOUR = 3600.0


def _clock_time(value: object) -> time:
    """``"22:00"`` → ``time(22, 0)``."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and 0 <= value < 24 * 60:  # YAML 1.1 reads 22:00 as 1320
        return time(value // 60, value % 60)
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"must be a clock time like '22:00', got {value!r}")


ClockTime = Annotated[time, BeforeValidator(_clock_time)]
PositiveDuration = Annotated[Duration, Field(gt=0)]
Money = Annotated[float, Field(ge=0)]


class Contract(Frozen):
    """An employment contract: the shift lengths it allows, weekly hours and pay.

    Hours per calendar week (Monday to Sunday) count worked time, breaks excluded; a week only
    partly inside the horizon gets the bounds pro rata.
    """

    shift_lengths: Annotated[tuple[PositiveDuration, ...], Field(min_length=1)]
    min_hours_per_week: Duration = 0.0
    max_hours_per_week: PositiveDuration = 40 * HOUR
    cost_per_hour: Money = 0.0

    @model_validator(mode="after")
    def _hours_in_order(self) -> Contract:
        if self.min_hours_per_week > self.max_hours_per_week:
            raise ValueError(
                f"min_hours_per_week ({self.min_hours_per_week / HOUR:g} h) must not exceed "
                f"max_hours_per_week ({self.max_hours_per_week / HOUR:g} h)"
            )
        return self


class AgentClass(Frozen):
    """``count`` interchangeable agents not yet named (planning hires)."""

    pools: Annotated[tuple[str, ...], Field(min_length=1)]
    contract: str
    count: Annotated[int, Field(ge=1, le=100_000)]
    name: str | None = None  # agents are named "<name>-001"…; default from pools and contract


class ShiftTemplate(Frozen):
    """A named shift offered on every date: it starts at ``start`` and lasts ``length``.

    ``pay_factor`` is a shift premium: each worked hour of the shift costs
    ``pay_factor × cost_per_hour`` (2.0 for nights paid double). Overtime premiums stay on the
    plain hourly cost, since overtime belongs to the week, not to one shift.
    """

    name: Annotated[str, Field(min_length=1)]
    start: ClockTime
    length: PositiveDuration
    pay_factor: Annotated[float, Field(gt=0)] = 1.0


# The fields that describe a start grid; ``templates`` replaces all of them.
GRID_FIELDS = ("start_every", "lengths", "earliest_start", "latest_start")


class ShiftGrid(Frozen):
    """Where shifts may start and how long they may be (the contract narrows the lengths).

    Either a start grid (a start every ``start_every`` between ``earliest_start`` and
    ``latest_start``, each of ``lengths``) or named ``templates``, never both. Shift length is
    elapsed time, break included; shifts may cross midnight and belong to the day they start on.
    """

    start_every: PositiveDuration = 1800.0
    lengths: Annotated[tuple[PositiveDuration, ...], Field(min_length=1)] = (
        4 * HOUR,
        6 * HOUR,
        8 * HOUR,
        10 * HOUR,
    )
    earliest_start: ClockTime = time(0, 0)
    latest_start: ClockTime = time(23, 30)
    templates: Annotated[tuple[ShiftTemplate, ...], Field(min_length=1)] | None = None

    @field_validator("templates")
    @classmethod
    def _distinct(cls, value: tuple[ShiftTemplate, ...] | None) -> tuple[ShiftTemplate, ...] | None:
        # Two templates with the same start and length would be one shift at two prices: the
        # model would only ever use the cheaper, and a roster could not tell them apart.
        seen_name: dict[str, int] = {}
        seen_shift: dict[tuple[time, float], int] = {}
        for i, template in enumerate(value or ()):
            first = seen_name.setdefault(template.name, i)
            if first != i:
                raise ValueError(
                    f"[{i}].name {template.name!r} is also the name of [{first}]; "
                    "template names must be unique"
                )
            first = seen_shift.setdefault((template.start, template.length), i)
            if first != i:
                raise ValueError(
                    f"[{i}] ({template.name!r}) starts and ends like [{first}] "
                    f"({value[first].name!r}); give each shift once"
                )
        return value

    @model_validator(mode="after")
    def _templates_or_grid(self) -> ShiftGrid:
        given = [name for name in GRID_FIELDS if name in self.model_fields_set]
        if self.templates is not None and given:
            raise ValueError(
                f"{', '.join(given)} cannot be given together with templates: with templates, "
                "shifts start only at the templates' times and lengths"
            )
        return self

    @property
    def offered_lengths(self) -> tuple[float, ...]:
        """The shift lengths on offer: the templates' when there are templates."""
        if self.templates is None:
            return self.lengths
        return tuple(sorted({template.length for template in self.templates}))

    def pay_factor(self, start: time, length: float) -> float:
        """The ``pay_factor`` of the template starting at clock time ``start`` and lasting
        ``length`` seconds; 1.0 for any other shift (a grid shift, or one edited by hand)."""
        for template in self.templates or ():
            if template.start == start and abs(template.length - length) < 1e-6:
                return template.pay_factor
        return 1.0


DEFAULT_BREAK_GRID = 1800.0


class Breaks(Frozen):
    """One unpaid break of ``duration`` in every shift longer than ``required_over``, lying
    entirely inside the middle third of the shift, starting a whole number of ``start_every``
    after the shift start; breaks of agents on the same shift are staggered."""

    duration: PositiveDuration = 1800.0
    required_over: PositiveDuration = 6 * HOUR
    # None: every 30 minutes, or every interval when intervals are longer. A coarser grid
    # than 15-minute intervals keeps the roster model small and quick to solve (an 8-hour
    # shift gets 4 break times instead of 9); planners schedule breaks on the half hour.
    start_every: PositiveDuration | None = None

    def grid(self, interval: float) -> float:
        """The break start grid in seconds for intervals of ``interval`` seconds."""
        if self.start_every is not None:
            return self.start_every
        return interval * max(1, round(DEFAULT_BREAK_GRID / interval))


class NightDefinition(Frozen):
    """A night shift works at least ``min_hours`` between ``start`` and ``end`` (next day)."""

    start: ClockTime = time(22, 0)
    end: ClockTime = time(6, 0)
    min_hours: PositiveDuration = 3 * HOUR


class ChinaCaps(Frozen):
    """China Labour Law style caps: hours beyond ``standard_week`` in a calendar week are
    overtime, and overtime in a calendar month may not exceed ``max_overtime_per_month``."""

    standard_week: PositiveDuration = 44 * HOUR
    max_overtime_per_month: Duration = 36 * HOUR


class LabourRules(Frozen):
    """Hard rules every roster must keep (each a named constraint family in the model and a
    check in the independent audit)."""

    min_rest_between_shifts: Duration = 11 * HOUR
    max_shift_length: PositiveDuration = 10 * HOUR
    max_shifts_starting_per_day: Annotated[int, Field(ge=1)] = 1
    max_consecutive_days: Annotated[int, Field(ge=1, le=366)] = 6
    # Consecutive hours off in every 7-day window starting at any midnight. ``eu: true``
    # raises it to 35 h (24 h weekly rest plus the 11 h daily rest).
    weekly_rest: Duration = 24 * HOUR
    eu: bool = False
    max_hours_in_7_days: PositiveDuration = 48 * HOUR  # worked hours, breaks excluded
    max_night_shifts_in_7_days: Annotated[int, Field(ge=0)] = 3
    night: NightDefinition = NightDefinition()
    china: ChinaCaps | None = None

    @property
    def weekly_rest_seconds(self) -> float:
        return max(self.weekly_rest, 35 * HOUR) if self.eu else self.weekly_rest


class PeakWindow(Frozen):
    """A stretch of the horizon where understaffing costs ``understaffing_per_agent_interval``."""

    start: Timestamp
    end: Timestamp
    understaffing_per_agent_interval: Money


class TemporaryHires(Frozen):
    """Up to ``max_count`` temporary agents per pool listed, hired for the whole horizon."""

    pools: Annotated[tuple[str, ...], Field(min_length=1)]
    max_count: Annotated[int, Field(ge=0)]
    contract: str
    fixed_cost: Money = 0.0  # per hire (agency fee, training)


class OutsourcedCapacity(Frozen):
    """Overflow agents bought per interval from an outsourcer, up to a capacity."""

    pools: Annotated[tuple[str, ...], Field(min_length=1)]
    max_agents_per_interval: Annotated[int, Field(ge=0)]
    cost_per_agent_interval: Money


class RosterCosts(Frozen):
    """Prices of the soft parts of the roster model (same currency as contract pay)."""

    understaffing_per_agent_interval: Money = 1000.0
    peaks: tuple[PeakWindow, ...] = ()
    overtime_premium: Annotated[float, Field(ge=0)] = 0.5  # on top of the hourly cost
    max_overtime_hours_per_week: Duration = 8 * HOUR  # beyond the contract's weekly maximum
    temporary_hires: TemporaryHires | None = None
    outsourced: OutsourcedCapacity | None = None
    fairness_weight: Money = 1.0  # per unit of spread of nights/weekends/late shifts


class RosterSection(Frozen):
    """Everything the roster model needs beyond the staffing requirements.

    Exactly one of ``agents_file`` (named agents, a CSV or XLSX path relative to the scenario
    file) and ``agent_classes`` (counts of not-yet-named agents) is given. After validation
    ``agents_file`` is absolute, so later steps read it from wherever they run.
    """

    agents_file: Path | None = None
    agent_classes: tuple[AgentClass, ...] = ()
    contracts: Annotated[dict[str, Contract], Field(min_length=1)]
    shifts: ShiftGrid = ShiftGrid()
    breaks: Breaks = Breaks()
    rules: LabourRules = LabourRules()
    costs: RosterCosts = RosterCosts()

    @field_validator("agents_file")
    @classmethod
    def _absolute(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is None:
            return None
        # Scenario.from_yaml passes the scenario file's folder; without it, the current one.
        base = Path((info.context or {}).get("base_dir") or Path.cwd())
        return (base / value.expanduser()).resolve()

    @model_validator(mode="after")
    def _one_source_of_agents(self) -> RosterSection:
        if (self.agents_file is None) == (not self.agent_classes):
            raise ValueError("give exactly one of agents_file and agent_classes")
        return self
