"""Debts and their payments, and the payoff plan for the active ones.

A debt's ``current_balance`` is what is owed now; a person may correct it from a
statement at any time. Each payment stores the balance it left (``balance_after``), as a
statement's running balance does, so a later correction does not rewrite history.
Recording a payment takes its amount off the balance (and off the balance after every
later payment); editing or deleting one puts the difference back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from homeledger.models import Debt, DebtPayment, Transaction
from homeledger.models.base import MAX_ID
from homeledger.models.planning import DEBT_TYPES
from homeledger.services import payoff
from homeledger.services.checks import (
    check_date,
    check_day_of_month,
    check_flag,
    check_money,
    check_name,
    check_notes,
    check_owner,
    require,
)
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.partial import UNSET, PartialInput
from homeledger.services.periods import add_months
from homeledger.services.running_balance import Row, with_payment, without

DEBT_TYPE_LABELS = {
    "credit_card": "Credit card",
    "loan": "Loan",
    "mortgage": "Mortgage",
    "personal": "Personal loan",
    "bnpl": "Buy now, pay later",
    "other": "Other",
}
MAX_RATE = Decimal("100")
# A household has a handful; the plan of each (600 months at worst) grows with the count.
MAX_DEBTS = 100


@dataclass
class DebtInput(PartialInput):
    name: object = UNSET
    lender: object = UNSET
    debt_type: object = UNSET
    original_amount: object = UNSET
    current_balance: object = UNSET
    interest_rate: object = UNSET
    minimum_payment: object = UNSET
    due_day: object = UNSET
    owner_id: object = UNSET
    start_date: object = UNSET
    is_active: object = UNSET


@dataclass
class PaymentInput(PartialInput):
    """A payment; with a ``transaction_id`` and no date or amount, both come from it."""

    date: object = UNSET
    amount: object = UNSET
    notes: object = UNSET
    transaction_id: object = UNSET


def list_debts(session: Session, *, include_inactive: bool = True) -> list[Debt]:
    query = select(Debt).order_by(Debt.is_active.desc(), Debt.name, Debt.id)
    if not include_inactive:
        query = query.where(Debt.is_active.is_(True))
    return list(session.scalars(query))


def payment_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(DebtPayment.debt_id, func.count()).group_by(DebtPayment.debt_id)
    ).all()
    return dict(rows)


def get(session: Session, debt_id: object, *, lock: bool = False) -> Debt:
    """The debt with this id in the acting ledger; NotFound otherwise (404, never 403).
    Payments lock it: each changes its balance."""
    row = fetch(session, Debt, debt_id, lock=lock)
    if row is None:
        raise NotFound(f"no debt {debt_id}")
    return row


def _clean(session: Session, data: DebtInput, existing: Debt | None = None) -> dict:
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    require(data, ("name", "current_balance"), problems, creating=existing is None)
    check_name(data, "name", problems, values)
    check_name(data, "lender", problems, values, optional=True)
    if "debt_type" in data.given:
        if data.debt_type not in DEBT_TYPES:
            problems["debt_type"] = f"must be one of {', '.join(DEBT_TYPES)}"
        else:
            values["debt_type"] = data.debt_type
    for name in ("original_amount", "current_balance", "minimum_payment"):
        check_money(data, name, problems, values)
    if "interest_rate" in data.given:
        rate = data.interest_rate
        if rate is None:
            values["interest_rate"] = Decimal("0")
        elif not isinstance(rate, Decimal) or not rate.is_finite():
            problems["interest_rate"] = "must be a percentage like 19.99"
        elif not 0 <= rate <= MAX_RATE:
            problems["interest_rate"] = "must be a percentage from 0 to 100"
        elif rate != rate.quantize(Decimal("0.001")):
            problems["interest_rate"] = "must have at most three decimal places"
        else:
            values["interest_rate"] = rate
    check_day_of_month(data, "due_day", problems, values)
    check_owner(session, data, problems, values)
    check_date(data, "start_date", problems, values)
    check_flag(data, "is_active", problems, values)
    if problems:
        raise ValidationError(problems)
    return values


def create(session: Session, data: DebtInput) -> Debt:
    values = _clean(session, data)
    if session.scalar(select(func.count()).select_from(Debt)) >= MAX_DEBTS:
        raise ValidationError(
            {"debt": f"a ledger keeps at most {MAX_DEBTS} debts: delete paid-off ones first"}
        )
    row = Debt(**values)
    session.add(row)
    session.flush()
    return row


def edit(session: Session, debt_id: object, data: DebtInput) -> Debt:
    row = get(session, debt_id)
    for name, value in _clean(session, data, row).items():
        setattr(row, name, value)
    session.flush()
    return row


def remove(session: Session, debt_id: object) -> None:
    """Delete a debt and its payments (callers confirm first when it has payments)."""
    session.delete(get(session, debt_id))
    session.flush()


# --- payments ---------------------------------------------------------------------


def payments(session: Session, debt: Debt) -> list[DebtPayment]:
    """The debt's payments, newest first."""
    return list(
        session.scalars(
            select(DebtPayment)
            .where(DebtPayment.debt_id == debt.id)
            .order_by(DebtPayment.date.desc(), DebtPayment.id.desc())
        )
    )


