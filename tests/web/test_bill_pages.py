"""The bill pages: the upcoming list and its total, the month calendar, add and edit with every
bad field named, pause, delete after the question, and each bill's payment history. Today is
Friday 10 April 2026 on these pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import Commitment, Transaction
from homeledger.services import commitments
from homeledger.services.commitments import CommitmentInput
from tests.conftest import csrf_token_from
from tests.factories import add_transactions, category_id, make_user


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


def _bill(session, user, **fields) -> int:
    with tenancy.acting_as(session, user.id):
        bill_id = commitments.create(session, CommitmentInput(**fields)).id
        session.commit()
    return bill_id


@pytest.fixture
def household(session, alex) -> dict[str, int]:
    """Rent on the 1st, Netflix on the 18th, the gym every two weeks from Monday 6 April,
    car insurance every 8 June."""
    bills = {
        "Rent": {"amount": Decimal("1200.00"), "frequency": "monthly"},
        "Netflix": {"amount": Decimal("15.99"), "frequency": "monthly", "due_day": 18},
        "Gym": {"amount": Decimal("34.90"), "frequency": "fortnightly"},
        "Car insurance": {"amount": Decimal("1099.60"), "frequency": "yearly"},
    }
    starts = {
        "Rent": date(2026, 1, 1),
        "Netflix": date(2026, 1, 18),
        "Gym": date(2026, 4, 6),
        "Car insurance": date(2025, 6, 8),
    }
    return {
        name: _bill(session, alex, name=name, start_date=starts[name], **fields)
        for name, fields in bills.items()
    }


def _html(response) -> str:
    return response.get_data(as_text=True)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _upcoming(html: str) -> list[tuple[str, str, str]]:
    """(date, bill, amount) of each row of the upcoming table."""
    table = re.search(r'data-testid="upcoming">(.*?)</tbody>', html, re.S)
    assert table, "no upcoming table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)[1:]
    return [
        tuple(_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)) for r in rows
    ]


def _testid(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</(?:td|p|dd)>', html, re.S)
    assert found, f"no {name}"
    return _text(found.group(1))


def _bills(session, user) -> list[Commitment]:
    session.expire_all()
    with tenancy.acting_as(session, user.id):
        return list(session.scalars(select(Commitment).order_by(Commitment.id)))


def _csrf(client) -> str:
    return csrf_token_from(_html(client.get("/bills/new")))


# --- the list -------------------------------------------------------------------------------


def test_the_next_30_days_list_each_due_date_and_the_total(signed_in, household):
    html = _html(signed_in.get("/bills"))
    assert _upcoming(html) == [
        ("18 Apr 2026", "Netflix", "$15.99"),
        ("20 Apr 2026", "Gym", "$34.90"),
        ("1 May 2026", "Rent", "$1,200.00"),
        ("4 May 2026", "Gym", "$34.90"),
    ]
    # 15.99 + 34.90 + 1,200.00 + 34.90
    assert _testid(html, "upcoming-total") == "$1,285.79"
    assert "Total due from 10 Apr 2026 to 9 May 2026" in _text(html)
    # 1,200.00 + 15.99 + 34.90 x 26 / 12 (75.62) + 1,099.60 / 12 (91.63)
    assert _testid(html, "monthly-total") == "$1,383.24"
    assert "Every month on the 18th" in _text(html)
    assert "Every two weeks" in _text(html)


def test_the_days_ahead_can_be_7_90_or_any_number_to_366(signed_in, household):
    assert "Nothing falls due from 10 Apr 2026 to 16 Apr 2026" in _text(
        _html(signed_in.get("/bills?days=7"))
    )
    ninety = _html(signed_in.get("/bills?days=90"))
    # Rent 3 x 1,200.00, Netflix 3 x 15.99, the gym 6 x 34.90, car insurance 1,099.60
    assert _testid(ninety, "upcoming-total") == "$4,956.97"
    assert ("8 Jun 2026", "Car insurance", "$1,099.60") in _upcoming(ninety)
    for bad in ("0", "367", "soon"):
        response = signed_in.get(f"/bills?days={bad}")
        assert response.status_code == 400
        assert 'id="days-error"' in _html(response)
    assert "Write a whole number of days from 1 to 366." in _html(signed_in.get("/bills?days=soon"))


def test_no_bills_yet_points_to_adding_one(signed_in):
    html = _html(signed_in.get("/bills"))
    assert 'href="/bills/new">Add a bill</a>' in html
    assert "No recurring bills yet" in _text(html)


# --- the month calendar ----------------------------------------------------------------------


def _day(html: str, day: str) -> str:
    found = re.search(rf'data-day="{day}">(.*?)</div>', html, re.S)
    assert found, f"no {day} in the calendar"
    return _text(found.group(1))


def test_the_calendar_puts_a_quarterly_bill_started_31_january_on_30_april(
    session, signed_in, alex
):
    _bill(
        session,
        alex,
        name="Water",
        amount=Decimal("180.00"),
        frequency="quarterly",
        start_date=date(2026, 1, 31),
    )
    html = _html(signed_in.get("/bills/calendar?month=2026-04"))
    assert "Bills in April 2026" in html
    assert _day(html, "2026-04-30").endswith("Thursday 30 Apr 2026 Water $180.00")
    assert "Water" not in _day(html, "2026-04-29")
    assert _testid(html, "month-total") == "1 due, $180.00 in all"
    assert 'href="/bills/calendar?month=2026-03" rel="prev"' in html
    assert 'href="/bills/calendar?month=2026-05" rel="next"' in html
    may = _html(signed_in.get("/bills/calendar?month=2026-05"))
    assert "Water" not in may
    assert "No bill falls due this month" in _text(may)
    assert "Water" in _day(_html(signed_in.get("/bills/calendar?month=2026-07")), "2026-07-31")


def test_the_calendar_is_this_month_unless_asked_and_refuses_a_month_13(signed_in, household):
    html = _html(signed_in.get("/bills/calendar"))
    assert "Bills in April 2026" in html
    # Rent 1,200.00, the gym twice 34.90, Netflix 15.99
    assert _testid(html, "month-total") == "4 due, $1,285.79 in all"
    assert signed_in.get("/bills/calendar?month=2026-13").status_code == 400


def test_the_calendar_offers_no_month_it_would_refuse(signed_in, alex):
    """December 2199 and January 1900 are the last months shown: no link past them, and a
    month past them is refused saying which months there are."""
    last = _html(signed_in.get("/bills/calendar?month=2199-12"))
    assert 'rel="next"' not in last and 'href="/bills/calendar?month=2199-11" rel="prev"' in last
    first = _html(signed_in.get("/bills/calendar?month=1900-01"))
    assert 'rel="prev"' not in first and 'href="/bills/calendar?month=1900-02" rel="next"' in first
    beyond = signed_in.get("/bills/calendar?month=2200-01")
    assert beyond.status_code == 400
    assert "from 1900-01 to 2199-12" in _text(_html(beyond))


# --- add, edit, pause, delete ----------------------------------------------------------------


def test_adding_a_bill_with_bad_fields_names_each_and_writes_nothing(session, signed_in, alex):
    response = signed_in.post(
        "/bills/new",
        data={
            "csrf_token": _csrf(signed_in),
            "name": "Netflix",
            "amount": "-5",
            "frequency": "monthly",
            "due_day": "32",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 400
    html = _html(response)
    for name in ("amount", "due_day", "end_date"):
        assert f'id="{name}-error"' in html, name
    assert "Must be more than 0" in html
    assert "Must be a day of the month from 1 to 31" in html
    assert "Must not be before the start date" in html
    assert 'id="name-error"' not in html
    assert _bills(session, alex) == []


def test_a_bill_amount_not_understood_is_explained_with_a_positive_example(
    session, signed_in, alex
):
    """The example was "-1,234.50": written that way, the bill is then refused as negative."""
    data = {"csrf_token": _csrf(signed_in), "name": "Gym", "amount": "12.3.4"}
    html = _html(signed_in.post("/bills/new", data=data | {"frequency": "monthly"}))
    assert "Write it like 1,234.50." in _text(html)
    assert "-1,234.50" not in html
    assert _bills(session, alex) == []


def test_adding_a_bill_reads_the_amount_as_people_write_it(session, signed_in, alex):
    with tenancy.acting_as(session, alex.id):
        subscriptions = category_id(session, "Subscriptions")
    response = signed_in.post(
        "/bills/new?back=/bills?days=90",
        data={
            "csrf_token": _csrf(signed_in),
            "name": "  Car   insurance ",
            "amount": "$1,099.60",
            "frequency": "yearly",
            "start_date": "2026-06-08",
            "category": str(subscriptions),
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/bills?days=90"
    [bill] = _bills(session, alex)
    assert (bill.name, bill.amount, bill.frequency) == (
        "Car insurance",
        Decimal("1099.60"),
        "yearly",
    )
    assert (bill.start_date, bill.category_id, bill.is_active) == (
        date(2026, 6, 8),
        subscriptions,
        True,
    )


def test_editing_returns_to_where_it_was_opened(session, signed_in, alex, household):
    netflix = household["Netflix"]
    assert 'value="15.99"' in _html(signed_in.get(f"/bills/{netflix}/edit"))
    for back in ("/bills?days=90", "/bills/calendar?month=2026-05", f"/bills/{netflix}"):
        form = _html(signed_in.get(f"/bills/{netflix}/edit", query_string={"back": back}))
        response = signed_in.post(
            f"/bills/{netflix}/edit",
            query_string={"back": back},
            data={
                "csrf_token": csrf_token_from(form),
                "name": "Netflix",
                "amount": "17.99",
                "frequency": "monthly",
                "due_day": "18",
                "start_date": "2026-01-18",
                "is_active": "y",
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] == back
    assert next(b for b in _bills(session, alex) if b.id == netflix).amount == Decimal("17.99")
    # Somewhere else than the bill pages is not a place to return to.
    form = _html(signed_in.get(f"/bills/{netflix}/edit?back=https://example.com/bills"))
    assert 'href="/bills" class="secondary">Cancel' in form


def test_a_paused_bill_leaves_the_upcoming_list_until_resumed(signed_in, household):
    netflix = household["Netflix"]
    token = _csrf(signed_in)
    response = signed_in.post(f"/bills/{netflix}/pause?back=/bills", data={"csrf_token": token})
    assert response.status_code == 302
    html = _html(signed_in.get("/bills"))
    assert "Netflix" not in [bill for _, bill, _ in _upcoming(html)]
    assert _testid(html, "upcoming-total") == "$1,269.80"  # 1,285.79 - 15.99
    assert _testid(html, "monthly-total") == "$1,367.25"  # 1,383.24 - 15.99
    assert "Paused" in _text(html)
    signed_in.post(f"/bills/{netflix}/resume", data={"csrf_token": token})
    assert _testid(_html(signed_in.get("/bills")), "upcoming-total") == "$1,285.79"


def test_delete_asks_first_and_a_post_skipping_the_question_deletes_nothing(
    session, signed_in, alex, household
):
    netflix = household["Netflix"]
    add_transactions(session, alex, [(date(2026, 3, 18), "NETFLIX.COM", "-15.99", None)])
    question = signed_in.get(f"/bills/{netflix}/delete")
    assert question.status_code == 200
    assert "Delete the bill Netflix? Its past payments stay in your transactions." in _text(
        _html(question)
    )
    token = csrf_token_from(_html(question))
    skipped = signed_in.post(f"/bills/{netflix}/delete", data={"csrf_token": token})
    assert skipped.status_code == 400
    assert netflix in [b.id for b in _bills(session, alex)]
    wrong = signed_in.post(
        f"/bills/{netflix}/delete", data={"csrf_token": token, "confirm": str(household["Rent"])}
    )
    assert wrong.status_code == 400
    assert len(_bills(session, alex)) == 4
    done = signed_in.post(
        f"/bills/{netflix}/delete", data={"csrf_token": token, "confirm": str(netflix)}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/bills"
    assert netflix not in [b.id for b in _bills(session, alex)]
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(Transaction.description)).all() == ["NETFLIX.COM"]


def test_another_ledgers_bill_is_not_found(session, client, auth, alex, household):
    sam = make_user(session, "sam")
    auth.login("sam")
    netflix = household["Netflix"]
    token = _csrf(client)
    for path in ("", "/edit", "/delete"):
        assert client.get(f"/bills/{netflix}{path}").status_code == 404
    for path in ("/pause", "/resume", "/delete", "/edit"):
        response = client.post(
            f"/bills/{netflix}{path}", data={"csrf_token": token, "confirm": str(netflix)}
        )
        assert response.status_code == 404
    assert len(_bills(session, alex)) == 4
    assert _bills(session, sam) == []


# --- payment history -------------------------------------------------------------------------


def _history(html: str) -> dict[str, str]:
    """Due date -> the row's words after the due date."""
    table = re.search(r'data-testid="history">(.*?)</tbody>', html, re.S)
    assert table, "no history table"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]
    found = {}
    for row in rows:
        cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        found[cells[0]] = " | ".join(cells[1:])
    return found


