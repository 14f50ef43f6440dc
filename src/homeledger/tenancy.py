"""The one place that confines every ORM statement to the acting ledger.

Two ideas are kept apart: the **ledger**, whose rows are read and written
(``user_id`` on every :class:`~homeledger.models.base.UserOwned` row), and the
**actor**, who is signed in and doing it (recorded in the audit log).

They are the same person unless the ledger is shared: a member acting in
someone else's ledger (``services/sharing.py`` chooses it) is the actor, with a
**role** there. Sharing never changes a query; what a role may write, and the
record of who wrote, are ``ledger_roles.py``'s, called from the hooks here.

How it works: ``install()`` hooks SQLAlchemy's ``do_orm_execute`` and
``before_flush`` events on every Session. Each SELECT/UPDATE/DELETE that
touches a user-owned model gets ``user_id = <ledger>`` added by
``with_loader_criteria``; each INSERT gets the ledger's id stamped; a
statement that touches user-owned data while no ledger is set raises
:class:`TenancyError` instead of returning everyone's rows. Admin-wide work
goes through :func:`unscoped`, which is explicit and audited. On PostgreSQL,
``row_security.py`` hands the same scope to the database's own row-level security.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.lambdas import StatementLambdaElement

from homeledger import confinement, ledger_roles, upserts
from homeledger.confinement import owned_leaf as _owned_leaf
from homeledger.confinement import owned_table_names as _owned_table_names
from homeledger.ledger_roles import OWNER
from homeledger.models.audit import AuditLog
from homeledger.models.base import UserOwned

_LEDGER = "homeledger.ledger_user_id"
_ACTOR = "homeledger.actor_id"
_ROLE = "homeledger.role"
_UNSCOPED = "homeledger.unscoped"


class TenancyError(RuntimeError):
    """User-owned data was touched without an acting ledger, or across ledgers."""


def set_ledger(
    session: Session,
    ledger_user_id: int | None,
    actor_id: int | None = None,
    role: str = OWNER,
) -> None:
    """Make ``ledger_user_id`` the ledger every statement on ``session`` is confined to.

    ``actor_id`` defaults to the ledger's owner; someone else acting in it is a
    member with ``role`` (``editor`` or ``viewer``, from ``services.sharing``).
    Switching ledgers forgets every loaded row of another ledger, so
    ``session.get`` cannot hand one back.
    """
    actor = actor_id if actor_id is not None else ledger_user_id
    if actor != ledger_user_id and role == OWNER:
        raise TenancyError("someone acting in another person's ledger needs a member's role")
    if session.info.get(_LEDGER) != ledger_user_id:
        _forget_other_ledgers(session, ledger_user_id)
    session.info[_LEDGER] = ledger_user_id
    session.info[_ACTOR] = actor
    session.info[_ROLE] = role
    _scope_changed(session)


def _forget_other_ledgers(session: Session, ledger_user_id: int | None) -> None:
    """Expunge loaded ledger rows that do not belong to ``ledger_user_id``.

    Users, audit entries and other shared rows stay, as do rows of the ledger
    itself. A row whose ``user_id`` is not loaded is expunged to be safe.
    """
    for obj in list(session.identity_map.values()):
        if isinstance(obj, UserOwned):
            owner = inspect(obj).dict.get("user_id")
            if owner is None or owner != ledger_user_id:
                session.expunge(obj)


def clear(session: Session) -> None:
    """Forget the acting ledger; user-owned statements fail until one is set again."""
    _forget_other_ledgers(session, None)
    for key in (_LEDGER, _ACTOR, _ROLE, _UNSCOPED):
        session.info.pop(key, None)
    _scope_changed(session)


# Told of every change of a session's scope: ``row_security`` keeps PostgreSQL in step.
scope_listeners: list[Callable[[Session], None]] = []


def _scope_changed(session: Session) -> None:
    for listener in scope_listeners:
        listener(session)


def _open(session: Session, everything: bool) -> None:
    """Open (or close) the ``unscoped`` door on ``session``."""
    session.info[_UNSCOPED] = everything
    _scope_changed(session)


def has_ledger(session: Session) -> bool:
    """Whether statements on ``session`` are confined to a ledger (someone is signed in)."""
    return session.info.get(_LEDGER) is not None


def scope(session: Session) -> tuple[int | None, int | None, bool]:
    """(acting ledger, actor, whether ``unscoped`` is open), for ``row_security``."""
    return session.info.get(_LEDGER), session.info.get(_ACTOR), bool(session.info.get(_UNSCOPED))


def current_ledger(session: Session) -> int:
    """The id of the ledger being acted on; raises if there is none."""
    ledger = session.info.get(_LEDGER)
    if ledger is None:
        raise TenancyError("no acting ledger on this session")
    return ledger


def current_actor(session: Session) -> int | None:
    return scope(session)[1]


def current_role(session: Session) -> str:
    """The actor's role in the acting ledger: ``owner``, ``editor`` or ``viewer``."""
    current_ledger(session)
    return session.info.get(_ROLE, OWNER)