def get_payment(session: Session, debt: Debt, payment_id: object) -> DebtPayment:
    row = fetch(session, DebtPayment, payment_id)
    if row is None or row.debt_id != debt.id:
        raise NotFound(f"no payment {payment_id} on this debt")
    return row


def _clean_payment(
    session: Session, data: PaymentInput, existing: DebtPayment | None = None
) -> dict:
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    paid_by = None
    if "transaction_id" in data.given and data.transaction_id is not None:
        paid_by = fetch(session, Transaction, data.transaction_id)
        if paid_by is None:
            problems["transaction_id"] = "is not one of your transactions"
        elif paid_by.amount >= 0:
            problems["transaction_id"] = "is not money going out, so it cannot pay a debt"
        else:
            holder = session.scalar(
                select(DebtPayment.debt_id).where(
                    DebtPayment.transaction_id == paid_by.id,
                    DebtPayment.id != (existing.id if existing else 0),
                )
            )
            if holder is not None:
                problems["transaction_id"] = f"already pays a payment on debt {holder}"
    if "transaction_id" in data.given:
        values["transaction_id"] = paid_by.id if paid_by is not None else None
    if existing is None and paid_by is not None:  # from a transaction: its day and amount
        data.date = data.date if "date" in data.given else paid_by.date
        data.amount = data.amount if "amount" in data.given else -paid_by.amount
        data.given |= {"date", "amount"}
    if "transaction_id" not in problems:  # else its day and amount are what is missing
        require(data, ("date", "amount"), problems, creating=existing is None)
    check_date(data, "date", problems, values)
    check_money(data, "amount", problems, values, above_minimum=True)
    check_notes(data, "notes", problems, values)
    if problems:
        raise ValidationError(problems)
    return values


def _restate(session: Session, debt: Debt, payment: DebtPayment | None, new: Row | None) -> Decimal:
    """Take ``payment`` out of the history and/or put ``new`` in; store the balances.

    Refuses (ValidationError on ``amount``, nothing changed) a payment that would take
    any balance below zero. Returns the new payment's balance after.
    """
    history = payments(session, debt)[::-1]
    rows = [Row((p.date, p.id), p.amount, p.balance_after) for p in history]
    current = debt.current_balance
    latest_start = None
    if payment is not None:
        gone = next(r for r in rows if r.key[1] == payment.id)
        if rows[-1] is gone:
            latest_start = gone.balance_after + gone.amount
        rows, current = without(rows, current, gone)
    if new is not None:
        rows, current = with_payment(rows, current, new, latest_start)
        if new.balance_after < 0:
            owed = new.balance_after + new.amount
            raise ValidationError({"amount": f"is more than the {owed:.2f} owed at that date"})
        later = next((r for r in rows if r.key > new.key and r.balance_after < 0), None)
        if later is not None or current < 0:
            when = f"after the payment of {later.key[0]:%d %b %Y}" if later else "now"
            raise ValidationError({"amount": f"would take the balance {when} below zero"})
    by_id = {r.key[1]: r.balance_after for r in rows}
    for p in history:
        if p.id in by_id:
            p.balance_after = by_id[p.id]
    debt.current_balance = current
    return new.balance_after if new is not None else current


