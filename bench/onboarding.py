"""The first-run wizard's pages and endpoints, and loading its sample data.
Prints figures; exits 0.

    python bench/onboarding.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/onboarding.py

A newcomer whose ledger holds 100,000 transactions (an old file brought in before their
first sign-in) beside another ledger of 100,000, every step saved: each step's page and
GET endpoint as full requests through the app (the data step counts the ledger, the budget
step asks the recommender), a page the gate turns away, and the sample household the data
step loads into an empty ledger.
"""

from __future__ import annotations

import random
import time
from datetime import date

from bench_databases import (
    five_years_of_rows,
    insert_transactions,
    new_ledger,
    run_everywhere,
    signed_in_client,
    time_page,
)
from sqlalchemy import update

from homeledger import create_app, tenancy
from homeledger.config import TestConfig
from homeledger.demo import load_sample
from homeledger.extensions import db
from homeledger.migrate import upgrade
from homeledger.models import User

ROWS = 100_000
TODAY = date(2026, 11, 20)


def run(url: str, label: str) -> None:
    app = create_app(TestConfig(url))
    app.config["TODAY"] = TODAY
    rng = random.Random(1)
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        session = db.session
        new_ledger(session, "other")
        insert_transactions(session, five_years_of_rows(rng, ROWS, TODAY))
        newcomer = new_ledger(session, "newcomer", onboarded=False)
        insert_transactions(session, five_years_of_rows(rng, ROWS, TODAY))
        session.execute(update(User).where(User.id == newcomer).values(onboarding_step="complete"))
        empty = new_ledger(session, "empty", onboarded=False)
        session.commit()
        started = time.perf_counter()
        load_sample(session, TODAY)
        session.commit()
        took = time.perf_counter() - started
        print(f"{label}: {2 * ROWS:,} transactions in two ledgers")
        print(f"  sample data into an empty ledger  {took:6.2f} s")
        assert empty  # its ledger was the one acting
        tenancy.set_ledger(session, None)
        db.session.remove()

    client, bearer = signed_in_client(app, "newcomer")
    for page in (
        "/welcome/profile",
        "/welcome/owners",
        "/welcome/categories",
        "/welcome/data",
        "/welcome/budget",
        "/welcome/complete",
        "/api/v1/onboarding",
        "/api/v1/onboarding/data",
        "/api/v1/onboarding/budget",
        "/api/v1/me",
    ):
        time_page(client, page, bearer if page.startswith("/api/") else {}, repeat=5)
    started = time.perf_counter()
    turned_away = client.get("/transactions").status_code
    took = (time.perf_counter() - started) * 1000
    print(f"  {f'/transactions before finishing (answered {turned_away})':<70} {took:8.1f} ms")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
