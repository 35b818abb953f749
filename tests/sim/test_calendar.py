"""Working days: the rule of :mod:`sim.calendar` on dated examples, against an independent
count of working time, and the vectorised deadlines against the scalar ones.

November 2026: Wed 11, Thu 12, Fri 13, Sat 14, Sun 15, Mon 16 … Fri 20, Sat 21, Mon 23.
"""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.calendar import WEEKDAYS, WorkingCalendar, deadline_seconds

WEEK = WorkingCalendar()
FRIDAY_OFF = WorkingCalendar(holidays=("2026-11-13",))
SIX_DAYS = WorkingCalendar(working_days=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat"))


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


@pytest.mark.parametrize(
    ("calendar", "when", "days", "due"),
    [
        # On a working date after 00:00: the same clock time on the d-th working date after.
        (WEEK, at(12, 10), 5, at(19, 10)),  # Thu → Fri, Mon, Tue, Wed, Thu
        (WEEK, at(13, 16, 30), 1, at(16, 16, 30)),  # Fri → over the weekend to Mon
        (FRIDAY_OFF, at(12, 10), 5, at(20, 10)),  # the holiday Fri 13 is skipped too
        (FRIDAY_OFF, at(12, 10), 1, at(16, 10)),
        (WEEK, at(16, 0, 1), 5, at(23, 0, 1)),
        # On a non-working date: from 00:00 of the next working date, due at the end (24:00)
        # of the d-th working date counting that one.
        (WEEK, at(14, 15), 5, at(21)),  # Sat → Mon … Fri, due Fri 24:00 = Sat 00:00
        (FRIDAY_OFF, at(13, 9), 5, at(21)),  # the holiday itself is not a working date
        (WEEK, at(15, 23, 59), 1, at(17)),  # Sun → all of Mon
        (WorkingCalendar(holidays=("2026-11-16",)), at(14, 15), 5, at(24)),  # Tue … Mon
        # At 00:00 of a working date: the same span as from the weekend before it.
        (WEEK, at(16), 5, at(21)),
        (WEEK, at(17), 1, at(18)),
        # Six-day week: Saturday works, Sunday does not.
        (SIX_DAYS, at(14, 15), 5, at(20, 15)),  # Sat → Mon … Fri
        (SIX_DAYS, at(13, 10), 1, at(14, 10)),
        (SIX_DAYS, at(15, 10), 1, at(17)),  # Sun → all of Mon
        (SIX_DAYS, at(15, 10), 6, at(22)),  # Mon … Sat, due Sat 24:00
        # Zero working days: the time itself, even on a weekend.
        (WEEK, at(14, 15), 0, at(14, 15)),
    ],
)
def test_working_day_deadlines(calendar, when, days, due):
    assert calendar.add_working_days(when, days) == due


def test_is_working():
    assert WEEK.is_working(date(2026, 11, 13))
    assert not WEEK.is_working(date(2026, 11, 14))
    assert not WEEK.is_working(date(2026, 11, 15))
    assert not FRIDAY_OFF.is_working(date(2026, 11, 13))
    assert SIX_DAYS.is_working(date(2026, 11, 14))


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="days must be ≥ 0"):
        WEEK.add_working_days(at(12), -1)
    with pytest.raises(ValueError, match="days must be ≥ 0"):
        deadline_seconds(WEEK, at(11), np.array([0.0]), -1)


def test_weekday_names_are_read_in_any_case_and_in_full():
    calendar = WorkingCalendar(working_days=["monday", "TUE", "Wednesday", " thu "])
    assert calendar.working_days == ("Mon", "Tue", "Wed", "Thu")
    assert WorkingCalendar(holidays=[date(2026, 11, 13)]).holidays == (date(2026, 11, 13),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"working_days": ["Mon", "Funday"]}, "unknown weekday 'Funday'; expected one of Mon"),
        ({"working_days": ["Mon", "monday"]}, "lists Mon more than once"),
        ({"working_days": []}, "at least 1 item"),
        ({"holidays": ["13 Nov"]}, "must be a date like '2026-11-13', got '13 Nov'"),
        ({"holidays": ["2026-11-13 00:00"]}, "must be a date like '2026-11-13'"),
        ({"weekend": ["Sat"]}, "Extra inputs are not permitted"),
    ],
)
def test_bad_calendars_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        WorkingCalendar(**data)


