"""The analytics pages: spending by category, income and spending, by owner, top payees and
comparing months.

Figures are worked out by hand from tests/analytics_ledger.py (February and March 2026);
every page's links are followed to the transaction list, whose totals must show the
figure that was clicked, to the cent.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from homeledger import tenancy
from homeledger.services import categories
from homeledger.services.filters import TransactionFilter
from homeledger.services.transactions import totals
from homeledger.web.formats import format_money
from tests import analytics_ledger
from tests.conftest import web_login
from tests.factories import add_transactions, make_user

RANGE = "from=2026-02&to=2026-03"
PAGES = ("/analytics", "/analytics/income", "/analytics/owners", "/analytics/payees")
_LINK = re.compile(r'<a href="(/transactions\?[^"]+)"[^>]*>([^<]+)</a>')
_TOTAL = {"income": "total-income", "spending": "total-spending", "net": "total-net"}


def money(value) -> str:
    return format_money(Decimal(value), "USD")


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}".*?</table>', html, re.S)
    assert found, f"no table {testid}"
    return found.group(0)


def _rows(html: str, testid: str) -> list[str]:
    """Each row of the table's body and foot (not its head) as its words."""
    table = re.sub(r"<thead>.*?</thead>", "", _section(html, testid), flags=re.S)
    return [_text(row) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]


def _links(html: str) -> dict[str, str]:
    """The page's links to the transaction list: URL -> the figure it is on."""
    return {unescape(href): unescape(text) for href, text in _LINK.findall(html)}


def _list_figure(client, url: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]+)<', _html(client, url))
    assert found, f"no {testid} at {url}"
    return unescape(found.group(1))


def _follow_all(client, html: str) -> int:
    """Open every figure's link: the list's total of the link's flow is the figure."""
    links = _links(html)
    for url, figure in links.items():
        flow = parse_qs(urlsplit(url).query)["flow"][0]
        assert _list_figure(client, url, _TOTAL[flow]) == figure, url
    return len(links)


def _chart_links(html: str, chart_id: str) -> list[str]:
    found = re.search(rf'id="{chart_id}-data">(.*?)</script>', html, re.S)
    assert found, f"no chart {chart_id}"
    return [u for urls in json.loads(found.group(1))["links"] for u in urls if u]


@pytest.fixture
def ledger(session, client):
    alex = make_user(session, "alex")
    owners = analytics_ledger.fill(session, alex)
    web_login(client, "alex")
    return {"user": alex, "owners": owners}


# --- spending by category ------------------------------------------------------------------------


def test_spending_by_category_by_hand_and_every_figure_opens_its_rows(client, ledger):
    html = _html(client, f"/analytics?{RANGE}")
    assert _rows(html, "category-table") == [
        "Groceries $80.00 $100.00 $180.00",  # March: 120.50 less the 20.50 refund
        "Uncategorised $0.00 $35.25 $35.25",
        "All spending $80.00 $135.25 $215.25",
    ]
    assert "Feb 2026" in html and "Mar 2026" in html
    # 4 cells, 2 row totals, 2 column totals and the grand total: 9 lists.
    assert _follow_all(client, html) == 9
    # The chart's bars open the same lists as the table's cells.
    assert set(_chart_links(html, "by-category")) <= set(_links(html))


def test_a_category_of_refunds_only_spends_less_than_nothing(session, client, ledger):
    add_transactions(
        session, ledger["user"], [(date(2026, 3, 20), "Shoe shop refund", "15.00", "Shopping")]
    )
    html = _html(client, f"/analytics?{RANGE}")
    rows = _rows(html, "category-table")
    assert rows[-2:] == ["Shopping $0.00 -$15.00 -$15.00", "All spending $80.00 $120.25 $200.25"]
    assert _follow_all(client, html) == 12


def test_the_chart_puts_the_smaller_categories_together_and_says_so(session, client, ledger):
    names = [f"Category {n:02d} with a long name that goes on and on" for n in range(10)]
    with tenancy.acting_as(session, ledger["user"].id):
        for name in names:
            categories.create_category(session, name)
        session.commit()
    add_transactions(
        session,
        ledger["user"],
        [(date(2026, 3, 10), f"Shop {n}", f"-{n + 1}.00", name) for n, name in enumerate(names)],
    )
    html = _html(client, f"/analytics?{RANGE}")
    assert len(_rows(html, "category-table")) == 13  # each category has its row, and the sums
    spec = re.search(r'id="by-category-data">(.*?)</script>', html, re.S).group(1)
    series = json.loads(spec)["series"]
    assert len(series) == 8 and series[-1]["label"] == "Everything else"
    # Each month's stack adds up to the month's spending.
    march = sum(Decimal(s["values"][1]) for s in series)
    assert money(str(march)) == "$190.25"  # 135.25 + 1 + 2 + ... + 10
    assert "No one list holds just them" in _text(html)
    assert json.loads(spec)["links"][-1] == [None, None]


