"""The payoff plan over the API. The figures were worked out by hand from the rules in
services/payoff.py: interest = round_half_up(balance x rate / 1200, 2) at the start of each
month, then each minimum, then the extra (plus rollover and unused money) to the targets.

Card 1000.00 @ 24 % min 50, Loan 400.00 @ 12 % min 40, extra 200, avalanche (Card first):
  2026-02  Card 20.00 -> 1020.00 - 50 - 200 = 770.00    Loan 4.00 -> 404.00 - 40 = 364.00
  2026-03  Card 15.40 -> 785.40 - 250 = 535.40          Loan 3.64 -> 367.64 - 40 = 327.64
  2026-04  Card 10.708 -> 10.71 -> 296.11               Loan 3.2764 -> 3.28 -> 290.92
  2026-05  Card 5.9222 -> 5.92 -> 52.03                 Loan 2.9092 -> 2.91 -> 253.83
  2026-06  Card 1.0406 -> 1.04 -> 53.07: min 50 + 3.07 of the extra, paid off;
           Loan 2.5383 -> 2.54 -> 256.37 - 40 = 216.37, the 196.93 left of the extra: 19.44
  2026-07  Loan 0.1944 -> 0.19 -> 19.63 < min 40: paid off.
Interest: Card 20 + 15.40 + 10.71 + 5.92 + 1.04 = 53.07; Loan 4 + 3.64 + 3.28 + 2.91 + 2.54
+ 0.19 = 16.56; total 69.63, debt free after 6 months, in 2026-07.
"""

from __future__ import annotations

from datetime import date

import pytest

import homeledger.api.debts as debts_api
from tests.conftest import api_user

URL = "/api/v1/debts"
PLAN = f"{URL}/plan"


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def two_debts(client, alex):
    """The card and the loan above; their ids."""
    ids = []
    for name, balance, rate, minimum in (
        ("Card", "1000.00", "24", "50.00"),
        ("Loan", "400.00", "12", "40.00"),
    ):
        body = {
            "name": name,
            "current_balance": balance,
            "interest_rate": rate,
            "minimum_payment": minimum,
        }
        response = client.post(URL, headers=alex, json=body)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


@pytest.fixture
def mid_january(monkeypatch):
    """The API's today is 15 January 2026: plans start in February."""

    class Fixed(date):
        @classmethod
        def today(cls):
            return date(2026, 1, 15)

    monkeypatch.setattr(debts_api, "date", Fixed)


