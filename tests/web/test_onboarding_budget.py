"""The wizard's budget page and its "All set" page, in the browser's terms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, User
from homeledger.services import categories
from tests.conftest import csrf_token_from, web_login
from tests.factories import add_transactions, category_id, make_user

TODAY = date(2026, 11, 20)


@pytest.fixture
def app(fresh_app):
    """The app with its clock pinned (an empty ledger's first budget is this month's)."""
    fresh_app.config["TODAY"] = TODAY
    return fresh_app


def _at(session, user_id, step):
    session.get(User, user_id).onboarding_step = step
    session.commit()


@pytest.fixture
def sam(session, client):
    user = make_user(session, "sam", onboarded=False)
    _at(session, user.id, "budget")
    assert web_login(client, "sam").status_code == 302
    return user


@pytest.fixture
def imported(session, sam):
    rows = [
        (date(2026, month, 4), "Supermarket", f"-{amount}", "Groceries")
        for month, amount in ((1, 300), (2, 320), (3, 340), (4, 360))
    ]
    rows += [(date(2026, month, 1), "Rent", "-1000.00", "Housing") for month in range(1, 5)]
    add_transactions(session, sam, rows)
    return sam


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _ids(session, user, *names):
    with tenancy.acting_as(session, user.id):
        return [category_id(session, name) for name in names]


def _value(response, category: int) -> str | None:
    html = response.get_data(as_text=True)
    found = re.search(rf'<input[^>]*id="amount_{category}"[^>]*>', html)
    assert found, f"no amount input for {category}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def _budgets(session, user):
    with tenancy.acting_as(session, user.id):
        rows = session.execute(select(Budget.category_id, Budget.year, Budget.month, Budget.amount))
        return set(rows.tuples())


def _step(session, user):
    session.expire_all()
    return session.get(User, user.id).onboarding_step


def _post_amounts(client, amounts: dict[int, str], query: str = ""):
    page = client.get(f"/welcome/budget{query}")
    data = {f"amount_{c}": value for c, value in amounts.items()}
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/welcome/budget{query}", data=data)


def test_the_page_offers_the_suggestions_for_the_imported_month(client, session, imported):
    page = client.get("/welcome/budget")
    assert page.status_code == 200
    text = _text(page)
    assert "A first budget for April 2026" in text
    assert "median of only 3 months of history 320.00" in text
    groceries, housing, transport = _ids(session, imported, "Groceries", "Housing", "Transport")
    assert (_value(page, groceries), _value(page, housing)) == ("320.00", "1000.00")
    assert _value(page, transport) == ""  # no history there: no budget unless typed
    assert 'id="monthly_income"' not in page.get_data(as_text=True)
    assert f'<label for="amount_{groceries}">Groceries</label>' in page.get_data(as_text=True)


def test_adjusted_amounts_are_saved_and_the_wizard_moves_on(client, session, imported):
    groceries, housing, transport = _ids(session, imported, "Groceries", "Housing", "Transport")
    saved = _post_amounts(client, {groceries: "345.50", housing: "1,000", transport: ""})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("/welcome/complete")
    assert _budgets(session, imported) == {
        (groceries, 2026, 4, Decimal("345.50")),
        (housing, 2026, 4, Decimal("1000.00")),
    }
    assert _step(session, imported) == "complete"

    # Back to the step: it shows what was saved, and an emptied amount removes the budget.
    again = client.get("/welcome/budget")
    assert (_value(again, groceries), _value(again, housing)) == ("345.50", "1000.00")
    _post_amounts(client, {groceries: "345.50", housing: "0"})
    assert _budgets(session, imported) == {(groceries, 2026, 4, Decimal("345.50"))}


def test_an_empty_ledger_gets_a_starter_split_of_the_income(client, session, sam):
    first = client.get("/welcome/budget")
    assert "A first budget for November 2026" in _text(first)
    assert '<label for="monthly_income">Monthly income' in first.get_data(as_text=True)

    split = client.get("/welcome/budget?monthly_income=4,000")
    assert split.status_code == 200
    housing, groceries, subscriptions = _ids(session, sam, "Housing", "Groceries", "Subscriptions")
    assert (_value(split, housing), _value(split, groceries), _value(split, subscriptions)) == (
        "1200.00",
        "480.00",
        "80.00",
    )
    assert "30 % of a monthly income of 4000.00" in _text(split)

    saved = _post_amounts(client, {housing: "1100", groceries: "480.00"}, "?monthly_income=4000")
    assert saved.status_code == 302
    assert _budgets(session, sam) == {
        (housing, 2026, 11, Decimal("1100.00")),
        (groceries, 2026, 11, Decimal("480.00")),
    }


@pytest.mark.parametrize(
    ("income", "message"), [("0", "Must be more than 0."), ("plenty", "is not an amount")]
)
def test_an_income_that_cannot_be_split_is_named(client, sam, income, message):
    page = client.get(f"/welcome/budget?monthly_income={income}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="monthly_income-error"' in html
    assert message in _text(page)


@pytest.mark.parametrize(
    ("typed", "message"), [("-20.00", "Must not be negative."), ("twelve", "is not an amount")]
)
def test_a_bad_amount_keeps_the_wizard_on_the_step(client, session, imported, typed, message):
    groceries, housing = _ids(session, imported, "Groceries", "Housing")
    refused = _post_amounts(client, {groceries: "300.00", housing: typed})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    error = re.search(rf'id="amount_{housing}-error"[^>]*>([^<]*)<', html)
    assert error and message in error.group(1)
    assert 'aria-current="step">5. A first budget' in html
    assert _budgets(session, imported) == set()
    assert _step(session, imported) == "budget"


def test_all_set_waits_for_the_budget(client, session, sam):
    early = client.get("/welcome/complete")
    assert (early.status_code, early.headers["Location"]) == (302, "/welcome/budget")
    token = csrf_token_from(client.get("/welcome/budget").get_data(as_text=True))
    finish = client.post("/welcome/complete", data={"csrf_token": token})
    assert finish.headers["Location"] == "/welcome/budget"
    assert _step(session, sam) == "budget"


def test_finishing_lands_on_the_overview_of_the_imported_month(client, session, imported):
    (groceries,) = _ids(session, imported, "Groceries")
    _post_amounts(client, {groceries: "330.00"})
    summary = client.get("/welcome/complete")
    assert summary.status_code == 200
    text = _text(summary)
    assert "Currency USD" in text
    assert "Transactions 8, from" in text
    assert "Budget for April 2026 $330.00" in text
    html = summary.get_data(as_text=True)
    for step in ("profile", "owners", "categories", "data", "budget"):
        assert f'href="/welcome/{step}"' in html

    finished = client.post("/welcome/complete", data={"csrf_token": csrf_token_from(html)})
    assert finished.status_code == 302
    assert finished.headers["Location"] == "/?month=2026-04"
    overview = client.get(finished.headers["Location"])
    assert overview.status_code == 200
    assert "<h1>April 2026" in overview.get_data(as_text=True)
    assert _step(session, imported) == "done"

    for page in ("/welcome/budget", "/welcome/complete", "/welcome"):
        closed = client.get(page)
        assert (closed.status_code, closed.headers["Location"]) == (302, "/")
    assert client.get("/budgets?month=2026-04").status_code == 200


def test_finishing_an_empty_ledger_opens_the_plain_overview(client, session, sam):
    _post_amounts(client, {})
    summary = client.get("/welcome/complete")
    assert "Transactions None yet" in _text(summary)
    assert "No budget yet" in _text(summary)
    finished = client.post(
        "/welcome/complete", data={"csrf_token": csrf_token_from(summary.get_data(as_text=True))}
    )
    assert finished.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_split_asked_for_on_a_second_visit_keeps_the_other_budgets(client, session, sam):
    with tenancy.acting_as(session, sam.id):
        pets = categories.create_category(session, "Pets").id
        session.commit()
    (housing,) = _ids(session, sam, "Housing")
    _post_amounts(client, {pets: "60", housing: "900"})
    back = client.get("/welcome/budget")
    assert (_value(back, pets), _value(back, housing)) == ("60.00", "900.00")
    split = client.get("/welcome/budget?monthly_income=4000")
    assert (_value(split, pets), _value(split, housing)) == ("60.00", "1200.00")
