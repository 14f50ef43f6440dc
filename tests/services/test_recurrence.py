"""When bills fall due and what they cost a month: pure date arithmetic, no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from homeledger.services.recurrence import Schedule, clamped, monthly_equivalent, schedule


def _all(s: Schedule, start: date, end: date) -> list[date]:
    return list(s.between(start, end))


def test_a_bill_due_on_the_31st_clamps_without_drifting():
    monthly = Schedule("monthly", date(2025, 1, 31))
    assert _all(monthly, date(2025, 1, 1), date(2025, 5, 31)) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]
    leap = Schedule("monthly", date(2024, 1, 31))
    assert _all(leap, date(2024, 2, 1), date(2024, 3, 31)) == [date(2024, 2, 29), date(2024, 3, 31)]


def test_a_quarterly_bill_started_31_january():
    quarterly = Schedule("quarterly", date(2026, 1, 31))
    assert _all(quarterly, date(2026, 1, 1), date(2027, 1, 31)) == [
        date(2026, 1, 31),
        date(2026, 4, 30),
        date(2026, 7, 31),
        date(2026, 10, 31),
        date(2027, 1, 31),
    ]


def test_a_yearly_bill_started_29_february():
    yearly = Schedule("yearly", date(2024, 2, 29))
    assert _all(yearly, date(2024, 1, 1), date(2028, 12, 31)) == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


@pytest.mark.parametrize("due_day", [29, 30, 31])
def test_late_due_days_land_on_each_months_last_day_when_it_is_shorter(due_day):
    bill = Schedule("monthly", date(2023, 1, due_day), due_day)
    dates = _all(bill, date(2023, 1, 1), date(2024, 12, 31))
    assert len(dates) == 24
    for due in dates:
        assert due == clamped(due.year, due.month, due_day)
        assert due.day == due_day or (due + timedelta(days=1)).day == 1


def test_the_start_date_is_the_first_due_date_then_the_due_day():
    """Started on the 20th, due on the 5th: 20 January, then 5 February, 5 March."""
    bill = Schedule("monthly", date(2026, 1, 20), due_day=5)
    assert _all(bill, date(2025, 1, 1), date(2026, 3, 31)) == [
        date(2026, 1, 20),
        date(2026, 2, 5),
        date(2026, 3, 5),
    ]


def test_weekly_and_fortnightly_count_over_a_window():
    """From Friday 2 January 2026: 2, 9, 16, 23, 30 January and 6 February are Fridays."""
    weekly = Schedule("weekly", date(2026, 1, 2), due_day=31)  # a due day means nothing here
    fortnightly = Schedule("fortnightly", date(2026, 1, 2))
    window = (date(2026, 1, 5), date(2026, 2, 28))
    assert _all(weekly, *window) == [date(2026, 1, 9) + timedelta(weeks=k) for k in range(8)]
    assert _all(fortnightly, *window) == [
        date(2026, 1, 16),
        date(2026, 1, 30),
        date(2026, 2, 13),
        date(2026, 2, 27),
    ]


def test_nothing_falls_due_after_the_end_date_but_the_end_date_itself_does():
    bill = Schedule("monthly", date(2026, 1, 15), last=date(2026, 4, 15))
    assert _all(bill, date(2026, 1, 1), date(2026, 12, 31))[-1] == date(2026, 4, 15)
    assert _all(bill, date(2026, 5, 1), date(2026, 12, 31)) == []


def test_a_window_far_from_the_start_is_found_without_walking_from_it():
    bill = Schedule("weekly", date(1900, 1, 1))
    assert _all(bill, date(2199, 12, 25), date(2199, 12, 31)) == [date(2199, 12, 30)]
    yearly = Schedule("yearly", date(1900, 3, 1))
    assert _all(yearly, date(2199, 1, 1), date(2199, 12, 31)) == [date(2199, 3, 1)]


def test_every_month_stepped_date_is_computed_from_the_start():
    """Exhaustively: every start day of 2024 (a leap year), every frequency, 5 years ahead."""
    day = date(2024, 1, 1)
    while day.year == 2024:
        for frequency, step in (("monthly", 1), ("quarterly", 3), ("yearly", 12)):
            dates = _all(Schedule(frequency, day), day, date(2029, 12, 31))
            for n, due in enumerate(dates):
                month_index = day.year * 12 + day.month - 1 + n * step
                year, month = divmod(month_index, 12)
                assert due == clamped(year, month + 1, day.day)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("frequency", "due_day", "recorded", "first"),
    [
        ("monthly", 12, date(2026, 3, 20), date(2026, 3, 12)),
        ("monthly", None, date(2026, 3, 20), date(2026, 3, 20)),
        ("quarterly", 31, date(2026, 2, 10), date(2026, 2, 28)),
        ("weekly", 5, date(2026, 3, 20), date(2026, 3, 20)),
    ],
)
def test_a_bill_without_a_start_date_is_anchored_on_the_month_it_was_recorded(
    frequency, due_day, recorded, first
):
    s = schedule(frequency, start_date=None, due_day=due_day, end_date=None, recorded_on=recorded)
    assert s.first == first


@pytest.mark.parametrize(
    ("amount", "frequency", "expected"),
    [
        ("10.00", "weekly", "43.33"),  # 520 / 12 = 43.333...
        ("25.00", "fortnightly", "54.17"),  # 650 / 12 = 54.1666...
        ("15.99", "monthly", "15.99"),
        ("100.00", "quarterly", "33.33"),
        ("100.01", "quarterly", "33.34"),  # 33.33666...
        ("1050.00", "yearly", "87.50"),
        ("0.06", "yearly", "0.01"),  # 0.005: half rounds up
    ],
)
def test_monthly_equivalents_to_the_cent(amount, frequency, expected):
    assert monthly_equivalent(Decimal(amount), frequency) == Decimal(expected)