# --- income and spending, owners ----------------------------------------------------------------


def test_income_and_spending_by_month_with_totals(client, ledger):
    html = _html(client, f"/analytics/income?{RANGE}")
    assert _rows(html, "income-table") == [
        "Feb 2026 $0.00 $80.00 -$80.00 —",
        "Mar 2026 $4,060.00 $135.25 $3,924.75 96.7 %",
        "All months $4,060.00 $215.25 $3,844.75 94.7 %",
    ]
    assert _follow_all(client, html) == 9  # (income, spending, net) x (2 months + totals)


def test_by_owner_with_the_rows_that_have_none(client, ledger):
    html = _html(client, f"/analytics/owners?{RANGE}")
    assert _rows(html, "owner-table") == [
        "Alex $4,000.00 $35.25 $3,964.75 99.1 %",  # the transfer counts for nobody
        "Sam $0.00 $180.00 -$180.00 —",
        "No owner $60.00 $0.00 $60.00 100.0 %",
        "Everyone $4,060.00 $215.25 $3,844.75 94.7 %",
    ]
    links = _links(html)
    assert any("owner=none" in url for url in links)
    assert _follow_all(client, html) == 12


def test_the_filter_narrows_every_figure_and_its_links(client, ledger):
    sam = ledger["owners"]["Sam"]
    html = _html(client, f"/analytics/income?{RANGE}&owner={sam}&account=Card")
    assert _rows(html, "income-table")[-1] == "All months $0.00 $180.00 -$180.00 —"
    assert all(f"owner={sam}" in url and "account=Card" in url for url in _links(html))
    _follow_all(client, html)
    html = _html(client, f"/analytics?{RANGE}&category=none")
    assert _rows(html, "category-table")[0] == "Uncategorised $0.00 $35.25 $35.25"
    _follow_all(client, html)


# --- top payees ----------------------------------------------------------------------------------


def test_top_payees_link_to_exactly_their_rows(client, ledger):
    html = _html(client, f"/analytics/payees?{RANGE}")
    # "supermarket" (February) and "Supermarket" are one payee; the refund is another,
    # with negative spending, so not listed; "Hardware  store" is written with one space.
    assert _rows(html, "payee-table") == ["Supermarket $200.50 2", "Hardware store $35.25 1"]
    assert _follow_all(client, html) == 2
    # A search for the name would also find "Supermarket refund": not the figure.
    search = "/transactions?search=Supermarket&date_from=2026-02-01&date_to=2026-03-31"
    assert _list_figure(client, search + "&flow=spending", "total-spending") == "$180.00"


def test_top_payees_limit(session, client, ledger):
    rows = [(date(2026, 3, 12), f"Payee {n:02d}", "-1.00", "Shopping") for n in range(30)]
    add_transactions(session, ledger["user"], rows)
    assert len(_rows(_html(client, f"/analytics/payees?{RANGE}"), "payee-table")) == 10
    assert len(_rows(_html(client, f"/analytics/payees?{RANGE}&limit=25"), "payee-table")) == 25
    assert len(_rows(_html(client, f"/analytics/payees?{RANGE}&limit=50"), "payee-table")) == 32


# --- comparing months ----------------------------------------------------------------------------


def test_compare_with_the_month_before(client, ledger):
    html = _html(client, "/analytics/compare?month=2026-03")
    assert _rows(html, "compare-figures") == [
        "Income $4,060.00 $0.00 +$4,060.00",
        "Spending $135.25 $80.00 +$55.25",
        "Net $3,924.75 -$80.00 +$4,004.75",
    ]
    assert _rows(html, "compare-categories") == [
        "Uncategorised $35.25 $0.00 +$35.25",  # the biggest change first
        "Groceries $100.00 $80.00 +$20.00",
    ]
    assert _follow_all(client, html) == 10


def test_compare_with_the_same_month_last_year(client, ledger):
    html = _html(client, "/analytics/compare?month=2026-03&with=last_year")
    assert "March 2026 against March 2025" in _text(html)
    assert _rows(html, "compare-categories") == [
        "Groceries $100.00 $0.00 +$100.00",
        "Uncategorised $35.25 $0.00 +$35.25",
    ]
    _follow_all(client, html)


# --- empty ledgers, empty ranges, bad input, other ledgers ---------------------------------------


