"""The wizard's budget step and finishing it, as the mobile app runs them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, User
from tests.conftest import api_login, bearer
from tests.factories import add_transactions, category_id, make_user

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def clock(app):
    app.config["TODAY"] = TODAY


def _at(session, user, step):
    session.get(User, user.id).onboarding_step = step
    session.commit()


@pytest.fixture
def sam(session):
    user = make_user(session, "sam", onboarded=False)
    _at(session, user, "budget")
    return user


@pytest.fixture
def headers(client, sam):
    return bearer(api_login(client, "sam").get_json()["access_token"])


@pytest.fixture
def imported(session, sam):
    """January to April 2026, as an imported file would bring them."""
    rows = [
        (date(2026, month, 4), "Supermarket", f"-{amount}", "Groceries")
        for month, amount in ((1, 300), (2, 320), (3, 340), (4, 360))
    ]
    rows += [(date(2026, month, 1), "Rent", "-1000.00", "Housing") for month in range(1, 5)]
    add_transactions(session, sam, rows)
    return sam


def _ids(session, sam, *names):
    with tenancy.acting_as(session, sam.id):
        return [category_id(session, name) for name in names]


def _budgets(session, sam):
    with tenancy.acting_as(session, sam.id):
        rows = session.execute(
            select(Budget.category_id, Budget.year, Budget.month, Budget.amount, Budget.owner_id)
        )
        return sorted(rows.tuples())


def _step(session, sam):
    session.expire_all()
    return session.get(User, sam.id).onboarding_step


def test_suggestions_from_the_imported_history(client, session, imported, headers):
    answer = client.get("/api/v1/onboarding/budget", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["month"], body["source"], body["monthly_income"]) == (
        "2026-04",
        "recommender",
        None,
    )
    groceries, housing = _ids(session, imported, "Groceries", "Housing")
    assert body["lines"] == [
        {
            "category_id": housing,
            "category": "Housing",
            "amount": "1000.00",
            "reason": "median of only 3 months of history 1000.00",
        },
        {
            "category_id": groceries,
            "category": "Groceries",
            "amount": "320.00",
            "reason": "median of only 3 months of history 320.00",
        },
    ]
    names = [c["name"] for c in body["categories"]]
    assert "Groceries" in names and "Salary" not in names and "Transfers" not in names


def test_an_empty_ledger_asks_for_an_income_and_splits_it(client, headers):
    empty = client.get("/api/v1/onboarding/budget", headers=headers).get_json()
    assert (empty["month"], empty["source"], empty["lines"]) == ("2026-11", "none", [])
    assert len(empty["categories"]) == 10

    split = client.get("/api/v1/onboarding/budget?monthly_income=4000.00", headers=headers)
    body = split.get_json()
    assert (body["source"], body["monthly_income"]) == ("starter", "4000.00")
    amounts = {line["category"]: line["amount"] for line in body["lines"]}
    assert (amounts["Housing"], amounts["Groceries"], amounts["Subscriptions"]) == (
        "1200.00",
        "480.00",
        "80.00",
    )
    assert sum(Decimal(a) for a in amounts.values()) == Decimal("3280.00")


@pytest.mark.parametrize("income", ["0", "-10.00", "lots"])
def test_an_income_that_cannot_be_split_is_named(client, headers, income):
    answer = client.get(f"/api/v1/onboarding/budget?monthly_income={income}", headers=headers)
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["monthly_income"]


def test_saving_adjusted_amounts_moves_on_to_complete(client, session, imported, headers):
    groceries, housing = _ids(session, imported, "Groceries", "Housing")
    answer = client.put(
        "/api/v1/onboarding/budget",
        headers=headers,
        json={
            "month": "2026-04",
            "budgets": [
                {"category_id": groceries, "amount": "350.00", "owner_id": None},
                {"category_id": housing, "amount": "1000.00"},
            ],
        },
    )
    assert answer.status_code == 200
    assert answer.get_json() == {
        "saved": "budget",
        "next_step": "complete",
        "onboarding_step": "complete",
    }
    assert set(_budgets(session, imported)) == {
        (housing, 2026, 4, Decimal("1000.00"), None),
        (groceries, 2026, 4, Decimal("350.00"), None),
    }


def test_no_budget_for_now_is_allowed(client, session, sam, headers):
    answer = client.put(
        "/api/v1/onboarding/budget", headers=headers, json={"month": "2026-11", "budgets": []}
    )
    assert (answer.status_code, answer.get_json()["next_step"]) == (200, "complete")
    assert _budgets(session, sam) == []


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"category_id": "Housing", "amount": "-5.00"}, "budgets.2.amount"),
        ({"category_id": "Salary", "amount": "5.00"}, "budgets.2.category_id"),
        ({"category_id": 999_999, "amount": "5.00"}, "budgets.2.category_id"),
        ({"category_id": "Housing", "amount": 5.5}, "budgets.2.amount"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_written(client, session, sam, headers, line, field):
    groceries, transport = _ids(session, sam, "Groceries", "Transport")
    if isinstance(line["category_id"], str):
        line = {**line, "category_id": _ids(session, sam, line["category_id"])[0]}
    answer = client.put(
        "/api/v1/onboarding/budget",
        headers=headers,
        json={
            "month": "2026-11",
            "budgets": [
                {"category_id": groceries, "amount": "400.00"},
                {"category_id": transport, "amount": "100.00"},
                line,
            ],
        },
    )
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert (error["code"], list(error["fields"])) == ("validation_error", [field])
    assert _budgets(session, sam) == []
    assert _step(session, sam) == "budget"


@pytest.mark.parametrize("month", ["2026-13", "April", "2300-01", None])
def test_a_bad_month_is_named(client, session, sam, headers, month):
    (groceries,) = _ids(session, sam, "Groceries")
    answer = client.put(
        "/api/v1/onboarding/budget",
        headers=headers,
        json={"month": month, "budgets": [{"category_id": groceries, "amount": "1.00"}]},
    )
    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["fields"]) == ["month"]
    assert _budgets(session, sam) == []


def test_the_step_is_closed_until_reached(client, session, sam, headers):
    _at(session, sam, "data")
    for answer in (
        client.get("/api/v1/onboarding/budget", headers=headers),
        client.put(
            "/api/v1/onboarding/budget", headers=headers, json={"month": "2026-11", "budgets": []}
        ),
    ):
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "step_not_reached"
        assert answer.get_json()["error"]["onboarding_step"] == "data"


def test_finishing_after_the_budget_opens_the_ledger(client, session, imported, headers):
    early = client.post("/api/v1/onboarding/complete", headers=headers)
    assert early.status_code == 409
    assert early.get_json()["error"]["onboarding_step"] == "budget"
    assert client.get("/api/v1/transactions", headers=headers).status_code == 403

    (groceries,) = _ids(session, imported, "Groceries")
    saved = client.put(
        "/api/v1/onboarding/budget",
        headers=headers,
        json={"month": "2026-04", "budgets": [{"category_id": groceries, "amount": "330.00"}]},
    )
    assert saved.status_code == 200
    assert client.get("/api/v1/transactions", headers=headers).status_code == 403

    done = client.post("/api/v1/onboarding/complete", headers=headers)
    assert done.status_code == 200
    assert done.get_json()["landing_month"] == "2026-04"
    assert client.get("/api/v1/transactions", headers=headers).status_code == 200
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert (me["onboarding_required"], me["onboarding_step"]) == (False, "done")
    budgets = client.get("/api/v1/budgets?month=2026-04", headers=headers).get_json()
    assert [(line["category"], line["budgeted"]) for line in budgets["lines"]] == [
        ("Groceries", "330.00")
    ]

    for answer in (
        client.get("/api/v1/onboarding/budget", headers=headers),
        client.put(
            "/api/v1/onboarding/budget", headers=headers, json={"month": "2026-04", "budgets": []}
        ),
    ):
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "onboarding_finished"
    assert _budgets(session, imported)[0][3] == Decimal("330.00")
