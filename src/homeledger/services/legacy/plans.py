"""Migrating the old app's budgets, commitments, debts with their payments, and goals.

A row counts as already here only when an identical one is (same name and
amounts), counted as a multiset: two genuinely identical rows in the file both
arrive, and a second run adds neither. Any row that cannot be read is named in
the report and left out; none stops the migration.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import select

from homeledger.models import Budget, Commitment, Debt, DebtPayment, SavingsGoal
from homeledger.models.planning import DEBT_TYPES, FREQUENCIES
from homeledger.services.errors import ServiceError
from homeledger.services.legacy.values import (
    flag,
    integer,
    legacy_date,
    legacy_text,
    rate,
    real_money,
)
from homeledger.services.running_balance import fill_balances


class _Unusable(ValueError):
    """This legacy row cannot be taken; the message says why."""


def _day_of_month(value) -> int | None:
    day = integer(value)
    return day if day is not None and 1 <= day <= 31 else None


def _rows(source, report, table: str, value_column: str, handle) -> None:
    """Hand each row of a table to ``handle``; a row it cannot take is reported, not fatal."""
    counter = report.count(table)
    for row in source.rows(table):
        counter.read += 1
        try:
            handle(row, counter)
        except (_Unusable, ServiceError, ValueError) as exc:
            report.problem(table, row["id"], row.get(value_column), str(exc), "skipped")


def _present(session, model, key) -> Counter:
    return Counter(key(row) for row in session.scalars(select(model)))


def _claim(existing: Counter, key, counter) -> bool:
    """True (and counted as present) when an identical row is already in the ledger."""
    if existing[key] > 0:
        existing[key] -= 1
        counter.already_present += 1
        return True
    return False


def migrate_plans(session, source, lookups, report) -> None:
    _budgets(session, source, lookups, report)
    _commitments(session, source, lookups, report)
    _debts(session, source, lookups, report)
    _goals(session, source, lookups, report)
    session.flush()


def _budgets(session, source, lookups, report) -> None:
    existing = _present(session, Budget, lambda b: (b.year, b.month, b.category_id, b.owner_id))

    def handle(row, counter) -> None:
        amount, year, month = real_money(row["amount"]), integer(row["year"]), integer(row["month"])
        if amount is None or amount < 0 or year is None or not 1 <= (month or 0) <= 12:
            raise _Unusable("not a usable budget (year, month 1-12 and an amount needed)")
        if Decimal(repr(float(row["amount"]))) != amount:
            report.repaired("budget float noise rounded to cents")
        key = (year, month, lookups.category(row["category"]), lookups.owner(row["owner"]))
        if _claim(existing, key, counter):
            return
        existing[key] += 1  # one budget per month and category: a second would be refused
        session.add(
            Budget(year=year, month=month, category_id=key[2], owner_id=key[3], amount=amount)
        )
        counter.written += 1

    _rows(source, report, "budgets", "amount", handle)


def _commitments(session, source, lookups, report) -> None:
    existing = _present(session, Commitment, lambda c: (c.name.lower(), c.amount, c.frequency))

    def handle(row, counter) -> None:
        name, amount = legacy_text(row["name"])[:100], real_money(row["amount"])
        frequency = legacy_text(row["frequency"]).lower()
        if not name or amount is None or frequency not in FREQUENCIES:
            raise _Unusable("needs a name, an amount and a known frequency")
        if _claim(existing, (name.lower(), amount, frequency), counter):
            return
        session.add(
            Commitment(
                name=name,
                amount=amount,
                frequency=frequency,
                due_day=_day_of_month(row["due_day"]),
                category_id=lookups.category(row["category"]),
                owner_id=lookups.owner(row["owner"]),
                start_date=legacy_date(row["start_date"]) if row["start_date"] else None,
                end_date=legacy_date(row["end_date"]) if row["end_date"] else None,
                is_active=flag(row["is_active"]),
            )
        )
        counter.written += 1

    _rows(source, report, "commitments", "amount", handle)


def _debts(session, source, lookups, report) -> None:
    existing = _present(
        session, Debt, lambda d: (d.name.lower(), d.current_balance, d.original_amount)
    )
    created: dict[int, Debt] = {}
    present_ids: set[int] = set()

    def handle(row, counter) -> None:
        name, balance = legacy_text(row["name"])[:100], real_money(row["current_balance"])
        if not name or balance is None:
            raise _Unusable("needs a name and a balance")
        original = real_money(row["original_amount"])
        if _claim(existing, (name.lower(), balance, original), counter):
            present_ids.add(row["id"])
            return
        interest = rate(row["interest_rate"])
        if interest is None:
            report.repaired("unreadable interest rate set to 0")
        debt = Debt(
            name=name,
            lender=legacy_text(row["lender"])[:100] or None,
            debt_type=row["debt_type"] if row["debt_type"] in DEBT_TYPES else "other",
            original_amount=original,
            current_balance=balance,
            interest_rate=interest if interest is not None else Decimal("0"),
            minimum_payment=real_money(row["minimum_payment"]),
            due_day=_day_of_month(row["due_day"]),
            owner_id=lookups.owner(row["owner"]),
            start_date=legacy_date(row["start_date"]) if row["start_date"] else None,
            is_active=flag(row["is_active"]),
        )
        session.add(debt)
        created[row["id"]] = debt
        counter.written += 1

    _rows(source, report, "debts", "current_balance", handle)
    session.flush()
    known = {row["id"] for row in source.rows("debts")}

    def payment(row, counter) -> None:
        if row["debt_id"] not in known:
            raise _Unusable("payment for a debt that does not exist (orphan); not attached")
        if row["debt_id"] in present_ids:  # migrated before, with its payments
            counter.already_present += 1
            return
        debt = created.get(row["debt_id"])
        if debt is None:
            raise _Unusable("its debt could not be migrated")
        day, amount = legacy_date(row["date"]), real_money(row["amount"])
        if day is None or amount is None:
            raise _Unusable("unreadable date or amount")
        notes = str(row["notes"]).replace("\x00", "") if row["notes"] else None
        paid = DebtPayment(debt_id=debt.id, date=day, amount=amount, notes=notes)
        session.add(paid)
        written.setdefault(debt.id, []).append(paid)
        counter.written += 1

    written: dict[int, list[DebtPayment]] = {}
    _rows(source, report, "debt_payments", "debt_id", payment)
    for debt in created.values():
        # Oldest first as written; the balance each left counts back from the balance now.
        newest_first = sorted(written.get(debt.id, []), key=lambda p: p.date)[::-1]
        fill_balances(debt.current_balance, newest_first)


def _goals(session, source, lookups, report) -> None:
    existing = _present(session, SavingsGoal, lambda g: (g.name.lower(), g.target_amount))

    def handle(row, counter) -> None:
        name, target = legacy_text(row["name"])[:100], real_money(row["target_amount"])
        if not name or target is None or target <= 0:
            raise _Unusable("needs a name and a positive target")
        if _claim(existing, (name.lower(), target), counter):
            return
        session.add(
            SavingsGoal(
                name=name,
                target_amount=target,
                current_amount=real_money(row["current_amount"]) or Decimal("0.00"),
                target_date=legacy_date(row["target_date"]) if row["target_date"] else None,
                owner_id=lookups.owner(row["owner"]),
                is_active=flag(row["is_active"]),
            )
        )
        counter.written += 1

    _rows(source, report, "savings_goals", "target_amount", handle)
