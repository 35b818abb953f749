"""``roster.xlsx``: the roster as a manager reads it.

One sheet per pool: a row per agent who can staff the pool, a column per day of the horizon
(headed ``Mon 2026-11-09``, weekends shaded), each cell the agent's shifts that start that day,
``08:00–16:30 (b 12:00)`` (times on the scenario's clock, ``b`` the start of the break; a shift
ending before it starts ends the next day). A shift staffing another pool, or several, names
them in brackets: ``08:00–16:30 (b 12:00) [chat]``. The last sheet, ``All shifts``, holds
roster.csv's rows with real Excel dates, ready to filter.

The bytes depend only on the input: the document properties get a fixed time and the ZIP
entries a fixed date.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from optimize.workforce import ROSTER_COLUMNS, Agent
from sim import Scenario

from .roster_table import Shift

__all__ = ["ALL_SHIFTS_SHEET", "cell_text", "day_header", "roster_workbook", "sheet_title"]

ALL_SHIFTS_SHEET = "All shifts"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # not %a: that follows the locale
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_WEEKEND_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def day_header(day: date) -> str:
    """``Mon 2026-11-09``."""
    return f"{WEEKDAYS[day.weekday()]} {day:%Y-%m-%d}"


def cell_text(shift: Shift, pool: str | None = None) -> str:
    """``08:00–16:30 (b 12:00)``; with ``pool``, other pools the shift staffs in brackets."""
    text = f"{shift.start:%H:%M}–{shift.end:%H:%M}"
    if shift.break_start is not None:
        text += f" (b {shift.break_start:%H:%M})"
    if pool is not None and shift.pools != (pool,):
        text += f" [{shift.pool}]"
    return text


def sheet_title(pool: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of ``[]:*?/\\``), unique in ``taken``."""
    base = _TITLE_FORBIDDEN.sub("_", pool).strip("'") or "pool"
    title, k = base[:31], 1
    while title.lower() in {t.lower() for t in taken}:
        k += 1
        title = f"{base[: 31 - len(str(k)) - 1]}~{k}"
    taken.add(title)
    return title


def _days(scenario: Scenario, shifts: list[Shift]) -> list[date]:
    first = scenario.horizon.start.date()
    last = (scenario.horizon.end - timedelta(microseconds=1)).date()
    last = max([last, *(shift.date for shift in shifts)])
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def _pool_sheet(
    sheet: Worksheet, pool: str, agents: list[Agent], shifts: list[Shift], days: list[date]
) -> None:
    cells: dict[tuple[str, date], list[str]] = defaultdict(list)
    on_pool = {shift.agent for shift in shifts if pool in shift.pools}
    for shift in shifts:  # in start order, so a day's shifts read in order
        cells[shift.agent, shift.date].append(cell_text(shift, pool))
    header = ["agent", "contract", *map(day_header, days)]
    sheet.append(header)
    rows = [agent for agent in agents if pool in agent.pools or agent.name in on_pool]
    for number, agent in enumerate(rows, start=2):
        texts = ["\n".join(cells.get((agent.name, day), [])) or None for day in days]
        sheet.append([agent.name, agent.contract, *texts])
        lines = max(len(cells.get((agent.name, day), [])) for day in days) if days else 0
        if lines > 1:  # Excel sizes wrapped rows only when they are edited
            sheet.row_dimensions[number].height = 15 * lines
    for column in range(1, len(header) + 1):
        cell = sheet.cell(row=1, column=column)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for k, day in enumerate(days, start=3):
        weekend = day.weekday() >= 5
        for row in range(1, len(rows) + 2):
            cell = sheet.cell(row=row, column=k)
            cell.alignment = _WRAP
            if weekend and row > 1:
                cell.fill = _WEEKEND_FILL
    widths = [
        max([len("agent"), *(len(agent.name) for agent in rows)]),
        max([len("contract"), *(len(agent.contract) for agent in rows)]),
        *(
            max(
                len(day_header(day)),
                *(len(line) for a in rows for line in cells.get((a.name, day), [])),
                0,
            )
            for day in days
        ),
    ]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 3
    sheet.freeze_panes = "C2"  # agent names and dates stay in view


def _all_shifts_sheet(sheet: Worksheet, shifts: list[Shift]) -> None:
    sheet.append(ROSTER_COLUMNS)
    for shift in shifts:
        sheet.append(
            [
                shift.agent,
                shift.pool,
                shift.date,
                shift.start,
                shift.end,
                shift.break_start,
                shift.break_end,
            ]
        )
    for column in range(1, len(ROSTER_COLUMNS) + 1):
        sheet.cell(row=1, column=column).font = _BOLD
        sheet.cell(row=1, column=column).fill = _HEADER_FILL
        letter = get_column_letter(column)
        fmt = "yyyy-mm-dd" if ROSTER_COLUMNS[column - 1] == "date" else "yyyy-mm-dd hh:mm"
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = fmt
        names = [len(s.agent) for s in shifts] if column == 1 else []
        pools = [len(s.pool) for s in shifts] if column == 2 else []
        sheet.column_dimensions[letter].width = max([18, *names, *pools]) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _stable_zip(data: bytes, stamp: datetime) -> bytes:
    """The same archive with every entry dated ``stamp``: ZIP entries otherwise carry the
    moment they were written."""
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def roster_workbook(
    shifts: list[Shift], agents: list[Agent], scenario: Scenario, stamp: datetime
) -> bytes:
    """The workbook's bytes: a sheet per pool of the scenario, then ``All shifts``.

    ``stamp`` is written as the document's created and modified time.
    """
    workbook = Workbook()
    taken = {ALL_SHIFTS_SHEET}
    days = _days(scenario, shifts)
    first = True
    for pool in scenario.pools:
        sheet = workbook.active if first else workbook.create_sheet()
        sheet.title = sheet_title(pool, taken)
        _pool_sheet(sheet, pool, agents, shifts, days)
        first = False
    _all_shifts_sheet(workbook.create_sheet(ALL_SHIFTS_SHEET), shifts)
    props = workbook.properties
    props.creator = "surgeplan"
    props.title = f"{scenario.name}: roster"
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the modified time with the clock.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _stable_zip(buffer.getvalue(), stamp)
