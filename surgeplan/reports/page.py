"""The page: sections of tiles, figures and tables rendered into one self-contained HTML file.

Figures are PNG images inside the page (``data:`` URIs) and the style sheet is inline, so the
file needs no network and no other file: it opens from an e-mail attachment.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from matplotlib.figure import Figure

__all__ = [
    "Section",
    "figure_block",
    "image_block",
    "render",
    "subplots",
    "table_block",
    "text_block",
]

DPI = 110


@dataclass
class Section:
    """One part of the report: ``tiles`` (value, label, mood) and ``blocks`` in order."""

    id: str
    title: str
    lead: str = ""
    tiles: list[dict[str, str]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def tile(self, value: str, label: str, mood: str = "") -> None:
        self.tiles.append({"value": value, "label": label, "mood": mood})


def subplots(*grid: int, figsize: tuple[float, float], layout: str = "constrained", **options):
    """``pyplot.subplots`` without pyplot: a bare :class:`Figure` needs no display and leaves
    the caller's plotting backend alone (a notebook keeps drawing inline)."""
    figure = Figure(figsize=figsize, layout=layout)
    return figure, figure.subplots(*grid, **options)


def figure_block(name: str, figure: Figure, alt: str, caption: str = "") -> dict[str, Any]:
    """A matplotlib figure as an embedded PNG."""
    buffer = io.BytesIO()
    width, height = figure.get_size_inches()
    figure.savefig(buffer, format="png", dpi=DPI)
    return {
        "kind": "figure",
        "name": name,
        "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
        "alt": alt,
        "caption": caption,
        "width": round(width * DPI),
        "height": round(height * DPI),
    }


def image_block(name: str, png: bytes, alt: str, caption: str = "") -> dict[str, Any]:
    """A PNG the run already wrote (sweep.png, requirements.png), embedded as it is."""
    from matplotlib.image import imread

    height, width = imread(io.BytesIO(png), format="png").shape[:2]
    return {
        "kind": "figure",
        "name": name,
        "png": base64.b64encode(png).decode("ascii"),
        "alt": alt,
        "caption": caption,
        "width": width,
        "height": height,
    }


def table_block(
    table: pd.DataFrame, title: str = "", folded: str = "", header: bool = True
) -> dict[str, Any]:
    """A table (pandas escapes the cells); ``folded`` puts it behind a click with that text."""
    numbers = table.select_dtypes("number").columns
    html = table.to_html(
        index=False, header=header, border=0, escape=True, na_rep="", classes="data"
    )
    for column in numbers:  # right-align numbers: pandas gives no per-column class
        html = html.replace(f"<th>{column}</th>", f'<th class="num">{column}</th>', 1)
    return {"kind": "table", "html": Markup(html), "title": title, "folded": folded}


def text_block(text: str) -> dict[str, Any]:
    return {"kind": "text", "text": text}


def render(context: dict[str, Any]) -> str:
    """The page for ``context`` (``title``, ``subtitle``, ``sections``, ``files``,
    ``time_zone``, ``version``)."""
    environment = Environment(
        loader=PackageLoader("surgeplan.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.j2").render(**context)
