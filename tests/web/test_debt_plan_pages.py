"""The payoff planner page: the three strategies side by side, the chosen one's debts and
schedule, the chart's figures, the warnings, a bad extra named, and the empty state.
Today is 10 April 2026 on this page, so plans start in May 2026 unless asked."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from homeledger import tenancy
from homeledger.services import debts
from homeledger.services.debts import DebtInput
from tests.factories import make_user


@pytest.fixture(autouse=True)
def april_tenth(app):
    app.config["TODAY"] = date(2026, 4, 10)


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _debt(session, user, name, balance, rate, minimum, **fields) -> int:
    data = DebtInput(
        name=name,
        current_balance=Decimal(balance),
        interest_rate=Decimal(rate),
        minimum_payment=Decimal(minimum),
        **fields,
    )
    with tenancy.acting_as(session, user.id):
        debt_id = debts.create(session, data).id
        session.commit()
    return debt_id


@pytest.fixture
def two_debts(session, alex) -> dict[str, int]:
    """The hand-computed case of tests/services/test_payoff.py."""
    return {
        "Card": _debt(session, alex, "Card", "1000.00", "24", "50.00"),
        "Store": _debt(session, alex, "Store", "400.00", "12", "25.00"),
    }


def _html(response) -> str:
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str, name: str) -> list[list[str]]:
    table = re.search(rf'data-testid="{name}">(.*?)</tbody>', html, re.S)
    assert table, f"no {name} table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    return [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def _spec(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="payoff-data">(.*?)</script>', html)
    assert found, "no chart"
    return json.loads(found.group(1))


def test_the_strategies_side_by_side_for_the_hand_computed_case(signed_in, two_debts):
    response = signed_in.get("/debts/plan?extra=200&start=2026-01")
    assert response.status_code == 200
    html = _html(response)
    rows = _rows(html, "strategies")
    # Avalanche 71.91, snowball 85.54. Minimums only: the card, 1,000.00 at 2 % a month paid
    # 50.00, takes 26 months (-ln(1 - 0.02 x 1000 / 50) / ln(1.02) = 25.8) and 289.88 of
    # interest; the store card 18 months and 38.10; 327.98 in all.
    assert [r[:4] for r in rows] == [
        ["Avalanche (highest rate first)", "6 months", "Jun 2026", "$71.91"],
        ["Snowball (smallest balance first)", "6 months", "Jun 2026", "$85.54"],
        ["Minimum payments only", "26 months", "Feb 2028", "$327.98"],
    ]
    assert [r[4] for r in rows] == ["$256.07", "$242.44", "—"]  # 327.98 - 71.91, - 85.54
    assert _rows(html, "plan-debts") == [
        ["Card", "$1,000.00", "24%", "$50.00", "May 2026", "$53.07"],
        ["Store", "$400.00", "12%", "$25.00", "Jun 2026", "$18.84"],
    ]
    assert 'data-testid="warnings"' not in html
    assert 'href="/debts/plan?strategy=snowball&amp;extra=200&amp;start=2026-01"' in html


def test_the_chosen_strategy_shows_its_debts_and_schedule(signed_in, two_debts):
    html = _html(signed_in.get("/debts/plan?extra=200&start=2026-01&strategy=snowball"))
    assert _rows(html, "plan-debts") == [
        ["Card", "$1,000.00", "24%", "$50.00", "Jun 2026", "$79.75"],
        ["Store", "$400.00", "12%", "$25.00", "Feb 2026", "$5.79"],
    ]
    schedule = re.search(r'data-testid="schedule">.*?</details>', html, re.S).group(0)
    assert "Snowball (smallest balance first), month by month (6 months)" in _text(schedule)
    months = _rows(schedule, "schedule-table")
    assert months[0] == ["Jan 2026", "$50.00 owes $970.00", "$225.00 owes $179.00", "$24.00",
                         "$275.00", "$1,149.00"]  # fmt: skip
    assert months[1] == ["Feb 2026", "$94.21 owes $895.19", "$180.79 owes $0.00", "$21.19",
                         "$275.00", "$895.19"]  # fmt: skip
    assert months[-1] == ["Jun 2026", "$110.54 owes $0.00", "—", "$2.17", "$110.54", "$0.00"]


def test_the_chart_draws_what_is_owed_each_month_ending_at_zero(signed_in, two_debts):
    html = _html(signed_in.get("/debts/plan?extra=200&start=2026-01"))
    spec = _spec(html)
    assert (spec["type"], spec["currency"]) == ("line", "USD")
    assert spec["labels"][:3] == ["Now", "Jan 2026", "Feb 2026"]
    assert len(spec["labels"]) == 27  # now and the 26 months of minimums only
    avalanche, snowball, minimum = spec["series"]
    assert avalanche["label"] == "Avalanche (highest rate first)"
    assert avalanche["values"][:3] == ["1400.00", "1149.00", "893.19"]  # 770 + 379; 535.40 + 357.79
    assert avalanche["values"][6:] == ["0.00"] * 21  # done in June, then nothing owed
    assert snowball["values"][6] == "0.00"
    assert minimum["values"][-1] == "0.00" and minimum["values"][-2] != "0.00"
    assert 'src="/static/vendor/chartjs-4.6.1/chart.umd.min.js"' in html


def test_plans_start_next_month_with_no_extra_unless_asked(signed_in, two_debts):
    html = _html(signed_in.get("/debts/plan"))
    assert 'value="2026-05"' in html
    assert "From May 2026, each month" in _text(html)
    assert _spec(html)["labels"][1] == "May 2026"


def test_warnings_say_which_debt_is_never_paid_off(session, signed_in, alex):
    _debt(session, alex, "Payday", "1000.00", "30", "20.00")  # 25.00 interest a month
    _debt(session, alex, "Family", "300.00", "0", "0")
    html = _html(signed_in.get("/debts/plan?start=2026-01&strategy=minimum"))
    warnings = _text(re.search(r'data-testid="warnings".*?</div>', html, re.S).group(0))
    assert (
        "Payday: the minimum payment ($20.00) does not cover the monthly interest ($25.00)"
        in warnings
    )
    assert "Family has no minimum payment, so only extra money pays it off" in warnings
    assert "Payday: never paid off at these payments" in warnings
    assert [r[1:3] for r in _rows(html, "strategies")] == [["Never", "not at these payments"]] * 3
    assert "month by month (600 months: the plan stops after 50 years)" in _text(html)
    assert len(_spec(html)["labels"]) == 601


def test_a_minimum_plan_that_never_ends_neither_flattens_the_chart_nor_counts_as_saved(
    session, signed_in, alex
):
    _debt(session, alex, "Payday", "1000.00", "30", "20.00")  # grows 5.00 a month at first
    html = _html(signed_in.get("/debts/plan?extra=100&start=2026-01"))
    avalanche, snowball, minimum = _rows(html, "strategies")
    assert avalanche[1] == snowball[1] == "10 months"  # 120.00 a month against 25.00 of interest
    assert minimum[1:3] == ["Never", "not at these payments"]
    assert [r[4] for r in (avalanche, snowball, minimum)] == ["—"] * 3
    assert "Paying minimums only never clears the debts" in _text(html)
    spec = _spec(html)
    assert len(spec["labels"]) == 11  # now and the 10 months of the plans that end
    assert spec["series"][0]["values"][-1] == "0.00"
    # The minimums only: 1,000.00 + 5.00 x (1.025^10 - 1) / 0.025, still growing.
    assert spec["series"][2]["values"][-1] == "1056.01"
    assert "until the last plan that clears the debts ends" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("extra=abc", "extra", "Write it like 1,234.50."),
        ("extra=-5", "extra", "Must be at least 0."),
        ("start=2026-13", "start", "is not a month"),
        ("start=1899-12", "start", "Choose a month between 1900-01 and 2199-12."),
        ("strategy=fastest", "strategy", "Not a valid choice"),
    ],
)
def test_a_bad_field_is_named_and_no_plan_is_shown(signed_in, two_debts, query, field, message):
    response = signed_in.get(f"/debts/plan?{query}")
    assert response.status_code == 400
    html = _html(response)
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</small>', html, re.S)
    assert error and message in error.group(1)
    assert 'data-testid="strategies"' not in html


def test_nothing_to_plan_points_to_adding_a_debt(session, signed_in, alex):
    _debt(session, alex, "Paid off", "0.00", "10", "10")
    _debt(session, alex, "Paused", "500.00", "10", "10", is_active=False)
    response = signed_in.get("/debts/plan")
    assert response.status_code == 200
    html = _html(response)
    assert "There is nothing to plan: no active debt has a balance." in _text(html)
    assert 'href="/debts/new">Add a debt</a>' in html
    assert "chart.umd.min.js" not in html
    assert 'href="/debts/plan"' not in _html(signed_in.get("/debts"))


def test_a_balance_growing_past_a_default_decimal_is_still_planned(session, signed_in, alex):
    """99,999,999.99 at 100 % with a 0.01 minimum grows about 10^21-fold in 50 years."""
    _debt(session, alex, "Loan shark", "99999999.99", "100", "0.01")
    response = signed_in.get("/debts/plan?start=2026-01&strategy=minimum")
    assert response.status_code == 200
    assert "never paid off at these payments" in _text(_html(response))
