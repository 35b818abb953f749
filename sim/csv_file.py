"""Opening a CSV file a planner wrote: one place for the errors every reader reports."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from .errors import Problem, ScenarioError

__all__ = ["EXTRA", "open_csv"]

# The key under which csv.DictReader files cells beyond the header: a row with one is wrong.
EXTRA = "\0extra"


def open_csv(path: Path, required: Sequence[str]) -> tuple[str, csv.DictReader, list[str]]:
    """The file's name, a reader over its rows and its (stripped) header.

    A missing, unreadable or empty file, or one without every ``required`` column, raises
    :class:`ScenarioError` naming the file.
    """
    source = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(Problem("", "no such file"), str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(Problem("", f"cannot be read ({exc})"), source) from None
    if not text.strip():
        raise ScenarioError(
            Problem("", "the file is empty; expected columns " + ", ".join(required)), source
        )
    reader = csv.DictReader(text.splitlines(), restkey=EXTRA)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ScenarioError(
            Problem("line 1", f"missing column(s) {', '.join(missing)}; found {', '.join(header)}"),
            source,
        )
    return source, reader, header