@pytest.mark.parametrize("page", [*PAGES, "/analytics/compare"])
def test_an_empty_ledger_says_what_to_do_next(session, client, page):
    make_user(session, "new")
    web_login(client, "new")
    html = _html(client, page)
    assert 'data-testid="empty-ledger"' in html
    assert "Import a bank file" in _text(html)
    assert "chart-figure" not in html and "charts.js" not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_range_without_rows_says_so(client, ledger, page):
    html = _html(client, f"{page}?from=2020-01&to=2020-03")
    assert 'data-testid="no-rows"' in html and "chart-figure" not in html
    assert "from January 2020 to March 2020" in _text(html)


def test_compare_months_without_rows_says_so(client, ledger):
    html = _html(client, "/analytics/compare?month=2020-03")
    assert 'data-testid="no-rows"' in html and "chart-figure" not in html


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("/analytics?from=2026-13", "From: “2026-13” is not a month."),
        ("/analytics/income?to=abc", "To: “abc” is not a month."),
        ("/analytics/owners?from=2026-05&to=2026-03", "From: Must not be after to."),
        ("/analytics?from=1990-01&to=2026-03", "From: A range is at most 120 months."),
        ("/analytics/payees?owner=abc", "Owner: Not a valid choice"),
        ("/analytics?category=999999", "Category: Not a valid choice"),
        ("/analytics/payees?limit=7", "Show: Not a valid choice"),
        ("/analytics/compare?with=never", "Compare with: Not a valid choice"),
        ("/analytics/compare?month=1900-01", "Compare with: Choose a month between"),
        ("/analytics/compare?month=2026-00", "Month: “2026-00” is not a month."),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, ledger, url, said):
    html = _html(client, url, 400)
    assert 'data-testid="refused"' in html
    assert said in _text(html)


def test_another_ledgers_rows_never_appear(app, session, client, ledger):
    blair = make_user(session, "blair")
    add_transactions(
        session,
        blair,
        [
            (date(2026, 3, 9), "Blair's secret payee", "-999.00", "Groceries"),
            (date(2026, 3, 9), "Blair's pay", "7777.00", "Salary"),
        ],
    )
    with tenancy.acting_as(session, blair.id):
        blair_owner = categories.add_owners(session, ["Blair"])[0].id
        session.commit()
    for page in [*PAGES, "/analytics/compare?month=2026-03"]:
        url = page if "?" in page else f"{page}?{RANGE}"
        text = _text(_html(client, url))
        assert "secret" not in text and "999" not in text and "7,777" not in text
    _html(client, f"/analytics?{RANGE}&owner={blair_owner}", 400)  # not one of Alex's owners
    other = app.test_client()
    web_login(other, "blair")
    html = _html(other, f"/analytics/income?{RANGE}")
    assert _rows(html, "income-table")[-1] == "All months $7,777.00 $999.00 $6,778.00 87.2 %"
    assert "Alex" not in _text(_html(other, f"/analytics/owners?{RANGE}"))
    _follow_all(other, html)


def test_the_default_range_is_twelve_months_to_this_one(client, ledger):
    html = _html(client, "/analytics/income")
    first = re.search(r'name="from"[^>]*value="(\d{4})-(\d{2})"', html)
    last = re.search(r'name="to"[^>]*value="(\d{4})-(\d{2})"', html)
    assert first and last
    months = (int(last[1]) - int(first[1])) * 12 + int(last[2]) - int(first[2])
    assert months == 11


# --- the transaction list's filters the pages link with ------------------------------------------


def test_the_list_filters_rows_without_an_owner(session, client, ledger):
    html = _html(client, "/transactions?owner=none&month=2026-03")
    assert _list_figure(client, "/transactions?owner=none&month=2026-03", "total-count") == "1"
    assert "Cash deposit" in html and "4,000.00" not in html
    with tenancy.acting_as(session, ledger["user"].id):
        found = totals(session, TransactionFilter(no_owner=True, month=(2026, 3)))
        sam = TransactionFilter(no_owner=True, owner_id=ledger["owners"]["Sam"], month=(2026, 3))
        both = totals(session, sam)
    assert (found.count, found.income) == (1, Decimal("60.00"))
    assert both.count == 3  # Sam's two and the one without an owner


def test_the_list_filters_one_payee_whatever_its_spacing_and_case(session, client, ledger):
    url = "/transactions?payee=hardware+STORE"
    assert _list_figure(client, url, "total-spending") == "$35.25"
    assert _list_figure(client, "/transactions?payee=supermarket", "total-count") == "2"
    with tenancy.acting_as(session, ledger["user"].id):
        none = totals(session, TransactionFilter(payee="Super"))
    assert none.count == 0  # the whole description, not a part of it
    assert _html(client, "/transactions?payee=+", 200)
