"""Debts and their payments over the API: exact balances, refusals, other ledgers."""

from __future__ import annotations

import pytest

from tests.conftest import api_user

URL = "/api/v1/debts"


@pytest.fixture
def alex(session, client):
    return api_user(session, client, "alex")


@pytest.fixture
def sam(session, client):
    return api_user(session, client, "sam")


def _add(client, headers, **body):
    response = client.post(URL, headers=headers, json={"name": "Visa", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _pay(client, headers, debt_id, **body):
    response = client.post(f"{URL}/{debt_id}/payments", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _spend(client, headers, day, amount, description="CARD PAYMENT"):
    body = {"date": day, "amount": amount, "description": description}
    response = client.post("/api/v1/transactions", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _balance(client, headers, debt_id):
    return client.get(f"{URL}/{debt_id}", headers=headers).get_json()["current_balance"]


def _history(client, headers, debt_id):
    payments = client.get(f"{URL}/{debt_id}/payments", headers=headers).get_json()
    return [(p["date"], p["amount"], p["balance_after"]) for p in payments]


def test_record_list_edit_and_delete_a_debt(client, alex):
    owner = client.post("/api/v1/owners", headers=alex, json={"name": "Jo"}).get_json()["id"]
    debt = _add(
        client,
        alex,
        lender="Big Bank",
        debt_type="credit_card",
        original_amount="2500",
        current_balance="1234.5",
        interest_rate="19.99",
        minimum_payment="45.00",
        due_day=28,
        owner_id=owner,
        start_date="2024-06-01",
    )
    expected = {
        "name": "Visa",
        "lender": "Big Bank",
        "debt_type": "credit_card",
        "original_amount": "2500.00",
        "current_balance": "1234.50",
        "interest_rate": "19.990",
        "minimum_payment": "45.00",
        "due_day": 28,
        "owner_id": owner,
        "start_date": "2024-06-01",
        "is_active": True,
        "payment_count": 0,
        "paid_off": False,
    }
    assert {k: debt[k] for k in expected} == expected
    assert debt["created_at"] and debt["id"]

    listing = client.get(URL, headers=alex).get_json()
    assert [{k: d[k] for k in expected} | {"id": d["id"]} for d in listing] == [
        expected | {"id": debt["id"]}
    ]

    edited = client.patch(
        f"{URL}/{debt['id']}",
        headers=alex,
        json={"interest_rate": "5.125", "lender": None, "current_balance": "0.00"},
    )
    assert edited.status_code == 200
    body = edited.get_json()
    assert (body["interest_rate"], body["lender"], body["paid_off"]) == ("5.125", None, True)
    assert client.get(f"{URL}/{debt['id']}", headers=alex).get_json()["interest_rate"] == "5.125"

    untouched = client.patch(f"{URL}/{debt['id']}", headers=alex, json={})
    assert untouched.status_code == 200 and untouched.get_json()["current_balance"] == "0.00"

    assert client.delete(f"{URL}/{debt['id']}", headers=alex).status_code == 204
    assert client.get(f"{URL}/{debt['id']}", headers=alex).status_code == 404
    assert client.get(URL, headers=alex).get_json() == []


def test_a_debt_needs_only_a_name_and_a_balance(client, alex):
    debt = _add(client, alex, current_balance="300")
    assert (debt["debt_type"], debt["interest_rate"], debt["minimum_payment"]) == (
        "other",
        "0.000",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"current_balance": "-1.00"}, "current_balance"),
        ({"current_balance": 100.5}, "current_balance"),
        ({"current_balance": "12.345"}, "current_balance"),
        ({"current_balance": "1e3"}, "current_balance"),
        ({"current_balance": None}, "current_balance"),
        ({"minimum_payment": "-5.00"}, "minimum_payment"),
        ({"original_amount": "abc"}, "original_amount"),
        ({"interest_rate": "-0.5"}, "interest_rate"),
        ({"interest_rate": "100.001"}, "interest_rate"),
        ({"interest_rate": "19.9999"}, "interest_rate"),
        ({"interest_rate": 19.99}, "interest_rate"),
        ({"interest_rate": "nineteen"}, "interest_rate"),
        ({"interest_rate": "1e2"}, "interest_rate"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"owner_id": 2**40}, "owner_id"),
        ({"debt_type": "car"}, "debt_type"),
        ({"due_day": 32}, "due_day"),
        ({"due_day": "soon"}, "due_day"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"is_active": 1}, "is_active"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "1850-01-01"}, "start_date"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_debts_are_422_naming_the_field_and_nothing_is_written(client, alex, changes, field):
    body = {"name": "Visa", "current_balance": "500.00"} | changes
    response = client.post(URL, headers=alex, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(URL, headers=alex).get_json() == []


def test_a_bad_edit_changes_nothing(client, alex):
    debt = _add(client, alex, current_balance="500.00", interest_rate="12")
    for body, field in (
        ({"interest_rate": "101", "name": "New"}, "interest_rate"),
        ({"current_balance": None}, "current_balance"),
        ({"id": 5}, "id"),
    ):
        response = client.patch(f"{URL}/{debt['id']}", headers=alex, json=body)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    again = client.get(f"{URL}/{debt['id']}", headers=alex).get_json()
    assert (again["name"], again["interest_rate"]) == ("Visa", "12.000")


def test_payments_keep_the_balance_and_every_later_balance_after(client, alex):
    debt = _add(client, alex, current_balance="1000.00")["id"]
    january = _pay(client, alex, debt, date="2026-01-10", amount="100.00", notes="Direct debit")
    assert (january["balance_after"], january["debt_id"], january["notes"]) == (
        "900.00",
        debt,
        "Direct debit",
    )
    _pay(client, alex, debt, date="2026-03-10", amount="200.00")
    assert _balance(client, alex, debt) == "700.00"

    # Back-dated between the two: the March payment now left 50.00 less owing.
    february = _pay(client, alex, debt, date="2026-02-10", amount="50.00")
    assert february["balance_after"] == "850.00"
    assert _history(client, alex, debt) == [
        ("2026-03-10", "200.00", "650.00"),
        ("2026-02-10", "50.00", "850.00"),
        ("2026-01-10", "100.00", "900.00"),
    ]
    assert _balance(client, alex, debt) == "650.00"
    debt_now = client.get(f"{URL}/{debt}", headers=alex).get_json()
    assert debt_now["payment_count"] == 3

    # 50.00 -> 80.00: 30.00 less owed from February on.
    edited = client.patch(
        f"{URL}/{debt}/payments/{february['id']}", headers=alex, json={"amount": "80.00"}
    )
    assert edited.status_code == 200 and edited.get_json()["balance_after"] == "820.00"
    assert _history(client, alex, debt)[0] == ("2026-03-10", "200.00", "620.00")
    assert _balance(client, alex, debt) == "620.00"

    removed = client.delete(f"{URL}/{debt}/payments/{february['id']}", headers=alex)
    assert removed.status_code == 200 and removed.get_json() == {"current_balance": "700.00"}
    assert _history(client, alex, debt) == [
        ("2026-03-10", "200.00", "700.00"),
        ("2026-01-10", "100.00", "900.00"),
    ]
    assert client.get(f"{URL}/{debt}", headers=alex).get_json()["payment_count"] == 2


def test_moving_a_payment_to_another_date_restates_the_balances_between(client, alex):
    debt = _add(client, alex, current_balance="1000.00")["id"]
    first = _pay(client, alex, debt, date="2026-01-10", amount="100.00")
    _pay(client, alex, debt, date="2026-02-10", amount="200.00")
    moved = client.patch(
        f"{URL}/{debt}/payments/{first['id']}", headers=alex, json={"date": "2026-03-01"}
    )
    assert moved.status_code == 200 and moved.get_json()["balance_after"] == "700.00"
    assert _history(client, alex, debt) == [
        ("2026-03-01", "100.00", "700.00"),
        ("2026-02-10", "200.00", "800.00"),
    ]
    assert _balance(client, alex, debt) == "700.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-04-01", "amount": "700.01"}, "amount"),
        ({"date": "2026-01-05", "amount": "750.00"}, "amount"),  # later balances below 0
        ({"date": "2026-04-01", "amount": "0.00"}, "amount"),
        ({"date": "2026-04-01", "amount": "-5.00"}, "amount"),
        ({"date": "2026-04-01", "amount": 5}, "amount"),
        ({"date": "2026-04-01"}, "amount"),
        ({"amount": "5.00"}, "date"),
        ({"date": None, "amount": "5.00"}, "date"),
        ({"date": "2026-04-01", "amount": "5.00", "transaction_id": 2**40}, "transaction_id"),
        ({"date": "2026-04-01", "amount": "5.00", "transaction_id": "x"}, "transaction_id"),
        ({"date": "2026-04-01", "amount": "5.00", "balance_after": "1.00"}, "balance_after"),
        ({"date": "2026-04-01", "amount": "5.00", "notes": 5}, "notes"),
    ],
)
def test_a_refused_payment_writes_nothing(client, alex, body, field):
    debt = _add(client, alex, current_balance="1000.00")["id"]
    _pay(client, alex, debt, date="2026-01-10", amount="100.00")
    _pay(client, alex, debt, date="2026-03-10", amount="200.00")
    response = client.post(f"{URL}/{debt}/payments", headers=alex, json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert _history(client, alex, debt) == [
        ("2026-03-10", "200.00", "700.00"),
        ("2026-01-10", "100.00", "900.00"),
    ]
    assert _balance(client, alex, debt) == "700.00"


def test_an_edit_that_overpays_is_refused(client, alex):
    debt = _add(client, alex, current_balance="300.00")["id"]
    payment = _pay(client, alex, debt, date="2026-01-10", amount="100.00")
    url = f"{URL}/{debt}/payments/{payment['id']}"
    response = client.patch(url, headers=alex, json={"amount": "300.01"})
    assert response.status_code == 422 and "amount" in response.get_json()["error"]["fields"]
    assert _history(client, alex, debt) == [("2026-01-10", "100.00", "200.00")]
    assert client.patch(url, headers=alex, json={}).get_json()["amount"] == "100.00"


def test_a_payment_taken_from_a_transaction_and_only_once(client, alex):
    card = _add(client, alex, current_balance="1000.00")["id"]
    loan = _add(client, alex, name="Loan", current_balance="500.00")["id"]
    paid = _spend(client, alex, "2026-02-20", "-120.50")
    payment = _pay(client, alex, card, transaction_id=paid)
    assert (payment["date"], payment["amount"], payment["transaction_id"]) == (
        "2026-02-20",
        "120.50",
        paid,
    )
    assert payment["balance_after"] == "879.50"
    for debt in (card, loan):
        again = client.post(f"{URL}/{debt}/payments", headers=alex, json={"transaction_id": paid})
        assert again.status_code == 422
        assert "transaction_id" in again.get_json()["error"]["fields"]
    income = _spend(client, alex, "2026-02-21", "50.00", "REFUND")
    refused = client.post(f"{URL}/{loan}/payments", headers=alex, json={"transaction_id": income})
    assert refused.status_code == 422 and "transaction_id" in refused.get_json()["error"]["fields"]
    assert _history(client, alex, loan) == []
    assert _balance(client, alex, loan) == "500.00"

    # Unlinked, the transaction may pay the loan instead.
    url = f"{URL}/{card}/payments/{payment['id']}"
    unlinked = client.patch(url, headers=alex, json={"transaction_id": None})
    assert unlinked.get_json()["transaction_id"] is None
    assert unlinked.get_json()["amount"] == "120.50"
    assert _pay(client, alex, loan, transaction_id=paid)["balance_after"] == "379.50"


def test_deleting_a_debt_with_payments_needs_confirmation(client, alex):
    debt = _add(client, alex, current_balance="1000.00")["id"]
    _pay(client, alex, debt, date="2026-01-10", amount="100.00")
    paid = _spend(client, alex, "2026-02-10", "-100.00")
    _pay(client, alex, debt, transaction_id=paid)

    refused = client.delete(f"{URL}/{debt}", headers=alex)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "confirm_needed" and error["payment_count"] == 2
    assert "2 payments" in error["message"]
    assert client.delete(f"{URL}/{debt}?confirm=false", headers=alex).status_code == 409
    assert len(_history(client, alex, debt)) == 2

    assert client.delete(f"{URL}/{debt}?confirm=true", headers=alex).status_code == 204
    assert client.get(f"{URL}/{debt}", headers=alex).status_code == 404
    assert client.get(f"{URL}/{debt}/payments", headers=alex).status_code == 404
    # Its payments went with it: the transaction that paid one may pay another debt.
    other = _add(client, alex, name="Loan", current_balance="300.00")["id"]
    assert _pay(client, alex, other, transaction_id=paid)["balance_after"] == "200.00"
    assert client.get("/api/v1/transactions", headers=alex).get_json()["items"][0]["id"] == paid

    no_payments = _add(client, alex, name="Store", current_balance="50.00")["id"]
    assert client.delete(f"{URL}/{no_payments}", headers=alex).status_code == 204


@pytest.mark.parametrize(
    "url",
    [
        f"{URL}/99999999999999999999",
        f"{URL}/2147483648",
        f"{URL}/2147483648/payments",
        f"{URL}/{{debt}}/payments/2147483648",
        f"{URL}/{{debt}}/payments/0",
    ],
)
def test_ids_no_debt_can_have_are_404(client, alex, url):
    debt = _add(client, alex, current_balance="10.00")["id"]
    url = url.format(debt=debt)
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(url, method=method, headers=alex, json={"amount": "1.00"})
        assert response.status_code in (404, 405), (method, response.status_code)
    assert client.get(url, headers=alex).status_code in (404, 405)


def test_another_ledgers_debts_payments_and_transactions_are_not_yours(client, alex, sam):
    sams = _add(client, sam, name="Sam's card", current_balance="800.00")["id"]
    payment = _pay(client, sam, sams, date="2026-01-10", amount="100.00")["id"]
    sams_spend = _spend(client, sam, "2026-02-01", "-60.00")
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"name": "Mine now"}),
        ("DELETE", "?confirm=true", None),
        ("GET", "/payments", None),
        ("POST", "/payments", {"date": "2026-02-01", "amount": "10.00"}),
        ("PATCH", f"/payments/{payment}", {"amount": "1.00"}),
        ("DELETE", f"/payments/{payment}", None),
    ):
        response = client.open(f"{URL}/{sams}{suffix}", method=method, headers=alex, json=body)
        assert response.status_code == 404, (method, suffix, response.status_code)
    assert client.get(URL, headers=alex).get_json() == []

    mine = _add(client, alex, current_balance="500.00")["id"]
    # Sam's payment id on Alex's debt is no payment of it either.
    assert client.delete(f"{URL}/{mine}/payments/{payment}", headers=alex).status_code == 404
    refused = client.post(
        f"{URL}/{mine}/payments", headers=alex, json={"transaction_id": sams_spend}
    )
    assert refused.status_code == 422 and "transaction_id" in refused.get_json()["error"]["fields"]
    assert _balance(client, alex, mine) == "500.00"
    assert _balance(client, sam, sams) == "700.00"
    assert _history(client, sam, sams) == [("2026-01-10", "100.00", "700.00")]


def test_deleting_the_transaction_keeps_the_payment(client, alex):
    debt = _add(client, alex, current_balance="500.00")["id"]
    paid = _spend(client, alex, "2026-02-20", "-75.00")
    _pay(client, alex, debt, transaction_id=paid)
    assert client.delete(f"/api/v1/transactions/{paid}", headers=alex).status_code == 204
    payments = client.get(f"{URL}/{debt}/payments", headers=alex).get_json()
    assert [(p["amount"], p["balance_after"], p["transaction_id"]) for p in payments] == [
        ("75.00", "425.00", None)
    ]
