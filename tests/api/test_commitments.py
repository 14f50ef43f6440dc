"""Recurring bills over the API: the shapes the mobile app reads, refusals, other ledgers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import homeledger.api.commitments as commitments_api
from tests.conftest import api_user

URL = "/api/v1/commitments"


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def sam(session, client):
    return api_user(session, client, "sam")


@pytest.fixture
def april_tenth(monkeypatch):
    """The API's today is 10 April 2026."""

    class Fixed(date):
        @classmethod
        def today(cls):
            return date(2026, 4, 10)

    monkeypatch.setattr(commitments_api, "date", Fixed)


def _category(client, headers, name):
    listing = client.get("/api/v1/categories", headers=headers).get_json()
    return next(c["id"] for c in listing if c["name"] == name)


def _add(client, headers, **body):
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_record_list_edit_pause_and_delete_a_bill(client, alex):
    subscriptions = _category(client, alex, "Subscriptions")
    bill = _add(
        client,
        alex,
        name="Netflix",
        amount="15.99",
        frequency="monthly",
        due_day=18,
        start_date="2026-01-18",
        category_id=subscriptions,
    )
    assert bill["amount"] == "15.99" and bill["monthly_equivalent"] == "15.99"
    assert bill["is_active"] is True and bill["in_monthly_total"] is True

    listing = client.get(URL, headers=alex).get_json()
    assert [b["id"] for b in listing["items"]] == [bill["id"]]
    assert listing["monthly_total"] == "15.99"

    edited = client.patch(f"{URL}/{bill['id']}", headers=alex, json={"amount": "18.99"})
    assert edited.status_code == 200 and edited.get_json()["amount"] == "18.99"
    paused = client.patch(f"{URL}/{bill['id']}", headers=alex, json={"is_active": False})
    assert paused.get_json()["in_monthly_total"] is False and paused.get_json()["next_due"] is None
    assert client.get(URL, headers=alex).get_json()["monthly_total"] == "0.00"

    assert client.delete(f"{URL}/{bill['id']}", headers=alex).status_code == 204
    assert client.get(f"{URL}/{bill['id']}", headers=alex).status_code == 404


def test_monthly_equivalents_and_their_total_to_the_cent(client, alex):
    """10 x 52/12 = 43.33, 25 x 26/12 = 54.17, 100/3 = 33.33, 1050/12 = 87.50: 218.33."""
    for name, amount, frequency in (
        ("Lunch club", "10.00", "weekly"),
        ("Gym", "25.00", "fortnightly"),
        ("Water", "100.00", "quarterly"),
        ("Car insurance", "1050.00", "yearly"),
    ):
        _add(client, alex, name=name, amount=amount, frequency=frequency, start_date="2026-01-02")
    listing = client.get(URL, headers=alex).get_json()
    figures = {b["name"]: b["monthly_equivalent"] for b in listing["items"]}
    assert figures == {
        "Car insurance": "87.50",
        "Gym": "54.17",
        "Lunch club": "43.33",
        "Water": "33.33",
    }
    assert listing["monthly_total"] == "218.33"
    assert sum(Decimal(v) for v in figures.values()) == Decimal(listing["monthly_total"])


def test_upcoming_bills_in_the_shape_the_app_reads(client, alex):
    utilities = _category(client, alex, "Utilities")
    car = _add(
        client,
        alex,
        name="Car insurance",
        amount="1050",
        frequency="yearly",
        start_date="2025-04-08",
    )
    water = _add(
        client,
        alex,
        name="Water",
        amount="120.00",
        frequency="quarterly",
        start_date="2026-01-31",
        category_id=utilities,
    )
    response = client.get(f"{URL}/upcoming?days=30&from=2026-04-01", headers=alex)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["total"]) == ("2026-04-01", "2026-04-30", "1170.00")
    shape = ("commitment_id", "name", "date", "amount", "category_id")
    assert [{k: o[k] for k in shape} for o in body["occurrences"]] == [
        {
            "commitment_id": car["id"],
            "name": "Car insurance",
            "date": "2026-04-08",
            "amount": "1050.00",
            "category_id": None,
        },
        {
            "commitment_id": water["id"],
            "name": "Water",
            "date": "2026-04-30",
            "amount": "120.00",
            "category_id": utilities,
        },
    ]
    assert client.get(f"{URL}/upcoming?days=7&from=2026-04-01", headers=alex).get_json()[
        "total"
    ] == ("0.00")


