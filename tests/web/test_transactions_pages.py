"""The transaction pages: filter, page through, bulk-edit, record, edit and delete."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import Transaction, UserSettings
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _csrf(client) -> str:
    return csrf_token_from(client.get("/transactions/new").get_data(as_text=True))


def _rows(session, user) -> list[Transaction]:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(Transaction).order_by(Transaction.id)))


def _table(html: str) -> str:
    """The results table only, so menus and forms do not count as results."""
    start = html.find("<tbody>")
    return html[start : html.find("</tbody>", start)] if start >= 0 else ""


@pytest.mark.parametrize(
    "path", ["/transactions", "/transactions/new", "/transactions/1/edit", "/transactions/1/delete"]
)
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_list_shows_own_transactions_with_names_and_money(session, signed_in, alex):
    sam = make_user(session, "sam")
    add_transactions(session, alex, [(date(2024, 3, 2), "TESCO STORES", "-42.17", "Groceries")])
    add_transactions(session, sam, [(date(2024, 3, 2), "Sam's secret", "-1.00", None)])
    html = signed_in.get("/transactions").get_data(as_text=True)
    table = _table(html)
    assert "TESCO STORES" in table and "Groceries" in table and "-$42.17" in table
    assert "Sam&#39;s secret" not in html


def test_filters_by_search_uncategorised_month_and_amount(session, signed_in, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2024, 3, 2), "Tesco", "-42.17", "Groceries"),
            (date(2024, 3, 5), "Mystery shop", "-9.99", None),
            (date(2024, 4, 1), "April tesco", "-5.00", None),
            (date(2024, 3, 9), "Salary", "2000.00", "Salary"),
        ],
    )
    table = _table(signed_in.get("/transactions?search=TESCO").get_data(as_text=True))
    assert "Tesco" in table and "April tesco" in table and "Mystery" not in table

    table = _table(signed_in.get("/transactions?category=none").get_data(as_text=True))
    assert "Mystery shop" in table and "April tesco" in table and "Salary" not in table

    table = _table(signed_in.get("/transactions?month=2024-03").get_data(as_text=True))
    assert "Mystery shop" in table and "April" not in table

    table = _table(signed_in.get("/transactions?amount_min=0").get_data(as_text=True))
    assert "Salary" in table and "Tesco" not in table


def test_the_month_filter_follows_the_ledgers_month_start_day(session, signed_in, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2024, 3, 9), "Before the 10th", "-1.00", None),
            (date(2024, 3, 10), "March rent", "-900.00", None),
            (date(2024, 4, 9), "Last day of March's month", "-2.00", None),
            (date(2024, 4, 10), "April rent", "-900.00", None),
        ],
    )
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().month_start_day = 10
        session.commit()
    table = _table(signed_in.get("/transactions?month=2024-03").get_data(as_text=True))
    assert "March rent" in table and "Last day of March" in table
    assert "Before the 10th" not in table and "April rent" not in table


def test_next_page_link_carries_the_cursor_and_the_filter(session, signed_in, alex):
    start = date(2024, 1, 1)
    add_transactions(
        session,
        alex,
        [(start + timedelta(days=i), f"Coffee {i:03d}", "-3.00", None) for i in range(55)]
        + [(start, "Rent", "-900.00", None)],
    )
    html = signed_in.get("/transactions?search=coffee").get_data(as_text=True)
    assert _table(html).count("<tr>") == 50 and "Coffee 054" in html
    link = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "search=coffee" in link and "cursor=" in link

    page_two = signed_in.get(link).get_data(as_text=True)
    assert _table(page_two).count("<tr>") == 5 and "Coffee 000" in page_two
    assert "Rent" not in _table(page_two)
    assert 'rel="next"' not in page_two


@pytest.mark.parametrize(
    "query, message",
    [
        ("amount_min=abc", "&#39;abc&#39; is not an amount. Write it like -1,234.50."),
        ("cursor=not-a-cursor", "Is not a cursor from this listing."),
        ("date_from=2024-02-30", "Not a valid date value."),
        ("month=2024-03&date_from=2024-03-01", "Choose a month or a date range, not both."),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_problem(signed_in, query, message):
    response = signed_in.get(f"/transactions?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_record_a_transaction_with_an_exact_amount(session, signed_in, alex):
    response = signed_in.post(
        "/transactions/new",
        data={
            "date": "2024-03-02",
            "description": "Corner shop",
            "amount": "-1,012.34",
            "category": str(_category(session, alex, "Groceries")),
            "owner": "",
            "account": "Joint",
            "notes": "milk",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302
    (row,) = _rows(session, alex)
    assert (row.date, row.amount, row.account) == (date(2024, 3, 2), Decimal("-1012.34"), "Joint")
    assert "Corner shop" in signed_in.get("/transactions").get_data(as_text=True)


@pytest.mark.parametrize(
    ("locale", "typed", "stored"),
    [
        ("en", "-$1,234.50", "-1234.50"),
        ("en", "1,234", "1234.00"),
        ("en", "EUR 12,30", "12.30"),
        ("en-GB", "£ 7.5", "7.50"),
        ("de", "-1.234,50 €", "-1234.50"),
        ("fr", "1 234,50", "1234.50"),
        ("de", "1.234", "1234.00"),
        ("nl", "EUR -12,30", "-12.30"),
        ("de-CH", "CHF 1,234", "1234.00"),
        ("es_MX", "1,234", "1234.00"),
    ],
)
def test_amounts_are_read_as_people_type_them(session, signed_in, alex, locale, typed, stored):
    """The text's own separator wins; where it could be either ("1,234", "1.234") the
    ledger's language decides: a thousands separator in both of these cases."""
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().locale = locale
        session.commit()
    response = signed_in.post(
        "/transactions/new",
        data={
            "date": "2024-03-02",
            "description": "Typed",
            "amount": typed,
            "category": "",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    (row,) = _rows(session, alex)
    assert row.amount == Decimal(stored)


def _category(session, user, name: str) -> int:
    with tenancy.acting_as(session, user.id):
        return category_id(session, name)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("amount", "12.345", "&#39;12.345&#39; has more than 2 decimal places. Write it like"),
        ("amount", "1e3", "&#39;1e3&#39; is not an amount. Write it like -1,234.50."),
        ("amount", "NaN", "&#39;NaN&#39; is not an amount. Write it like -1,234.50."),
        ("amount", "$5 €", "&#39;$5 €&#39; is not an amount. Write it like -1,234.50."),
        ("amount", "", "Enter an amount."),
        ("amount", "99999999999", "Is implausibly large."),
        ("date", "2024-02-30", "Enter a real date."),
        ("date", "1850-01-01", "Must be a real date between 1900 and 2199."),
        ("category", "999999", "Not a valid choice."),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    session, signed_in, alex, field, value, message
):
    data = {"date": "2024-03-02", "description": "x", "amount": "-1.00", "category": ""}
    data |= {field: value, "csrf_token": _csrf(signed_in)}
    response = signed_in.post("/transactions/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _rows(session, alex) == []


def test_edit_a_transaction(session, signed_in, alex):
    (row_id,) = add_transactions(session, alex, [(date(2024, 3, 2), "Tesc", "-4.00", None)])
    page = signed_in.get(f"/transactions/{row_id}/edit")
    assert page.status_code == 200 and 'value="-4.00"' in page.get_data(as_text=True)
    response = signed_in.post(
        f"/transactions/{row_id}/edit",
        data={
            "date": "2024-03-03",
            "description": "Tesco",
            "amount": "-4.50",
            "category": "",
            "owner": "",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302
    (row,) = _rows(session, alex)
    assert (row.description, row.amount, row.date) == ("Tesco", Decimal("-4.50"), date(2024, 3, 3))


def test_delete_asks_first_then_deletes(session, signed_in, alex):
    (row_id,) = add_transactions(session, alex, [(date(2024, 3, 2), "Oops", "-4.00", None)])
    page = signed_in.get(f"/transactions/{row_id}/delete")
    assert "Delete this transaction?" in page.get_data(as_text=True)
    assert len(_rows(session, alex)) == 1
    response = signed_in.post(
        f"/transactions/{row_id}/delete", data={"csrf_token": _csrf(signed_in)}
    )
    assert response.status_code == 302
    assert _rows(session, alex) == []


def test_another_ledgers_transaction_is_404_on_edit_and_delete(session, signed_in, alex):
    sam = make_user(session, "sam")
    (theirs,) = add_transactions(session, sam, [(date(2024, 3, 2), "Sam's", "-4.00", None)])
    token = _csrf(signed_in)
    assert signed_in.get(f"/transactions/{theirs}/edit").status_code == 404
    assert signed_in.get(f"/transactions/{theirs}/delete").status_code == 404
    edit = {"date": "2024-03-03", "amount": "1.00", "csrf_token": token}
    assert signed_in.post(f"/transactions/{theirs}/edit", data=edit).status_code == 404
    delete = {"csrf_token": token}
    assert signed_in.post(f"/transactions/{theirs}/delete", data=delete).status_code == 404
    (row,) = _rows(session, sam)
    assert row.amount == Decimal("-4.00")


def test_bulk_sets_the_category_of_ticked_rows_only(session, signed_in, alex):
    ids = add_transactions(
        session,
        alex,
        [(date(2024, 3, d), f"Shop {d}", "-1.00", None) for d in (1, 2, 3)],
    )
    groceries = _category(session, alex, "Groceries")
    response = signed_in.post(
        "/transactions/bulk",
        data={
            "ids": [str(ids[0]), str(ids[2])],
            "bulk-category": str(groceries),
            "bulk-owner": "",
            "bulk-apply_selected": "Apply to selected",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302
    assert [r.category_id for r in _rows(session, alex)] == [groceries, None, groceries]


def test_bulk_applies_to_everything_the_filter_matches(session, signed_in, alex):
    add_transactions(
        session,
        alex,
        [(date(2024, 3, d), "Tesco", "-1.00", None) for d in range(1, 6)]
        + [(date(2024, 3, 1), "Rent", "-900.00", None)],
    )
    groceries = _category(session, alex, "Groceries")
    asked = {
        "bulk-category": str(groceries),
        "bulk-owner": "",
        "bulk-apply_all": "Apply to all matching this filter",
        "csrf_token": _csrf(signed_in),
    }
    question = signed_in.post("/transactions/bulk?search=tesco", data=asked)
    assert "Change 5 transactions?" in question.get_data(as_text=True)
    response = signed_in.post(
        "/transactions/bulk?search=tesco", data=asked | {"bulk-confirm_count": "5"}
    )
    assert response.status_code == 302 and "search=tesco" in response.headers["Location"]
    rows = _rows(session, alex)
    assert {r.description: r.category_id for r in rows} == {"Tesco": groceries, "Rent": None}
    assert "Updated 5 transactions." in signed_in.get("/transactions").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"bulk-category": "GROCERIES", "bulk-apply_selected": "x"},
            "Tick at least one transaction.",
        ),
        ({"bulk-category": "", "bulk-apply_all": "x"}, "Choose a category or an owner to set."),
    ],
)
def test_bulk_without_a_selection_or_change_is_a_400(session, signed_in, alex, data, message):
    add_transactions(session, alex, [(date(2024, 3, 1), "Tesco", "-1.00", None)])
    if data["bulk-category"] == "GROCERIES":
        data["bulk-category"] = str(_category(session, alex, "Groceries"))
    response = signed_in.post("/transactions/bulk", data=data | {"csrf_token": _csrf(signed_in)})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    session.expire_all()
    with tenancy.acting_as(session, alex.id):
        assert session.scalar(select(func.count()).where(Transaction.category_id.is_not(None))) == 0


def test_bulk_cannot_touch_another_ledgers_rows(session, signed_in, alex):
    sam = make_user(session, "sam")
    (theirs,) = add_transactions(session, sam, [(date(2024, 3, 2), "Sam's", "-4.00", None)])
    response = signed_in.post(
        "/transactions/bulk",
        data={
            "ids": [str(theirs)],
            "bulk-category": str(_category(session, alex, "Groceries")),
            "bulk-apply_selected": "x",
            "csrf_token": _csrf(signed_in),
        },
    )
    assert response.status_code == 302
    assert "Updated 0 transactions." in signed_in.get("/transactions").get_data(as_text=True)
    assert _rows(session, sam)[0].category_id is None


def test_every_element_id_on_the_list_is_unique(session, signed_in, alex):
    add_transactions(session, alex, [(date(2024, 3, 2), "Tesco", "-4.00", None)])
    ids = re.findall(r'\sid="([^"]+)"', signed_in.get("/transactions").get_data(as_text=True))
    assert ids and len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "query",
    [
        "batch=%C2%B2",
        "batch=99999999999999999999",
        "amount_min=99999999999999999999",
        "search=%00",
        "month=9999-12",
        "owner=%C2%B2",
    ],
)
def test_odd_filters_never_crash_the_list(session, client, auth, query):
    make_user(session, "alex")
    auth.login("alex")
    response = client.get(f"/transactions?{query}")
    assert response.status_code in (200, 400)
    assert client.get("/transactions/99999999999999999999/edit").status_code == 404


def test_rows_flagged_for_review_can_be_found_and_fixed(session, client, auth):
    user = make_user(session, "alex")
    ids = add_transactions(
        session,
        user,
        [(date(2026, 3, 1), "Odd", "-45.00", None), (date(2026, 3, 2), "Fine", "-5.00", None)],
    )
    tenancy.set_ledger(session, user.id)
    session.get(Transaction, ids[0]).review_reason = "amount was written '(45.00)'"
    session.commit()
    auth.login("alex")
    page = client.get("/transactions?review=y").get_data(as_text=True)
    assert "Odd" in page and "Fine" not in page and "Needs a look" in page
