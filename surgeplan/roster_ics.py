"""``roster.ics``: every shift as a calendar event, for agents' phones and shared calendars.

One calendar (``X-WR-CALNAME``: the scenario's name) with one ``VEVENT`` per shift: summary
``<agent>: <pool> shift``, start and end on the scenario's clock in its ``time_zone`` (a
``TZID`` with the matching ``VTIMEZONE``; UTC times end in ``Z``), the break in the
description. UIDs are derived from the agent and the start, so re-importing a re-exported
roster updates events instead of duplicating them, and ``DTSTAMP`` is fixed, so the same
roster gives the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event, Timezone

from sim import Scenario

from .roster_table import Shift

__all__ = ["roster_calendar", "shift_uid"]

_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "surgeplan.roster")
_PRODID = "-//surgeplan//roster//EN"


def shift_uid(shift: Shift) -> str:
    """A UID stable across exports: a name-based UUID of the agent and the shift's start."""
    return str(uuid.uuid5(_UID_NAMESPACE, f"{shift.agent}\n{shift.start:%Y-%m-%dT%H:%M}"))


def _description(shift: Shift) -> str:
    lines = [f"Pool: {shift.pool.replace('|', ', ')}"]
    if shift.break_start is not None and shift.break_end is not None:
        lines.append(f"Break: {shift.break_start:%H:%M}–{shift.break_end:%H:%M}")
    else:
        lines.append("No break")
    lines.append(f"Worked: {shift.worked_seconds / 3600:g} h")
    return "\n".join(lines)


def _event(shift: Shift, scenario: Scenario, stamp_utc: datetime) -> Event:
    zone = scenario.zone
    event = Event()
    event.add("uid", shift_uid(shift))
    event.add("dtstamp", stamp_utc)
    event.add("dtstart", shift.start.replace(tzinfo=zone))
    event.add("dtend", shift.end.replace(tzinfo=zone))
    event.add("summary", f"{shift.agent}: {shift.pool.replace('|', '+')} shift")
    event.add("description", _description(shift))
    event.add("categories", list(shift.pools))
    return event


def roster_calendar(shifts: list[Shift], scenario: Scenario, stamp: datetime) -> bytes:
    """The calendar's bytes; ``stamp`` (on the scenario's clock) becomes every DTSTAMP."""
    zone = scenario.zone
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{scenario.name}: roster")
    calendar.add("x-wr-timezone", scenario.time_zone)
    stamp_utc = stamp.replace(tzinfo=zone).astimezone(timezone.utc)
    events = [_event(shift, scenario, stamp_utc) for shift in shifts]
    if any("TZID" in event["DTSTART"].params for event in events):
        # RFC 5545 wants a VTIMEZONE for every TZID used; cover the horizon and a day around.
        first = min([scenario.horizon.start, *(s.start for s in shifts)]) - timedelta(days=1)
        last = max([scenario.horizon.end, *(s.end for s in shifts)]) + timedelta(days=1)
        calendar.add_component(
            Timezone.from_tzinfo(
                zone, tzid=scenario.time_zone, first_date=first.date(), last_date=last.date()
            )
        )
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
