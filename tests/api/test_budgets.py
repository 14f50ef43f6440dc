"""Budgets over the API: the shapes the mobile app reads, and bad input writing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import UserSettings
from homeledger.services import categories
from tests.conftest import api_login, api_user, bearer
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session, client):
    user = make_user(session, "alex")
    with tenancy.acting_as(session, user.id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        categories.add_owners(session, ["Alex", "Sam"])
        session.commit()
    add_transactions(
        session,
        user,
        [
            (date(2026, 3, 15), "Supermarket", "-120.00", "Groceries"),
            (date(2026, 4, 2), "Supermarket refund", "20.25", "Groceries"),
            (date(2026, 4, 14), "Corner shop", "-10.00", "Groceries"),
            (date(2026, 4, 15), "Supermarket", "-77.00", "Groceries"),  # April
            (date(2026, 3, 28), "Shoes", "-60.00", "Shopping"),
            (date(2026, 4, 1), "Cash machine", "-12.34", None),
            (date(2026, 4, 5), "To savings", "-1000.00", "Transfers"),
        ],
    )
    return bearer(api_login(client, "alex").get_json()["access_token"])


@pytest.fixture
def sam(session, client):
    return api_user(session, client, "sam")


def _ids(client, headers, kind):
    return {row["name"]: row["id"] for row in client.get(f"/api/v1/{kind}", headers=headers).json}


def test_set_a_budget_and_read_the_month(client, alex):
    ids, owners = _ids(client, alex, "categories"), _ids(client, alex, "owners")
    put = client.put(
        "/api/v1/budgets",
        headers=alex,
        json={"month": "2026-03", "category_id": ids["Groceries"], "amount": "100"},
    )
    assert put.status_code == 200, put.json
    line = put.json
    assert line == {
        "id": line["id"],
        "month": "2026-03",
        "category_id": ids["Groceries"],
        "category": "Groceries",
        "owner_id": None,
        "owner": None,
        "budgeted": "100.00",
        "spent": "109.75",  # 120.00 - 20.25 + 10.00; the 77.00 of 15 April is April's
        "remaining": "-9.75",
        "percent": 109.8,
        "over": True,
    }
    again = client.put(
        "/api/v1/budgets",
        headers=alex,
        json={"month": "2026-03", "category_id": ids["Groceries"], "amount": "150.00"},
    )
    assert again.json["id"] == line["id"] and again.json["remaining"] == "40.25"
    alex_share = client.put(
        "/api/v1/budgets",
        headers=alex,
        json={
            "month": "2026-03",
            "category_id": ids["Groceries"],
            "owner_id": owners["Alex"],
            "amount": "50.00",
        },
    ).json
    assert alex_share["id"] != line["id"] and alex_share["spent"] == "0.00"

    month = client.get("/api/v1/budgets?month=2026-03", headers=alex)
    assert month.status_code == 200
    body = month.json
    assert (body["month"], body["start"], body["end"]) == ("2026-03", "2026-03-15", "2026-04-14")
    assert [(x["id"], x["owner_id"], x["budgeted"], x["spent"]) for x in body["lines"]] == [
        (line["id"], None, "150.00", "109.75"),
        (alex_share["id"], owners["Alex"], "50.00", "0.00"),
    ]
    assert body["unbudgeted"]["spent"] == "72.34"  # the shoes and the cash machine
    assert [c["category"] for c in body["unbudgeted"]["categories"]] == [
        "Shopping",
        "Uncategorised",
    ]
    assert body["totals"] == {"budgeted": "150.00", "spent": "182.09", "remaining": "-32.09"}

    sams = client.get(f"/api/v1/budgets?month=2026-03&owner_id={owners['Sam']}", headers=alex)
    assert [x["spent"] for x in sams.json["lines"]] == ["0.00"]
    assert sams.json["totals"]["spent"] == "0.00"


def test_delete_copy_and_the_year(client, alex):
    ids = _ids(client, alex, "categories")
    put = client.put(
        "/api/v1/budgets",
        headers=alex,
        json={"month": "2026-03", "category_id": ids["Groceries"], "amount": "150.00"},
    ).json
    copied = client.post(
        "/api/v1/budgets/copy", headers=alex, json={"from": "2026-03", "to": "2026-04"}
    )
    assert copied.status_code == 200
    assert copied.json == {"from": "2026-03", "to": "2026-04", "copied": 1, "kept": 0}
    twice = client.post(
        "/api/v1/budgets/copy", headers=alex, json={"from": "2026-03", "to": "2026-04"}
    )
    assert twice.json == {"from": "2026-03", "to": "2026-04", "copied": 0, "kept": 1}

    year = client.get("/api/v1/budgets/year?year=2026", headers=alex).json
    assert [m["month"] for m in year["months"]][:2] == ["2026-01", "2026-02"]
    assert year["months"][2] == {
        "month": "2026-03",
        "start": "2026-03-15",
        "end": "2026-04-14",
        "budgeted": "150.00",
        "spent": "182.09",
    }
    assert year["months"][3]["spent"] == "77.00"
    groceries = next(c for c in year["categories"] if c["category"] == "Groceries")
    assert (groceries["budgeted"], groceries["spent"]) == ("300.00", "186.75")
    assert [c["category"] for c in year["categories"]] == ["Groceries", "Shopping", "Uncategorised"]

    assert client.delete(f"/api/v1/budgets/{put['id']}", headers=alex).status_code == 204
    assert client.delete(f"/api/v1/budgets/{put['id']}", headers=alex).status_code == 404
    march = client.get("/api/v1/budgets?month=2026-03", headers=alex).json
    assert march["lines"] == [] and march["unbudgeted"]["spent"] == "182.09"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2024-13", "category_id": "Groceries", "amount": "10"}, "month"),
        ({"month": "2026-3", "category_id": "Groceries", "amount": "10"}, "month"),
        ({"month": "2026-03", "category_id": "Groceries", "amount": "-1.00"}, "amount"),
        ({"month": "2026-03", "category_id": "Groceries", "amount": 10.5}, "amount"),
        ({"month": "2026-03", "category_id": "Groceries", "amount": "0.001"}, "amount"),
        ({"month": "2026-03", "category_id": "Salary", "amount": "10"}, "category_id"),
        ({"month": "2026-03", "category_id": "Transfers", "amount": "10"}, "category_id"),
        ({"month": "2026-03", "category_id": 2_000_000, "amount": "10"}, "category_id"),
        ({"month": "2026-03", "category_id": "sam:Groceries", "amount": "10"}, "category_id"),
        (
            {"month": "2026-03", "category_id": "Groceries", "owner_id": "sam:Sam", "amount": "1"},
            "owner_id",
        ),
        ({"category_id": "Groceries", "amount": "10"}, "month"),
        ({"month": "2026-03", "category_id": "Groceries"}, "amount"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, alex, sam, body, field):
    mine = _ids(client, alex, "categories")
    theirs = {f"sam:{k}": v for k, v in _ids(client, sam, "categories").items()}
    sams_owner = client.post("/api/v1/owners", headers=sam, json={"name": "Sam"}).json["id"]
    names = {**mine, **theirs, "sam:Sam": sams_owner}
    body = {
        k: names.get(v, v) if isinstance(v, str) and k.endswith("_id") else v
        for k, v in body.items()
    }
    response = client.put("/api/v1/budgets", headers=alex, json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get("/api/v1/budgets?month=2026-03", headers=alex).json["lines"] == []


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/budgets?month=2024-13", "month"),
        ("/api/v1/budgets", "month"),
        ("/api/v1/budgets?month=2026-03&owner_id=999", "owner_id"),
        ("/api/v1/budgets/year?year=1899", "year"),
        ("/api/v1/budgets/year", "year"),
    ],
)
def test_bad_queries_name_the_field(client, alex, url, field):
    response = client.get(url, headers=alex)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2026-03", "to": "2026-03"}, "to"),
        ({"from": "2026-00", "to": "2026-04"}, "from"),
        ({"from": "2026-03"}, "to"),
    ],
)
def test_copy_refuses_impossible_months(client, alex, body, field):
    response = client.post("/api/v1/budgets/copy", headers=alex, json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_another_ledgers_budget_is_not_found_and_unseen(client, alex, sam):
    groceries = _ids(client, alex, "categories")["Groceries"]
    put = client.put(
        "/api/v1/budgets",
        headers=alex,
        json={"month": "2026-03", "category_id": groceries, "amount": "150.00"},
    ).json
    assert client.delete(f"/api/v1/budgets/{put['id']}", headers=sam).status_code == 404
    assert client.get("/api/v1/budgets?month=2026-03", headers=sam).json["lines"] == []
    assert client.get("/api/v1/budgets/year?year=2026", headers=sam).json["categories"] == []
    assert len(client.get("/api/v1/budgets?month=2026-03", headers=alex).json["lines"]) == 1


def test_the_budget_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"put", "get"} <= set(paths["/api/v1/budgets"])
    assert "delete" in paths["/api/v1/budgets/{budget_id}"]
    assert "post" in paths["/api/v1/budgets/copy"]
    assert "get" in paths["/api/v1/budgets/year"]
    assert "422" in paths["/api/v1/budgets"]["put"]["responses"]
