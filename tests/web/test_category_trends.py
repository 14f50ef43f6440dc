"""The categories dashboard pages: figures worked out by hand (tests/analytics_ledger.py,
February to April 2026: Groceries 80.00, 100.00, 0.00; uncategorised 0.00, 35.25, 0.00),
and every figure's link opens the transaction list whose totals show it, to the cent."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from homeledger import tenancy
from homeledger.web.formats import format_money
from tests import analytics_ledger
from tests.factories import add_transactions, category_id, make_user

D = Decimal
RANGE = {"from": "2026-02", "to": "2026-04"}


def money(value) -> str:
    return format_money(D(value), "USD")


@pytest.fixture
def ledger(session):
    alex = make_user(session, "alex")
    owners = analytics_ledger.fill(session, alex)
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 3, 4), "Not Alex's", "-999.00", "Groceries")])
    with tenancy.acting_as(session, alex.id):
        ids = {name: category_id(session, name) for name in ("Groceries", "Salary", "Health")}
    with tenancy.acting_as(session, sam.id):
        theirs = category_id(session, "Groceries")
    return {"owners": owners, "ids": ids, "theirs": theirs}


@pytest.fixture
def signed_in(client, auth, ledger):
    auth.login("alex")
    return client


def _html(response) -> str:
    return response.get_data(as_text=True)


def _link(html: str, testid: str) -> tuple[str, str]:
    found = re.search(rf'<a href="([^"]+)" data-testid="{testid}"[^>]*>([^<]+)</a>', html)
    assert found, f"no link {testid}"
    return unescape(found.group(1)), unescape(found.group(2))


def _text(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(td|dd|small)>', html, re.S)
    assert found, f"no figure {testid}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _spending(client, url: str) -> str:
    """The transaction list's spending total at ``url``."""
    page = client.get(url)
    assert page.status_code == 200, url
    return unescape(re.search(r'data-testid="total-spending">([^<]+)<', _html(page)).group(1))


def _chart(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html)
    assert found, chart_id
    return json.loads(unescape(found.group(1)))


def test_the_dashboard_shows_each_category_by_hand(signed_in, ledger):
    page = signed_in.get("/categories", query_string=RANGE)
    html = _html(page)
    assert page.status_code == 200
    g = ledger["ids"]["Groceries"]
    assert _link(html, "range-spending")[1] == money("215.25")
    assert _text(html, "average") == money("71.75")
    assert _link(html, f"total-{g}")[1] == money("180.00")
    assert _text(html, f"average-{g}") == money("60.00")
    assert _link(html, f"lowest-{g}")[1] == money("0.00")
    assert _link(html, f"highest-{g}")[1] == money("100.00")
    assert _text(html, f"share-{g}") == "83.6 %"
    assert _link(html, "total-none")[1] == money("35.25")
    assert _text(html, "average-none") == money("11.75")
    assert _text(html, "share-none") == "16.4 %"
    # The lowest and highest month are named beside their figures.
    row = re.search(rf'data-testid="category-{g}">(.*?)</tr>', html, re.S).group(1)
    assert "April 2026" in row and "March 2026" in row
    # One line chart of the biggest categories, its links the months' rows.
    spec = _chart(html, "trend-chart")
    assert spec["type"] == "line" and spec["labels"] == ["Feb 2026", "Mar 2026", "Apr 2026"]
    assert [s["label"] for s in spec["series"]] == ["Groceries", "Uncategorised"]
    assert "Not Alex" not in html and money("999.00") not in html


def test_every_figure_opens_rows_that_total_it(signed_in, ledger):
    html = _html(signed_in.get("/categories", query_string=RANGE))
    links = re.findall(r'<a href="(/transactions[^"]+)"[^>]*>([^<]+)</a>', html)
    assert len(links) >= 20
    for href, text in links:
        assert "flow=spending" in href
        assert _spending(signed_in, unescape(href)) == unescape(text), href
    spec = _chart(html, "trend-chart")
    for series, urls in zip(spec["series"], spec["links"], strict=True):
        for value, url in zip(series["values"], urls, strict=True):
            assert _spending(signed_in, url) == money(value)


def test_the_filters_carry_into_the_figures_and_links(signed_in, ledger):
    sam = ledger["owners"]["Sam"]
    html = _html(signed_in.get("/categories", query_string={**RANGE, "owner": sam}))
    assert _link(html, "range-spending")[1] == money("180.00")
    assert 'data-testid="category-none"' not in html
    href, text = _link(html, f"total-{ledger['ids']['Groceries']}")
    assert f"owner={sam}" in href and _spending(signed_in, href) == text
    card = _html(signed_in.get("/categories", query_string={**RANGE, "account": "Card"}))
    href, text = _link(card, "range-spending")
    assert "account=Card" in href and text == money("215.25")
    assert _spending(signed_in, href) == text