def test_history_shows_payments_a_missed_month_a_changed_amount_and_what_is_due(
    session, signed_in, alex, household
):
    add_transactions(
        session,
        alex,
        [
            (date(2026, 1, 18), "NETFLIX.COM", "-15.99", None),
            (date(2026, 3, 19), "NETFLIX.COM 0319", "-20.99", None),
            (date(2026, 2, 18), "Coffee", "-15.99", None),  # the right amount, not Netflix
        ],
    )
    html = _html(signed_in.get(f"/bills/{household['Netflix']}"))
    rows = _history(html)
    assert rows["18 Jan 2026"] == "$15.99 | Paid | 18 Jan 2026 | NETFLIX.COM | $15.99"
    assert rows["18 Feb 2026"] == "$15.99 | Missed | — | — | —"
    assert rows["18 Mar 2026"] == (
        "$15.99 | Amount changed by +$5.00 | 19 Mar 2026 | NETFLIX.COM 0319 | $20.99"
    )
    assert rows["18 Apr 2026"] == "$15.99 | Due | — | — | —"
    assert "18 Dec 2025" not in rows  # before the first due date
    assert "Payments since 10 Apr 2025" in _text(html)


def test_a_paused_bill_has_no_history_to_match(signed_in, household):
    netflix = household["Netflix"]
    signed_in.post(f"/bills/{netflix}/pause", data={"csrf_token": _csrf(signed_in)})
    html = _html(signed_in.get(f"/bills/{netflix}"))
    assert 'data-testid="paused"' in html
    assert 'data-testid="history"' not in html
