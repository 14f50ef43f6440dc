"""Insert-or-skip on either database: INSERT … ON CONFLICT DO NOTHING … RETURNING.

A row that would break a unique index (one already in the ledger, or one another
request is inserting at the same moment) is skipped by the database, not
reported as an error; RETURNING tells which rows really went in. On PostgreSQL
an insert that collides with a row another transaction has not committed yet
waits for it, then skips; SQLite lets one writer in at a time, and the other
waits (busy timeout, see ``db_setup.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_BATCH = 2000


def insert_new(session: Session, model: type, rows: Sequence[dict], *returning) -> list[Row]:
    """Insert ``rows`` into ``model``'s table, skipping those a unique index refuses.

    Returns the ``returning`` columns of each row really inserted (none without
    ``returning``). Tenancy stamps
    every row with the acting ledger, as for any insert.
    """
    if not rows:
        return []
    dialect = session.get_bind(mapper=model).dialect.name
    statement = _INSERTS[dialect](model).on_conflict_do_nothing()
    if returning:
        statement = statement.returning(*returning)
    inserted: list[Row] = []
    for start in range(0, len(rows), _BATCH):
        result = session.execute(statement, list(rows[start : start + _BATCH]))
        if returning:
            inserted.extend(result.all())
    return inserted
