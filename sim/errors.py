"""Scenario errors that name the file, the field path and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path or row) and what was expected."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(Exception):
    """An input file is unusable. ``problems`` lists every problem found, one line each.

    Deliberately not a ``ValueError``: pydantic turns ``ValueError`` raised in a validator
    into one opaque error, while this one carries several located problems through.
    """

    def __init__(self, problems: list[Problem] | Problem, source: str | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.source = source
        super().__init__(str(self))

    def with_source(self, source: str) -> ScenarioError:
        return ScenarioError(self.problems, source)

    def lines(self) -> list[str]:
        prefix = f"{self.source}: " if self.source else ""
        return [f"{prefix}{problem}" for problem in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())
