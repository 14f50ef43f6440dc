"""Test data built through the services, as a real user's data would be."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Category, Transaction, User
from homeledger.services import accounts, onboarding

DEFAULT_PASSWORD = "correct horse battery staple"


def make_user(
    session: Session,
    username: str = "alex",
    *,
    role: str = "user",
    onboarded: bool = True,
    **kwargs,
) -> User:
    """A user with a password; past the first-run wizard unless ``onboarded`` is False."""
    user = accounts.create_user(session, username, DEFAULT_PASSWORD, role=role, **kwargs)
    if onboarded:
        onboarding.skip(user)
    session.commit()
    return user


def category_id(session: Session, name: str) -> int:
    return session.scalars(select(Category.id).where(Category.name == name)).one()


def add_transactions(
    session: Session, user: User, rows: list[tuple[date, str, str, str | None]]
) -> list[int]:
    """Rows of (date, description, amount, category name) in ``user``'s ledger; their ids."""
    with tenancy.acting_as(session, user.id):
        added = [
            Transaction(
                date=day,
                description=description,
                amount=Decimal(amount),
                category_id=category_id(session, category) if category else None,
            )
            for day, description, amount, category in rows
        ]
        session.add_all(added)
        session.commit()
        return [row.id for row in added]
