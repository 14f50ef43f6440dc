"""How fast the overview and the transaction list are over a big ledger. Prints figures; exits 0.

    python bench/overview.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/overview.py

Two users with 100,000 transactions each, so scoping has real work to do.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench_databases import insert_transactions, new_ledger, run_everywhere, timed
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.services import analytics, transactions
from homeledger.services.periods import budget_month_containing

ROWS_PER_USER = 100_000


def _fill(session: Session, username: str, rng: random.Random) -> int:
    user_id = new_ledger(session, username)
    start = date.today() - timedelta(days=5 * 365)
    rows = [
        {
            "date": start + timedelta(days=rng.randrange(5 * 365)),
            "description": f"payee {rng.randrange(500)}",
            "amount": Decimal(rng.randint(-30000, 10000)) / 100,
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
        period = budget_month_containing(date.today())
        timed("period_summary (this month)", lambda: analytics.period_summary(session, period))
        timed("trend (6 months)", lambda: analytics.trend(session, period, 6, 1))
        timed("spending_by_category", lambda: analytics.spending_by_category(session, period))
        timed("recent_transactions (10)", lambda: analytics.recent_transactions(session, 10))
        everything = transactions.TransactionFilter()
        timed("transactions: first page (50)", lambda: transactions.list_page(session, everything))

        def twentieth_page():
            cursor = None
            for _ in range(20):
                cursor = transactions.list_page(session, everything, cursor=cursor).next_cursor

        timed("transactions: pages 1-20 (keyset)", twentieth_page, repeat=3)
        search = transactions.TransactionFilter(search="payee 42")
        timed("transactions: search page", lambda: transactions.list_page(session, search))
        by_amount = transactions.TransactionFilter(amount_max=Decimal("-250"))
        timed(
            "transactions: amount filter, by amount",
            lambda: transactions.list_page(session, by_amount, sort="amount_asc"),
        )
    engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