def add_payment(session: Session, debt_id: object, data: PaymentInput) -> DebtPayment:
    debt = get(session, debt_id, lock=True)
    values = _clean_payment(session, data)
    new = Row((values["date"], MAX_ID + 1), values["amount"], Decimal(0))  # newest that day
    balance_after = _restate(session, debt, None, new)
    row = DebtPayment(debt_id=debt.id, balance_after=balance_after, **values)
    session.add(row)
    session.flush()
    return row


def edit_payment(
    session: Session, debt_id: object, payment_id: object, data: PaymentInput
) -> DebtPayment:
    debt = get(session, debt_id, lock=True)
    row = get_payment(session, debt, payment_id)
    values = _clean_payment(session, data, row)
    day, amount = values.get("date", row.date), values.get("amount", row.amount)
    if (day, amount) != (row.date, row.amount):
        new = Row((day, row.id), amount, Decimal(0))
        values["balance_after"] = _restate(session, debt, row, new)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


def remove_payment(session: Session, debt_id: object, payment_id: object) -> Decimal:
    """Delete a payment; its amount is owed again. Returns the debt's new balance."""
    debt = get(session, debt_id, lock=True)
    row = get_payment(session, debt, payment_id)
    balance = _restate(session, debt, row, None)
    session.delete(row)
    session.flush()
    return balance


def payable_transactions(session: Session, limit: int = 50) -> list[Transaction]:
    """The newest money-out transactions that pay no debt payment yet: what may pay one."""
    linked = select(DebtPayment.transaction_id).where(DebtPayment.transaction_id.is_not(None))
    return list(
        session.scalars(
            select(Transaction)
            .where(Transaction.amount < 0, Transaction.id.not_in(linked))
            .order_by(Transaction.date.desc(), Transaction.id.desc())
            .limit(limit)
        )
    )


def paid_by(session: Session, rows: Sequence[DebtPayment]) -> dict[int, Transaction]:
    """The transactions that paid these payments, by their ids."""
    ids = {p.transaction_id for p in rows if p.transaction_id is not None}
    if not ids:
        return {}
    return {t.id: t for t in session.scalars(select(Transaction).where(Transaction.id.in_(ids)))}


def unlink_transactions(session: Session, transaction_ids) -> None:
    """Payments keep their figures when the transaction that paid them is deleted."""
    session.execute(
        update(DebtPayment)
        .where(DebtPayment.transaction_id.in_(transaction_ids))
        .values(transaction_id=None)
        .execution_options(synchronize_session=False)
    )


# --- the payoff plan --------------------------------------------------------------


def plan_debts(session: Session) -> list[payoff.PlanDebt]:
    """The active debts with something owed, as the planner takes them."""
    return as_planned(
        d for d in list_debts(session, include_inactive=False) if d.current_balance > 0
    )


def as_planned(owing: Iterable[Debt]) -> list[payoff.PlanDebt]:
    """Debts (active, with something owed) as the planner takes them."""
    return [
        payoff.PlanDebt(
            d.id, d.name, d.current_balance, d.interest_rate, d.minimum_payment or Decimal(0)
        )
        for d in owing
    ]


def first_plan_month(today: date) -> tuple[int, int]:
    """Plans start the month after today."""
    return add_months(today.year, today.month, 1)


def plan(
    session: Session,
    strategy: str,
    extra: Decimal,
    start: tuple[int, int],
    owing: list[payoff.PlanDebt] | None = None,
) -> payoff.Plan:
    """The plan for the active debts (``owing``, when the caller has read them already)."""
    problems = {}
    if strategy not in payoff.STRATEGIES:
        problems["strategy"] = f"must be one of {', '.join(payoff.STRATEGIES)}"
    data = PaymentInput(amount=extra)
    values: dict = {}
    check_money(data, "amount", problems, values)
    if "amount" in problems:
        problems["extra"] = problems.pop("amount")
    if not (1900, 1) <= start <= (2199, 12):
        problems["start"] = "choose a month between 1900-01 and 2199-12"
    if problems:
        raise ValidationError(problems)
    if owing is None:
        owing = plan_debts(session)
    return payoff.simulate(owing, strategy, values["amount"], start)
