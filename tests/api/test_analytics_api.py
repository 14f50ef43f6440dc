"""Analytics over the API: the figures of a small household, defaults, filters, bad input."""

from __future__ import annotations

from datetime import date

import pytest

from homeledger import tenancy
from homeledger.services import settings
from tests import analytics_ledger
from tests.conftest import api_login, bearer
from tests.factories import add_transactions, make_user

API = "/api/v1/analytics"


@pytest.fixture
def alex(session, client):
    user = make_user(session, "alex")
    owners = analytics_ledger.fill(session, user)
    headers = bearer(api_login(client, "alex").get_json()["access_token"])
    return headers, owners


@pytest.fixture
def sam(session, client):
    user = make_user(session, "sam")
    add_transactions(session, user, [(date(2026, 3, 2), "Sam's pay", "9999.00", "Salary")])
    return bearer(api_login(client, "sam").get_json()["access_token"])


def _get(client, headers, path, **query):
    answer = client.get(f"{API}/{path}", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def _category_ids(client, headers):
    return {c["name"]: c["id"] for c in client.get("/api/v1/categories", headers=headers).json}


def test_summary_of_a_month_and_the_one_before(client, alex):
    assert _get(client, alex[0], "summary", month="2026-03") == {
        "month": "2026-03",
        "income": "4060.00",
        "spending": "135.25",
        "net": "3924.75",
        "savings_rate": "96.7",
        "previous": {
            "month": "2026-02",
            "income": "0.00",
            "spending": "80.00",
            "net": "-80.00",
            "savings_rate": None,
        },
    }


def test_the_defaults_are_the_current_month_and_the_twelve_ending_with_it(session, client, alex):
    user_id = client.get("/api/v1/me", headers=alex[0]).json["id"]
    with tenancy.acting_as(session, user_id):
        now = settings.read(session).month_containing(date.today())
    this_month = f"{now.year:04d}-{now.month:02d}"

    statement = _get(client, alex[0], "income-statement")

    assert _get(client, alex[0], "summary")["month"] == this_month
    assert len(statement["months"]) == 12 and statement["months"][-1]["month"] == this_month
    assert _get(client, alex[0], "compare")["month"] == this_month


def test_the_income_statement_has_every_month_and_adds_up(client, alex):
    answer = _get(client, alex[0], "income-statement", **{"from": "2026-01", "to": "2026-04"})
    assert answer["months"] == [
        {"month": "2026-01", "income": "0.00", "spending": "0.00", "net": "0.00"},
        {"month": "2026-02", "income": "0.00", "spending": "80.00", "net": "-80.00"},
        {"month": "2026-03", "income": "4060.00", "spending": "135.25", "net": "3924.75"},
        {"month": "2026-04", "income": "0.00", "spending": "0.00", "net": "0.00"},
    ]
    assert answer["totals"] == {"income": "4060.00", "spending": "215.25", "net": "3844.75"}


def test_spending_by_category_adds_up_to_its_total(client, alex):
    answer = _get(client, alex[0], "spending-by-category", **{"from": "2026-02", "to": "2026-03"})
    groceries = _category_ids(client, alex[0])["Groceries"]
    assert answer == {
        "months": ["2026-02", "2026-03"],
        "categories": [
            {
                "category_id": groceries,
                "category": "Groceries",
                "total": "180.00",
                "by_month": {"2026-02": "80.00", "2026-03": "100.00"},
            },
            {
                "category_id": None,
                "category": "Uncategorised",
                "total": "35.25",
                "by_month": {"2026-02": "0.00", "2026-03": "35.25"},
            },
        ],
        "total": "215.25",
    }


def test_a_categorys_spending_is_minus_the_net_of_the_transaction_list(client, alex):
    groceries = _category_ids(client, alex[0])["Groceries"]
    answer = _get(client, alex[0], "summary", month="2026-03", category_id=groceries)
    listed = client.get(
        "/api/v1/transactions",
        headers=alex[0],
        query_string={"month": "2026-03", "category_id": groceries},
    ).json["items"]
    assert answer["spending"] == "100.00"
    assert sum(float(row["amount"]) * 100 for row in listed) == -10000


def test_by_owner_top_payees_and_compare(client, alex):
    headers, owners = alex
    march = {"from": "2026-03", "to": "2026-03"}
    assert _get(client, headers, "by-owner", **march)["owners"] == [
        {
            "owner_id": owners["Alex"],
            "owner": "Alex",
            "income": "4000.00",
            "spending": "35.25",
            "net": "3964.75",
        },
        {"owner_id": owners["Sam"], "owner": "Sam", "income": "0.00", "spending": "100.00",
         "net": "-100.00"},
        {"owner_id": None, "owner": "No owner", "income": "60.00", "spending": "0.00",
         "net": "60.00"},
    ]  # fmt: skip
    payees = _get(client, headers, "top-payees", limit=1, **{"from": "2026-02", "to": "2026-03"})
    assert payees == {"payees": [{"payee": "Supermarket", "spending": "200.50", "count": 2}]}
    compared = _get(client, headers, "compare", month="2026-03", **{"with": "previous"})
    assert compared["with"] == "previous"
    assert compared["current"] == {"income": "4060.00", "spending": "135.25", "net": "3924.75"}
    assert compared["other"] == {
        "month": "2026-02",
        "income": "0.00",
        "spending": "80.00",
        "net": "-80.00",
    }
    changes = [
        (c["category"], c["current"], c["other"], c["change"]) for c in compared["categories"]
    ]
    assert changes == [
        ("Uncategorised", "35.25", "0.00", "35.25"),
        ("Groceries", "100.00", "80.00", "20.00"),
    ]


def test_filters_by_owner_category_and_account(client, alex):
    headers, owners = alex
    ids = _category_ids(client, headers)
    march = {"from": "2026-03", "to": "2026-03"}

    def totals(**query):
        return _get(client, headers, "income-statement", **march, **query)["totals"]

    assert totals(owner_id=owners["Sam"])["spending"] == "100.00"
    assert totals(category_id=[ids["Groceries"], ids["Salary"]]) == {
        "income": "4000.00",
        "spending": "100.00",
        "net": "3900.00",
    }
    assert totals(account="Bank") == {"income": "4060.00", "spending": "0.00", "net": "4060.00"}


def test_an_empty_ledger_and_another_ledgers_rows(client, sam, alex):
    assert _get(client, sam, "summary", month="2026-03")["income"] == "9999.00"
    assert _get(client, sam, "summary", month="2026-03")["previous"]["savings_rate"] is None
    assert _get(client, sam, "spending-by-category", **{"from": "2026-03", "to": "2026-03"}) == {
        "months": ["2026-03"],
        "categories": [],
        "total": "0.00",
    }
    # Alex's owner id means nothing in Sam's ledger: it matches no rows.
    assert _get(client, sam, "summary", month="2026-03", owner_id=alex[1]["Alex"])["income"] == (
        "0.00"
    )
    assert _get(client, alex[0], "summary", month="2026-03")["income"] == "4060.00"


def test_an_empty_ledger_is_zeros(client, session):
    make_user(session, "empty")
    headers = bearer(api_login(client, "empty").get_json()["access_token"])
    answer = _get(client, headers, "summary", month="2026-03")
    assert (answer["net"], answer["savings_rate"]) == ("0.00", None)
    assert _get(client, headers, "top-payees")["payees"] == []
    assert _get(client, headers, "by-owner")["owners"] == []


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("summary", {"month": "2026-13"}, "month"),
        ("summary", {"month": "March"}, "month"),
        ("summary", {"month": "1900-01"}, "month"),
        ("summary", {"month": "2200-01"}, "month"),
        ("summary", {"owner_id": 2**31}, "owner_id"),
        ("income-statement", {"from": "2026-05", "to": "2026-04"}, "from"),
        ("income-statement", {"from": "2016-01", "to": "2026-01"}, "to"),
        ("spending-by-category", {"category_id": 2**31}, "category_id.0"),
        ("by-owner", {"account": "x" * 101}, "account"),
        ("top-payees", {"limit": 0}, "limit"),
        ("top-payees", {"limit": 1000}, "limit"),
        ("compare", {"with": "tomorrow"}, "with"),
    ],
)
def test_bad_input_names_the_field(client, alex, path, query, field):
    answer = client.get(f"{API}/{path}", headers=alex[0], query_string=query)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["error"]["fields"]


def test_analytics_needs_a_token(client):
    assert client.get(f"{API}/summary").status_code == 401


def test_the_last_month_a_ledger_accepts_ends_in_2200_and_is_still_answered(session, client, sam):
    """With months from the 15th, December 2199 runs to 14 January 2200."""
    from sqlalchemy import select

    from homeledger import tenancy
    from homeledger.models import User, UserSettings

    user = session.scalars(select(User).where(User.username == "sam")).one()
    add_transactions(session, user, [(date(2199, 12, 31), "Last day", "-7.00", None)])
    with tenancy.acting_as(session, user.id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        session.commit()
    span = {"from": "2199-01", "to": "2199-12"}
    assert _get(client, sam, "income-statement", **span)["totals"]["spending"] == "7.00"
    assert _get(client, sam, "top-payees", **span)["payees"][0]["count"] == 1
    assert _get(client, sam, "compare", month="2199-12")["current"]["spending"] == "7.00"
