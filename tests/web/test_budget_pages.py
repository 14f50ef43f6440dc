"""The budget pages: the month against its budgets, set, edit, delete, copy, the year.

The ledger's months start on the 15th, so "March 2026" runs from 15 March to
14 April. Every figure on a page is checked against the service's for the same month.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Budget, Owner, Transaction, UserSettings
from homeledger.services import budgets, categories
from homeledger.web.formats import format_money
from tests.conftest import csrf_token_from
from tests.factories import category_id, make_user

D = Decimal

# (date, description, amount, category, owner)
ROWS = [
    (date(2026, 3, 15), "Supermarket", "-120.00", "Groceries", "Alex"),  # first day of March
    (date(2026, 3, 20), "Market", "-80.50", "Groceries", "Sam"),
    (date(2026, 4, 2), "Supermarket refund", "20.25", "Groceries", "Alex"),
    (date(2026, 4, 14), "Corner shop", "-10.00", "Groceries", None),  # last day of March
    (date(2026, 3, 18), "Pizza", "-45.00", "Dining Out", "Sam"),
    (date(2026, 3, 25), "Noodles", "-30.00", "Dining Out", "Alex"),
    (date(2026, 3, 28), "Shoes", "-60.00", "Shopping", "Alex"),
    (date(2026, 4, 1), "Cash machine", "-12.34", None, "Sam"),
    (date(2026, 3, 14), "Supermarket", "-99.00", "Groceries", "Alex"),  # February
    (date(2026, 4, 15), "Supermarket", "-77.00", "Groceries", "Alex"),  # April
]


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _row(response, testid: str) -> str:
    html = response.get_data(as_text=True)
    found = re.search(rf'data-testid="{testid}".*?</tr>', html, re.S)
    assert found, f"no row {testid}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _figure(response, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]+)<', response.get_data(as_text=True))
    assert found, f"no figure {testid}"
    return unescape(found.group(1))


def money(value) -> str:
    return format_money(D(value), "USD")


@pytest.fixture
def ledger(session):
    alex = make_user(session, "alex")
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        categories.add_owners(session, ["Alex", "Sam"])
        owners = dict(session.execute(select(Owner.name, Owner.id)).tuples().all())
        session.add_all(
            Transaction(
                date=day,
                description=text,
                amount=D(amount),
                category_id=category_id(session, category) if category else None,
                owner_id=owners[owner] if owner else None,
            )
            for day, text, amount, category, owner in ROWS
        )
        session.commit()
    tenancy.set_ledger(session, alex.id)  # the test's own reads are Alex's
    return alex


@pytest.fixture
def march(session, ledger) -> dict[str, int]:
    """March budgets: groceries 150 (over: 190.25 spent), Alex's share of them, dining out
    100 (75 spent, under), entertainment 40 (nothing spent)."""
    with tenancy.acting_as(session, ledger.id):
        alex = session.scalars(select(Owner.id).where(Owner.name == "Alex")).one()
        ids = {
            "groceries": budgets.set_budget(
                session, 2026, 3, category_id(session, "Groceries"), D("150")
            ),
            "alex groceries": budgets.set_budget(
                session, 2026, 3, category_id(session, "Groceries"), D("100"), alex
            ),
            "dining": budgets.set_budget(
                session, 2026, 3, category_id(session, "Dining Out"), D("100")
            ),
            "fun": budgets.set_budget(
                session, 2026, 3, category_id(session, "Entertainment"), D("40")
            ),
        }
        session.commit()
    return ids


@pytest.fixture
def signed_in(client, auth, ledger):
    auth.login("alex")
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/budgets/new").get_data(as_text=True))


def _budgets(session, user) -> dict[tuple, Decimal]:
    """(year, month, category_id, owner_id) -> amount, as stored now."""
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        rows = session.scalars(select(Budget)).all()
        return {(b.year, b.month, b.category_id, b.owner_id): b.amount for b in rows}


# --- the month ---------------------------------------------------------------------------------


@pytest.mark.parametrize("owner_name", [None, "Alex"])
def test_the_page_shows_the_services_figures(session, signed_in, ledger, march, owner_name):
    with tenancy.acting_as(session, ledger.id):
        owner = (
            session.scalars(select(Owner.id).where(Owner.name == owner_name)).one()
            if owner_name
            else None
        )
        report = budgets.month_report(session, 2026, 3, owner)
    page = signed_in.get("/budgets", query_string={"month": "2026-03", "owner": owner or ""})
    assert page.status_code == 200
    assert report.lines
    for line in report.lines:
        row = _row(page, f"line-{line.id}")
        assert line.category in row
        assert money(line.budgeted) in row and money(line.spent) in row
        assert money(line.remaining) in row
        if line.percent is not None:
            assert f"{line.percent} %" in row
    assert _figure(page, "total-budgeted") == money(report.budgeted)
    assert _figure(page, "total-spent") == money(report.spent)
    assert _figure(page, "total-remaining") == money(abs(report.remaining))
    assert money(report.unbudgeted_spent) in _row(page, "unbudgeted")


def test_hand_computed_march_over_budget_first_in_words(signed_in, march):
    page = signed_in.get("/budgets?month=2026-03")
    text = _text(page)
    # Groceries: 120 + 80.50 - 20.25 + 10 = 190.25 of 150, 126.8 % used.
    groceries = _row(page, f"line-{march['groceries']}")
    assert "$150.00 $190.25 -$40.25" in groceries and "126.8 %" in groceries
    assert "Over budget by $40.25" in groceries
    assert "Over budget" not in _row(page, f"line-{march['dining']}")
    # Alex's share: 120 - 20.25 = 99.75 of 100, not over.
    assert "Over budget" not in _row(page, f"line-{march['alex groceries']}")
    # Over-budget lines come before the others, whatever their names.
    html = page.get_data(as_text=True)
    assert html.index(f"line-{march['groceries']}") < html.index(f"line-{march['dining']}")
    # Shoes and the uncategorised cash: 60 + 12.34.
    assert "$72.34" in _row(page, "unbudgeted")
    assert "1 budget over" in text
    # The progress bar says in words what it shows.
    assert 'aria-label="Groceries: 126.8 % of the budget used"' in html


def test_a_month_starting_on_the_15th_is_named_and_dated(signed_in, march):
    text = _text(signed_in.get("/budgets?month=2026-03"))
    assert "Budgets · March 2026" in text
    assert "15 Mar 2026 \u2013 14 Apr 2026" in text
    assert "← February 2026" in text and "April 2026 →" in text


@pytest.mark.parametrize(
    "url, gone",
    [
        ("/budgets?month=1900-01", ["December 1899", "1899-12"]),
        ("/budgets?month=2199-12", ["January 2200", "2200-01"]),
        ("/budgets/suggest?month=2199-12", ["January 2200", "2200-01"]),
        ("/budgets/copy?month=1900-01", ["1899-12", "Choose a month between"]),
        ("/budgets/year?year=1900", ["← 1899", "year=1899"]),
        ("/budgets/year?year=2199", ["2200 →", "year=2200"]),
    ],
)
def test_the_first_and_last_months_link_to_no_month_beyond_them(signed_in, url, gone):
    page = signed_in.get(url)
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert [text for text in [*gone, "cannot be used"] if text in html] == []


def test_a_month_without_budgets_points_to_suggestions_and_copying(signed_in, march):
    page = signed_in.get("/budgets?month=2026-04")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No budgets for April 2026 yet" in _text(page)
    assert 'href="/budgets/suggest?month=2026-04"' in html
    assert "/budgets/copy?month=2026-04&amp;source=2026-03" in html


# --- set, edit, delete --------------------------------------------------------------------------


def test_setting_a_budget_takes_the_amount_as_people_write_it(session, signed_in, ledger):
    shopping = category_id(session, "Shopping")
    data = {"csrf_token": _csrf(signed_in), "month": "2026-03", "category": str(shopping)}
    response = signed_in.post("/budgets/new", data={**data, "amount": "$1,250.50"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/budgets?month=2026-03")
    assert _budgets(session, ledger) == {(2026, 3, shopping, None): D("1250.50")}
    # The same category again is the same budget with a new amount.
    signed_in.post("/budgets/new", data={**data, "amount": "80"})
    assert _budgets(session, ledger) == {(2026, 3, shopping, None): D("80.00")}
    assert "Budget set for March 2026." in _text(signed_in.get("/budgets?month=2026-03"))


def test_editing_changes_the_amount_and_returns_to_the_list(session, signed_in, ledger, march):
    back = "/budgets?month=2026-03&owner="
    form = signed_in.get(f"/budgets/{march['dining']}/edit", query_string={"back": back})
    assert form.status_code == 200 and "Budget for Dining Out" in _text(form)
    response = signed_in.post(
        f"/budgets/{march['dining']}/edit",
        query_string={"back": back},
        data={"csrf_token": csrf_token_from(form.get_data(as_text=True)), "amount": "125.5"},
    )
    assert response.status_code == 302 and response.headers["Location"] == back
    dining = category_id(session, "Dining Out")
    assert _budgets(session, ledger)[(2026, 3, dining, None)] == D("125.50")


def test_delete_asks_first_and_a_post_skipping_the_question_changes_nothing(
    session, signed_in, ledger, march
):
    url = f"/budgets/{march['fun']}/delete"
    question = signed_in.get(url)
    text = _text(question)
    assert question.status_code == 200
    assert "Delete this budget?" in text and "Entertainment" in text and "$40.00" in text
    assert len(_budgets(session, ledger)) == 4  # asking deletes nothing
    skipped = signed_in.post(url, data={"csrf_token": _csrf(signed_in)})
    assert skipped.status_code == 400 and "Confirm the delete" in _text(skipped)
    wrong = signed_in.post(url, data={"csrf_token": _csrf(signed_in), "confirm": "1"})
    assert wrong.status_code == 400
    assert len(_budgets(session, ledger)) == 4
    answer = csrf_token_from(question.get_data(as_text=True))
    done = signed_in.post(url, data={"csrf_token": answer, "confirm": str(march["fun"])})
    assert done.status_code == 302
    assert len(_budgets(session, ledger)) == 3


def test_another_ledgers_budget_is_not_found(session, client, auth, ledger, march):
    make_user(session, "robin")
    auth.login("robin")
    token = csrf_token_from(client.get("/budgets/new").get_data(as_text=True))
    budget = march["groceries"]
    assert client.get(f"/budgets/{budget}/edit").status_code == 404
    assert client.get(f"/budgets/{budget}/delete").status_code == 404
    posted = {"csrf_token": token, "amount": "1", "confirm": str(budget)}
    assert client.post(f"/budgets/{budget}/edit", data=posted).status_code == 404
    assert client.post(f"/budgets/{budget}/delete", data=posted).status_code == 404
    assert len(_budgets(session, ledger)) == 4


# --- copying a month ----------------------------------------------------------------------------


def test_copy_says_how_many_are_added_and_kept_then_copies(session, signed_in, ledger, march):
    dining = category_id(session, "Dining Out")
    with tenancy.acting_as(session, ledger.id):
        budgets.set_budget(session, 2026, 4, dining, D("999"))  # set by hand: kept
        session.commit()
    question = signed_in.get("/budgets/copy?month=2026-04&source=2026-03")
    text = _text(question)
    assert question.status_code == 200
    assert "Copy March 2026's budgets into April 2026?" in text
    assert "3 budgets will be added to April 2026" in text
    assert "the 1 budget April 2026 already has for the same categories are kept" in text
    assert len(_budgets(session, ledger)) == 5  # asking copies nothing

    for skipped in ({}, {"confirm_count": "2"}):
        response = signed_in.post(
            "/budgets/copy?month=2026-04",
            data={"csrf_token": _csrf(signed_in), "source": "2026-03", **skipped},
        )
        assert response.status_code == 400
        assert len(_budgets(session, ledger)) == 5

    done = signed_in.post(
        "/budgets/copy?month=2026-04",
        data={
            "csrf_token": csrf_token_from(question.get_data(as_text=True)),
            "source": "2026-03",
            "confirm_count": "3",
        },
    )
    assert done.status_code == 302
    stored = _budgets(session, ledger)
    assert len(stored) == 8 and stored[(2026, 4, dining, None)] == D("999.00")
    flashed = _text(signed_in.get(done.headers["Location"]))
    assert "Copied 3 budgets from March 2026; kept the 1 budget already set." in flashed


def test_copy_from_the_previous_month_by_default(signed_in, march):
    page = signed_in.get("/budgets/copy?month=2026-04")
    assert page.status_code == 200 and "Copy March 2026's budgets" in _text(page)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field_text"),
    [
        ("/budgets?month=2024-13", "Choose a real month"),
        ("/budgets?month=march", "Choose a real month"),
        ("/budgets?month=1800-01", "Choose a month between 1900-01 and 2199-12"),
        ("/budgets?month=2026-03&owner=99999", "Not a valid choice"),
        ("/budgets/year?year=3000", "Choose a year between 1900 and 2199"),
        ("/budgets/year?year=2026&owner=x", "Not a valid choice"),
        ("/budgets/suggest?month=2024-13", "Choose a real month"),
        ("/budgets/bills?month=2024-00", "Choose a real month"),
        ("/budgets/copy?month=2026-04&source=2024-13", "Choose a real month"),
    ],
)
def test_a_bad_month_year_or_owner_is_a_400_naming_the_field(signed_in, march, url, field_text):
    page = signed_in.get(url)
    assert page.status_code == 400
    assert field_text in _text(page)
    assert 'aria-invalid="true"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "-5"}, "Must not be negative."),
        ({"amount": "lots"}, "Write it like"),
        ({"amount": "1.234"}, "Amount"),
        ({"amount": ""}, "Enter an amount"),
        ({"month": "2024-13"}, "Choose a real month"),
        ({"category": "salary"}, "Not a valid choice"),
        ({"category": "other ledger"}, "Not a valid choice"),
        ({"owner": "99999"}, "Not a valid choice"),
    ],
)
def test_a_bad_budget_is_a_400_naming_the_field_and_writes_nothing(
    session, signed_in, ledger, change, message
):
    other = make_user(session, "robin")
    with tenancy.acting_as(session, other.id):
        others = category_id(session, "Groceries")
    names = {"salary": category_id(session, "Salary"), "other ledger": others}
    change = {k: str(names.get(v, v)) for k, v in change.items()}
    data = {
        "csrf_token": _csrf(signed_in),
        "month": "2026-03",
        "category": str(category_id(session, "Shopping")),
        "amount": "10",
        **change,
    }
    response = signed_in.post("/budgets/new", data=data)
    assert response.status_code == 400
    assert message in _text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _budgets(session, ledger) == {}


def test_a_budget_for_one_owner_and_a_bad_edit(session, signed_in, ledger, march):
    sam = session.scalars(select(Owner.id).where(Owner.name == "Sam")).one()
    dining = category_id(session, "Dining Out")
    response = signed_in.post(
        "/budgets/new",
        data={
            "csrf_token": _csrf(signed_in),
            "month": "2026-03",
            "category": str(dining),
            "owner": str(sam),
            "amount": "60",
        },
    )
    assert response.status_code == 302
    assert _budgets(session, ledger)[(2026, 3, dining, sam)] == D("60.00")
    # Sam's pizza, 45.00 of 60.00, on Sam's own line.
    page = signed_in.get("/budgets", query_string={"month": "2026-03", "owner": sam})
    assert "Dining Out · Sam $60.00 $45.00 $15.00" in _text(page)
    assert "Showing Sam's spending only" in _text(page)

    refused = signed_in.post(
        f"/budgets/{march['dining']}/edit",
        data={"csrf_token": _csrf(signed_in), "amount": "-1"},
    )
    assert refused.status_code == 400 and "Must not be negative." in _text(refused)
    assert _budgets(session, ledger)[(2026, 3, dining, None)] == D("100.00")
