"""What the PostgreSQL race tests share: seeing that a second writer is really waiting."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

_WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def someone_waits_on_a_lock(engine: Engine) -> bool:
    """Whether a PostgreSQL backend of this database is waiting on a row lock (polled
    for up to 15 s: the waiting writer needs a moment to get there)."""
    for _ in range(300):
        with engine.connect() as connection:
            if connection.scalar(_WAITING):
                return True
        time.sleep(0.05)
    return False
