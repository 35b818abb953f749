"""The scenario file as a whole: its top-level fields and the sections, validated together.

``Scenario.from_yaml(path)`` is the only way raw YAML enters surgeplan; everything
downstream takes these typed objects. Every problem becomes a :class:`ScenarioError`
naming the file, the field path and what was expected. Each section lives in a module of
its own (:mod:`.horizon`, :mod:`.service_level`, :mod:`.channels`, :mod:`.inquiry_types`,
:mod:`.pools`, :mod:`.bots`, :mod:`.busyness`, :mod:`.roster`, :mod:`.complaints`,
:mod:`.incidents`); this module holds what ties them together.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

import numpy as np
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from .._types import TIMESTAMP_FORMAT, Duration, Frozen
from .._values import per_interval_array
from ..arrivals import ArrivalProcess, Clock, compile_rate
from ..arrivals.windows import WindowedRate
from ..errors import Problem, ScenarioError
from ._describe import describe_validation_error
from ._yaml import load_yaml_text
from .bots import Bot, bot_problems
from .busyness import Busyness
from .channels import Channel
from .complaints import ComplaintsSection, complaint_problems
from .horizon import Horizon, horizon_problems
from .incidents import Incident, incident_problems
from .inquiry_types import InquiryType, inquiry_type_problems
from .pools import Pool, pool_problems
from .roster import RosterSection
from .roster_checks import roster_problems
from .service_level import ServiceLevel

__all__ = ["Scenario"]


@lru_cache(maxsize=1)
def _time_zone_names() -> frozenset[str]:
    # "localtime" is the machine's own zone: a scenario must mean the same everywhere.
    return frozenset(available_timezones()) - {"localtime"}


class Scenario(Frozen):
    """One scenario file, validated. Build it with :meth:`from_yaml` or :meth:`from_dict`."""

    name: str
    description: str = ""
    # The IANA zone of the scenario's clock: every time in the file is local wall-clock time
    # there (roster.ics and time-stamped history files need it).
    time_zone: str = "UTC"
    horizon: Horizon
    warmup: Duration = 0.0
    service_level: ServiceLevel
    channels: Annotated[dict[str, Channel], Field(min_length=1)]
    inquiry_types: Annotated[dict[str, InquiryType], Field(min_length=1)]
    pools: Annotated[dict[str, Pool], Field(min_length=1)]
    # Chatbots that take a share of some inquiry types first; absent: none.
    bots: dict[str, Bot] = {}
    # Absent: every simulated day is the forecast day (B ≡ 1).
    busyness: Busyness | None = None
    # Absent: ``roster`` and ``plan`` use the documented defaults.
    roster: RosterSection | None = None
    # Complaints worked by a desk pool of their own; absent: none.
    complaints: ComplaintsSection | None = None
    # Outages, order anomalies and staff shortages in the horizon; absent: none.
    incidents: tuple[Incident, ...] = ()

    # Compiled arrival processes by inquiry type, each with the entry and clock it was compiled
    # from: ``model_copy(update=…)`` shares this dict with the copy, so an entry is only reused
    # for the very same arrivals entry on the same horizon.
    _arrivals: dict[str, tuple[object, Clock, ArrivalProcess]] = PrivateAttr(default_factory=dict)

    # -- construction -------------------------------------------------------------------

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        # The zone database's list rather than whatever ZoneInfo() manages to open: a stray
        # file under the zone directory is not a time zone.
        names = _time_zone_names()
        if value in names:
            return value
        close = difflib.get_close_matches(value, names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown time zone {value!r}{hint}; expected an IANA name such as "
            "'Asia/Shanghai', 'Europe/Berlin' or 'UTC'"
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file; any problem raises :class:`ScenarioError`.

        Files the scenario names (``roster.agents_file``, a history file, a custom arrival
        model's module) are found relative to its folder.
        """
        path = Path(path)
        source = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError(Problem("", "no such file"), str(path)) from None
        except IsADirectoryError:
            raise ScenarioError(
                Problem("", "is a directory, not a scenario file"), source
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(Problem("", f"cannot be read ({exc})"), source) from None
        data = load_yaml_text(text, source)
        data.setdefault("name", path.stem)
        return cls.from_dict(data, source=source, base_dir=path.parent)

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        source: str | None = None,
        base_dir: str | Path | None = None,
    ) -> Scenario:
        """Validate a scenario given as plain data (the YAML shape).

        Relative file names in it are resolved against ``base_dir`` (default: the current
        directory) and kept as absolute paths. From Python, an inquiry type's ``arrivals``
        may be a callable ``f(t, **params)`` (a ``custom`` arrival model).
        """
        context = {"base_dir": Path(base_dir) if base_dir is not None else Path.cwd()}
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            raise ScenarioError(describe_validation_error(exc, data, cls), source) from None
        except ScenarioError as exc:
            raise exc.with_source(source) if source else exc from None

    @model_validator(mode="after")
    def _check_consistency(self) -> Scenario:
        problems = list(_consistency_problems(self))
        if problems:
            # Not a ValueError on purpose: it carries every located problem out of pydantic.
            raise ScenarioError(problems)
        return self

    # -- derived quantities ------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """:attr:`time_zone` as a ``tzinfo`` for the naive times of the scenario's clock."""
        return ZoneInfo(self.time_zone)

    @property
    def clock(self) -> Clock:
        """The horizon as the arrival models see it (``t`` = seconds since its start)."""
        return _clock(self)

    @property
    def n_intervals(self) -> int:
        return self.horizon.n_intervals

    @property
    def warmup_intervals(self) -> int:
        """Intervals at the start that are simulated but not counted."""
        return round(self.warmup / self.horizon.interval)

    def counted_interval_starts(self) -> list:
        return self.horizon.interval_starts()[self.warmup_intervals :]

    def arrival_process(self, inquiry_type: str) -> ArrivalProcess:
        """``inquiry_type``'s arrivals compiled for the horizon (expected counts, sampler)."""
        entry = self.inquiry_types[inquiry_type].arrivals
        clock = self.clock
        cached = self._arrivals.get(inquiry_type)
        if cached is not None and cached[0] is entry and cached[1] == clock:
            return cached[2]
        rate = entry.bind(clock)
        waves = [
            (clock.seconds_since_start(i.start), clock.seconds_since_start(i.end), i.multiplier)
            for i in self.incidents
            if i.kind == "arrival_wave" and inquiry_type in i.types
        ]
        if waves:  # an order anomaly multiplies the forecast rate in its window
            rate = WindowedRate(rate, waves, clock)
        process = compile_rate(rate, clock)
        self._arrivals[inquiry_type] = (entry, clock, process)
        return process

    def expected_arrivals(self, inquiry_type: str) -> np.ndarray:
        """Expected arrivals of ``inquiry_type`` in each interval: ∫ λ over it, busyness 1."""
        return self.arrival_process(inquiry_type).expected

    def rate_per_hour(self, inquiry_type: str) -> np.ndarray:
        """Mean arrival rate of ``inquiry_type`` in each interval of the horizon (per hour)."""
        process = self.arrival_process(inquiry_type)
        if process.uniform_rate_per_second is not None:
            # The rates as given (x / 3600 · 3600 need not give x back).
            rate = self.inquiry_types[inquiry_type].arrivals.bind(self.clock)
            constant = rate.interval_rates_per_hour()
            if constant is not None and not self._waves(inquiry_type):
                return np.asarray(constant, dtype=float)
            return process.uniform_rate_per_second * 3600.0
        return self.expected_arrivals(inquiry_type) * (3600.0 / self.horizon.interval)

    def _waves(self, inquiry_type: str) -> bool:
        return any(i.kind == "arrival_wave" and inquiry_type in i.types for i in self.incidents)

    def agents(self, pool: str) -> np.ndarray:
        """Scheduled agents of ``pool`` in each interval of the horizon."""
        return per_interval_array(self.pools[pool].agents, self.n_intervals, dtype=np.int64)

    def summary_line(self) -> str:
        hours = self.horizon.length_seconds / 3600
        offered = sum(float(self.expected_arrivals(name).sum()) for name in self.inquiry_types)
        bots = f"{len(self.bots)} bot(s), " if self.bots else ""
        complaints = (
            f"complaints to pool {self.complaints.pool}, " if self.complaints is not None else ""
        )
        incidents = f"{len(self.incidents)} incident(s), " if self.incidents else ""
        busyness = (
            f", busyness {self.busyness.dist} with cv {self.busyness.cv:g}"
            if self.busyness is not None
            else ""
        )
        return (
            f"{self.name}: {self.horizon.start:{TIMESTAMP_FORMAT}} to "
            f"{self.horizon.end:{TIMESTAMP_FORMAT}} "
            f"({hours:g} h, {self.n_intervals} intervals of {self.horizon.interval / 60:g} min, "
            f"warm-up {self.warmup / 60:g} min), {len(self.channels)} channel(s), "
            f"{len(self.inquiry_types)} inquiry type(s), {len(self.pools)} pool(s), "
            f"{bots}{complaints}{incidents}about {offered:,.0f} inquiries expected{busyness}"
        )


