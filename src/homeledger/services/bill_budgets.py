"""Budgets that cover the bills: what each category's bills come to in a budgeting month,
and raising each category's budget to at least that ("sync budgets from bills")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import Budget, Category
from homeledger.services import budgets, commitments, settings
from homeledger.services.budget_figures import ZERO, budgeted_total, check_month
from homeledger.services.commitments import Occurrence
from homeledger.services.periods import Period


def due_in(session: Session, period: Period) -> list[Occurrence]:
    """Every bill occurrence falling due in ``period`` (a quarterly or yearly bill only in
    the month it is due)."""
    last = period.last_day
    return commitments.occurrences(
        commitments.bills_between(session, period.start, last), period.start, last
    )


def committed_by_category(occurrences: list[Occurrence]) -> dict[int, list[Occurrence]]:
    """The occurrences with a category, by category."""
    found: dict[int, list[Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        if occurrence.category_id is not None:
            found[occurrence.category_id].append(occurrence)
    return found


def total(occurrences: list[Occurrence]) -> Decimal:
    return sum((o.amount for o in occurrences), ZERO)


@dataclass(frozen=True)
class BudgetChange:
    category_id: int
    category: str
    before: Decimal | None  # None: there was no budget
    after: Decimal
    bills: list[Occurrence]


def household_budgets(session: Session, year: int, month: int) -> dict[int, Decimal]:
    """The month's whole-household budgets by category."""
    rows = session.execute(
        select(Budget.category_id, Budget.amount).where(
            Budget.year == year, Budget.month == month, Budget.owner_id.is_(None)
        )
    )
    return dict(rows.tuples().all())


def category_budgets(session: Session, year: int, month: int) -> dict[int, Decimal]:
    """What each category has budgeted in the month: its household budget, or where it
    has none, its owners' budgets added up (as the month's totals count them)."""
    rows = session.execute(
        select(Budget.category_id, Budget.owner_id, Budget.amount).where(
            Budget.year == year, Budget.month == month
        )
    ).tuples()
    by_category: dict[int, list] = defaultdict(list)
    for row in rows:
        by_category[row[0]].append(row)
    return {category: budgeted_total(found) for category, found in by_category.items()}


def sync_from_bills(
    session: Session, year: int, month: int, *, dry_run: bool = True
) -> list[BudgetChange]:
    """Raise each expense category's household budget for the month to at least the bills
    falling due in it; budgets already that high (a category's owners' budgets count
    together where it has no household budget) are left alone, so a second run
    changes nothing. ``dry_run`` says what would change and writes nothing.

    Bills without a category, or in an income or transfer category (which carry no
    budgets), are not counted.
    """
    check_month(year, month)
    period = settings.read(session).budget_month(year, month)
    by_category = committed_by_category(due_in(session, period))
    names = select(Category.id, Category.name).where(
        Category.type == "expense", Category.id.in_(list(by_category) or [0])
    )
    expense = dict(session.execute(names).tuples().all())
    current = category_budgets(session, year, month)
    changes = []
    for category_id, bills in by_category.items():
        if category_id not in expense:
            continue
        needed = total(bills)
        before = current.get(category_id)
        if before is None or before < needed:
            changes.append(BudgetChange(category_id, expense[category_id], before, needed, bills))
    changes.sort(key=lambda change: change.category.casefold())
    if not dry_run:
        for change in changes:
            budgets.set_budget(session, year, month, change.category_id, change.after)
    return changes
