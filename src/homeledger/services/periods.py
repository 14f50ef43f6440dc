"""Month maths in one place: budgeting months that may start on any day from 1 to 28."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """A budgeting month: ``start`` inclusive, ``end`` exclusive, named by its start month."""

    year: int
    month: int
    start: date
    end: date

    @property
    def last_day(self) -> date:
        """The last day inside the period (``end`` is the first day of the next one)."""
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")

    def shifted(self, months: int, start_day: int) -> Period:
        year, month = add_months(self.year, self.month, months)
        return budget_month(year, month, start_day)


def month_text(year: int, month: int) -> str:
    """A month as the API, the query string and ``<input type="month">`` write it: ``2026-08``."""
    return f"{year:04d}-{month:02d}"


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def budget_month(year: int, month: int, start_day: int = 1) -> Period:
    """The budgeting month named (year, month): from its start day to the next one's."""
    if not 1 <= start_day <= 28:
        raise ValueError("month start day must be between 1 and 28")
    next_year, next_month = add_months(year, month, 1)
    return Period(year, month, date(year, month, start_day), date(next_year, next_month, start_day))


def budget_month_containing(day: date, start_day: int = 1) -> Period:
    """The budgeting month a given day falls in (before the start day: the previous one)."""
    year, month = day.year, day.month
    if day.day < start_day:
        year, month = add_months(year, month, -1)
    return budget_month(year, month, start_day)
