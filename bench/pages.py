"""How fast the dashboard and analytics pages and endpoints answer over a big ledger.
Prints figures; exits 0.

    python bench/pages.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/pages.py

The demo household (five years, with budgets, bills, debts and goals) topped up to
100,000 transactions in its own categories, owners and accounts, beside another ledger
of 100,000, so scoping has real work to do. Each page is a full request through the app
(sign-in cookie, tenancy, SQL, template) with the Flask test client: the server's own
time, without a network or a browser drawing the charts.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench_databases import (
    insert_transactions,
    new_ledger,
    run_everywhere,
    signed_in_client,
    time_page,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.demo import build_demo_household
from homeledger.extensions import db
from homeledger.migrate import upgrade
from homeledger.models import Category, Owner, Transaction
from homeledger.services import analytics_reports as reports
from homeledger.services.periods import add_months

ROWS = 100_000


def _top_up(session: Session, rng: random.Random, until: int) -> None:
    """Random rows over the last five years in the ledger's own categories, owners and
    accounts, until it holds ``until`` transactions."""
    have = session.scalar(select(db.func.count(Transaction.id)))
    category_ids = [*session.scalars(select(Category.id)), None]
    owners = [*session.scalars(select(Owner.id)), None]
    start = date.today() - timedelta(days=5 * 365)
    insert_transactions(
        session,
        [
            {
                "date": start + timedelta(days=rng.randrange(5 * 365)),
                "description": f"payee {rng.randrange(500)}",
                "amount": Decimal(rng.randint(-30000, 10000)) / 100,
                "category_id": rng.choice(category_ids),
                "owner_id": rng.choice(owners),
                "account": rng.choice(["Everyday", "Credit card", None]),
            }
            for _ in range(until - have)
        ],
    )


def _fill(session: Session) -> None:
    """Both ledgers; the session is left acting as the benchmarked one."""
    rng = random.Random(1)
    new_ledger(session, "other")
    _top_up(session, rng, ROWS)
    new_ledger(session, "bench")
    build_demo_household(session, seed=2024, years=5)
    session.commit()
    _top_up(session, rng, ROWS)


def _pages(session: Session) -> list[str]:
    """The URLs to time: every dashboard and analytics page, with their drill-downs."""
    month = reports.current_month(session, date.today())
    this = f"{month[0]:04d}-{month[1]:02d}"
    last = "{:04d}-{:02d}".format(*add_months(*month, -1))
    year_ago = "{:04d}-{:02d}".format(*add_months(*month, -11))
    groceries = session.scalar(select(Category.id).where(Category.name == "Groceries"))
    return [
        "/",
        f"/?month={last}",
        "/transactions",
        f"/transactions?month={last}&flow=spending",
        f"/transactions?date_from={year_ago}-01&flow=net",
        f"/transactions?month={last}&category={groceries}",
        f"/budgets?month={last}",
        f"/budgets/dashboard?month={last}",
        "/categories",
        f"/categories/{groceries}",
        "/analytics",
        "/analytics/income",
        "/analytics/owners",
        "/analytics/payees?limit=50",
        f"/analytics/compare?month={last}&with=last_year",
        "/api/v1/analytics/summary",
        f"/api/v1/analytics/income-statement?from={year_ago}&to={this}",
        f"/api/v1/analytics/spending-by-category?from={year_ago}&to={this}",
        f"/api/v1/analytics/by-owner?from={year_ago}&to={this}",
        f"/api/v1/analytics/top-payees?from={year_ago}&to={this}&limit=10",
        f"/api/v1/analytics/compare?month={last}&with=previous",
        f"/api/v1/analytics/compare?month={last}&with=last_year",
    ]


def run(url: str, label: str) -> None:
    app = create_app(TestConfig(url))
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        started = time.perf_counter()
        _fill(db.session)
        print(f"{label}: loaded {2 * ROWS:,} rows in {time.perf_counter() - started:.1f} s")
        pages = _pages(db.session)
        tenancy.set_ledger(db.session, None)
        db.session.remove()
    client, bearer = signed_in_client(app, "bench")
    for page in pages:
        time_page(client, page, bearer if page.startswith("/api/") else {})
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
