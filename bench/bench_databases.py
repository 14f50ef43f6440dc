"""The databases a benchmark runs on: a temporary SQLite file, then a throwaway PostgreSQL
database when HOMELEDGER_TEST_DATABASE_URL names a server (dropped afterwards)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from homeledger.config import normalise_database_url


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
