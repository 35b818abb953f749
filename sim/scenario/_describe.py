"""Turn pydantic's validation errors into planner-readable problems.

pydantic reports locations with internal parts (the tag of a distribution union) and
messages written for programmers; this module walks the raw input beside the error
location to give the field path as it appears in the file, and says what was expected.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..arrivals.registry import ARRIVAL_MODELS, implied_tag
from ..errors import Problem
from .complaints import ARRIVALS_BRANCHES
from .incidents import INCIDENT_KINDS

# A channel without ``kind:`` is a phone channel (what every channel was before kinds).
DEFAULT_CHANNEL_KIND = "phone"
# ``kind:`` tags channels and incidents; the top-level field says which.
_KIND_OF = {"incidents": "incident kind"}

__all__ = ["describe_validation_error"]


def describe_validation_error(
    exc: ValidationError, data: Any, model: type[BaseModel]
) -> list[Problem]:
    """One :class:`Problem` per error in ``exc``, located in ``data`` (the raw input)."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    errors = exc.errors(include_url=False)
    deeper = {error["loc"][:i] for error in errors for i in range(len(error["loc"]))}
    for error in errors:
        if error["type"] == "too_short" and error["loc"] in deeper:
            continue  # the items failed, so pydantic saw an empty list: not the user's doing
        path_parts, parent_model = _walk(error["loc"], data, model)
        problem = _describe(error, path_parts, parent_model)
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _walk(loc: tuple, data: Any, model: type | None) -> tuple[list[str], type | None]:
    """Follow ``loc`` through the raw data, dropping parts that are pydantic's own (union tags).

    Returns the path as written in the file and the model class holding the last part.
    """
    parts: list[str] = []
    node = data
    parent_model = model
    current = model
    for part in loc:
        if isinstance(node, dict) and part in node:
            parts.append(str(part))
            parent_model = current
            node = node[part]
            current = _child_model(current, part, node)
        elif isinstance(node, (list, tuple)) and isinstance(part, int) and part < len(node):
            parts.append(f"[{part}]")
            node = node[part]
            if isinstance(current, _ItemsOf):
                parent_model = current
                current = _pick(current.candidates, node)
        elif _node_tag(node) == part or part in ARRIVALS_BRANCHES:
            # pydantic's tag of a union (distribution, arrival model, the branch of complaints'
            # arrivals), not a key
            continue
        else:
            parts.append(str(part))
            parent_model = current
            node = None
            current = None
    return parts, parent_model


