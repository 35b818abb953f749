"""``custom`` — an arrival rate written as a Python function.

``{model: custom, function: "my_models:launch_rate", params: {peak: 12}}`` imports
``launch_rate`` from the module ``my_models`` — never evaluated as text — looking first in the
scenario file's folder (``my_models.py`` or a package ``my_models/`` there), then on the
Python path. It is called as ``f(t, **params)`` with ``t`` a NumPy array of seconds since the
horizon start and must return one rate per element of ``t``, in arrivals per hour, finite and
≥ 0. From Python (a notebook), the callable itself can be given as ``function``, or in place
of the whole ``arrivals`` entry.

The function is called when the scenario is validated (on every point the quadrature of
:mod:`sim.arrivals.process` needs, so a bad value is reported before anything runs) and when
it is compiled; simulation replications and worker processes only see the resulting table.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import PrivateAttr, ValidationInfo, field_validator, model_validator

from ...errors import Problem
from ..process import quadrature_points
from ..protocol import ArrivalModel, Clock, Rate

__all__ = ["Custom", "CustomRate", "load_callable"]


def _module_file(base_dir: Path, module: str) -> Path | None:
    """``module`` as a file or package inside ``base_dir``, if it is there."""
    relative = Path(*module.split("."))
    for candidate in (base_dir / relative.with_suffix(".py"), base_dir / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _import(module: str, base_dir: Path):
    """Import ``module``, the scenario's folder first, then the Python path.

    A module file in the folder is executed afresh whenever it changed since it was last
    loaded, so an edited model is picked up (in a notebook, say) without restarting.
    """
    local = _module_file(base_dir, module)
    if local is None:
        return importlib.import_module(module)
    stamp = (str(local), local.stat().st_mtime_ns)
    loaded = _LOADED.get(module)
    if loaded is not None and loaded[0] == stamp:
        return loaded[1]
    if "." in module:
        # A module inside a package of the folder: import it through the package.
        sys.path.insert(0, str(base_dir))
        try:
            for name in [n for n in sys.modules if n == module or n.startswith(module + ".")]:
                del sys.modules[name]
            imported = importlib.import_module(module)
        finally:
            sys.path.remove(str(base_dir))
    else:
        is_package = local.name == "__init__.py"
        spec = importlib.util.spec_from_file_location(
            module, local, submodule_search_locations=[str(local.parent)] if is_package else None
        )
        imported = importlib.util.module_from_spec(spec)
        sys.modules[module] = imported  # its own imports find it under its name
        try:
            spec.loader.exec_module(imported)
        except BaseException:
            sys.modules.pop(module, None)
            raise
    _LOADED[module] = (stamp, imported)
    return imported


# module name → ((file, modification time), module): what the scenario folders provided.
_LOADED: dict[str, tuple[tuple[str, int], object]] = {}


def load_callable(reference: str, base_dir: Path) -> Callable:
    """``"module:name"`` (``name`` may be dotted) → the callable; ``ValueError`` says why not."""
    module, sep, name = reference.strip().partition(":")
    if not sep or not module or not name or ":" in name:
        raise ValueError(
            f"must be 'module:function' (e.g. 'my_models:launch_rate'), got {reference!r}"
        )
    try:
        imported = _import(module, base_dir)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise ValueError(
                f"cannot import module {module!r}: no {module}.py in {base_dir.resolve()} "
                "nor on the Python path"
            ) from None
        raise ValueError(f"importing {module!r} failed: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # the module's own code failed: say how, never a traceback
        raise ValueError(f"importing {module!r} failed: {type(exc).__name__}: {exc}") from None
    target: Any = imported
    for part in name.split("."):
        if not hasattr(target, part):
            raise ValueError(f"module {module!r} has no {name!r}")
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"{reference!r} is not callable (it is {type(target).__name__})")
    return target


class CustomRate(Rate):
    """λ(t) = ``function(t, **params)`` (per hour); no closed-form integral."""

    def __init__(self, function: Callable, params: dict[str, Any]):
        self.function = function
        self.params = params

    def rate_per_hour(self, t: np.ndarray) -> np.ndarray:
        return np.asarray(self.function(np.asarray(t, dtype=float), **self.params), dtype=float)


class Custom(ArrivalModel):
    """A rate function of your own: ``module:callable`` (or the callable), with ``params``."""

    model: Literal["custom"]
    function: Any
    params: dict[str, Any] = {}

    _callable: Callable | None = PrivateAttr(default=None)

    @field_validator("function", mode="before")
    @classmethod
    def _reference_or_callable(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            base = Path((info.context or {}).get("base_dir") or Path.cwd())
            load_callable(value, base)  # fail now, with the reason
            return value
        if callable(value):
            return value
        raise ValueError(
            f"must be 'module:function' (e.g. 'my_models:launch_rate') or a Python callable, "
            f"got {value!r}"
        )

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> Custom:
        if isinstance(self.function, str):
            base = Path((info.context or {}).get("base_dir") or Path.cwd())
            self._callable = load_callable(self.function, base)
        else:
            self._callable = self.function
        return self

    @property
    def name(self) -> str:
        if isinstance(self.function, str):
            return self.function
        return getattr(self.function, "__qualname__", repr(self.function))

    def problems(self, clock: Clock) -> Iterator[Problem]:
        t = quadrature_points(clock)
        try:
            values = self._callable(t.copy(), **self.params)
        except Exception as exc:  # the user's code: report it as a problem of the scenario
            yield Problem(
                "function",
                f"{self.name} raised {type(exc).__name__}: {exc} (called with params "
                f"{dict(self.params)} and t, an array of {t.size} times in seconds)",
            )
            return
        try:
            values = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            yield Problem(
                "function",
                f"{self.name} must return numbers (arrivals per hour), got {type(values).__name__}",
            )
            return
        if values.shape != t.shape:
            yield Problem(
                "function",
                f"{self.name} must return one rate per element of t (shape {t.shape}), "
                f"got shape {values.shape}",
            )
            return
        bad = ~np.isfinite(values)
        if bad.any():
            yield Problem(
                "function",
                f"{self.name} returned a non-finite rate ({values[bad][0]}) at "
                f"{_when(clock, t[bad][0])}",
            )
            return
        negative = values < 0
        if negative.any():
            yield Problem(
                "function",
                f"{self.name} returned a negative rate ({values[negative].min():g} per hour) "
                f"at {_when(clock, t[negative][int(np.argmin(values[negative]))])}",
            )

    def bind(self, clock: Clock) -> CustomRate:
        return CustomRate(self._callable, dict(self.params))


def _when(clock: Clock, t: float) -> str:
    return f"t = {t:g} s ({clock.start + timedelta(seconds=float(t)):%Y-%m-%d %H:%M:%S})"
