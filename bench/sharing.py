"""Household sharing: what acting in someone else's ledger costs. Prints figures; exits 0.

    python bench/sharing.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/sharing.py

Alex's ledger holds 100,000 transactions beside another ledger of 100,000; Sam is an
editor of it, with a ledger of his own. The same pages and endpoints, best of 5 full
requests through the app: as Alex in his own ledger, and as Sam in Alex's (the browser's
choice, or X-Ledger-Id), whose grant is checked on every request. Then an editor's
write, which also adds to the audit log, against the owner's.
"""

from __future__ import annotations

import time
from datetime import date

from bench_databases import (
    run_everywhere,
    shared_household,
    signed_in_client,
    time_page,
)

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.migrate import upgrade

ROWS = 100_000
TODAY = date(2026, 11, 20)
PAGES = (
    "/",
    "/transactions",
    "/budgets",
    "/analytics",
    "/settings/sharing",
    "/api/v1/transactions",
    "/api/v1/ledgers",
    "/api/v1/ledger/members",
)


def run(url: str, label: str) -> None:
    app = create_app(TestConfig(url))
    app.config["TODAY"] = TODAY
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        session = db.session
        alex = shared_household(session, ROWS, TODAY)
        db.session.remove()
    print(f"{label}: Alex's ledger of {ROWS:,} transactions beside another of {ROWS:,}")

    owner, owner_bearer = signed_in_client(app, "alex")
    member, member_bearer = signed_in_client(app, "sam")
    with member.session_transaction() as browser:
        browser["ledger"] = alex  # what the switcher stores
    shared_bearer = {**member_bearer, "X-Ledger-Id": str(alex)}
    for who, client, bearer in (
        ("Alex, his own ledger", owner, owner_bearer),
        ("Sam, an editor of Alex's", member, shared_bearer),
    ):
        print(f"  {who}")
        for page in PAGES:
            time_page(client, page, bearer if page.startswith("/api/") else {}, repeat=5)
    body = {"date": "2026-11-19", "description": "Groceries", "amount": "-42.10"}
    for who, client, bearer in (("Alex", owner, owner_bearer), ("Sam", member, shared_bearer)):
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            answer = client.post("/api/v1/transactions", headers=bearer, json=body)
            best = min(best, time.perf_counter() - started)
        flag = "" if answer.status_code == 201 else f"  (answered {answer.status_code})"
        print(f"  {f'POST /api/v1/transactions as {who}':<70} {best * 1000:8.1f} ms{flag}")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
