"""Writing a legacy database into one user's ledger, every cent accounted for.

Run it with the target user's ledger acting on the session. Everything is
written inside one savepoint: a failure, or ``dry_run``, leaves nothing
behind, and the report is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from homeledger.models import (
    Budget,
    Category,
    Commitment,
    Debt,
    DebtPayment,
    ImportBatch,
    Owner,
    SavingsGoal,
    Transaction,
    UserSettings,
)
from homeledger.models.planning import DEBT_TYPES, FREQUENCIES
from homeledger.services import categories as category_service
from homeledger.services.importing import parse_amount, parse_date
from homeledger.services.legacy.report import MigrationReport
from homeledger.services.legacy.source import LegacySource

CENT = Decimal("0.01")
Progress = Callable[[int], None]


def _collapse(text) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def _real_money(value) -> Decimal | None:
    """A REAL column as exact cents: 199.99999999999997 -> 200.00 (float noise, not data)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)
    except (ValueError, InvalidOperation):
        return None


def _legacy_date(text) -> date | None:
    for fmt in ("iso", "dmy"):
        try:
            return parse_date(str(text), fmt)
        except (ValueError, TypeError):
            continue
    return None


class _Lookups:
    """Legacy names -> ledger ids, creating categories and owners the data needs."""

    def __init__(self, session: Session, report: MigrationReport) -> None:
        self.session = session
        self.report = report
        self.categories = {c.name.lower(): c for c in session.scalars(select(Category))}
        self.owners = {o.name.lower(): o for o in session.scalars(select(Owner))}

    def category(self, raw, type_hint: str = "expense") -> int | None:
        name = _collapse(raw)
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
        name = _collapse(raw)
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
        _budgets(session, source, lookups, report)
        _commitments(session, source, lookups, report)
        _debts(session, source, lookups, report)
        _goals(session, source, lookups, report)
        _settings(session, source, report)
        batch.row_count = report.count("transactions").written
        batch.skipped_count = report.count("transactions").skipped
        batch.summary = report.to_dict()
        if report.already_migrated and not any(c.written for c in report.counts.values()):
            session.delete(batch)  # nothing new: the earlier batch stays the record
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def _categories(source: LegacySource, lookups: _Lookups, report: MigrationReport) -> None:
    counter = report.count("categories")
    for row in source.rows("categories"):
        counter.read += 1
        name = _collapse(row["name"])[:64]
        if not name:
            report.problem("categories", row["id"], row["name"], "no name", "skipped")
            continue
        if name.lower() in lookups.categories:
            counter.already_present += 1
            continue
        type_ = row["type"] if row["type"] in ("expense", "income", "transfer") else "expense"
        color = row["color"] if isinstance(row["color"], str) and len(row["color"]) == 7 else None
        category = category_service.create_category(lookups.session, name, type_, color)
        category.is_active = bool(row["is_active"]) if row["is_active"] is not None else True
        lookups.categories[name.lower()] = category
        counter.written += 1


def _owners(source: LegacySource, lookups: _Lookups, report: MigrationReport) -> None:
    settings = {r["key"]: r["value"] for r in source.rows("settings")}
    for name in (settings.get("owners") or "").split(","):
        if _collapse(name):
            lookups.owner(name)


