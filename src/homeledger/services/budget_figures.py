"""The figures of budgets against actual: what counts as spent, the lines, the year view.

Spending is aggregated in SQL (exact: integer cents), grouped by category (and
owner, or budgeting month); the rule turning each group into "spent" is
:func:`spent_of`. ``services/budgets.py`` describes what the figures mean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from homeledger.models import Budget, Category, Owner, Transaction
from homeledger.services import settings
from homeledger.services.errors import ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.periods import Period, month_text
from homeledger.services.summing import NOTHING, month_number

ZERO = Decimal("0.00")
FIRST_YEAR, LAST_YEAR = 1900, 2199
UNCATEGORISED = "Uncategorised"


def check_month(year: object, month: object, field: str = "month") -> None:
    """Refuse a month outside 1900-01 … 2199-12, naming ``field``."""
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (year, month))
    if not (whole and FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise ValidationError({field: "choose a month between 1900-01 and 2199-12"})


def check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is not None and fetch(session, Owner, owner_id) is None:
        raise ValidationError({"owner_id": "is not one of your household's owners"})


def percent_used(spent: Decimal, budgeted: Decimal | None) -> Decimal | None:
    """Spent as a percentage of the budget, one decimal, half up; None without a budget
    above 0."""
    if not budgeted:
        return None
    return (spent * 100 / budgeted).quantize(Decimal("0.1"), ROUND_HALF_UP)


def spent_of(category_type: str | None, total: Decimal, outgoing: Decimal) -> Decimal:
    """What a group of rows spent, from its net ``total`` and its money out (``outgoing``).

    An expense category nets refunds against purchases; uncategorised rows and income
    categories count money out only (money in there is income); transfers never count.
    """
    if category_type == "transfer":
        return ZERO
    # Subtracted from 0.00, not negated: nothing spent is "0.00", never "-0.00".
    return ZERO - (total if category_type == "expense" else outgoing)


def budgeted_total(budgets: Iterable[tuple[int, int | None, Decimal]]) -> Decimal:
    """The money budgeted by (category_id, owner_id, amount) budgets: per category the
    household budget, or where there is none, the owners' budgets added up."""
    household: dict[int, Decimal] = {}
    owners: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for category_id, owner_id, amount in budgets:
        if owner_id is None:
            household[category_id] = amount
        else:
            owners[category_id] += amount
    return sum(household.values(), ZERO) + sum(
        (amount for category_id, amount in owners.items() if category_id not in household), ZERO
    )


class CategoryNames(dict):
    """Category id -> name; ``None`` is the uncategorised rows. Read after the figures,
    so every category they name exists (one merged away since reads as its id)."""

    def __missing__(self, category_id: int | None) -> str:
        return UNCATEGORISED if category_id is None else f"Category {category_id}"


def category_names(session: Session) -> CategoryNames:
    return CategoryNames(session.execute(select(Category.id, Category.name)).tuples().all())


def category_and_owner_names(session: Session) -> tuple[CategoryNames, dict[int | None, str]]:
    """``category_names``, and every owner's name by id, read in one statement."""
    both = union_all(
        select(literal("category"), Category.id, Category.name),
        select(literal("owner"), Owner.id, Owner.name),
    )
    categories, owners = CategoryNames(), {}
    for kind, row_id, name in session.execute(both):
        (categories if kind == "category" else owners)[row_id] = name
    return categories, owners


def spending_sums():
    """The category's type, the net total and the money out of a group of transactions."""
    return (
        Category.type,
        func.sum(Transaction.amount),
        func.sum(case((Transaction.amount < 0, Transaction.amount), else_=NOTHING)),
    )


def month_spending(
    session: Session, period: Period, owner_id: int | None = None
) -> dict[tuple[int | None, int | None], Decimal]:
    """Spent in ``period`` per (category_id, owner_id), one grouped query."""
    query = (
        select(Transaction.category_id, Transaction.owner_id, *spending_sums())
        .outerjoin(Category, Category.id == Transaction.category_id)
        .where(Transaction.date >= period.start, Transaction.date < period.end)
        .group_by(Transaction.category_id, Transaction.owner_id, Category.type)
    )
    if owner_id is not None:
        query = query.where(Transaction.owner_id == owner_id)
    return {
        (category, owner): spent_of(kind, total or ZERO, out or ZERO)
        for category, owner, kind, total, out in session.execute(query)
    }


@dataclass(frozen=True)
class BudgetLine:
    id: int
    category_id: int
    category: str
    owner_id: int | None
    owner: str | None
    budgeted: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budgeted - self.spent

    @property
    def percent(self) -> Decimal | None:
        """Spent as a percentage of the budget, to one decimal; None for a budget of 0."""
        return percent_used(self.spent, self.budgeted)

    @property
    def over(self) -> bool:
        return self.spent > self.budgeted


