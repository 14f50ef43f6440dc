"""The budget dashboard: a month's budgets against spending by category, over budget first,
every spent figure a link to its rows, and totals that are the budgets page's.

March 2026 of Alex's ledger, worked out by hand (months start on the 1st):

* Groceries, budget 150.00: 120.00 + 80.50 + 10.00 out, 20.25 refunded -> 190.25 (126.8 %, over)
* Dining Out, budget 100.00: 45.00 + 30.00 -> 75.00 (75.0 %)
* Health, Alex's 20.00 + Sam's 30.00 = 50.00: 25.00 (Alex) + 10.00 (no owner) -> 35.00 (70.0 %)
* Entertainment, budget 40.00: nothing (0.0 %)
* no budget: Shopping 60.00; uncategorised 12.34 out (the 5.00 in is income); Salary: 100.00
  paid back, which budgets count as spent and the transaction list as lower income
* the transfer counts nowhere. Budgeted 340.00; spent 472.59; over by 132.59; of the spent,
  372.59 is spending by the analytics rule and 100.00 went out of Salary.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Owner, Transaction
from homeledger.services import budget_dashboard, budgets, categories
from homeledger.web.formats import format_money
from tests.factories import category_id, make_user

D = Decimal

# (date, description, amount, category, owner)
ROWS = [
    (date(2026, 3, 2), "Supermarket", "-120.00", "Groceries", "Alex"),
    (date(2026, 3, 5), "Market", "-80.50", "Groceries", "Sam"),
    (date(2026, 3, 9), "Supermarket refund", "20.25", "Groceries", "Alex"),
    (date(2026, 3, 31), "Corner shop", "-10.00", "Groceries", None),
    (date(2026, 3, 10), "Pizza", "-45.00", "Dining Out", "Sam"),
    (date(2026, 3, 11), "Noodles", "-30.00", "Dining Out", "Alex"),
    (date(2026, 3, 12), "Pharmacy", "-25.00", "Health", "Alex"),
    (date(2026, 3, 13), "Plasters", "-10.00", "Health", None),
    (date(2026, 3, 14), "Shoes", "-60.00", "Shopping", "Alex"),
    (date(2026, 3, 15), "Cash machine", "-12.34", None, "Sam"),
    (date(2026, 3, 16), "Found money", "5.00", None, None),
    (date(2026, 3, 1), "Salary", "3000.00", "Salary", "Alex"),
    (date(2026, 3, 20), "Salary paid back", "-100.00", "Salary", "Alex"),
    (date(2026, 3, 21), "To savings", "-500.00", "Transfers", "Alex"),
    (date(2026, 2, 28), "February", "-99.00", "Groceries", "Alex"),
    (date(2026, 4, 1), "April", "-77.00", "Groceries", "Alex"),
]


def money(value) -> str:
    return format_money(D(value), "USD")


def _add(session, user, rows) -> dict[str, int]:
    with tenancy.acting_as(session, user.id):
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
            for day, text, amount, category, owner in rows
        )
        session.commit()
    return owners


@pytest.fixture
def ledger(session):
    """Alex's ledger with March's budgets; and Sam's ledger, with rows and budgets of its own
    in the same month, which never show on Alex's pages."""
    alex = make_user(session, "alex")
    owners = _add(session, alex, ROWS)
    with tenancy.acting_as(session, alex.id):
        ids = {name: category_id(session, name) for name in _NAMES}
        for name, amount, owner in [
            ("Groceries", "150", None),
            ("Dining Out", "100", None),
            ("Entertainment", "40", None),
            ("Health", "20", "Alex"),
            ("Health", "30", "Sam"),
        ]:
            budgets.set_budget(
                session, 2026, 3, ids[name], D(amount), owners[owner] if owner else None
            )
        session.commit()
    sam = make_user(session, "sam")
    others = _add(session, sam, [(date(2026, 3, 3), "Other ledger", "-999.00", "Groceries", "Sam")])
    with tenancy.acting_as(session, sam.id):
        budgets.set_budget(session, 2026, 3, category_id(session, "Shopping"), D("5"))
        session.commit()
    return {"user": alex, "owners": owners, "ids": ids, "other_owners": others}


_NAMES = ("Groceries", "Dining Out", "Entertainment", "Health", "Shopping", "Salary")


@pytest.fixture
def signed_in(client, auth, ledger):
    auth.login("alex")
    return client


def _html(response) -> str:
    return response.get_data(as_text=True)


