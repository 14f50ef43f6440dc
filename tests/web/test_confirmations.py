"""Destructive and bulk actions ask first, with the exact count; skipping the question
changes nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Category, ImportBatch, Owner, Rule, Transaction
from homeledger.services import categories, imports, rules
from homeledger.services.rules import RuleSpec
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user

CSV = b"Date,Description,Amount\n" + b"".join(
    f"2026-03-{d:02d},SHOP {d},-{d}.00\n".encode() for d in range(1, 13)
)


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/transactions/new").get_data(as_text=True))


def _all(session, user, model) -> list:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(model).order_by(model.id)))


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _batch(session, user) -> int:
    with tenancy.acting_as(session, user.id):
        batch_id = imports.commit(session, "bank.csv", CSV).id
        session.commit()
    return batch_id


# --- undo an import -------------------------------------------------------------------------


def test_undo_says_how_many_rows_go_and_that_only_a_reimport_brings_them_back(
    session, signed_in, alex
):
    batch_id = _batch(session, alex)
    page = signed_in.get(f"/imports/batches/{batch_id}/undo")
    text = _text(page)
    assert page.status_code == 200
    assert "Delete 12 transactions imported on" in text and "from bank.csv?" in text
    assert "This cannot be undone" in text and "import the same file again" in text
    assert len(_all(session, alex, Transaction)) == 12  # asking deletes nothing


@pytest.mark.parametrize("confirm_count", [None, "", "11", "9999"])
def test_undo_without_the_confirmed_count_changes_nothing(session, signed_in, alex, confirm_count):
    batch_id = _batch(session, alex)
    data = {"csrf_token": _csrf(signed_in)}
    if confirm_count is not None:
        data["confirm_count"] = confirm_count
    response = signed_in.post(f"/imports/batches/{batch_id}/undo", data=data)
    assert response.status_code == 400
    assert "Delete 12 transactions" in _text(response)  # asked again, with the count
    assert len(_all(session, alex, Transaction)) == 12
    assert _all(session, alex, ImportBatch)[0].undone_at is None


def test_the_undo_count_is_of_the_rows_still_there(session, signed_in, alex):
    batch_id = _batch(session, alex)
    with tenancy.acting_as(session, alex.id):
        session.delete(session.scalars(select(Transaction).limit(1)).one())
        session.commit()
    text = _text(signed_in.get(f"/imports/batches/{batch_id}/undo"))
    assert "Delete 11 transactions" in text and "Of the 12 rows this import added" in text
    stale = {"csrf_token": _csrf(signed_in), "confirm_count": "12"}
    assert signed_in.post(f"/imports/batches/{batch_id}/undo", data=stale).status_code == 400
    assert len(_all(session, alex, Transaction)) == 11


def test_answering_an_undo_question_after_the_import_was_undone_says_so(session, signed_in, alex):
    """Asked in one tab, undone in another: the answer says it was already undone, not
    that the number of rows changed and to check again."""
    batch_id = _batch(session, alex)
    answer = {"csrf_token": _csrf(signed_in), "confirm_count": "12"}
    with tenancy.acting_as(session, alex.id):
        imports.undo(session, batch_id)
        session.commit()
    response = signed_in.post(f"/imports/batches/{batch_id}/undo", data=answer)
    assert response.status_code == 400
    text = _text(response)
    assert "This import was already undone: nothing was deleted." in text
    assert "changed since you were asked" not in text


def test_another_ledgers_undo_question_is_404(session, signed_in, alex):
    batch_id = _batch(session, make_user(session, "sam"))
    assert signed_in.get(f"/imports/batches/{batch_id}/undo").status_code == 404


# --- apply to all matching ------------------------------------------------------------------


@pytest.fixture
def shops(session, alex):
    add_transactions(
        session,
        alex,
        [(date(2024, 3, d), f"Tesco {d}", "-1.00", None) for d in range(1, 8)]
        + [(date(2024, 3, 1), "Rent", "-900.00", None)],
    )
    with tenancy.acting_as(session, alex.id):
        return category_id(session, "Groceries")


def _bulk(groceries: int, token: str, **extra) -> dict:
    return {
        "bulk-category": str(groceries),
        "bulk-owner": "",
        "bulk-apply_all": "Apply to all",
        "csrf_token": token,
    } | extra


def test_all_matching_asks_with_the_count_and_changes_nothing_yet(session, signed_in, alex, shops):
    response = signed_in.post(
        "/transactions/bulk?search=tesco", data=_bulk(shops, _csrf(signed_in))
    )
    text = _text(response)
    assert response.status_code == 200
    assert "Change 7 transactions?" in text
    assert "Set the category to “Groceries” on 7 transactions that match this filter" in text
    assert "Search tesco" in text
    assert all(t.category_id is None for t in _all(session, alex, Transaction))


@pytest.mark.parametrize("count", ["6", "8", "x"])
def test_all_matching_with_another_count_changes_nothing(session, signed_in, alex, shops, count):
    data = _bulk(shops, _csrf(signed_in), **{"bulk-confirm_count": count})
    response = signed_in.post("/transactions/bulk?search=tesco", data=data)
    assert "Change 7 transactions?" in _text(response)
    assert all(t.category_id is None for t in _all(session, alex, Transaction))


def test_the_question_names_the_filter_in_words(session, signed_in, alex, shops):
    path = "/transactions/bulk?search=tesco&month=2024-03&category=none&amount_max=-0.50"
    text = _text(signed_in.post(path, data=_bulk(shops, _csrf(signed_in))))
    assert "Change 7 transactions?" in text
    assert "Month March 2024" in text and "Category Uncategorised" in text
    assert "Amount to -$0.50" in text


def test_a_filter_the_ledger_refuses_is_a_400_not_a_question(session, signed_in, alex, shops):
    response = signed_in.post(
        "/transactions/bulk?month=1800-01", data=_bulk(shops, _csrf(signed_in))
    )
    assert response.status_code == 400
    assert "Choose a month between 1900 and 2199." in _text(response)
    assert all(t.category_id is None for t in _all(session, alex, Transaction))


def test_the_whole_ledger_needs_its_own_tick(session, signed_in, alex, shops):
    token = _csrf(signed_in)
    question = signed_in.post("/transactions/bulk", data=_bulk(shops, token))
    text = _text(question)
    assert "every one of the 8 transactions in the ledger" in text
    assert "Yes, change every transaction in the ledger (8 transactions)" in text

    counted = _bulk(shops, token, **{"bulk-confirm_count": "8"})
    refused = signed_in.post("/transactions/bulk", data=counted)
    assert refused.status_code == 400
    assert "Tick this to change every transaction in the ledger." in _text(refused)
    assert all(t.category_id is None for t in _all(session, alex, Transaction))

    ticked = signed_in.post("/transactions/bulk", data=counted | {"bulk-whole_ledger": "y"})
    assert ticked.status_code == 302
    assert {t.category_id for t in _all(session, alex, Transaction)} == {shops}


def test_the_list_offers_all_matching_with_its_count_or_the_whole_ledger(signed_in, shops):
    assert "Apply to all 7 matching…" in signed_in.get("/transactions?search=tesco").get_data(True)
    assert "Apply to the whole ledger…" in signed_in.get("/transactions").get_data(True)


# --- merging (deleting) a category or an owner ----------------------------------------------


def test_merging_categories_asks_with_the_count_first(session, signed_in, alex, shops):
    add_transactions(session, alex, [(date(2024, 4, 1), "Tesco", "-2.00", "Groceries")])
    with tenancy.acting_as(session, alex.id):
        dining = category_id(session, "Dining Out")
    data = {"source": str(shops), "target": str(dining), "csrf_token": _csrf(signed_in)}
    question = signed_in.post("/settings/categories/merge", data=data)
    assert "Merge “Groceries” into “Dining Out”?" in _text(question)
    assert "1 transaction moves from “Groceries” to “Dining Out”" in _text(question)
    assert "the category “Groceries” is deleted" in _text(question)
    # Its recurring bills move too: the question said only "with its budgets and rules".
    assert "with its budgets, recurring bills and rules" in _text(question)
    assert "This cannot be undone." in _text(question)
    for forged in ("", f"{shops}>{dining}:5", f"{dining}>{shops}:1", "yes"):
        signed_in.post("/settings/categories/merge", data=data | {"confirmed": forged})
    assert shops in {c.id for c in _all(session, alex, Category)}


def test_merging_owners_without_the_question_changes_nothing(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        al, alex_owner = (o.id for o in categories.add_owners(session, ["Al", "Alex"]))
        session.commit()
    data = {"source": str(al), "target": str(alex_owner), "csrf_token": _csrf(signed_in)}
    question = signed_in.post("/settings/owners/merge", data=data)
    assert "0 transactions move from “Al” to “Alex”" in _text(question)
    assert len(_all(session, alex, Owner)) == 2


# --- rules ----------------------------------------------------------------------------------


def _rule(session, user) -> int:
    with tenancy.acting_as(session, user.id):
        groceries = category_id(session, "Groceries")
        rule_id = rules.create_rule(
            session, RuleSpec("Tesco", "tesco", set_category_id=groceries)
        ).id
        session.commit()
    return rule_id


@pytest.mark.parametrize("confirmed", [None, "", "no"])
def test_deleting_a_rule_without_the_question_changes_nothing(session, signed_in, alex, confirmed):
    rule_id = _rule(session, alex)
    data = {"csrf_token": _csrf(signed_in)} | ({"confirmed": confirmed} if confirmed else {})
    response = signed_in.post(f"/settings/rules/{rule_id}/delete", data=data)
    assert response.status_code == 400
    assert "Delete the rule “Tesco”?" in _text(response)
    assert len(_all(session, alex, Rule)) == 1


def test_applying_rules_without_the_previewed_count_changes_nothing(
    session, signed_in, alex, shops
):
    _rule(session, alex)
    preview = _text(signed_in.get("/settings/rules/apply"))
    assert "7 transactions would change" in preview
    for count in (None, "3", "0"):
        data = {"only_uncategorised": "1", "csrf_token": _csrf(signed_in)}
        if count is not None:
            data["confirm_count"] = count
        response = signed_in.post("/settings/rules/apply", data=data)
        assert response.headers["Location"].startswith("/settings/rules/apply")
    assert all(t.category_id is None for t in _all(session, alex, Transaction))
    confirmed = {"only_uncategorised": "1", "confirm_count": "7", "csrf_token": _csrf(signed_in)}
    assert signed_in.post("/settings/rules/apply", data=confirmed).headers["Location"] == (
        "/settings/rules"
    )
    assert sum(t.category_id == shops for t in _all(session, alex, Transaction)) == 7
