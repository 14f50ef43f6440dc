"""The full backup: every user and ledger in one JSON document, and its restore.

A backup is ``{"format": "homeledger-backup", "format_version": 1, "created_at",
"schema_revision", "tables": {name: [row, ...]}}`` with every table of the models
in foreign-key order, each row through ``table_rows`` (money as strings, exact).
Users keep their password hashes, so everyone signs in as before after a restore.
Sign-in state is left out (``LEFT_OUT``): a restored database starts with every
browser and device signed out, and no invite link from before still works.

Reading goes through a Core connection of its own, not the ORM session. The
tenancy hooks (``do_orm_execute``, ``before_flush``) fire on ORM statements
only; a backup wants every ledger at once, which ORM statements would confine
to the signed-in admin's ledger (or refuse, with none). ``tenancy.unscoped``
would open them too, but it loads ORM objects into a session and writes its own
audit entry for each use; a backup wants plain rows streamed in primary-key
order on one connection (one snapshot on PostgreSQL), and it is audited as
``backup.create`` by the caller. The restore writes with Core inserts on the
session's own connection for the same reason: the ids in the file are kept,
across every ledger, in the session's single transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from homeledger import migrate, row_security
from homeledger.models import Base, User
from homeledger.services import audit, table_rows
from homeledger.services.errors import ServiceError
from homeledger.services.table_rows import RowError, dump_row, load_row

FORMAT = "homeledger-backup"
FORMAT_VERSION = 1
# Sign-in state that must not outlive a backup: tokens, browser sessions, invite links.
LEFT_OUT = ("refresh_tokens", "revoked_tokens", "web_sessions", "invites")
# Filled by the schema migration itself: a restore checks them rather than adding them.
MIGRATION_ROWS = "category_seeds"
_ROWS_PER_FETCH = 1000
_CHUNK_CHARS = 64 * 1024


class BackupError(ServiceError):
    """A backup cannot be restored here; the message says why. Nothing was written."""


def backed_up_tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


def table_counts(connection: Connection) -> dict[str, int]:
    """How many rows each backed-up table holds now (Core: every ledger, see above)."""
    tables = backed_up_tables()
    with row_security.all_ledgers(connection):
        found = {i: count for i, count in connection.execute(table_rows.count_each(tables))}
    return {table.name: found[i] for i, table in enumerate(tables)}


def database_counts(session: Session) -> dict[str, int]:
    """``table_counts`` on the session's connection, for a page or an audit entry."""
    return table_counts(session.connection())


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that reads one consistent state of the database.

    On PostgreSQL that is a REPEATABLE READ, read-only transaction: rows written
    while a large backup streams are not half in it. SQLite reads each table in
    turn; for a consistent copy of a busy local database, stop the app first.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin(), row_security.all_ledgers(connection):
            yield connection


def write(engine: Engine, counts: dict[str, int] | None = None) -> Iterator[str]:
    """The backup as text chunks, read table by table ``_ROWS_PER_FETCH`` rows at a time.

    ``counts`` (when given) is filled with each table's row count as it is written,
    so a caller can say what went out once the stream is done.
    """
    counts = {} if counts is None else counts
    with _snapshot(engine) as connection:
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "schema_revision": migrate.current_revision(connection),
        }
        yield json.dumps(header, ensure_ascii=False)[:-1] + ', "tables": {'
        for position, table in enumerate(backed_up_tables()):
            yield ("," if position else "") + f"\n{json.dumps(table.name)}: ["
            counts[table.name] = 0
            buffer: list[str] = []
            size = 0
            rows = connection.execution_options(yield_per=_ROWS_PER_FETCH).execute(
                select(table).order_by(*table.primary_key.columns)
            )
            for row in rows:
                line = ("," if counts[table.name] else "") + "\n" + _dumps(dump_row(table, row))
                counts[table.name] += 1
                buffer.append(line)
                size += len(line)
                if size >= _CHUNK_CHARS:
                    yield "".join(buffer)
                    buffer, size = [], 0
            yield "".join(buffer) + "\n]"
        yield "\n}}\n"