def _plan(client, headers, query=""):
    response = client.get(PLAN + query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_avalanche_plan_to_the_cent(client, alex, two_debts):
    card, loan = two_debts
    plan = _plan(client, alex, "?strategy=avalanche&extra=200.00&start=2026-02")

    assert (plan["strategy"], plan["extra"], plan["start"]) == ("avalanche", "200.00", "2026-02")
    assert (plan["months_to_debt_free"], plan["debt_free_month"]) == (6, "2026-07")
    assert plan["total_interest"] == "69.63" and plan["paid_off"] is True
    assert plan["debts"] == [
        {"debt_id": card, "name": "Card", "payoff_month": "2026-06", "interest": "53.07"},
        {"debt_id": loan, "name": "Loan", "payoff_month": "2026-07", "interest": "16.56"},
    ]
    assert plan["schedule"][0] == {
        "month": "2026-02",
        "payments": [
            {"debt_id": card, "interest": "20.00", "payment": "250.00", "balance": "770.00"},
            {"debt_id": loan, "interest": "4.00", "payment": "40.00", "balance": "364.00"},
        ],
    }
    assert plan["schedule"][4] == {
        "month": "2026-06",
        "payments": [
            {"debt_id": card, "interest": "1.04", "payment": "53.07", "balance": "0.00"},
            {"debt_id": loan, "interest": "2.54", "payment": "236.93", "balance": "19.44"},
        ],
    }
    assert plan["schedule"][5] == {
        "month": "2026-07",
        "payments": [{"debt_id": loan, "interest": "0.19", "payment": "19.63", "balance": "0.00"}],
    }
    assert [m["month"] for m in plan["schedule"]] == [f"2026-0{m}" for m in range(2, 8)]
    assert plan["warnings"] == []


def test_snowball_puts_the_extra_on_the_smaller_balance_first(client, alex, two_debts):
    card, loan = two_debts
    plan = _plan(client, alex, "?strategy=snowball&extra=200&start=2026-02")
    # Card 1020.00 - 50 = 970.00; Loan 404.00 - 40 - 200 = 164.00.
    assert plan["schedule"][0]["payments"] == [
        {"debt_id": card, "interest": "20.00", "payment": "50.00", "balance": "970.00"},
        {"debt_id": loan, "interest": "4.00", "payment": "240.00", "balance": "164.00"},
    ]


def test_the_defaults_are_avalanche_nothing_extra_from_next_month(
    client, alex, two_debts, mid_january
):
    plan = _plan(client, alex)
    assert (plan["strategy"], plan["extra"], plan["start"]) == ("avalanche", "0.00", "2026-02")
    card, loan = two_debts
    assert plan["schedule"][0]["payments"] == [
        {"debt_id": card, "interest": "20.00", "payment": "50.00", "balance": "970.00"},
        {"debt_id": loan, "interest": "4.00", "payment": "40.00", "balance": "364.00"},
    ]
    assert plan["months_to_debt_free"] is not None


def test_minimum_payments_ignore_the_extra(client, alex, two_debts):
    plan = _plan(client, alex, "?strategy=minimum&extra=200.00&start=2026-02")
    assert plan["extra"] == "0.00"
    assert [p["payment"] for p in plan["schedule"][0]["payments"]] == ["50.00", "40.00"]


def test_paused_and_paid_off_debts_are_left_out(client, alex, two_debts):
    card, loan = two_debts
    client.patch(f"{URL}/{card}", headers=alex, json={"is_active": False})
    paid = client.post(URL, headers=alex, json={"name": "Old", "current_balance": "0"})
    assert paid.get_json()["paid_off"] is True
    plan = _plan(client, alex, "?extra=200.00&start=2026-02")
    assert [d["debt_id"] for d in plan["debts"]] == [loan]
    # Loan 404.00 - 40 - 200 = 164.00; 165.64 - 40 - 125.64 in March.
    assert plan["schedule"][0]["payments"][0]["balance"] == "164.00"
    assert (plan["months_to_debt_free"], plan["debt_free_month"]) == (2, "2026-03")


def test_a_plan_that_never_pays_off_says_so(client, alex):
    body = {
        "name": "Store card",
        "current_balance": "1000.00",
        "interest_rate": "24",
        "minimum_payment": "10.00",
    }
    debt = client.post(URL, headers=alex, json=body).get_json()["id"]
    plan = _plan(client, alex, "?strategy=minimum&start=2026-02")
    assert (plan["months_to_debt_free"], plan["debt_free_month"]) == (None, None)
    assert plan["paid_off"] is False
    assert plan["debts"][0]["payoff_month"] is None
    assert len(plan["schedule"]) == 600
    # 1000.00 x 2 % = 20.00 a month against a 10.00 minimum: it only grows.
    assert plan["schedule"][0]["payments"] == [
        {"debt_id": debt, "interest": "20.00", "payment": "10.00", "balance": "1010.00"}
    ]
    messages = [w["message"] for w in plan["warnings"] if w["debt_id"] == debt]
    assert len(messages) == 2
    assert "does not cover the monthly interest (20.00)" in messages[0]
    assert "never paid off" in messages[1]


def test_with_nothing_owed_the_plan_is_empty(client, alex):
    plan = _plan(client, alex, "?start=2026-02")
    assert (plan["debts"], plan["schedule"], plan["warnings"]) == ([], [], [])
    assert plan["total_interest"] == "0.00" and plan["paid_off"] is True
    assert (plan["months_to_debt_free"], plan["debt_free_month"]) == (0, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?extra=abc", "extra"),
        ("?extra=-5", "extra"),
        ("?extra=1.234", "extra"),
        ("?extra=1e3", "extra"),
        ("?extra=99999999999", "extra"),
        ("?extra=", "extra"),
        ("?strategy=fastest", "strategy"),
        ("?strategy=", "strategy"),
        ("?start=2026-13", "start"),
        ("?start=x", "start"),
        ("?start=2026-2", "start"),
        ("?start=2200-01", "start"),
    ],
)
def test_bad_plan_parameters_are_422_naming_them(client, alex, two_debts, query, field):
    response = client.get(PLAN + query, headers=alex)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_a_warning_says_its_kind_and_figures(client, alex):
    body = {"name": "Payday", "current_balance": "1000.00", "interest_rate": "30"}
    assert (
        client.post(URL, headers=alex, json=body | {"minimum_payment": "20.00"}).status_code == 201
    )
    plan = _plan(client, alex, "?strategy=minimum&start=2026-01")
    assert sorted((w["kind"], w["minimum"], w["interest"]) for w in plan["warnings"]) == [
        ("interest_not_covered", "20.00", "25.00"),
        ("never_paid_off", None, None),
    ]