@contextmanager
def acting_as(
    session: Session, ledger_user_id: int, actor_id: int | None = None, role: str = OWNER
) -> Iterator[None]:
    """Run a block confined to one ledger, restoring the previous scope afterwards.

    Inside an ``unscoped()`` block too: the inner block is confined, and the
    door is open again after it.
    """
    saved = {key: session.info.get(key) for key in (_LEDGER, _ACTOR, _ROLE, _UNSCOPED)}
    set_ledger(session, ledger_user_id, actor_id, role)
    _open(session, False)
    try:
        yield
    finally:
        if saved[_LEDGER] is None:
            clear(session)
        else:
            set_ledger(session, saved[_LEDGER], saved[_ACTOR], saved[_ROLE] or OWNER)
        _open(session, bool(saved[_UNSCOPED]))


@contextmanager
def unscoped(session: Session, *, reason: str, actor_id: int | None = None) -> Iterator[None]:
    """The one door to every ledger at once, for admin work; it writes an audit entry.

    Rows of other ledgers loaded inside are expunged on the way out, so they
    cannot leak into scoped code that reuses the session.
    """
    actor = actor_id if actor_id is not None else session.info.get(_ACTOR)
    session.add(AuditLog.entry("tenancy.unscoped", actor_id=actor, extra={"reason": reason}))
    was = session.info.get(_UNSCOPED, False)
    _open(session, True)
    try:
        yield
    finally:
        _open(session, was)
        if not was:
            session.flush()
            _forget_other_ledgers(session, session.info.get(_LEDGER))


def _touched_owned_tables(statement) -> set[str]:
    names = _owned_table_names()
    return {
        node.name
        for node in visitors.iterate(statement)
        if isinstance(node, Table) and node.name in names
    }


def _refuse_unsafe_writes(state: ORMExecuteState) -> None:
    """Write forms that could reach another ledger and have a safe alternative."""
    statement = state.statement
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, UserOwned):
        if _owned_leaf(getattr(statement, "table", None)) is not None:  # unconfined, unchecked
            raise TenancyError(f"write {statement.table.name} through its model, not its Table")
        return
    table = mapper.local_table.name
    if state.is_update and state.parameters:
        raise TenancyError(
            f"bulk UPDATE of {table} by primary key is not scoped; use update().where()"
        )
    if state.is_update and "user_id" in {
        getattr(key, "key", key) for key in (getattr(statement, "_values", None) or {})
    }:
        raise TenancyError(f"UPDATE may not move {table} rows to another ledger")
    if state.is_insert:
        on_conflict = getattr(statement, "_post_values_clause", None)
        if problem := upserts.unconfined(on_conflict, table, _touched_owned_tables):
            raise TenancyError(problem)


def _scope_statement(state: ORMExecuteState):
    if state.is_relationship_load:
        return  # inherits the criteria of the statement that loaded the parent
    session = state.session
    if session.info.get(_UNSCOPED):
        return
    ledger = session.info.get(_LEDGER)
    if isinstance(state.statement, StatementLambdaElement):
        raise TenancyError("lambda_stmt() cannot be confined to a ledger; use select()")
    actor, role = session.info.get(_ACTOR), session.info.get(_ROLE)
    writes = _written_table(state)
    ledger_roles.refuse_viewer_lock(state, role, actor, ledger)
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_unsafe_writes(state)  # a write form no one may use, whatever their role
    if writes is not None:
        ledger_roles.refuse_viewer(role, writes, actor, ledger)
        ledger_roles.stamp_changed_by(state, actor)
    if state.is_insert:
        _stamp_bulk_insert(state, ledger, actor)
        return ledger_roles.counted_member_write(state, writes, "added", actor, ledger)
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if ledger is None:
        if touched := _touched_owned_tables(state.statement):
            names = ", ".join(sorted(touched))
            raise TenancyError(f"query on user-owned data ({names}) with no acting ledger")
        return
    # Two layers (confinement.py): the ORM's criteria reach the entities it loads,
    # joins it builds and the target of UPDATE/DELETE; the copied tree reaches the rest.
    if state.is_select:
        cached = _compiled_caching(state)
        state.statement = confinement.confined_select(
            state.statement, ledger, _loader_criteria, cached=cached
        )
    else:  # UPDATE/DELETE: the ORM evaluates its WHERE in Python, so values must be in the tree
        state.statement = confinement.copy_confined(state.statement, ledger).options(
            _loader_criteria(ledger)
        )
    change = "changed" if state.is_update else "removed"
    return ledger_roles.counted_member_write(state, writes, change, actor, ledger)


