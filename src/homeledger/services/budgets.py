"""Monthly budgets: set one (an upsert), delete, copy a month, and budget against actual.

A budget is an amount for one expense category in one budgeting month, for the
whole household (``owner_id`` None) or for one owner. Only **expense**
categories carry budgets: income is not spent, and transfers between the
household's own accounts are not spending (as in ``analytics``).

What "spent" means (``services/budget_figures.py`` holds the rule):

* in an expense category, money out minus money back: a refund lowers it, and it
  equals minus the net total the transaction list shows for that category and month;
* uncategorised rows and rows in income categories count their money out only
  (money in there is income, not a refund);
* transfer categories never count.

Budget against actual (``month_report``):

* a **line** per budget: a household line counts everyone's spending in its
  category, an owner's line that owner's only; with an owner filter, household
  lines count that owner's spending only and other owners' lines are not shown;
* **unbudgeted** spending is what no line covers: categories without a budget,
  another owner's spending in a category only budgeted per owner, and
  uncategorised rows;
* **totals**: ``spent`` is all spending of the month (budgeted and unbudgeted, in
  the owner filter's scope); ``budgeted`` adds per category the household budget,
  or, where a category has none, its owners' budgets (an owner's budget beside a
  household budget is a share of it, not money on top); ``remaining`` is the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from homeledger.models import Budget, Category, Owner
from homeledger.services import settings
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.budget_figures import (
    ZERO,
    BudgetLine,
    MonthReport,
    YearReport,
    budgeted_total,
    category_and_owner_names,
    check_month,
    check_owner,
    month_spending,
    year_report,
)
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.writes import insert_new

__all__ = [
    "ZERO",
    "BudgetLine",
    "CopyResult",
    "MonthReport",
    "YearReport",
    "copy_month",
    "delete_budget",
    "get_line",
    "month_report",
    "set_budget",
    "year_report",
]

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# The unique indexes a budget's key lives in: one for household budgets (owner NULL,
# since NULLs never collide in a plain unique index), one for owners' budgets.
_HOUSEHOLD_KEY = ["user_id", "year", "month", "category_id"]
_OWNER_KEY = [*_HOUSEHOLD_KEY, "owner_id"]


def _category_problem(session: Session, category_id: object) -> str | None:
    """Why a budget cannot be set on this category, or None: it must be an expense category."""
    category = fetch(session, Category, category_id)
    if category is None:
        return "is not one of your categories"
    if category.type != "expense":
        article = "an" if category.type == "income" else "a"
        return f"is {article} {category.type} category; only expense categories have budgets"
    return None


def set_budget(
    session: Session,
    year: int,
    month: int,
    category_id: int,
    amount: Decimal,
    owner_id: int | None = None,
) -> int:
    """Set the budget of one category (and owner) for one month; the budget's id.

    One statement, ``INSERT … ON CONFLICT (key) WHERE <the index's condition> DO
    UPDATE``, on the partial unique index that holds the key, so two requests
    setting the same budget at once leave one row, with the amount of the one
    that committed last (PostgreSQL makes the second wait for the first's row;
    SQLite lets one writer in at a time). Nothing is written if a field is wrong.
    """
    problems: dict[str, str] = {}
    try:
        check_month(year, month)
    except ValidationError as error:
        problems.update(error.fields)
    if problem := amount_problem(amount):
        problems["amount"] = problem
    elif amount < 0:
        problems["amount"] = "must not be negative"
    if problem := _category_problem(session, category_id):
        problems["category_id"] = problem
    if owner_id is not None and fetch(session, Owner, owner_id) is None:
        problems["owner_id"] = "is not one of your household's owners"
    if problems:
        raise ValidationError(problems)
    row = {
        "year": year,
        "month": month,
        "category_id": category_id,
        "owner_id": owner_id,
        "amount": amount.quantize(CENT),
    }
    household = owner_id is None
    insert = _INSERTS[session.get_bind(mapper=Budget).dialect.name](Budget)
    statement = insert.on_conflict_do_update(
        index_elements=_HOUSEHOLD_KEY if household else _OWNER_KEY,
        index_where=Budget.owner_id.is_(None) if household else Budget.owner_id.is_not(None),
        set_={"amount": insert.excluded.amount},
    ).returning(Budget.id)
    return session.execute(statement, [row]).scalar_one()


def delete_budget(session: Session, budget_id: int) -> None:
    """Delete one budget; NotFound (404) when the ledger has no budget with this id."""
    budget = fetch(session, Budget, budget_id)
    if budget is None:
        raise NotFound(f"no budget {budget_id}")
    session.execute(
        delete(Budget).where(Budget.id == budget.id).execution_options(synchronize_session=False)
    )
    session.expunge(budget)


@dataclass(frozen=True)
class CopyResult:
    copied: int  # budgets added to the target month
    kept: int  # budgets the target month already had for the same category and owner


def copy_month(
    session: Session, source: tuple[int, int], target: tuple[int, int], *, dry_run: bool = False
) -> CopyResult:
    """Copy the budgets of month ``source`` into month ``target`` (each a (year, month)).

    The target month's own budgets are **kept**: a budget already set there for
    the same category and owner is left as it is, and only the missing ones are
    added. So copying twice changes nothing, and a copy never undoes a budget
    someone has set for the new month. Budgets of categories that are no longer
    expense categories are not copied. ``dry_run`` says what a copy would do and
    writes nothing (a viewer of a shared ledger may ask).
    """
    problems = {}
    for field, (year, month) in (("from", source), ("to", target)):
        try:
            check_month(year, month)
        except ValidationError:
            problems[field] = "choose a month between 1900-01 and 2199-12"
    if not problems and source == target:
        problems["to"] = "must be another month than the one copied from"
    if problems:
        raise ValidationError(problems)
    rows = session.execute(
        select(Budget.category_id, Budget.owner_id, Budget.amount)
        .join(Category, Category.id == Budget.category_id)
        .where(Budget.year == source[0], Budget.month == source[1], Category.type == "expense")
    ).all()
    wanted = [
        {
            "year": target[0],
            "month": target[1],
            "category_id": category_id,
            "owner_id": owner_id,
            "amount": amount,
        }
        for category_id, owner_id, amount in rows
    ]
    if dry_run:
        there = set(
            session.execute(
                select(Budget.category_id, Budget.owner_id).where(
                    Budget.year == target[0], Budget.month == target[1]
                )
            ).tuples()
        )
        copied = sum((row["category_id"], row["owner_id"]) not in there for row in wanted)
    else:
        copied = len(insert_new(session, Budget, wanted, Budget.id))
    return CopyResult(copied=copied, kept=len(wanted) - copied)


def month_report(
    session: Session, year: int, month: int, owner_id: int | None = None
) -> MonthReport:
    """Budget against actual for one budgeting month (the ledger's start day applies).

    With ``owner_id``, household lines and that owner's lines, each counting that
    owner's spending only. Lines are ordered by category name, the household's
    line before owners' lines.
    """
    check_month(year, month)
    check_owner(session, owner_id)
    period = settings.read(session).budget_month(year, month)
    query = select(Budget.id, Budget.category_id, Budget.owner_id, Budget.amount).where(
        Budget.year == year, Budget.month == month
    )
    if owner_id is not None:
        query = query.where(Budget.owner_id.is_(None) | (Budget.owner_id == owner_id))
    budgets = session.execute(query).all()
    spending = month_spending(session, period, owner_id)
    names, owners = category_and_owner_names(session)
    household = {category for _, category, owner, _ in budgets if owner is None}
    owned = {(category, owner) for _, category, owner, _ in budgets if owner is not None}

    lines = []
    for budget_id, category_id, line_owner, amount in budgets:
        spent = sum(
            (
                value
                for (category, owner), value in spending.items()
                if category == category_id and (line_owner is None or owner == line_owner)
            ),
            ZERO,
        )
        lines.append(
            BudgetLine(
                id=budget_id,
                category_id=category_id,
                category=names[category_id],
                owner_id=line_owner,
                owner=owners.get(line_owner),
                budgeted=amount,
                spent=spent,
            )
        )
    lines.sort(
        key=lambda line: (line.category.casefold(), line.owner is not None, line.owner or "")
    )

    unbudgeted: dict[int | None, Decimal] = {}
    for (category, owner), value in spending.items():
        if category in household or (category, owner) in owned:
            continue
        unbudgeted[category] = unbudgeted.get(category, ZERO) + value
    return MonthReport(
        year=year,
        month=month,
        period=period,
        owner_id=owner_id,
        lines=lines,
        unbudgeted={category: value for category, value in unbudgeted.items() if value != ZERO},
        unbudgeted_names={category: names[category] for category in unbudgeted},
        budgeted=budgeted_total((line.category_id, line.owner_id, line.budgeted) for line in lines),
        spent=sum(spending.values(), ZERO),
        spending=spending,
    )


def get_line(session: Session, budget_id: int) -> tuple[MonthReport, BudgetLine]:
    """One budget's line in its month (spent counting everyone, or its owner); NotFound else."""
    budget = fetch(session, Budget, budget_id)
    if budget is None:
        raise NotFound(f"no budget {budget_id}")
    report = month_report(session, budget.year, budget.month, budget.owner_id)
    return report, next(line for line in report.lines if line.id == budget_id)
