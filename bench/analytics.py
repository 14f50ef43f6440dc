"""How fast the analytics reports are over a big ledger. Prints figures; exits 0.

    python bench/analytics.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/analytics.py

Two users with 100,000 transactions each over five years (categorised, with owners and
accounts), so scoping has real work to do; each of the six service calls behind the
analytics endpoints is timed over the last twelve months (the API's default range).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench_databases import insert_transactions, new_ledger, run_everywhere, timed
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.models import Category
from homeledger.services import analytics_reports as reports
from homeledger.services import categories
from homeledger.services.periods import add_months
from homeledger.services.transactions import TransactionFilter

ROWS_PER_USER = 100_000


def _fill(session: Session, username: str, rng: random.Random) -> int:
    user_id = new_ledger(session, username)
    categories.add_owners(session, ["Alex", "Sam"])
    owners = [o.id for o in categories.list_owners(session)] + [None]
    category_ids = [*session.scalars(select(Category.id)), None]
    start = date.today() - timedelta(days=5 * 365)
    rows = [
        {
            "date": start + timedelta(days=rng.randrange(5 * 365)),
            "description": f"payee {rng.randrange(500)}",
            "amount": Decimal(rng.randint(-30000, 10000)) / 100,
            "category_id": rng.choice(category_ids),
            "owner_id": rng.choice(owners),
            "account": rng.choice(["Bank", "Card", None]),
        }
        for _ in range(ROWS_PER_USER)
    ]
    insert_transactions(session, rows)
    return user_id


def run(url: str, label: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    rng = random.Random(1)
    with Session(engine) as session:
        started = time.perf_counter()
        _fill(session, "other", rng)
        user_id = _fill(session, "bench", rng)
        print(
            f"{label}: loaded {2 * ROWS_PER_USER:,} rows in {time.perf_counter() - started:.1f} s"
        )
        tenancy.set_ledger(session, user_id)
        every = TransactionFilter()
        month = reports.current_month(session, date.today())
        year = reports.months_between(session, add_months(*month, -11), month)
        ten_years = reports.months_between(session, add_months(*month, -119), month)

        def summary():
            reports.figures_by_month(session, every, year[-2:])

        timed("summary (this month and the one before)", summary)
        timed(
            "income statement (12 months)",
            lambda: reports.figures_by_month(session, every, year),
        )
        timed(
            "income statement (120 months)",
            lambda: reports.figures_by_month(session, every, ten_years),
        )
        timed(
            "spending by category (12 months)",
            lambda: reports.spending_by_category(session, every, year),
        )
        timed("by owner (12 months)", lambda: reports.by_owner(session, every, year))
        timed("top payees (12 months)", lambda: reports.top_payees(session, every, year))
        timed("compare (previous)", lambda: reports.compare(session, every, month))
        timed("compare (last year)", lambda: reports.compare(session, every, month, "last_year"))
    engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
