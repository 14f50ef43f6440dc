"""Reading a legacy SQLite file safely: read-only, schema checked, rows as dicts."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

# The eight tables of the old app and the columns the migration reads from each.
EXPECTED = {
    "categories": {"id", "name", "type", "color", "icon", "is_active"},
    "transactions": {
        "id",
        "date",
        "description",
        "amount",
        "category",
        "owner",
        "type",
        "account",
        "notes",
    },
    "budgets": {"id", "year", "month", "category", "amount", "owner"},
    "commitments": {
        "id",
        "name",
        "amount",
        "frequency",
        "due_day",
        "category",
        "owner",
        "start_date",
        "end_date",
        "is_active",
    },
    "debts": {
        "id",
        "name",
        "lender",
        "debt_type",
        "original_amount",
        "current_balance",
        "interest_rate",
        "minimum_payment",
        "due_day",
        "owner",
        "start_date",
        "is_active",
    },
    "debt_payments": {"id", "debt_id", "date", "amount", "notes"},
    "savings_goals": {
        "id",
        "name",
        "target_amount",
        "current_amount",
        "target_date",
        "owner",
        "is_active",
    },
    "settings": {"key", "value"},
}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class LegacyFileError(ValueError):
    """The file is not a legacy database we can read; the message says why."""


class LegacySource:
    """An open, checked legacy database. Use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LegacyFileError(f"{self.path}: no such file")
        with self.path.open("rb") as fh:
            if fh.read(16) != _SQLITE_MAGIC:
                raise LegacyFileError(f"{self.path.name} is not a SQLite database")
        self.sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()
        # Read-only: the migration must never change the person's original file.
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self._db.row_factory = sqlite3.Row
        try:
            self._check_schema()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise LegacyFileError(f"{self.path.name} is damaged or unreadable ({exc})") from None
        except LegacyFileError:
            self._db.close()
            raise

    def _check_schema(self) -> None:
        integrity = self._db.execute("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            raise LegacyFileError(f"{self.path.name} is damaged ({integrity})")
        tables = {
            r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        missing = sorted(set(EXPECTED) - tables)
        if missing:
            raise LegacyFileError(
                f"{self.path.name} is not a personal_finance.db from the old app "
                f"(no {', '.join(missing)} table)"
            )
        for table, columns in EXPECTED.items():
            have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if not columns <= have:
                lacking = ", ".join(sorted(columns - have))
                raise LegacyFileError(f"table {table} of {self.path.name} lacks {lacking}")

    def rows(self, table: str) -> list[dict]:
        """Every row of one of the eight known tables, in id order."""
        if table not in EXPECTED:
            raise ValueError(f"unknown legacy table {table}")
        order = "key" if table == "settings" else "id"
        try:
            # Table and column names come from EXPECTED and this code, never from the file.
            query = f"SELECT * FROM {table} ORDER BY {order}"  # nosec B608 # noqa: S608
            return [dict(r) for r in self._db.execute(query)]
        except sqlite3.DatabaseError as exc:
            raise LegacyFileError(f"{self.path.name} is damaged ({exc})") from None

    def count(self, table: str) -> int:
        if table not in EXPECTED:
            raise ValueError(f"unknown legacy table {table}")
        # The table name is one of EXPECTED's (checked above), never from the file.
        query = f"SELECT count(*) FROM {table}"  # nosec B608 # noqa: S608
        return self._db.execute(query).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LegacySource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
