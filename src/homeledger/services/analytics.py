"""Income, spending and net for a ledger, aggregated in SQL (exact: integer cents).

**The rule** — one place, reused by every aggregate (the overview, the analytics API):

* transfers (categories of type ``transfer``) are neither income nor spending;
* ``income`` is the sum of the amounts in income categories (net: a reversal lowers it)
  plus the positive uncategorised amounts;
* ``spending`` is minus the sum of the amounts in expense categories (net: a refund
  lowers it) plus minus the negative uncategorised amounts.

So ``net = income - spending`` is the sum of every amount that is not a transfer, and
one expense category's spending is minus the sum of its rows: what the transaction list
shows as the net of that category, negated. A category holding only refunds has negative
spending. (Budgets' ``spent_of`` and the list's ``transactions.totals`` keep their own,
documented notions.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Owner, Transaction
from homeledger.services.filters import LATEST, TransactionFilter
from homeledger.services.periods import Period
from homeledger.services.summing import NOTHING

ZERO = Decimal("0.00")


def income_sum(amount=Transaction.amount, kind=Category.type, category_id=Transaction.category_id):
    """SQL: the income of a group of rows (``kind`` is the row's category type, from an
    outer join of Category), by the rule above. Zero for a group with none."""
    uncategorised_in = and_(category_id.is_(None), amount > 0)
    return func.coalesce(
        func.sum(case((kind == "income", amount), (uncategorised_in, amount), else_=NOTHING)), ZERO
    )


def spending_sum(
    amount=Transaction.amount, kind=Category.type, category_id=Transaction.category_id
):
    """SQL: the spending of a group of rows by the rule above, a positive amount when money
    left the household; negative when refunds outweigh purchases (a refunds-only category)."""
    uncategorised_out = and_(category_id.is_(None), amount < 0)
    return func.coalesce(
        func.sum(case((kind == "expense", -amount), (uncategorised_out, -amount), else_=NOTHING)),
        ZERO,
    )


def counted(kind=Category.type, category_id=Transaction.category_id):
    """SQL condition: the row is income or spending (not a transfer)."""
    return or_(category_id.is_(None), kind != "transfer")


@dataclass(frozen=True)
class Figures:
    """Income and spending of a group of rows, by the rule."""

    income: Decimal = ZERO
    spending: Decimal = ZERO  # positive: money that left the household

    @property
    def net(self) -> Decimal:
        return self.income - self.spending

    @property
    def savings_rate(self) -> Decimal | None:
        """Share of income kept, in percent, one decimal; None when income is not positive."""
        if self.income <= 0:
            return None
        return (self.net * 100 / self.income).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodSummary(Figures):
    period: Period | None = None
    transaction_count: int = 0


def _within(session: Session, criteria: TransactionFilter | None, first: date, last: date):
    """The filter's conditions over the days ``first`` to ``last`` (inclusive); the last
    day kept within what a filter accepts (a December 2199 that ends in 2200)."""
    span = replace(
        criteria or TransactionFilter(), month=None, date_from=first, date_to=min(last, LATEST)
    )
    return span.in_ledger(session).conditions()


def figures_between(
    session: Session, criteria: TransactionFilter | None, first: date, last: date
) -> PeriodSummary:
    """Income, spending (by the rule) and count of the non-transfer rows from ``first`` to
    ``last`` (inclusive) under ``criteria`` (its own dates and month are replaced): what the
    transaction list shows for those days under the same filter."""
    row = session.execute(
        select(income_sum(), spending_sum(), func.count(Transaction.id))
        .outerjoin(Category, Category.id == Transaction.category_id)
        .where(*_within(session, criteria, first, last), counted())
    ).one()
    return PeriodSummary(income=row[0], spending=row[1], transaction_count=row[2])


def figures_in_spans(
    session: Session, criteria: TransactionFilter | None, spans: list[tuple[date, date]]
) -> list[PeriodSummary]:
    """``figures_between`` of each (first, last) of ``spans`` (apart, in date order), in
    one statement: one index range scan from the first day to the last."""
    clamped = [(first, min(last, LATEST)) for first, last in spans]
    index = case(
        *((Transaction.date.between(first, last), i) for i, (first, last) in enumerate(clamped)),
        else_=None,
    )
    rows = session.execute(
        select(index, income_sum(), spending_sum(), func.count(Transaction.id))
        .outerjoin(Category, Category.id == Transaction.category_id)
        .where(
            *_within(session, criteria, clamped[0][0], clamped[-1][1]),
            counted(),
            index.is_not(None),
        )
        .group_by(index)
    )
    found = {i: PeriodSummary(income=a, spending=b, transaction_count=n) for i, a, b, n in rows}
    return [found.get(i, PeriodSummary()) for i in range(len(spans))]


def period_summary(
    session: Session, period: Period, criteria: TransactionFilter | None = None
) -> PeriodSummary:
    """Income, spending (by the rule) and count of the acting ledger's non-transfer
    transactions in one period (under ``criteria``, e.g. one owner's)."""
    found = figures_between(session, criteria, period.start, period.last_day)
    return replace(found, period=period)


def trend(session: Session, latest: Period, months: int, start_day: int) -> list[PeriodSummary]:
    """Summaries of the ``months`` periods ending with ``latest``, oldest first."""
    periods = [latest.shifted(-offset, start_day) for offset in range(months - 1, -1, -1)]
    return [period_summary(session, p) for p in periods]


def has_transactions(session: Session) -> bool:
    """Whether the ledger holds any transaction at all (a new one says how to start)."""
    return session.scalar(select(Transaction.id).limit(1)) is not None


@dataclass(frozen=True)
class RecentTransaction:
    id: int
    date: object
    description: str
    amount: Decimal
    category: str | None
    owner: str | None


def recent_transactions(
    session: Session, limit: int = 10, criteria: TransactionFilter | None = None
) -> list[RecentTransaction]:
    """The latest ``limit`` rows (under ``criteria``: a month, an owner), newest first."""
    conditions = (criteria or TransactionFilter()).in_ledger(session).conditions()
    rows = session.execute(
        select(
            Transaction.id,
            Transaction.date,
            Transaction.description,
            Transaction.amount,
            Category.name,
            Owner.name,
        )
        .outerjoin(Category, Category.id == Transaction.category_id)
        .outerjoin(Owner, Owner.id == Transaction.owner_id)
        .where(*conditions)
        .order_by(Transaction.date.desc(), Transaction.id.desc())
        .limit(limit)
    )
    return [RecentTransaction(*row) for row in rows]


EVERYTHING_ELSE = "Everything else"
UNCATEGORISED = "Uncategorised"


@dataclass(frozen=True)
class Share:
    """One line of where the money went: a category (``category_id`` None and not ``rest``:
    the uncategorised rows), or the rest of the spending (``rest``)."""

    category_id: int | None
    category: str
    amount: Decimal
    rest: bool = False


def _category_spending(
    session: Session, criteria: TransactionFilter | None, period: Period
) -> list[Share]:
    """The period's spending per category by the rule (expense categories and
    uncategorised), largest first; every category that spent or got refunds."""
    spending = spending_sum()
    rows = session.execute(
        select(Transaction.category_id, Category.name, spending)
        .outerjoin(Category, Category.id == Transaction.category_id)
        .where(
            *_within(session, criteria, period.start, period.last_day),
            or_(Transaction.category_id.is_(None), Category.type == "expense"),
        )
        .group_by(Transaction.category_id, Category.name)
        .having(spending != 0)
        .order_by(spending.desc(), func.coalesce(Category.name, UNCATEGORISED))
    )
    return [Share(category_id, name or UNCATEGORISED, amount) for category_id, name, amount in rows]


def spending_by_category(
    session: Session, period: Period, limit: int = 8
) -> list[tuple[str, Decimal]]:
    """The period's biggest spending categories by the rule (expense categories and
    uncategorised), largest first; only those with spending above zero."""
    found = _category_spending(session, None, period)
    return [(s.category, s.amount) for s in found if s.amount > 0][:limit]


def where_it_went(
    session: Session,
    criteria: TransactionFilter | None,
    period: Period,
    spending: Decimal,
    limit: int = 8,
) -> list[Share]:
    """The period's spending categories under ``criteria`` (an owner's, say), biggest
    first, each a line of its own, refunds-only ones too; beyond ``limit`` of them, the
    biggest ``limit`` and an "Everything else" line with the rest (never a single
    category: that one is named), so the lines add up to the period's ``spending``."""
    found = _category_spending(session, criteria, period)
    if len(found) <= limit + 1:
        return found
    top = found[:limit]
    rest = spending - sum((share.amount for share in top), ZERO)
    return [*top, Share(None, EVERYTHING_ELSE, rest, rest=True)]
