"""How long migrating the default legacy sample takes. Prints figures; always exits 0.

python bench/legacy.py        # SQLite; PostgreSQL too with HOMELEDGER_TEST_DATABASE_URL
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_databases import benchmark_databases
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from homeledger import migrate as schema
from homeledger import tenancy
from homeledger.services import accounts, passwords
from homeledger.services.legacy import LegacySource, migrate

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "legacy" / "make_legacy_db.py"


def run(url: str, legacy: Path, label: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        schema.upgrade(connection)
    with Session(engine) as session:
        user = accounts.create_user(session, "bench", "benchmark passphrase")
        session.commit()
        tenancy.set_ledger(session, user.id)
        for attempt in ("first run", "second run (adds nothing)"):
            started = time.perf_counter()
            with LegacySource(legacy) as source:
                report = migrate(session, source, username="bench")
            session.commit()
            elapsed = time.perf_counter() - started
            written = report.counts["transactions"].written
            print(f"{label}: {attempt:<28} {elapsed:6.2f} s  ({written:,} transactions written)")
    engine.dispose()


def main() -> None:
    passwords.configure(1, 8, 1)  # account creation is not what is measured
    tenancy.install()
    with tempfile.TemporaryDirectory() as tmp:
        legacy = Path(tmp) / "personal_finance.db"
        subprocess.run(
            [sys.executable, str(GENERATOR), "--out", str(legacy)], check=True, capture_output=True
        )
        for label, url in benchmark_databases():
            run(url, legacy, label)


if __name__ == "__main__":
    main()
