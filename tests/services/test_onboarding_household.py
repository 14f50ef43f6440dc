"""The first three wizard steps' saving: the owners' and categories' lists are what the
ledger holds afterwards, rows in use are kept (inactive) rather than deleted, and any bad
row is refused by its place in the list with nothing written."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Category, Owner
from homeledger.services import onboarding_household as household
from homeledger.services.errors import ValidationError
from homeledger.services.onboarding_household import CategoryRow, OwnerRow
from tests.household_steps import SEED_NAMES, ids, ledger, new_user, spend
from tests.races import someone_waits_on_a_lock


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


@pytest.mark.parametrize("new_name", ["Me", "ME"])
def test_a_name_kept_by_an_owner_still_in_use_cannot_be_given_to_another(session, new_name):
    """Me has a transaction: leaving it out keeps it (inactive) under its name, so Joint
    may not take that name, in any case; nothing changes."""
    sam = new_user(session, step="categories", owners=["Me", "Joint"])
    spend(session, sam.id, owner="Me")
    owner = ids(session, sam.id, Owner)
    before = ledger(session, sam.id)

    rows = [OwnerRow(id=owner["Joint"], name=new_name)]
    problems = _refused(session, sam, household.save_owners, rows)

    assert "still used" in problems["owners.0.name"]
    assert ledger(session, sam.id) == before


def test_a_category_may_take_the_name_of_one_left_out_that_nothing_uses(session):
    sam = new_user(session, step="data")
    category = ids(session, sam.id, Category)
    kept = [CategoryRow(id=i, name=n) for n, i in category.items() if n not in ("Groceries",)]
    kept = [r if r.name != "Dining Out" else CategoryRow(id=r.id, name="Groceries") for r in kept]

    _save_categories(session, sam, kept)

    assert ids(session, sam.id, Category)["Groceries"] == category["Dining Out"]


def test_the_lists_have_a_limit(session):
    sam = new_user(session, step="categories")
    owners = [OwnerRow(name=f"Person {n}") for n in range(household.MAX_OWNERS + 1)]
    many = [CategoryRow(name=f"Kind {n}") for n in range(household.MAX_CATEGORIES + 1)]

    assert "at most" in _refused(session, sam, household.save_owners, owners)["owners"]
    assert "at most" in _refused(session, sam, household.save_categories, many)["categories"]


def test_a_colour_with_a_line_break_after_it_is_refused(session):
    sam = new_user(session, step="categories")
    rows = [CategoryRow(name="Food", color="#123456\n")]

    problems = _refused(session, sam, household.save_categories, rows)

    assert problems["categories.0.color"] == "must be a colour like #1e88e5"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_saves_of_the_owners_at_once_take_turns(db_url, session):
    """A double tap: the second save waits for the first and then finds its names there,
    instead of adding them again and failing on the unique rule."""
    sam = new_user(session, step="owners")
    engine = create_engine(db_url, pool_size=4)
    holding, release = threading.Event(), threading.Event()

    def save(wait: bool) -> None:
        with Session(engine) as other, tenancy.acting_as(other, sam.id):
            household.save_owners(other, [OwnerRow(name="Me"), OwnerRow(name="Joint")])
            if wait:
                holding.set()
                assert release.wait(30)
            other.commit()

    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(save, True)
            assert holding.wait(30), "the first save never got going"
            second = pool.submit(save, False)
            try:
                assert someone_waits_on_a_lock(engine), "the second save did not wait"
            finally:
                release.set()
            first.result(30)
            second.result(30)
    finally:
        engine.dispose()
    assert ledger(session, sam.id)["owners"] == {"Me": True, "Joint": True}
