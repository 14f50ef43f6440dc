"""Income, spending and net from SQL aggregates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from homeledger import tenancy
from homeledger.services import analytics
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import budget_month, budget_month_containing
from tests import analytics_ledger
from tests.factories import add_transactions, make_user


def test_period_summary_nets_refunds_and_reversals_and_leaves_out_transfers(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 1), "Salary", "4000.00", "Salary"),
            (date(2026, 3, 2), "Rent", "-1500.00", "Housing"),
            (date(2026, 3, 3), "Coffee", "-4.10", None),
            (date(2026, 3, 4), "To savings", "-500.00", "Transfers"),
            (date(2026, 3, 5), "Groceries refund", "15.00", "Groceries"),
            (date(2026, 3, 6), "Salary reversed", "-20.00", "Salary"),
            (date(2026, 3, 31), "Refund", "20.20", "Other Income"),
            (date(2026, 4, 1), "Next month", "-99.00", "Groceries"),
        ],
    )
    tenancy.set_ledger(session, alex.id)

    summary = analytics.period_summary(session, budget_month(2026, 3))

    # A refund lowers spending and a reversal lowers income (they used to count as income
    # and as spending): income 4000.00 - 20.00 + 20.20, spending 1500.00 + 4.10 - 15.00.
    assert summary.income == Decimal("4000.20")
    assert summary.spending == Decimal("1489.10")
    assert summary.net == Decimal("2511.10")
    assert summary.savings_rate == Decimal("62.8")
    assert summary.transaction_count == 6


def test_a_month_starting_on_the_15th_takes_the_right_days(session):
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

    period = budget_month_containing(date(2026, 4, 1), start_day=15)

    assert (period.start, period.end) == (date(2026, 3, 15), date(2026, 4, 15))
    assert analytics.period_summary(session, period).spending == Decimal("50.00")


def test_an_empty_month_is_zero_with_no_savings_rate(session):
    alex = make_user(session, "alex")
    tenancy.set_ledger(session, alex.id)
    summary = analytics.period_summary(session, budget_month(2026, 1))
    assert (summary.income, summary.spending, summary.net) == (0, 0, 0)
    assert summary.savings_rate is None


def test_trend_and_top_categories(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 1, 5), "Jan food", "-100.00", "Groceries"),
            (date(2026, 3, 5), "Mar food", "-50.00", "Groceries"),
            (date(2026, 3, 6), "Mar rent", "-900.00", "Housing"),
            (date(2026, 3, 7), "Mar ???", "-5.00", None),
            (date(2026, 3, 8), "Mar food refund", "10.00", "Groceries"),
            (date(2026, 3, 9), "Pay reversed", "-70.00", "Salary"),
        ],
    )
    tenancy.set_ledger(session, alex.id)
    march = budget_month(2026, 3)

    months = analytics.trend(session, march, 3, 1)
    top = analytics.spending_by_category(session, march)

    assert [m.period.month for m in months] == [1, 2, 3]
    # The refund nets against groceries; the reversed pay is less income, not spending.
    assert [m.spending for m in months] == [Decimal("100.00"), 0, Decimal("945.00")]
    assert top == [
        ("Housing", Decimal("900.00")),
        ("Groceries", Decimal("40.00")),
        ("Uncategorised", Decimal("5.00")),
    ]
    # Every category fits: nothing else to show. With room for two lines, a single
    # category left over is named (an "Everything else" of one would hide it); with room
    # for one, the other two are the rest. Either way the lines add up to the spending.
    everyone = TransactionFilter()
    lines = analytics.where_it_went(session, everyone, march, months[-1].spending)
    assert [(s.category, s.amount) for s in lines] == top
    assert lines[-1].category_id is None and not lines[-1].rest  # uncategorised
    named = analytics.where_it_went(session, everyone, march, months[-1].spending, limit=2)
    assert [(s.category, s.rest) for s in named] == [(c, False) for c, _ in top]
    shortened = analytics.where_it_went(session, everyone, march, months[-1].spending, limit=1)
    assert [(s.category, s.amount, s.rest) for s in shortened] == [
        ("Housing", Decimal("900.00"), False),
        ("Everything else", Decimal("45.00"), True),
    ]
    assert sum(s.amount for s in shortened) == months[-1].spending


def test_a_refunds_only_category_is_a_negative_line_of_its_own_so_the_lines_add_up(session):
    alex = make_user(session, "alex")
    add_transactions(
        session,
        alex,
        [
            (date(2026, 3, 6), "Mar rent", "-900.00", "Housing"),
            (date(2026, 3, 7), "Returned jacket", "30.00", "Shopping"),  # nothing bought
        ],
    )
    tenancy.set_ledger(session, alex.id)
    march = budget_month(2026, 3)
    spending = analytics.period_summary(session, march).spending
    lines = analytics.where_it_went(session, TransactionFilter(), march, spending)
    assert spending == Decimal("870.00")
    assert [(s.category, s.amount) for s in lines] == [
        ("Housing", Decimal("900.00")),
        ("Shopping", Decimal("-30.00")),  # named and linkable, not hidden in a rest
    ]
    assert sum(s.amount for s in lines) == spending


def test_figures_between_days_and_where_it_went_follow_the_filter(session):
    """tests/analytics_ledger.py: March's first five days hold the salary (Alex's) and Sam's
    groceries less their refund; Sam's March is groceries alone."""
    alex = make_user(session, "alex")
    owners = analytics_ledger.fill(session, alex)
    tenancy.set_ledger(session, alex.id)
    everyone, sam = TransactionFilter(), TransactionFilter(owner_id=owners["Sam"])

    first_days = analytics.figures_between(session, everyone, date(2026, 3, 1), date(2026, 3, 5))
    assert (first_days.income, first_days.spending) == (Decimal("4000.00"), Decimal("100.00"))
    assert first_days.transaction_count == 3
    sams = analytics.period_summary(session, budget_month(2026, 3), sam)
    assert (sams.income, sams.spending, sams.transaction_count) == (0, Decimal("100.00"), 2)
    lines = analytics.where_it_went(session, sam, budget_month(2026, 3), sams.spending)
    assert [(s.category, s.amount) for s in lines] == [("Groceries", Decimal("100.00"))]
    recent = analytics.recent_transactions(session, 10, TransactionFilter(owner_id=owners["Sam"]))
    assert [r.description for r in recent] == ["Supermarket refund", "Supermarket", "supermarket"]
