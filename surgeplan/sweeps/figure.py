"""``sweep.png``: each metric against each varied parameter, small multiples with CI bands.

One row of panels per metric, one column per varied parameter. In a panel the x axis is the
parameter's values (in the order the sweep gives them; text values such as ``60s`` are
categories), and each combination of the other parameters is a line with its 95 %
confidence band over the replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .spec import SweepSpec

__all__ = ["sweep_figure"]


def _short(value) -> str:
    """A compact label: a mapping's values joined (``0.95/0.035/0.015``), at most 20 chars."""
    text = "/".join(str(v) for v in value.values()) if isinstance(value, dict) else str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _positions(values: pd.Series, order: list) -> np.ndarray:
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in order)
    if numeric:
        return values.to_numpy(dtype=float)
    index = {str(v): k for k, v in enumerate(order)}
    return np.array([index[str(v)] for v in values], dtype=float)


def sweep_figure(summary: pd.DataFrame, spec: SweepSpec):
    varied = spec.varied() or ["variant"]
    metrics = spec.metrics
    # No pyplot: the caller's backend (a notebook's inline one) is left alone.
    figure = Figure(figsize=(4.2 * len(varied) + 0.8, 3.0 * len(metrics) + 0.6))
    axes = figure.subplots(len(metrics), len(varied), squeeze=False)
    for i, metric in enumerate(metrics):
        for j, path in enumerate(varied):
            axis = axes[i][j]
            order = (
                list(spec.vary[path])
                if spec.vary is not None and path in spec.vary
                else list(dict.fromkeys(summary[path]))
            )
            others = [p for p in varied if p != path and p in summary]
            groups = summary.groupby(others, sort=False) if others else [((), summary)]
            for key, group in groups:
                x = _positions(group[path], order)
                sort = np.argsort(x, kind="stable")
                mean = group[f"{metric}_mean"].to_numpy(dtype=float)[sort]
                low = group[f"{metric}_ci95_low"].to_numpy(dtype=float)[sort]
                high = group[f"{metric}_ci95_high"].to_numpy(dtype=float)[sort]
                key = key if isinstance(key, tuple) else (key,)
                label = ", ".join(
                    f"{p.split('.')[-1]}={_short(v)}" for p, v in zip(others, key, strict=True)
                )
                (line,) = axis.plot(x[sort], mean, marker="o", label=label or None)
                if np.isfinite(low).any():
                    axis.fill_between(x[sort], low, high, color=line.get_color(), alpha=0.2)
            if not all(isinstance(v, (int, float)) for v in order):
                axis.set_xticks(range(len(order)), [_short(v) for v in order], fontsize=7)
            axis.set_xlabel(path, fontsize=8)
            axis.set_ylabel(metric)
            axis.grid(alpha=0.3)
            if others and len(summary) <= 40 and i == 0:
                axis.legend(fontsize=6, loc="best", framealpha=0.6)
    figure.suptitle("sweep: mean and 95 % confidence band over the replications")
    figure.tight_layout()
    return figure
