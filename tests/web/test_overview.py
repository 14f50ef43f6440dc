"""The overview page shows the signed-in household's own month, and nobody else's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import UserSettings
from tests.factories import add_transactions, make_user


def _figure(html: str, testid: str) -> str:
    marker = f'data-testid="{testid}"'
    start = html.index(">", html.index(marker)) + 1
    return html[start : html.index("<", start)]


TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def today(app):
    """The day the pages see (the app's TODAY setting)."""
    app.config["TODAY"] = TODAY


def test_overview_shows_this_months_income_spending_and_net(session, client, auth):
    today = TODAY
    alex = make_user(session, "alex")
    sam = make_user(session, "sam")
    add_transactions(
        session,
        alex,
        [
            (today.replace(day=1), "Salary", "4200.00", "Salary"),
            (today.replace(day=1), "Rent", "-1900.50", "Housing"),
            (today.replace(day=1), "Rent refund", "50.00", "Housing"),
            (today.replace(day=1) - timedelta(days=1), "Last month", "-999.00", "Groceries"),
        ],
    )
    add_transactions(session, sam, [(today.replace(day=1), "Sam's pay", "77777.00", "Salary")])

    auth.login("alex")
    html = client.get("/").get_data(as_text=True)

    assert _figure(html, "income") == "$4,200.00"
    assert _figure(html, "spending") == "$1,850.50"  # the refund nets against the rent
    assert _figure(html, "net") == "$2,349.50"
    assert "Sam&#39;s pay" not in html and "77,777" not in html
    assert "Rent" in html


def test_overview_uses_the_ledgers_currency(session, client, auth):
    alex = make_user(session, "alex")
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().currency = "EUR"
        session.commit()
    add_transactions(session, alex, [(TODAY, "Bonus", "10.00", "Salary")])
    auth.login("alex")
    assert _figure(client.get("/").get_data(as_text=True), "income") == "€10.00"


def test_an_empty_ledger_shows_zeroes_and_a_way_forward(session, client, auth):
    make_user(session, "alex")
    auth.login("alex")
    html = client.get("/").get_data(as_text=True)
    assert _figure(html, "net") == "$0.00"
    assert "No transactions yet" in html
