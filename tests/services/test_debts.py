"""Debts over a real ledger: payments move the balance and keep the balance they left;
the plan reads the active debts; bad input names its field and writes nothing."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Debt, DebtPayment
from homeledger.services import debts, transactions
from homeledger.services.debts import DebtInput, PaymentInput
from homeledger.services.errors import NotFound, ValidationError
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _card(session, balance="1000.00", **extra) -> Debt:
    fields = dict(
        name="Visa",
        debt_type="credit_card",
        current_balance=Decimal(balance),
        interest_rate=Decimal("24"),
        minimum_payment=Decimal("50.00"),
    )
    return debts.create(session, DebtInput(**(fields | extra)))


def _pay(session, debt, day, amount, **extra) -> DebtPayment:
    return debts.add_payment(
        session, debt.id, PaymentInput(date=day, amount=Decimal(amount), **extra)
    )


def _history(session, debt) -> list[tuple[date, str, str]]:
    return [(p.date, str(p.amount), str(p.balance_after)) for p in debts.payments(session, debt)]


def test_payments_take_their_amount_off_and_keep_the_balance_they_left(session, alex):
    card = _card(session)
    _pay(session, card, date(2026, 9, 28), "100.00")
    _pay(session, card, date(2026, 10, 28), "150.00")
    session.commit()
    assert card.current_balance == Decimal("750.00")
    assert _history(session, card) == [
        (date(2026, 10, 28), "150.00", "750.00"),
        (date(2026, 9, 28), "100.00", "900.00"),
    ]


def test_a_statement_correction_does_not_rewrite_the_payments_before_it(session, alex):
    card = _card(session)
    _pay(session, card, date(2026, 9, 28), "100.00")
    debts.edit(session, card.id, DebtInput(current_balance=Decimal("917.00")))  # interest added
    _pay(session, card, date(2026, 10, 28), "117.00")
    assert card.current_balance == Decimal("800.00")
    assert _history(session, card) == [
        (date(2026, 10, 28), "117.00", "800.00"),
        (date(2026, 9, 28), "100.00", "900.00"),
    ]


def test_correcting_the_latest_payment_after_a_statement_keeps_the_balance_it_left(session, alex):
    card = _card(session)
    paid = _pay(session, card, date(2026, 9, 28), "100.00")  # leaves 900
    debts.edit(session, card.id, DebtInput(current_balance=Decimal("917.00")))  # interest added
    debts.edit_payment(session, card.id, paid.id, PaymentInput(amount=Decimal("90.00")))
    assert card.current_balance == Decimal("927.00")
    assert _history(session, card) == [(date(2026, 9, 28), "90.00", "910.00")]
    debts.edit_payment(session, card.id, paid.id, PaymentInput(date=date(2026, 9, 29)))
    assert _history(session, card) == [(date(2026, 9, 29), "90.00", "910.00")]
    assert card.current_balance == Decimal("927.00")


def test_a_back_dated_payment_lowers_every_later_balance(session, alex):
    card = _card(session)
    _pay(session, card, date(2026, 9, 1), "100.00")  # leaves 900
    _pay(session, card, date(2026, 11, 1), "100.00")  # leaves 800
    _pay(session, card, date(2026, 10, 1), "50.00")  # between: 900 - 50
    assert card.current_balance == Decimal("750.00")
    assert _history(session, card) == [
        (date(2026, 11, 1), "100.00", "750.00"),
        (date(2026, 10, 1), "50.00", "850.00"),
        (date(2026, 9, 1), "100.00", "900.00"),
    ]


def test_editing_and_deleting_a_payment_put_the_difference_back(session, alex):
    card = _card(session)
    first = _pay(session, card, date(2026, 9, 1), "100.00")
    _pay(session, card, date(2026, 10, 1), "100.00")
    debts.edit_payment(session, card.id, first.id, PaymentInput(amount=Decimal("60.00")))
    assert card.current_balance == Decimal("840.00")
    assert _history(session, card)[1] == (date(2026, 9, 1), "60.00", "940.00")
    assert debts.remove_payment(session, card.id, first.id) == Decimal("900.00")
    assert _history(session, card) == [(date(2026, 10, 1), "100.00", "900.00")]


def test_moving_a_payment_to_a_later_date_reorders_the_balances(session, alex):
    card = _card(session)
    early = _pay(session, card, date(2026, 9, 1), "100.00")
    _pay(session, card, date(2026, 10, 1), "300.00")
    debts.edit_payment(session, card.id, early.id, PaymentInput(date=date(2026, 11, 1)))
    assert card.current_balance == Decimal("600.00")
    assert _history(session, card) == [
        (date(2026, 11, 1), "100.00", "600.00"),
        (date(2026, 10, 1), "300.00", "700.00"),
    ]


def test_a_payment_above_what_is_owed_is_refused_and_nothing_changes(session, alex):
    card = _card(session, "200.00")
    _pay(session, card, date(2026, 10, 1), "150.00")
    session.commit()
    with pytest.raises(ValidationError) as refused:
        _pay(session, card, date(2026, 9, 1), "100.00")  # would take October's 50 below zero
    assert refused.value.fields == {
        "amount": "would take the balance after the payment of 01 Oct 2026 below zero"
    }
    with pytest.raises(ValidationError) as refused:
        _pay(session, card, date(2026, 10, 2), "50.01")
    assert refused.value.fields == {"amount": "is more than the 50.00 owed at that date"}
    session.rollback()
    assert card.current_balance == Decimal("50.00")
    assert _history(session, card) == [(date(2026, 10, 1), "150.00", "50.00")]


def test_a_payment_from_a_transaction_takes_its_day_and_amount_and_only_once(session, alex):
    paid, refund = add_transactions(
        session,
        alex,
        [
            (date(2026, 10, 28), "VISA PAYMENT", "-250.00", None),
            (date(2026, 10, 2), "Refund", "20.00", None),
        ],
    )
    card = _card(session)
    payment = debts.add_payment(session, card.id, PaymentInput(transaction_id=paid))
    assert (payment.date, payment.amount, payment.balance_after) == (
        date(2026, 10, 28),
        Decimal("250.00"),
        Decimal("750.00"),
    )
    for transaction_id, field_problem in ((paid, "already pays"), (refund, "not money going out")):
        with pytest.raises(ValidationError) as refused:
            debts.add_payment(session, card.id, PaymentInput(transaction_id=transaction_id))
        assert field_problem in refused.value.fields["transaction_id"]
    # Deleting the transaction keeps the payment, unlinked.
    transactions.remove(session, paid)
    session.commit()
    session.refresh(payment)
    assert (payment.transaction_id, payment.amount) == (None, Decimal("250.00"))


def test_another_ledgers_debt_and_transaction_are_out_of_reach(session, alex):
    card_id = _card(session).id
    session.commit()
    sam = make_user(session, "sam")
    (sams_payment,) = add_transactions(session, sam, [(date(2026, 10, 1), "Sam", "-10.00", None)])
    tenancy.set_ledger(session, alex.id)
    with pytest.raises(ValidationError) as refused:
        debts.add_payment(session, card_id, PaymentInput(transaction_id=sams_payment))
    assert refused.value.fields == {"transaction_id": "is not one of your transactions"}
    session.rollback()
    paying = PaymentInput(date=date(2026, 10, 1), amount=Decimal("10.00"))
    with tenancy.acting_as(session, sam.id):
        for attempt in (
            lambda: debts.get(session, card_id),
            lambda: debts.add_payment(session, card_id, paying),
            lambda: debts.remove(session, card_id),
        ):
            with pytest.raises(NotFound):
                attempt()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(DebtPayment)) == 0
    assert session.scalar(select(func.count()).select_from(Debt)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"current_balance": Decimal("-1.00")}, "current_balance"),
        ({"interest_rate": Decimal("-0.5")}, "interest_rate"),
        ({"interest_rate": Decimal("100.5")}, "interest_rate"),
        ({"interest_rate": Decimal("19.9999")}, "interest_rate"),
        ({"minimum_payment": Decimal("1.234")}, "minimum_payment"),
        ({"debt_type": "payday"}, "debt_type"),
        ({"due_day": 32}, "due_day"),
        ({"name": "  "}, "name"),
        ({"owner_id": 2**40}, "owner_id"),
    ],
)
def test_bad_debts_are_refused_naming_the_field_and_nothing_is_written(
    session, alex, changes, field
):
    with pytest.raises(ValidationError) as refused:
        _card(session, **changes)
    assert field in refused.value.fields
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Debt)) == 0


def test_the_plan_takes_active_debts_with_a_balance(session, alex):
    _card(session)
    _card(
        session,
        "400.00",
        name="Store card",
        interest_rate=Decimal("12"),
        minimum_payment=Decimal("25"),
    )
    _card(session, "0.00", name="Paid off")
    _card(session, "900.00", name="Paused", is_active=False)
    plan = debts.plan(session, "avalanche", Decimal("200"), (2026, 1))
    assert [d.name for d in plan.debts] == ["Store card", "Visa"]
    # The hand-computed case of tests/services/test_payoff.py, from the database this time.
    assert (plan.months_to_debt_free, plan.debt_free_month, plan.total_interest) == (
        6,
        "2026-06",
        Decimal("71.91"),
    )
    for strategy, extra, field in (
        ("fastest", Decimal("1"), "strategy"),
        ("avalanche", Decimal("-1"), "extra"),
    ):
        with pytest.raises(ValidationError) as refused:
            debts.plan(session, strategy, extra, (2026, 1))
        assert field in refused.value.fields


def test_a_payment_waits_for_another_on_the_same_debt(session, alex, db_url):
    """Each payment rewrites the balance: a second one at the same moment must read the
    balance the first one left, or one of the two would be lost."""
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: there is no second one to race")
    card_id = _card(session).id
    session.commit()
    _pay(session, debts.get(session, card_id), date(2026, 10, 1), "100.00")  # not committed

    def second_payment() -> None:
        with Session(session.get_bind()) as other:
            tenancy.set_ledger(other, alex.id)
            paying = PaymentInput(date=date(2026, 10, 2), amount=Decimal("50.00"))
            debts.add_payment(other, card_id, paying)
            other.commit()

    racing = threading.Thread(target=second_payment)
    racing.start()
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with Session(session.get_bind()) as watcher:
        while racing.is_alive() and not watcher.scalar(waiting):
            watcher.rollback()  # a fresh snapshot of who waits
    session.commit()
    racing.join()
    session.expire_all()
    assert debts.get(session, card_id).current_balance == Decimal("850.00")


def test_payable_transactions_are_money_out_not_yet_paying_a_debt_newest_first(session, alex):
    older, linked, refund, newer = add_transactions(
        session,
        alex,
        [
            (date(2026, 9, 28), "VISA PAYMENT", "-100.00", None),
            (date(2026, 10, 28), "VISA PAYMENT", "-250.00", None),
            (date(2026, 10, 29), "Refund", "20.00", None),
            (date(2026, 10, 30), "Groceries", "-42.17", None),
        ],
    )
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 11, 1), "Sam's", "-10.00", None)])
    tenancy.set_ledger(session, alex.id)
    card = _card(session)
    payment = debts.add_payment(session, card.id, PaymentInput(transaction_id=linked))
    _pay(session, card, date(2026, 11, 2), "10.00")  # no transaction
    assert [t.id for t in debts.payable_transactions(session)] == [newer, older]
    assert [t.id for t in debts.payable_transactions(session, limit=1)] == [newer]
    found = debts.paid_by(session, debts.payments(session, card))
    assert list(found) == [linked]
    assert found[linked].description == "VISA PAYMENT"
    assert payment.transaction_id == linked
    assert debts.paid_by(session, []) == {}
    assert refund not in [t.id for t in debts.payable_transactions(session)]


def test_a_ledger_keeps_at_most_a_hundred_debts(session, alex):
    for n in range(debts.MAX_DEBTS):
        _card(session, name=f"Card {n}")
    session.commit()
    with pytest.raises(ValidationError) as refused:
        _card(session, name="One too many")
    assert "at most 100 debts" in refused.value.fields["debt"]
    session.rollback()
    sam = make_user(session, "sam")  # another ledger counts its own
    with tenancy.acting_as(session, sam.id):
        assert _card(session).name == "Visa"
