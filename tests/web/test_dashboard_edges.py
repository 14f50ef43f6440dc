"""Edges of the dashboards found by attacking them: payees whose rows the list cannot
single out, the last month the ledger accepts, a month of transfers only, rounding."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import UserSettings
from homeledger.services import analytics_reports as reports
from homeledger.services import transactions
from homeledger.services.analytics import Figures
from homeledger.services.filters import TransactionFilter
from tests.conftest import web_login
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session, client):
    user = make_user(session, "alex")
    web_login(client, "alex")
    return user


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _figure(html: str, testid: str) -> str:
    return unescape(re.search(rf'data-testid="{testid}">([^<]+)<', html).group(1))


def test_a_payees_count_is_the_count_of_the_rows_its_link_lists(session, client, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2026, 2, 3), "Corner Shop", "-20.00", "Groceries"),
            (date(2026, 2, 9), "CORNER  SHOP", "-10.00", None),
            (date(2026, 2, 10), "corner shop", "5.00", None),  # money in: not spending
            (date(2026, 2, 11), "corner shop", "2.00", None),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    periods = reports.months_between(session, (2026, 2), (2026, 2))
    [payee] = reports.top_payees(session, TransactionFilter(), periods)
    assert (payee.spending, payee.count) == (Decimal("30.00"), 2)
    assert payee.payee in {"Corner Shop", "CORNER SHOP"}  # a spelling of the spending rows
    listed = transactions.totals(
        session, TransactionFilter(month=(2026, 2), payee=payee.payee, flow="spending")
    )
    assert (listed.count, listed.spending) == (2, Decimal("30.00"))


def test_rows_without_a_description_are_named_and_not_linked_to_everything(session, client, alex):
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 3), "", "-60.00", "Groceries"),
            (date(2026, 3, 4), "", "-50.00", None),
            (date(2026, 3, 5), "Bakery", "-5.00", "Groceries"),
        ],
    )
    html = _html(client, "/analytics/payees?from=2026-03&to=2026-03")
    row = re.search(r"<tr>\s*<td[^>]*>\(no description\)</td>.*?</tr>", html, re.S)
    assert row, "the blank payee has a name"
    assert "<a " not in row.group(0) and "$110.00" in row.group(0)
    assert "payee=&" not in html and 'payee="' not in html


def test_a_payee_with_an_invisible_character_links_to_its_rows(session, client, alex):
    add_transactions(session, alex, [(date(2026, 3, 3), "Cafe\u200b Bar", "-20.00", None)])
    html = _html(client, "/analytics/payees?from=2026-03&to=2026-03")
    link = unescape(re.search(r'href="(/transactions\?[^"]*payee=[^"]+)"', html).group(1))
    assert _figure(_html(client, link), "total-spending") == "$20.00"
    _html(client, "/transactions?payee=a%00b", 400)


def test_december_2199_with_months_from_the_15th_is_a_page_not_an_error(session, client, alex):
    add_transactions(session, alex, [(date(2199, 12, 20), "Far future", "-7.00", None)])
    with tenancy.acting_as(session, alex.id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        session.commit()
    for url in (
        "/analytics?from=2199-01&to=2199-12",
        "/analytics/income?from=2199-01&to=2199-12",
        "/analytics/owners?from=2199-01&to=2199-12",
        "/analytics/payees?from=2199-01&to=2199-12",
        "/analytics/compare?month=2199-12",
        "/categories?from=2199-01&to=2199-12",
        "/?month=2199-12",
        "/?month=2199-11",  # its "next" is December 2199
        "/analytics?from=2199-06",  # the default end stops at 2199-12
        "/categories?from=2199-06",
        "/categories?to=1900-05",  # the default start stops at 1900-01
    ):
        html = _html(client, url)
        for link in re.findall(r'href="(/transactions\?[^"]+)"', html):
            _html(client, unescape(link))
    assert "$7.00" in _html(client, "/analytics/income?from=2199-01&to=2199-12")


def test_a_month_of_transfers_only_lists_none_among_its_transactions(session, client, alex):
    add_transactions(session, alex, [(date(2026, 3, 2), "To savings", "-500.00", "Transfers")])
    html = _html(client, "/?month=2026-03")
    assert "To savings" not in html  # neither income nor spending: not in the month's rows


def test_the_savings_rate_rounds_half_up():
    assert Figures(Decimal("1000.00"), Decimal("997.50")).savings_rate == Decimal("0.3")
    assert Figures(Decimal("1000.00"), Decimal("1002.50")).savings_rate == Decimal("-0.3")


def test_a_past_month_without_budgets_is_not_over_budget(session, client, alex):
    add_transactions(session, alex, [(date(2026, 2, 3), "Shop", "-115.00", "Groceries")])
    html = _html(client, "/budgets/dashboard?month=2026-02")
    assert "Over by" not in html and "so far" not in html
    assert "$115.00 spent" in html
