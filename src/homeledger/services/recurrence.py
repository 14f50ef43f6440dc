"""When a recurring bill falls due, and what it costs a month: pure functions, no database.

The rules (``services/commitments.py`` applies them to stored bills):

* The **first due date** is the bill's start date.
* **Monthly, quarterly and yearly** bills then fall due every 1, 3 or 12 months
  from the start month, on the due day (the start date's day when no due day is
  set). A due day past the end of a month falls on that month's last day. Each
  date is computed from the start month and the due day, never from the
  previous date, so clamping does not drift: a bill due on the 31st is due on
  31 January, 28 (or 29) February, 31 March; a yearly bill started 29 February
  2024 is due 28 February 2025-2027 and 29 February 2028.
* **Weekly and fortnightly** bills fall due every 7 or 14 days from the start
  date; a due day means nothing to them and is ignored.
* Nothing falls due after the end date (inclusive: a bill ending on a due date
  is due that day).
* A bill **without a start date** is anchored on the month it was recorded:
  monthly, quarterly and yearly ones on their due day of that month (which may
  be a few days before the day it was recorded), weekly and fortnightly ones on
  the day it was recorded. Give quarterly and yearly bills a start date: without
  one the app can only guess which months they fall in.

**Monthly equivalent**: weekly x 52 / 12, fortnightly x 26 / 12, monthly x 1,
quarterly / 3, yearly / 12, each rounded half up to the cent. A total is the sum
of those rounded figures, so a list of bills adds up to its total exactly.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from homeledger.models.planning import FREQUENCIES
from homeledger.services.periods import add_months

MONTH_STEPS = {"monthly": 1, "quarterly": 3, "yearly": 12}
DAY_STEPS = {"weekly": 7, "fortnightly": 14}
# Monthly equivalent = amount x numerator / denominator.
_PER_MONTH = {
    "weekly": (52, 12),
    "fortnightly": (26, 12),
    "monthly": (1, 1),
    "quarterly": (1, 3),
    "yearly": (1, 12),
}
CENT = Decimal("0.01")


def clamped(year: int, month: int, day: int) -> date:
    """``day`` of that month, or the month's last day when it has fewer days."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Schedule:
    """When a bill falls due: from ``first`` every step of ``frequency``, until ``last``.

    ``due_day`` is the day of the month for month-stepped bills (None: the day of
    ``first``); ``last`` is the end date (None: no end).
    """

    frequency: str
    first: date
    due_day: int | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")

    def nth(self, n: int) -> date:
        """The ``n``-th due date, counting the first as 0 (the end date is not applied)."""
        if n == 0:
            return self.first
        if self.frequency in DAY_STEPS:
            return self.first + timedelta(days=n * DAY_STEPS[self.frequency])
        year, month = add_months(self.first.year, self.first.month, n * MONTH_STEPS[self.frequency])
        return clamped(year, month, self.due_day or self.first.day)

    def _first_index_near(self, day: date) -> int:
        """An index whose due date is on or before ``day`` (or 0), close to it."""
        if day <= self.first:
            return 0
        if self.frequency in DAY_STEPS:
            return (day - self.first).days // DAY_STEPS[self.frequency]
        months = (day.year - self.first.year) * 12 + day.month - self.first.month
        return max(0, months // MONTH_STEPS[self.frequency] - 1)

    def between(self, start: date, end: date) -> Iterator[date]:
        """Every due date from ``start`` to ``end``, both inclusive, in order."""
        end = min(end, self.last) if self.last is not None else end
        n = self._first_index_near(start)
        while True:
            due = self.nth(n)
            if due > end:
                return
            if due >= start:
                yield due
            n += 1


def schedule(
    frequency: str,
    *,
    start_date: date | None,
    due_day: int | None,
    end_date: date | None,
    recorded_on: date,
) -> Schedule:
    """A bill's schedule, with the rule for a bill that has no start date (see above)."""
    if start_date is not None:
        first = start_date
    elif frequency in DAY_STEPS:
        first = recorded_on
    else:
        first = clamped(recorded_on.year, recorded_on.month, due_day or recorded_on.day)
    return Schedule(frequency, first, due_day, end_date)


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def monthly_equivalent(amount: Decimal, frequency: str) -> Decimal:
    """What the bill costs in an average month, rounded half up to the cent."""
    numerator, denominator = _PER_MONTH[frequency]
    return to_cents(amount * numerator / denominator)
