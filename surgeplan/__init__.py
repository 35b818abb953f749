"""surgeplan's application layer: the command line, file I/O and (later) the plan pipeline."""

__version__ = "0.1.0"
__all__ = ["__version__"]
