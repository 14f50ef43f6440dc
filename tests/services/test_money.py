"""Amounts are exact in storage and in SQL sums, on both databases."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import case, func, insert, select
from sqlalchemy.exc import StatementError

from homeledger import tenancy
from homeledger.models import Transaction
from homeledger.models.types import to_cents
from tests.factories import make_user


def test_sum_of_100000_amounts_in_sql_is_exact(session):
    user = make_user(session)
    rng = random.Random(7)
    # Amounts like 0.10 and 0.20 are exactly the ones binary floats get wrong.
    amounts = [Decimal(rng.randint(-500_000, 500_000)) / 100 for _ in range(100_000)]
    tenancy.set_ledger(session, user.id)
    session.execute(
        insert(Transaction),
        [{"date": date(2026, 1, 1), "description": "row", "amount": a} for a in amounts],
    )
    session.commit()

    total = session.scalar(select(func.sum(Transaction.amount)))

    assert total == sum(amounts)
    assert isinstance(total, Decimal)
    assert total.as_tuple().exponent == -2


def test_amounts_come_back_exactly_as_stored(session):
    user = make_user(session)
    tenancy.set_ledger(session, user.id)
    values = ["0.10", "0.20", "-45.00", "1234567890.12", "-0.01", "99999999999.99"]
    for v in values:
        session.add(Transaction(date=date(2026, 1, 2), description=v, amount=Decimal(v)))
    session.commit()
    session.expunge_all()

    stored = session.scalars(select(Transaction.amount).order_by(Transaction.id)).all()

    assert stored == [Decimal(v) for v in values]
    assert session.scalar(select(func.sum(Transaction.amount))) == sum(Decimal(v) for v in values)


def test_a_float_amount_is_refused_not_rounded(session):
    user = make_user(session)
    tenancy.set_ledger(session, user.id)
    session.add(Transaction(date=date(2026, 1, 2), description="float", amount=0.1))
    with pytest.raises(StatementError, match="money must be Decimal"):
        session.flush()


def test_a_fraction_of_a_cent_is_refused_not_rounded(session):
    user = make_user(session)
    tenancy.set_ledger(session, user.id)
    session.add(Transaction(date=date(2026, 1, 2), description="x", amount=Decimal("1.005")))
    with pytest.raises(StatementError, match="more than two decimal places"):
        session.flush()


@pytest.mark.parametrize(
    ("value", "cents"),
    [("12.34", 1234), ("-0.5", -50), ("0", 0), (7, 700), (Decimal("1E+2"), 10000)],
)
def test_to_cents_is_exact(value, cents):
    assert to_cents(value) == cents


@pytest.mark.parametrize("value", ["NaN", "Infinity", "12,34", "abc"])
def test_to_cents_rejects_what_is_not_an_amount(value):
    with pytest.raises(ValueError):
        to_cents(value)


def test_sql_arithmetic_on_amounts_stays_exact_money(session):
    user = make_user(session)
    tenancy.set_ledger(session, user.id)
    for v in ("4000.00", "-1500.10", "-0.05"):
        session.add(Transaction(date=date(2026, 1, 2), description=v, amount=Decimal(v)))
    session.commit()
    income = func.sum(case((Transaction.amount > 0, Transaction.amount)))
    spending = func.sum(case((Transaction.amount < 0, Transaction.amount)))

    net = session.scalar(select(income + spending))
    doubled = session.scalars(select(Transaction.amount * 2).order_by(Transaction.id)).all()
    plus_fee = session.scalar(select(func.max(Transaction.amount + Decimal("1.50"))))
    above = session.scalar(select(func.count()).where(Transaction.amount > Decimal("-0.06")))

    assert net == Decimal("2499.85")
    assert doubled == [Decimal("8000.00"), Decimal("-3000.20"), Decimal("-0.10")]
    assert plus_fee == Decimal("4001.50")
    assert above == 2


def test_dividing_money_in_sql_is_refused_rather_than_truncated():
    with pytest.raises(TypeError, match="whole number"):
        Transaction.amount / 3
    with pytest.raises(TypeError, match="whole number"):
        Transaction.amount * Decimal("1.5")
