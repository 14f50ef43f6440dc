"""Recurring bills over a real ledger: checks, upcoming bills, monthly costs, matching payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from homeledger import tenancy
from homeledger.models import Commitment
from homeledger.services import bill_matching, categories, commitments
from homeledger.services.commitments import CommitmentInput
from homeledger.services.errors import NotFound, ValidationError
from tests.factories import add_transactions, category_id, make_user


def _bill(session, name, amount, frequency, start, **extra) -> Commitment:
    return commitments.create(
        session,
        CommitmentInput(
            name=name, amount=Decimal(amount), frequency=frequency, start_date=start, **extra
        ),
    )


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


@pytest.fixture
def bills(session, alex):
    """Five bills and a paused one, seen from 1 April 2026."""
    made = {
        "car": _bill(session, "Car insurance", "1050.00", "yearly", date(2025, 4, 8)),
        "water": _bill(session, "Water", "120.00", "quarterly", date(2026, 1, 31)),
        "gym": _bill(session, "Gym", "25.00", "fortnightly", date(2026, 1, 2)),
        "lunch": _bill(session, "Lunch club", "10.00", "weekly", date(2026, 1, 2)),
        "rent": _bill(
            session, "Rent", "2000.00", "monthly", date(2025, 6, 1), end_date=date(2026, 3, 31)
        ),
        "paused": _bill(session, "Netflix", "15.99", "monthly", date(2026, 1, 18)),
    }
    commitments.deactivate(session, made["paused"].id)
    session.commit()
    return made


def test_upcoming_bills_in_april_by_hand(session, bills):
    """April 2026: the car insurance once (8th), water once (quarterly from 31 January:
    30 April), the gym every other Friday from 2 January (10th, 24th), lunch club every
    Friday (3rd, 10th, 17th, 24th). Rent ended in March; Netflix is paused.
    1050 + 120 + 2 x 25 + 4 x 10 = 1260.00."""
    april = commitments.upcoming(session, date(2026, 4, 1), 30)
    assert april.end == date(2026, 4, 30)
    assert [(o.date.day, o.name) for o in april.occurrences] == [
        (3, "Lunch club"),
        (8, "Car insurance"),
        (10, "Gym"),
        (10, "Lunch club"),
        (17, "Lunch club"),
        (24, "Gym"),
        (24, "Lunch club"),
        (30, "Water"),
    ]
    assert april.total == Decimal("1260.00")
    assert commitments.upcoming(session, date(2026, 4, 30), 1).total == Decimal("120.00")


def test_a_bill_ending_mid_window_stops_there(session, bills):
    march = commitments.upcoming(session, date(2026, 3, 1), 31)
    assert [o.date for o in march.occurrences if o.name == "Rent"] == [date(2026, 3, 1)]


def test_monthly_equivalents_add_up_to_the_total_to_the_cent(session, bills):
    """1050/12 = 87.50, 120/3 = 40.00, 25 x 26/12 = 54.1666 -> 54.17, 10 x 52/12 =
    43.333 -> 43.33; rent (ended) and Netflix (paused) are listed but not counted."""
    listing = commitments.listing(session, date(2026, 4, 1))
    figures = {c.bill.name: (c.monthly_equivalent, c.counts) for c in listing.bills}
    assert figures == {
        "Car insurance": (Decimal("87.50"), True),
        "Gym": (Decimal("54.17"), True),
        "Lunch club": (Decimal("43.33"), True),
        "Netflix": (Decimal("15.99"), False),
        "Rent": (Decimal("2000.00"), False),
        "Water": (Decimal("40.00"), True),
    }
    assert listing.monthly_total == Decimal("225.00")
    assert listing.monthly_total == sum(c.monthly_equivalent for c in listing.bills if c.counts)
    next_due = {c.bill.name: c.next_due for c in listing.bills}
    assert next_due["Water"] == date(2026, 4, 30) and next_due["Rent"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Bell\x07"}, "name"),
        ({"amount": Decimal("-10.00")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"frequency": "daily"}, "frequency"),
        ({"due_day": 32}, "due_day"),
        ({"due_day": 0}, "due_day"),
        ({"end_date": date(2025, 12, 31)}, "end_date"),
        ({"start_date": date(1850, 1, 1)}, "start_date"),
        ({"category_id": 999_999}, "category_id"),
        ({"owner_id": 2**40}, "owner_id"),
    ],
)
def test_bad_bills_are_refused_naming_the_field_and_nothing_is_written(
    session, alex, changes, field
):
    values = {"name": "Internet", "amount": Decimal("79.00"), "frequency": "monthly"}
    values["start_date"] = date(2026, 1, 12)
    with pytest.raises(ValidationError) as excinfo:
        commitments.create(session, CommitmentInput(**{**values, **changes}))
    assert field in excinfo.value.fields
    session.rollback()
    assert commitments.list_commitments(session) == []


def test_another_ledgers_category_and_bill_are_not_yours(session, alex):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        sams_groceries = category_id(session, "Groceries")
        sams_bill = _bill(session, "Sam's rent", "900.00", "monthly", date(2026, 1, 1))
        session.commit()
        sams_bill_id = sams_bill.id
    with pytest.raises(ValidationError) as excinfo:
        _bill(session, "Food", "100.00", "weekly", None, category_id=sams_groceries)
    assert "category_id" in excinfo.value.fields
    for action in (
        lambda: commitments.get(session, sams_bill_id),
        lambda: commitments.edit(session, sams_bill_id, CommitmentInput(name="Mine")),
        lambda: commitments.remove(session, sams_bill_id),
    ):
        with pytest.raises(NotFound):
            action()


def test_edit_checks_the_end_date_against_the_stored_start(session, bills):
    water = bills["water"].id
    with pytest.raises(ValidationError) as excinfo:
        commitments.edit(session, water, CommitmentInput(end_date=date(2026, 1, 30)))
    assert set(excinfo.value.fields) == {"end_date"}
    utilities = category_id(session, "Utilities")
    edited = commitments.edit(
        session, water, CommitmentInput(amount=Decimal("130"), category_id=utilities, due_day=15)
    )
    assert (edited.amount, edited.category_id, edited.due_day) == (Decimal("130.00"), utilities, 15)
    commitments.remove(session, water)
    with pytest.raises(NotFound):
        commitments.get(session, water)


def test_a_merged_category_moves_its_bills(session, alex):
    bill = _bill(
        session, "Power", "90.00", "monthly", None, category_id=category_id(session, "Utilities")
    )
    target = categories.create_category(session, "Home")
    categories.merge_categories(session, category_id(session, "Utilities"), target.id)
    assert commitments.get(session, bill.id).category_id == target.id


# Matching payments. Today is 10 April 2026; history from 1 January.
TODAY, FROM = date(2026, 4, 10), date(2026, 1, 1)


def _history(session, bill=None):
    found = bill_matching.history(session, FROM, TODAY, TODAY, bill.id if bill else None)
    return [(m.occurrence.date, m.status, m.payment and m.payment.amount) for m in found]


def test_matching_finds_late_payments_and_flags_missed_and_changed(session, alex):
    netflix = _bill(session, "Netflix", "15.99", "monthly", date(2026, 1, 18))
    power = _bill(
        session,
        "Electricity",
        "400.00",
        "quarterly",
        date(2026, 1, 15),
        notes="Paid to ORIGIN ENERGY",
    )
    session.commit()
    add_transactions(
        session,
        alex,
        [
            (date(2026, 1, 18), "NETFLIX.COM", "-15.99", None),
            (date(2026, 2, 21), "Netflix.com Los Gatos", "-15.99", None),  # 3 days late
            (date(2026, 3, 24), "NETFLIX.COM", "-15.99", None),  # 6 days late: too late
            (date(2026, 4, 8), "NETFLIX.COM", "-15.99", None),  # 10 days early for April
            (date(2026, 1, 16), "ORIGIN ENERGY 4410", "-436.20", None),  # 9 % more
            (date(2026, 1, 15), "NETFLIX.COM REFUND", "15.99", None),  # money in: never a bill
        ],
    )
    assert _history(session, netflix) == [
        (date(2026, 1, 18), "paid", Decimal("15.99")),
        (date(2026, 2, 18), "paid", Decimal("15.99")),
        (date(2026, 3, 18), "missed", None),
    ]
    (january,) = bill_matching.history(session, FROM, TODAY, TODAY, power.id)
    assert (january.status, january.amount_changed, january.missed) == ("changed", True, False)
    assert january.difference == Decimal("36.20") and january.days_late == 1
    late = bill_matching.history(session, FROM, TODAY, TODAY, netflix.id)[1]
    assert late.days_late == 3 and late.payment.description == "Netflix.com Los Gatos"


def test_a_bill_still_inside_its_window_is_due_not_missed(session, alex):
    _bill(session, "Gym", "25.00", "weekly", date(2026, 4, 3))
    session.commit()
    assert _history(session) == [
        (date(2026, 4, 3), "missed", None),  # window closed on the 6th
        (date(2026, 4, 10), "due", None),
    ]


def test_two_bills_of_the_same_amount_do_not_share_one_payment(session, alex):
    """Both names say "phone" (score 0.5); only Alex's notes name TELSTRA (score 1)."""
    sam_phone = _bill(session, "Sam phone", "45.00", "monthly", date(2026, 3, 5), notes="OPTUS")
    alex_phone = _bill(session, "Alex phone", "45.00", "monthly", date(2026, 3, 5), notes="TELSTRA")
    session.commit()
    add_transactions(session, alex, [(date(2026, 3, 6), "TELSTRA MOBILE PHONE", "-45.00", None)])
    assert _history(session, alex_phone) == [
        (date(2026, 3, 5), "paid", Decimal("45.00")),
        (date(2026, 4, 5), "due", None),  # a payment may still come until the 10th
    ]
    assert _history(session, sam_phone) == [
        (date(2026, 3, 5), "missed", None),
        (date(2026, 4, 5), "due", None),
    ]


