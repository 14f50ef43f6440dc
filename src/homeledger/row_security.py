"""The second wall: PostgreSQL row-level security under ``tenancy``'s scoping.

``tenancy`` confines every ORM statement to the acting ledger. If application code
ever got that wrong (a raw connection, a forgotten hook, a new kind of statement),
PostgreSQL itself still refuses: every ledger table has row-level security enabled
and forced (migration 0009), with policies that let a statement see and write only
the rows of the ledger named in this transaction's settings:

* ``homeledger.ledger`` — the acting ledger's user id;
* ``homeledger.actor`` — who is acting: the ledger's owner, or a member whose grant
  in ``ledger_members`` the policies check themselves (``editor`` to write);
* ``homeledger.all_ledgers`` — ``on`` only inside ``tenancy.unscoped`` and
  :func:`all_ledgers` (the full backup and its restore, the admin's row counts).

They are set with ``set_config(name, value, true)``: local to the transaction, so
gone at its COMMIT or ROLLBACK. A pooled connection handed to the next request (or a
PgBouncer server connection in transaction mode) never carries a ledger over.
The app connects as a role that owns nothing and has no ``BYPASSRLS``; schema
changes run as the owner (``homeledger db upgrade`` with ``HOMELEDGER_OWNER_DATABASE_URL``).
SQLite has no row-level security; there the ORM scoping is the one wall.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    DDL,
    Connection,
    bindparam,
    column,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session

from homeledger import tenancy

LEDGER = "homeledger.ledger"
ACTOR = "homeledger.actor"
ALL_LEDGERS = "homeledger.all_ledgers"

_APPLIED = "homeledger.row_security_applied"  # session.info: the settings this transaction has
_ON = "homeledger.row_security_on"  # session.info: whether the session's database has RLS


def _set_config(name: str, value: str):
    """``set_config(name, :value, true)``: local to the transaction (the ``true``)."""
    return func.set_config(literal_column(f"'{name}'"), bindparam(value), true())


_SET = select(
    _set_config(LEDGER, "ledger"),
    _set_config(ACTOR, "actor"),
    _set_config(ALL_LEDGERS, "all_ledgers"),
)
_SET_ALL = select(_set_config(ALL_LEDGERS, "value"))
_SHOW_ALL = select(func.current_setting(literal_column(f"'{ALL_LEDGERS}'"), true()))


def is_settings_statement(sql: str) -> bool:
    """Whether ``sql`` (as sent to the database) is this module's, not a query of data:
    for tests that count a page's statements."""
    return "set_config('homeledger." in sql


_NOTHING = ("", "", "")  # what a new transaction starts with: no ledger, nothing visible
_UNKNOWN = ("?", "?", "?")  # after a savepoint's end or a failed update: apply again


def _wanted(session: Session) -> tuple[str, str, str]:
    ledger, actor, everything = tenancy.scope(session)
    return (
        "" if ledger is None else str(ledger),
        "" if actor is None else str(actor),
        "on" if everything else "",
    )


def _apply(session: Session, connection: Connection) -> None:
    wanted = _wanted(session)
    if session.info.get(_APPLIED, _NOTHING) != wanted:
        ledger, actor, everything = wanted
        connection.execute(_SET, {"ledger": ledger, "actor": actor, "all_ledgers": everything})
    session.info[_APPLIED] = wanted


def _has_row_security(session: Session) -> bool:
    on = session.info.get(_ON)
    if on is None:
        on = session.info[_ON] = session.get_bind().dialect.name == "postgresql"
    return on


def _after_begin(session: Session, transaction, connection: Connection) -> None:
    """A transaction starts with nothing set; give it the session's scope. A savepoint
    (``begin_nested``) starts with its transaction's settings: only bring them up to date."""
    if connection.dialect.name != "postgresql":
        return
    if not transaction.nested:
        session.info[_APPLIED] = _NOTHING
    _apply(session, connection)


