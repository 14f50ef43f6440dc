"""The first-run wizard's first three steps: the profile, the household's owners, and the
categories, for the web pages and the API alike.

The profile step is the settings page's change (``profile.update``) limited to the display
name, the currency and the day a budgeting month starts. The owners and categories steps
are declarative: the list a person saves is what the ledger holds afterwards. A listed id
is kept (renamed, retyped, made active again), a row without an id is added, and a row of
the ledger that is not listed goes: deleted when nothing refers to it, otherwise made
inactive so that the transactions, budgets and rules that use it keep their meaning.

Every row is checked before anything is written; a refusal names each bad field by its
place in the list (``owners.1.name``, ``categories.4.type``) and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Category, Owner, User
from homeledger.models.base import Base
from homeledger.models.categories import CATEGORY_TYPES
from homeledger.services import categories, profile
from homeledger.services.categories import _COLOR, _name
from homeledger.services.errors import ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.profile import CURRENCIES, MONTH_START_DAYS, ProfileChange

OWNER_SUGGESTIONS = ("Me", "Joint")
# The most a step's list may hold: a household, and what its money is sorted into.
MAX_OWNERS = 50
MAX_CATEGORIES = 200
DEFAULT_COLOR = "#8a8f98"


# --- profile ------------------------------------------------------------------------------------


def currency_choices() -> list[dict[str, str]]:
    """The currencies a ledger may be kept in: ``{"code", "name"}`` each."""
    return [{"code": code, "name": name} for code, name in CURRENCIES.items()]


def month_start_days() -> list[int]:
    return list(MONTH_START_DAYS)


def save_profile(
    session: Session,
    user: User,
    *,
    display_name: object,
    currency: object,
    month_start_day: object,
    ip_address: str | None = None,
) -> profile.Profile:
    """Save the profile step (the settings' own checks; ValidationError naming each bad
    field, nothing written then). An empty display name clears it."""
    change = ProfileChange(
        display_name=display_name, currency=currency, month_start_day=month_start_day
    )
    return profile.update(session, user, change, ip_address=ip_address)


# --- the rows of a declarative list ---------------------------------------------------------------


@dataclass(frozen=True)
class OwnerRow:
    """One owner as listed: ``id`` None for a new one."""

    name: object
    id: object = None


@dataclass(frozen=True)
class CategoryRow:
    """One category as listed: ``id`` None for a new one; ``type`` None keeps a listed
    category's type (a new one is an expense); ``color`` None keeps it (or the default)."""

    name: object
    id: object = None
    type: object = None
    color: object = None


def _in_use(session: Session, model: type[Base], ids: set[int]) -> set[int]:
    """Which of ``model``'s rows ``ids`` any row of the ledger refers to (a transaction, a
    budget, a bill, a rule…): one query per foreign key onto its table, whatever the
    number of rows."""
    used: set[int] = set()
    if not ids:
        return used
    target = model.__table__
    for table in Base.metadata.tables.values():
        for constraint in table.foreign_key_constraints:
            if constraint.referred_table is not target:
                continue
            for column, key in zip(constraint.columns, constraint.elements, strict=True):
                if key.column is target.c.id:
                    found = select(column).where(column.in_(ids)).distinct()
                    used.update(session.scalars(found))
    return used


def _lock_ledger(session: Session) -> None:
    """Saves of one ledger's list take turns: two at once (a double tap, a retry) would
    otherwise both add the same names and the second fail on the unique rule."""
    ledger = tenancy.current_ledger(session)
    session.execute(select(User.id).where(User.id == ledger).with_for_update())


def _check_rows(
    session: Session, model: type[Base], rows: list, field: str, label: str, problems: dict
) -> tuple[dict[int, object], dict[int, str]]:
    """Check each row's id and name; the existing rows by list index and the names to keep,
    with every problem put in ``problems``. A listed row may not take the name of a row
    left out that stays (made inactive because something still uses it)."""
    found: dict[int, object] = {}
    names: dict[int, str] = {}
    seen_ids: set[int] = set()
    seen_names: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.id is not None:
            existing = fetch(session, model, row.id)
            if existing is None:
                problems[f"{field}.{index}.id"] = f"is not one of your {label}"
            elif existing.id in seen_ids:
                problems[f"{field}.{index}.id"] = "is listed twice"
            else:
                seen_ids.add(existing.id)
                found[index] = existing
        try:
            name = _name(row.name, f"{field}.{index}.name")
        except ValidationError as exc:
            problems.update(exc.fields)
            continue
        if name.casefold() in seen_names:
            problems[f"{field}.{index}.name"] = f"“{name}” is listed twice"
        else:
            seen_names[name.casefold()] = index
            names[index] = name
    left_out = [row for row in session.scalars(select(model)) if row.id not in seen_ids]
    staying = _in_use(session, model, {row.id for row in left_out})
    for row in left_out:
        index = seen_names.get(row.name.casefold())
        # A new row of that name takes the old one back; a listed one cannot have its name.
        if index is not None and index in found and row.id in staying:
            problems[f"{field}.{index}.name"] = (
                f"“{row.name}” is kept for the {label} it had, which are still used; "
                "list that one again instead"
            )
    return found, names


