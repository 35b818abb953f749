"""Writing results: every file appears whole or not at all (temp file + rename)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["atomic_write_bytes", "atomic_write_text", "write_csv", "write_json"]


def _default_mode() -> int:
    # mkstemp creates files readable by the owner only; results should get the usual
    # permissions (0666 less the umask), like any file the user's tools write.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temp file in the same directory and ``os.replace``.

    A reader (or an interrupted run) sees the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_csv(path: str | Path, table: pd.DataFrame) -> Path:
    """CSV with empty cells for missing values (an interval with no inquiries has no ratio)."""
    return atomic_write_text(path, table.to_csv(index=False, na_rep="", float_format="%.10g"))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    """JSON with NaN/inf written as null (strict JSON has no NaN)."""
    return atomic_write_text(path, json.dumps(_clean(data), indent=2, ensure_ascii=False) + "\n")