def _transactions(session, source, lookups, report, batch_id, progress) -> None:
    counter = report.count("transactions")
    present = {
        bank_id
        for bank_id in session.scalars(
            select(Transaction.bank_id).where(Transaction.bank_id.like("legacy:%"))
        )
    }
    values = []
    for index, row in enumerate(source.rows("transactions"), start=1):
        counter.read += 1
        if progress and index % 500 == 0:
            progress(500)
        legacy_key = f"legacy:{row['id']}"
        kind = (row["type"] or "").strip().lower()
        day = _legacy_date(row["date"])
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
        if not _collapse(row["category"]):
            report.repaired("category missing: uncategorised")
        if str(row["date"]) != day.isoformat():
            report.repaired("date DD/MM/YYYY read")
        if str(row["amount"]).strip() != f"{magnitude:.2f}" and review is None:
            report.repaired("amount text cleaned")
        if review is None and kind == "income":
            report.income_before += magnitude
        elif review is None:
            report.expense_before += magnitude
        if legacy_key in present:
            counter.already_present += 1
            continue
        amount = magnitude if kind == "income" else -magnitude
        if review:
            report.problem("transactions", row["id"], row["amount"], review, "flagged")
            if kind == "income":
                report.flagged_income += magnitude
            else:
                report.flagged_expense += magnitude
        values.append(
            {
                "date": day,
                "description": _collapse(row["description"])[:500],
                "amount": amount,
                "category_id": lookups.category(row["category"], kind),
                "owner_id": lookups.owner(row["owner"]),
                "account": _collapse(row["account"])[:100] or None,
                "notes": row["notes"],
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
    # "After": what the ledger now holds of the legacy rows, summed in SQL (exact cents).
    migrated = (Transaction.bank_id.like("legacy:%"), Transaction.review_reason.is_(None))
    report.income_after = session.scalar(
        select(func.coalesce(func.sum(Transaction.amount), 0)).where(
            *migrated, Transaction.amount > 0
        )
    )
    report.expense_after = -session.scalar(
        select(func.coalesce(func.sum(Transaction.amount), 0)).where(
            *migrated, Transaction.amount < 0
        )
    )


def _budgets(session, source, lookups, report) -> None:
    counter = report.count("budgets")
    existing = {
        (b.year, b.month, b.category_id, b.owner_id) for b in session.scalars(select(Budget))
    }
    for row in source.rows("budgets"):
        counter.read += 1
        amount = _real_money(row["amount"])
        if amount is None or amount < 0 or not (1 <= int(row["month"] or 0) <= 12):
            report.problem("budgets", row["id"], row["amount"], "not a usable budget", "skipped")
            continue
        if Decimal(repr(float(row["amount"]))) != amount:
            report.repaired("budget float noise rounded to cents")
        key = (
            int(row["year"]),
            int(row["month"]),
            lookups.category(row["category"]),
            lookups.owner(row["owner"]),
        )
        if key in existing:
            counter.already_present += 1
            continue
        existing.add(key)
        session.add(
            Budget(year=key[0], month=key[1], category_id=key[2], owner_id=key[3], amount=amount)
        )
        counter.written += 1
    session.flush()


def _by_name(session, model) -> set[str]:
    return {name.lower() for name in session.scalars(select(model.name))}


def _commitments(session, source, lookups, report) -> None:
    counter = report.count("commitments")
    names = _by_name(session, Commitment)
    for row in source.rows("commitments"):
        counter.read += 1
        name, amount = _collapse(row["name"])[:100], _real_money(row["amount"])
        frequency = _collapse(row["frequency"]).lower()
        if not name or amount is None or frequency not in FREQUENCIES:
            report.problem(
                "commitments",
                row["id"],
                row["frequency"] if name and amount is not None else row["amount"],
                "no name, amount or known frequency",
                "skipped",
            )
            continue
        if name.lower() in names:
            counter.already_present += 1
            continue
        due = (
            row["due_day"]
            if isinstance(row["due_day"], int) and 1 <= row["due_day"] <= 31
            else None
        )
        session.add(
            Commitment(
                name=name,
                amount=amount,
                frequency=frequency,
                due_day=due,
                category_id=lookups.category(row["category"]),
                owner_id=lookups.owner(row["owner"]),
                start_date=_legacy_date(row["start_date"]) if row["start_date"] else None,
                end_date=_legacy_date(row["end_date"]) if row["end_date"] else None,
                is_active=bool(row["is_active"]) if row["is_active"] is not None else True,
            )
        )
        names.add(name.lower())
        counter.written += 1
    session.flush()


def _debts(session, source, lookups, report) -> None:
    counter = report.count("debts")
    names = _by_name(session, Debt)
    created: dict[int, Debt] = {}
    for row in source.rows("debts"):
        counter.read += 1
        name, balance = _collapse(row["name"])[:100], _real_money(row["current_balance"])
        if not name or balance is None:
            report.problem(
                "debts", row["id"], row["current_balance"], "no name or balance", "skipped"
            )
            continue
        if name.lower() in names:
            counter.already_present += 1
            continue
        debt_type = row["debt_type"] if row["debt_type"] in DEBT_TYPES else "other"
        rate = Decimal(repr(float(row["interest_rate"] or 0))).quantize(Decimal("0.001"))
        debt = Debt(
            name=name,
            lender=_collapse(row["lender"])[:100] or None,
            debt_type=debt_type,
            original_amount=_real_money(row["original_amount"]),
            current_balance=balance,
            interest_rate=rate,
            minimum_payment=_real_money(row["minimum_payment"]),
            due_day=row["due_day"]
            if isinstance(row["due_day"], int) and 1 <= row["due_day"] <= 31
            else None,
            owner_id=lookups.owner(row["owner"]),
            start_date=_legacy_date(row["start_date"]) if row["start_date"] else None,
            is_active=bool(row["is_active"]) if row["is_active"] is not None else True,
        )
        session.add(debt)
        created[row["id"]] = debt
        names.add(name.lower())
        counter.written += 1
    session.flush()
    payments = report.count("debt_payments")
    known_ids = {r["id"] for r in source.rows("debts")}
    for row in source.rows("debt_payments"):
        payments.read += 1
        if row["debt_id"] not in known_ids:
            report.problem(
                "debt_payments",
                row["id"],
                row["debt_id"],
                "payment for a debt that does not exist (orphan); not attached",
                "skipped",
            )
            continue
        debt = created.get(row["debt_id"])
        if debt is None:  # its debt was migrated before, with its payments
            payments.already_present += 1
            continue
        day, amount = _legacy_date(row["date"]), _real_money(row["amount"])
        if day is None or amount is None:
            report.problem(
                "debt_payments",
                row["id"],
                row["date"] if day is None else row["amount"],
                "unreadable date or amount",
                "skipped",
            )
            continue
        session.add(DebtPayment(debt_id=debt.id, date=day, amount=amount, notes=row["notes"]))
        payments.written += 1
    session.flush()


def _goals(session, source, lookups, report) -> None:
    counter = report.count("savings_goals")
    names = _by_name(session, SavingsGoal)
    for row in source.rows("savings_goals"):
        counter.read += 1
        name, target = _collapse(row["name"])[:100], _real_money(row["target_amount"])
        if not name or target is None or target <= 0:
            report.problem(
                "savings_goals",
                row["id"],
                row["target_amount"],
                "no name or no positive target",
                "skipped",
            )
            continue
        if name.lower() in names:
            counter.already_present += 1
            continue
        session.add(
            SavingsGoal(
                name=name,
                target_amount=target,
                current_amount=_real_money(row["current_amount"]) or Decimal("0.00"),
                target_date=_legacy_date(row["target_date"]) if row["target_date"] else None,
                owner_id=lookups.owner(row["owner"]),
                is_active=bool(row["is_active"]) if row["is_active"] is not None else True,
            )
        )
        names.add(name.lower())
        counter.written += 1
    session.flush()


def _settings(session, source, report) -> None:
    counter = report.count("settings")
    settings = session.scalars(select(UserSettings)).one()
    for row in source.rows("settings"):
        counter.read += 1
        key, value = row["key"], _collapse(row["value"])
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