def test_equal_bills_with_one_payment_get_it_once(session, alex):
    _bill(session, "Phone", "45.00", "monthly", date(2026, 3, 5))
    _bill(session, "Phone", "45.00", "monthly", date(2026, 3, 5))
    session.commit()
    add_transactions(session, alex, [(date(2026, 3, 5), "PHONE", "-45.00", None)])
    march = [status for day, status, _ in _history(session) if day.month == 3]
    assert sorted(march) == ["missed", "paid"]


def test_amounts_outside_the_tolerance_or_other_names_do_not_match(session, alex):
    """A partly named payee: within 10 % (or 1.00) only. Fully named: up to 50 %."""
    _bill(session, "Aussie Broadband internet", "80.00", "monthly", date(2026, 3, 12))
    _bill(session, "Council rates", "300.00", "monthly", date(2026, 3, 1))
    session.commit()
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 12), "AUSSIE BROADBAND", "-95.00", None),  # 2 of 3 words, +18.75 %
            (date(2026, 4, 1), "CITY COUNCIL RATES", "-445.00", None),  # all words, +48 %
            (date(2026, 3, 1), "RATES AGENCY", "-300.00", None),  # 1 of 2 words, exact
        ],
    )
    assert _history(session) == [
        (date(2026, 3, 1), "paid", Decimal("300.00")),
        (date(2026, 3, 12), "missed", None),
        (date(2026, 4, 1), "changed", Decimal("445.00")),
    ]