def test_the_default_range_is_the_twelve_months_ending_with_this_one(signed_in, app):
    app.config["TODAY"] = date(2026, 3, 20)
    html = _html(signed_in.get("/categories"))
    assert 'value="2025-04"' in html and 'value="2026-03"' in html
    assert "(12 months)" in html


def test_a_refunds_only_category_says_how_it_counts(signed_in, session, ledger):
    refund = [(date(2026, 3, 20), "Refund", "30.00", "Shopping")]
    add_transactions(session, _alex_user(session), refund)
    html = _html(signed_in.get("/categories", query_string=RANGE))
    shopping = re.search(r'data-testid="share-(\d+)">-16.2 %<', html)
    assert shopping, "the refunds-only category's negative share"
    assert "negative share" in html and "add up to 100" in html


def _alex_user(session):
    from sqlalchemy import select

    from homeledger.models import User

    return session.scalars(select(User).where(User.username == "alex")).one()


def test_a_category_page_by_hand_each_bar_opens_its_rows(signed_in, ledger):
    g = ledger["ids"]["Groceries"]
    page = signed_in.get(f"/categories/{g}", query_string=RANGE)
    html = _html(page)
    assert page.status_code == 200
    assert _link(html, "total")[1] == money("180.00")
    assert _text(html, "average") == money("60.00")
    assert _link(html, "lowest")[1] == money("0.00")
    assert _text(html, "lowest-month") == "April 2026"
    assert _link(html, "highest")[1] == money("100.00")
    assert _text(html, "highest-month") == "March 2026"
    assert _text(html, "share") == "83.6 %"
    assert _link(html, "range-total")[1] == money("215.25")
    spec = _chart(html, "category-chart")
    assert spec["type"] == "bar" and spec["series"][0]["values"] == ["80.00", "100.00", "0.00"]
    for value, url in zip(spec["series"][0]["values"], spec["links"][0], strict=True):
        assert f"category={g}" in url and _spending(signed_in, url) == money(value)
    for href, text in re.findall(r'<a href="(/transactions[^"]+)"[^>]*>([^<]+)</a>', html):
        assert _spending(signed_in, unescape(href)) == unescape(text), href


def test_the_uncategorised_page_and_a_quiet_and_an_income_category(signed_in, ledger):
    html = _html(signed_in.get("/categories/uncategorised", query_string=RANGE))
    assert _link(html, "total")[1] == money("35.25")
    href = _link(html, "total")[0]
    assert "category=none" in href and _spending(signed_in, href) == money("35.25")

    quiet = _html(signed_in.get(f"/categories/{ledger['ids']['Health']}", query_string=RANGE))
    assert "No spending on Health from February 2026 to April 2026" in quiet
    assert "category-chart" not in quiet

    salary = signed_in.get(f"/categories/{ledger['ids']['Salary']}", query_string=RANGE)
    assert salary.status_code == 200
    assert "Salary is an income category" in _html(salary)


def test_another_ledgers_category_is_404(signed_in, ledger):
    assert signed_in.get(f"/categories/{ledger['theirs']}").status_code == 404
    assert signed_in.get("/categories/999999").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13"}, "from"),
        ({"from": "2026-05", "to": "2026-01"}, "from"),
        ({"from": "2000-01", "to": "2026-01"}, "to"),
        ({"to": "soon"}, "to"),
        ({"owner": "abc"}, "owner"),
        ({"owner": "999999"}, "owner"),
        ({"account": "Nowhere"}, "account"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(signed_in, ledger, query, field):
    for path in ("/categories", f"/categories/{ledger['ids']['Groceries']}"):
        page = signed_in.get(path, query_string=query)
        assert page.status_code == 400, (path, query)
        assert f'id="{field}-error"' in _html(page)


def test_an_empty_ledger_says_what_to_do_next(client, auth, session):
    make_user(session, "new")
    auth.login("new")
    page = client.get("/categories")
    html = _html(page)
    assert page.status_code == 200
    empty = re.search(r'data-testid="empty">(.*?)</section>', html, re.S).group(1)
    assert "No spending from" in empty and "/import" in empty and "/transactions/new" in empty
