"""Income, spending and net for a ledger, aggregated in SQL (exact: integer cents)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Owner, Transaction
from homeledger.services.periods import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PeriodSummary:
    period: Period
    income: Decimal
    spending: Decimal  # a positive number: money that left the household
    transaction_count: int

    @property
    def net(self) -> Decimal:
        return self.income - self.spending

    @property
    def savings_rate(self) -> Decimal | None:
        """Share of income kept, in percent; None when there was no income."""
        if self.income <= 0:
            return None
        return (self.net * 100 / self.income).quantize(Decimal("0.1"))


def _not_transfer():
    """Transfers between the household's own accounts are neither income nor spending."""
    transfer_ids = select(Category.id).where(Category.type == "transfer")
    return Transaction.category_id.is_(None) | Transaction.category_id.not_in(transfer_ids)


def period_summary(session: Session, period: Period) -> PeriodSummary:
    """Income, spending and count of the acting ledger's transactions in one period."""
    income = func.sum(case((Transaction.amount > 0, Transaction.amount)))
    outgoing = func.sum(case((Transaction.amount < 0, Transaction.amount)))
    row = session.execute(
        select(income, outgoing, func.count(Transaction.id)).where(
            Transaction.date >= period.start, Transaction.date < period.end, _not_transfer()
        )
    ).one()
    return PeriodSummary(
        period=period,
        income=row[0] or ZERO,
        spending=-(row[1] or ZERO),
        transaction_count=row[2],
    )


def trend(session: Session, latest: Period, months: int, start_day: int) -> list[PeriodSummary]:
    """Summaries of the ``months`` periods ending with ``latest``, oldest first."""
    periods = [latest.shifted(-offset, start_day) for offset in range(months - 1, -1, -1)]
    return [period_summary(session, p) for p in periods]


@dataclass(frozen=True)
class RecentTransaction:
    id: int
    date: object
    description: str
    amount: Decimal
    category: str | None
    owner: str | None


def recent_transactions(session: Session, limit: int = 10) -> list[RecentTransaction]:
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
        .order_by(Transaction.date.desc(), Transaction.id.desc())
        .limit(limit)
    )
    return [RecentTransaction(*row) for row in rows]


def spending_by_category(
    session: Session, period: Period, limit: int = 8
) -> list[tuple[str, Decimal]]:
    """The period's biggest spending categories, largest first (positive amounts)."""
    total = func.sum(Transaction.amount)
    name = func.coalesce(Category.name, "Uncategorised")
    rows = session.execute(
        select(name, total)
        .outerjoin(Category, Category.id == Transaction.category_id)
        .where(
            Transaction.date >= period.start,
            Transaction.date < period.end,
            Transaction.amount < 0,
            _not_transfer(),
        )
        .group_by(name)
        .order_by(total)
        .limit(limit)
    )
    return [(label, -amount) for label, amount in rows]
