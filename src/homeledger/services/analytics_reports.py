"""The analytics reports behind the API: a month's summary, the income statement, spending
by category, by owner, top payees and a comparison of two months.

Every figure follows the rule in ``services/analytics.py`` (transfers left out; refunds
lower spending, reversals lower income). Months are the ledger's budgeting months; rows
are grouped into them in SQL: on PostgreSQL by ``width_bucket`` over the months' start
dates, elsewhere by nested ``CASE``s over them, under ``WHERE date BETWEEN`` the first
start and the last day. The date index holds every column a summary adds up, so the rows
are read from the index alone. The amounts are summed per month, category and direction
(money in or out) first, and the categories joined to those few sums, not to every row
(see ``_sums``). Filters are the transaction list's own ``TransactionFilter``: what a
report shows for a category and month is what the list shows under that filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Owner, Transaction
from homeledger.services import settings
from homeledger.services.analytics import ZERO, Figures, counted, income_sum, spending_sum
from homeledger.services.budget_figures import UNCATEGORISED, check_month
from homeledger.services.errors import ValidationError
from homeledger.services.filters import LATEST, TransactionFilter, payee_key
from homeledger.services.periods import Period, add_months, month_text
from homeledger.services.summing import month_number
from homeledger.services.text import collapse

MAX_MONTHS = 120
NO_OWNER = "No owner"
COMPARE_WITH = ("previous", "last_year")
Month = tuple[int, int]


def months_between(session: Session, first: Month, last: Month) -> list[Period]:
    """The ledger's budgeting months from ``first`` to ``last``, both included (at most 120)."""
    check_month(*first, field="from")
    check_month(*last, field="to")
    count = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if count < 1:
        raise ValidationError({"from": "must not be after to", "to": "must not be before from"})
    if count > MAX_MONTHS:
        problem = f"a range is at most {MAX_MONTHS} months"
        raise ValidationError({"from": problem, "to": problem})
    ledger = settings.read(session)
    return [ledger.budget_month(*add_months(*first, offset)) for offset in range(count)]


def current_month(session: Session, today) -> Month:
    period = settings.read(session).month_containing(today)
    return period.year, period.month


def _conditions(session: Session, criteria: TransactionFilter, periods: list[Period]) -> list:
    """The filter's conditions, over the dates of ``periods`` (first start to last day)."""
    last = min(periods[-1].last_day, LATEST)  # a December 2199 that ends in 2200
    within = replace(criteria, month=None, date_from=periods[0].start, date_to=last)
    return within.in_ledger(session).conditions()


def _sums(session: Session, criteria: TransactionFilter, periods, *keys, by_month=True):
    """Subquery: the filter's rows over ``periods`` summed (``total``) per month (``number``,
    with ``by_month``), category, ``keys`` (transaction columns) and direction
    (``incoming``: the amount is above zero). Every group's amounts share their sign, so
    the income/spending rule, applied to the sums, gives what it gives applied row by row;
    and the categories are joined to a few hundred sums instead of to every row."""
    incoming = (Transaction.amount > 0).label("incoming")
    groups = [Transaction.category_id, *keys, incoming]
    if by_month:
        groups.append(month_number(session, periods).label("number"))
    query = select(*groups, func.sum(Transaction.amount).label("total"))
    query = query.where(*_conditions(session, criteria, periods))
    return query.group_by(*groups).subquery("sums")


def _figures(sums, *keys):
    """The income and spending by the rule of ``sums`` (from ``_sums``), with the
    categories joined to them: a select of (*keys, income, spending), grouped by ``keys``."""
    rule = {"amount": sums.c.total, "category_id": sums.c.category_id}
    return (
        select(*keys, income_sum(**rule), spending_sum(**rule))
        .select_from(sums)
        .outerjoin(Category, Category.id == sums.c.category_id)
        .where(counted(category_id=sums.c.category_id))
        .group_by(*keys)
    )


def _grouped(session: Session, criteria: TransactionFilter, periods):
    """Rows of (month index, income, spending) for the filter over ``periods``."""
    sums = _sums(session, criteria, periods)
    return session.execute(_figures(sums, sums.c.number)).all()


def figures_by_month(
    session: Session, criteria: TransactionFilter, periods: list[Period]
) -> list[Figures]:
    """Income and spending of each of ``periods`` (zeros where nothing happened)."""
    found = {row[0]: Figures(row[1], row[2]) for row in _grouped(session, criteria, periods)}
    return [found.get(i, Figures()) for i in range(len(periods))]


def month_figures(session: Session, criteria: TransactionFilter, month: Month) -> Figures:
    check_month(*month)
    return figures_by_month(session, criteria, months_between(session, month, month))[0]


def total(figures: list[Figures]) -> Figures:
    return Figures(sum((f.income for f in figures), ZERO), sum((f.spending for f in figures), ZERO))


@dataclass
class CategorySpending:
    category_id: int | None
    category: str
    by_month: list[Decimal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.by_month, ZERO)


def _spending_rows(session: Session, criteria: TransactionFilter, periods: list[Period]):
    """(month index, category id, name, spending) of expense categories and uncategorised."""
    sums = _sums(session, criteria, periods)
    spends = or_(sums.c.category_id.is_(None), Category.type == "expense")
    query = _figures(sums, sums.c.number, sums.c.category_id, Category.name).where(spends)
    return [
        (index, cid, name, spent) for index, cid, name, _income, spent in session.execute(query)
    ]