@dataclass(frozen=True)
class MonthReport:
    year: int
    month: int
    period: Period
    owner_id: int | None
    lines: list[BudgetLine]
    unbudgeted: dict[int | None, Decimal]  # category (None: uncategorised) -> spent
    unbudgeted_names: dict[int | None, str]
    budgeted: Decimal
    spent: Decimal  # all spending of the month in the owner filter's scope
    # (category, owner) -> spent, as month_spending read it: the dashboard reads it here
    spending: dict[tuple[int | None, int | None], Decimal] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def label(self) -> str:
        return month_text(self.year, self.month)

    @property
    def unbudgeted_spent(self) -> Decimal:
        return sum(self.unbudgeted.values(), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.budgeted - self.spent

    def unbudgeted_lines(self) -> list[tuple[int | None, str, Decimal]]:
        """(category_id, name, spent), biggest first, uncategorised named so."""
        return sorted(
            (
                (category, self.unbudgeted_names.get(category, UNCATEGORISED), spent)
                for category, spent in self.unbudgeted.items()
            ),
            key=lambda item: (-item[2], item[1]),
        )


@dataclass(frozen=True)
class YearRow:
    category_id: int | None  # None: uncategorised rows
    category: str
    budgeted: list[Decimal]  # twelve budgeting months, January first
    spent: list[Decimal]


@dataclass(frozen=True)
class YearReport:
    year: int
    owner_id: int | None
    periods: list[Period]
    rows: list[YearRow]

    def budgeted(self) -> list[Decimal]:
        return [sum((row.budgeted[i] for row in self.rows), ZERO) for i in range(12)]

    def spent(self) -> list[Decimal]:
        return [sum((row.spent[i] for row in self.rows), ZERO) for i in range(12)]


def year_report(session: Session, year: int, owner_id: int | None = None) -> YearReport:
    """Twelve budgeting months by categories, budgeted and spent, in three queries.

    The months are the ledger's budgeting months, so with a start day other than
    the 1st each is a date range across two calendar months: transactions are
    bucketed by a CASE over the twelve ranges, in the same grouped query. A row
    is every category with a budget or spending in the year; uncategorised
    spending is a row of its own. Budgeted follows the totals' rule (household
    budget, else the owners' budgets); with ``owner_id``, that owner's budgets and
    spending, beside the household's budgets.
    """
    check_month(year, 1, field="year")
    check_owner(session, owner_id)
    ledger = settings.read(session)
    periods = [ledger.budget_month(year, month) for month in range(1, 13)]

    budget_query = select(Budget.month, Budget.category_id, Budget.owner_id, Budget.amount).where(
        Budget.year == year
    )
    if owner_id is not None:
        budget_query = budget_query.where(Budget.owner_id.is_(None) | (Budget.owner_id == owner_id))
    by_month: dict[int, list] = defaultdict(list)
    for month, category_id, budget_owner, amount in session.execute(budget_query):
        by_month[month].append((category_id, budget_owner, amount))
    budgeted: dict[int | None, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for month, budgets in by_month.items():
        for category_id in {category for category, _, _ in budgets}:
            budgeted[category_id][month - 1] = budgeted_total(
                b for b in budgets if b[0] == category_id
            )

    # Summed per month and category from the date index alone, then the categories'
    # types joined to those sums (not to every row).
    bucket = month_number(session, periods).label("bucket")
    sums = (
        select(
            bucket,
            Transaction.category_id,
            func.sum(Transaction.amount).label("total"),
            func.sum(case((Transaction.amount < 0, Transaction.amount), else_=NOTHING)).label(
                "out"
            ),
        )
        .where(Transaction.date >= periods[0].start, Transaction.date < periods[-1].end)
        .group_by(bucket, Transaction.category_id)
    )
    if owner_id is not None:
        sums = sums.where(Transaction.owner_id == owner_id)
    sums = sums.subquery("sums")
    spending_query = (
        select(sums.c.bucket, sums.c.category_id, Category.type, sums.c.total, sums.c.out)
        .select_from(sums)
        .outerjoin(Category, Category.id == sums.c.category_id)
    )
    spent: dict[int | None, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for index, category_id, kind, total, out in session.execute(spending_query):
        spent[category_id][index] = spent_of(kind, total or ZERO, out or ZERO)
    names = category_names(session)

    shown = set(budgeted) | {c for c, months in spent.items() if any(months)}
    rows = [
        YearRow(c, names[c], budgeted.get(c, [ZERO] * 12), spent.get(c, [ZERO] * 12)) for c in shown
    ]
    rows.sort(key=lambda row: (row.category_id is None, row.category.casefold()))
    return YearReport(year=year, owner_id=owner_id, periods=periods, rows=rows)
