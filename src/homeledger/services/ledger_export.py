"""The household's own data as a file: every ledger row as JSON, and the transactions as CSV.

Both are generators of text chunks, read from the database a thousand rows at a time
(``yield_per``: a server-side cursor on PostgreSQL), so a ledger of 100,000
transactions is never built in memory, on the server or in the answer. The JSON
document is what ``ledger_import`` loads back into a new, empty account::

    {"format": "homeledger-ledger", "format_version": 1, "exported_at": "...",
     "account": {"username", "display_name", "email"},
     "tables": {"categories": [{...row...}, ...], "transactions": [...], ...}}

Every ledger table is in ``tables`` (``ledger_tables``: found from the models), each
row as ``table_rows.dump_row`` writes it, ids included, so that references between
rows can be followed, but for the columns naming other accounts of this server (who
entered a row, ``LedgerTable.people``). The account gives who it was; password hashes,
tokens and sessions are never in it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Category, Owner, Transaction, User
from homeledger.models.types import utcnow
from homeledger.services import audit, sharing
from homeledger.services.ledger_tables import ledger_tables
from homeledger.services.table_rows import dump_row

FORMAT = "homeledger-ledger"
FORMAT_VERSION = 1
FORMATS = ("json", "csv")
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
# Rows fetched from the database at a time, and rows written into one chunk of text.
_FETCH = 1000
_CHUNK = 500

CSV_HEADER = (
    "Date",
    "Description",
    "Amount",
    "Category",
    "Category type",
    "Owner",
    "Account",
    "Notes",
    "Needs review",
    "Id",
)
# A spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(…)").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def account_profile(user: User) -> dict[str, str | None]:
    """Who the ledger belonged to; nothing that signs anyone in."""
    return {"username": user.username, "display_name": user.display_name, "email": user.email}


def file_name(user: User, kind: str, today: date) -> str:
    """``homeledger-<username>-<date>.json`` (usernames hold only letters, digits, ``._-``)."""
    extension = "csv" if kind == "csv" else "json"
    suffix = "-transactions" if kind == "csv" else ""
    return f"homeledger-{user.username}-{today.isoformat()}{suffix}.{extension}"


def record_export(
    session: Session, user: User, kind: str, *, ip_address: str | None = None
) -> None:
    """Audit the download (``data.export``, with its format) before it is streamed."""
    audit.record_own(session, "data.export", user.id, ip_address=ip_address, extra={"format": kind})


@dataclass(frozen=True)
class Download:
    """What a download answer needs: the chunks to stream, the file's name, its type."""

    chunks: Iterator[str]
    filename: str
    media_type: str


def start_download(
    session: Session, user: User, kind: str, *, today: date, ip_address: str | None = None
) -> Download:
    """The acting ledger as a ``json`` document or a ``csv`` of transactions, audited.

    The caller commits (the audit entry) and streams ``chunks``, which read with a
    session of their own.
    """
    sharing.require_owner(session, "export this ledger")
    chunks = export_transactions_csv(session) if kind == "csv" else export_json(session, user)
    record_export(session, user, kind, ip_address=ip_address)
    return Download(chunks, file_name(user, kind, today), MEDIA_TYPES[kind])


def export_json(session: Session, user: User, *, now: datetime | None = None) -> Iterator[str]:
    """The acting ledger as one JSON document, in chunks of text (see the module).

    What it needs of the request (the ledger, the account) is read now; the rows when
    the chunks are asked for, which for a download is after the view has returned.
    """
    head = json.dumps(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": (now or utcnow()).isoformat(),
            "account": account_profile(user),
        },
        ensure_ascii=False,
    )
    return _json_document(session.get_bind(), tenancy.current_ledger(session), head)


def _json_document(bind: Engine, ledger: int, head: str) -> Iterator[str]:
    with _reader(bind, ledger) as session:
        yield head[:-1] + ', "tables": {'  # the object left open for the tables that follow
        for index, table in enumerate(ledger_tables()):
            yield ("" if index == 0 else ",") + f"\n{json.dumps(table.name)}: ["
            yield from _json_rows(session, table.table, table.people)
            yield "]"
        yield "\n}}\n"


def _json_rows(session: Session, table, people: frozenset[str]) -> Iterator[str]:
    statement = select(table).order_by(table.c.id).execution_options(yield_per=_FETCH)
    lines: list[str] = []
    first = True
    for row in session.execute(statement):
        lines.append(json.dumps(dump_row(table, row, skip=people), ensure_ascii=False))
        if len(lines) == _CHUNK:
            yield ("\n" if first else ",\n") + ",\n".join(lines)
            lines, first = [], False
    if lines:
        yield ("\n" if first else ",\n") + ",\n".join(lines)


def export_transactions_csv(session: Session) -> Iterator[str]:
    """The acting ledger's transactions as CSV, oldest first, with category and owner names."""
    return _csv_lines(session.get_bind(), tenancy.current_ledger(session))


def _csv_lines(bind: Engine, ledger: int) -> Iterator[str]:
    statement = (
        select(
            Transaction.date,
            Transaction.description,
            Transaction.amount,
            Category.name,
            Category.type,
            Owner.name,
            Transaction.account,
            Transaction.notes,
            Transaction.review_reason,
            Transaction.id,
        )
        .outerjoin(Category, Transaction.category_id == Category.id)
        .outerjoin(Owner, Transaction.owner_id == Owner.id)
        .order_by(Transaction.date, Transaction.id)
        .execution_options(yield_per=_FETCH)
    )
    with _reader(bind, ledger) as session:
        yield from _csv_text(session.execute(statement))


def _csv_text(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for count, row in enumerate(rows, start=1):
        day, description, amount, category, category_type, owner, account, notes, review, id_ = row
        writer.writerow(
            [
                day.isoformat(),
                _cell(description),
                f"{amount:.2f}",
                _cell(category),
                category_type or "",
                _cell(owner),
                _cell(account),
                _cell(notes),
                _cell(review),
                id_,
            ]
        )
        if count % _CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _cell(text: str | None) -> str:
    """Text as a spreadsheet shows it, never run: a leading ``=``, ``+``, ``-`` or ``@``
    gets a quote mark before it (OWASP's advice on CSV injection)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


@contextmanager
def _reader(bind: Engine, ledger: int) -> Iterator[Session]:
    """A session of its own that reads ``ledger``, from one snapshot where it can.

    A download's chunks are read after its request has ended, so the export does not
    lean on the request's session: it has its own connection for as long as the chunks
    are read, given back when they end (or the download is cut short). On PostgreSQL
    every table is read from one snapshot (REPEATABLE READ), so an export taken while
    the ledger changes is the ledger as it was at one moment: no debt payment without
    the transaction it points at. On SQLite (one household on a laptop) each table is
    read as it stands.
    """
    with bind.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=connection) as session:
            tenancy.set_ledger(session, ledger)
            yield session
