"""The debt pages: the list with its totals, add and edit with every bad field named, a
debt's page with its payments (typed in or from a transaction), deleting a payment or a
debt after the question, and another ledger's debt out of reach."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.models import Debt, DebtPayment, Transaction
from homeledger.services import categories, debts
from homeledger.services.debts import DebtInput, PaymentInput
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def signed_in(client, auth, alex):
    auth.login("alex")
    return client


def _debt(session, user, name="Visa", balance="1000.00", **fields) -> int:
    values = dict(
        name=name,
        debt_type="credit_card",
        current_balance=Decimal(balance),
        interest_rate=Decimal("24"),
        minimum_payment=Decimal("50.00"),
    )
    with tenancy.acting_as(session, user.id):
        debt_id = debts.create(session, DebtInput(**(values | fields))).id
        session.commit()
    return debt_id


def _pay(session, user, debt_id, day, amount, **fields) -> int:
    with tenancy.acting_as(session, user.id):
        data = PaymentInput(date=day, amount=Decimal(amount), **fields)
        payment_id = debts.add_payment(session, debt_id, data).id
        session.commit()
    return payment_id


def _html(response) -> str:
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _testid(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</(?:td|p|dd|h1)>', html, re.S)
    assert found, f"no {name}"
    return _text(found.group(1))


def _rows(html: str, name: str) -> list[list[str]]:
    table = re.search(rf'data-testid="{name}">(.*?)</tbody>', html, re.S)
    assert table, f"no {name} table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    return [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def _count(session, user, model) -> int:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return session.scalar(select(func.count()).select_from(model))


def _balance(session, user, debt_id) -> Decimal:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return debts.get(session, debt_id).current_balance


def _csrf(client) -> str:
    return csrf_token_from(_html(client.get("/debts/new")))


# --- the list -------------------------------------------------------------------------------


def test_no_debts_yet_says_what_to_do(signed_in):
    html = _html(signed_in.get("/debts"))
    assert "No debts recorded. Add your first debt" in _text(html)
    assert 'href="/debts/new">Add your first debt</a>' in html
    assert 'aria-current="page">Debts</a>' in html


def test_the_list_shows_each_debt_and_the_totals_of_the_active_ones(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        sam = categories.add_owners(session, ["Sam"])[0].id
        session.commit()
    _debt(session, alex, lender="Big Bank", owner_id=sam, due_day=28)
    _debt(session, alex, "Store card", "400.00", interest_rate=Decimal("12.5"), debt_type="bnpl")
    _debt(session, alex, "Old loan", "0.00", debt_type="loan", minimum_payment=Decimal("80"))
    _debt(session, alex, "Car", "9000.00", debt_type="loan", is_active=False)
    html = _html(signed_in.get("/debts"))
    assert _rows(html, "debts") == [
        ["Old loan", "Loan", "—", "—", "$0.00", "24%", "$80.00", "—", "Paid off", "Edit"],
        ["Store card", "Buy now, pay later", "—", "—", "$400.00", "12.5%", "$50.00", "—",
         "Active", "Edit"],
        ["Visa", "Credit card", "Big Bank", "Sam", "$1,000.00", "24%", "$50.00", "the 28th",
         "Active", "Edit"],
        ["Car", "Loan", "—", "—", "$9,000.00", "24%", "$50.00", "—", "Paused", "Edit"],
    ]  # fmt: skip
    assert _testid(html, "owed") == "$1,400.00"  # the paused car loan is left out
    assert _testid(html, "minimums") == "$100.00"  # and the paid-off loan's minimum
    assert 'href="/debts/plan"' in html


# --- add and edit ---------------------------------------------------------------------------


def _fields(**changes) -> dict:
    return {
        "name": "Visa",
        "lender": "Big Bank",
        "debt_type": "credit_card",
        "original_amount": "2,500.00",
        "current_balance": "1,000.00",
        "interest_rate": "19.99",
        "minimum_payment": "50",
        "due_day": "28",
        "owner": "",
        "start_date": "2025-06-01",
        "is_active": "y",
    } | changes


def test_adding_a_debt_reads_every_field(session, signed_in, alex):
    response = signed_in.post(
        "/debts/new", data=_fields(csrf_token=_csrf(signed_in)), query_string={"back": "/debts"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/debts"
    with tenancy.acting_as(session, alex.id):
        [debt] = session.scalars(select(Debt)).all()
        assert (debt.name, debt.lender, debt.debt_type, debt.due_day) == (
            "Visa",
            "Big Bank",
            "credit_card",
            28,
        )
        assert (debt.original_amount, debt.current_balance, debt.minimum_payment) == (
            Decimal("2500.00"),
            Decimal("1000.00"),
            Decimal("50.00"),
        )
        assert (debt.interest_rate, debt.start_date, debt.is_active) == (
            Decimal("19.99"),
            date(2025, 6, 1),
            True,
        )
    assert 'value="19.99"' in _html(signed_in.get(f"/debts/{debt.id}/edit"))


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("abc", "Write the yearly rate as a percentage, like 19.99."),
        ("150", "Must be a percentage from 0 to 100."),
        ("-1", "Must be a percentage from 0 to 100."),
    ],
)
def test_a_bad_rate_is_named_and_nothing_is_written(session, signed_in, alex, rate, message):
    data = _fields(csrf_token=_csrf(signed_in), interest_rate=rate, name="  ")
    response = signed_in.post("/debts/new", data=data)
    assert response.status_code == 400
    html = _html(response)
    assert "Nothing was saved" in html
    error = re.search(r'id="interest_rate-error"[^>]*>(.*?)</small>', html, re.S)
    assert error and error.group(1) == message
    assert 'aria-invalid="true"' in html
    assert f'value="{rate}"' in html  # what was typed is kept
    if rate != "abc":  # the service names every wrong field at once
        assert 'id="name-error"' in html
    assert _count(session, alex, Debt) == 0


def test_editing_a_debt_returns_to_its_page(session, signed_in, alex):
    visa = _debt(session, alex)
    back = f"/debts/{visa}"
    form = _html(signed_in.get(f"/debts/{visa}/edit", query_string={"back": back}))
    assert 'value="1000.00"' in form
    response = signed_in.post(
        f"/debts/{visa}/edit",
        query_string={"back": back},
        data=_fields(csrf_token=csrf_token_from(form), current_balance="1017.50"),
    )
    assert response.headers["Location"] == back
    assert _balance(session, alex, visa) == Decimal("1017.50")


# --- a debt's page and its payments ------------------------------------------------------------


def test_a_payment_lowers_the_balance_shown(session, signed_in, alex):
    visa = _debt(session, alex)
    page = _html(signed_in.get(f"/debts/{visa}"))
    assert "No payments recorded yet" in _text(page)
    response = signed_in.post(
        f"/debts/{visa}/payments/new",
        data={
            "csrf_token": csrf_token_from(page),
            "date": "2026-03-28",
            "amount": "250",
            "notes": "March",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/debts/{visa}"
    html = _html(signed_in.get(f"/debts/{visa}"))
    assert "Recorded a payment of $250.00." in html
    assert _testid(html, "balance") == "$750.00"
    assert _rows(html, "payments") == [
        ["28 Mar 2026", "$250.00", "$750.00", "—", "March", "Edit Delete…"]
    ]
    assert "$750.00" in _text(_html(signed_in.get("/debts")))


def test_a_bad_payment_is_named_and_nothing_is_written(session, signed_in, alex):
    visa = _debt(session, alex)
    token = _csrf(signed_in)
    for amount, message in (("lots", "Write it like 1,234.50."), ("1500", "owed at that date")):
        data = {"csrf_token": token, "date": "2026-03-28", "amount": amount}
        response = signed_in.post(f"/debts/{visa}/payments/new", data=data)
        assert response.status_code == 400
        assert message in _html(response)
        assert 'id="amount-error"' in _html(response)
    assert _count(session, alex, DebtPayment) == 0
    assert _balance(session, alex, visa) == Decimal("1000.00")


def test_a_payment_from_a_transaction_takes_its_date_and_amount(session, signed_in, alex):
    visa = _debt(session, alex)
    paid, _, _ = add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 28), "VISA PAYMENT THANK YOU", "-250.00", None),
            (date(2026, 3, 29), "Salary", "3000.00", None),
            (date(2026, 3, 30), "Groceries", "-42.17", None),
        ],
    )
    page = _html(signed_in.get(f"/debts/{visa}"))
    menu = re.search(r'<select id="transaction"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert [_text(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", menu)] == [
        "Choose a transaction",
        "30 Mar 2026 · Groceries · $42.17",
        "28 Mar 2026 · VISA PAYMENT THANK YOU · $250.00",
    ]  # money going out only, newest first
    token = csrf_token_from(page)
    unchosen = signed_in.post(
        f"/debts/{visa}/payments/from-transaction", data={"csrf_token": token, "transaction": ""}
    )
    assert unchosen.status_code == 400
    assert "Choose the transaction that paid it." in _html(unchosen)
    response = signed_in.post(
        f"/debts/{visa}/payments/from-transaction",
        data={"csrf_token": token, "transaction": str(paid)},
    )
    assert response.status_code == 302
    html = _html(signed_in.get(f"/debts/{visa}"))
    assert _testid(html, "balance") == "$750.00"
    [row] = _rows(html, "payments")
    assert row[:4] == ["28 Mar 2026", "$250.00", "$750.00", "VISA PAYMENT THANK YOU 28 Mar 2026"]
    assert f'href="/transactions/{paid}/edit">VISA PAYMENT THANK YOU</a>' in html
    assert "VISA PAYMENT" not in re.search(r"<select.*?</select>", html, re.S).group(0)
    again = signed_in.post(
        f"/debts/{visa}/payments/from-transaction",
        data={"csrf_token": token, "transaction": str(paid)},
    )
    assert again.status_code == 400
    assert "Already pays a payment on debt" in _html(again)
    assert _count(session, alex, DebtPayment) == 1


def test_editing_a_payment_puts_the_difference_back(session, signed_in, alex):
    visa = _debt(session, alex)
    payment = _pay(session, alex, visa, date(2026, 3, 28), "250.00")
    form = _html(signed_in.get(f"/debts/{visa}/payments/{payment}/edit"))
    assert 'value="250.00"' in form
    response = signed_in.post(
        f"/debts/{visa}/payments/{payment}/edit",
        data={"csrf_token": csrf_token_from(form), "date": "2026-03-28", "amount": "200"},
    )
    assert response.headers["Location"] == f"/debts/{visa}"
    assert _balance(session, alex, visa) == Decimal("800.00")


def test_deleting_a_payment_asks_first_and_says_where_the_balance_goes(session, signed_in, alex):
    visa = _debt(session, alex)
    first = _pay(session, alex, visa, date(2026, 2, 28), "100.00")
    _pay(session, alex, visa, date(2026, 3, 28), "150.00")
    question = signed_in.get(f"/debts/{visa}/payments/{first}/delete")
    assert question.status_code == 200
    html = _html(question)
    assert _testid(html, "question") == "Delete the payment of $100.00 on 28 Feb 2026?"
    assert "The balance goes back up from $750.00 to $850.00" in _text(html)
    assert "The balances after the 1 later payment go up by the same amount." in _text(html)
    token = csrf_token_from(html)
    skipped = signed_in.post(f"/debts/{visa}/payments/{first}/delete", data={"csrf_token": token})
    assert skipped.status_code == 400
    assert _count(session, alex, DebtPayment) == 2
    done = signed_in.post(
        f"/debts/{visa}/payments/{first}/delete", data={"csrf_token": token, "confirm": str(first)}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == f"/debts/{visa}"
    assert _balance(session, alex, visa) == Decimal("850.00")
    assert _rows(_html(signed_in.get(f"/debts/{visa}")), "payments")[0][:3] == [
        "28 Mar 2026",
        "$150.00",
        "$850.00",
    ]


def test_deleting_a_debt_with_payments_says_how_many_go_with_it(session, signed_in, alex):
    visa = _debt(session, alex)
    other = _debt(session, alex, "Store card", "400.00")
    for day in (date(2026, 1, 28), date(2026, 2, 28)):
        _pay(session, alex, visa, day, "100.00")
    (paid,) = add_transactions(session, alex, [(date(2026, 3, 28), "VISA", "-50.00", None)])
    with tenancy.acting_as(session, alex.id):
        debts.add_payment(session, visa, PaymentInput(transaction_id=paid))
        session.commit()
    question = signed_in.get(f"/debts/{visa}/delete")
    html = _html(question)
    assert _testid(html, "question") == "Delete the debt Visa?"
    assert "Its 3 payments will be deleted with it." in _text(html)
    token = csrf_token_from(html)
    for answer in ({}, {"confirm": str(visa)}, {"confirm": str(visa), "confirm_count": "2"}):
        refused = signed_in.post(f"/debts/{visa}/delete", data={"csrf_token": token, **answer})
        assert refused.status_code == 400
    assert _count(session, alex, Debt) == 2
    done = signed_in.post(
        f"/debts/{visa}/delete",
        query_string={"back": f"/debts/{visa}"},
        data={"csrf_token": token, "confirm": str(visa), "confirm_count": "3"},
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/debts"  # not the page that is gone
    assert "Deleted the debt “Visa” and its 3 payments." in _html(signed_in.get("/debts"))
    assert (_count(session, alex, Debt), _count(session, alex, DebtPayment)) == (1, 0)
    assert _count(session, alex, Transaction) == 1  # the transaction that paid stays
    assert "It has no payments recorded." in _text(_html(signed_in.get(f"/debts/{other}/delete")))


def test_another_ledgers_debt_and_payment_are_not_found(session, client, auth, alex):
    visa = _debt(session, alex)
    payment = _pay(session, alex, visa, date(2026, 3, 28), "100.00")
    make_user(session, "sam")
    auth.login("sam")
    token = _csrf(client)
    pages = ["", "/edit", "/delete", "/payments/new", "/payments/from-transaction"]
    pages += [f"/payments/{payment}/edit", f"/payments/{payment}/delete"]
    for path in pages:
        assert client.get(f"/debts/{visa}{path}").status_code == 404
        answer = {"csrf_token": token, "confirm": str(payment), "amount": "1", "date": "2026-03-01"}
        assert client.post(f"/debts/{visa}{path}", data=answer).status_code in (404, 405)
    assert _count(session, alex, DebtPayment) == 1
    assert _balance(session, alex, visa) == Decimal("900.00")
    other = _debt(session, alex, "Store card", "400.00")
    auth.logout()
    auth.login("alex")
    assert client.get(f"/debts/{other}/payments/{payment}/edit").status_code == 404
