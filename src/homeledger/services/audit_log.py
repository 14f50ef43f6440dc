"""Reading the audit log, for admins: a filter, keyset pages newest first, the rows streamed.

Audit entries belong to no ledger (``AuditLog`` is not ``UserOwned``), so tenancy
leaves these queries alone: an admin acting in their own ledger reads every entry
without opening ``tenancy.unscoped``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from homeledger.models import AuditLog, User
from homeledger.models.base import MAX_ID
from homeledger.services import audit, keyset
from homeledger.services.errors import NotFound, ValidationError

# Every outcome the application records (services.audit, rate limits, tenancy).
OUTCOMES = ("success", "failure")
MAX_PAGE = 200
MAX_ACTION = 64
# Newest first: (created_at, id) descending, the order of the log's indexes.
_NEWEST = keyset.Order("newest", "time", AuditLog.created_at, True)
# Rows fetched at a time when the whole filtered log is streamed.
STREAM_BATCH = 500


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show; every field left as None matches everything.

    ``action`` is a whole action (``auth.login``), or a prefix when it ends in "."
    or "*" (``auth.`` and ``auth*`` are every ``auth.…`` action). The dates are
    days in UTC, both ends included.
    """

    actor_id: int | None = None
    ledger_user_id: int | None = None
    action: str | None = None
    outcome: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def problems(self) -> dict[str, str]:
        found = {}
        for name in ("actor_id", "ledger_user_id"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int) and 0 < value <= MAX_ID):
                found[name] = "is not an id"
        if self.action is not None:
            if not self.action or len(self.action) > MAX_ACTION or not self.action.isprintable():
                found["action"] = f"must be 1-{MAX_ACTION} printable characters"
            elif "*" in self.action[:-1]:
                found["action"] = "may hold '*' only at its end"
        if self.outcome is not None and self.outcome not in OUTCOMES:
            found["outcome"] = f"must be one of {', '.join(OUTCOMES)}"
        if self.date_from and self.date_to and self.date_to < self.date_from:
            found["date_to"] = "must not be before the start date"
        return found

    def conditions(self) -> list:
        """The SQL conditions of this filter (ValidationError if a value is wrong)."""
        if problems := self.problems():
            raise ValidationError(problems)
        found = []
        if self.actor_id is not None:
            found.append(AuditLog.actor_id == self.actor_id)
        if self.ledger_user_id is not None:
            found.append(AuditLog.ledger_user_id == self.ledger_user_id)
        if self.action is not None:
            if self.action.endswith(("*", ".")):
                prefix = self.action.removesuffix("*")
                found.append(AuditLog.action.startswith(prefix, autoescape=True))
            else:
                found.append(AuditLog.action == self.action)
        if self.outcome is not None:
            found.append(AuditLog.outcome == self.outcome)
        if self.date_from is not None:
            found.append(AuditLog.created_at >= _midnight(self.date_from))
        if self.date_to is not None and self.date_to < date.max:
            found.append(AuditLog.created_at < _midnight(self.date_to + timedelta(days=1)))
        return found

    def in_use(self) -> dict[str, Any]:
        """The fields set, as text (what an export's own audit entry records)."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(self).items()
            if value is not None
        }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One audit entry with the names of the people it concerns.

    ``actor_name`` is the acting account's username now, or else the name given
    at the time (a failed sign-in as an unknown username; an account since deleted).
    """

    id: int
    created_at: datetime
    actor_id: int | None
    actor_name: str | None
    ledger_user_id: int | None
    ledger_name: str | None
    action: str
    outcome: str
    ip_address: str | None
    details: dict | None


@dataclass(frozen=True)
class Page:
    items: list[Entry]
    next_cursor: str | None
    previous_cursor: str | None = None


def _entry(row: AuditLog, names: dict[int, str]) -> Entry:
    return Entry(
        id=row.id,
        created_at=row.created_at,
        actor_id=row.actor_id,
        actor_name=names.get(row.actor_id) or row.actor_name,
        ledger_user_id=row.ledger_user_id,
        ledger_name=names.get(row.ledger_user_id),
        action=row.action,
        outcome=row.outcome,
        ip_address=row.ip_address,
        details=row.extra_data,
    )


def _usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def _filtered(criteria: AuditFilter) -> Select:
    return select(AuditLog).where(*criteria.conditions())


def page(
    session: Session, criteria: AuditFilter, *, cursor: str | None = None, limit: int = 50
) -> Page:
    """One page of the matching entries, newest first, with the cursors of the pages
    after (older) and before (newer) it, None at either end.

    Keyset paging on (created_at, id): each page is an index range scan, however
    deep into the log, and an entry written meanwhile neither repeats nor hides one.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError({"limit": f"must be between 1 and {MAX_PAGE}"})
    rows, next_cursor, previous_cursor = keyset.read(
        session, _filtered(criteria), _NEWEST, AuditLog.id, cursor, limit
    )
    names = _usernames(session, {r.actor_id for r in rows} | {r.ledger_user_id for r in rows})
    return Page([_entry(r, names) for r in rows], next_cursor, previous_cursor)


def get(session: Session, entry_id: int) -> Entry:
    """One entry; NotFound if there is none with this id."""
    row = session.get(AuditLog, entry_id) if 0 < entry_id <= MAX_ID else None
    if row is None:
        raise NotFound("no such audit entry")
    return _entry(row, _usernames(session, {row.actor_id, row.ledger_user_id}))


def stream(session: Session, criteria: AuditFilter) -> Iterator[Entry]:
    """Every matching entry, newest first, read a batch at a time (constant memory)."""
    actor, ledger = aliased(User), aliased(User)
    query = (
        select(
            AuditLog.id,
            AuditLog.created_at,
            AuditLog.actor_id,
            func.coalesce(actor.username, AuditLog.actor_name),
            AuditLog.ledger_user_id,
            ledger.username,
            AuditLog.action,
            AuditLog.outcome,
            AuditLog.ip_address,
            AuditLog.extra_data,
        )
        .outerjoin(actor, actor.id == AuditLog.actor_id)
        .outerjoin(ledger, ledger.id == AuditLog.ledger_user_id)
        .where(*criteria.conditions())
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .execution_options(yield_per=STREAM_BATCH)
    )
    for row in session.execute(query):
        yield Entry(*row)


def people(session: Session) -> list[tuple[int, str]]:
    """Every account's (id, username), by username: the filter's menus."""
    return list(session.execute(select(User.id, User.username).order_by(User.username)).all())


def record_export(
    session: Session, criteria: AuditFilter, *, actor_id: int, ip_address: str | None = None
) -> None:
    """Audit a download of the log (``audit.export``) with the filter it used."""
    criteria.conditions()  # a filter that cannot run is refused before anything is recorded
    audit.record(
        session,
        "audit.export",
        actor_id=actor_id,
        ip_address=ip_address,
        extra={"filter": criteria.in_use()},
    )


CSV_COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "ledger_user_id",
    "ledger_name",
    "action",
    "outcome",
    "ip_address",
    "details",
)
# A cell a spreadsheet would run as a formula (OWASP "CSV injection") is kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_lines(entries: Iterable[Entry]) -> Iterator[str]:
    """The entries as CSV text, a header line first, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(CSV_COLUMNS)
    for entry in entries:
        yield line([_cell(getattr(entry, name)) for name in CSV_COLUMNS])
