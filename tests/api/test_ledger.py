"""The ledger over the API: the same services as the web, with one error shape."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import UserSettings
from homeledger.services import accounts
from tests.conftest import api_user


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def sam(session, client):
    return api_user(session, client, "sam")


def _category(client, headers, name):
    listing = client.get("/api/v1/categories", headers=headers).get_json()
    return next(c["id"] for c in listing if c["name"] == name)


def test_record_find_edit_and_delete_a_transaction(client, alex):
    groceries = _category(client, alex, "Groceries")
    created = client.post(
        "/api/v1/transactions",
        headers=alex,
        json={
            "date": "2026-03-02",
            "description": "Farmers market",
            "amount": "-31.20",
            "category_id": groceries,
        },
    )
    assert created.status_code == 201
    row = created.get_json()
    assert row["amount"] == "-31.20" and row["category_id"] == groceries

    found = client.get("/api/v1/transactions?search=farmers&month=2026-03", headers=alex)
    assert [t["id"] for t in found.get_json()["items"]] == [row["id"]]

    edited = client.patch(
        f"/api/v1/transactions/{row['id']}",
        headers=alex,
        json={"amount": "-35.00", "category_id": None},
    )
    assert edited.get_json()["amount"] == "-35.00" and edited.get_json()["category_id"] is None

    assert client.delete(f"/api/v1/transactions/{row['id']}", headers=alex).status_code == 204
    assert client.get(f"/api/v1/transactions/{row['id']}", headers=alex).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-03-02", "amount": -31.2}, "amount"),  # a float: refused, not rounded
        ({"date": "2026-03-02", "amount": "12.345"}, "amount"),
        ({"date": "2026-02-30", "amount": "1.00"}, "date"),
        ({"amount": "1.00"}, "date"),
        ({"date": "2026-03-02", "amount": "1.00", "category_id": 999999}, "category_id"),
    ],
)
def test_bad_transactions_are_422_naming_the_field(client, alex, body, field):
    response = client.post("/api/v1/transactions", headers=alex, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/transactions", headers=alex).get_json()["items"] == []


def test_keyset_pages_through_the_api(client, alex):
    for day in range(1, 8):
        client.post(
            "/api/v1/transactions",
            headers=alex,
            json={"date": f"2026-03-0{day}", "amount": "-1.00"},
        )
    first = client.get("/api/v1/transactions?limit=5", headers=alex).get_json()
    rest = client.get(
        f"/api/v1/transactions?limit=5&cursor={first['next_cursor']}", headers=alex
    ).get_json()
    dates = [t["date"] for t in first["items"] + rest["items"]]
    assert dates == [f"2026-03-0{d}" for d in range(7, 0, -1)]
    assert rest["next_cursor"] is None
    assert first["previous_cursor"] is None
    back = client.get(
        f"/api/v1/transactions?limit=5&cursor={rest['previous_cursor']}", headers=alex
    ).get_json()
    assert back["items"] == first["items"] and back["previous_cursor"] is None
    bad = client.get("/api/v1/transactions?cursor=nonsense", headers=alex)
    assert bad.status_code == 422 and "cursor" in bad.get_json()["error"]["fields"]


def test_a_month_filter_follows_the_ledgers_month_start_day(session, client, alex):
    for day in ("2026-03-01", "2026-03-14", "2026-03-15", "2026-04-14", "2026-04-15"):
        client.post("/api/v1/transactions", headers=alex, json={"date": day, "amount": "-1.00"})
    user = accounts.find_user(session, "alex")
    with tenancy.acting_as(session, user.id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        session.commit()

    march = client.get("/api/v1/transactions?month=2026-03", headers=alex).get_json()
    assert [t["date"] for t in march["items"]] == ["2026-04-14", "2026-03-15"]
    both = client.get("/api/v1/transactions?month=2026-03&date_from=2026-03-01", headers=alex)
    assert both.status_code == 422 and "month" in both.get_json()["error"]["fields"]


def test_another_users_transaction_is_a_404_for_every_verb(client, alex, sam):
    row = client.post(
        "/api/v1/transactions", headers=sam, json={"date": "2026-03-02", "amount": "-9.99"}
    ).get_json()
    url = f"/api/v1/transactions/{row['id']}"
    assert client.get(url, headers=alex).status_code == 404
    assert client.patch(url, headers=alex, json={"amount": "0.01"}).status_code == 404
    assert client.delete(url, headers=alex).status_code == 404
    bulk = client.post(
        "/api/v1/transactions/bulk", headers=alex, json={"ids": [row["id"]], "category_id": None}
    )
    assert bulk.get_json() == {"changed": 0}
    assert client.get(url, headers=sam).get_json()["amount"] == "-9.99"


def test_bulk_recategorise_by_filter(client, alex):
    for description in ("SHELL 0421", "SHELL 0999", "Bakery"):
        client.post(
            "/api/v1/transactions",
            headers=alex,
            json={"date": "2026-03-02", "amount": "-5.00", "description": description},
        )
    transport = _category(client, alex, "Transport")
    response = client.post(
        "/api/v1/transactions/bulk",
        headers=alex,
        json={"filter": {"search": "shell"}, "category_id": transport},
    )
    assert response.get_json() == {"changed": 2}
    listed = client.get(f"/api/v1/transactions?category_id={transport}", headers=alex)
    assert len(listed.get_json()["items"]) == 2


def test_categories_owners_and_merge(client, alex):
    pets = client.post("/api/v1/categories", headers=alex, json={"name": "Pets"}).get_json()
    vet = client.post("/api/v1/categories", headers=alex, json={"name": "Vet"}).get_json()
    client.post(
        "/api/v1/transactions",
        headers=alex,
        json={"date": "2026-03-02", "amount": "-80.00", "category_id": vet["id"]},
    )
    merged = client.post(
        f"/api/v1/categories/{vet['id']}/merge", headers=alex, json={"target_id": pets["id"]}
    )
    assert merged.status_code == 200
    rows = client.get(f"/api/v1/transactions?category_id={pets['id']}", headers=alex)
    assert len(rows.get_json()["items"]) == 1
    duplicate = client.post("/api/v1/categories", headers=alex, json={"name": "pets"})
    assert duplicate.status_code == 422 and "name" in duplicate.get_json()["error"]["fields"]
    owner = client.post("/api/v1/owners", headers=alex, json={"name": "Joint"})
    assert owner.status_code == 201
    renamed = client.patch(
        f"/api/v1/owners/{owner.get_json()['id']}", headers=alex, json={"name": "Household"}
    )
    assert renamed.get_json()["name"] == "Household"


def test_rules_apply_with_a_dry_run_first(client, alex):
    client.post(
        "/api/v1/transactions",
        headers=alex,
        json={"date": "2026-03-02", "amount": "-60.00", "description": "SHELL 0421"},
    )
    transport = _category(client, alex, "Transport")
    rule = client.post(
        "/api/v1/rules",
        headers=alex,
        json={"name": "fuel", "pattern": "shell", "set_category_id": transport},
    )
    assert rule.status_code == 201
    dry = client.post("/api/v1/rules/apply", headers=alex, json={"dry_run": True})
    assert dry.get_json() == {"changed": 1, "skipped_rules": []}
    assert (
        client.get(f"/api/v1/transactions?category_id={transport}", headers=alex).get_json()[
            "items"
        ]
        == []
    )
    done = client.post("/api/v1/rules/apply", headers=alex, json={"dry_run": False})
    assert done.get_json() == {"changed": 1, "skipped_rules": []}
    row = client.get("/api/v1/transactions", headers=alex).get_json()["items"][0]
    assert (row["category_id"], row["rule_id"]) == (transport, rule.get_json()["id"])
    bad = client.post(
        "/api/v1/rules",
        headers=alex,
        json={"name": "x", "pattern": "(", "match_type": "regex", "set_category_id": transport},
    )
    assert bad.status_code == 422 and "pattern" in bad.get_json()["error"]["fields"]
