"""Writing a legacy database into one user's ledger, every cent accounted for.

Run it with the target user's ledger acting on the session. Everything is
written inside one savepoint: a failure, or ``dry_run``, leaves nothing
behind, and the report is the same either way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from homeledger.models import (
    Category,
    ImportBatch,
    Owner,
    Transaction,
    UserSettings,
)
from homeledger.services import categories as category_service
from homeledger.services.errors import ServiceError
from homeledger.services.importing import parse_amount
from homeledger.services.legacy import plans
from homeledger.services.legacy.report import ZERO, MigrationReport
from homeledger.services.legacy.source import LegacySource
from homeledger.services.legacy.values import flag, legacy_date, legacy_text

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}\Z")
Progress = Callable[[int], None]


class _Lookups:
    """Legacy names -> ledger ids, creating categories and owners the data needs."""

    def __init__(self, session: Session, report: MigrationReport) -> None:
        self.session = session
        self.report = report
        self.categories = {c.name.lower(): c for c in session.scalars(select(Category))}
        self.owners = {o.name.lower(): o for o in session.scalars(select(Owner))}

    def clean_name(self, raw) -> str:
        name = legacy_text(raw)
        if len(name) > 64:
            self.report.repaired("name shortened to 64 characters")
            name = name[:64].rstrip()
        return name

    def category(self, raw, type_hint: str = "expense") -> int | None:
        name = self.clean_name(raw)
        if not name:
            return None
        found = self.categories.get(name.lower())
        if found is None:
            found = category_service.create_category(
                self.session, name, "income" if type_hint == "income" else "expense"
            )
            self.categories[name.lower()] = found
            self.report.notes.append(
                f"Created category {name!r}, used by the data but not defined."
            )
        elif found.name != name:
            self.report.repaired("category name variant mapped")
        return found.id

    def owner(self, raw) -> int | None:
        name = self.clean_name(raw)
        if not name:
            return None
        if name != str(raw):
            self.report.repaired("owner name trimmed")
        found = self.owners.get(name.lower())
        if found is None:
            found = category_service.create_owner(self.session, name)
            self.owners[name.lower()] = found
        return found.id


def migrate(
    session: Session,
    source: LegacySource,
    *,
    username: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> MigrationReport:
    """Migrate ``source`` into the acting ledger; returns the report (also for a dry run)."""
    report = MigrationReport(str(source.path), source.sha256, username, dry_run)
    savepoint = session.begin_nested()
    try:
        previous = session.scalars(
            select(ImportBatch).where(
                ImportBatch.source == "legacy",
                ImportBatch.file_sha256 == source.sha256,
                ImportBatch.undone_at.is_(None),
            )
        ).first()
        report.already_migrated = previous is not None
        batch = ImportBatch(
            source="legacy", filename=source.path.name[:255], file_sha256=source.sha256
        )
        session.add(batch)
        session.flush()
        lookups = _Lookups(session, report)
        _categories(source, lookups, report)
        _owners(source, lookups, report)
        _transactions(session, source, lookups, report, batch.id, progress)
        plans.migrate_plans(session, source, lookups, report)
        _settings(session, source, report)
        batch.row_count = report.count("transactions").written
        batch.skipped_count = report.count("transactions").skipped
        batch.summary = report.to_dict()
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        _sums_after(session, report)  # what the ledger would hold, before forgetting it
        savepoint.rollback()
    elif report.already_migrated:
        savepoint.rollback()
        _sums_after(session, report)
    else:
        savepoint.commit()
        _sums_after(session, report)
    if report.already_migrated:
        # The same file again: nothing is added, whatever was changed in the ledger since.
        for counter in report.counts.values():
            counter.already_present += counter.written
            counter.written = 0
        report.problems = [p for p in report.problems if p.action == "skipped"]
        report.flagged_income = report.flagged_expense = ZERO
    return report


def _categories(source: LegacySource, lookups: _Lookups, report: MigrationReport) -> None:
    counter = report.count("categories")
    for row in source.rows("categories"):
        counter.read += 1
        name = lookups.clean_name(row["name"])
        if not name:
            report.problem("categories", row["id"], row["name"], "no name", "skipped")
            continue
        if name.lower() in lookups.categories:
            counter.already_present += 1
            continue
        type_ = row["type"] if row["type"] in ("expense", "income", "transfer") else "expense"
        color = row["color"] if _COLOR.match(str(row["color"] or "")) else None
        category = category_service.create_category(lookups.session, name, type_, color)
        category.is_active = flag(row["is_active"])
        lookups.categories[name.lower()] = category
        counter.written += 1


def _owners(source: LegacySource, lookups: _Lookups, report: MigrationReport) -> None:
    settings = {r["key"]: r["value"] for r in source.rows("settings")}
    for name in (settings.get("owners") or "").split(","):
        if legacy_text(name):
            lookups.owner(name)


def _transactions(session, source, lookups, report, batch_id, progress) -> None:
    counter = report.count("transactions")
    # A legacy id is only "already here" with the same date, amount and description:
    # another old database can reuse the same ids for different rows.
    present = Counter(
        session.execute(
            select(
                Transaction.bank_id, Transaction.date, Transaction.amount, Transaction.description
            ).where(Transaction.bank_id.like("legacy:%"))
        ).tuples()
    )
    values = []
    for index, row in enumerate(source.rows("transactions"), start=1):
        counter.read += 1
        if progress and index % 500 == 0:
            progress(500)
        legacy_key = f"legacy:{row['id']}"
        kind = (row["type"] or "").strip().lower()
        day = legacy_date(row["date"])
        try:
            magnitude = parse_amount(str(row["amount"] if row["amount"] is not None else ""))
        except ValueError as exc:
            report.problem("transactions", row["id"], row["amount"], f"amount: {exc}", "skipped")
            continue
        if day is None:
            report.problem("transactions", row["id"], row["date"], "not a real date", "skipped")
            continue
        review = None
        if magnitude < 0:
            review = (
                f"amount was written {row['amount']!r}; "
                f"booked as {kind or 'expense'} of {-magnitude}"
            )
            magnitude = -magnitude
        if kind not in ("income", "expense"):
            review = f"type {row['type']!r} unknown; booked as expense"
            kind = "expense"
        if not legacy_text(row["category"]):
            report.repaired("category missing: uncategorised")
        if str(row["date"]) != day.isoformat():
            report.repaired("date DD/MM/YYYY read")
        if str(row["amount"]).strip() != f"{magnitude:.2f}" and review is None:
            report.repaired("amount text cleaned")
        if review is None and kind == "income":
            report.income_before += magnitude
        elif review is None:
            report.expense_before += magnitude
        amount = magnitude if kind == "income" else -magnitude
        description = legacy_text(row["description"])[:500]
        if review is None:
            report.clean_rows[(legacy_key, day, amount, description)] += 1
        if present[(legacy_key, day, amount, description)] > 0:
            present[(legacy_key, day, amount, description)] -= 1
            counter.already_present += 1
            continue
        try:
            category_id = lookups.category(row["category"], kind)
            owner_id = lookups.owner(row["owner"])
        except ServiceError as exc:
            report.problem(
                "transactions", row["id"], row["category"], f"unusable name: {exc}", "skipped"
            )
            continue
        if review:
            report.problem("transactions", row["id"], row["amount"], review, "flagged")
            if kind == "income":
                report.flagged_income += magnitude
            else:
                report.flagged_expense += magnitude
        values.append(
            {
                "date": day,
                "description": description,
                "amount": amount,
                "category_id": category_id,
                "owner_id": owner_id,
                "account": legacy_text(row["account"])[:100] or None,
                "notes": str(row["notes"]).replace("\x00", "") if row["notes"] else None,
                "bank_id": legacy_key,
                "review_reason": review[:255] if review else None,
                "import_batch_id": batch_id,
            }
        )
    if progress:
        progress(counter.read % 500)
    for start in range(0, len(values), 2000):
        session.execute(insert(Transaction), values[start : start + 2000])
    counter.written += len(values)


def _sums_after(session: Session, report: MigrationReport) -> None:
    """What the ledger holds of this file's clean rows: each must be there with the same
    date, amount and description (a row edited since no longer counts)."""
    wanted = report.clean_rows
    keys = sorted({key for key, *_ in wanted})
    held: Counter = Counter()
    for start in range(0, len(keys), 500):
        held.update(
            session.execute(
                select(
                    Transaction.bank_id,
                    Transaction.date,
                    Transaction.amount,
                    Transaction.description,
                ).where(Transaction.bank_id.in_(keys[start : start + 500]))
            ).tuples()
        )
    report.income_after = report.expense_after = ZERO
    for content, count in wanted.items():
        amount = content[2] * min(count, held[content])
        if amount > 0:
            report.income_after += amount
        else:
            report.expense_after -= amount


def _settings(session, source, report) -> None:
    counter = report.count("settings")
    settings = session.scalars(select(UserSettings)).one()
    for row in source.rows("settings"):
        counter.read += 1
        key, value = row["key"], legacy_text(row["value"])
        if key == "currency" and len(value) == 3 and value.isalpha():
            if settings.currency != value.upper():
                settings.currency = value.upper()
                counter.written += 1
            else:
                counter.already_present += 1
        elif key == "owners":
            counter.already_present += 1  # taken into the household's owners above
        else:
            report.notes.append(f"Setting {key!r} ({value!r}) has no counterpart; not used.")
    session.flush()
