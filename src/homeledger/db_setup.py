"""Engine-level settings the database needs on every connection."""

from __future__ import annotations

from sqlalchemy import Engine, event


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite leaves foreign keys off by default (our same-ledger keys depend on them),
    and gives up on a locked database after 5 s."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # SQLite lets one writer in at a time; another waits this long for it rather than
    # failing with "database is locked". An import of a large file (or another import
    # of the same file, which then skips its rows) can hold the lock for seconds.
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()