def _dumps(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def record_created(
    session: Session,
    counts: dict[str, int],
    *,
    actor: User | None = None,
    actor_name: str | None = None,
    ip_address: str | None = None,
) -> None:
    """Audit a backup (``backup.create``): who took it and how many rows of each table."""
    audit.record(
        session,
        "backup.create",
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else actor_name,
        ip_address=ip_address,
        extra={"rows": counts},
    )


# --- restore -------------------------------------------------------------------------------------


def read_document(text: str | bytes) -> dict[str, Any]:
    """A backup file's text as its document; BackupError when it is not a backup at all.

    The whole document is held in memory while it is restored (one JSON value);
    only the backup side streams.
    """
    try:
        return table_rows.read_document(text, format=FORMAT, versions=(FORMAT_VERSION,))
    except table_rows.DocumentProblem as problem:
        raise _refusal(problem) from None


def _refusal(problem: table_rows.DocumentProblem) -> BackupError:
    """What the person restoring is told when the file is not a backup this version reads."""
    if problem.kind == "not_json":
        return BackupError(f"the file is not JSON ({problem.found})")
    if problem.kind == "format":
        return BackupError(f"the file is not a Homeledger backup (no format {FORMAT!r})")
    if problem.kind == "version":
        return BackupError(
            f"backup format version {problem.found!r:.20} is not one this version reads "
            f"(it reads version {FORMAT_VERSION})"
        )
    return BackupError('the backup holds no "tables" object')


def restore(
    session: Session, document: Any, *, actor_name: str = "cli", ip_address: str | None = None
) -> dict[str, int]:
    """Write a backup's rows into an empty database, ids as they were; the rows per table.

    Refused with BackupError (or RowError naming the table and column) before
    anything is kept: the caller's transaction holds every row, so on a refusal
    it rolls back and the database is as empty as it was.
    """
    try:
        table_rows.check_document(document, format=FORMAT, versions=(FORMAT_VERSION,))
    except table_rows.DocumentProblem as problem:
        raise _refusal(problem) from None
    connection = session.connection()
    if not migrate.is_up_to_date(connection):
        raise BackupError(
            "the database schema is not at this version's; run `homeledger db upgrade` first"
        )
    head = migrate.head_revision()
    if document.get("schema_revision") != head:
        raise BackupError(
            f"the backup was taken at schema revision {document.get('schema_revision')!r}, "
            f"this version is at {head!r}; restore it with the version that wrote it"
        )
    counts: dict[str, int] = {}
    with row_security.all_ledgers(connection):  # every ledger's rows, ids kept
        _restore_tables(connection, document["tables"], counts)
    audit.record(
        session,
        "backup.restore",
        actor_name=actor_name,
        ip_address=ip_address,
        extra={"rows": counts, "created_at": str(document.get("created_at"))[:40]},
    )
    session.flush()
    return counts


def _restore_tables(connection: Connection, tables: Any, counts: dict[str, int]) -> None:
    """Every table's rows into an empty database, ids kept; ``counts`` says how many."""
    _check_empty(connection)
    known = {t.name for t in backed_up_tables()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise BackupError(f"the backup holds a table this version does not know: {unknown[0]}")
    for table in backed_up_tables():
        rows = tables.get(table.name)
        if not isinstance(rows, list):
            raise RowError(f"{table.name}: the table is missing or not a list of rows")
        loaded = [load_row(table, row) for row in rows]
        if table.name == MIGRATION_ROWS:
            _restore_migration_rows(connection, table, loaded)
        else:
            _insert(connection, table, loaded)
        counts[table.name] = len(loaded)
    _move_sequences_past(connection)
    # Tokens were left out of the file, so the revocations among them are gone too: a new
    # password epoch for everyone means no access token signed before the restore (nor
    # one signed out before it) is accepted after it, even under the same signing key.
    connection.execute(
        update(User.__table__).values(session_epoch=User.__table__.c.session_epoch + 1)
    )


def _check_empty(connection: Connection) -> None:
    users = connection.execute(select(func.count()).select_from(User.__table__)).scalar_one()
    if users:
        raise BackupError(
            f"the database already has {users} user{'s' if users != 1 else ''}; "
            "restore only into an empty database (create it, then `homeledger db upgrade`)"
        )
    for table in Base.metadata.sorted_tables:
        if table.name == MIGRATION_ROWS:
            continue
        if connection.execute(select(func.count()).select_from(table)).scalar_one():
            raise BackupError(
                f"the database is not empty ({table.name} has rows); "
                "restore only into an empty database"
            )


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _ROWS_PER_FETCH):
        try:
            connection.execute(table.insert(), rows[start : start + _ROWS_PER_FETCH])
        except (IntegrityError, DataError, OverflowError) as exc:  # a reference, a range
            reason = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
            raise BackupError(f"{table.name}: rows that do not fit together ({reason})") from None


def _restore_migration_rows(connection: Connection, table: Table, rows: list[dict]) -> None:
    """The seed categories the migration wrote: identical ones are left as they are.

    A backup whose seeds differ (edited after the migration) brings its own: the
    database is empty, so no category refers to the seeds being replaced.
    """
    present = [dict(r._mapping) for r in connection.execute(select(table))]
    key = sorted(table.primary_key.columns.keys())

    def ordered(items: list[dict]) -> list[dict]:
        return sorted(items, key=lambda r: [r[k] for k in key])

    if ordered(present) == ordered(rows):
        return
    connection.execute(table.delete())
    _insert(connection, table, rows)


def _move_sequences_past(connection: Connection) -> None:
    """PostgreSQL hands out ids from sequences that know nothing of the restored ids:
    set each past its table's largest id, so new rows do not collide. (SQLite takes
    the largest rowid plus one by itself.)"""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or column.autoincrement is False:
            continue
        largest = select(func.max(column)).scalar_subquery()
        connection.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"),
                    func.coalesce(largest, 1),
                    largest.is_not(None),
                )
            )
        )
