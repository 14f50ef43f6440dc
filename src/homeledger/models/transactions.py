"""Transactions and how they arrive: import batches, saved CSV mappings, categorisation rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Attributed, Base, Timestamped, UserOwned, same_ledger_fk
from homeledger.models.types import Money, UTCDateTime, utcnow

IMPORT_SOURCES = ("csv", "ofx", "qif", "legacy", "demo")
RULE_MATCH_TYPES = ("contains", "starts_with", "equals", "regex")
# Rows from the old desktop app keep "legacy:<old id>" in bank_id: unique within one old
# file only, so outside the bank id's unique index.
LEGACY_BANK_ID_PREFIX = "legacy:"


class ImportBatch(UserOwned, Timestamped, Base):
    """One committed import: every row it added points back here so it can be undone."""

    __tablename__ = "import_batches"
    __table_args__ = (
        CheckConstraint("source IN ('csv', 'ofx', 'qif', 'legacy', 'demo')", name="source"),
        UniqueConstraint("user_id", "id"),
        Index(None, "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str | None] = mapped_column(String(255))
    # SHA-256 of the uploaded file, to recognise the same file coming back.
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict | None] = mapped_column(JSON)


class LegacyUpload(UserOwned, Timestamped, Base):
    """An old desktop database brought in from the web: its dry-run report, then the applied one.

    The file's bytes wait here between the dry run and "apply" (any worker may
    serve the second request) and are dropped once applied; the reports stay,
    so the person can read later what came in and what could not.
    """

    __tablename__ = "legacy_uploads"
    __table_args__ = (Index(None, "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    dry_run_report: Mapped[dict] = mapped_column(JSON)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_report: Mapped[dict | None] = mapped_column(JSON)


class ImportProfile(UserOwned, Timestamped, Base):
    """A saved CSV column mapping for one bank's export format."""

    __tablename__ = "import_profiles"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    mapping: Mapped[dict] = mapped_column(JSON)


class Rule(UserOwned, Timestamped, Base):
    """If a transaction's description matches, set its category and/or owner."""

    __tablename__ = "rules"
    __table_args__ = (
        CheckConstraint(
            "match_type IN ('contains', 'starts_with', 'equals', 'regex')", name="match_type"
        ),
        UniqueConstraint("user_id", "id"),
        ForeignKeyConstraint(*same_ledger_fk("set_category_id", "categories")),
        ForeignKeyConstraint(*same_ledger_fk("set_owner_id", "owners")),
        Index(None, "user_id", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(default=100)
    is_active: Mapped[bool] = mapped_column(default=True)
    match_type: Mapped[str] = mapped_column(String(16), default="contains")
    pattern: Mapped[str] = mapped_column(String(255))
    amount_min: Mapped[Decimal | None] = mapped_column(Money)
    amount_max: Mapped[Decimal | None] = mapped_column(Money)
    account: Mapped[str | None] = mapped_column(String(100))
    set_category_id: Mapped[int | None] = mapped_column()
    set_owner_id: Mapped[int | None] = mapped_column()


class Transaction(UserOwned, Attributed, Timestamped, Base):
    """One movement of money: negative amounts leave the household, positive arrive."""

    __tablename__ = "transactions"
    __table_args__ = (
        ForeignKeyConstraint(*same_ledger_fk("category_id", "categories")),
        ForeignKeyConstraint(*same_ledger_fk("owner_id", "owners")),
        ForeignKeyConstraint(*same_ledger_fk("import_batch_id", "import_batches")),
        ForeignKeyConstraint(*same_ledger_fk("rule_id", "rules")),
        # Every list is "this user's rows by date"; id breaks ties for keyset paging. The
        # columns the summaries add up come after, so a summary over a range of dates
        # reads this index alone (an index-only scan) and never the rows themselves.
        Index(None, "user_id", "date", "id", "category_id", "owner_id", "amount"),
        # The account menus: one index probe per account in use (transactions.accounts).
        Index(None, "user_id", "account"),
        Index(None, "user_id", "amount", "id"),  # keyset pages sorted by amount
        Index(None, "user_id", "category_id", "date"),
        Index(None, "user_id", "owner_id", "date"),
        Index(None, "user_id", "import_batch_id"),
        Index(None, "user_id", "bank_id"),
        Index(None, "user_id", "fingerprint"),
        # The target of same-ledger references (a debt payment's transaction).
        Index(None, "user_id", "id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    category_id: Mapped[int | None] = mapped_column()
    owner_id: Mapped[int | None] = mapped_column()
    account: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column()
    # The bank's own id for the row (OFX FITID), when the file carries one.
    bank_id: Mapped[str | None] = mapped_column(String(255))
    # date+amount+normalised description (+occurrence) for files without bank ids.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The rule that set this row's category, so users can see why.
    rule_id: Mapped[int | None] = mapped_column()
    # Set when a row arrived damaged (e.g. an unreadable legacy amount) and needs a look.
    review_reason: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Transaction {self.id} {self.date} {self.amount}>"


# What makes an imported row a duplicate, held by the database so that two imports
# racing each other cannot both add it (an import inserts with ON CONFLICT DO NOTHING).
# A bank id is unique within one account; a row without one is known by its fingerprint.
# Rows with a bank id are left out of the fingerprint's index: two rows the bank tells
# apart stay two even if they look alike. Old-app rows are left out of the bank id's.
_KNOWN_BY_FINGERPRINT = Transaction.fingerprint.is_not(None) & Transaction.bank_id.is_(None)
_KNOWN_BY_BANK_ID = Transaction.bank_id.is_not(None) & Transaction.bank_id.not_like(
    f"{LEGACY_BANK_ID_PREFIX}%"
)
Index(
    "uq_transactions_user_id_fingerprint",
    Transaction.user_id,
    Transaction.fingerprint,
    unique=True,
    postgresql_where=_KNOWN_BY_FINGERPRINT,
    sqlite_where=_KNOWN_BY_FINGERPRINT,
)
Index(
    "uq_transactions_user_id_account_bank_id",
    Transaction.user_id,
    func.coalesce(Transaction.account, ""),
    Transaction.bank_id,
    unique=True,
    postgresql_where=_KNOWN_BY_BANK_ID,
    sqlite_where=_KNOWN_BY_BANK_ID,
)
