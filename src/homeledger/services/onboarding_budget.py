"""The wizard's last steps: a first budget, and the summary before finishing.

**Which month.** The first budget is for the month the overview opens at when the
wizard finishes: the budgeting month of the ledger's latest transaction (the month
imported), or, for an empty ledger, this budgeting month.

**What is offered.** Where the ledger has history, the recommender's suggestions
(``services/recommender.py``) with their reasons. Otherwise, once the person gives a
monthly income, a *starter split* of it: a fixed share per universal expense category
(``STARTER_SHARES``, 82 % in all, so 18 % stays unbudgeted for savings), rounded to
whole currency units. Categories the person renamed or added get nothing unless they
carry a seed's name. Either way the person adjusts every amount before saving.

**Saving.** Each line sets one budget of the month (``budgets.set_budget``); an amount
of 0 means no budget there, so a budget set on an earlier visit is removed. Every bad
line is named (``budgets.2.amount``) and nothing is kept of a refused save.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger.models import Budget, Category
from homeledger.services import budgets, onboarding, recommender, settings
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.budget_figures import ZERO, budgeted_total, check_month
from homeledger.services.categories import list_owners
from homeledger.services.errors import ValidationError
from homeledger.services.periods import Period

# The starter split: percent of the monthly income per universal expense category
# (the seed names of the initial migration). 82 % in all: 18 % is left for savings.
STARTER_SHARES: dict[str, Decimal] = {
    "Housing": Decimal(30),
    "Groceries": Decimal(12),
    "Transport": Decimal(10),
    "Utilities": Decimal(6),
    "Insurance": Decimal(5),
    "Shopping": Decimal(5),
    "Dining Out": Decimal(4),
    "Health": Decimal(4),
    "Entertainment": Decimal(4),
    "Subscriptions": Decimal(2),
}
UNBUDGETED_SHARE = Decimal(100) - sum(STARTER_SHARES.values())
WHOLE_UNIT = Decimal(1)

RECOMMENDER = "recommender"
STARTER = "starter"
NONE = "none"


@dataclass(frozen=True)
class Line:
    """An amount offered for one expense category, and why."""

    category_id: int
    category: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Proposal:
    period: Period
    source: str  # RECOMMENDER, STARTER or NONE
    monthly_income: Decimal | None
    lines: list[Line]
    categories: list[Category]  # the expense categories a budget may be set on


@dataclass(frozen=True)
class BudgetInput:
    category_id: int
    amount: Decimal
    owner_id: int | None = None


def budget_period(session: Session, today: date) -> Period:
    """The month of the first budget: the imported month (where the overview opens when
    the wizard finishes), or the budgeting month of ``today`` for an empty ledger."""
    return onboarding.landing_month(session) or settings.read(session).month_containing(today)


def check_income(value: object) -> Decimal:
    """A monthly income to split: an exact amount above 0; else the field named."""
    if problem := amount_problem(value):
        raise ValidationError({"monthly_income": problem})
    if value <= 0:
        raise ValidationError({"monthly_income": "must be more than 0"})
    return value


def suggestions(session: Session, period: Period) -> list[Line]:
    """The recommender's suggestions for ``period``, or none without history."""
    # The recommender's ``today`` is the first day of the month budgeted, not the clock's
    # day. Its history (``_history``) is the months before the budget month that have
    # ended by ``today`` and begin no earlier than the first transaction. With the first
    # day of the budget month every month before it counts as complete, so an imported
    # older month is budgeted from the months imported before it; the clock's day gives
    # the same when it is later, but would drop months it has not seen end (a file dated
    # ahead of the server's clock or of a test's pinned day). The month itself never counts.
    found = recommender.recommend(session, period.year, period.month, period.start)
    if found.history_months == 0:
        return []
    return [
        Line(s.category_id, s.category, s.amount, s.reason)
        for s in found.suggestions
        if s.amount > 0
    ]


