"""Finding, recording, editing and bulk-editing transactions."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from homeledger import tenancy
from homeledger.models import Transaction, UserSettings
from homeledger.services import categories, transactions
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.transactions import TransactionFilter, TransactionInput
from tests.factories import add_transactions, category_id, make_user


@pytest.fixture
def ledger(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "Salary ACME", "4000.00", "Salary"),
            (date(2026, 3, 2), "WOOLWORTHS 1234", "-82.10", "Groceries"),
            (date(2026, 3, 2), "Coffee 50% off_deal", "-4.50", None),
            (date(2026, 3, 15), "Netflix.com", "-15.99", "Subscriptions"),
            (date(2026, 4, 1), "Salary ACME", "4000.00", "Salary"),
            (date(2026, 4, 3), "woolworths metro", "-23.00", "Groceries"),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    return alex


def _descriptions(page) -> list[str]:
    return [t.description for t in page.items]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (TransactionFilter(search="woolworths"), {"WOOLWORTHS 1234", "woolworths metro"}),
        (TransactionFilter(search="50%"), {"Coffee 50% off_deal"}),
        (TransactionFilter(search="_"), {"Coffee 50% off_deal"}),
        (
            TransactionFilter(date_from=date(2026, 3, 2), date_to=date(2026, 3, 15)),
            {"WOOLWORTHS 1234", "Coffee 50% off_deal", "Netflix.com"},
        ),
        (TransactionFilter(uncategorised=True), {"Coffee 50% off_deal"}),
        (
            TransactionFilter(amount_min=Decimal("-25"), amount_max=Decimal("-5")),
            {"Netflix.com", "woolworths metro"},
        ),
    ],
)
def test_filters_find_exactly_the_matching_rows(session, ledger, criteria, expected):
    assert set(_descriptions(transactions.list_page(session, criteria))) == expected


def test_a_month_is_the_ledgers_budgeting_month(session, ledger):
    """With months starting on the 15th, "March" runs from 15 March to 14 April."""
    march = TransactionFilter(month=(2026, 3))
    assert set(_descriptions(transactions.list_page(session, march))) == {
        "Salary ACME",
        "WOOLWORTHS 1234",
        "Coffee 50% off_deal",
        "Netflix.com",
    }
    session.scalars(select(UserSettings)).one().month_start_day = 15
    session.flush()
    assert sorted(_descriptions(transactions.list_page(session, march))) == [
        "Netflix.com",
        "Salary ACME",
        "woolworths metro",
    ]


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        (TransactionFilter(month=(2026, 3), date_from=date(2026, 3, 1)), "month"),
        (TransactionFilter(month=(9999, 12)), "month"),
        (TransactionFilter(month=(2026, 13)), "month"),
        (TransactionFilter(amount_min=Decimal("10000000000")), "amount_min"),
        (TransactionFilter(amount_max=Decimal("0.001")), "amount_max"),
    ],
)
def test_an_impossible_filter_names_its_field(session, ledger, criteria, field):
    with pytest.raises(ValidationError) as excinfo:
        transactions.list_page(session, criteria)
    assert field in excinfo.value.fields
    with pytest.raises(ValidationError):
        transactions.bulk_set(session, criteria=criteria, category_id=None)


def test_bulk_edit_by_month_uses_the_ledgers_month_too(session, ledger):
    session.scalars(select(UserSettings)).one().month_start_day = 15
    session.flush()
    changed = transactions.bulk_set(
        session, criteria=TransactionFilter(month=(2026, 3)), category_id=None
    )
    session.commit()
    uncategorised = transactions.list_page(session, TransactionFilter(uncategorised=True))
    assert changed == 3
    assert sorted(_descriptions(uncategorised)) == [
        "Coffee 50% off_deal",
        "Netflix.com",
        "Salary ACME",
        "woolworths metro",
    ]


def test_category_filter(session, ledger):
    groceries = category_id(session, "Groceries")
    page = transactions.list_page(session, TransactionFilter(category_ids=(groceries,)))
    assert set(_descriptions(page)) == {"WOOLWORTHS 1234", "woolworths metro"}


def test_keyset_pages_cover_everything_once_in_order(session, ledger):
    seen, cursor = [], None
    while True:
        page = transactions.list_page(session, TransactionFilter(), limit=4, cursor=cursor)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    keys = [(t.date, t.id) for t in seen]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == 6


@pytest.mark.parametrize("sort", ["date_desc", "date_asc", "amount_desc", "amount_asc"])
def test_previous_pages_retrace_the_next_pages(session, ledger, sort):
    forward, page = [], transactions.list_page(session, TransactionFilter(), sort=sort, limit=2)
    assert page.previous_cursor is None  # the first page has nothing before it
    forward.append([t.id for t in page.items])
    while page.next_cursor:
        page = transactions.list_page(
            session, TransactionFilter(), sort=sort, limit=2, cursor=page.next_cursor
        )
        forward.append([t.id for t in page.items])
    backward = [[t.id for t in page.items]]
    while page.previous_cursor:
        page = transactions.list_page(
            session, TransactionFilter(), sort=sort, limit=2, cursor=page.previous_cursor
        )
        backward.append([t.id for t in page.items])
    assert backward == forward[::-1] and len(forward) == 3
    assert page.next_cursor  # back on the first page, Next is offered again


def test_a_page_reached_backwards_still_offers_next(session, ledger):
    first = transactions.list_page(session, TransactionFilter(), limit=4)
    second = transactions.list_page(session, TransactionFilter(), limit=4, cursor=first.next_cursor)
    assert second.next_cursor is None and second.previous_cursor
    back = transactions.list_page(
        session, TransactionFilter(), limit=4, cursor=second.previous_cursor
    )
    assert [t.id for t in back.items] == [t.id for t in first.items]
    assert back.previous_cursor is None and back.next_cursor


def test_totals_cover_every_matching_row_not_only_the_page(session, ledger):
    march = TransactionFilter(month=(2026, 3))
    rows = [t for page in [transactions.list_page(session, march, limit=200)] for t in page.items]
    totals = transactions.totals(session, march)
    assert totals.count == len(rows) == 4
    assert totals.income == sum(t.amount for t in rows if t.amount > 0) == Decimal("4000.00")
    assert totals.spending == -sum(t.amount for t in rows if t.amount < 0) == Decimal("102.59")
    assert totals.net == Decimal("3897.41")
    assert (totals.transfers, totals.transfer_count) == (0, 0)


def test_totals_of_a_filter_matching_nothing_are_zero(session, ledger):
    totals = transactions.totals(session, TransactionFilter(search="no such payee"))
    assert (totals.count, totals.income, totals.spending, totals.net) == (0, 0, 0, 0)


def test_amount_sort_pages_too(session, ledger):
    first = transactions.list_page(session, TransactionFilter(), sort="amount_asc", limit=2)
    second = transactions.list_page(
        session, TransactionFilter(), sort="amount_asc", limit=2, cursor=first.next_cursor
    )
    amounts = [t.amount for t in first.items + second.items]
    assert amounts == [Decimal("-82.10"), Decimal("-23.00"), Decimal("-15.99"), Decimal("-4.50")]


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJ4IjoxfQ", "WyJkYXRlX2Rlc2MiLCJub3QtYS1kYXRlIiwxXQ"]
)
def test_a_forged_cursor_is_a_validation_error(session, ledger, cursor):
    with pytest.raises(ValidationError) as excinfo:
        transactions.list_page(session, TransactionFilter(), cursor=cursor)
    assert "cursor" in excinfo.value.fields


def _cursor(parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "parts",
    [
        [
            "date_desc",
            "2026-03-05",
            True,
        ],  # PostgreSQL: "operator does not exist: integer < boolean"
        ["amount_desc", True, 3],
        ["amount_desc", 5, 3],
    ],
)
def test_a_cursor_with_a_true_id_or_a_number_key_is_refused(session, ledger, parts):
    with pytest.raises(ValidationError) as excinfo:
        transactions.list_page(session, TransactionFilter(), sort=parts[0], cursor=_cursor(parts))
    assert "cursor" in excinfo.value.fields


def test_paging_over_100k_rows_fetches_one_page(session, ledger):
    rows = [
        {
            "date": date(2020, 1, 1) + timedelta(days=n % 2000),
            "description": f"row {n}",
            "amount": Decimal(-n % 9000) / 100,
        }
        for n in range(100_000)
    ]
    session.execute(insert(Transaction), rows)
    session.commit()
    page = transactions.list_page(session, TransactionFilter(search="row 9999"), limit=50)
    deep = transactions.list_page(session, TransactionFilter(), limit=50)
    for _ in range(3):
        deep = transactions.list_page(
            session, TransactionFilter(), limit=50, cursor=deep.next_cursor
        )
    assert len(deep.items) == 50 and deep.next_cursor
    assert {t.description for t in page.items} >= {"row 9999", "row 99990"}


def test_create_edit_delete(session, ledger):
    groceries = category_id(session, "Groceries")
    row = transactions.create(
        session,
        TransactionInput(
            date=date(2026, 5, 1),
            description="  Farmers   market ",
            amount=Decimal("-31.20"),
            category_id=groceries,
        ),
    )
    assert row.description == "Farmers market" and row.user_id == ledger.id
    transactions.edit(session, row.id, TransactionInput(amount=Decimal("-35.00"), notes="eggs"))
    assert (row.amount, row.notes, row.category_id) == (Decimal("-35.00"), "eggs", groceries)
    transactions.remove(session, row.id)
    with pytest.raises(NotFound):
        transactions.get(session, row.id)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (TransactionInput(date=date(2026, 1, 1)), "amount"),
        (TransactionInput(amount=Decimal("1")), "date"),
        (TransactionInput(date=date(2026, 1, 1), amount=Decimal("1.005")), "amount"),
        (TransactionInput(date=date(2026, 1, 1), amount=Decimal("NaN")), "amount"),
        (TransactionInput(date=date(1066, 1, 1), amount=Decimal("1")), "date"),
        (
            TransactionInput(date=date(2026, 1, 1), amount=Decimal("1"), category_id=999999),
            "category_id",
        ),
        (
            TransactionInput(date=date(2026, 1, 1), amount=Decimal("1"), description="x" * 501),
            "description",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(session, ledger, data, field):
    before = len(session.scalars(select(Transaction.id)).all())
    with pytest.raises(ValidationError) as excinfo:
        transactions.create(session, data)
    assert field in excinfo.value.fields
    session.rollback()
    assert len(session.scalars(select(Transaction.id)).all()) == before


def test_another_ledgers_category_cannot_be_assigned(session, ledger):
    sam = make_user(session, "sam")
    with tenancy.acting_as(session, sam.id):
        sams_groceries = category_id(session, "Groceries")
    with pytest.raises(ValidationError):
        transactions.create(
            session,
            TransactionInput(
                date=date(2026, 1, 1), amount=Decimal("1"), category_id=sams_groceries
            ),
        )


def test_bulk_recategorise_a_selection_and_a_filter(session, ledger):
    dining = category_id(session, "Dining Out")
    joint = categories.create_owner(session, "Joint")
    coffee = session.scalars(
        select(Transaction.id).where(Transaction.description.like("Coffee%"))
    ).one()

    assert transactions.bulk_set(session, ids=[coffee], category_id=dining) == 1
    changed = transactions.bulk_set(
        session, criteria=TransactionFilter(search="woolworths"), owner_id=joint.id
    )
    session.commit()

    assert changed == 2
    assert session.get(Transaction, coffee).category_id == dining
    owners = session.scalars(
        select(Transaction.owner_id).where(Transaction.description.ilike("%woolworths%"))
    ).all()
    assert owners == [joint.id, joint.id]


def test_bulk_edit_cannot_reach_another_ledger(session, ledger):
    sam = make_user(session, "sam")
    sams_ids = add_transactions(session, sam, [(date(2026, 3, 1), "Sam's", "-1.00", None)])
    tenancy.set_ledger(session, ledger.id)
    groceries = category_id(session, "Groceries")
    assert transactions.bulk_set(session, ids=sams_ids, category_id=groceries) == 0
