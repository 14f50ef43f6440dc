"""Categories and owners of a ledger, and the universal seeds new ledgers start from."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from homeledger.models import (
    Budget,
    Category,
    CategorySeed,
    Commitment,
    Debt,
    Owner,
    Rule,
    SavingsGoal,
    Transaction,
)
from homeledger.models.categories import CATEGORY_TYPES
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.text import collapse
from homeledger.services.writes import insert_new


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
        name = collapse(raw)
        if name and name.lower() not in have:
            added.append(Owner(name=name, sort_order=order))
            have.add(name.lower())
    session.add_all(added)
    session.flush()
    return added


def ensure_named(session: Session, model: type[Category | Owner], names: list[str]) -> dict:
    """Ids of the categories (or owners) called ``names``, creating the missing ones.

    Returns ``{lower-case name: id}``. A name another request creates at the same
    moment is no error: the insert skips it (``writes.insert_new``) and it is found.
    """
    names = list(dict.fromkeys(_name(name) for name in names))
    if not names:
        return {}
    if model is Owner:
        order = session.scalar(select(func.max(Owner.sort_order))) or 0
        rows = [{"name": name, "sort_order": order + n} for n, name in enumerate(names, 1)]
    else:
        rows = [{"name": name, "type": "expense", "color": "#8a8f98"} for name in names]
    insert_new(session, model, rows)
    found = session.execute(select(model.name, model.id).where(model.name.in_(names)))
    return {name.lower(): row_id for name, row_id in found}


def list_owners(session: Session) -> list[Owner]:
    return list(session.scalars(select(Owner).order_by(Owner.sort_order, Owner.name)))


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}\Z")


def _name(raw: object, field_name: str = "name") -> str:
    name = collapse(raw) if isinstance(raw, str) else ""
    if not name:
        raise ValidationError({field_name: "is required"})
    if len(name) > 64 or not name.isprintable():
        raise ValidationError({field_name: "must be at most 64 printable characters"})
    return name


def _taken(session: Session, model, name: str, except_id: int | None = None) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if except_id is not None:
        query = query.where(model.id != except_id)
    return session.scalar(query) is not None


def _get(session: Session, model, row_id: int, label: str):
    row = fetch(session, model, row_id)
    if row is None:
        raise NotFound(f"no {label} {row_id}")
    return row


def get_category(session: Session, category_id: int) -> Category:
    return _get(session, Category, category_id, "category")


def create_category(
    session: Session, name: object, type_: str = "expense", color: str | None = None
) -> Category:
    name = _name(name)
    problems = {}
    if _taken(session, Category, name):
        problems["name"] = f"you already have a category called {name!r}"
    if type_ not in CATEGORY_TYPES:
        problems["type"] = f"must be one of {', '.join(CATEGORY_TYPES)}"
    if color is not None and not _COLOR.match(color):
        problems["color"] = "must be a colour like #1e88e5"
    if problems:
        raise ValidationError(problems)
    category = Category(name=name, type=type_, color=color or "#8a8f98")
    session.add(category)
    session.flush()
    return category


def update_category(
    session: Session,
    category_id: int,
    *,
    name: object = None,
    type_: str | None = None,
    color: str | None = None,
    is_active: bool | None = None,
) -> Category:
    """Rename, recolour, retype or (de)activate; transactions keep pointing at it."""
    category = get_category(session, category_id)
    if name is not None:
        name = _name(name)
        if _taken(session, Category, name, except_id=category.id):
            raise ValidationError({"name": f"you already have a category called {name!r}"})
        category.name = name
    if type_ is not None:
        if type_ not in CATEGORY_TYPES:
            raise ValidationError({"type": f"must be one of {', '.join(CATEGORY_TYPES)}"})
        category.type = type_
    if color is not None:
        if not _COLOR.match(color):
            raise ValidationError({"color": "must be a colour like #1e88e5"})
        category.color = color
    if is_active is not None:
        category.is_active = is_active
    session.flush()
    return category


def merge_categories(session: Session, source_id: int, target_id: int) -> Category:
    """Fold one category into another: every transaction, budget, commitment and rule moves.

    Budgets of the same month (and owner) are added together. The source is
    deleted. All in the caller's transaction, so it happens entirely or not at all.
    """
    return _merge(
        session,
        Category,
        source_id,
        target_id,
        "category",
        Budget.category_id,
        (Transaction.category_id, Commitment.category_id, Rule.set_category_id),
    )


def _merge_budgets(session: Session, column, source_id: int, target_id: int) -> None:
    """Move budgets to the target; where the target already has that month, add them up."""
    targets = {
        (b.year, b.month, b.owner_id if column is Budget.category_id else b.category_id): b
        for b in session.scalars(select(Budget).where(column == target_id))
    }
    for budget in session.scalars(select(Budget).where(column == source_id)).all():
        other = budget.owner_id if column is Budget.category_id else budget.category_id
        existing = targets.get((budget.year, budget.month, other))
        if existing is not None:
            existing.amount += budget.amount
            session.delete(budget)
        else:
            setattr(budget, column.key, target_id)
    session.flush()


def get_owner(session: Session, owner_id: int) -> Owner:
    return _get(session, Owner, owner_id, "owner")


def create_owner(session: Session, name: object) -> Owner:
    name = _name(name)
    if _taken(session, Owner, name):
        raise ValidationError({"name": f"{name!r} is already one of your owners"})
    order = (session.scalar(select(func.max(Owner.sort_order))) or 0) + 1
    owner = Owner(name=name, sort_order=order)
    session.add(owner)
    session.flush()
    return owner


def update_owner(
    session: Session, owner_id: int, *, name: object = None, is_active: bool | None = None
) -> Owner:
    owner = get_owner(session, owner_id)
    if name is not None:
        name = _name(name)
        if _taken(session, Owner, name, except_id=owner.id):
            raise ValidationError({"name": f"{name!r} is already one of your owners"})
        owner.name = name
    if is_active is not None:
        owner.is_active = is_active
    session.flush()
    return owner


def merge_owners(session: Session, source_id: int, target_id: int) -> Owner:
    """Fold one owner into another everywhere an owner can appear; the source is deleted."""
    return _merge(
        session,
        Owner,
        source_id,
        target_id,
        "owner",
        Budget.owner_id,
        (
            Transaction.owner_id,
            Commitment.owner_id,
            Debt.owner_id,
            SavingsGoal.owner_id,
            Rule.set_owner_id,
        ),
    )


def _merge(
    session: Session, model, source_id: int, target_id: int, label: str, budget_column, references
):
    """Re-point every reference from source to target, then delete the source."""
    if source_id == target_id:
        raise ValidationError({"target_id": f"must differ from the {label} being merged"})
    source, target = _get(session, model, source_id, label), _get(session, model, target_id, label)
    _merge_budgets(session, budget_column, source.id, target.id)
    for column in references:
        session.execute(
            update(column.class_)
            .where(column == source.id)
            .values({column.key: target.id})
            .execution_options(synchronize_session=False)
        )
    session.flush()
    session.expire_all()
    session.delete(session.get(model, source.id))
    session.flush()
    return target
