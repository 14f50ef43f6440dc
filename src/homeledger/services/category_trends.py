"""The categories dashboard: per expense category (and the uncategorised rows) the spending
of each budgeting month in a range, its average, its lowest and highest month and its share
of the range's spending.

Built on ``analytics_reports.spending_by_category`` (one grouped query), so every figure
follows the income/spending rule of ``services/analytics.py`` and is what the transaction
list totals under the same ``TransactionFilter`` with ``flow="spending"``.

**Shares.** A category's share is its spending over the range's spending (every shown
category's added up), in percent to one decimal. A category whose refunds outweigh its
purchases has negative spending: it lowers the range's spending and has a negative share,
so the shares of the shown categories add up to 100 % (apart from rounding). When the
range's spending is not above zero there are no shares (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from homeledger.models import Category
from homeledger.services.analytics import ZERO
from homeledger.services.analytics_reports import Month, months_between, spending_by_category
from homeledger.services.budget_figures import UNCATEGORISED, check_owner
from homeledger.services.errors import NotFound
from homeledger.services.filters import TransactionFilter
from homeledger.services.lookup import fetch
from homeledger.services.periods import Period

CENT, TENTH = Decimal("0.01"), Decimal("0.1")


@dataclass(frozen=True)
class CategoryTrend:
    """One category's spending month by month over the range (``None``: uncategorised)."""

    category_id: int | None
    category: str
    by_month: list[Decimal]
    share: Decimal | None  # percent of the range's spending, one decimal

    @property
    def total(self) -> Decimal:
        return sum(self.by_month, ZERO)

    @property
    def average(self) -> Decimal:
        """Spending per month over every month of the range (quiet months count), to the cent."""
        return (self.total / len(self.by_month)).quantize(CENT, ROUND_HALF_UP)

    @property
    def lowest(self) -> int:
        """Index of the month with the least spending (the earliest of equal ones)."""
        return min(range(len(self.by_month)), key=lambda i: (self.by_month[i], i))

    @property
    def highest(self) -> int:
        """Index of the month with the most spending (the earliest of equal ones)."""
        return min(range(len(self.by_month)), key=lambda i: (-self.by_month[i], i))


@dataclass(frozen=True)
class Trends:
    periods: list[Period]
    criteria: TransactionFilter
    categories: list[CategoryTrend]  # largest total first

    @property
    def total(self) -> Decimal:
        """The range's spending: every shown category's total added up."""
        return sum((c.total for c in self.categories), ZERO)

    @property
    def average(self) -> Decimal:
        """The range's spending per month, to the cent."""
        return (self.total / len(self.periods)).quantize(CENT, ROUND_HALF_UP)

    def month_totals(self) -> list[Decimal]:
        return [
            sum((c.by_month[i] for c in self.categories), ZERO) for i in range(len(self.periods))
        ]

    def top(self, count: int) -> list[CategoryTrend]:
        return self.categories[:count]


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(TENTH, ROUND_HALF_UP)


def trends(session: Session, criteria: TransactionFilter, first: Month, last: Month) -> Trends:
    """Every expense category (and uncategorised) that spent or got refunds from ``first``
    to ``last`` (budgeting months, both included) under ``criteria``, largest total first.
    ValidationError naming ``from``, ``to`` or ``owner_id`` for a bad range or owner."""
    periods = months_between(session, first, last)
    check_owner(session, criteria.owner_id)
    groups = spending_by_category(session, criteria, periods)
    whole = sum((g.total for g in groups), ZERO)
    return Trends(
        periods=periods,
        criteria=criteria,
        categories=[
            CategoryTrend(g.category_id, g.category, list(g.by_month), _share(g.total, whole))
            for g in groups
        ],
    )


@dataclass(frozen=True)
class CategoryPage:
    """One category over the range, beside the range's spending."""

    kind: str | None  # the category's type; None for the uncategorised rows
    trend: CategoryTrend
    trends: Trends

    @property
    def spends(self) -> bool:
        """Whether the category's rows can be spending (expense or uncategorised)."""
        return self.kind in (None, "expense")

    @property
    def criteria(self) -> TransactionFilter:
        """The range's filter narrowed to this category, for links to its rows."""
        return of_category(self.trends.criteria, self.trend.category_id)


def of_category(criteria: TransactionFilter, category_id: int | None) -> TransactionFilter:
    """``criteria`` narrowed to one category (``None``: the uncategorised rows)."""
    if category_id is None:
        return replace(criteria, category_ids=(), uncategorised=True)
    return replace(criteria, category_ids=(category_id,), uncategorised=False)


def category_page(
    session: Session,
    criteria: TransactionFilter,
    category_id: int | None,
    first: Month,
    last: Month,
) -> CategoryPage:
    """One category (``None``: uncategorised) month by month, with its share of the
    range's spending. NotFound when the ledger has no such category."""
    category = None
    if category_id is not None:
        category = fetch(session, Category, category_id)
        if category is None:
            raise NotFound(f"no category {category_id}")
    found = trends(session, criteria, first, last)
    trend = next((c for c in found.categories if c.category_id == category_id), None)
    if trend is None:
        name = category.name if category is not None else UNCATEGORISED
        share = ZERO if found.total > 0 else None
        trend = CategoryTrend(category_id, name, [ZERO] * len(found.periods), share)
    return CategoryPage(category.type if category is not None else None, trend, found)
