"""What the acting person's role in a ledger lets them write, and the record of who wrote.

Called by ``tenancy.py``'s hooks, below every service, so no write path can forget it:

* a **viewer** changes nothing: any ORM write to a ledger table raises
  :class:`ReadOnly` (the app answers 403 and audits the attempt);
* rows people enter (``models.base.Attributed``) get ``created_by_id`` and
  ``updated_by_id``, also when written in bulk;
* what a member writes in someone else's ledger is counted into one ``ledger.write``
  audit entry per database transaction: ``{"added"|"changed"|"removed": {table: rows}}``,
  with the actor and the ledger.
"""

from __future__ import annotations

from sqlalchemy import Integer, literal
from sqlalchemy.orm import ORMExecuteState, Session

from homeledger.models.audit import AuditLog
from homeledger.models.base import Attributed, UserOwned

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
_MEMBER_WRITES = "homeledger.member_writes"  # this transaction's ledger.write entry


class ReadOnly(Exception):
    """A viewer of a shared ledger tried to change it."""

    def __init__(self, table: str, *, actor_id: int | None, ledger_user_id: int) -> None:
        self.table = table
        self.actor_id = actor_id
        self.ledger_user_id = ledger_user_id
        super().__init__("you can read this ledger but not change it: its owner made you a viewer")


def refuse_viewer(role: str | None, table: str, actor: int | None, ledger: int | None) -> None:
    if role == VIEWER:
        raise ReadOnly(table, actor_id=actor, ledger_user_id=ledger)


def refuse_viewer_lock(
    state: ORMExecuteState, role: str | None, actor: int | None, ledger: int | None
) -> None:
    """``SELECT ... FOR UPDATE`` of ledger rows is the first step of changing them: a
    viewer is refused there already. (PostgreSQL's row-level security would hide the row
    from such a lock, a 404 where the write itself answers 403.)"""
    mapper = state.bind_mapper
    locks = state.is_select and getattr(state.statement, "_for_update_arg", None) is not None
    if locks and mapper is not None and issubclass(mapper.class_, UserOwned):
        refuse_viewer(role, mapper.local_table.name, actor, ledger)


def check_and_stamp_flush(
    session: Session,
    written: list[tuple[str, object]],
    role: str | None,
    actor: int | None,
    ledger: int,
) -> None:
    """Before a flush writes ledger rows (``(change, row)``, change being ``added``,
    ``changed`` or ``removed``): refuse a viewer, stamp who, count a member's writes."""
    counts: dict[str, dict[str, int]] = {}
    for change, row in written:
        table = row.__table__.name
        refuse_viewer(role, table, actor, ledger)
        counts.setdefault(change, {})
        counts[change][table] = counts[change].get(table, 0) + 1
        if isinstance(row, Attributed):
            if change == "added" and row.created_by_id is None:
                row.created_by_id = actor
            elif change == "changed":
                row.updated_by_id = actor
    note_member_writes(session, counts, actor, ledger)


def stamp_bulk_insert(model: type, rows: list[dict], actor: int | None) -> None:
    """``session.execute(insert(Model), rows)``: who entered each row people enter."""
    if issubclass(model, Attributed):
        for row in rows:
            if row.get("created_by_id") is None:
                row["created_by_id"] = actor


def stamp_changed_by(state: ORMExecuteState, actor: int | None) -> None:
    """Who changed the rows a bulk statement changes, on rows people enter:
    ``update(Model).where(...).values(...)``, and ``INSERT … ON CONFLICT DO UPDATE``
    (setting a budget that exists), which changes the row already there."""
    if not issubclass(state.bind_mapper.class_, Attributed):
        return
    statement = state.statement
    if state.is_update:
        values = getattr(statement, "_values", None) or {}
        if "updated_by_id" not in {getattr(key, "key", key) for key in values}:
            state.statement = statement.values(updated_by_id=actor)
        return
    on_conflict = getattr(statement, "_post_values_clause", None)
    values = getattr(on_conflict, "update_values_to_set", None)  # DO UPDATE only
    if values is None or "updated_by_id" in {getattr(key, "key", key) for key, _ in values}:
        return
    stamped = on_conflict._clone()  # the actor as a bound parameter, not compiled in
    stamped.update_values_to_set = [*values, ("updated_by_id", literal(actor, Integer))]
    statement = statement._clone()
    statement._post_values_clause = stamped
    state.statement = statement


def counted_member_write(
    state: ORMExecuteState, table: str | None, change: str, actor: int | None, ledger: int | None
):
    """Run a member's bulk statement now, so that the rows it wrote can be counted into
    the transaction's audit entry; ``None`` (run it as usual) for anything else."""
    if table is None or actor == ledger:
        return None
    if change == "added" and _skips_taken_rows(state.statement):
        return _counted_insert_or_skip(state, table, actor, ledger)
    result = state.invoke_statement()
    rows = state.parameters
    if change == "added" and rows is not None:
        count = 1 if isinstance(rows, dict) else len(rows)
    else:
        count = max(getattr(result, "rowcount", 0) or 0, 0)
    note_member_writes(state.session, {change: {table: count}}, actor, ledger)
    return result


def _skips_taken_rows(statement) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING``: rows a unique index refuses are not added."""
    on_conflict = getattr(statement, "_post_values_clause", None)
    return on_conflict is not None and not hasattr(on_conflict, "update_values_to_set")


def _counted_insert_or_skip(
    state: ORMExecuteState, table: str, actor: int | None, ledger: int | None
):
    """Count the rows an insert-or-skip really added, not the rows it was given: its
    RETURNING rows (the primary key's, if the caller asked for none)."""
    statement = state.statement
    if not statement._returning:
        statement = statement.returning(state.bind_mapper.primary_key[0])
    result = state.invoke_statement(statement=statement).freeze()
    note_member_writes(state.session, {"added": {table: len(result.data)}}, actor, ledger)
    return result()


def note_member_writes(
    session: Session, counts: dict[str, dict[str, int]], actor: int | None, ledger: int
) -> None:
    """Add ``counts`` to this transaction's one ``ledger.write`` entry, if ``actor`` is
    someone other than the ledger's owner."""
    if actor == ledger:
        return
    entry = session.info.get(_MEMBER_WRITES)
    if entry is None or entry not in session:
        entry = AuditLog.entry("ledger.write", actor_id=actor, ledger_user_id=ledger)
        session.add(entry)
        session.info[_MEMBER_WRITES] = entry
    totals = {change: dict(tables) for change, tables in (entry.extra_data or {}).items()}
    for change, tables in counts.items():
        for table, count in tables.items():
            if count:
                totals.setdefault(change, {})
                totals[change][table] = totals[change].get(table, 0) + count
    entry.extra_data = totals  # a new dict, so the JSON column is written again


def forget_member_writes(session: Session, transaction) -> None:
    """After the outermost transaction ends, the next one starts an entry of its own."""
    if transaction.parent is None:
        session.info.pop(_MEMBER_WRITES, None)
