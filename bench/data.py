"""How long the household's own data takes to leave and come back, and the admin pages.
Prints figures; exits 0.

    python bench/data.py                       # SQLite (temporary file)
    HOMELEDGER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/postgres python bench/data.py

One ledger of 100,000 transactions beside another of 100,000: the JSON export (and the
most memory Python held while streaming it, tracemalloc), the import of that file into
a new, empty account, delete-all, the full backup of everything, and the admin's users
page, audit log page and settings pages as full requests through the app.
"""

from __future__ import annotations

import random
import time
import tracemalloc
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
from homeledger.extensions import db
from homeledger.migrate import upgrade
from homeledger.models import User
from homeledger.services import backup, ledger_delete, ledger_export, ledger_import

ROWS = 100_000


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:6.2f} s"


def run(url: str, label: str) -> None:
    app = create_app(TestConfig(url))
    rng = random.Random(1)
    with app.app_context():
        with db.engine.begin() as connection:
            upgrade(connection)
        session = db.session
        new_ledger(session, "other")
        insert_transactions(session, five_years_of_rows(rng, ROWS, date.today()))
        bench_id = new_ledger(session, "bench")
        insert_transactions(session, five_years_of_rows(rng, ROWS, date.today()))
        session.execute(update(User).where(User.id == bench_id).values(role="admin"))
        session.commit()
        bench = session.get(User, bench_id)
        print(f"{label}: {2 * ROWS:,} transactions in two ledgers")

        started = time.perf_counter()
        document = "".join(ledger_export.export_json(session, bench))
        size = len(document.encode())
        print(f"  export (JSON, {size / 2**20:.1f} MB)       {_seconds(started)}")
        tracemalloc.start()
        for _chunk in ledger_export.export_json(session, bench):
            pass  # streamed as a download is: nothing kept
        _, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  export streamed: Python's peak memory {streamed_peak / 2**20:6.1f} MB")
        started = time.perf_counter()
        csv_size = sum(len(chunk) for chunk in ledger_export.export_transactions_csv(session))
        print(f"  export (CSV, {csv_size / 2**20:.1f} MB)        {_seconds(started)}")

        new_id = new_ledger(session, "copy")
        copy = session.get(User, new_id)
        started = time.perf_counter()
        imported = ledger_import.import_ledger(session, copy, document.encode())
        session.commit()
        rate = imported.counts["transactions"] / (time.perf_counter() - started)
        print(f"  import into a new account        {_seconds(started)} ({rate:,.0f} rows/s)")

        started = time.perf_counter()
        backup_size = sum(len(chunk) for chunk in backup.write(db.engine))
        print(f"  full backup ({backup_size / 2**20:.1f} MB)          {_seconds(started)}")

        tenancy.set_ledger(session, new_id)
        started = time.perf_counter()
        ledger_delete.delete_all(session, copy, confirm="copy")
        session.commit()
        print(f"  delete all my data               {_seconds(started)}")
        tenancy.set_ledger(session, None)
        db.session.remove()

    client, bearer = signed_in_client(app, "bench")
    for page in (
        "/admin/users",
        "/admin/audit",
        "/admin/audit?action=auth.",
        "/admin/backup",
        "/settings",
        "/settings/data",
        "/settings/mappings",
        "/api/v1/admin/users",
        "/api/v1/admin/audit-logs",
        "/api/v1/me/settings",
    ):
        time_page(client, page, bearer if page.startswith("/api/") else {}, repeat=5)
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    run_everywhere(run)


if __name__ == "__main__":
    main()