def test_history_finds_a_late_payment_and_a_missed_month(client, alex, april_tenth):
    bill = _add(
        client, alex, name="Netflix", amount="15.99", frequency="monthly", start_date="2026-01-18"
    )
    paid = []
    for day, amount in (("2026-01-18", "-15.99"), ("2026-02-21", "-16.99")):
        created = client.post(
            "/api/v1/transactions",
            headers=alex,
            json={"date": day, "description": "NETFLIX.COM", "amount": amount},
        )
        paid.append(created.get_json()["id"])
    response = client.get(f"{URL}/{bill['id']}/history?months=3", headers=alex)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"]) == ("2026-01-10", "2026-04-10")
    assert [
        (o["date"], o["status"], o["missed"], o["amount_changed"]) for o in body["occurrences"]
    ] == [
        ("2026-01-18", "paid", False, False),
        ("2026-02-18", "changed", False, True),
        ("2026-03-18", "missed", True, False),
    ]
    february = body["occurrences"][1]
    assert february["transaction"] == {
        "id": paid[1],
        "date": "2026-02-21",
        "description": "NETFLIX.COM",
        "amount": "16.99",
    }
    assert (february["difference"], february["days_late"]) == ("1.00", 3)
    everything = client.get(f"{URL}/history?months=3", headers=alex).get_json()
    assert everything["occurrences"] == body["occurrences"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "2026-03-01", "end_date": "2026-02-28"}, "end_date"),
        ({"category_id": 999_999}, "category_id"),
        ({"amount": "-79.00"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": 79.0}, "amount"),
        ({"frequency": "daily"}, "frequency"),
        ({"due_day": 32}, "due_day"),
        ({"name": ""}, "name"),
        ({"is_active": 1}, "is_active"),
        ({"start_date": "2026-02-30"}, "start_date"),
    ],
)
def test_bad_bills_are_422_naming_the_field_and_nothing_is_written(client, alex, changes, field):
    body = {"name": "Internet", "amount": "79.00", "frequency": "monthly"} | changes
    response = client.post(URL, headers=alex, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(URL, headers=alex).get_json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/upcoming?days=0", "days"),
        ("/upcoming?days=367", "days"),
        ("/upcoming?from=2026-13-01", "from"),
        ("/upcoming?from=2400-01-01", "from"),
        ("/history?months=0", "months"),
        ("/history?months=61", "months"),
    ],
)
def test_bad_windows_are_422_naming_the_parameter(client, alex, query, field):
    response = client.get(URL + query, headers=alex)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_an_end_date_before_the_stored_start_is_refused_on_edit(client, alex):
    bill = _add(client, alex, name="Gym", amount="25", frequency="weekly", start_date="2026-03-02")
    response = client.patch(f"{URL}/{bill['id']}", headers=alex, json={"end_date": "2026-03-01"})
    assert response.status_code == 422 and "end_date" in response.get_json()["error"]["fields"]
    assert client.get(f"{URL}/{bill['id']}", headers=alex).get_json()["end_date"] is None


def test_another_ledgers_bills_and_categories_are_not_yours(client, alex, sam):
    sams = _add(client, sam, name="Sam's rent", amount="900", frequency="monthly")
    sams_category = _category(client, sam, "Groceries")
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("GET", "/history", None),
    ):
        response = client.open(
            f"{URL}/{sams['id']}{suffix}", method=method, headers=alex, json=body
        )
        assert response.status_code == 404, (method, suffix)
    refused = client.post(
        URL,
        headers=alex,
        json={"name": "Food", "amount": "100", "frequency": "weekly", "category_id": sams_category},
    )
    assert refused.status_code == 422 and "category_id" in refused.get_json()["error"]["fields"]
    mine = _add(client, alex, name="Food", amount="100", frequency="weekly")
    moved = client.patch(f"{URL}/{mine['id']}", headers=alex, json={"category_id": sams_category})
    assert moved.status_code == 422
    assert client.get(f"{URL}/{sams['id']}", headers=sam).get_json()["name"] == "Sam's rent"
    assert client.get(f"{URL}/upcoming?days=366", headers=alex).get_json()["occurrences"] != []
    assert [b["name"] for b in client.get(URL, headers=alex).get_json()["items"]] == ["Food"]


def test_the_documented_example_amount_of_a_bill_is_one_the_api_accepts(client, alex):
    """The OpenAPI example for a bill's amount was "-12.34", which POST refuses."""
    spec = client.get("/api/v1/openapi.json").get_json()
    amount = spec["components"]["schemas"]["Commitment"]["properties"]["amount"]
    assert amount["example"] == "79.00" and "more than 0" in amount["description"]
    body = {"name": "Gym", "amount": amount["example"], "frequency": "monthly"}
    assert client.post(URL, headers=alex, json=body).status_code == 201


@pytest.mark.parametrize("amount", ["1_0", "1e3", "\u0661\u0660", "0x10"])
def test_an_amount_not_written_like_the_documented_pattern_is_refused(client, alex, amount):
    """Python reads "1_0" as 10 and "1e3" as 1000: a client's typo or float became a bill."""
    body = {"name": "Gym", "amount": amount, "frequency": "monthly"}
    response = client.post(URL, headers=alex, json=body)
    assert response.status_code == 422
    assert "amount" in response.get_json()["error"]["fields"]
    assert client.get(URL, headers=alex).get_json()["items"] == []


def test_no_documented_bill_amount_is_negative(client):
    """Bills, what falls due and what was paid are positive; the generic example was -12.34
    (only `difference`, paid minus due, may be negative)."""
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("Commitment", "CommitmentList", "Occurrence", "Upcoming", "Payment", "Matched"):
        for field, spec in schemas[name]["properties"].items():
            if spec.get("pattern", "").startswith("^-?") and field != "difference":
                assert not spec["example"].startswith("-"), (name, field)
