"""An export file loaded back into a new, empty account: every row, every total to the cent.

"Empty" means what a brand-new account has: its settings row and the seed categories,
as they were seeded (any settings). Those are replaced by the file's. Anything more
(a transaction, an owner, a renamed category) and the import is refused, as it is for
a file of another format or an unknown ``format_version``, or a damaged one: not
JSON, a value that does not fit its column (``RowError`` names table and column), the
same id twice, or a reference to a row that is not in the file. The whole file is
checked before anything is written, and the writing is one database transaction, so a
refusal writes nothing.

Ids are new in this database. Every reference between the file's rows is renumbered:
the columns are found from the tables' foreign keys (``ledger_tables``), plus the few
ids kept inside JSON (``JSON_REFERENCES``).

Memory: the uploaded file is read whole and parsed at once (``json.loads``), so the
server holds the file and its rows while it works: about 55 MB at the peak for a
ledger of 10,000 transactions (a 4 MB file), half a gigabyte for 100,000.
``MAX_FILE_BYTES`` (100 MB, some 250,000 transactions) bounds it. The export, by
contrast, streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from homeledger import ledger_roles, tenancy
from homeledger.models import Category, CategorySeed, User, UserSettings
from homeledger.services import audit, ledger_json, onboarding, sharing, table_rows
from homeledger.services.errors import ServiceError
from homeledger.services.ledger_export import FORMAT
from homeledger.services.ledger_tables import (
    JSON_REFERENCES,
    LedgerTable,
    count_rows,
    in_words,
    ledger_tables,
)
from homeledger.services.table_rows import RowError, load_row

MAX_FILE_BYTES = 100 * 1024 * 1024
READ_VERSIONS = (1,)
_BATCH = 2000
_SEED_FIELDS = ("name", "type", "color", "icon")


class ImportRefused(ServiceError):
    """The file was not imported, and nothing was written; the message says why."""

    code = "import_refused"


class NotEmpty(ImportRefused):
    code = "not_empty"


class WrongFormat(ImportRefused):
    code = "wrong_format"


class DamagedFile(ImportRefused):
    code = "damaged_file"


@dataclass(frozen=True)
class Imported:
    """What went in: rows per table, and the account the file came from."""

    counts: dict[str, int]
    exported_by: str | None
    exported_at: str | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def import_ledger(
    session: Session, user: User, data: bytes, *, ip_address: str | None = None
) -> Imported:
    """Load an export file into ``user``'s own ledger (the acting one), which must be new
    and empty. Flushes, never commits; on ``ImportRefused`` the caller rolls back."""
    sharing.require_owner(session, "restore this ledger")
    refuse_unless_empty(session)  # before parsing: a full ledger costs the server nothing
    document = read_document(data)
    _lock_account(session, user)
    refuse_unless_empty(session)  # again under the lock: another import may have won
    rows = plan_rows(document.pop("tables"))  # the file's own rows can go once read
    try:
        _clear_new_account(session)
        counts = _write(session, rows)
    except (IntegrityError, DataError, OverflowError) as exc:
        problem = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        raise DamagedFile(f"The file's rows break a rule of the ledger ({problem}).") from None
    account = document.get("account")
    exported_by = account.get("username") if isinstance(account, dict) else None
    exported_at = document.get("exported_at")
    onboarding.skip(user)  # the whole ledger came in: nothing left for the wizard
    audit.record_own(
        session,
        "data.import",
        user.id,
        ip_address=ip_address,
        extra={"counts": counts, "exported_by": exported_by, "exported_at": exported_at},
    )
    return Imported(counts, _text_or_none(exported_by), _text_or_none(exported_at))


def record_refusal(
    session: Session, user: User, refusal: ImportRefused, *, ip_address: str | None = None
) -> None:
    """Audit a refused import (after the caller's rollback, so only this is written)."""
    audit.record_own(
        session,
        "data.import",
        user.id,
        ip_address=ip_address,
        outcome="failure",
        extra={"reason": refusal.code, "message": str(refusal)},
    )


def read_document(data: bytes) -> dict[str, Any]:
    """The file as a JSON object of this format and a version this app reads."""
    if len(data) > MAX_FILE_BYTES:
        raise DamagedFile(f"The file is larger than {MAX_FILE_BYTES // 2**20} MB.")
    try:
        return table_rows.read_document(data, format=FORMAT, versions=READ_VERSIONS)
    except table_rows.DocumentProblem as problem:
        if problem.kind == "not_json":
            raise DamagedFile(
                "The file is not a Homeledger export: it is not JSON text (or it was cut short)."
            ) from None
        if problem.kind == "format":
            named = f" (its format is {problem.found!r:.60})" if problem.found else ""
            raise WrongFormat(f"The file is not a Homeledger ledger export{named}.") from None
        if problem.kind == "version":
            raise WrongFormat(
                f"The file's format version {problem.found!r:.20} is not one this version of "
                f"Homeledger reads (it reads version {', '.join(map(str, READ_VERSIONS))})."
            ) from None
        raise DamagedFile("The file has no tables.") from None


def refuse_unless_empty(session: Session) -> None:
    """NotEmpty unless the acting ledger is as a brand-new account has it."""
    if reason := not_empty_reason(session):
        raise NotEmpty(reason)


def not_empty_reason(session: Session, counts: dict[str, int] | None = None) -> str | None:
    """Why the acting ledger cannot take an import (what it holds already), or None.
    ``counts``: the ledger's ``count_rows``, when the caller has them already."""
    counts = dict(counts) if counts is not None else count_rows(session)
    counts["user_settings"] = 0  # one settings row comes with every account
    counts["categories"] = 0  # the seed categories, unless changed (below)
    changed = () if _only_seed_categories(session) else ("categories of its own",)
    if not any(counts.values()) and not changed:
        return None
    return (
        f"This account already holds {in_words(counts, changed)}; an export can only be "
        "imported into a new, empty account. Create a new account and import it there."
    )


def _only_seed_categories(session: Session) -> bool:
    """Whether the ledger's categories are seed categories, each as it was seeded."""
    seed_rows = session.execute(select(*(getattr(CategorySeed, f) for f in _SEED_FIELDS)))
    seeds = {tuple(row) for row in seed_rows}
    ours = session.execute(
        select(*(getattr(Category, f) for f in _SEED_FIELDS), Category.is_active)
    )
    return all(tuple(row[:-1]) in seeds and row[-1] for row in ours)


def _lock_account(session: Session, user: User) -> None:
    """Two imports into one account at once: the second waits, then finds it not empty
    (PostgreSQL; SQLite lets one writer in at a time)."""
    session.execute(select(User.id).where(User.id == user.id).with_for_update())


# --- checking the whole file before anything is written -----------------------------------------


@dataclass(frozen=True)
class _Row:
    old_id: int
    values: dict[str, Any]


def plan_rows(tables: dict[str, Any]) -> dict[str, list[_Row]]:
    """Every row of the file read and checked, by table; DamagedFile at the first problem."""
    known = {table.name for table in ledger_tables()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise DamagedFile(f"The file has a table this version does not know: {unknown[0]!r:.60}.")
    planned: dict[str, list[_Row]] = {}
    try:
        for table in ledger_tables():
            planned[table.name] = _table_rows(table, tables.get(table.name, []))
        ids = {name: {row.old_id for row in rows} for name, rows in planned.items()}
        for table in ledger_tables():
            _check_references(table, planned[table.name], ids)
    except RowError as exc:
        raise DamagedFile(f"The file is damaged: {exc}.") from None
    return planned


def _table_rows(table: LedgerTable, raw: Any) -> list[_Row]:
    if not isinstance(raw, list):
        raise RowError(f"{table.name}: expected a list of rows")
    rows, seen = [], set()
    for data in raw:
        values = load_row(table.table, data, skip=frozenset({"user_id"}) | table.people)
        ledger_json.check(table.name, values)  # JSON columns in the shape pages read
        old_id = values.pop("id")
        if old_id in seen:
            raise RowError(f"{table.name}.id: {old_id} appears twice")
        seen.add(old_id)
        rows.append(_Row(old_id, values))
    return rows


def _check_references(table: LedgerTable, rows: list[_Row], ids: dict[str, set[int]]) -> None:
    for column, target in table.references.items():
        for row in rows:
            value = row.values[column]
            if value is not None and value not in ids[target]:
                raise RowError(
                    f"{table.name}.{column}: {value} — the file has no {target} row with that id"
                )


# --- writing -------------------------------------------------------------------------------------


def _clear_new_account(session: Session) -> None:
    """What every new account starts with makes way for the file's own."""
    session.execute(delete(Category).execution_options(synchronize_session=False))
    session.execute(delete(UserSettings).execution_options(synchronize_session=False))


def _write(session: Session, planned: dict[str, list[_Row]]) -> dict[str, int]:
    new_ids: dict[str, dict[int, int]] = {}
    for table in ledger_tables():
        rows = planned[table.name]
        values = [_renumbered(table, row.values, new_ids) for row in rows]
        inserted = _insert(session, table.model, values)
        new_ids[table.name] = dict(zip((row.old_id for row in rows), inserted, strict=True))
    return {name: len(ids) for name, ids in new_ids.items()}


def _renumbered(table: LedgerTable, values: dict, new_ids: dict[str, dict[int, int]]) -> dict:
    for column, target in table.references.items():
        if values[column] is not None:
            values[column] = new_ids[target][values[column]]
    for (name, column), target in JSON_REFERENCES.items():
        if name == table.name:
            values[column] = _renumbered_json(values[column], new_ids[target])
    return values


def _renumbered_json(summary: Any, new_ids: dict[int, int]) -> Any:
    """An import batch's summary with its skipped rules' ids renumbered; a rule no longer
    in the ledger (deleted since) is named without an id."""
    if not isinstance(summary, dict) or not isinstance(summary.get("skipped_rules"), list):
        return summary
    for rule in summary["skipped_rules"]:
        if isinstance(rule, dict) and "id" in rule:
            rule["id"] = new_ids.get(rule["id"]) if type(rule["id"]) is int else None
    return summary


def _insert(session: Session, model: type, rows: list[dict]) -> list[int]:
    """Insert ``rows`` into the acting ledger; their new ids, in order.

    A Core insert on the session's connection, each row stamped with the acting ledger
    and, on rows people enter, its owner as who entered it, here (tenancy's hooks stamp
    ORM statements; this one they do not see): the ORM's
    bulk insert with RETURNING in parameter order split 100,000 rows into thousands of
    statements on PostgreSQL, where this is one multi-row INSERT per thousand rows.
    """
    ledger, actor = tenancy.current_ledger(session), tenancy.current_actor(session)
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    connection = session.connection()
    ids: list[int] = []
    for start in range(0, len(rows), _BATCH):
        batch = [{**row, "user_id": ledger} for row in rows[start : start + _BATCH]]
        ledger_roles.stamp_bulk_insert(model, batch, actor)
        ids += connection.execute(statement, batch).scalars().all()
    return ids


def _text_or_none(value: Any) -> str | None:
    return value[:100] if isinstance(value, str) else None
