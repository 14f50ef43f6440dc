"""The first three wizard steps' saving: the owners' and categories' lists are what the
ledger holds afterwards, rows in use are kept (inactive) rather than deleted, and any bad
row is refused by its place in the list with nothing written."""

from __future__ import annotations

import pytest

from homeledger import tenancy
from homeledger.models import Category, Owner
from homeledger.services import onboarding_household as household
from homeledger.services.errors import ValidationError
from homeledger.services.onboarding_household import CategoryRow, OwnerRow
from tests.household_steps import SEED_NAMES, ids, ledger, new_user, spend


def _save_owners(session, user, rows):
    with tenancy.acting_as(session, user.id):
        household.save_owners(session, rows)
        session.commit()


def _save_categories(session, user, rows):
    with tenancy.acting_as(session, user.id):
        household.save_categories(session, rows)
        session.commit()


def _refused(session, user, save, rows) -> dict[str, str]:
    with tenancy.acting_as(session, user.id), pytest.raises(ValidationError) as refused:
        save(session, rows)
    session.rollback()
    return refused.value.fields


def test_owners_listed_are_kept_renamed_added_and_the_rest_removed(session):
    sam = new_user(session, step="owners", owners=["Sam", "Kim", "Lee"])
    spend(session, sam.id, owner="Kim")
    owner = ids(session, sam.id, Owner)

    _save_owners(session, sam, [OwnerRow(id=owner["Sam"], name="Samuel"), OwnerRow(name="Joint")])

    # Kim has a transaction: kept, inactive; Lee had nothing: gone.
    assert ledger(session, sam.id)["owners"] == {"Samuel": True, "Joint": True, "Kim": False}
    assert ids(session, sam.id, Owner)["Samuel"] == owner["Sam"]


def test_owners_may_swap_names(session):
    sam = new_user(session, step="owners", owners=["Me", "Joint"])
    owner = ids(session, sam.id, Owner)

    swapped = [OwnerRow(id=owner["Me"], name="Joint"), OwnerRow(id=owner["Joint"], name="Me")]
    _save_owners(session, sam, swapped)

    assert ids(session, sam.id, Owner) == {"Joint": owner["Me"], "Me": owner["Joint"]}


def test_an_owner_removed_while_in_use_comes_back_when_listed_again(session):
    sam = new_user(session, step="owners", owners=["Sam", "Kim"])
    spend(session, sam.id, owner="Kim")
    kim = ids(session, sam.id, Owner)["Kim"]
    _save_owners(session, sam, [OwnerRow(name="Sam", id=ids(session, sam.id, Owner)["Sam"])])
    assert ledger(session, sam.id)["owners"] == {"Sam": True, "Kim": False}

    _save_owners(session, sam, [OwnerRow(name="Sam"), OwnerRow(name="kim")])

    assert ledger(session, sam.id)["owners"] == {"Sam": True, "kim": True}
    assert ids(session, sam.id, Owner)["kim"] == kim  # its transaction still counts for it


@pytest.mark.parametrize(
    ("rows", "field", "words"),
    [
        ([], "owners", "at least one"),
        ([OwnerRow(name="Me"), OwnerRow(name="  ")], "owners.1.name", "required"),
        ([OwnerRow(name="x" * 65)], "owners.0.name", "64"),
        ([OwnerRow(name="Me"), OwnerRow(name="JOINT"), OwnerRow(name="joint")], "owners.2.name",
         "“joint” is listed twice"),
        ([OwnerRow(name="Me", id=999_999)], "owners.0.id", "not one of your owners"),
        ([OwnerRow(name="Me", id=2**40)], "owners.0.id", "not one of your owners"),
    ],
)  # fmt: skip
def test_bad_owner_lists_are_refused_by_place_and_nothing_changes(session, rows, field, words):
    sam = new_user(session, step="owners", owners=["Sam", "Kim"])
    before = ledger(session, sam.id)

    problems = _refused(session, sam, household.save_owners, rows)

    assert field in problems and words in problems[field]
    assert ledger(session, sam.id) == before


def test_an_owner_of_another_ledger_is_not_one_of_yours(session):
    other = new_user(session, "robin", owners=["Robin"])
    sam = new_user(session, step="owners", owners=["Sam"])
    robin = ids(session, other.id, Owner)["Robin"]

    problems = _refused(session, sam, household.save_owners, [OwnerRow(id=robin, name="Robin")])

    assert problems == {"owners.0.id": "is not one of your owners"}
    assert ledger(session, other.id)["owners"] == {"Robin": True}


def test_categories_are_renamed_retyped_dropped_and_added(session):
    sam = new_user(session, step="categories")
    spend(session, sam.id, category="Dining Out")
    category = ids(session, sam.id, Category)
    kept = [
        CategoryRow(id=category_id, name=name)
        for name, category_id in category.items()
        if name not in ("Groceries", "Dining Out", "Insurance", "Transfers")
    ]

    _save_categories(
        session,
        sam,
        [
            *kept,
            CategoryRow(id=category["Groceries"], name="Food"),
            CategoryRow(id=category["Transfers"], name="Transfers", type="income"),
            CategoryRow(name="Pets", type="expense", color="#123456"),
            CategoryRow(name="Pocket money"),
        ],
    )

    shown = ledger(session, sam.id)["categories"]
    assert shown["Food"] == ("expense", True)
    assert shown["Transfers"] == ("income", True)
    assert shown["Pets"] == shown["Pocket money"] == ("expense", True)
    assert shown["Dining Out"] == ("expense", False)  # a transaction uses it
    assert "Insurance" not in shown and "Groceries" not in shown
    assert ids(session, sam.id, Category)["Food"] == category["Groceries"]


@pytest.mark.parametrize(
    ("rows", "field", "words"),
    [
        ([CategoryRow(name="Groceries"), CategoryRow(name="groceries")], "categories.1.name",
         "listed twice"),
        ([CategoryRow(name="Rent"), CategoryRow(name="")], "categories.1.name", "required"),
        ([CategoryRow(name="Rent", type="savings")], "categories.0.type", "expense, income"),
        ([CategoryRow(name="Rent", color="red")], "categories.0.color", "colour"),
        ([CategoryRow(name="Rent", id=999_999)], "categories.0.id", "not one of your categories"),
        ([CategoryRow(name="Pay", type="income")], "categories", "expense"),
        ([], "categories", "expense"),
    ],
)  # fmt: skip
def test_bad_category_lists_are_refused_by_place_and_nothing_changes(session, rows, field, words):
    sam = new_user(session, step="categories")
    before = ledger(session, sam.id)
    assert set(before["categories"]) == SEED_NAMES

    problems = _refused(session, sam, household.save_categories, rows)

    assert field in problems and words in problems[field]
    assert ledger(session, sam.id) == before


def test_profile_step_saves_the_three_fields_with_the_settings_checks(session):
    sam = new_user(session)
    with tenancy.acting_as(session, sam.id):
        household.save_profile(
            session, sam, display_name="  Sam  ", currency="eur", month_start_day=25
        )
        session.commit()
    assert ledger(session, sam.id)["profile"] == ("Sam", "EUR", 25)

    with tenancy.acting_as(session, sam.id), pytest.raises(ValidationError) as refused:
        household.save_profile(session, sam, display_name="", currency="ZZZ", month_start_day=31)
    session.rollback()
    assert set(refused.value.fields) == {"currency", "month_start_day"}
    assert ledger(session, sam.id)["profile"] == ("Sam", "EUR", 25)
