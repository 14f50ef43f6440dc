"""A debt's payments as a statement's running balance: pure arithmetic, no database.

Each payment keeps the balance it left. Taking one out, or putting one in by date, moves
the balance after every later payment and the balance now by its amount; the payments
before it, and any correction of the balance made between them, stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from homeledger.models import DebtPayment


@dataclass
class Row:
    """A payment in the arithmetic: ``key`` is (date, id), the order payments happen in."""

    key: tuple[date, int]
    amount: Decimal
    balance_after: Decimal


def without(rows: list[Row], current: Decimal, gone: Row) -> tuple[list[Row], Decimal]:
    """The history with ``gone`` taken out: its amount is owed again from then on."""
    kept = [
        Row(r.key, r.amount, r.balance_after + (gone.amount if r.key > gone.key else 0))
        for r in rows
        if r is not gone
    ]
    return kept, current + gone.amount


def with_payment(
    rows: list[Row], current: Decimal, new: Row, latest_start: Decimal | None = None
) -> tuple[list[Row], Decimal]:
    """The history with ``new`` put in by date: it and every later payment owe less.

    Put in last, it starts from the balance now (a correction made before it counts),
    or from ``latest_start`` when it is the latest payment, edited: a correction made
    since it was recorded stays after it."""
    before = [r for r in rows if r.key < new.key]
    after = [r for r in rows if r.key > new.key]
    if not after:
        start = current if latest_start is None else latest_start
    elif before:
        start = before[-1].balance_after
    else:
        start = after[0].balance_after + after[0].amount
    new.balance_after = start - new.amount
    moved = [Row(r.key, r.amount, r.balance_after - new.amount) for r in after]
    return [*before, new, *moved], current - new.amount


def fill_balances(current_balance: Decimal, newest_first: Sequence[DebtPayment]) -> None:
    """Give payments recorded without one (demo data, the old app's) the balance they
    left, walking back from the balance now."""
    balance = current_balance
    for payment in newest_first:
        payment.balance_after = balance
        balance += payment.amount
