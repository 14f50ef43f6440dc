"""Transactions of a ledger: find them (filters, keyset pages), record, edit, delete, bulk-edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, case, delete, func, select, update
from sqlalchemy.orm import Session

from homeledger.models import Category, Owner, Transaction
from homeledger.models.base import MAX_ID
from homeledger.models.transactions import LEGACY_BANK_ID_PREFIX
from homeledger.services import debts, keyset
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.analytics import income_sum, spending_sum
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.filters import EARLIEST, LATEST, TransactionFilter
from homeledger.services.lookup import fetch
from homeledger.services.partial import UNSET, PartialInput
from homeledger.services.text import collapse

MAX_PAGE = 200
# sort name -> (column, descending)
SORTS = {
    "date_desc": ("date", True),
    "date_asc": ("date", False),
    "amount_desc": ("amount", True),
    "amount_asc": ("amount", False),
}


@dataclass(frozen=True)
class Page:
    items: list[Transaction]
    next_cursor: str | None
    previous_cursor: str | None = None


def filtered(session: Session, criteria: TransactionFilter) -> Select:
    """The transactions matching ``criteria`` in the acting ledger (ValidationError if bad)."""
    return select(Transaction).where(*criteria.in_ledger(session).conditions())


def list_page(
    session: Session,
    criteria: TransactionFilter,
    *,
    sort: str = "date_desc",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """One page of matching transactions, with the cursors of the pages after and before it
    (None at either end).

    Keyset paging on (sort column, id), both ways: each page is an index range scan,
    as fast at row 100,000 as at row 1, and nothing is counted.
    """
    if sort not in SORTS:
        raise ValidationError({"sort": f"must be one of {', '.join(SORTS)}"})
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError({"limit": f"must be between 1 and {MAX_PAGE}"})
    column_name, descending = SORTS[sort]
    rows, next_cursor, previous_cursor = keyset.read(
        session,
        filtered(session, criteria),
        keyset.Order(sort, column_name, getattr(Transaction, column_name), descending),
        Transaction.id,
        cursor,
        limit,
    )
    return Page(rows, next_cursor, previous_cursor)


@dataclass(frozen=True)
class Totals:
    """Everything a filter matches, summed (not only the page on screen) by the rule in
    services/analytics.py, so the list under a dashboard's filter shows that dashboard's
    figure: income and spending (positive: money that left), and the transfers apart."""

    count: int
    income: Decimal
    spending: Decimal
    transfers: Decimal = Decimal("0.00")  # the net of the transfer rows listed
    transfer_count: int = 0

    @property
    def net(self) -> Decimal:
        return self.income - self.spending


def totals(session: Session, criteria: TransactionFilter) -> Totals:
    """How many transactions match ``criteria``; their income, spending and net by the
    rule; and the transfers among them."""
    matching = filtered(session, criteria).subquery()
    is_transfer = Category.type == "transfer"
    rule = {"amount": matching.c.amount, "category_id": matching.c.category_id}
    count, income, spending, transfers, transfer_count = session.execute(
        select(
            func.count(),
            income_sum(**rule),
            spending_sum(**rule),
            func.coalesce(func.sum(case((is_transfer, matching.c.amount))), Decimal("0.00")),
            func.count(case((is_transfer, 1))),
        )
        .select_from(matching)
        .outerjoin(Category, Category.id == matching.c.category_id)
    ).one()
    return Totals(count, income, spending, transfers, transfer_count)


def get(session: Session, transaction_id: int) -> Transaction:
    """The transaction with this id in the acting ledger; NotFound otherwise (404, never 403)."""
    row = fetch(session, Transaction, transaction_id)
    if row is None:
        raise NotFound(f"no transaction {transaction_id}")
    return row


@dataclass
class TransactionInput(PartialInput):
    """Fields a person may set; anything left at UNSET is not changed on update."""

    date: object = UNSET
    description: object = UNSET
    amount: object = UNSET
    category_id: object = UNSET
    owner_id: object = UNSET
    account: object = UNSET
    notes: object = UNSET


def _clean(session: Session, data: TransactionInput, *, creating: bool) -> dict:
    problems: dict[str, str] = {}
    values: dict = {}
    if creating:
        for required in ("date", "amount"):
            if required not in data.given or getattr(data, required) is None:
                problems[required] = "is required"
    if "date" in data.given and data.date is not None:
        if not isinstance(data.date, date) or not EARLIEST <= data.date <= LATEST:
            problems["date"] = "must be a real date between 1900 and 2199"
        else:
            values["date"] = data.date
    if "amount" in data.given and data.amount is not None:
        if problem := amount_problem(data.amount):
            problems["amount"] = problem
        else:
            values["amount"] = data.amount.quantize(CENT)  # "12" is shown as "12.00"
    for name, limit in (("description", 500), ("account", 100), ("notes", 5000)):
        if name in data.given:
            text = getattr(data, name)
            text = collapse(text) if isinstance(text, str) and name != "notes" else text
            if text is not None and not isinstance(text, str):
                problems[name] = "must be text"
            elif text is not None and len(text) > limit:
                problems[name] = f"must be at most {limit} characters"
            else:
                values[name] = text if text else ("" if name == "description" else None)
    if "category_id" in data.given:
        if data.category_id is not None and fetch(session, Category, data.category_id) is None:
            problems["category_id"] = "is not one of your categories"
        values["category_id"] = data.category_id
        values["rule_id"] = None  # set by hand now, not by a rule
    if "owner_id" in data.given:
        if data.owner_id is not None and fetch(session, Owner, data.owner_id) is None:
            problems["owner_id"] = "is not one of your household's owners"
        values["owner_id"] = data.owner_id
    if problems:
        raise ValidationError(problems)
    return values


def create(session: Session, data: TransactionInput) -> Transaction:
    values = _clean(session, data, creating=True)
    values.setdefault("description", "")
    row = Transaction(**values)
    session.add(row)
    session.flush()
    return row


def edit(session: Session, transaction_id: int, data: TransactionInput) -> Transaction:
    row = get(session, transaction_id)
    values = _clean(session, data, creating=False)
    if "account" in values:
        _check_bank_id_free(session, row, values["account"])
    for name, value in values.items():
        setattr(row, name, value)
    if data.given & {"amount", "date"}:
        row.review_reason = None  # the person has looked at it and set it right
    session.flush()
    return row


def _check_bank_id_free(session: Session, row: Transaction, account: str | None) -> None:
    """A bank id is unique within one account (a unique index, imports rely on it): a row
    may not move into an account that already holds its bank transaction."""
    if not row.bank_id or row.bank_id.startswith(LEGACY_BANK_ID_PREFIX):
        return
    if (account or "") == (row.account or ""):
        return
    holder = session.scalar(
        select(Transaction.id).where(
            Transaction.id != row.id,
            Transaction.bank_id == row.bank_id,
            func.coalesce(Transaction.account, "") == (account or ""),
        )
    )
    if holder is not None:
        raise ValidationError(
            {"account": f"already holds this bank transaction (transaction {holder})"}
        )


def remove(session: Session, transaction_id: int) -> None:
    row = get(session, transaction_id)
    debts.unlink_transactions(session, [row.id])
    session.delete(row)
    session.flush()


def bulk_set(
    session: Session,
    *,
    ids: list[int] | None = None,
    criteria: TransactionFilter | None = None,
    category_id: object = UNSET,
    owner_id: object = UNSET,
) -> int:
    """Set category and/or owner on a selection (ids) or on everything matching a filter.

    Returns how many transactions were changed; ids of other ledgers simply match nothing.
    """
    if (ids is None) == (criteria is None):
        raise ValidationError({"selection": "give either ids or a filter"})
    matching = filtered(session, criteria) if criteria is not None else None
    if ids is not None:
        ids = [i for i in ids if 0 < i <= MAX_ID]  # larger ones match nothing anyway
    values = _clean(
        session, TransactionInput(category_id=category_id, owner_id=owner_id), creating=False
    )
    if not values:
        raise ValidationError({"change": "set a category or an owner"})
    target = (
        Transaction.id.in_(ids)
        if ids is not None
        else Transaction.id.in_(matching.with_only_columns(Transaction.id))
    )
    result = session.execute(
        update(Transaction)
        .where(target)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount


def remove_batch_rows(session: Session, import_batch_id: int) -> int:
    debts.unlink_transactions(
        session, select(Transaction.id).where(Transaction.import_batch_id == import_batch_id)
    )
    result = session.execute(
        delete(Transaction)
        .where(Transaction.import_batch_id == import_batch_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def accounts(session: Session) -> list[str]:
    """The account labels in use, for filter menus: what ``SELECT DISTINCT account ...
    ORDER BY account`` gives, without reading every row. A recursive query steps through
    the (user_id, account) index, each step the first account after the one before: one
    index probe per account, so a ledger of 100,000 rows in three accounts costs four."""

    def first_after(previous):
        later = (
            Transaction.account.is_not(None) if previous is None else Transaction.account > previous
        )
        return (
            select(Transaction.account)
            .where(later)
            .order_by(Transaction.account)
            .limit(1)
            .scalar_subquery()
        )

    found = select(first_after(None).label("account")).cte("accounts_in_use", recursive=True)
    found = found.union_all(
        select(first_after(found.c.account)).where(found.c.account.is_not(None))
    )
    return list(
        session.scalars(
            select(found.c.account).where(found.c.account.is_not(None)).order_by(found.c.account)
        )
    )
