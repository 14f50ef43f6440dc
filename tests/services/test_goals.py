"""Savings goals over a real ledger: what is saved follows the contributions, and each goal's
progress, monthly saving still needed and pace, worked out by hand. Today is a parameter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from homeledger import tenancy
from homeledger.models import GoalContribution, SavingsGoal
from homeledger.services import goals
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.goals import ContributionInput, GoalInput
from tests.factories import make_user

TODAY = date(2026, 11, 27)


@pytest.fixture
def alex(session):
    user = make_user(session, "alex")
    tenancy.set_ledger(session, user.id)
    return user


def _goal(session, target="8000.00", saved="0", target_date=None, name="Holiday") -> SavingsGoal:
    goal = goals.create(
        session,
        GoalInput(
            name=name,
            target_amount=Decimal(target),
            current_amount=Decimal(saved),
            target_date=target_date,
        ),
    )
    session.commit()
    return goal


def _put(session, goal, day: date, amount: str):
    row = goals.add_contribution(
        session, goal.id, ContributionInput(date=day, amount=Decimal(amount))
    )
    session.commit()
    return row


def _status(goal, recent_total="0"):
    return goals.status(goal, Decimal(recent_total), TODAY)


# --- status, by hand ----------------------------------------------------------------------


def test_a_future_date_spreads_what_is_missing_over_the_months_from_next_month(session, alex):
    goal = _goal(session, "8000.00", "6750.00", date(2027, 3, 15))
    s = _status(goal, "1200.00")
    # December, January, February, March: 4 months; 1,250.00 missing; 400.00 a month lately.
    assert (s.months_left, s.missing, s.required_monthly) == (
        4,
        Decimal("1250.00"),
        Decimal("312.50"),
    )
    assert s.progress == Decimal("84.37")  # 84.375 rounded down
    assert s.recent_average == Decimal("400.00") and s.on_track is True and not s.reached


def test_what_is_needed_a_month_is_rounded_up_to_the_cent(session, alex):
    goal = _goal(session, "3000.00", "2000.00", date(2027, 2, 1))  # Dec, Jan, Feb
    s = _status(goal)
    assert s.months_left == 3 and s.required_monthly == Decimal("333.34")  # 333.333...
    assert s.on_track is False


def test_a_past_target_date_asks_for_everything_missing_at_once(session, alex):
    goal = _goal(session, "5000.00", "3800.00", date(2026, 6, 30))
    s = _status(goal)
    assert s.months_left == 1 and s.required_monthly == s.missing == Decimal("1200.00")


def test_a_goal_past_its_target_is_reached_and_on_track(session, alex):
    goal = _goal(session, "1000.00", "1125.50", date(2027, 6, 1))
    s = _status(goal)
    assert s.reached and s.missing == Decimal("0.00")
    assert s.progress == Decimal("112.55") and s.required_monthly == Decimal("0.00")
    assert str(s.required_monthly) == "0.00" and s.on_track is True


def test_without_a_target_date_nothing_is_asked_a_month(session, alex):
    s = _status(_goal(session, "1000.00", "250.00"), "300.00")
    assert s.months_left is None and s.required_monthly is None and s.on_track is None
    assert s.progress == Decimal("25.00") and s.recent_average == Decimal("100.00")


def test_pace_counts_only_the_last_three_complete_months(session, alex):
    """From 27 November: August, September and October count; November (not complete) and
    July (four months ago) do not. Both goals are due in April: December to April, 5 months."""
    keeping_up = _goal(session, "3050.00", "0", date(2027, 4, 30), name="Keeping up")
    falling = _goal(session, "3050.00", "0", date(2027, 4, 30), name="Falling behind")
    for day, amount in [
        (date(2026, 7, 31), "900.00"),
        (date(2026, 8, 1), "100.00"),
        (date(2026, 9, 15), "250.00"),
        (date(2026, 10, 31), "150.00"),
        (date(2026, 11, 1), "900.00"),
    ]:
        _put(session, keeping_up, day, amount)
        _put(session, falling, day, amount)
    _put(session, falling, date(2026, 10, 2), "-100.00")
    found = {s.goal.name: s for s in goals.statuses(session, goals.list_goals(session), TODAY)}
    up, behind = found["Keeping up"], found["Falling behind"]
    # 2,300.00 saved, 750.00 missing: 150.00 a month; 500.00 put in lately: 166.66 a month.
    assert up.goal.current_amount == Decimal("2300.00")
    assert up.required_monthly == Decimal("150.00") and up.recent_average == Decimal("166.66")
    assert up.on_track is True
    # 2,200.00 saved, 850.00 missing: 170.00 a month; 400.00 put in lately: 133.33 a month.
    assert behind.required_monthly == Decimal("170.00")
    assert behind.recent_average == Decimal("133.33") and behind.on_track is False


# --- contributions ------------------------------------------------------------------------


def test_contributions_raise_and_lower_what_is_saved(session, alex):
    goal = _goal(session, "1000.00", "100.00")
    _put(session, goal, date(2026, 11, 2), "250.00")
    _put(session, goal, date(2026, 11, 3), "-75.50")
    session.expire_all()
    assert goals.get(session, goal.id).current_amount == Decimal("274.50")
    amounts = [c.amount for c in goals.contributions(session, goal)]
    assert amounts == [Decimal("-75.50"), Decimal("250.00")]  # newest first


def test_taking_out_more_than_is_saved_is_refused_by_amount_and_writes_nothing(session, alex):
    goal = _goal(session, "1000.00", "100.00")
    with pytest.raises(ValidationError) as refused:
        goals.add_contribution(
            session, goal.id, ContributionInput(date=TODAY, amount=Decimal("-100.01"))
        )
    assert set(refused.value.fields) == {"amount"}
    session.rollback()
    assert goals.get(session, goal.id).current_amount == Decimal("100.00")
    assert session.scalars(select(GoalContribution)).all() == []


def test_removing_a_contribution_takes_its_amount_back(session, alex):
    goal = _goal(session, "1000.00", "100.00")
    kept = _put(session, goal, date(2026, 10, 1), "40.00")
    gone = _put(session, goal, date(2026, 10, 2), "60.00")
    goals.remove_contribution(session, goal.id, gone.id)
    session.commit()
    session.expire_all()
    assert goals.get(session, goal.id).current_amount == Decimal("140.00")
    assert [c.id for c in goals.contributions(session, goal)] == [kept.id]
    with pytest.raises(NotFound):
        goals.get_contribution(session, goal.id, gone.id)


def test_another_ledgers_goal_is_not_found(session, alex):
    goal_id = _goal(session, "1000.00", "100.00").id
    row_id = _put(session, goals.get(session, goal_id), date(2026, 10, 1), "40.00").id
    sam = make_user(session, "sam")
    tenancy.set_ledger(session, sam.id)
    for attempt in (
        lambda: goals.get(session, goal_id),
        lambda: goals.edit(session, goal_id, GoalInput(name="Mine")),
        lambda: goals.remove(session, goal_id),
        lambda: goals.add_contribution(
            session, goal_id, ContributionInput(date=TODAY, amount=Decimal("1"))
        ),
        lambda: goals.remove_contribution(session, goal_id, row_id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert goals.list_goals(session) == []
