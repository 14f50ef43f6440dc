"""Bringing a bank file into a ledger: preview, commit as one transaction, undo.

Duplicates are recognised by the bank's own id (OFX FITID) when the file has
one, else by a fingerprint of date, amount, normalised description and the
row's occurrence number among identical rows of the same file. So re-importing
an overlapping statement adds only the new rows, while two genuine identical
coffees in one file are both kept (occurrences 1 and 2), and a third one in a
later, longer statement is new.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ARRAY, String, any_, case, func, literal, select
from sqlalchemy.orm import Session

from homeledger.models import Category, ImportBatch, Owner, Transaction
from homeledger.models.types import utcnow
from homeledger.services import categories, import_profiles, transactions
from homeledger.services.amounts import is_plausible_amount
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.importing import (
    BadLines,
    CsvMapping,
    CsvPreview,
    ImportFileError,
    LineProblem,
    ParsedRow,
    read_file,
)
from homeledger.services.importing.fingerprints import fingerprint_of, lowered
from homeledger.services.lookup import fetch
from homeledger.services.rules import Matcher, SkippedRule
from homeledger.services.text import collapse
from homeledger.services.writes import insert_new

# Lines that cannot be read are all named up to this many; more than this cannot be skipped
# (that many bad lines means the columns or formats are wrong, not the lines).
MAX_BAD_LINES = 100
# Values looked up per duplicate-check query.
LOOKUP_CHUNK = 1000
# Rows sent to the database per INSERT (executemany); tests make it small to cross chunks.
INSERT_CHUNK = 2000
CENT = Decimal("0.01")


def _stored_label(row: ParsedRow, account: str | None) -> str | None:
    label = row.account or account
    return label[:100] if label else None


def _row_problem(row: ParsedRow, columns: dict[str, str | None]) -> LineProblem | None:
    """Why the ledger would refuse this row from a person typing it in, or None."""

    def problem(role: str, reason: str, value: object) -> LineProblem:
        return LineProblem(row.line, reason, columns.get(role), str(value))

    if not is_plausible_amount(row.amount):
        return problem("amount", f"{row.amount} is not a plausible amount", row.amount)
    if not transactions.EARLIEST <= row.date <= transactions.LATEST:
        return problem("date", f"{row.date} is not a plausible date", row.date)
    for role, name in (("category", row.category), ("owner", row.owner)):
        if name is not None and (len(collapse(name)) > 64 or not name.isprintable()):
            reason = f"the {role} name is too long or has characters that cannot be typed"
            return problem(role, reason, name[:64])
    return None


def _columns(kind: str, mapping: CsvMapping | None) -> dict[str, str | None]:
    """Where each part of a row came from, to name it in a problem."""
    if mapping is not None:
        amount = mapping.amount or mapping.debit or mapping.credit
        return {**mapping.to_dict(), "amount": amount}
    if kind == "qif":
        return {"date": "D", "amount": "T", "category": "L"}
    return {"date": "DTPOSTED", "amount": "TRNAMT"}


@dataclass(frozen=True, slots=True)  # one per row of a file: kept small
class PlannedRow:
    """A parsed row and what committing would do with it."""

    row: ParsedRow
    fingerprint: str
    duplicate: bool
    category_id: int | None = None
    category_name: str | None = None
    owner_id: int | None = None
    owner_name: str | None = None
    rule_id: int | None = None


@dataclass
class ImportPlan:
    format: str
    filename: str
    rows: list[PlannedRow]
    # The file's transaction lines; each became a row above or is named in ``problems``.
    lines_read: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    csv: CsvPreview | None = None
    mapping: CsvMapping | None = None
    new_categories: list[str] = field(default_factory=list)
    new_owners: list[str] = field(default_factory=list)
    # Rules left out of this run because their regular expression took too long.
    skipped_rules: list[SkippedRule] = field(default_factory=list)

    @property
    def new_rows(self) -> list[PlannedRow]:
        return [r for r in self.rows if not r.duplicate]

    @property
    def duplicate_count(self) -> int:
        return sum(1 for r in self.rows if r.duplicate)

    @property
    def income(self) -> Decimal:
        return sum((r.row.amount for r in self.new_rows if r.row.amount > 0), Decimal("0.00"))

    @property
    def spending(self) -> Decimal:
        return -sum((r.row.amount for r in self.new_rows if r.row.amount < 0), Decimal("0.00"))


def _matching(session: Session, column, values: list[str]):
    """``column`` is one of ``values``: a single array parameter on PostgreSQL (an IN list
    of a thousand placeholders costs the driver more than the query costs the server)."""
    if session.get_bind(mapper=Transaction).dialect.name == "postgresql":
        return column == any_(literal(values, ARRAY(String)))
    return column.in_(values)


def _existing(session: Session, column, values: Iterable[str]) -> set[str]:
    """Which of ``values`` the ledger already has in ``column``: one query per chunk."""
    values = list(dict.fromkeys(v for v in values if v))
    found: set[str] = set()
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        found.update(session.scalars(select(column).where(_matching(session, column, chunk))))
    return found


def _existing_bank_ids(session: Session, bank_ids: Iterable[str | None]) -> set[tuple[str, str]]:
    """(account, bank id) pairs already in the ledger for any of these bank ids."""
    ids = list(dict.fromkeys(b for b in bank_ids if b))
    found: set[tuple[str, str]] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(Transaction.account, Transaction.bank_id).where(
                _matching(session, Transaction.bank_id, chunk)
            )
        )
        found.update((account or "", bank_id) for account, bank_id in rows)
    return found


def plan(
    session: Session,
    filename: str,
    data: bytes,
    *,
    mapping: CsvMapping | None = None,
    profile_id: int | None = None,
    account: str | None = None,
) -> ImportPlan:
    """What importing this file would do; writes nothing (the preview step).

    A CSV is read with ``mapping``, or the saved mapping ``profile_id``, or
    the columns guessed from its header.
    """
    if profile_id is not None:
        if mapping is not None:
            raise ValidationError({"profile_id": "give a mapping or a saved mapping, not both"})
        mapping = import_profiles.profile_mapping(session, profile_id)
    kind, parsed_file, preview, used_mapping = read_file(filename, data, mapping)
    problems = list(parsed_file.problems)
    parsed: list[ParsedRow] = []
    columns = _columns(kind, used_mapping)
    for row in parsed_file.rows:
        problem = _row_problem(row, columns)
        if problem is None:
            parsed.append(row)
        else:
            problems.append(problem)
    problems.sort(key=lambda p: p.line or 0)
    occurrences: Counter[tuple] = Counter()
    looks: dict[str | None, str] = {}  # each distinct description or label lowered once
    prints: list[str] = []
    for row in parsed:
        label = row.account or account
        # Counted on what the fingerprint sees, so rows of one file never share one.
        key = (row.date, row.amount, lowered(looks, row.description), lowered(looks, label))
        occurrences[key] += 1
        prints.append(fingerprint_of(key, occurrences[key]))
    known_prints = _existing(session, Transaction.fingerprint, prints)
    known_ids = _existing_bank_ids(session, (r.bank_id for r in parsed))
    matcher = Matcher.for_ledger(session)
    category_names = {
        c.name.lower(): c for c in categories.list_categories(session, include_inactive=True)
    }
    owner_names = {o.name.lower(): o for o in categories.list_owners(session)}
    new_categories: dict[str, str] = {}
    new_owners: dict[str, str] = {}
    seen_ids: set[tuple[str, str]] = set()
    planned = []
    for row, print_ in zip(parsed, prints, strict=True):
        if row.bank_id:
            # A bank id is unique within one account, not across a household's accounts.
            bank_key = (_stored_label(row, account) or "", row.bank_id[:255])
            duplicate = bank_key in known_ids or bank_key in seen_ids
            seen_ids.add(bank_key)
        else:
            duplicate = print_ in known_prints
        category_id = category_name = owner_id = owner_name = rule_id = None
        if row.category:
            name = collapse(row.category)
            existing = category_names.get(name.lower())
            category_id = existing.id if existing else None
            category_name = (
                existing.name if existing else new_categories.setdefault(name.lower(), name)
            )
        if row.owner:
            name = collapse(row.owner)
            existing = owner_names.get(name.lower())
            owner_id = existing.id if existing else None
            owner_name = existing.name if existing else new_owners.setdefault(name.lower(), name)
        if matcher.rules and (category_name is None or owner_name is None):
            rule = matcher.first_match(row.description, row.amount, row.account or account)
            if rule is not None:
                if category_name is None and rule.set_category_id is not None:
                    category_id, rule_id = rule.set_category_id, rule.id
                if owner_name is None and rule.set_owner_id is not None:
                    owner_id = rule.set_owner_id
        planned.append(
            PlannedRow(
                row, print_, duplicate, category_id, category_name, owner_id, owner_name, rule_id
            )
        )
    return ImportPlan(
        kind,
        filename,
        planned,
        parsed_file.lines_read,
        problems,
        preview,
        used_mapping,
        sorted(new_categories.values()),
        sorted(new_owners.values()),
        matcher.skipped_rules,
    )


def commit(
    session: Session,
    filename: str,
    data: bytes,
    *,
    mapping: CsvMapping | None = None,
    profile_id: int | None = None,
    account: str | None = None,
    save_mapping_as: str | None = None,
    skip_bad_lines: bool = False,
) -> ImportBatch:
    """Import the file's new rows as one batch. The caller commits once, so a failure
    anywhere leaves nothing behind.

    A file with lines that give no transaction raises BadLines, unless
    ``skip_bad_lines``: then the other rows go in and the batch records the
    skipped lines (at most MAX_BAD_LINES; more means the mapping is wrong).
    With ``save_mapping_as``, a CSV's column mapping is also saved under that name.
    """
    the_plan = plan(
        session, filename, data, mapping=mapping, profile_id=profile_id, account=account
    )
    if the_plan.problems:
        if not skip_bad_lines:
            raise BadLines(the_plan.problems, MAX_BAD_LINES)
        if len(the_plan.problems) > MAX_BAD_LINES:
            raise ImportFileError(
                f"{len(the_plan.problems)} lines cannot be read, too many to skip "
                f"(at most {MAX_BAD_LINES}): check the columns and formats"
            )
        if not the_plan.rows:
            raise ImportFileError("no line of the file can be imported")
    # Another import may be creating the same names right now; either way they exist after.
    created_categories = categories.ensure_named(session, Category, the_plan.new_categories)
    created_owners = categories.ensure_named(session, Owner, the_plan.new_owners)
    batch = ImportBatch(
        source=the_plan.format,
        filename=(filename or "upload")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(batch)
    session.flush()
    # Without RETURNING the rows go in as one pipelined executemany (PostgreSQL) or
    # sqlite3's executemany, each chunk's dicts built only when it is sent; the unique
    # indexes still decide what is a duplicate (another import may have committed the same
    # rows since the plan looked), and one aggregate then says what really went in.
    for start in range(0, len(the_plan.rows), INSERT_CHUNK):
        chunk = the_plan.rows[start : start + INSERT_CHUNK]
        values = [
            _values(planned, account, batch.id, created_categories, created_owners)
            for planned in chunk
            if not planned.duplicate
        ]
        insert_new(session, Transaction, values)
    added, income, spending = _batch_totals(session, batch.id)
    batch.row_count = added
    batch.skipped_count = len(the_plan.rows) - added
    batch.summary = {
        "income": str(income),
        "spending": str(spending),
        "new_categories": the_plan.new_categories,
        "new_owners": the_plan.new_owners,
        "mapping": the_plan.mapping.to_dict() if the_plan.mapping else None,
        "skipped_rules": [rule.to_dict() for rule in the_plan.skipped_rules],
        "lines_read": the_plan.lines_read,
        "skipped_lines": [problem.to_dict() for problem in the_plan.problems],
    }
    if save_mapping_as and the_plan.mapping is not None:
        import_profiles.save_profile(session, save_mapping_as, the_plan.mapping)
    session.flush()
    return batch


def _values(
    planned: PlannedRow,
    account: str | None,
    batch_id: int,
    created_categories: dict[str, int],
    created_owners: dict[str, int],
) -> dict:
    """The columns of one new transaction (tenancy adds the ledger and who entered it)."""
    row = planned.row
    category_id = planned.category_id
    if category_id is None and planned.category_name:
        category_id = created_categories[planned.category_name.lower()]
    owner_id = planned.owner_id
    if owner_id is None and planned.owner_name:
        owner_id = created_owners[planned.owner_name.lower()]
    return {
        "date": row.date,
        "description": row.description[:500],
        "amount": row.amount,
        "category_id": category_id,
        "owner_id": owner_id,
        "account": _stored_label(row, account),
        "notes": row.notes,
        "bank_id": row.bank_id[:255] if row.bank_id else None,
        "fingerprint": planned.fingerprint,
        "rule_id": planned.rule_id,
        "import_batch_id": batch_id,
    }


def _batch_totals(session: Session, batch_id: int) -> tuple[int, Decimal, Decimal]:
    """How many rows the batch really added, their income and their spending."""
    amount = Transaction.amount
    count, income, spending = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((amount > 0, amount))), 0),
            func.coalesce(func.sum(case((amount < 0, -amount))), 0),
        ).where(Transaction.import_batch_id == batch_id)
    ).one()
    return count, Decimal(income).quantize(CENT), Decimal(spending).quantize(CENT)


def list_batches(session: Session, limit: int = 100) -> list[ImportBatch]:
    return list(
        session.scalars(
            select(ImportBatch)
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )


def get_batch(session: Session, batch_id: int) -> ImportBatch:
    batch = fetch(session, ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"no import {batch_id}")
    return batch


def undo(session: Session, batch_id: int) -> int:
    """Remove every transaction an import added; the batch stays listed as undone."""
    batch = get_batch(session, batch_id)
    if batch.undone_at is not None:
        raise ValidationError({"batch": "this import was already undone"})
    removed = transactions.remove_batch_rows(session, batch.id)
    batch.undone_at = utcnow()
    session.flush()
    return removed
