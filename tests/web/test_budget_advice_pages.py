"""Suggested budgets, raising budgets to the bills, and the year view, as pages.

Groceries January to June 2026 with one huge month, home insurance every month and
a yearly car insurance due in August; "today" is 10 July 2026, so July is unfinished.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget
from homeledger.services import budgets, commitments
from homeledger.services.commitments import CommitmentInput
from homeledger.web.formats import format_money
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user

D = Decimal
TODAY = date(2026, 7, 10)


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _row(response, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}".*?</tr>', response.get_data(as_text=True), re.S)
    assert found, f"no row {testid}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _bill(session, name, amount, frequency, start, category):
    commitments.create(
        session,
        CommitmentInput(
            name=name,
            amount=D(amount),
            frequency=frequency,
            start_date=start,
            category_id=category_id(session, category),
        ),
    )


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


@pytest.fixture
def half_year(session, alex):
    groceries = ["400.00", "410.00", "2000.00", "420.00", "405.00", "415.00"]
    rows = [
        (date(2026, month, 3), "Supermarket", f"-{amount}", "Groceries")
        for month, amount in enumerate(groceries, start=1)
    ]
    rows += [
        (date(2026, month, 5), "Home insurance", "-30.00", "Insurance") for month in range(1, 7)
    ]
    add_transactions(session, alex, rows)
    _bill(session, "Home insurance", "30.00", "monthly", date(2026, 1, 5), "Insurance")
    _bill(session, "Car insurance", "780.00", "yearly", date(2025, 8, 20), "Insurance")
    session.commit()
    return alex


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/budgets/new").get_data(as_text=True))


def _stored(session) -> dict[int, Decimal]:
    session.expire_all()
    rows = session.execute(select(Budget.category_id, Budget.amount)).tuples().all()
    return dict(rows)


# --- suggested budgets -------------------------------------------------------------------------


def test_suggestions_show_amount_current_budget_bills_and_reason(session, signed_in, half_year):
    groceries, insurance = category_id(session, "Groceries"), category_id(session, "Insurance")
    budgets.set_budget(session, 2026, 8, groceries, D("380"))
    session.commit()
    page = signed_in.get("/budgets/suggest?month=2026-08")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Suggested budgets · August 2026" in _text(page)
    row = _row(page, f"suggestion-{groceries}")
    # 400, 405, 410, 415, 420, 2000: the median is (410 + 415) / 2.
    assert "$412.50 $380.00" in row and "median of the last 6 months 412.50" in row
    row = _row(page, f"suggestion-{insurance}")
    assert "$810.00 none $810.00" in row
    assert "Car insurance (yearly) due this month +780.00" in row
    assert html.count('name="category_ids"') == 2 and html.count(" checked") == 2
    assert 'data-testid="short-history"' not in html


def test_a_short_history_is_said(session, signed_in, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2026, 5, 3), "Shop", "-50.00", "Groceries"),
            (date(2026, 6, 3), "Shop", "-70.00", "Groceries"),
        ],
    )
    page = signed_in.get("/budgets/suggest?month=2026-08")
    assert "Only 2 complete months of history so far" in _text(page)
    assert "only 2 months of history, averaging 60.00" in _text(page)


def test_no_history_at_all_says_so(signed_in):
    page = signed_in.get("/budgets/suggest?month=2026-08")
    text = _text(page)
    assert page.status_code == 200
    assert "There is no complete month of history yet" in text
    assert "No suggestions for August 2026" in text


def test_applying_the_ticked_suggestions_only(session, signed_in, half_year):
    groceries = category_id(session, "Groceries")
    response = signed_in.post(
        "/budgets/suggest?month=2026-08",
        data={"csrf_token": _csrf(signed_in), "category_ids": [str(groceries)]},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/budgets?month=2026-08")
    assert _stored(session) == {groceries: D("412.50")}  # insurance was unticked
    flashed = _text(signed_in.get(response.headers["Location"]))
    assert "Set 1 budget for August 2026 from the suggestions." in flashed


def test_applying_all_ticked_sets_every_suggestion(session, signed_in, half_year):
    ids = [category_id(session, "Groceries"), category_id(session, "Insurance")]
    response = signed_in.post(
        "/budgets/suggest?month=2026-08",
        data={"csrf_token": _csrf(signed_in), "category_ids": [str(i) for i in ids]},
    )
    assert response.status_code == 302
    assert _stored(session) == {ids[0]: D("412.50"), ids[1]: D("810.00")}
    assert "Set 2 budgets" in _text(signed_in.get(response.headers["Location"]))


@pytest.mark.parametrize("ticked", [[], ["Health"], ["other ledger"]])
def test_applying_nothing_or_an_unoffered_category_is_a_400_writing_nothing(
    session, signed_in, half_year, ticked
):
    robin = make_user(session, "robin")
    with tenancy.acting_as(session, robin.id):
        others = category_id(session, "Groceries")
    ids = [str(others if name == "other ledger" else category_id(session, name)) for name in ticked]
    response = signed_in.post(
        "/budgets/suggest?month=2026-08",
        data={"csrf_token": _csrf(signed_in), "category_ids": ids},
    )
    assert response.status_code == 400
    expected = "Tick at least one" if not ticked else "has no suggestion for August 2026"
    assert expected in _text(response)
    assert _stored(session) == {}


# --- raising budgets to the bills --------------------------------------------------------------


def test_raising_to_the_bills_shows_the_changes_then_makes_them_once(session, signed_in, half_year):
    insurance = category_id(session, "Insurance")
    page = signed_in.get("/budgets/bills?month=2026-08")
    assert page.status_code == 200
    row = _row(page, f"change-{insurance}")
    assert "Insurance no budget $810.00" in row
    assert "Car insurance" in row and "Home insurance" in row and "$780.00" in row
    assert _stored(session) == {}  # looking changes nothing

    for skipped in ({}, {"confirm_count": "2"}):
        refused = signed_in.post(
            "/budgets/bills?month=2026-08", data={"csrf_token": _csrf(signed_in), **skipped}
        )
        assert refused.status_code == 400
        assert _stored(session) == {}

    done = signed_in.post(
        "/budgets/bills?month=2026-08",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "confirm_count": "1"},
    )
    assert done.status_code == 302
    assert _stored(session) == {insurance: D("810.00")}
    assert "Raised 1 budget for August 2026 to the bills due." in _text(
        signed_in.get(done.headers["Location"])
    )
    again = signed_in.get("/budgets/bills?month=2026-08")
    assert 'data-testid="nothing-to-change"' in again.get_data(as_text=True)


def test_a_budget_high_enough_is_left_alone(session, signed_in, half_year):
    budgets.set_budget(session, 2026, 9, category_id(session, "Insurance"), D("50"))
    session.commit()
    page = signed_in.get("/budgets/bills?month=2026-09")  # only the 30.00 home insurance
    assert "Nothing to change" in _text(page)


# --- the year ----------------------------------------------------------------------------------


def test_the_year_shows_the_services_figures(session, signed_in, half_year):
    groceries = category_id(session, "Groceries")
    budgets.set_budget(session, 2026, 3, groceries, D("500"))
    session.commit()
    report = budgets.year_report(session, 2026)
    page = signed_in.get("/budgets/year?year=2026")
    assert page.status_code == 200
    months = _text(page)
    for name, budgeted, spent in zip(
        ["January", "March", "June"],
        [report.budgeted()[i] for i in (0, 2, 5)],
        [report.spent()[i] for i in (0, 2, 5)],
        strict=True,
    ):
        assert f"{name} 2026 {format_money(budgeted)} {format_money(spent)}" in months
    # March: 2000 + 30 spent against 500: over by 1,530.00, said in words.
    assert "$1,530.00 over" in months
    grid = _row(page, "year-categories")  # the header row
    assert "Jan" in grid and "Dec" in grid
    assert "Groceries $400.00 of — $410.00 of — $2,000.00 of $500.00 over" in months


def test_the_year_defaults_to_this_budgeting_year(signed_in):
    page = signed_in.get("/budgets/year")
    assert page.status_code == 200
    assert f"Budgets · {date.today().year}" in _text(page)
