"""report.html: a run directory's results on one self-contained page for planners.

:func:`write_report` reads what the directory holds (:mod:`.run_files`: ``run.json`` and the
tables of ``simulate``, ``staff``, ``plan`` or ``sweep``), draws the figures
(:mod:`.queue_figures`, :mod:`.plan_figures`, on the scenario's clock: :mod:`.clock`), lays
them out in sections (:mod:`.sections`) and renders the page (:mod:`.page`, a Jinja2
template with every figure embedded).
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..io import atomic_write_text

__all__ = ["REPORT_FILE", "write_report"]

REPORT_FILE = "report.html"

TITLES = {
    "simulate": "Simulation",
    "staff": "Staffing requirements",
    "plan": "Staffing plan",
    "roster": "Roster",
    "sweep": "What-if sweep",
}


def write_report(directory: str | Path) -> Path:
    """Write ``directory/report.html`` from the run files it holds; its path.

    Raises :class:`~sim.ScenarioError` when ``directory`` is not a directory or a file in it
    cannot be read (the command line's exit status 2).
    """
    from .page import render
    from .run_files import read_run_files
    from .sections import build_sections

    files = read_run_files(directory)
    glance = files.glance
    name = (
        glance.get("name") or files.json.get("summary", {}).get("scenario") or Path(directory).name
    )
    kind = TITLES.get(files.command or "", "Run")
    subtitle = glance.get("summary_line", "")
    if "seed" in files.record:
        subtitle += f" · seed {files.record['seed']}"
    if "replications" in files.record:
        subtitle += f", {files.record['replications']} replication(s)"
    sections = build_sections(files)
    present = sorted(
        p.name for p in Path(directory).iterdir() if p.is_file() and p.name != REPORT_FILE
    )
    page = render(
        {
            "title": f"{kind}: {name}",
            "subtitle": subtitle,
            "sections": sections,
            "files": present,
            "time_zone": files.time_zone or "the scenario's time zone",
            "version": __version__,
        }
    )
    return atomic_write_text(Path(directory) / REPORT_FILE, page)
