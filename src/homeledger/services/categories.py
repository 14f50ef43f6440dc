"""Categories and owners of a ledger, and the universal seeds new ledgers start from."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import Category, CategorySeed, Owner


def seed_categories(session: Session) -> list[Category]:
    """Give the acting ledger a copy of every universal seed category it lacks."""
    have = set(session.scalars(select(Category.name)))
    seeds = session.scalars(select(CategorySeed).order_by(CategorySeed.sort_order))
    added = [
        Category(name=s.name, type=s.type, color=s.color, icon=s.icon)
        for s in seeds
        if s.name not in have
    ]
    session.add_all(added)
    session.flush()
    return added


def list_categories(session: Session, *, include_inactive: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.type, Category.name)
    if not include_inactive:
        query = query.where(Category.is_active.is_(True))
    return list(session.scalars(query))


def add_owners(session: Session, names: Iterable[str]) -> list[Owner]:
    """Add household owners (members or joint accounts) by name, skipping existing ones."""
    have = {name.lower() for name in session.scalars(select(Owner.name))}
    added = []
    for order, raw in enumerate(names):
        name = " ".join(raw.split())
        if name and name.lower() not in have:
            added.append(Owner(name=name, sort_order=order))
            have.add(name.lower())
    session.add_all(added)
    session.flush()
    return added


def list_owners(session: Session) -> list[Owner]:
    return list(session.scalars(select(Owner).order_by(Owner.sort_order, Owner.name)))
