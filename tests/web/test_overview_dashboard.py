"""The overview of any month, for the household or one owner, against the month before.

The ledger is tests/analytics_ledger.py: March 2026 has income 4,060.00 (salary 4,000.00
on the 1st, Alex's; a 60.00 cash deposit on the 8th, nobody's), spending 135.25
(Sam's groceries 120.50 on the 3rd less a 20.50 refund on the 5th; Alex's uncategorised
35.25 on the 7th) and a 500.00 transfer that is neither; February has Sam's 80.00 of
groceries on the 10th. "Today" is pinned through the app's TODAY setting.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import User
from homeledger.services import commitments, debts, goals
from homeledger.services.commitments import CommitmentInput
from homeledger.services.debts import DebtInput
from homeledger.services.goals import GoalInput
from tests import analytics_ledger
from tests.factories import add_transactions, make_user


@pytest.fixture
def owners(session):
    return analytics_ledger.fill(session, make_user(session, "alex"))


@pytest.fixture
def signed_in(app, client, auth, owners):
    app.config["TODAY"] = date(2026, 11, 27)
    auth.login("alex")
    return client


def _user(session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _testid(html: str, testid: str) -> str:
    """The text of the element with ``data-testid``, tags stripped."""
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(a|p|small|dd|strong|td)>', html, re.S)
    assert found, f"no {testid}"
    return _text(found.group(1))


def _link(html: str, testid: str) -> str:
    found = re.search(rf'<a href="([^"]+)" data-testid="{testid}"', html)
    assert found, f"no link {testid}"
    return unescape(found.group(1))


def _list_totals(client, url: str) -> dict[str, str]:
    html = _html(client.get(url))
    return {name: _testid(html, f"total-{name}") for name in ("count", "income", "spending", "net")}


def _figures(html: str) -> dict[str, str]:
    return {name: _testid(html, name) for name in ("income", "spending", "net", "savings-rate")}


def test_a_past_month_shows_its_hand_computed_figures_against_the_whole_month_before(
    signed_in,
):
    html = _html(signed_in.get("/?month=2026-03"))
    assert _figures(html) == {
        "income": "$4,060.00",
        "spending": "$135.25",
        "net": "$3,924.75",
        "savings-rate": "96.7 %",  # 3,924.75 / 4,060.00
    }
    assert _testid(html, "income-change") == "▲ $4,060.00 more than February"
    assert _testid(html, "spending-change") == "▲ $55.25 more than February"
    assert _testid(html, "net-change") == "▲ $4,004.75 more than February"
    assert _testid(html, "savings-rate-change") == "February had no income to compare."
    assert "In progress" not in html
    # Where it went: the parts add up to the total, nothing left over for "Everything else".
    categories = _text(re.search(r'data-testid="categories".*?</table>', html, re.S).group(0))
    assert "Groceries $100.00" in categories and "Uncategorised $35.25" in categories
    assert "Everything else" not in categories and "All spending $135.25" in categories


def test_every_figure_and_category_links_to_rows_with_the_same_totals(signed_in):
    html = _html(signed_in.get("/?month=2026-03"))
    for flow, figure in (("income", "$4,060.00"), ("spending", "$135.25"), ("net", "$3,924.75")):
        assert _list_totals(signed_in, _link(html, flow))[flow] == figure
    assert _list_totals(signed_in, _link(html, "count"))["count"] == "5"  # all but the transfer
    shares = dict(
        (name, unescape(url))
        for url, name in re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', html)
    )
    assert _list_totals(signed_in, shares["Groceries"])["spending"] == "$100.00"
    assert _list_totals(signed_in, shares["Uncategorised"])["spending"] == "$35.25"
    assert _list_totals(signed_in, shares["All spending"])["spending"] == "$135.25"
    # The twelve months' chart: April 2025 to March 2026, each bar opening its rows.
    spec = json.loads(re.search(r'id="trend-chart-data">(.*?)</script>', html, re.S).group(1))
    assert spec["labels"][0] == "Apr 2025" and spec["labels"][-1] == "Mar 2026"
    assert spec["series"][1]["values"][-2:] == ["80.00", "135.25"]
    slices = json.loads(re.search(r'id="category-chart-data">(.*?)</script>', html, re.S).group(1))
    assert slices["labels"] == ["Groceries", "Uncategorised"]
    assert slices["series"][0]["values"] == ["100.00", "35.25"]
    assert _list_totals(signed_in, unescape(slices["links"][0][0]))["spending"] == "$100.00"
    february_spending = unescape(spec["links"][1][-2])
    assert _list_totals(signed_in, february_spending)["spending"] == "$80.00"


def test_the_month_in_progress_compares_its_first_days_with_the_month_befores(app, signed_in):
    app.config["TODAY"] = date(2026, 3, 9)  # day 9: February's 10th is not yet comparable
    html = _html(signed_in.get("/"))
    assert _testid(html, "progress") == "In progress: day 9 of 31"
    assert _testid(html, "spending-change") == "▲ $135.25 more than the first 9 days of February"
    app.config["TODAY"] = date(2026, 3, 10)
    html = _html(signed_in.get("/"))
    assert _testid(html, "progress") == "In progress: day 10 of 31"
    assert _testid(html, "spending-change") == "▲ $55.25 more than the first 10 days of February"
    assert _testid(html, "savings-rate-change") == (
        "The first 10 days of February had no income to compare."
    )
    app.config["TODAY"] = date(2026, 3, 30)  # February has 28 days: all of it
    html = _html(signed_in.get("/"))
    assert _testid(html, "spending-change") == "▲ $55.25 more than all of February"


def test_rows_after_today_show_in_the_month_but_not_in_its_comparison(
    app, session, signed_in, owners
):
    app.config["TODAY"] = date(2026, 3, 9)
    user = _user(session, "alex")
    add_transactions(session, user, [(date(2026, 3, 20), "Booked dinner", "-64.75", "Dining Out")])
    html = _html(signed_in.get("/"))
    assert _testid(html, "spending") == "$200.00"  # 135.25 + 64.75, the month as recorded
    assert _testid(html, "spending-change") == "▲ $135.25 more than the first 9 days of February"


def test_the_owner_filter_changes_every_figure(signed_in, owners):
    sam = _html(signed_in.get(f"/?month=2026-03&owner={owners['Sam']}"))
    assert _figures(sam) == {
        "income": "$0.00",
        "spending": "$100.00",
        "net": "-$100.00",
        "savings-rate": "—",
    }
    assert _testid(sam, "spending-change") == "▲ $20.00 more than February"
    assert "Hardware" not in sam and "Salary" not in sam and "Cash deposit" not in sam
    assert _list_totals(signed_in, _link(sam, "spending"))["spending"] == "$100.00"
    assert "Showing Sam" in _testid(sam, "owner-note")

    alex = _html(signed_in.get(f"/?month=2026-03&owner={owners['Alex']}"))
    assert _figures(alex) == {
        "income": "$4,000.00",
        "spending": "$35.25",
        "net": "$3,964.75",
        "savings-rate": "99.1 %",
    }
    assert "Supermarket" not in alex and "Hardware" in alex
    assert _list_totals(signed_in, _link(alex, "net"))["net"] == "$3,964.75"
    # The month picker keeps the owner.
    assert f"month=2026-04&amp;owner={owners['Alex']}" in alex


def test_a_month_with_only_income_saves_all_of_it(session, signed_in):
    add_transactions(
        session, _user(session, "alex"), [(date(2026, 6, 1), "Pay", "100.00", "Salary")]
    )
    html = _html(signed_in.get("/?month=2026-06"))
    assert _testid(html, "savings-rate") == "100.0 %"
    assert "no-spending" in html and 'data-testid="categories"' not in html
    assert "category-chart" not in html


def test_a_future_month_is_empty_and_says_so(signed_in):
    html = _html(signed_in.get("/?month=2027-02"))
    assert _testid(html, "progress") == "Not started yet"
    assert _figures(html)["net"] == "$0.00"
    assert "No transactions in February 2027" in _text(html)


def test_another_users_rows_never_appear(session, signed_in):
    other = make_user(session, "robin")
    add_transactions(
        session, other, [(date(2026, 3, 2), "Robin's secret pay", "77777.00", "Salary")]
    )
    html = _html(signed_in.get("/?month=2026-03"))
    assert "77,777" not in html and "secret" not in html
    assert _testid(html, "income") == "$4,060.00"


def test_an_empty_user_gets_zeroes_and_what_to_do_next(app, session, client, auth):
    app.config["TODAY"] = date(2026, 11, 27)
    make_user(session, "new")
    auth.login("new")
    html = _html(client.get("/"))
    assert _figures(html) == {
        "income": "$0.00",
        "spending": "$0.00",
        "net": "$0.00",
        "savings-rate": "—",
    }
    assert "No transactions yet" in _testid(html, "empty-ledger")
    assert 'href="/imports"' in html and 'href="/transactions/new"' in html
    assert "No budgets for November 2026" in _text(html)
    assert "Nothing recorded in these 12 months yet." in _testid(html, "no-trend")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("month=2026-13", "Choose a real month"),
        ("month=1800-01", "Choose a month between 1900-01 and 2199-12"),
        ("month=2026-03&owner=abc", "Not a valid choice"),
        ("month=2026-03&owner=99999", "Not a valid choice"),
    ],
)
def test_a_bad_month_or_owner_is_a_400_naming_the_field(signed_in, query, message):
    page = signed_in.get(f"/?{query}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert message in _text(html) and 'aria-invalid="true"' in html
    field = "owner" if "owner=" in query else "month"
    assert re.search(
        rf'name="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="{field}"', html
    )


def test_bills_debts_and_goals_show_the_owners_and_the_households(app, session, signed_in, owners):
    """Alex's and the household's plans; with Sam chosen, the household's alone, so named."""
    alex, sam = owners["Alex"], owners["Sam"]
    with tenancy.acting_as(session, _user(session, "alex").id):
        for name, owner in (("Alex's phone", alex), ("Rent", None)):
            commitments.create(
                session,
                CommitmentInput(
                    name=name,
                    amount=Decimal("50.00"),
                    frequency="monthly",
                    start_date=date(2026, 1, 12),
                    owner_id=owner,
                ),
            )
        for name, balance, owner in (
            ("Alex's card", "1000.00", alex),
            ("Car loan", "500.00", None),
        ):
            debts.create(
                session,
                DebtInput(
                    name=name,
                    debt_type="credit_card",
                    current_balance=Decimal(balance),
                    interest_rate=Decimal("12"),
                    minimum_payment=Decimal("100.00"),
                    owner_id=owner,
                ),
            )
        for name, saved, owner in (("Alex's bike", "300.00", alex), ("Holiday", "200.00", None)):
            goals.create(
                session,
                GoalInput(
                    name=name,
                    target_amount=Decimal("1000.00"),
                    current_amount=Decimal(saved),
                    owner_id=owner,
                ),
            )
        session.commit()
    app.config["TODAY"] = date(2026, 3, 10)  # the bills of 12 March are within 14 days

    everyone = _html(signed_in.get("/"))
    assert "Alex&#39;s phone" in everyone and "Rent" in everyone
    assert _testid(everyone, "debts").startswith("$1,500.00 owed across 2 debts.")
    assert _testid(everyone, "goals").startswith("$500.00 saved of $2,000.00 across 2 goals.")

    only_sam = _html(signed_in.get(f"/?owner={sam}"))
    bills = _text(re.search(r'data-testid="bills".*?</section>', only_sam, re.S).group(0))
    assert "Rent (household) $50.00" in bills and "Alex" not in bills
    assert _testid(only_sam, "debts").startswith("$500.00 owed across 1 debt (1 the household")
    assert _testid(only_sam, "goals").startswith("$200.00 saved of $1,000.00 across 1 goal.")
    assert "Alex&#39;s bike" not in only_sam

    past = _html(signed_in.get("/?month=2026-02"))  # a past month: that month's bills
    assert "Bills due in February 2026" in _text(past)
