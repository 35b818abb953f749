"""Where a sweep's rows live while it runs, and how they become ``results.parquet``.

A Parquet file cannot be appended to safely, so finished tasks are written in batches as part
files (``DIR/parts/part-*.parquet``, each atomically: temp file and rename). A killed sweep
leaves whole part files only; the next run reads them, skips the tasks they hold and runs
the rest. At the end the parts (and any earlier ``results.parquet``) are merged, one row per
(variant, replication), sorted, into ``results.parquet`` (atomically), and the parts removed.
``DIR/sweep.json`` records what the sweep is, so a directory is never resumed by another
sweep.
"""

from __future__ import annotations

import contextlib
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import Problem, ScenarioError

from ..io import atomic_write_bytes, atomic_write_text

__all__ = ["Store"]

KEY = ["variant", "replication"]


class Store:
    """The sweep directory ``out``."""

    def __init__(self, out: Path, identity: dict[str, Any]):
        self.out = Path(out)
        self.parts = self.out / "parts"
        self.results = self.out / "results.parquet"
        manifest = self.out / "sweep.json"
        text = json.dumps(identity, indent=2, sort_keys=True, default=str) + "\n"
        if manifest.exists() and manifest.read_text(encoding="utf-8") != text:
            raise ScenarioError(
                Problem(
                    "--out",
                    f"{self.out} holds the results of another sweep, or of this one on "
                    "another version of its base scenario (sweep.json differs); give an empty "
                    "directory or the same sweep",
                )
            )
        self.parts.mkdir(parents=True, exist_ok=True)
        if not manifest.exists():
            atomic_write_text(manifest, text)

    def done(self) -> pd.DataFrame:
        """Every row already written (results and parts), one per task."""
        frames = [pd.read_parquet(path) for path in self._files()]
        if not frames:
            return pd.DataFrame(columns=KEY)
        rows = pd.concat(frames, ignore_index=True)
        return rows.drop_duplicates(KEY).sort_values(KEY, ignore_index=True)

    def write_part(self, rows: list[dict[str, Any]], columns: list[str]) -> None:
        if not rows:
            return
        buffer = io.BytesIO()
        pd.DataFrame(rows, columns=columns).to_parquet(buffer, index=False)
        atomic_write_bytes(self.parts / f"part-{uuid.uuid4().hex}.parquet", buffer.getvalue())

    def merge(self, table: pd.DataFrame) -> None:
        """Write ``table`` (every row, in order) as ``results.parquet``; then remove the
        parts it holds."""
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        atomic_write_bytes(self.results, buffer.getvalue())
        for path in self.parts.glob("part-*.parquet"):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: something else of the user's is there
            self.parts.rmdir()

    def _files(self) -> list[Path]:
        files = sorted(self.parts.glob("part-*.parquet"))
        return ([self.results] if self.results.exists() else []) + files
