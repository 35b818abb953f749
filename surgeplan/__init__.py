"""surgeplan's application layer: the command line, the plan pipeline, sweeps and file I/O.

``surgeplan.sweep(path, out, ...)`` runs a what-if sweep file from Python and returns its
results as a DataFrame (see :mod:`surgeplan.sweeps`).
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__", "sweep"]


def __getattr__(name: str) -> object:
    # Loaded on first use: the command line imports this package and must start fast.
    if name == "sweep":
        from .sweeps import sweep

        return sweep
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
