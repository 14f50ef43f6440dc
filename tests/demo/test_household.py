"""The demo household: realistic, deterministic, and visible on the overview this month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from homeledger import tenancy
from homeledger.demo import build_demo_household
from homeledger.models import Budget, Commitment, Debt, Owner, SavingsGoal, Transaction
from homeledger.services import analytics, debts, goals
from homeledger.services.periods import budget_month_containing
from tests.factories import make_user

TODAY = date(2026, 11, 26)


def test_demo_household_has_five_years_of_realistic_data(session):
    user = make_user(session, "demo")
    tenancy.set_ledger(session, user.id)

    summary = build_demo_household(session, seed=2024, today=TODAY)
    session.commit()

    assert 9_500 <= summary.transactions <= 10_500
    assert summary.first_date == date(2021, 11, 1) and summary.last_date <= TODAY
    assert session.scalar(select(func.max(Transaction.date))) <= TODAY
    assert sorted(session.scalars(select(Owner.name))) == ["Alex", "Joint", "Sam"]
    for model in (Budget, Commitment, Debt, SavingsGoal):
        assert session.scalar(select(func.count()).select_from(model)) > 0
    this_month = analytics.period_summary(session, budget_month_containing(TODAY))
    assert this_month.income > 0 and this_month.spending > 0
    # Goals are being saved for: three complete months of contributions count for each.
    for status in goals.statuses(session, goals.list_goals(session), TODAY):
        assert status.recent_average > 0
        assert status.goal.current_amount >= sum(
            c.amount for c in goals.contributions(session, status.goal)
        )
    # Each debt payment left a balance, down to the balance now.
    for debt in debts.list_debts(session):
        history = debts.payments(session, debt)
        assert history and history[0].balance_after == debt.current_balance


def _household(session, user):
    """Build a small demo household for ``user``; its summary and every transaction."""
    with tenancy.acting_as(session, user.id):
        summary = build_demo_household(session, seed=7, years=2, today=TODAY)
        rows = session.execute(
            select(Transaction.date, Transaction.description, Transaction.amount).order_by(
                Transaction.id
            )
        ).all()
    return summary, rows


def test_the_same_seed_gives_the_same_household(session):
    first = _household(session, make_user(session, "first"))
    second = _household(session, make_user(session, "second"))
    assert first == second
