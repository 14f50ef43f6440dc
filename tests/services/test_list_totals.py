"""The transaction list's totals follow the analytics rule, and ``flow`` lists exactly the
rows behind one figure: a dashboard's figure and the list it links to agree to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from homeledger import tenancy
from homeledger.services import analytics_reports as reports
from homeledger.services import transactions
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from tests import analytics_ledger
from tests.factories import make_user

MARCH = (2026, 3)


@pytest.fixture
def household(session):
    user = make_user(session, "alex")
    owners = analytics_ledger.fill(session, user)
    tenancy.set_ledger(session, user.id)
    return owners


def _listed(session, criteria) -> set[str]:
    page = transactions.list_page(session, criteria, limit=200)
    return {t.description for t in page.items}


def test_the_whole_month_keeps_transfers_out_of_income_spending_and_net(session, household):
    totals = transactions.totals(session, TransactionFilter(month=MARCH))
    assert totals.count == 6
    assert (totals.income, totals.spending, totals.net) == (
        Decimal("4060.00"),
        Decimal("135.25"),
        Decimal("3924.75"),
    )
    assert (totals.transfers, totals.transfer_count) == (Decimal("-500.00"), 1)


@pytest.mark.parametrize(
    ("flow", "rows", "figure"),
    [
        ("income", {"Salary", "Cash deposit"}, ("income", "4060.00")),
        (
            "spending",
            {"Supermarket", "Supermarket refund", "Hardware  store"},
            ("spending", "135.25"),
        ),
        (
            "net",
            {"Salary", "Cash deposit", "Supermarket", "Supermarket refund", "Hardware  store"},
            ("net", "3924.75"),
        ),
    ],
)
def test_a_flow_lists_the_rows_behind_the_months_figure(session, household, flow, rows, figure):
    criteria = TransactionFilter(month=MARCH, flow=flow)
    totals = transactions.totals(session, criteria)
    month = reports.month_figures(session, TransactionFilter(), MARCH)
    name, expected = figure
    assert _listed(session, criteria) == rows
    assert totals.count == len(rows)
    assert getattr(totals, name) == getattr(month, name) == Decimal(expected)
    assert totals.transfer_count == 0


def test_every_category_of_a_range_drills_down_to_its_figure(session, household):
    periods = reports.months_between(session, (2026, 2), MARCH)
    span = {"date_from": periods[0].start, "date_to": periods[-1].last_day}
    groups = reports.spending_by_category(session, TransactionFilter(), periods)
    assert [(g.category, g.total) for g in groups] == [
        ("Groceries", Decimal("180.00")),
        ("Uncategorised", Decimal("35.25")),
    ]
    for group in groups:
        by_category = (
            {"category_ids": (group.category_id,)} if group.category_id else {"uncategorised": True}
        )
        criteria = TransactionFilter(**span, **by_category, flow="spending")
        assert transactions.totals(session, criteria).spending == group.total
        for period, spent in zip(periods, group.by_month, strict=True):
            one_month = TransactionFilter(
                date_from=period.start, date_to=period.last_day, **by_category, flow="spending"
            )
            assert transactions.totals(session, one_month).spending == spent


def test_an_owners_figures_drill_down_too(session, household):
    periods = reports.months_between(session, MARCH, MARCH)
    for owner in reports.by_owner(session, TransactionFilter(), periods):
        if owner.owner_id is None:
            continue  # the list has no "no owner" filter; its rows are the rest
        criteria = TransactionFilter(month=MARCH, owner_id=owner.owner_id, flow="net")
        totals = transactions.totals(session, criteria)
        assert (totals.income, totals.spending) == (owner.figures.income, owner.figures.spending)


def test_a_flow_it_does_not_know_is_refused_by_name(session, household):
    with pytest.raises(ValidationError) as caught:
        transactions.totals(session, TransactionFilter(flow="transfers"))
    assert "flow" in caught.value.fields
