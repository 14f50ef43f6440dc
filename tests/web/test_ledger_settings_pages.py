"""The settings pages: categories, owners and categorisation rules."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Category, Owner, Rule, Transaction
from homeledger.services import categories, rules
from homeledger.services.rules import RuleSpec
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/settings/owners").get_data(as_text=True))


def _all(session, user, model) -> list:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(model).order_by(model.id)))


def _build(session, user, make) -> int:
    """Run a service call in ``user``'s ledger and commit; the id of what it made."""
    with tenancy.acting_as(session, user.id):
        made_id = make().id
        session.commit()
        return made_id


@pytest.mark.parametrize(
    "path", ["/settings/categories", "/settings/owners", "/settings/rules", "/settings/rules/new"]
)
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- categories -----------------------------------------------------------------------------


def test_categories_page_lists_the_ledgers_categories(signed_in):
    html = signed_in.get("/settings/categories").get_data(as_text=True)
    assert 'value="Groceries"' in html and "Merge categories" in html


def test_add_a_category(session, signed_in, alex):
    response = signed_in.post(
        "/settings/categories",
        data={
            "name": "Pets",
            "type": "expense",
            "color": "#123456",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302
    pets = [c for c in _all(session, alex, Category) if c.name == "Pets"]
    assert [(c.type, c.color) for c in pets] == [("expense", "#123456")]
    assert 'value="Pets"' in signed_in.get("/settings/categories").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "groceries", "color": "#123456"}, "You already have a category called"),
        ({"name": "Pets", "color": "red"}, "Must be a colour like #1e88e5."),
        ({"name": "", "color": "#123456"}, "Enter a name."),
    ],
)
def test_a_bad_new_category_is_a_400_and_adds_nothing(session, signed_in, alex, data, message):
    before = len(_all(session, alex, Category))
    response = signed_in.post(
        "/settings/categories",
        data=data | {"type": "expense", "csrf_token": _csrf(signed_in)},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert len(_all(session, alex, Category)) == before


def test_rename_recolour_retype_and_deactivate_a_category(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        cid = category_id(session, "Groceries")
    prefix = f"category-{cid}-"
    response = signed_in.post(
        f"/settings/categories/{cid}",
        data={
            f"{prefix}name": "Food",
            f"{prefix}type": "transfer",
            f"{prefix}color": "#00ff00",
            f"{prefix}csrf_token": _csrf(signed_in),
        },  # an unticked checkbox is simply absent: inactive
    )
    assert response.status_code == 302
    (food,) = [c for c in _all(session, alex, Category) if c.id == cid]
    assert (food.name, food.type, food.color, food.is_active) == (
        "Food",
        "transfer",
        "#00ff00",
        False,
    )


def test_a_bad_rename_is_a_400_and_changes_nothing(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        cid = category_id(session, "Groceries")
    prefix = f"category-{cid}-"
    response = signed_in.post(
        f"/settings/categories/{cid}",
        data={
            f"{prefix}name": "Dining Out",
            f"{prefix}type": "expense",
            f"{prefix}color": "#00ff00",
            f"{prefix}is_active": "y",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 400
    assert "You already have a category called" in response.get_data(as_text=True)
    assert [c.name for c in _all(session, alex, Category) if c.id == cid] == ["Groceries"]


def test_another_ledgers_category_or_owner_is_404(session, signed_in, alex):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        theirs = category_id(session, "Groceries")
    owner = _build(session, sam, lambda: categories.create_owner(session, "Sam"))
    token = {"csrf_token": _csrf(signed_in)}
    assert signed_in.post(f"/settings/categories/{theirs}", data=token).status_code == 404
    assert signed_in.post(f"/settings/owners/{owner}", data=token).status_code == 404


def test_merge_categories_moves_transactions_and_deletes_the_source(session, signed_in, alex):
    add_transactions(session, alex, [(date(2024, 3, 1), "Tesco", "-5.00", "Groceries")])
    with tenancy.acting_as(session, alex.id):
        source, target = category_id(session, "Groceries"), category_id(session, "Dining Out")
    data = {"source": str(source), "target": str(target), "csrf_token": _csrf(signed_in)}
    question = signed_in.post("/settings/categories/merge", data=data)
    assert "1 transaction moves from “Groceries” to “Dining Out”" in question.get_data(True)
    confirmed = data | {"confirmed": f"{source}>{target}:1"}
    response = signed_in.post("/settings/categories/merge", data=confirmed)
    assert response.status_code == 302
    assert source not in {c.id for c in _all(session, alex, Category)}
    assert [t.category_id for t in _all(session, alex, Transaction)] == [target]


def test_merging_a_category_into_itself_is_a_400(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        source = category_id(session, "Groceries")
    response = signed_in.post(
        "/settings/categories/merge",
        data={"source": str(source), "target": str(source), "csrf_token": _csrf(signed_in)},
    )
    assert response.status_code == 400
    assert "Choose a different one to merge into." in response.get_data(as_text=True)
    assert source in {c.id for c in _all(session, alex, Category)}


# --- owners ---------------------------------------------------------------------------------


def test_add_rename_and_deactivate_an_owner(session, signed_in, alex):
    token = _csrf(signed_in)
    response = signed_in.post("/settings/owners", data={"name": "Alex", "csrf_token": token})
    assert response.status_code == 302
    (owner,) = _all(session, alex, Owner)
    prefix = f"owner-{owner.id}-"
    response = signed_in.post(
        f"/settings/owners/{owner.id}", data={f"{prefix}name": "Alexandra", "csrf_token": token}
    )
    assert response.status_code == 302
    (owner,) = _all(session, alex, Owner)
    assert (owner.name, owner.is_active) == ("Alexandra", False)
    assert 'value="Alexandra"' in signed_in.get("/settings/owners").get_data(as_text=True)


def test_an_empty_or_taken_owner_name_is_a_400(session, signed_in, alex):
    _build(session, alex, lambda: categories.create_owner(session, "Alex"))
    token = _csrf(signed_in)
    for name, message in (("", "Enter a name."), ("ALEX", "is already one of your owners")):
        response = signed_in.post("/settings/owners", data={"name": name, "csrf_token": token})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert [o.name for o in _all(session, alex, Owner)] == ["Alex"]


def test_merge_owners(session, signed_in, alex):
    first = _build(session, alex, lambda: categories.create_owner(session, "Al"))
    second = _build(session, alex, lambda: categories.create_owner(session, "Alex"))
    data = {"source": str(first), "target": str(second), "csrf_token": _csrf(signed_in)}
    question = signed_in.post("/settings/owners/merge", data=data)
    assert "Merge “Al” into “Alex”?" in question.get_data(as_text=True)
    confirmed = data | {"confirmed": f"{first}>{second}:0"}
    response = signed_in.post("/settings/owners/merge", data=confirmed)
    assert response.status_code == 302
    assert [o.name for o in _all(session, alex, Owner)] == ["Alex"]


# --- rules ----------------------------------------------------------------------------------


def _rule_data(session, user, **changes) -> dict:
    with tenancy.acting_as(session, user.id):
        groceries = category_id(session, "Groceries")
    return {
        "name": "Supermarket",
        "match_type": "contains",
        "pattern": "tesco",
        "priority": "10",
        "set_category": str(groceries),
        "set_owner": "",
        "is_active": "y",
    } | changes


def test_create_a_rule_and_see_it_listed_in_priority_order(session, signed_in, alex):
    token = _csrf(signed_in)
    for name, priority in (("Later", "50"), ("First", "5")):
        data = _rule_data(session, alex, name=name, priority=priority, csrf_token=token)
        assert signed_in.post("/settings/rules/new", data=data).status_code == 302
    html = signed_in.get("/settings/rules").get_data(as_text=True)
    table = html[html.index("<tbody>") :]
    assert table.index("First") < table.index("Later") and "Groceries" in table


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"match_type": "regex", "pattern": "(unclosed"}, "Is not a valid regular expression"),
        ({"match_type": "regex", "pattern": "^(a|aa)+$"}, "May take exponential time: a repeated"),
        ({"set_category": ""}, "A rule must set a category, an owner or both."),
        ({"priority": "soon"}, "Not a valid integer value."),
        ({"amount_min": "10", "amount_max": "5"}, "Must not be below the minimum."),
        ({"amount_min": "99,999,999,999"}, "Is implausibly large."),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field_and_saves_nothing(
    session, signed_in, alex, changes, message
):
    data = _rule_data(session, alex, csrf_token=_csrf(signed_in), **changes)
    response = signed_in.post("/settings/rules/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _all(session, alex, Rule) == []


def _make_rule(session, user, name: str = "Supermarket") -> int:
    with tenancy.acting_as(session, user.id):
        groceries = category_id(session, "Groceries")
    return _build(
        session,
        user,
        lambda: rules.create_rule(session, RuleSpec(name, "tesco", set_category_id=groceries)),
    )


def test_edit_and_delete_a_rule(session, signed_in, alex):
    rule = _make_rule(session, alex)
    token = _csrf(signed_in)
    assert 'value="tesco"' in signed_in.get(f"/settings/rules/{rule}/edit").get_data(as_text=True)
    data = _rule_data(session, alex, pattern="sainsbury", csrf_token=token)
    assert signed_in.post(f"/settings/rules/{rule}/edit", data=data).status_code == 302
    assert [r.pattern for r in _all(session, alex, Rule)] == ["sainsbury"]
    question = signed_in.get(f"/settings/rules/{rule}/delete").get_data(as_text=True)
    assert "Delete the rule “Supermarket”?" in question
    confirmed = {"csrf_token": token, "confirmed": "yes"}
    response = signed_in.post(f"/settings/rules/{rule}/delete", data=confirmed)
    assert response.status_code == 302
    assert _all(session, alex, Rule) == []


def test_another_ledgers_rule_is_404(session, signed_in, alex):
    theirs = _make_rule(session, make_user(session, "sam"))
    token = _csrf(signed_in)
    assert signed_in.get(f"/settings/rules/{theirs}/edit").status_code == 404
    data = _rule_data(session, alex, csrf_token=token)
    assert signed_in.post(f"/settings/rules/{theirs}/edit", data=data).status_code == 404
    delete = {"csrf_token": token, "confirmed": "yes"}
    assert signed_in.post(f"/settings/rules/{theirs}/delete", data=delete).status_code == 404
    assert signed_in.get(f"/settings/rules/{theirs}/delete").status_code == 404


def test_apply_rules_previews_the_count_then_applies_on_confirm(session, signed_in, alex):
    _make_rule(session, alex)
    add_transactions(
        session,
        alex,
        [
            (date(2024, 3, 1), "TESCO STORES", "-5.00", None),
            (date(2024, 3, 2), "Tesco Express", "-3.00", None),
            (date(2024, 3, 3), "Rent", "-900.00", None),
        ],
    )
    preview = signed_in.get("/settings/rules/apply").get_data(as_text=True)
    assert 'data-testid="change-count">2<' in preview
    assert all(t.category_id is None for t in _all(session, alex, Transaction))

    response = signed_in.post(
        "/settings/rules/apply",
        data={
            "only_uncategorised": "1",
            "confirm_count": "2",
            "csrf_token": csrf_token_from(preview),
        },
    )
    assert response.status_code == 302
    with tenancy.acting_as(session, alex.id):
        groceries = category_id(session, "Groceries")
    changed = {t.description: t.category_id for t in _all(session, alex, Transaction)}
    assert changed == {"TESCO STORES": groceries, "Tesco Express": groceries, "Rent": None}
    assert "2 transactions changed" in signed_in.get("/settings/rules").get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/settings/categories", "/settings/owners", "/settings/rules/1/edit"]
)
def test_every_element_id_on_a_settings_page_is_unique(session, signed_in, alex, path):
    _build(session, alex, lambda: categories.create_owner(session, "Alex"))
    _build(session, alex, lambda: categories.create_owner(session, "Sam"))
    _make_rule(session, alex)
    html = signed_in.get(path).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert ids and len(ids) == len(set(ids))
