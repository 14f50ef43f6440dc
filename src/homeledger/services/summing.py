"""SQL pieces every summary shares: which budgeting month a row falls in, and zero as cents.

Summaries read the transactions' date index alone (it holds the category, owner and
amount after its key; see README "Which index serves which page"), so what is left of
their cost is the work done per row: these keep it small.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Date, Integer, case, func, literal
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from homeledger.models import Transaction
from homeledger.models.types import Money
from homeledger.services.periods import Period

# Zero as cents, for the rows a sum leaves out: a plain 0.00 would make PostgreSQL add
# every row as numeric instead of bigint (and SQLite as a float).
NOTHING = literal(Decimal("0.00"), Money)


def month_index(periods: list[Period], first: int = 0):
    """SQL: which of ``periods`` a row's date falls in (0 for the first), for rows within
    them: a binary search of CASEs, so a row meets 7 comparisons in 120 months, not 120."""
    if len(periods) == 1:
        return literal(first, Integer)
    middle = len(periods) // 2
    return case(
        (Transaction.date < periods[middle].start, month_index(periods[:middle], first)),
        else_=month_index(periods[middle:], first + middle),
    )


def month_number(session: Session, periods: list[Period]):
    """SQL: the index in ``periods`` (consecutive months) of a row's month, for rows within
    them. PostgreSQL's ``width_bucket`` finds it among the months' start dates (a binary
    search in C): the CASEs of ``month_index`` cost it more than reading the rows did
    (60 ms of 100 at 100,000 rows); SQLite evaluates them cheaply."""
    if session.get_bind().dialect.name != "postgresql":
        return month_index(periods)
    starts = postgresql.array([literal(period.start, Date) for period in periods])
    return func.width_bucket(Transaction.date, starts, type_=Integer) - 1
