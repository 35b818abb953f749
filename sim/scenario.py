"""The scenario file: a frozen, validated model of one promotion day (or several).

``Scenario.from_yaml(path)`` is the only way raw YAML enters surgeplan; everything
downstream takes these typed objects. Every problem becomes a :class:`ScenarioError`
naming the file, the field path and what was expected.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

import numpy as np
import yaml
from pydantic import BeforeValidator, Field, ValidationError, field_validator, model_validator

from ._types import TIMESTAMP_FORMAT, Duration, Frozen, Timestamp, parse_timestamp
from .busyness import Busyness
from .distributions import Distribution
from .errors import Problem, ScenarioError
from .roster_checks import roster_problems
from .roster_section import RosterSection
from .validation import describe_validation_error

__all__ = [
    "Arrivals",
    "Channel",
    "Horizon",
    "InquiryType",
    "Pool",
    "Scenario",
    "ServiceLevel",
    "parse_timestamp",
]

# Far beyond any contact centre; past these, arrays and random draws stop being exact.
MAX_RATE_PER_HOUR = 1e8
MAX_AGENTS = 1_000_000


def _number(value: object, *, integer: bool, where: str = "") -> float | int:
    kind = "a whole number ≥ 0" if integer else "a number ≥ 0"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}must be {kind}, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{where}is too large") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{where}must be {kind}, got {value!r}")
    if number < 0:
        raise ValueError(f"{where}must be ≥ 0, got {number:g}")
    limit = MAX_AGENTS if integer else MAX_RATE_PER_HOUR
    if number > limit:
        raise ValueError(f"{where}must be ≤ {limit:,g}, got {number:g}")
    if integer:
        if not float(value).is_integer():
            raise ValueError(f"{where}must be {kind}, got {value!r}")
        return int(value)
    return float(value)


def _per_interval(integer: bool):
    """A number, or a list with one number per interval (length checked against the horizon)."""

    def parse(value: object) -> float | int | tuple:
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("must be a number or a non-empty list of numbers")
            return tuple(
                _number(item, integer=integer, where=f"item {i}: ") for i, item in enumerate(value)
            )
        return _number(value, integer=integer)

    return BeforeValidator(parse)


RatePerHour = Annotated[Any, _per_interval(integer=False)]
AgentCount = Annotated[Any, _per_interval(integer=True)]


def per_interval_array(value: float | int | tuple, n: int, dtype: type = float) -> np.ndarray:
    """Expand a validated per-interval value to an array of ``n`` values."""
    if isinstance(value, tuple):
        return np.asarray(value, dtype=dtype)
    return np.full(n, value, dtype=dtype)


class Horizon(Frozen):
    """Simulated period ``[start, end)`` cut into equal intervals (the reporting grain)."""

    start: Timestamp
    end: Timestamp
    interval: Annotated[Duration, Field(gt=0)] = 900.0

    @property
    def length_seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def n_intervals(self) -> int:
        return round(self.length_seconds / self.interval)

    def interval_starts(self) -> list[datetime]:
        step = timedelta(seconds=self.interval)
        return [self.start + i * step for i in range(self.n_intervals)]


class ServiceLevel(Frozen):
    """Target share of inquiries answered within ``answer_within`` seconds."""

    answer_within: Duration
    target: Annotated[float, Field(gt=0, le=1)]


class Channel(Frozen):
    """A contact channel (phone, chat, e-mail…). No ``patience`` means nobody abandons."""

    patience: Distribution | None = None


class Arrivals(Frozen):
    """Arrival model of one inquiry type: a Poisson stream with a per-interval rate."""

    rate_per_hour: RatePerHour


class InquiryType(Frozen):
    """A kind of inquiry: the channel it arrives on, how it arrives, how long it takes."""

    channel: str
    arrivals: Arrivals
    handle_time: Distribution


class Pool(Frozen):
    """A group of agents sharing skills (the inquiry types they answer) and a staffing level.

    ``shrinkage`` (breaks, training, meetings) and ``absenteeism`` are the shares of paid
    heads not available to take inquiries; staffing requirements gross agents up by them.
    """

    skills: Annotated[tuple[str, ...], Field(min_length=1)]
    agents: AgentCount
    shrinkage: Annotated[float, Field(ge=0, lt=1)] = 0.0
    absenteeism: Annotated[float, Field(ge=0, lt=1)] = 0.0


@lru_cache(maxsize=1)
def _time_zone_names() -> frozenset[str]:
    # "localtime" is the machine's own zone: a scenario must mean the same everywhere.
    return frozenset(available_timezones()) - {"localtime"}


class Scenario(Frozen):
    """One scenario file, validated. Build it with :meth:`from_yaml` or :meth:`from_dict`."""

    name: str
    description: str = ""
    # The IANA zone of the scenario's clock: every time in the file is local wall-clock time
    # there. Only exports that leave surgeplan (roster.ics) need it.
    time_zone: str = "UTC"
    horizon: Horizon
    warmup: Duration = 0.0
    service_level: ServiceLevel
    channels: Annotated[dict[str, Channel], Field(min_length=1)]
    inquiry_types: Annotated[dict[str, InquiryType], Field(min_length=1)]
    pools: Annotated[dict[str, Pool], Field(min_length=1)]
    # Absent: every simulated day is the forecast day (B ≡ 1).
    busyness: Busyness | None = None
    # Absent: ``roster`` and ``plan`` use the documented defaults.
    roster: RosterSection | None = None

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

        Files the scenario names (``roster.agents_file``) are found relative to its folder.
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
        directory) and kept as absolute paths.
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
    def n_intervals(self) -> int:
        return self.horizon.n_intervals

    @property
    def warmup_intervals(self) -> int:
        """Intervals at the start that are simulated but not counted."""
        return round(self.warmup / self.horizon.interval)

    def counted_interval_starts(self) -> list[datetime]:
        return self.horizon.interval_starts()[self.warmup_intervals :]

    def rate_per_hour(self, inquiry_type: str) -> np.ndarray:
        """Arrival rate of ``inquiry_type`` in each interval of the horizon (per hour)."""
        value = self.inquiry_types[inquiry_type].arrivals.rate_per_hour
        return per_interval_array(value, self.n_intervals)

    def agents(self, pool: str) -> np.ndarray:
        """Scheduled agents of ``pool`` in each interval of the horizon."""
        return per_interval_array(self.pools[pool].agents, self.n_intervals, dtype=np.int64)

    def summary_line(self) -> str:
        hours = self.horizon.length_seconds / 3600
        offered = sum(
            float(self.rate_per_hour(name).sum()) * self.horizon.interval / 3600
            for name in self.inquiry_types
        )
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
            f"about {offered:,.0f} inquiries expected{busyness}"
        )


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep=False):
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:
            continue  # an unhashable key; the constructor below reports it
        if first != key_node.start_mark.line + 1:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key {key!r} appears twice (first on line {first})",
                key_node.start_mark,
            )
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def load_yaml_text(text: str, source: str) -> dict[str, Any]:
    """Parse YAML text into a mapping, turning syntax errors into located problems."""
    if not text.strip():
        raise ScenarioError(Problem("", "the file is empty; expected a scenario mapping"), source)
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        kind = (
            "YAML error"
            if isinstance(exc, yaml.constructor.ConstructorError)
            else ("YAML syntax error")
        )
        raise ScenarioError(Problem("", f"{kind} at {where}: {what}"), source) from None
    if data is None:
        raise ScenarioError(Problem("", "the file is empty; expected a scenario mapping"), source)
    if not isinstance(data, dict):
        raise ScenarioError(
            Problem("", f"expected a mapping of sections at the top, got {type(data).__name__}"),
            source,
        )
    return data


def _one_of(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _consistency_problems(scenario: Scenario) -> Iterable[Problem]:
    """Checks that need more than one field: horizon arithmetic, names, list lengths."""
    horizon = scenario.horizon
    if horizon.end <= horizon.start:
        yield Problem(
            "horizon.end",
            f"must be after horizon.start ({horizon.start:%Y-%m-%d %H:%M}), "
            f"got {horizon.end:%Y-%m-%d %H:%M}",
        )
        return
    ratio = horizon.length_seconds / horizon.interval
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        yield Problem(
            "horizon.interval",
            f"must divide the horizon ({horizon.length_seconds / 60:g} min) into whole intervals, "
            f"got {horizon.interval / 60:g} min",
        )
        return
    n = horizon.n_intervals
    warm = scenario.warmup / horizon.interval
    if abs(warm - round(warm)) > 1e-9:
        yield Problem(
            "warmup",
            f"must be a whole number of intervals ({horizon.interval / 60:g} min each), "
            f"got {scenario.warmup / 60:g} min",
        )
    elif round(warm) >= n:
        yield Problem(
            "warmup",
            f"must be shorter than the horizon ({horizon.length_seconds / 3600:g} h), "
            f"got {scenario.warmup / 3600:g} h",
        )

    for name, kind in scenario.inquiry_types.items():
        if kind.channel not in scenario.channels:
            yield Problem(
                f"inquiry_types.{name}.channel",
                f"unknown channel {kind.channel!r}; expected one of {_one_of(scenario.channels)}",
            )
        rate = kind.arrivals.rate_per_hour
        if isinstance(rate, tuple) and len(rate) != n:
            yield Problem(
                f"inquiry_types.{name}.arrivals.rate_per_hour",
                f"must have one value per interval ({n}), got {len(rate)}",
            )

    served: set[str] = set()
    for name, pool in scenario.pools.items():
        for skill in pool.skills:
            if skill not in scenario.inquiry_types:
                yield Problem(
                    f"pools.{name}.skills",
                    f"unknown skill {skill!r}; expected inquiry types: "
                    f"{_one_of(scenario.inquiry_types)}",
                )
            served.add(skill)
        if isinstance(pool.agents, tuple) and len(pool.agents) != n:
            yield Problem(
                f"pools.{name}.agents",
                f"must have one value per interval ({n}), got {len(pool.agents)}",
            )
    for name in scenario.inquiry_types:
        if name not in served:
            yield Problem(
                f"inquiry_types.{name}", "no pool has this skill, so nobody can answer it"
            )
    if scenario.roster is not None:
        yield from roster_problems(scenario.roster, horizon, scenario.pools)
