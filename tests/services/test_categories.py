"""Categories and owners: create, rename, deactivate, and merge without losing history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import Budget, Category, Commitment, Owner, Rule, Transaction
from homeledger.services import categories, rules
from homeledger.services.errors import ValidationError
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def test_create_rename_recolour_deactivate(session, alex):
    pets = categories.create_category(session, " Pet  care ", "expense", "#123abc")
    categories.update_category(session, pets.id, name="Pets", color="#00ff00", is_active=False)
    assert (pets.name, pets.color, pets.is_active) == ("Pets", "#00ff00", False)
    assert pets not in categories.list_categories(session)


@pytest.mark.parametrize(
    ("name", "type_", "color", "field"),
    [
        ("groceries", "expense", None, "name"),
        ("", "expense", None, "name"),
        ("Pets", "spending", None, "type"),
        ("Pets", "expense", "green", "color"),
    ],
)
def test_bad_categories_are_refused_with_the_field(session, alex, name, type_, color, field):
    with pytest.raises(ValidationError) as excinfo:
        categories.create_category(session, name, type_, color)
    assert field in excinfo.value.fields


def test_merging_categories_moves_everything_and_adds_up_budgets(session, alex):
    eating = categories.create_category(session, "Eating out")
    dining = category_id(session, "Dining Out")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "Pizza", "-30.00", "Eating out"),
            (date(2026, 3, 2), "Sushi", "-45.00", "Dining Out"),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    session.add_all(
        [
            Budget(year=2026, month=3, category_id=eating.id, amount=Decimal("100.00")),
            Budget(year=2026, month=3, category_id=dining, amount=Decimal("200.00")),
            Budget(year=2026, month=4, category_id=eating.id, amount=Decimal("50.00")),
            Commitment(
                name="Meal kit", amount=Decimal("60.00"), frequency="weekly", category_id=eating.id
            ),
        ]
    )
    session.flush()
    rule = rules.create_rule(
        session, rules.RuleSpec(name="pizza", pattern="pizza", set_category_id=eating.id)
    )
    total_before = session.scalar(select(func.sum(Transaction.amount)))

    categories.merge_categories(session, eating.id, dining)
    session.commit()

    assert session.get(Category, eating.id) is None
    assert set(session.scalars(select(Transaction.category_id))) == {dining}
    assert session.scalar(select(func.sum(Transaction.amount))) == total_before
    budgets = {(b.month, b.amount) for b in session.scalars(select(Budget))}
    assert budgets == {(3, Decimal("300.00")), (4, Decimal("50.00"))}
    assert session.scalars(select(Commitment.category_id)).one() == dining
    assert session.get(Rule, rule.id).set_category_id == dining


def test_merging_owners_moves_their_rows(session, alex):
    sam = categories.create_owner(session, "Sam")
    samuel = categories.create_owner(session, "Samuel")
    ids = add_transactions(session, alex, [(date(2026, 3, 1), "x", "-1.00", None)])
    tenancy.set_ledger(session, alex.id)
    session.get(Transaction, ids[0]).owner_id = samuel.id
    session.flush()

    categories.merge_owners(session, samuel.id, sam.id)
    session.commit()

    assert session.get(Transaction, ids[0]).owner_id == sam.id
    assert [o.name for o in session.scalars(select(Owner))] == ["Sam"]


def test_merge_into_itself_or_a_missing_category_is_refused(session, alex):
    dining = category_id(session, "Dining Out")
    with pytest.raises(ValidationError):
        categories.merge_categories(session, dining, dining)
    with pytest.raises(Exception, match="no category"):
        categories.merge_categories(session, dining, 999_999)
