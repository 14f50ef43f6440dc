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

from bench_databases import benchmark_databases
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.models import Transaction
from homeledger.services import accounts, analytics, passwords, transactions
from homeledger.services.periods import budget_month_containing

ROWS_PER_USER = 100_000


def _fill(session: Session, username: str, rng: random.Random) -> int:
    user = accounts.create_user(session, username, "benchmark passphrase")
    tenancy.set_ledger(session, user.id)
    start = date.today() - timedelta(days=5 * 365)
    rows = [
        {
            "date": start + timedelta(days=rng.randrange(5 * 365)),
            "description": f"payee {rng.randrange(500)}",
            "amount": Decimal(rng.randint(-30000, 10000)) / 100,
        }
        for _ in range(ROWS_PER_USER)
    ]
    for i in range(0, len(rows), 5000):
        session.execute(insert(Transaction), rows[i : i + 5000])
    session.commit()
    return user.id


def _timed(label: str, fn, repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    print(f"  {label:<38} {best * 1000:8.1f} ms (best of {repeat})")


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
        _timed("period_summary (this month)", lambda: analytics.period_summary(session, period))
        _timed("trend (6 months)", lambda: analytics.trend(session, period, 6, 1))
        _timed("spending_by_category", lambda: analytics.spending_by_category(session, period))
        _timed("recent_transactions (10)", lambda: analytics.recent_transactions(session, 10))
        everything = transactions.TransactionFilter()
        _timed("transactions: first page (50)", lambda: transactions.list_page(session, everything))

        def twentieth_page():
            cursor = None
            for _ in range(20):
                cursor = transactions.list_page(session, everything, cursor=cursor).next_cursor

        _timed("transactions: pages 1-20 (keyset)", twentieth_page, repeat=3)
        search = transactions.TransactionFilter(search="payee 42")
        _timed("transactions: search page", lambda: transactions.list_page(session, search))
        by_amount = transactions.TransactionFilter(amount_max=Decimal("-250"))
        _timed(
            "transactions: amount filter, by amount",
            lambda: transactions.list_page(session, by_amount, sort="amount_asc"),
        )
    engine.dispose()


def main() -> None:
    passwords.configure(1, 8, 1)  # account creation is not what is measured
    tenancy.install()
    for label, url in benchmark_databases():
        run(url, label)


if __name__ == "__main__":
    main()