def _unwrap(annotation: Any) -> list[Any]:
    """Candidate classes inside Annotated/Optional/Union/dict/tuple annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])
    if origin in (typing.Union, types.UnionType, tuple, list):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis and arg is not type(None):
                found.extend(_unwrap(arg))
        return found
    return [annotation]


def _models_in(annotation: Any) -> list[type]:
    return [c for c in _unwrap(annotation) if isinstance(c, type) and issubclass(c, BaseModel)]


def _node_tag(node: Any) -> str | None:
    """The union member raw input stands for: its ``dist:`` or ``kind:``, or its (implied)
    ``model:``; a mapping with none of them is a channel of the default kind."""
    if isinstance(node, dict):
        for key in ("dist", "kind"):
            if key in node:
                return node[key] if isinstance(node[key], str) else None
    tag = implied_tag(node)
    if tag is None and isinstance(node, dict):
        return DEFAULT_CHANNEL_KIND
    return tag


def _pick(candidates: list[type], node: Any) -> type | None:
    if len(candidates) == 1:
        return candidates[0]
    # A member without a tag (complaints' ``{from_types: …}``) is known by its fields; it
    # comes first, as the union's own discriminator puts it first.
    if isinstance(node, dict):
        untagged = [c for c in candidates if _tag_of(c) is None and set(node) & set(_fields_of(c))]
        if len(untagged) == 1:
            return untagged[0]
    tag = _node_tag(node)
    if tag is not None:
        for candidate in candidates:
            if _tag_of(candidate) == tag:
                return candidate
    return None


def _child_model(model: Any, key: Any, node: Any) -> Any:
    """The model (or mapping-of-models marker) that validates ``node`` found at ``key``."""
    if isinstance(model, _ItemsOf):
        return _pick(model.candidates, node)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    field = model.model_fields.get(key)
    if field is None:
        return None
    annotation = field.annotation
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is dict:
        # A mapping of user-chosen names (pools, channels…) to models.
        return _ItemsOf(_models_in(typing.get_args(annotation)[1]))
    if typing.get_origin(annotation) in (tuple, list) and len(_models_in(annotation)) > 1:
        # A list of union members (incidents): each item is one of them, by its tag.
        return _ItemsOf(_models_in(annotation))
    return _pick(_models_in(annotation), node)


class _ItemsOf:
    """Marker: the next location part is a user-chosen name inside a mapping of models, or
    an index into a list of models."""

    def __init__(self, candidates: list[type]):
        self.candidates = candidates


def _tag_of(model: type) -> str | None:
    fields = getattr(model, "model_fields", {})
    field = fields.get("dist") or fields.get("model") or fields.get("kind")
    if field is None:
        return None
    args = typing.get_args(field.annotation)
    return args[0] if args else None


def _fields_of(model: type | None) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: dict, parts: list[str], parent_model: type | None) -> Problem:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    path = ".".join(parts).replace(".[", "[")
    if kind == "extra_forbidden":
        allowed = _fields_of(parent_model)
        key = parts[-1] if parts else "?"
        parent = ".".join(parts[:-1]).replace(".[", "[")
        message = f"unknown key {key!r}"
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        if allowed:
            message += f"; expected one of {', '.join(allowed)}"
        return Problem(parent, message)
    if kind == "missing":
        return Problem(path, "is required but missing")
    discriminator = str(ctx.get("discriminator", ""))
    arrival_model = "model" in discriminator
    kind_of = _KIND_OF.get(parts[0], "channel kind") if parts else "channel kind"
    if kind == "union_tag_invalid":
        what = (
            "arrival model"
            if arrival_model
            else kind_of
            if "kind" in discriminator
            else "distribution"
        )
        return Problem(
            path, f"unknown {what} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
        )
    if kind == "union_tag_not_found" and "kind" in discriminator:
        # Only incidents: a channel without ``kind:`` is a phone channel.
        return Problem(path, f"needs 'kind:' naming an incident kind ({', '.join(INCIDENT_KINDS)})")
    if kind == "union_tag_not_found" and arrival_model:
        return Problem(
            path,
            f"needs 'model:' naming an arrival model ({', '.join(ARRIVAL_MODELS)}), or "
            "'rate_per_hour:' for a rate per interval",
        )
    if kind == "union_tag_not_found":
        return Problem(
            path,
            "needs 'dist:' naming a distribution (exponential, lognormal, "
            "gamma, deterministic, empirical)",
        )
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {
            "greater_than_equal": ("≥", "ge"),
            "greater_than": (">", "gt"),
            "less_than_equal": ("≤", "le"),
            "less_than": ("<", "lt"),
        }[kind]
        return Problem(path, f"must be {op[0]} {ctx.get(op[1])}, got {_show(value)}")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return Problem(path, f"must be a number, got {_show(value)}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(path, f"must be a mapping of fields, got {_show(value)}")
    if kind in ("list_type", "tuple_type"):
        return Problem(path, f"must be a list, got {_show(value)}")
    if kind == "string_type":
        return Problem(path, f"must be text, got {_show(value)}")
    if kind == "too_short":
        return Problem(path, "must not be empty")
    if kind == "literal_error":
        return Problem(path, f"must be {ctx.get('expected')}, got {_show(value)}")
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return Problem(path, message.removeprefix("Value error, "))
    return Problem(path, f"{error.get('msg')}, got {_show(value)}")
