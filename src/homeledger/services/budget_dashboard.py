"""The budget dashboard: a month's budgets against what was spent, by category.

Built on ``budgets.month_report`` (the budgets page's own figures), so its totals are the
budgets page's: ``budgeted``, ``spent`` and what is left agree to the cent. Per
category:

* **budgeted** follows the totals' rule (``budget_figures.budgeted_total``): the household
  budget, or where a category has none, its owners' budgets added up (with an owner
  filter: the household budget, else that owner's);
* **spent** is all the category's spending in the month (in the owner filter's scope),
  by ``budget_figures.spent_of``: in an expense category money out minus refunds, which
  is exactly the analytics rule, so the transaction list of the category's rows
  (``flow="spending"``) totals the same spending.

A category budgeted only per owner counts everyone's spending in it here; the budgets page
shows each owner's line and the rest as unbudgeted. The totals are the same either way.

**Where budgets count differently from the analytics rule**: money going out of an *income*
category (a salary paid back, say) is spent to budgets, but lower income to analytics and
the transaction list. The dashboard keeps it apart (``income_outflow``, per category
``counts_out_only``), so the page can say so and link to exactly those rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import Category
from homeledger.services import budgets
from homeledger.services.budget_figures import (
    ZERO,
    CategoryNames,
    MonthReport,
    budgeted_total,
    percent_used,
)


@dataclass(frozen=True)
class CategoryBudget:
    category_id: int | None  # None: the uncategorised rows
    category: str
    kind: str | None  # the category's type; None for uncategorised
    budgeted: Decimal | None  # None: no budget this month
    spent: Decimal
    owners: tuple[str, ...] = ()  # whose budgets add up to ``budgeted`` (per-owner budgets)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budgeted is None else self.budgeted - self.spent

    @property
    def over(self) -> bool:
        return self.budgeted is not None and self.spent > self.budgeted

    @property
    def percent(self) -> Decimal | None:
        """Spent as a percentage of the budget, one decimal; None without a budget above 0."""
        return percent_used(self.spent, self.budgeted)

    @property
    def counts_out_only(self) -> bool:
        """Money out of an income category: budgets count it as spent, the transaction list
        as lower income."""
        return self.kind == "income"


def _order(line: CategoryBudget):
    """Over budget first, then by how much of the budget is used (a budget of 0 with spending
    counts as the most used), then by name."""
    if line.percent is not None:
        used = line.percent
    else:
        used = Decimal("Infinity") if line.spent > 0 else Decimal("-1")
    return (not line.over, -used, line.category.casefold())


@dataclass(frozen=True)
class Dashboard:
    report: MonthReport  # the budgets page's figures: budgeted, spent, remaining
    lines: list[CategoryBudget]  # categories with a budget, over budget first
    unbudgeted: list[CategoryBudget]  # spending in categories without one, biggest first

    @property
    def over(self) -> int:
        return sum(1 for line in self.lines if line.over)

    @property
    def income_outflow(self) -> Decimal:
        """The part of ``report.spent`` that is money out of income categories."""
        return sum(
            (line.spent for line in [*self.lines, *self.unbudgeted] if line.counts_out_only), ZERO
        )

    @property
    def spending(self) -> Decimal:
        """``report.spent`` by the analytics rule: what the month's list of spending totals."""
        return self.report.spent - self.income_outflow


def month_dashboard(
    session: Session, year: int, month: int, owner_id: int | None = None
) -> Dashboard:
    """The month's budgets against spending by category. ValidationError naming ``month`` or
    ``owner_id`` for a bad month or owner."""
    report = budgets.month_report(session, year, month, owner_id)
    spending: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for (category_id, _owner), spent in report.spending.items():
        spending[category_id] += spent
    categories = session.execute(select(Category.id, Category.name, Category.type)).all()
    kinds = {category_id: kind for category_id, _, kind in categories}
    names = CategoryNames((category_id, name) for category_id, name, _ in categories)

    by_category: dict[int, list] = defaultdict(list)
    for line in report.lines:
        by_category[line.category_id].append(line)
    lines = []
    for category_id, budget_lines in by_category.items():
        household = any(line.owner_id is None for line in budget_lines)
        lines.append(
            CategoryBudget(
                category_id=category_id,
                category=names[category_id],
                kind=kinds.get(category_id),
                budgeted=budgeted_total(
                    (line.category_id, line.owner_id, line.budgeted) for line in budget_lines
                ),
                spent=spending.get(category_id, ZERO),
                owners=() if household else tuple(line.owner for line in budget_lines),
            )
        )
    lines.sort(key=_order)
    unbudgeted = [
        CategoryBudget(category_id, names[category_id], kinds.get(category_id), None, spent)
        for category_id, spent in spending.items()
        if category_id not in by_category and spent != ZERO
    ]
    unbudgeted.sort(key=lambda u: (-u.spent, u.category_id is None, u.category.casefold()))
    return Dashboard(report=report, lines=lines, unbudgeted=unbudgeted)