def _apply(
    session: Session,
    model: type[Base],
    found: dict[int, object],
    names: dict[int, str],
    create,
) -> dict[int, object]:
    """Make the ledger's rows of ``model`` what was listed: each listed row named, new ones
    added (or a left-out row of that name taken back), the others deleted or made
    inactive. Returns the rows by their index in the list."""
    listed_ids = {row.id for row in found.values()}
    left_out = [row for row in session.scalars(select(model)) if row.id not in listed_ids]
    by_name = {row.name.casefold(): row for row in left_out}
    rows: dict[int, object] = {}
    for index in sorted(names):
        if index in found:
            rows[index] = found[index]
        elif (again := by_name.get(names[index].casefold())) is not None:
            rows[index] = again  # a name the ledger already has (an inactive one): taken back
    taken_back = {id(row) for row in rows.values()}
    going = [row for row in left_out if id(row) not in taken_back]
    used = _in_use(session, model, {row.id for row in going})
    for row in going:
        if row.id in used:
            row.is_active = False
        else:
            session.delete(row)
    session.flush()
    # Names may be swapped between rows; each is set aside first so no two collide.
    renamed = [index for index, row in rows.items() if row.name != names[index]]
    for index in renamed:
        rows[index].name = f" {rows[index].id} "  # never a name: names have no outer spaces
    session.flush()
    for index in renamed:
        rows[index].name = names[index]
    session.flush()
    for index in sorted(names):
        if index in rows:
            rows[index].is_active = True
        else:
            rows[index] = create(index, names[index])
            session.add(rows[index])
    session.flush()
    return rows


# --- owners -------------------------------------------------------------------------------------


def list_owners(session: Session) -> list[Owner]:
    """The household's owners as the step shows them: the active ones."""
    return [owner for owner in categories.list_owners(session) if owner.is_active]


def save_owners(session: Session, rows: list[OwnerRow]) -> list[Owner]:
    """Make the household's owners the ``rows`` listed; ValidationError naming each bad
    field (``owners.1.name``), nothing written then."""
    problems: dict[str, str] = {}
    if not rows:
        problems["owners"] = "list at least one owner (yourself, for instance)"
    if len(rows) > MAX_OWNERS:
        raise ValidationError({"owners": f"list at most {MAX_OWNERS} owners"})
    _lock_ledger(session)
    found, names = _check_rows(session, Owner, rows, "owners", "owners", problems)
    if problems:
        raise ValidationError(problems)
    order = {index: position for position, index in enumerate(sorted(names), 1)}

    def create(index: int, name: str) -> Owner:
        return Owner(name=name, sort_order=order[index])

    saved = _apply(session, Owner, found, names, create)
    for index, owner in saved.items():
        owner.sort_order = order[index]
    session.flush()
    return [saved[index] for index in sorted(saved)]


# --- categories ---------------------------------------------------------------------------------


def list_categories(session: Session) -> list[Category]:
    """The ledger's categories as the step shows them: the active ones."""
    return categories.list_categories(session)


def save_categories(session: Session, rows: list[CategoryRow]) -> list[Category]:
    """Make the ledger's categories the ``rows`` listed; ValidationError naming each bad
    field (``categories.4.name``), nothing written then. At least one must be an expense."""
    problems: dict[str, str] = {}
    if len(rows) > MAX_CATEGORIES:
        raise ValidationError({"categories": f"list at most {MAX_CATEGORIES} categories"})
    _lock_ledger(session)
    found, names = _check_rows(session, Category, rows, "categories", "categories", problems)
    types: dict[int, str] = {}
    for index, row in enumerate(rows):
        kind = row.type
        if kind is None:
            kind = found[index].type if index in found else "expense"
        if kind not in CATEGORY_TYPES:
            problems[f"categories.{index}.type"] = f"must be one of {', '.join(CATEGORY_TYPES)}"
        types[index] = kind
        if row.color is not None and not (isinstance(row.color, str) and _COLOR.match(row.color)):
            problems[f"categories.{index}.color"] = "must be a colour like #1e88e5"
    if "expense" not in types.values():
        problems["categories"] = "keep at least one expense category"
    if problems:
        raise ValidationError(problems)

    def create(index: int, name: str) -> Category:
        return Category(name=name, type=types[index], color=rows[index].color or DEFAULT_COLOR)

    saved = _apply(session, Category, found, names, create)
    for index, category in saved.items():
        category.type = types[index]
        if rows[index].color is not None:
            category.color = rows[index].color
    session.flush()
    return [saved[index] for index in sorted(saved)]
