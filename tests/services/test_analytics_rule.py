"""The analytics reports: one rule for income and spending, months of the ledger, filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import UserSettings
from homeledger.services import analytics_reports as reports
from homeledger.services import transactions
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from tests import analytics_ledger
from tests.factories import add_transactions, category_id, make_user

D = Decimal
EVERYTHING = TransactionFilter()


@pytest.fixture
def household(session):
    alex = make_user(session, "alex")
    owners = analytics_ledger.fill(session, alex)
    tenancy.set_ledger(session, alex.id)
    return owners


def _figures(f) -> tuple:
    return f.income, f.spending, f.net, f.savings_rate


def test_a_months_figures_follow_the_rule(session, household):
    march = reports.month_figures(session, EVERYTHING, (2026, 3))
    february = reports.month_figures(session, EVERYTHING, (2026, 2))

    assert _figures(march) == (D("4060.00"), D("135.25"), D("3924.75"), D("96.7"))
    assert _figures(february) == (0, D("80.00"), D("-80.00"), None)


def test_the_income_statement_has_every_month_and_its_totals_add_up(session, household):
    periods = reports.months_between(session, (2026, 1), (2026, 4))
    months = reports.figures_by_month(session, EVERYTHING, periods)
    totals = reports.total(months)

    assert [reports.label(p) for p in periods] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert [(m.income, m.spending) for m in months] == [
        (0, 0),
        (0, D("80.00")),
        (D("4060.00"), D("135.25")),
        (0, 0),
    ]
    assert (totals.income, totals.spending, totals.net) == (D("4060.00"), D("215.25"), D("3844.75"))
    assert totals.net == sum((m.net for m in months), D("0"))


def test_spending_by_category_nets_refunds_and_adds_up(session, household):
    periods = reports.months_between(session, (2026, 2), (2026, 3))
    groups = reports.spending_by_category(session, EVERYTHING, periods)
    statement = reports.total(reports.figures_by_month(session, EVERYTHING, periods))

    assert [(g.category, g.total, g.by_month) for g in groups] == [
        ("Groceries", D("180.00"), [D("80.00"), D("100.00")]),
        ("Uncategorised", D("35.25"), [0, D("35.25")]),
    ]
    assert groups[1].category_id is None
    assert sum(g.total for g in groups) == statement.spending


def test_a_categorys_spending_is_minus_the_net_the_transaction_list_shows(session, household):
    groceries = category_id(session, "Groceries")
    for month in ((2026, 2), (2026, 3)):
        criteria = TransactionFilter(category_ids=(groceries,))
        figures = reports.month_figures(session, criteria, month)
        listed = transactions.totals(
            session, TransactionFilter(category_ids=(groceries,), month=month)
        )
        assert figures.spending == -listed.net


def test_by_owner(session, household):
    periods = reports.months_between(session, (2026, 3), (2026, 3))
    owners = reports.by_owner(session, EVERYTHING, periods)
    assert [(o.owner, o.figures.income, o.figures.spending, o.figures.net) for o in owners] == [
        ("Alex", D("4000.00"), D("35.25"), D("3964.75")),
        ("Sam", 0, D("100.00"), D("-100.00")),
        ("No owner", D("60.00"), 0, D("60.00")),
    ]
    assert owners[0].owner_id == household["Alex"] and owners[2].owner_id is None


def test_top_payees_collapse_spellings_and_skip_money_in(session, household):
    periods = reports.months_between(session, (2026, 2), (2026, 3))
    payees = reports.top_payees(session, EVERYTHING, periods)
    assert [(p.payee, p.spending, p.count) for p in payees] == [
        ("Supermarket", D("200.50"), 2),
        ("Hardware store", D("35.25"), 1),
    ]
    assert len(reports.top_payees(session, EVERYTHING, periods, limit=1)) == 1
    with pytest.raises(ValidationError, match="limit"):
        reports.top_payees(session, EVERYTHING, periods, limit=0)


def test_compare_with_the_previous_month(session, household):
    result = reports.compare(session, EVERYTHING, (2026, 3), "previous")

    assert (reports.label(result.month), reports.label(result.other_month)) == (
        "2026-03",
        "2026-02",
    )
    assert (result.current.spending, result.other.spending) == (D("135.25"), D("80.00"))
    assert [(c.category, c.current, c.other, c.change) for c in result.categories] == [
        ("Uncategorised", D("35.25"), 0, D("35.25")),
        ("Groceries", D("100.00"), D("80.00"), D("20.00")),
    ]
    last_year = reports.compare(session, EVERYTHING, (2026, 3), "last_year")
    assert reports.label(last_year.other_month) == "2025-03"
    assert last_year.other.spending == 0 and last_year.categories[1].other == 0


def test_filters_by_owner_category_and_account(session, household):
    groceries = category_id(session, "Groceries")
    march = (2026, 3)
    by_sam = reports.month_figures(session, TransactionFilter(owner_id=household["Sam"]), march)
    by_groceries = reports.month_figures(
        session, TransactionFilter(category_ids=(groceries,)), march
    )
    by_bank = reports.month_figures(session, TransactionFilter(account="Bank"), march)

    assert (by_sam.income, by_sam.spending) == (0, D("100.00"))
    assert (by_groceries.income, by_groceries.spending) == (0, D("100.00"))
    assert (by_bank.income, by_bank.spending) == (D("4060.00"), 0)  # the transfer is not spending


def test_a_month_starting_on_the_15th(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 14), "Before", "-10.00", "Groceries"),
            (date(2026, 3, 15), "First day", "-20.00", "Groceries"),
            (date(2026, 4, 14), "Last day", "-30.00", "Groceries"),
            (date(2026, 4, 15), "After", "-40.00", "Groceries"),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    session.scalars(select(UserSettings)).one().month_start_day = 15
    session.flush()

    periods = reports.months_between(session, (2026, 2), (2026, 4))
    months = reports.figures_by_month(session, EVERYTHING, periods)

    assert periods[1].start == date(2026, 3, 15) and periods[1].last_day == date(2026, 4, 14)
    assert [m.spending for m in months] == [D("10.00"), D("50.00"), D("40.00")]


def test_an_empty_ledger_is_zeros_without_a_savings_rate(session):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    periods = reports.months_between(session, (2025, 1), (2026, 12))

    months = reports.figures_by_month(session, EVERYTHING, periods)

    assert len(months) == 24 and all(_figures(m) == (0, 0, 0, None) for m in months)
    assert reports.spending_by_category(session, EVERYTHING, periods) == []
    assert reports.by_owner(session, EVERYTHING, periods) == []
    assert reports.top_payees(session, EVERYTHING, periods) == []
    assert reports.compare(session, EVERYTHING, (2026, 1)).categories == []


def test_only_income_and_a_refunds_only_category(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 5, 1), "Pay", "1000.00", "Salary"),
            (date(2026, 5, 2), "Returned shoes", "25.00", "Shopping"),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    periods = reports.months_between(session, (2026, 5), (2026, 5))

    figures = reports.month_figures(session, EVERYTHING, (2026, 5))
    groups = reports.spending_by_category(session, EVERYTHING, periods)

    assert _figures(figures) == (D("1000.00"), D("-25.00"), D("1025.00"), D("102.5"))
    assert [(g.category, g.total) for g in groups] == [("Shopping", D("-25.00"))]
    assert reports.top_payees(session, EVERYTHING, periods) == []


def test_another_ledgers_rows_never_count(session, household):
    alex_id = tenancy.current_ledger(session)
    sam = make_user(session, "sam")
    add_transactions(session, sam, [(date(2026, 3, 2), "Sam's pay", "9999.00", "Salary")])
    periods = reports.months_between(session, (2026, 3), (2026, 3))

    tenancy.set_ledger(session, sam.id)
    sams = reports.month_figures(session, EVERYTHING, (2026, 3))
    sams_payees = reports.top_payees(session, EVERYTHING, periods)
    tenancy.set_ledger(session, alex_id)
    alexs = reports.month_figures(session, EVERYTHING, (2026, 3))

    assert (sams.income, sams.spending, sams_payees) == (D("9999.00"), 0, [])
    assert (alexs.income, alexs.spending) == (D("4060.00"), D("135.25"))


@pytest.mark.parametrize(
    ("first", "last", "fields"),
    [((2026, 5), (2026, 4), {"from", "to"}), ((2016, 1), (2026, 1), {"from", "to"})],
)
def test_a_range_is_in_order_and_at_most_120_months(session, first, last, fields):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    assert len(reports.months_between(session, (2016, 2), (2026, 1))) == 120
    with pytest.raises(ValidationError) as refused:
        reports.months_between(session, first, last)
    assert set(refused.value.fields) == fields
