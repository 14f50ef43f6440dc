"""What the benchmarks share: the databases they run on (a temporary SQLite file, then a
throwaway PostgreSQL database when HOMELEDGER_TEST_DATABASE_URL names a server, dropped
afterwards), a user's ledger filled in bulk, a timer that prints the best of a few runs, and
a client signed in as a person would be, for timing pages and endpoints."""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.config import normalise_database_url
from homeledger.models import Transaction
from homeledger.services import accounts, onboarding, passwords


def benchmark_databases() -> Iterator[tuple[str, str]]:
    """Yield (label, database URL) pairs; each database exists only while it is in use."""
    with tempfile.TemporaryDirectory() as tmp:
        yield "SQLite", f"sqlite:///{tmp}/bench.db"
    server = os.environ.get("HOMELEDGER_TEST_DATABASE_URL")
    if not server:
        print("PostgreSQL: skipped (set HOMELEDGER_TEST_DATABASE_URL)")
        return
    server_url = make_url(normalise_database_url(server))
    name = f"homeledger_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield "PostgreSQL", server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_everywhere(run: Callable[[str, str], None]) -> None:
    """``run(url, label)`` on each database; creating accounts is not what is measured."""
    passwords.configure(1, 8, 1)
    tenancy.install()
    for label, url in benchmark_databases():
        run(url, label)


def new_ledger(session: Session, username: str, *, onboarded: bool = True) -> int:
    """A new user (past the first-run wizard unless ``onboarded`` is False), acting as
    their ledger; their id."""
    user = accounts.create_user(session, username, PASSWORD)
    if onboarded:
        onboarding.skip(user)
    tenancy.set_ledger(session, user.id)
    return user.id


def shared_household(session: Session, rows: int, until: date) -> int:
    """Alex's ledger of ``rows`` transactions beside another's of ``rows``, Sam an editor
    of Alex's with a ledger of his own, committed; Alex's id."""
    from homeledger.services import sharing

    rng = random.Random(1)
    new_ledger(session, "other")
    insert_transactions(session, five_years_of_rows(rng, rows, until))
    alex = new_ledger(session, "alex")
    insert_transactions(session, five_years_of_rows(rng, rows, until))
    new_ledger(session, "sam")
    tenancy.set_ledger(session, alex)
    sharing.add_member(session, "sam", "editor")
    session.commit()
    tenancy.set_ledger(session, None)
    return alex


def insert_transactions(session: Session, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5000):
        session.execute(insert(Transaction), rows[i : i + 5000])
    session.commit()


def five_years_of_rows(rng: random.Random, count: int, until: date) -> list[dict]:
    """``count`` transactions spread over the five years before ``until``: 500 payees,
    amounts from -300.00 to 100.00, three accounts (or none)."""
    start = until - timedelta(days=5 * 365)
    return [
        {
            "date": start + timedelta(days=rng.randrange(5 * 365)),
            "description": f"payee {rng.randrange(500)}",
            "amount": Decimal(rng.randint(-30000, 10000)) / 100,
            "account": rng.choice(["Everyday", "Credit card", None]),
        }
        for _ in range(count)
    ]


def timed(label: str, fn, repeat: int = 5) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    print(f"  {label:<42} {best * 1000:8.1f} ms (best of {repeat})")


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "benchmark passphrase"  # noqa: S105 - the one new_ledger sets


def signed_in_client(app, username: str):
    """A test client signed in on the web as ``username``, and its API bearer headers."""
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _CSRF.search(login)[1]},
    )
    token = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    ).get_json()["access_token"]
    return client, {"Authorization": f"Bearer {token}"}


def time_page(client, url: str, headers: dict, repeat: int = 3) -> None:
    """The best of ``repeat`` full requests of ``url``, printed (and any status but 200)."""
    best, status = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        status = client.get(url, headers=headers).status_code
        best = min(best, time.perf_counter() - started)
    flag = "" if status == 200 else f"  (answered {status})"
    print(f"  {url:<70} {best * 1000:8.1f} ms{flag}")
