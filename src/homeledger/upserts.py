"""Which ``INSERT ... ON CONFLICT`` forms ``tenancy`` lets through on a ledger table."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ClauseElement

_DO_NOTHING = (postgresql.dml.OnConflictDoNothing, sqlite.dml.OnConflictDoNothing)
_DO_UPDATE = (postgresql.dml.OnConflictDoUpdate, sqlite.dml.OnConflictDoUpdate)


def unconfined(
    on_conflict, table: str, ledger_tables_in: Callable[[ClauseElement], set]
) -> str | None:
    """Why an upsert into ``table`` could reach another ledger, or None if it cannot.
    ``ledger_tables_in`` names the ledger tables a clause reads.

    ``ON CONFLICT DO NOTHING`` changes no row, so it is always allowed. ``DO UPDATE``
    changes the row already holding the key, so that key must include the ledger:

    * the conflict target is a list of columns leading with ``user_id`` (the inserted
      row carries the acting ledger's id, so the row it collides with is the ledger's
      own); a constraint given by name, or no target, is refused;
    * SET does not write ``user_id``;
    * SET and its WHERE read no ledger table (a subquery there is not confined).
    """
    if on_conflict is None or isinstance(on_conflict, _DO_NOTHING):
        return None
    if not isinstance(on_conflict, _DO_UPDATE):
        return f"an unknown INSERT clause on {table} cannot be checked"
    target = getattr(on_conflict, "inferred_target_elements", None) or []
    if getattr(on_conflict, "constraint_target", None) is not None or not target:
        return f"an upsert into {table} must name its conflict columns, leading with user_id"
    if getattr(target[0], "key", target[0]) != "user_id":
        return (
            f"an upsert into {table} could overwrite another ledger's rows: "
            "its conflict columns must lead with user_id"
        )
    values = on_conflict.update_values_to_set or []
    if "user_id" in {getattr(key, "key", key) for key, _ in values}:
        return f"an upsert may not move {table} rows to another ledger"
    read = [value for _, value in values] + [on_conflict.update_whereclause]
    if any(ledger_tables_in(clause) for clause in read if isinstance(clause, ClauseElement)):
        return f"an upsert into {table} may not read ledger tables in SET or WHERE"
    return None
