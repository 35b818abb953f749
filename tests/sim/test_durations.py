"""Tests for duration strings (``"90s"``, ``"4min"``, ``"2h"``, ``"1d"``) in ``sim.durations``."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.durations import UNIT_SECONDS, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90.0),
        ("4min", 240.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1.5h", 5400.0),
        ("0.5min", 30.0),
        (".5h", 1800.0),
        ("15 min", 900.0),
        ("  20s  ", 20.0),
        ("3 hours", 10800.0),
        ("2days", 172800.0),
        ("45 seconds", 45.0),
        ("1MIN", 60.0),
        ("1e2s", 100.0),
        ("0s", 0.0),
        ("120", 120.0),  # a number without a unit is seconds
        ("+7s", 7.0),
    ],
)
def test_parse_duration_strings(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds, rel=0, abs=1e-12)


@pytest.mark.parametrize(
    ("number", "seconds"), [(0, 0.0), (90, 90.0), (1.25, 1.25), (3600, 3600.0)]
)
def test_plain_numbers_are_seconds(number, seconds):
    result = parse_duration(number)
    assert result == seconds
    assert isinstance(result, float)


def test_every_documented_unit_converts():
    for unit, size in UNIT_SECONDS.items():
        assert parse_duration(f"3{unit}") == 3 * size, unit


@pytest.mark.parametrize(
    ("text", "unit"), [("5m", "m"), ("5x", "x"), ("15mins", "mins"), ("2hr", "hr")]
)
def test_unknown_unit_is_named(text, unit):
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    message = str(info.value)
    assert f"unknown duration unit {unit!r}" in message
    assert text in message  # the whole offending value is quoted too


def test_m_is_not_minutes():
    """``m`` reads as minutes to some and months to others: it must be refused."""
    with pytest.raises(ValueError, match="'m'"):
        parse_duration("5m")


@pytest.mark.parametrize("value", ["-5s", "-1", -1, -0.5, "-2h"])
def test_negative_durations_are_refused(value):
    with pytest.raises(ValueError, match="≥ 0"):
        parse_duration(value)


@pytest.mark.parametrize(
    "value",
    ["", "abc", "s", "min", "5 5s", "1,5h", "5s5", None, [5], {"s": 5}, True, False],
)
def test_malformed_durations_are_refused(value):
    with pytest.raises(ValueError, match="must be a duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, "1e400s", "1e308d"])
def test_non_finite_durations_are_refused(value):
    with pytest.raises(ValueError, match="finite|≥ 0"):
        parse_duration(value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (60, "1min"),
        (90, "90s"),
        (900, "15min"),
        (3600, "1h"),
        (5400, "90min"),
        (86400, "1d"),
        (90000, "25h"),
        (172800, "2d"),
        (0.5, "0.5s"),
    ],
)
def test_format_duration_picks_the_largest_exact_unit(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("text", ["90s", "4min", "2h", "1d", "15min", "45s", "25h", "7d"])
def test_format_parse_round_trip_of_canonical_strings(text):
    assert format_duration(parse_duration(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=30 * 86400))
def test_parse_format_round_trip_whole_seconds(seconds):
    """``format_duration`` promises an *exact* string: parsing it gives the seconds back."""
    assert parse_duration(format_duration(seconds)) == seconds


def test_format_duration_is_exact_for_long_odd_durations():
    # 1 234 567 s (about 14.3 days) is not a whole number of minutes, so it stays in seconds,
    # and must not be rounded to six significant digits on the way.
    assert parse_duration(format_duration(1_234_567)) == 1_234_567
    assert parse_duration(format_duration(100_000.25)) == 100_000.25