def _figure(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(dd|span|td)>', html, re.S)
    assert found, f"no figure {testid}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _link(html: str, testid: str) -> tuple[str, str]:
    """(href, text) of the link marked ``testid``."""
    found = re.search(rf'<a href="([^"]+)" data-testid="{testid}"[^>]*>([^<]+)</a>', html)
    assert found, f"no link {testid}"
    return unescape(found.group(1)), unescape(found.group(2))


def _list_totals(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, url
    return {
        name: unescape(re.search(rf'data-testid="total-{name}">([^<]+)<', _html(page)).group(1))
        for name in ("count", "income", "spending", "net")
    }


# --- the service -------------------------------------------------------------------------------


def test_the_months_figures_by_category_worked_out_by_hand(session, ledger):
    with tenancy.acting_as(session, ledger["user"].id):
        board = budget_dashboard.month_dashboard(session, 2026, 3)
        report = budgets.month_report(session, 2026, 3)

    assert [(c.category, c.budgeted, c.spent, c.percent) for c in board.lines] == [
        ("Groceries", D("150.00"), D("190.25"), D("126.8")),
        ("Dining Out", D("100.00"), D("75.00"), D("75.0")),
        ("Health", D("50.00"), D("35.00"), D("70.0")),
        ("Entertainment", D("40.00"), D("0.00"), D("0.0")),
    ]
    assert [line.over for line in board.lines] == [True, False, False, False]
    assert board.lines[2].owners == ("Alex", "Sam")
    assert [(c.category, c.spent) for c in board.unbudgeted] == [
        ("Salary", D("100.00")),
        ("Shopping", D("60.00")),
        ("Uncategorised", D("12.34")),
    ]
    # The budgets page's totals, to the cent.
    assert (report.budgeted, report.spent) == (D("340.00"), D("472.59"))
    assert board.report.budgeted == report.budgeted and board.report.spent == report.spent
    assert sum(c.spent for c in [*board.lines, *board.unbudgeted]) == report.spent
    assert (board.income_outflow, board.spending) == (D("100.00"), D("372.59"))


def test_an_owners_dashboard_counts_that_owners_spending_against_their_budgets(session, ledger):
    alex = ledger["owners"]["Alex"]
    with tenancy.acting_as(session, ledger["user"].id):
        board = budget_dashboard.month_dashboard(session, 2026, 3, alex)
        report = budgets.month_report(session, 2026, 3, alex)

    # Health: Alex's own 20.00 against Alex's 25.00 (over), first.
    assert [(c.category, c.budgeted, c.spent) for c in board.lines] == [
        ("Health", D("20.00"), D("25.00")),
        ("Groceries", D("150.00"), D("99.75")),
        ("Dining Out", D("100.00"), D("30.00")),
        ("Entertainment", D("40.00"), D("0.00")),
    ]
    assert (board.report.budgeted, board.report.spent) == (D("310.00"), D("314.75"))
    assert (report.budgeted, report.spent) == (board.report.budgeted, board.report.spent)


def test_a_budget_of_nothing_with_spending_is_over_and_comes_first(session, ledger):
    with tenancy.acting_as(session, ledger["user"].id):
        budgets.set_budget(session, 2026, 3, ledger["ids"]["Shopping"], D("0"))
        board = budget_dashboard.month_dashboard(session, 2026, 3)
    assert [c.category for c in board.lines][:2] == ["Shopping", "Groceries"]
    assert board.lines[0].over and board.lines[0].percent is None


# --- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_figures_over_budget_first(signed_in):
    page = signed_in.get("/budgets/dashboard?month=2026-03")
    html = _html(page)
    assert page.status_code == 200
    assert _figure(html, "total-budgeted") == money("340.00")
    assert _figure(html, "total-spent") == money("472.59")
    assert _figure(html, "total-left") == money("132.59")
    assert "Over by" in html
    assert "1 category over budget" in _figure(html, "over-count")
    order = [int(i) for i in re.findall(r'data-testid="line-(\d+)"', html)]
    assert len(order) == 4
    assert html.index("Groceries") < html.index("Dining Out") < html.index("Entertainment")
    # Progress bars carry their figure in text, readable without colour.
    assert 'aria-label="Groceries: 126.8 % of the budget used"' in html
    assert '126.8 % <strong class="over-flag">over</strong>' in html
    assert '"type": "hbar"' in html
    assert "Other ledger" not in html and money("999.00") not in html


def test_the_dashboard_agrees_with_the_budgets_page(signed_in, ledger):
    for owner in ("", str(ledger["owners"]["Alex"])):
        query = {"month": "2026-03", "owner": owner}
        budgets_page = _html(signed_in.get("/budgets", query_string=query))
        board = _html(signed_in.get("/budgets/dashboard", query_string=query))
        for testid in ("total-budgeted", "total-spent"):
            assert _figure(board, testid) == _figure(budgets_page, testid)
        assert 'data-testid="dashboard-link"' in budgets_page


@pytest.mark.parametrize("owner_name", [None, "Alex"])
def test_each_spent_figure_opens_rows_that_total_it(signed_in, ledger, owner_name):
    owner = ledger["owners"][owner_name] if owner_name else ""
    html = _html(
        signed_in.get("/budgets/dashboard", query_string={"month": "2026-03", "owner": owner})
    )
    links = re.findall(r'<a href="([^"]+)" data-testid="spent-(\w+)"[^>]*>([^<]+)</a>', html)
    assert len(links) >= 6
    salary = str(ledger["ids"]["Salary"])
    for href, category, text in links:
        totals = _list_totals(signed_in, unescape(href))
        if category == salary:
            # Money out of an income category: the list shows exactly those rows, as lower
            # income, and the page says so.
            assert "amount_max=-0.01" in unescape(href)
            assert totals["net"] == money("-100.00") and totals["spending"] == money("0.00")
            assert text == money("100.00")
        else:
            assert "flow=spending" in href
            assert totals["spending"] == text, (category, href)
        if owner:
            assert f"owner={owner}" in href
    # Groceries under the Alex filter: 120.00 out, 20.25 back.
    groceries = _link(html, f"spent-{ledger['ids']['Groceries']}")
    assert groceries[1] == money("99.75" if owner_name else "190.25")


def test_the_spent_total_says_what_it_counts_and_links_to_both_parts(signed_in, ledger):
    html = _html(signed_in.get("/budgets/dashboard?month=2026-03"))
    note = re.search(r'data-testid="income-outflow-note">(.*?)</p>', html, re.S).group(1)
    assert "money that went out of an income category" in note
    href, text = _link(html, "spending-part")
    assert text == f"{money('372.59')} spending"
    assert _list_totals(signed_in, href)["spending"] == money("372.59")
    assert _figure(html, "outflow-part") == money("100.00")
    # 372.59 + 100.00 is the spent total.
    assert D("372.59") + D("100.00") == D("472.59")


def test_without_income_outflow_the_spent_total_is_a_link_to_its_rows(signed_in, session, ledger):
    with tenancy.acting_as(session, ledger["user"].id):
        row = session.scalars(
            select(Transaction).where(Transaction.description == "Salary paid back")
        ).one()
        session.delete(row)
        session.commit()
    html = _html(signed_in.get("/budgets/dashboard?month=2026-03"))
    assert 'data-testid="income-outflow-note"' not in html
    found = re.search(r'data-testid="total-spent"><a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert found and unescape(found.group(2)) == money("372.59")
    assert _list_totals(signed_in, unescape(found.group(1)))["spending"] == money("372.59")


def test_a_month_without_budgets_says_how_to_add_some(signed_in):
    page = signed_in.get("/budgets/dashboard?month=2026-04")
    html = _html(page)
    assert page.status_code == 200
    empty = re.search(r'data-testid="empty">(.*?)</section>', html, re.S).group(1)
    assert "No budgets for April 2026 yet" in empty
    assert "/budgets/suggest?month=2026-04" in html
    assert "/budgets/copy?month=2026-04&amp;source=2026-03" in html
    assert "/budgets/new?month=2026-04" in html
    # The month's spending still shows, linked to its rows.
    assert _link(html, f"spent-{_id(html, 'Groceries')}")[1] == money("77.00")


def _id(html: str, name: str) -> str:
    found = re.search(rf'data-testid="unbudgeted-(\w+)"><td class="lead">{name}<', html)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"month": "2026-03", "owner": "abc"}, "owner"),
        ({"month": "2026-03", "owner": "999999"}, "owner"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(signed_in, query, field):
    page = signed_in.get("/budgets/dashboard", query_string=query)
    assert page.status_code == 400
    assert f'id="{field}-error"' in _html(page)


def test_another_ledgers_owner_is_refused(signed_in, ledger):
    for owner in ledger["other_owners"].values():
        page = signed_in.get(
            "/budgets/dashboard", query_string={"month": "2026-03", "owner": owner}
        )
        assert page.status_code == 400
        assert 'id="owner-error"' in _html(page)
        assert "Other ledger" not in _html(page)


def test_a_month_starting_on_the_15th_links_to_the_same_days(signed_in, session, ledger):
    """With months from the 15th, "March" is 15 March to 14 April: the links' list is too."""
    from homeledger.models import UserSettings

    with tenancy.acting_as(session, ledger["user"].id):
        session.scalars(select(UserSettings)).one().month_start_day = 15
        session.commit()
        board = budget_dashboard.month_dashboard(session, 2026, 3)
    html = _html(signed_in.get("/budgets/dashboard?month=2026-03"))
    groceries = _link(html, f"spent-{ledger['ids']['Groceries']}")
    # 15 March to 14 April: the 31 March corner shop (10.00) and 1 April (77.00).
    assert groceries[1] == money("87.00")
    assert board.lines[0].spent == D("87.00")
    assert _list_totals(signed_in, groceries[0])["spending"] == money("87.00")
