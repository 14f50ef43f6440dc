"""Fills the acting ledger with the demo household and says what it generated."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from homeledger.demo.arithmetic import month_start
from homeledger.demo.calendar_walk import Household
from homeledger.demo.payees import CATEGORY_TYPES, OWNERS
from homeledger.demo.plans import add_budgets, add_plans
from homeledger.models.categories import Category, Owner
from homeledger.models.transactions import ImportBatch, Transaction
from homeledger.models.users import UserSettings
from homeledger.services.categories import add_owners

CHUNK = 2000  # rows per bulk insert


@dataclass(frozen=True)
class DemoSummary:
    """What was generated. ``spending`` is money out excluding Transfers, as a positive amount."""

    transactions: int
    income: Decimal
    spending: Decimal
    first_date: date
    last_date: date


def build_demo_household(
    session: Session,
    *,
    seed: int = 2024,
    years: int = 5,
    today: date | None = None,
    keep_settings: bool = False,
) -> DemoSummary:
    """Fill the acting ledger with a demo household. Flushes but never commits.

    The demo ledger counts in AUD from the 1st of the month; ``keep_settings`` leaves
    the ledger's own currency and month start day as they are (sample data for a
    person who has already chosen theirs)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    today = today or date.today()
    start = month_start(today, -12 * years)
    rng = random.Random(seed)

    categories = _categories(session)
    add_owners(session, OWNERS)
    # The ledger may already have these names in another case ("joint"): those are used.
    have = {o.name.casefold(): o.id for o in session.scalars(select(Owner))}
    owners = {name: have[name.casefold()] for name in OWNERS}
    batch = ImportBatch(
        source="demo",
        filename=None,
        row_count=0,
        summary={"seed": seed, "years": years, "today": today.isoformat()},
    )
    session.add(batch)
    session.flush()

    household = Household(rng, categories, owners, batch.id, start, today)
    household.generate()
    rows = household.rows
    batch.row_count = len(rows)
    for offset in range(0, len(rows), CHUNK):
        session.execute(insert(Transaction), rows[offset : offset + CHUNK])

    add_budgets(session, rows, categories, today)
    add_plans(session, household, categories, owners, today)

    if not keep_settings:
        settings = session.scalars(select(UserSettings)).one_or_none() or UserSettings()
        settings.currency, settings.month_start_day = "AUD", 1
        session.add(settings)
        session.flush()

    transfers, zero = categories["Transfers"], Decimal("0.00")
    income = sum((r["amount"] for r in rows if r["amount"] > 0), zero)
    spending = -sum(
        (r["amount"] for r in rows if r["amount"] < 0 and r["category_id"] != transfers), zero
    )
    return DemoSummary(len(rows), income, spending, rows[0]["date"], rows[-1]["date"])


def _categories(session: Session) -> dict[str, int]:
    """Category name -> id in the acting ledger, adding any the demo needs that are missing."""
    have = {c.name.casefold(): c.id for c in session.scalars(select(Category))}
    missing = [name for name in CATEGORY_TYPES if name.casefold() not in have]
    if missing:
        added = [Category(name=name, type=CATEGORY_TYPES[name]) for name in missing]
        session.add_all(added)
        session.flush()
        have.update({c.name.casefold(): c.id for c in added})
    # Names are one whatever their case: a ledger's "groceries" is the demo's "Groceries".
    return {name: have[name.casefold()] for name in CATEGORY_TYPES}