def _clock(scenario: Scenario) -> Clock:
    horizon = scenario.horizon
    return Clock(
        start=horizon.start,
        length_seconds=horizon.length_seconds,
        interval_seconds=horizon.interval,
        time_zone=scenario.time_zone,
    )


def _consistency_problems(scenario: Scenario):
    """Checks that need more than one field: horizon arithmetic, names, list lengths."""
    horizon_faults = list(horizon_problems(scenario.horizon, scenario.warmup))
    yield from horizon_faults
    if any(problem.path != "warmup" for problem in horizon_faults):
        return  # nothing else can be measured against a broken horizon
    yield from inquiry_type_problems(
        scenario.inquiry_types, scenario.channels, _clock(scenario), scenario.pools
    )
    channel_of = {
        name: (kind.channel, scenario.channels[kind.channel])
        for name, kind in scenario.inquiry_types.items()
        if kind.channel in scenario.channels
    }
    complaints = scenario.complaints
    yield from pool_problems(
        scenario.pools,
        scenario.inquiry_types,
        scenario.n_intervals,
        channel_of,
        complaint_desk=complaints.pool if complaints is not None else None,
    )
    yield from bot_problems(scenario.bots, scenario.inquiry_types)
    if complaints is not None:
        yield from complaint_problems(
            complaints, scenario.pools, scenario.inquiry_types, _clock(scenario)
        )
    yield from incident_problems(scenario.incidents, scenario)
    if scenario.roster is not None:
        yield from roster_problems(scenario.roster, scenario.horizon, scenario.pools)