def test_the_history_reads_transactions_with_one_query(session, bills, alex):
    add_transactions(session, alex, [(date(2026, 2, 13), "GYM", "-25.00", None)])
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = bill_matching.history(session, FROM, TODAY, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if "FROM transactions" in s]) == 1
    assert len(statements) == 2  # the bills, then the candidate payments
    assert len(found) > 20
    assert session.scalars(select(Commitment)).all()


@pytest.mark.parametrize(
    ("reference", "description", "score"),
    [
        ("Netflix", "NETFLIX.COM LOS GATOS", 1.0),
        ("Aussie Broadband", "AUSSIEBROADBAND 0299", 1.0),
        ("Paid to ORIGIN ENERGY", "ORIGIN ENERGY 4410", 1.0),
        ("woolworth", "WOOLWORTHS 1234", 1.0),
        ("Car insurance", "NRMA CAR INS", 0.5),
        ("Gas", "VEGAS BAR", 0.0),
        ("Paid to", "PAID TO JOHN", 0.0),  # filler words alone name nobody
        (None, "ANYTHING", 0.0),
    ],
)
def test_how_well_a_description_names_a_bill(reference, description, score):
    assert bill_matching.similarity(reference, bill_matching.words(description)) == score


def test_weekly_payments_three_days_late_each_pay_their_own_week():
    """Due Fridays 2, 9, 16, 23 January; paid the Mondays after, then Tuesday the 20th: 4
    days after the 16th, past a weekly bill's 3, but 3 days before the 23rd, which it pays
    early. The 16th is missed."""
    due = [
        commitments.Occurrence(
            1, "Cleaner", date(2026, 1, d), Decimal("60.00"), "weekly", None, None
        )
        for d in (2, 9, 16, 23)
    ]
    paid = [
        bill_matching.Payment(10 + n, day, "CLEANER", Decimal("60.00"))
        for n, day in enumerate((date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 20)))
    ]
    found = bill_matching.match(due, paid, {1: ["Cleaner", None]}, today=date(2026, 1, 31))
    assert [(m.status, m.payment and m.payment.transaction_id) for m in found] == [
        ("paid", 10),
        ("paid", 11),
        ("missed", None),
        ("paid", 12),
    ]


@pytest.fixture
def sydney(monkeypatch):
    """The server's clock is set to Sydney time, as on a home server there."""
    import time

    monkeypatch.setenv("TZ", "Australia/Sydney")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_bill_without_a_start_date_is_anchored_on_the_local_day_it_was_recorded(sydney):
    """Recorded at 9:00 on 1 May in Sydney (23:00 on 30 April UTC): its first due date
    is 1 May, the day the person recorded it, not 30 April."""
    from datetime import UTC, datetime

    bill = Commitment(
        name="Gym",
        amount=Decimal("20.00"),
        frequency="monthly",
        is_active=True,
        created_at=datetime(2026, 4, 30, 23, 0, tzinfo=UTC),
    )
    assert commitments.schedule_of(bill).first == date(2026, 5, 1)