def _loader_criteria(ledger: int):
    return with_loader_criteria(UserOwned, lambda cls: cls.user_id == ledger, include_aliases=True)


def _compiled_caching(state: ORMExecuteState) -> bool:
    """Whether SQLAlchemy will take this execution's values from its cache key (compiled
    caching on, which only an engine or a connection can turn off): only then can a
    confined template stand in for the statement."""
    connection = state.session.connection(bind_arguments=state.bind_arguments)
    cache = connection._execution_options.get("compiled_cache", connection.engine._compiled_cache)
    return cache is not None and connection.dialect._supports_statement_cache


def _written_table(state: ORMExecuteState) -> str | None:
    """The ledger table an INSERT, UPDATE or DELETE statement writes through its model
    (one naming the Table instead is refused for everyone by ``_refuse_unsafe_writes``)."""
    mapper = state.bind_mapper
    if not (state.is_insert or state.is_update or state.is_delete) or mapper is None:
        return None
    return mapper.local_table.name if issubclass(mapper.class_, UserOwned) else None


def _stamp_bulk_insert(state: ORMExecuteState, ledger: int | None, actor: int | None) -> None:
    """``session.execute(insert(Model), [rows])``: stamp or check user_id on each row."""
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, UserOwned):
        return
    rows = state.parameters
    statement = state.statement
    if (
        rows is None
        or getattr(statement, "_values", None)
        or getattr(statement, "_multi_values", None)
    ):
        # Values written into the statement itself (.values(...)) would escape the stamp.
        raise TenancyError("insert into user-owned data must pass rows as parameters")
    if ledger is None:
        raise TenancyError(f"insert into {mapper.local_table.name} with no acting ledger")
    rows = [rows] if isinstance(rows, dict) else rows
    for row in rows:
        user_id = row.get("user_id")
        if user_id is None:
            row["user_id"] = ledger
        elif user_id != ledger:
            raise TenancyError(f"insert into {mapper.local_table.name} for another ledger")
    ledger_roles.stamp_bulk_insert(mapper.class_, rows, actor)


def _stamp_and_check_flush(session: Session, flush_context, instances) -> None:
    if session.info.get(_UNSCOPED):
        return
    ledger = session.info.get(_LEDGER)
    written: list[tuple[str, UserOwned]] = []
    for obj in session.new:
        if not isinstance(obj, UserOwned):
            continue
        if ledger is None:
            raise TenancyError(f"cannot save {type(obj).__name__} with no acting ledger")
        if obj.user_id is None:
            obj.user_id = ledger
        elif obj.user_id != ledger:
            raise TenancyError(f"cannot save {type(obj).__name__} into another ledger")
        written.append(("added", obj))
    for change, objects in (("changed", session.dirty), ("removed", session.deleted)):
        for obj in list(objects):
            if not isinstance(obj, UserOwned):
                continue
            history = inspect(obj).attrs.user_id.history
            original = history.deleted[0] if history.deleted else obj.user_id
            if ledger is None or original != ledger or obj.user_id != ledger:
                raise TenancyError(f"cannot change {type(obj).__name__} of another ledger")
            if change == "removed" or session.is_modified(obj):  # not set to the same value
                written.append((change, obj))
    if written:
        actor, role = session.info.get(_ACTOR), session.info.get(_ROLE)
        ledger_roles.check_and_stamp_flush(session, written, role, actor, ledger)


def install() -> None:
    """Attach the scoping hooks, and ``row_security``'s, to every Session (idempotent)."""
    from homeledger import row_security  # it reads the scope kept here

    row_security.install()
    if event.contains(Session, "do_orm_execute", _scope_statement):
        return
    event.listen(Session, "do_orm_execute", _scope_statement)
    event.listen(Session, "before_flush", _stamp_and_check_flush)
    event.listen(Session, "after_transaction_end", ledger_roles.forget_member_writes)
