"""Suggested budgets and budgets raised to the bills, in the shapes the mobile app reads."""

from __future__ import annotations

from datetime import date

import pytest

import homeledger.api.budget_advice as advice_api
from tests.conftest import api_login, bearer
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session, client):
    user = make_user(session, "alex")
    add_transactions(
        session,
        user,
        [
            (date(2026, m, 3), "Supermarket", f"-{a}", "Groceries")
            for m, a in ((4, 300), (5, 340), (6, 320))
        ]
        + [(date(2026, 6, 9), "Cinema", "-20.00", "Entertainment")],
    )
    return bearer(api_login(client, "alex").get_json()["access_token"])


@pytest.fixture(autouse=True)
def july_tenth(monkeypatch):
    """The API's today is 10 July 2026: April to June are complete."""

    class Fixed(date):
        @classmethod
        def today(cls):
            return date(2026, 7, 10)

    monkeypatch.setattr(advice_api, "date", Fixed)


def _category(client, headers, name):
    listing = client.get("/api/v1/categories", headers=headers).get_json()
    return next(c["id"] for c in listing if c["name"] == name)


def test_suggestions_their_reasons_and_applying_some(client, alex):
    answer = client.get("/api/v1/budgets/recommendations?month=2026-08", headers=alex)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["month"], body["history_months"]) == ("2026-08", 3)
    groceries = _category(client, alex, "Groceries")
    first = body["suggestions"][0]
    assert {k: first[k] for k in ("category_id", "category", "amount", "committed", "reason")} == {
        "category_id": groceries,
        "category": "Groceries",
        "amount": "320.00",
        "committed": "0.00",
        "reason": "median of only 3 months of history 320.00",
    }
    assert [s["category"] for s in body["suggestions"]] == ["Groceries", "Entertainment"]

    applied = client.post(
        "/api/v1/budgets/recommendations/apply",
        headers=alex,
        json={"month": "2026-08", "category_ids": [groceries]},
    )
    assert applied.status_code == 200
    assert [s["amount"] for s in applied.get_json()["applied"]] == ["320.00"]
    report = client.get("/api/v1/budgets?month=2026-08", headers=alex).get_json()
    assert [(line["category"], line["budgeted"]) for line in report["lines"]] == [
        ("Groceries", "320.00")
    ]
    everything = client.post(
        "/api/v1/budgets/recommendations/apply", headers=alex, json={"month": "2026-08"}
    )
    assert len(everything.get_json()["applied"]) == 2


def test_raising_budgets_to_the_bills_shows_the_changes_first(client, alex):
    insurance = _category(client, alex, "Insurance")
    created = client.post(
        "/api/v1/commitments",
        headers=alex,
        json={
            "name": "Car insurance",
            "amount": "780.00",
            "frequency": "yearly",
            "start_date": "2025-08-20",
            "category_id": insurance,
        },
    )
    assert created.status_code == 201, created.get_json()
    url = "/api/v1/budgets/sync-commitments"
    preview = client.post(url, headers=alex, json={"month": "2026-08", "dry_run": True})
    assert preview.get_json() == {
        "month": "2026-08",
        "dry_run": True,
        "changes": [
            {
                "category_id": insurance,
                "category": "Insurance",
                "from": None,
                "to": "780.00",
                "bills": ["Car insurance"],
            }
        ],
    }
    assert client.get("/api/v1/budgets?month=2026-08", headers=alex).get_json()["lines"] == []
    done = client.post(url, headers=alex, json={"month": "2026-08", "dry_run": False})
    assert len(done.get_json()["changes"]) == 1
    again = client.post(url, headers=alex, json={"month": "2026-08", "dry_run": False})
    assert again.get_json()["changes"] == []
    # September: the yearly bill is not due, so nothing to raise.
    september = client.post(url, headers=alex, json={"month": "2026-09"})
    assert september.get_json()["changes"] == []


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("get", "/api/v1/budgets/recommendations?month=2026-13", None, "month"),
        ("post", "/api/v1/budgets/recommendations/apply", {"month": "2026-8"}, "month"),
        (
            "post",
            "/api/v1/budgets/recommendations/apply",
            {"month": "2026-08", "category_ids": [999999]},
            "category_ids",
        ),
        (
            "post",
            "/api/v1/budgets/sync-commitments",
            {"month": "2026-08", "dry_run": "no"},
            "dry_run",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, alex, method, path, payload, field):
    response = getattr(client, method)(path, headers=alex, json=payload)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert client.get("/api/v1/budgets?month=2026-08", headers=alex).get_json()["lines"] == []
