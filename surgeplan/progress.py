"""A progress bar on long runs when the output is a terminal; silence otherwise."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(description: str, enabled: bool = True, unit: str = "interval") -> Iterator:
    """Yield a ``progress(done, total)`` callback drawing a bar on a terminal's stderr."""
    show = enabled and sys.stderr.isatty()
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if not show:
            return
        if bar is None:
            # A terminal that reports a zero size (some ptys) would get an invisible bar.
            size = shutil.get_terminal_size((80, 24))
            bar = tqdm(
                total=total,
                desc=description,
                unit=unit,
                leave=False,
                ncols=size.columns or 80,
                nrows=size.lines or 24,
            )
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
