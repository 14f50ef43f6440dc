"""The categories dashboard's figures: per category the months, average, lowest and highest
month and share, worked out by hand on tests/analytics_ledger.py (February to April 2026).

February: Groceries 80.00. March: Groceries 120.50 - 20.50 = 100.00; uncategorised
35.25 out (the 60.00 in is income); the transfer counts nowhere. April: nothing.
Range total 215.25.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from homeledger import tenancy
from homeledger.services import category_trends
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.filters import TransactionFilter
from tests import analytics_ledger
from tests.factories import add_transactions, category_id, make_user

D = Decimal
FEB, APR = (2026, 2), (2026, 4)


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    owners = analytics_ledger.fill(session, user)
    other = make_user(session, "sam")
    add_transactions(session, other, [(date(2026, 3, 4), "Not Alex's", "-999.00", "Groceries")])
    tenancy.set_ledger(session, user.id)
    return owners


def _rows(found):
    return [
        (c.category, c.by_month, c.total, c.average, c.lowest, c.highest, c.share)
        for c in found.categories
    ]


def test_each_category_by_hand(session, alex):
    found = category_trends.trends(session, TransactionFilter(), FEB, APR)

    assert [p.month for p in found.periods] == [2, 3, 4]
    assert _rows(found) == [
        # 180.00 / 3 = 60.00; lowest April (nothing), highest March; 180.00 / 215.25 = 83.62 %
        (
            "Groceries",
            [D("80.00"), D("100.00"), D("0.00")],
            D("180.00"),
            D("60.00"),
            2,
            1,
            D("83.6"),
        ),
        # 35.25 / 3 = 11.75; February and April both 0: the earlier is the lowest; 16.38 %
        (
            "Uncategorised",
            [D("0.00"), D("35.25"), D("0.00")],
            D("35.25"),
            D("11.75"),
            0,
            1,
            D("16.4"),
        ),
    ]
    assert found.total == D("215.25")
    assert found.average == D("71.75")
    assert found.month_totals() == [D("80.00"), D("135.25"), D("0.00")]
    assert sum(c.share for c in found.categories) == D("100.0")


def test_a_refunds_only_category_has_a_negative_share_and_the_shares_still_add_to_100(
    session, alex
):
    add_transactions(
        session,
        _user(session),
        [(date(2026, 3, 20), "Returned a jacket", "30.00", "Shopping")],
    )
    found = category_trends.trends(session, TransactionFilter(), FEB, APR)

    assert found.total == D("185.25")
    shares = {c.category: c.share for c in found.categories}
    # 180 / 185.25 = 97.17 %; 35.25 / 185.25 = 19.03 %; -30 / 185.25 = -16.19 %
    assert shares == {"Groceries": D("97.2"), "Uncategorised": D("19.0"), "Shopping": D("-16.2")}
    assert sum(shares.values()) == D("100.0")
    assert found.categories[-1].category == "Shopping"  # the smallest total last


def _user(session):
    from sqlalchemy import select

    from homeledger.models import User

    return session.scalars(select(User).where(User.username == "alex")).one()


def test_owner_and_account_narrow_every_figure(session, alex):
    sam = category_trends.trends(session, TransactionFilter(owner_id=alex["Sam"]), FEB, APR)
    assert [(c.category, c.total, c.share) for c in sam.categories] == [
        ("Groceries", D("180.00"), D("100.0"))
    ]
    card = category_trends.trends(session, TransactionFilter(account="Card"), FEB, APR)
    assert card.total == D("215.25")
    bank = category_trends.trends(session, TransactionFilter(account="Bank"), FEB, APR)
    assert bank.categories == [] and bank.total == D("0.00")


def test_no_spending_has_no_shares_and_no_error(session, alex):
    found = category_trends.trends(session, TransactionFilter(), (2025, 1), (2025, 12))
    assert found.categories == [] and found.total == D("0.00") and found.average == D("0.00")


def test_a_category_page(session, alex):
    groceries = category_id(session, "Groceries")
    page = category_trends.category_page(session, TransactionFilter(), groceries, FEB, APR)
    assert page.spends and page.kind == "expense"
    assert page.trend.by_month == [D("80.00"), D("100.00"), D("0.00")]
    assert page.trend.share == D("83.6")
    assert page.criteria.category_ids == (groceries,)

    none = category_trends.category_page(session, TransactionFilter(), None, FEB, APR)
    assert none.trend.category == "Uncategorised" and none.trend.total == D("35.25")
    assert none.criteria.uncategorised

    quiet = category_trends.category_page(
        session, TransactionFilter(), category_id(session, "Health"), FEB, APR
    )
    assert quiet.trend.by_month == [D("0.00")] * 3 and quiet.trend.share == D("0.0")

    salary = category_trends.category_page(
        session, TransactionFilter(), category_id(session, "Salary"), FEB, APR
    )
    assert not salary.spends and salary.kind == "income"


def test_another_ledgers_category_is_not_found(session, alex):
    with tenancy.acting_as(session, _other(session).id):
        theirs = category_id(session, "Groceries")
    with pytest.raises(NotFound):
        category_trends.category_page(session, TransactionFilter(), theirs, FEB, APR)


def _other(session):
    from sqlalchemy import select

    from homeledger.models import User

    return session.scalars(select(User).where(User.username == "sam")).one()


@pytest.mark.parametrize(
    ("first", "last", "criteria", "fields"),
    [
        ((2026, 5), (2026, 1), TransactionFilter(), {"from", "to"}),
        ((2026, 13), (2026, 1), TransactionFilter(), {"from"}),
        ((2000, 1), (2026, 1), TransactionFilter(), {"from", "to"}),
        (FEB, APR, TransactionFilter(owner_id=999_999), {"owner_id"}),
    ],
)
def test_bad_input_names_the_field(session, alex, first, last, criteria, fields):
    with pytest.raises(ValidationError) as caught:
        category_trends.trends(session, criteria, first, last)
    assert set(caught.value.fields) == fields
