"""The sweep file: a base scenario, what to run, and the variants (a grid or hand-picked cases).

```yaml
base: my_day.yaml                       # relative to the sweep file
run: simulate                           # or staff, or plan
vary:                                   # dotted paths into the scenario -> values; the grid
  inquiry_types.general.arrivals.rate_per_hour: [3000, 4000]   # is their product
  pools.agents.agents: [250, 300]
replications: 10
seed: 7
metrics: [service_level, abandon_rate]
```

``cases:`` (a list of mappings from dotted paths to one value each, with an optional
``name``) replaces ``vary`` for hand-picked variants. Every variant is built and validated as
a scenario before anything runs; a path that does not lead into the scenario, or a value the
scenario refuses, is reported naming the variant and the field.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from sim import Scenario
from sim._types import Frozen
from sim.errors import Problem, ScenarioError
from sim.scenario._describe import describe_validation_error

__all__ = ["RUNS", "SweepSpec", "Variant", "load_sweep", "variants"]

RUNS = ("simulate", "staff", "plan")


class SweepSpec(Frozen):
    """A sweep file, validated."""

    base: str
    run: Literal["simulate", "staff", "plan"] = "simulate"
    vary: dict[str, list[Any]] | None = None
    cases: list[dict[str, Any]] | None = None
    # How ``staff`` (and ``plan``'s first step) finds requirements.
    method: Literal["erlang", "lagged", "isa"] = "lagged"
    replications: int = Field(default=1, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0)
    metrics: list[str] = Field(default_factory=lambda: ["service_level"], min_length=1)

    @field_validator("vary")
    @classmethod
    def _values_given(cls, vary: dict[str, list[Any]] | None) -> dict[str, list[Any]] | None:
        for path, values in (vary or {}).items():
            if not values:
                raise ValueError(f"{path}: needs at least one value")
        return vary

    @model_validator(mode="after")
    def _grid_or_cases(self) -> SweepSpec:
        if (self.vary is None) == (self.cases is None):
            raise ValueError("give exactly one of vary (a grid) or cases (hand-picked variants)")
        return self

    def varied(self) -> list[str]:
        """The dotted paths, in the order the file gives them (the results' first columns)."""
        if self.vary is not None:
            return list(self.vary)
        seen: dict[str, None] = {}
        for case in self.cases or []:
            for path in case:
                if path != "name":
                    seen.setdefault(path)
        return list(seen)


@dataclass(frozen=True)
class Variant:
    """One point of the sweep: its number, name, the values set and the scenario they give."""

    index: int
    name: str
    values: dict[str, Any]
    scenario: Scenario


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in nested mappings (a number indexes a list): every step but the last
    must exist, so a misspelt section is an error rather than a new key."""
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys[:-1]):
        where = ".".join(keys[: depth + 1])
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            raise KeyError(f"{where}: not in the base scenario")
    last = keys[-1]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value  # a new leaf is fine: the scenario's validation names unknown keys
    else:
        raise KeyError(f"{path}: not in the base scenario")


def _get_path(data: Any, path: str) -> Any:
    """The value at ``a.b.c`` (None where the path leads nowhere)."""
    for key in path.split("."):
        if isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return None
    return data


def _points(spec: SweepSpec) -> list[tuple[str, dict[str, Any]]]:
    if spec.vary is not None:
        paths = list(spec.vary)
        grid = itertools.product(*(spec.vary[path] for path in paths))
        return [
            (f"v{k:04d}", dict(zip(paths, values, strict=True))) for k, values in enumerate(grid)
        ]
    points = []
    for k, case in enumerate(spec.cases or []):
        values = {path: value for path, value in case.items() if path != "name"}
        points.append((str(case.get("name", f"case{k:04d}")), values))
    return points


def variants(spec: SweepSpec, base: dict[str, Any], base_dir: Path, source: str) -> list[Variant]:
    """Every variant built and validated; all problems of all variants raised at once."""
    out, problems = [], []
    if spec.vary is not None:
        # A path that leads nowhere is wrong for every variant: say it once.
        for path, values in spec.vary.items():
            try:
                _set_path(copy.deepcopy(base), path, values[0])
            except KeyError as exc:
                problems.append(Problem(f"vary.{path}", str(exc.args[0])))
        if problems:
            raise ScenarioError(problems, source)
    names: set[str] = set()
    for index, (name, values) in enumerate(_points(spec)):
        if name in names:
            problems.append(Problem(f"cases[{index}].name", f"{name!r} is used twice"))
            continue
        names.add(name)
        data = copy.deepcopy(base)
        try:
            for path, value in values.items():
                _set_path(data, path, value)
        except KeyError as exc:
            problems.append(Problem(f"variant {name}", str(exc.args[0])))
            continue
        try:
            scenario = Scenario.from_dict(data, base_dir=base_dir)
        except ScenarioError as exc:
            given = ", ".join(f"{path}={value}" for path, value in values.items())
            where = f"variant {name} ({given})"
            problems += [Problem(where, str(problem)) for problem in exc.problems]
            continue
        # A case that leaves a varied path alone has the base's value there.
        shown = {path: values.get(path, _get_path(base, path)) for path in spec.varied()}
        out.append(Variant(index, name, shown, scenario))
    if problems:
        raise ScenarioError(problems, source)
    return out


def load_sweep(path: str | Path) -> tuple[SweepSpec, list[Variant]]:
    """Read a sweep file and build every variant (ScenarioError on any problem)."""
    path = Path(path)
    source = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(Problem("", f"cannot read the sweep file: {exc}"), source) from None
    if not isinstance(raw, dict):
        raise ScenarioError(Problem("", "a sweep file is a mapping (base, run, vary ...)"), source)
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(describe_validation_error(exc, raw, SweepSpec), source) from None
    base_path = (path.parent / spec.base).resolve()
    try:
        base = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(Problem("base", f"cannot read {spec.base}: {exc}"), source) from None
    Scenario.from_yaml(base_path)  # the base itself must be valid, reported as its own file
    return spec, variants(spec, base, base_path.parent, source)
