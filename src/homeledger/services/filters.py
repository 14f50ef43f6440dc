"""The one filter of transactions: the transaction list, its totals, bulk edits and every
analytics report build their SQL conditions here, so a dashboard's figure and the list it
links to cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Transaction
from homeledger.models.base import MAX_ID
from homeledger.services import settings, sharing
from homeledger.services.amounts import is_plausible_amount
from homeledger.services.errors import ValidationError
from homeledger.services.text import collapse

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
# ``flow``: the rows behind one figure of the income/spending rule (services/analytics.py).
FLOWS = ("income", "spending", "net")


@dataclass(frozen=True)
class TransactionFilter:
    """What to look for; every field optional. Dates are inclusive.

    ``month`` is (year, month) of a budgeting month: it starts on the ledger's
    month start day, and becomes a date range when the filter is applied.
    """

    search: str | None = None
    month: tuple[int, int] | None = None
    date_from: date | None = None
    date_to: date | None = None
    category_ids: tuple[int, ...] = ()
    uncategorised: bool = False
    owner_id: int | None = None
    no_owner: bool = False  # rows without an owner (with owner_id: that owner's or none)
    # "Mine": the rows of the owner who is the signed-in person in this ledger
    # (``Owner.login_id``, set on the sharing page); in_ledger() turns it into owner_id.
    mine: bool = False
    account: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    import_batch_id: int | None = None
    needs_review: bool = False  # rows that arrived damaged (e.g. legacy migration flags)
    # "income": the rows income is made of; "spending": those spending is made of; "net":
    # both, i.e. every row but transfers. So a dashboard's figure and its list agree.
    flow: str | None = None
    # Rows of one payee: the description with whitespace collapsed and case ignored equals
    # this (how analytics_reports.top_payees groups them), not a substring like ``search``.
    payee: str | None = None
    # The ledger's spellings of ``payee``: in_ledger() finds them, conditions() matches them.
    payee_spellings: tuple[str, ...] | None = None

    def check(self) -> None:
        """Refuse values no database column can hold, naming the field."""
        problems = {}
        for name in ("amount_min", "amount_max"):
            value = getattr(self, name)
            if value is not None and not is_plausible_amount(value):
                problems[name] = "is not a plausible amount"
        if self.flow is not None and self.flow not in FLOWS:
            problems["flow"] = f"must be one of {', '.join(FLOWS)}"
        if self.month is not None:
            year, month = self.month
            if self.date_from or self.date_to:
                problems["month"] = "choose a month or a date range, not both"
            elif not (EARLIEST.year <= year <= LATEST.year and 1 <= month <= 12):
                problems["month"] = "choose a month between 1900 and 2199"
        ids = [*self.category_ids, self.owner_id, self.import_batch_id]
        if any(i is not None and not 0 < i <= MAX_ID for i in ids):
            problems["id"] = "no such item"
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not EARLIEST <= value <= LATEST:
                problems[name] = "must be between 1900 and 2199"
        if self.payee is not None and not collapse(self.payee):
            problems["payee"] = "name a payee"
        if self.mine and self.owner_id is not None:
            problems["mine"] = "choose your own rows or an owner's, not both"
        if problems:
            raise ValidationError(problems)

    def in_ledger(self, session: Session) -> TransactionFilter:
        """This filter checked, with ``month`` turned into the ledger's dates for that month
        and ``payee`` into the ledger's spellings of it."""
        self.check()
        resolved = self
        if self.month is not None:
            period = settings.read(session).budget_month(*self.month)
            last = min(period.last_day, LATEST)  # a December 2199 that ends in 2200
            resolved = replace(self, month=None, date_from=period.start, date_to=last)
        if self.mine:
            resolved = replace(resolved, mine=False, owner_id=_my_owner(session))
        if self.payee is not None and self.payee_spellings is None:
            resolved = replace(resolved, payee_spellings=_spellings(session, resolved))
        return resolved

    def conditions(self) -> list:
        if self.mine:
            raise ValueError("call in_ledger() first: 'mine' needs the ledger's owners")
        if self.month is not None:
            raise ValueError("call in_ledger() first: a month needs the ledger's start day")
        if self.payee is not None and self.payee_spellings is None:
            raise ValueError("call in_ledger() first: a payee needs the ledger's spellings")
        conditions = []
        if self.search:
            pattern = f"%{_escape_like(self.search.strip().lower())}%"
            conditions.append(
                or_(
                    func.lower(Transaction.description).like(pattern, escape="\\"),
                    func.lower(func.coalesce(Transaction.notes, "")).like(pattern, escape="\\"),
                )
            )
        if self.date_from:
            conditions.append(Transaction.date >= self.date_from)
        if self.date_to:
            conditions.append(Transaction.date <= self.date_to)
        if self.category_ids and self.uncategorised:
            conditions.append(
                or_(
                    Transaction.category_id.in_(self.category_ids),
                    Transaction.category_id.is_(None),
                )
            )
        elif self.category_ids:
            conditions.append(Transaction.category_id.in_(self.category_ids))
        elif self.uncategorised:
            conditions.append(Transaction.category_id.is_(None))
        if self.owner_id is not None and self.no_owner:
            conditions.append(
                or_(Transaction.owner_id == self.owner_id, Transaction.owner_id.is_(None))
            )
        elif self.owner_id is not None:
            conditions.append(Transaction.owner_id == self.owner_id)
        elif self.no_owner:
            conditions.append(Transaction.owner_id.is_(None))
        if self.account:
            conditions.append(Transaction.account == self.account)
        if self.amount_min is not None:
            conditions.append(Transaction.amount >= self.amount_min)
        if self.amount_max is not None:
            conditions.append(Transaction.amount <= self.amount_max)
        if self.import_batch_id is not None:
            conditions.append(Transaction.import_batch_id == self.import_batch_id)
        if self.needs_review:
            conditions.append(Transaction.review_reason.is_not(None))
        if self.flow is not None:
            conditions.append(_flow_condition(self.flow))
        if self.payee_spellings is not None:
            conditions.append(Transaction.description.in_(self.payee_spellings))
        return conditions


def _my_owner(session: Session) -> int:
    """The id of the owner who is the acting person in this ledger; refused if none is."""
    owner_id = sharing.my_owner_id(session)
    if owner_id is None:
        raise ValidationError(
            {
                "mine": "you are not linked to one of this ledger's owners yet; "
                "the ledger's owner can link you on its sharing settings"
            }
        )
    return owner_id


def payee_key(description: str | None) -> str:
    """What makes two descriptions one payee: whitespace collapsed, case ignored."""
    return collapse(description or "").casefold()


def _spellings(session: Session, criteria: TransactionFilter) -> tuple[str, ...]:
    """The descriptions among ``criteria``'s other rows that are its payee: the few
    spellings the exact SQL match then names (whitespace and case are not portable SQL)."""
    others = replace(criteria, payee=None, payee_spellings=None).conditions()
    key = payee_key(criteria.payee)
    found = session.scalars(select(Transaction.description).where(*others).distinct())
    return tuple(sorted(d for d in found if payee_key(d) == key))


def _flow_condition(flow: str):
    """SQL: the row counts towards ``flow`` by the rule in services/analytics.py."""

    def of_type(kind: str):
        return Transaction.category_id.in_(select(Category.id).where(Category.type == kind))

    uncategorised = Transaction.category_id.is_(None)
    if flow == "income":
        return or_(of_type("income"), and_(uncategorised, Transaction.amount > 0))
    if flow == "spending":
        return or_(of_type("expense"), and_(uncategorised, Transaction.amount < 0))
    return or_(uncategorised, ~of_type("transfer"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
