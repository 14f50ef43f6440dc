"""Month maths (pure; no database)."""

from datetime import date

import pytest

from homeledger.services.periods import add_months, budget_month, budget_month_containing


@pytest.mark.parametrize(
    ("day", "start_day", "expected"),
    [
        (date(2026, 1, 1), 1, (date(2026, 1, 1), date(2026, 2, 1))),
        (date(2026, 12, 31), 1, (date(2026, 12, 1), date(2027, 1, 1))),
        (date(2026, 1, 10), 25, (date(2025, 12, 25), date(2026, 1, 25))),
        (date(2026, 1, 25), 25, (date(2026, 1, 25), date(2026, 2, 25))),
    ],
)
def test_budget_month_containing(day, start_day, expected):
    period = budget_month_containing(day, start_day)
    assert (period.start, period.end) == expected


def test_add_months_crosses_years_both_ways():
    assert add_months(2026, 11, 3) == (2027, 2)
    assert add_months(2026, 1, -1) == (2025, 12)


def test_start_day_beyond_28_is_refused():
    with pytest.raises(ValueError, match="between 1 and 28"):
        budget_month(2026, 2, 30)
