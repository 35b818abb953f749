"""Reading YAML strictly: a key given twice is an error, not a silent overwrite."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import Problem, ScenarioError

__all__ = ["load_yaml_text"]


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
