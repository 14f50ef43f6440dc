"""Test data for the wizard's first three steps (profile, owners, categories): a new user
at a given step, what their ledger holds, and rows that something refers to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Category, Owner, Transaction, User, UserSettings
from homeledger.services import categories
from tests.factories import make_user

SEED_NAMES = {
    "Salary",
    "Other Income",
    "Housing",
    "Utilities",
    "Groceries",
    "Dining Out",
    "Transport",
    "Health",
    "Insurance",
    "Entertainment",
    "Shopping",
    "Subscriptions",
    "Transfers",
}


def new_user(session: Session, username: str = "sam", step: str = "profile", owners=()) -> User:
    """A brand-new user in the wizard at ``step``, their ledger holding ``owners``."""
    user = make_user(session, username, onboarded=False)
    if owners:
        with tenancy.acting_as(session, user.id):
            categories.add_owners(session, owners)
    user.onboarding_step = step
    session.commit()
    return user


def ledger(session: Session, user_id: int) -> dict:
    """What a person would see of their ledger: where the wizard is, the profile settings,
    the owners and the categories as ``{name: (type, active)}``."""
    session.expire_all()
    user = session.get(User, user_id)
    with tenancy.acting_as(session, user_id):
        row = session.scalars(select(UserSettings)).one()
        shown = {
            "step": user.onboarding_step,
            "profile": (user.display_name, row.currency, row.month_start_day),
            "owners": {o.name: o.is_active for o in session.scalars(select(Owner))},
            "categories": {
                c.name: (c.type, c.is_active) for c in session.scalars(select(Category))
            },
        }
        session.rollback()
    return shown


def ids(session: Session, user_id: int, model) -> dict[str, int]:
    """The ids of ``model``'s rows (Owner, Category) in the ledger, by name."""
    with tenancy.acting_as(session, user_id):
        found = {row.name: row.id for row in session.scalars(select(model))}
        session.rollback()
    return found


def spend(session: Session, user_id: int, *, owner: str | None = None, category: str | None = None):
    """A transaction of the ledger marked with ``owner`` and/or ``category`` (by name)."""
    owner_id = ids(session, user_id, Owner)[owner] if owner else None
    category_id = ids(session, user_id, Category)[category] if category else None
    with tenancy.acting_as(session, user_id):
        session.add(
            Transaction(
                date=date(2026, 10, 3),
                description="Corner shop",
                amount=Decimal("-12.50"),
                owner_id=owner_id,
                category_id=category_id,
            )
        )
        session.commit()
