"""What PostgreSQL's row-level security costs. Prints figures; exits 0. PostgreSQL only.

    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres \
        python bench/row_security.py

Alex's ledger holds 100,000 transactions beside another ledger of 100,000; Sam is an
editor of it. The same pages and endpoints, best of 5 full requests through the app,
twice: connected as the server's superuser, whom row-level security does not hold (the
ORM scoping alone), and as the app's own role, as in production (the policies on every
statement, and one ``set_config`` per transaction). Then the plain SQL of the
transactions list under both.
"""

from __future__ import annotations

import contextlib
from datetime import date

from bench_databases import (
    benchmark_databases,
    shared_household,
    signed_in_client,
    time_page,
    timed,
)
from sqlalchemy import make_url, select, text
from sqlalchemy.exc import DBAPIError

from homeledger import create_app, row_security, tenancy
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.migrate import upgrade
from homeledger.models import Transaction
from homeledger.services import passwords

ROWS = 100_000
TODAY = date(2026, 11, 20)
APP_ROLE = "homeledger_bench_app"
PAGES = ("/", "/transactions", "/budgets", "/analytics", "/api/v1/transactions")


def _seed(url: str) -> int:
    """Migrate and fill the database as its superuser; grant the app's role; Alex's id."""
    app = create_app(TestConfig(url))
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
            with contextlib.suppress(DBAPIError), connection.begin_nested():
                connection.execute(text(f"CREATE ROLE {APP_ROLE} LOGIN NOBYPASSRLS"))
            row_security.grant_to_app_role(connection, APP_ROLE)
        session = db.session
        alex = shared_household(session, ROWS, TODAY)
        db.session.remove()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        db.engine.dispose()
    return alex


def _pages(url: str, alex: int) -> None:
    app = create_app(TestConfig(url))
    app.config["TODAY"] = TODAY
    owner, owner_bearer = signed_in_client(app, "alex")
    member, member_bearer = signed_in_client(app, "sam")
    shared_bearer = {**member_bearer, "X-Ledger-Id": str(alex)}
    for who, client, bearer in (
        ("    Alex, his own ledger", owner, owner_bearer),
        ("    Sam, an editor of Alex's (the grant checked by the policies)", member, shared_bearer),
    ):
        print(who)
        for page in PAGES:
            time_page(client, page, bearer if page.startswith("/api/") else {}, repeat=5)
    with app.app_context():
        engine = db.engine
    list_sql = (
        select(Transaction)
        .where(Transaction.user_id == alex)
        .order_by(Transaction.date.desc(), Transaction.id.desc())
        .limit(50)
    )
    with engine.connect() as connection:
        connection.execute(
            text("SELECT set_config('homeledger.ledger', :l, false)"), {"l": str(alex)}
        )
        connection.execute(
            text("SELECT set_config('homeledger.actor', :l, false)"), {"l": str(alex)}
        )
        first_page = lambda: connection.execute(list_sql).all()  # noqa: E731
        timed("    the transactions list's SQL, first 50", first_page)
        total = text("SELECT sum(amount) FROM transactions WHERE user_id = :l")
        timed(
            "    SELECT sum(amount) over the ledger",
            lambda: connection.execute(total, {"l": alex}).scalar(),
        )
    engine.dispose()


def main() -> None:
    passwords.configure(1, 8, 1)
    tenancy.install()
    for label, url in benchmark_databases():
        if label != "PostgreSQL":
            print(f"{label}: no row-level security to measure")
            continue
        alex = _seed(url)
        app_url = make_url(url).set(username=APP_ROLE).render_as_string(hide_password=False)
        print(f"PostgreSQL: Alex's ledger of {ROWS:,} transactions beside another of {ROWS:,}")
        for who, where in (
            ("  as the superuser: row-level security bypassed", url),
            ("  as the app's role: row-level security on", app_url),
        ):
            print(who)
            _pages(where, alex)


if __name__ == "__main__":
    main()
