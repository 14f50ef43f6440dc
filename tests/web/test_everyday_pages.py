"""What a person notices on the everyday pages: the place in a list is kept, totals cover
the whole filter, pages go back as well as forward, forms start sensibly, dates read as the
ledger's locale writes them, and the small things (icon, account page, first steps)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Transaction, UserSettings
from homeledger.web.formats import format_date
from tests.conftest import api_login, bearer, csrf_token_from
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


@pytest.fixture(autouse=True)
def short_pages(monkeypatch):
    """Pages of 10 rows, so three pages take 24 rows rather than 120."""
    monkeypatch.setattr("homeledger.web.transactions.routes.PAGE_SIZE", 10)


@pytest.fixture
def coffees(session, alex):
    """24 coffees on consecutive days, and one rent payment."""
    start = date(2024, 1, 1)
    rows = [(start + timedelta(days=i), f"Coffee {i:03d}", "-3.25", None) for i in range(24)]
    return add_transactions(session, alex, [*rows, (start, "Rent", "-900.00", None)])


def _html(response) -> str:
    return response.get_data(as_text=True)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return unescape(found.group(1)) if found else None


def _descriptions(html: str) -> list[str]:
    return re.findall(r'<td class="lead">([^<]+)', html)


def test_previous_leads_back_through_the_same_pages(signed_in, coffees):
    pages = [_html(signed_in.get("/transactions?search=coffee"))]
    assert _link(pages[0], "prev") is None
    while link := _link(pages[-1], "next"):
        assert "search=coffee" in link
        pages.append(_html(signed_in.get(link)))
    assert [len(_descriptions(p)) for p in pages] == [10, 10, 4]
    back = [pages[-1]]
    while link := _link(back[-1], "prev"):
        assert "search=coffee" in link
        back.append(_html(signed_in.get(link)))
    assert [_descriptions(p) for p in back] == [_descriptions(p) for p in reversed(pages)]


def test_a_stale_page_link_offers_the_first_page_of_the_same_filter(signed_in, coffees):
    response = signed_in.get("/transactions?search=coffee&cursor=gone")
    assert response.status_code == 400
    assert 'href="/transactions?search=coffee">Go to the first page' in _html(response)


def test_totals_are_of_the_whole_filter_not_the_page(signed_in, coffees):
    html = _html(signed_in.get("/transactions?search=coffee"))
    assert len(_descriptions(html)) == 10
    assert re.search(r'data-testid="total-count">24<', html)
    assert 'data-testid="total-spending">$78.00<' in html  # 24 x 3.25, uncategorised
    assert 'data-testid="total-income">$0.00<' in html
    assert 'data-testid="total-net">-$78.00<' in html
    everything = _html(signed_in.get("/transactions"))
    assert re.search(r'data-testid="total-count">25<', everything)
    assert "25</strong> transactions in the ledger" in everything


def test_totals_equal_the_sum_of_the_rows_across_pages(signed_in, session, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2024, 5, d % 28 + 1), f"Row {d}", f"{(-1) ** d * d}.{d:02d}", None)
            for d in range(1, 30)
        ],
    )
    link, amounts = "/transactions?month=2024-05", []
    first = _html(signed_in.get(link))
    while link:
        html = _html(signed_in.get(link))
        amounts += [
            Decimal(a.replace("$", "").replace(",", ""))
            for a in re.findall(r'data-label="Amount">([^<]+)<', html)
        ]
        link = _link(html, "next")
    income, spending = sum(a for a in amounts if a > 0), sum(a for a in amounts if a < 0)
    assert f'data-testid="total-count">{len(amounts)}<' in first
    assert f'data-testid="total-income">${income:,.2f}<' in first
    assert f'data-testid="total-spending">${-spending:,.2f}<' in first  # uncategorised rows


def _edit_link(html: str) -> str:
    return unescape(re.search(r'href="(/transactions/\d+/edit\?back=[^"]+)"', html).group(1))


def test_save_and_cancel_return_to_the_same_filter_and_page(signed_in, coffees):
    first = _html(signed_in.get("/transactions?search=coffee"))
    page_two_url = _link(first, "next")
    edit_url = _edit_link(_html(signed_in.get(page_two_url)))
    form = _html(signed_in.get(edit_url))
    assert f'href="{page_two_url}" class="secondary">Cancel'.replace("&", "&amp;") in form
    data = {
        "date": "2024-02-01",
        "description": "Coffee edited",
        "amount": "-3.25",
        "csrf_token": csrf_token_from(form),
    }
    saved = signed_in.post(edit_url, data=data)
    assert saved.status_code == 302 and saved.headers["Location"] == page_two_url


def test_delete_returns_to_the_same_filter_and_page(session, signed_in, alex, coffees):
    page_two_url = _link(_html(signed_in.get("/transactions?search=coffee")), "next")
    edit_url = _edit_link(_html(signed_in.get(page_two_url)))
    form = _html(signed_in.get(edit_url))
    delete_url = unescape(re.search(r'href="(/transactions/\d+/delete\?back=[^"]+)"', form)[1])
    question = _html(signed_in.get(delete_url))
    deleted = signed_in.post(delete_url, data={"csrf_token": csrf_token_from(question)})
    assert deleted.status_code == 302 and deleted.headers["Location"] == page_two_url
    session.expire_all()
    with tenancy.acting_as(session, alex.id):
        assert len(list(session.scalars(select(Transaction)))) == 24


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/",
        "//evil.example/transactions",
        "/settings/rules",
        "/\\evil",
        "/transactions?a=1\r\nSet-Cookie: x=1",
    ],
)
def test_only_a_transaction_list_is_a_place_to_return_to(signed_in, coffees, back):
    form = _html(signed_in.get(f"/transactions/{coffees[0]}/edit", query_string={"back": back}))
    data = {
        "date": "2024-02-01",
        "description": "Coffee",
        "amount": "-3.25",
        "csrf_token": csrf_token_from(form),
    }
    saved = signed_in.post(
        f"/transactions/{coffees[0]}/edit", query_string={"back": back}, data=data
    )
    assert saved.headers["Location"] == "/transactions"


def test_a_new_transaction_starts_on_today(signed_in):
    html = _html(signed_in.get("/transactions/new"))
    assert f'value="{date.today().isoformat()}"' in html


@pytest.mark.parametrize("description", ["", "   "])
def test_an_empty_description_is_refused(session, signed_in, alex, description):
    form = _html(signed_in.get("/transactions/new"))
    data = {
        "date": "2024-03-01",
        "description": description,
        "amount": "-5.00",
        "csrf_token": csrf_token_from(form),
    }
    response = signed_in.post("/transactions/new", data=data)
    assert response.status_code == 400
    assert "Enter a description, e.g. the payee." in _html(response)
    with tenancy.acting_as(session, alex.id):
        assert list(session.scalars(select(Transaction))) == []


@pytest.mark.parametrize(
    ("locale", "written"),
    [
        ("en", "15 Mar 2026"),
        ("en-GB", "15 Mar 2026"),
        ("en_US", "Mar 15, 2026"),
        ("de-DE", "15.03.2026"),
        ("fr", "15/03/2026"),
        ("ja-JP", "2026/03/15"),
        ("xx", "2026-03-15"),
    ],
)
def test_dates_are_written_as_the_locale_writes_them(locale, written):
    assert format_date(date(2026, 3, 15), locale) == written


def test_pages_show_dates_in_the_ledgers_locale_and_the_api_in_iso(session, signed_in, alex):
    add_transactions(session, alex, [(date(2026, 3, 15), "Cinema", "-20.00", None)])
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().locale = "de-DE"
        session.commit()
    html = _html(signed_in.get("/transactions"))
    assert ">15.03.2026<" in html and "2026-03-15" not in html
    token = api_login(signed_in).get_json()["access_token"]
    listed = signed_in.get("/api/v1/transactions", headers=bearer(token)).get_json()
    assert [t["date"] for t in listed["items"]] == ["2026-03-15"]


def test_the_account_page_says_who_you_are_and_leads_to_the_password(signed_in):
    html = _html(signed_in.get("/account", follow_redirects=True))  # the settings hub now
    assert "Signed in as</dt><dd>alex<" in html
    assert 'href="/account/password"' in html
    assert 'href="/settings"' in _html(signed_in.get("/"))  # the menu's Settings


def test_the_empty_overview_points_to_import_and_the_demo(signed_in):
    html = _html(signed_in.get("/"))
    assert "coming version" not in html
    assert 'href="/imports"' in html and "homeledger demo" in html


def test_every_page_names_an_icon_that_exists(client, signed_in):
    html = _html(signed_in.get("/"))
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(icon).status_code == 200
    assert client.get("/favicon.ico").status_code in (301, 302)


def test_the_api_reading_page_loads_nothing_from_outside(client):
    page = _html(client.get("/api/v1/docs"))
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(src.startswith("/static/") for src in scripts)
    for src in scripts:
        code = client.get(src).get_data(as_text=True)
        assert "cdn.redoc.ly" not in code  # the viewer's logo came from there


def test_bulk_edit_of_ticked_rows_on_page_two_returns_to_page_two(session, signed_in, coffees):
    """Ticking rows on page 2 and setting their owner led back to page 1 of the list."""
    second = _link(_html(signed_in.get("/transactions?search=coffee")), "next")
    page_two = _html(signed_in.get(second))
    form = re.search(r'action="(/transactions/bulk[^"]*)"', page_two).group(1)
    ticked = re.findall(r'name="ids" value="(\d+)"', page_two)[:2]
    groceries = re.search(r'<option value="(\d+)">Groceries</option>', page_two).group(1)
    response = signed_in.post(
        unescape(form),
        data={
            "ids": ticked,
            "bulk-category": groceries,
            "bulk-owner": "",
            "bulk-apply_selected": "Apply to selected",
            "csrf_token": csrf_token_from(page_two),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == second
    categorised = _html(signed_in.get(second))
    assert categorised.count(">Groceries<") >= 2


def test_previous_after_the_first_pages_rows_were_deleted_shows_the_first_page(
    session, signed_in, alex, coffees
):
    """Page 2's Previous, once page 1's rows were deleted elsewhere, was an empty page
    saying no transactions match, without a link, while 14 did."""
    first = _html(signed_in.get("/transactions?search=coffee"))
    second = _html(signed_in.get(_link(first, "next")))
    with tenancy.acting_as(session, alex.id):
        for row in session.scalars(select(Transaction).where(Transaction.id.in_(coffees[14:24]))):
            session.delete(row)
        session.commit()
    response = signed_in.get(_link(second, "prev"))
    assert response.status_code == 200
    html = _html(response)
    assert _descriptions(html) == _descriptions(second)
    assert "The rows of that page are gone; this is the first page." in html
    assert "No transactions match" not in html