# -- against an independent count ---------------------------------------------------------


def working_seconds(calendar: WorkingCalendar, a: datetime, b: datetime) -> float:
    """Seconds of [a, b) that fall on working dates, counted date by date."""
    total = 0.0
    day = a.date()
    while day <= b.date():
        low = max(a, datetime.combine(day, time(0)))
        high = min(b, datetime.combine(day + timedelta(days=1), time(0)))
        if high > low and calendar.is_working(day):
            total += (high - low).total_seconds()
        day += timedelta(days=1)
    return total


calendars = st.builds(
    WorkingCalendar,
    working_days=st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
    holidays=st.lists(
        st.dates(min_value=date(2026, 11, 1), max_value=date(2026, 12, 31)), max_size=8
    ),
)
times = st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2026, 12, 15)).map(
    lambda t: t.replace(microsecond=0)
)
# Whole hours as well, so 00:00 comes up often.
whens = st.one_of(times, times.map(lambda t: t.replace(minute=0, second=0)))


@given(calendar=calendars, when=whens, days=st.integers(1, 12))
def test_deadline_is_the_first_instant_with_d_working_days_behind_it(calendar, when, days):
    """d × 24 h of working time lie between ``when`` and the deadline, and the moment just
    before the deadline is on a working date (so no earlier instant has them)."""
    due = calendar.add_working_days(when, days)
    assert working_seconds(calendar, when, due) == days * 86_400
    assert calendar.is_working((due - timedelta(microseconds=1)).date())


@given(calendar=calendars, early=whens, late=whens, days=st.integers(0, 12))
def test_a_later_arrival_is_never_due_earlier(calendar, early, late, days):
    early, late = min(early, late), max(early, late)
    assert calendar.add_working_days(early, days) <= calendar.add_working_days(late, days)


# -- vectorised = scalar ------------------------------------------------------------------

minutes = st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2026, 11, 30)).map(
    lambda t: t.replace(second=0, microsecond=0)
)
# Half the starts at 00:00, so that arrivals at exactly 00:00 come up often.
starts = st.one_of(minutes, minutes.map(lambda t: datetime.combine(t.date(), time(0))))
# Microseconds (datetime's resolution), whole days and quarter-hours from the start.
offsets = st.one_of(
    st.integers(0, 21 * 86_400 * 10**6).map(lambda us: us / 1e6),
    st.integers(0, 21).map(lambda d: d * 86_400.0),
    st.integers(0, 21 * 24 * 4).map(lambda q: q * 900.0),
)


@given(
    calendar=calendars,
    start=starts,
    arrived=st.lists(offsets, min_size=1, max_size=60),
    days=st.integers(0, 12),
)
def test_vectorised_deadlines_equal_the_scalar_rule(calendar, start, arrived, days):
    arrived = np.array(arrived)
    fast = deadline_seconds(calendar, start, arrived, days)
    slow = np.array(
        [
            (calendar.add_working_days(start + timedelta(seconds=s), days) - start).total_seconds()
            for s in arrived
        ]
    )
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-6)


def test_vectorised_deadlines_are_exact_for_whole_seconds():
    rng = np.random.default_rng(11)
    start = at(10, 22)
    arrived = np.sort(rng.integers(0, 14 * 86_400, size=2_000)).astype(float)
    arrived = np.concatenate([arrived, 7_200.0 + 86_400.0 * np.arange(14)])  # every 00:00
    fast = deadline_seconds(FRIDAY_OFF, start, arrived, 5)
    slow = [
        (FRIDAY_OFF.add_working_days(start + timedelta(seconds=s), 5) - start).total_seconds()
        for s in arrived
    ]
    assert fast.tolist() == slow


def test_vectorised_deadlines_are_fast_for_100k_arrivals():
    """Work per distinct date, not per arrival: 100,000 arrivals over a week take a few
    milliseconds; the bound leaves a wide margin for a busy machine."""
    rng = np.random.default_rng(3)
    arrived = rng.uniform(0, 7 * 86_400, size=100_000)
    began = clock.perf_counter()
    due = deadline_seconds(FRIDAY_OFF, at(9), arrived, 5)
    assert clock.perf_counter() - began < 1.0
    assert due.shape == arrived.shape and np.all(due > arrived)
