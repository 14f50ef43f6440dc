"""The wizard's resume point: forward, back, skipping what the ledger already has,
finishing, and who never meets the wizard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.models import Budget, Category, Owner, User, UserSettings
from homeledger.services import onboarding
from tests.factories import add_transactions, make_user


@pytest.fixture
def newcomer(session) -> User:
    user = make_user(session, "newcomer", onboarded=False)
    tenancy.set_ledger(session, user.id)
    return user


def test_a_new_account_starts_the_wizard_at_its_first_step(newcomer):
    assert onboarding.required(newcomer)
    assert onboarding.resume_point(newcomer) == "profile"
    assert [onboarding.reachable(newcomer, s) for s in onboarding.STEPS] == [
        True,
        False,
        False,
        False,
        False,
    ]


def test_saving_each_step_in_turn_walks_to_complete(session, newcomer):
    shown = [onboarding.saved(session, newcomer, step) for step in onboarding.STEPS]
    assert shown == ["owners", "categories", "data", "budget", "complete"]
    assert onboarding.resume_point(newcomer) == "complete"
    assert all(onboarding.reachable(newcomer, s) for s in onboarding.STEPS)
    assert onboarding.required(newcomer)  # saving the last step does not finish by itself


def test_going_back_and_saving_again_leads_forward_without_losing_the_place(session, newcomer):
    for step in ("profile", "owners", "categories"):
        onboarding.saved(session, newcomer, step)
    assert onboarding.resume_point(newcomer) == "data"
    assert onboarding.saved(session, newcomer, "profile") == "owners"  # the page after it
    assert onboarding.resume_point(newcomer) == "data"  # the furthest step is kept


def test_steps_not_yet_reached_are_skipped_when_the_ledger_already_has_them(session, newcomer):
    """An old desktop file brought in before the wizard: owners, its own categories,
    transactions and budgets. Only the profile is asked, then the finish."""
    session.add_all([Owner(name="Sam"), Category(name="Boat", type="expense")])
    session.flush()
    add_transactions(session, newcomer, [(date(2026, 9, 3), "Fuel", "-40.00", "Boat")])
    boat = session.scalar(select(Category.id).where(Category.name == "Boat"))
    session.add(Budget(year=2026, month=9, category_id=boat, amount=Decimal("100.00")))
    session.flush()
    assert onboarding.saved(session, newcomer, "profile") == "complete"


def test_only_what_is_there_is_skipped(session, newcomer):
    """Transactions but no owners, and only the universal categories: owners and
    categories are asked, data is skipped, the budget is asked."""
    add_transactions(session, newcomer, [(date(2026, 9, 3), "Rent", "-900.00", None)])
    assert onboarding.saved(session, newcomer, "profile") == "owners"
    assert onboarding.saved(session, newcomer, "owners") == "categories"
    assert onboarding.saved(session, newcomer, "categories") == "budget"


def test_finishing_needs_every_step_saved(session, newcomer):
    with pytest.raises(onboarding.NotYet) as refused:
        onboarding.complete(session, newcomer)
    assert refused.value.step == "profile"
    newcomer.onboarding_step = "complete"
    onboarding.complete(session, newcomer)
    assert not onboarding.required(newcomer)
    assert not onboarding.reachable(newcomer, "profile")


def test_the_landing_month_is_the_budgeting_month_of_the_latest_transaction(session, newcomer):
    assert onboarding.landing_month(session) is None
    add_transactions(
        session,
        newcomer,
        [(date(2026, 8, 20), "Shop", "-5.00", None), (date(2026, 10, 10), "Shop", "-5.00", None)],
    )
    assert (onboarding.landing_month(session).year, onboarding.landing_month(session).month) == (
        2026,
        10,
    )
    session.scalars(select(UserSettings)).one().month_start_day = 15
    session.flush()
    # With months starting on the 15th, 10 October falls in the month named September.
    assert onboarding.landing_month(session).month == 9


def test_an_upgrade_moves_people_who_used_the_app_before_past_the_wizard(empty_db_url):
    """Before 0007 nothing read the step: everyone was left at "profile". Those who have
    signed in keep using the app; an invite never used still meets the wizard."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        migrate.upgrade(connection, "0006")
    tenancy.install()
    with Session(engine) as session:
        used = make_user(session, "used", onboarded=False)
        make_user(session, "unused", onboarded=False)
        session.execute(
            text("UPDATE users SET last_login_at = CURRENT_TIMESTAMP WHERE id = :id"),
            {"id": used.id},
        )
        session.commit()
    with engine.begin() as connection:
        migrate.upgrade(connection)
    with Session(engine) as session:
        steps = dict(session.execute(select(User.username, User.onboarding_step)).all())
    engine.dispose()
    assert steps == {"used": "done", "unused": "profile"}
