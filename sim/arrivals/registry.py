"""The registry of arrival models: every module in :mod:`sim.arrivals.models`, by ``model:`` tag.

Adding a model is adding one file there that defines an :class:`~.protocol.ArrivalModel`
subclass with a ``model: Literal["its_name"]`` field; nothing else needs to change.
"""

from __future__ import annotations

import importlib
import pkgutil
import typing
from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Field

from . import models
from .protocol import ArrivalModel

__all__ = ["ARRIVAL_MODELS", "ArrivalsEntry", "SHORTHAND_MODEL", "model_tag"]

# ``arrivals: {rate_per_hour: …}`` without a ``model:`` is this model: the original form of
# the entry, which keeps its meaning.
SHORTHAND_MODEL = "piecewise"
SHORTHAND_KEY = "rate_per_hour"
# A Python callable given in place of the entry (from a notebook) is this model's function.
CALLABLE_MODEL = "custom"


def model_tag(cls: type) -> str | None:
    """The ``model:`` tag a class answers to, or ``None`` if it is not a concrete model."""
    field = getattr(cls, "model_fields", {}).get("model")
    if field is None:
        return None
    args = typing.get_args(field.annotation)
    return args[0] if len(args) == 1 and isinstance(args[0], str) else None


def _discover() -> dict[str, type[ArrivalModel]]:
    found: dict[str, type[ArrivalModel]] = {}
    for info in sorted(pkgutil.iter_modules(models.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{models.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ArrivalModel)
                and value.__module__ == module.__name__
                and (tag := model_tag(value)) is not None
            ):
                if tag in found:
                    raise TypeError(f"two arrival models answer to model: {tag!r}")
                found[tag] = value
    return found


ARRIVAL_MODELS: dict[str, type[ArrivalModel]] = _discover()


def implied_tag(value: Any) -> str | None:
    """The model an entry stands for: its ``model:``, or what its shorthand implies."""
    if isinstance(value, dict):
        if "model" in value:
            return value["model"] if isinstance(value["model"], str) else None
        return SHORTHAND_MODEL if SHORTHAND_KEY in value else None
    if callable(value):
        return CALLABLE_MODEL
    return None


def _expand_shorthand(value: Any) -> Any:
    if isinstance(value, dict) and "model" not in value and SHORTHAND_KEY in value:
        return {"model": SHORTHAND_MODEL, **value}
    if callable(value) and not isinstance(value, (dict, type)):
        return {"model": CALLABLE_MODEL, "function": value}
    return value


ArrivalsEntry = Annotated[
    Annotated[Union[tuple(ARRIVAL_MODELS.values())], Field(discriminator="model")],  # noqa: UP007
    BeforeValidator(_expand_shorthand),
]