def spending_by_category(
    session: Session, criteria: TransactionFilter, periods: list[Period]
) -> list[CategorySpending]:
    """Spending per expense category (and uncategorised) and month, largest total first;
    only groups that spent (or got refunds) in the range. Their totals add up to the
    range's spending exactly."""
    groups: dict[int | None, CategorySpending] = {}
    for index, category_id, name, spent in _spending_rows(session, criteria, periods):
        group = groups.get(category_id)
        if group is None:
            group = groups[category_id] = CategorySpending(
                category_id, name or UNCATEGORISED, [ZERO] * len(periods)
            )
        group.by_month[index] += spent
    kept = [g for g in groups.values() if any(g.by_month)]
    return sorted(kept, key=lambda g: (-g.total, g.category.casefold(), g.category_id or 0))


@dataclass(frozen=True)
class OwnerFigures:
    owner_id: int | None
    owner: str
    figures: Figures


def by_owner(
    session: Session, criteria: TransactionFilter, periods: list[Period]
) -> list[OwnerFigures]:
    """Income and spending per owner over ``periods`` (rows without one: "No owner"),
    by owner name, no owner last."""
    sums = _sums(session, criteria, periods, Transaction.owner_id, by_month=False)
    query = _figures(sums, sums.c.owner_id, Owner.name).outerjoin(
        Owner, Owner.id == sums.c.owner_id
    )
    owners = [
        OwnerFigures(owner_id, name or NO_OWNER, Figures(income, spending))
        for owner_id, name, income, spending in session.execute(query)
    ]
    return sorted(owners, key=lambda o: (o.owner_id is None, o.owner.casefold(), o.owner_id or 0))


@dataclass(frozen=True)
class Payee:
    payee: str
    spending: Decimal
    count: int


def top_payees(
    session: Session, criteria: TransactionFilter, periods: list[Period], limit: int = 10
) -> list[Payee]:
    """Who got the money: spending (by the rule) per description, whitespace collapsed and
    case ignored (shown in its most used spelling), largest first, only above zero. The
    filter's ``payee`` (the same grouping) lists one payee's rows."""
    if not 1 <= limit <= 100:
        raise ValidationError({"limit": "must be between 1 and 100"})
    query = (
        select(Transaction.description, spending_sum(), func.count(Transaction.id))
        .outerjoin(Category, Category.id == Transaction.category_id)
        # The rows the list's flow=spending shows, so a payee's count is the list's too.
        .where(*_conditions(session, replace(criteria, flow="spending"), periods))
        .group_by(Transaction.description)
    )
    merged: dict[str, list] = {}  # key -> [spending, count, {spelling: count}]
    for description, spent, count in session.execute(query):
        spelling = collapse(description or "")
        entry = merged.setdefault(payee_key(description), [ZERO, 0, {}])
        entry[0] += spent
        entry[1] += count
        entry[2][spelling] = entry[2].get(spelling, 0) + count
    payees = [
        Payee(min(spellings, key=lambda s: (-spellings[s], s)), spent, count)
        for spent, count, spellings in merged.values()
        if spent > 0
    ]
    payees.sort(key=lambda p: (-p.spending, p.payee.casefold()))
    return payees[:limit]


@dataclass(frozen=True)
class CategoryChange:
    category_id: int | None
    category: str
    current: Decimal
    other: Decimal

    @property
    def change(self) -> Decimal:
        return self.current - self.other


@dataclass(frozen=True)
class Comparison:
    month: Period
    other_month: Period
    current: Figures
    other: Figures
    categories: list[CategoryChange]


def compare(
    session: Session, criteria: TransactionFilter, month: Month, with_: str = "previous"
) -> Comparison:
    """A month against the one before (``previous``) or the same month a year earlier
    (``last_year``): the figures, and the spending of every category that spent in either,
    biggest change first."""
    if with_ not in COMPARE_WITH:
        raise ValidationError({"with": f"must be one of {', '.join(COMPARE_WITH)}"})
    check_month(*month)
    other = add_months(*month, -1 if with_ == "previous" else -12)
    check_month(*other, field="with")
    ledger = settings.read(session)
    this, that = ledger.budget_month(*month), ledger.budget_month(*other)
    current, earlier = _one_month(session, criteria, this), _one_month(session, criteria, that)
    names = {g.category_id: g.category for g in [*current[1].values(), *earlier[1].values()]}
    changes = [
        CategoryChange(
            category_id,
            name,
            current[1][category_id].total if category_id in current[1] else ZERO,
            earlier[1][category_id].total if category_id in earlier[1] else ZERO,
        )
        for category_id, name in names.items()
    ]
    changes.sort(key=lambda c: (-abs(c.change), c.category.casefold(), c.category_id or 0))
    return Comparison(this, that, current[0], earlier[0], changes)


def _one_month(session: Session, criteria: TransactionFilter, period: Period):
    """A month's figures and its spending per category (by id), two index range scans."""
    figures = figures_by_month(session, criteria, [period])[0]
    return figures, {g.category_id: g for g in spending_by_category(session, criteria, [period])}


def label(period: Period) -> str:
    return month_text(period.year, period.month)