def _before_statement(session: Session) -> None:
    """The scope may have changed since the transaction began (someone signed in, a
    member switched ledgers, ``unscoped`` opened): bring the settings up to date."""
    if _has_row_security(session) and session.info.get(_APPLIED, _NOTHING) != _wanted(session):
        _apply(session, session.connection())


def _scope_changed(session: Session) -> None:
    """Someone signed in, a member switched ledgers, ``unscoped`` opened or closed: a
    transaction already under way gets the new scope at once, so even a statement that
    no ORM hook sees (a Core or DBAPI one on the session's connection) is held to it."""
    if isinstance(session, scoped_session):  # Flask-SQLAlchemy's db.session
        session = session()
    if not session.in_transaction():
        return  # the next transaction's after_begin applies it
    try:
        _before_statement(session)
    except SQLAlchemyError:
        # The transaction already failed (the scope changes on the way out of an
        # ``acting_as`` block that raised): it can only roll back, and the error that
        # failed it is the one to see. The next statement tries again.
        session.info[_APPLIED] = _UNKNOWN


def _after_transaction_end(session: Session, transaction) -> None:
    """COMMIT and ROLLBACK drop local settings: the next transaction starts with nothing.
    A savepoint's rollback restores the settings from before it, which may be another
    scope than the session's now (it switched ledgers, or ``unscoped`` closed, inside the
    savepoint): its transaction goes on, so it gets the session's scope again at once."""
    if transaction.parent is None:
        session.info.pop(_APPLIED, None)
    elif transaction.nested:
        session.info[_APPLIED] = _UNKNOWN
        if transaction.parent.is_active:
            _scope_changed(session)


@contextmanager
def all_ledgers(connection: Connection) -> Iterator[None]:
    """Every ledger's rows on ``connection`` for this block (PostgreSQL; SQLite has no
    wall to open). For whole-database work that is audited by its caller: the full
    backup, its restore, and the row counts beside them. It closes again afterwards."""
    if connection.dialect.name != "postgresql":
        yield
        return
    before = connection.scalar(_SHOW_ALL)
    connection.execute(_SET_ALL, {"value": "on"})
    close = {"value": before or ""}
    try:
        yield
    except BaseException:
        # After a database error the transaction is aborted: it can only roll back,
        # which drops the setting anyway. After any other error, close it here.
        with contextlib.suppress(SQLAlchemyError):
            connection.execute(_SET_ALL, close)
        raise
    connection.execute(_SET_ALL, close)


def _before_orm_execute(state) -> None:
    _before_statement(state.session)


def _before_flush(session: Session, flush_context, instances) -> None:
    _before_statement(session)


def install() -> None:
    """Keep each PostgreSQL transaction's settings in step with the session's scope
    (idempotent; ``tenancy.install`` calls it)."""
    if event.contains(Session, "after_begin", _after_begin):
        return
    event.listen(Session, "after_begin", _after_begin)
    event.listen(Session, "do_orm_execute", _before_orm_execute)
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    tenancy.scope_listeners.append(_scope_changed)


def grant_to_app_role(connection: Connection, role: str) -> None:
    """Let ``role`` (the app's login) read and write rows, and nothing more: no DDL, no
    ownership, so row-level security applies to it. Run by the owner after migrating."""
    quoted = connection.dialect.identifier_preparer.quote(role)
    schema = connection.dialect.identifier_preparer.quote(
        connection.scalar(select(func.current_schema()))
    )
    # The names are the database's own (current_schema) and the operator's role, quoted.
    for grant in (
        f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
        # The schema's revision is the owner's to write: read, so the app knows it.
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.alembic_version FROM {quoted}",
    ):
        connection.execute(DDL(grant))


def bypasses_row_security(connection: Connection) -> bool:
    """Whether the connected role would see every row anyway (a superuser, or a role
    with BYPASSRLS): then only the ORM scoping protects the ledgers."""
    roles = table("pg_roles", column("rolname"), column("rolsuper"), column("rolbypassrls"))
    return bool(
        connection.scalar(
            select(or_(roles.c.rolsuper, roles.c.rolbypassrls)).where(
                roles.c.rolname == func.current_user()
            )
        )
    )