def starter_split(session: Session, monthly_income: Decimal) -> list[Line]:
    """``monthly_income`` shared out by ``STARTER_SHARES`` over the ledger's active expense
    categories carrying a seed's name, each rounded to whole currency units."""
    income = check_income(monthly_income)
    shares = {name.casefold(): share for name, share in STARTER_SHARES.items()}
    lines = []
    for category in expense_categories(session):
        share = shares.get(category.name.casefold())
        if share is None:
            continue
        amount = (income * share / 100).quantize(WHOLE_UNIT, rounding=ROUND_HALF_UP)
        lines.append(
            Line(
                category.id,
                category.name,
                amount.quantize(CENT),
                f"{share} % of a monthly income of {income.quantize(CENT)}",
            )
        )
    lines.sort(key=lambda line: (-line.amount, line.category.casefold()))
    return lines


def expense_categories(session: Session) -> list[Category]:
    """The active expense categories, by name."""
    query = select(Category).where(Category.type == "expense", Category.is_active.is_(True))
    return sorted(session.scalars(query), key=lambda c: c.name.casefold())


def proposal(session: Session, today: date, monthly_income: Decimal | None = None) -> Proposal:
    """What the budget step offers: suggestions where history exists, else the starter
    split of ``monthly_income`` when given, else nothing yet (ask for the income)."""
    period = budget_period(session, today)
    categories = expense_categories(session)
    lines = suggestions(session, period)
    source = RECOMMENDER if lines else NONE
    if not lines and monthly_income is not None:
        lines, source = starter_split(session, monthly_income), STARTER
    elif monthly_income is not None:
        check_income(monthly_income)
    shown = {c.id for c in categories}
    extra = [line.category_id for line in lines if line.category_id not in shown]
    if extra:  # a switched-off category with a bill due gets a suggestion too
        categories += list(session.scalars(select(Category).where(Category.id.in_(extra))))
    return Proposal(period, source, monthly_income, lines, categories)


def saved_amounts(session: Session, period: Period) -> dict[int, Decimal]:
    """The household budgets ``period`` has now, by category (a revisited step shows them)."""
    rows = session.execute(
        select(Budget.category_id, Budget.amount).where(
            Budget.year == period.year, Budget.month == period.month, Budget.owner_id.is_(None)
        )
    )
    return {category_id: amount for category_id, amount in rows}


def save(session: Session, year: int, month: int, lines: Sequence[BudgetInput]) -> int:
    """Set the month's budgets from ``lines``; how many budgets the month has from them.

    An amount of 0 means no budget: one set before (an earlier visit of the step) goes.
    Every bad line is named as ``budgets.<index>.<field>``; flushes, never commits, and
    the caller rolls back on a refusal so nothing is kept.
    """
    check_month(year, month)
    problems: dict[str, str] = {}
    seen: dict[tuple[int, int | None], int] = {}
    kept = 0
    for index, line in enumerate(lines):
        key = (line.category_id, line.owner_id)
        if key in seen:
            problems[f"budgets.{index}.category_id"] = (
                f"appears twice (also line {seen[key]}); give each category one amount"
            )
            continue
        seen[key] = index
        try:
            budget_id = budgets.set_budget(
                session, year, month, line.category_id, line.amount, line.owner_id
            )
        except ValidationError as error:
            for field, message in error.fields.items():
                problems[f"budgets.{index}.{field}"] = message
            continue
        if line.amount == 0:
            budgets.delete_budget(session, budget_id)
        else:
            kept += 1
    if problems:
        raise ValidationError(problems)
    session.flush()
    return kept


@dataclass(frozen=True)
class Summary:
    """What the wizard set up, shown before finishing."""

    currency: str
    month_start_day: int
    owners: list[str]
    categories: int  # active categories
    transactions: int
    first_day: date | None
    last_day: date | None
    period: Period  # the month the overview opens at
    budgeted: Decimal  # that month's budgets, in all
    budgets: int


def summary(session: Session, today: date) -> Summary:
    ledger = settings.read(session)
    count, first, last = onboarding.transaction_span(session)
    period = budget_period(session, today)
    rows = session.execute(
        select(Budget.category_id, Budget.owner_id, Budget.amount).where(
            Budget.year == period.year, Budget.month == period.month
        )
    ).all()
    return Summary(
        currency=ledger.currency,
        month_start_day=ledger.month_start_day,
        owners=[owner.name for owner in list_owners(session)],
        categories=session.scalar(
            select(func.count(Category.id)).where(Category.is_active.is_(True))
        )
        or 0,
        transactions=count,
        first_day=first,
        last_day=last,
        period=period,
        budgeted=budgeted_total(rows) if rows else ZERO,
        budgets=len(rows),
    )
