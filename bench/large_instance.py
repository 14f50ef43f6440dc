"""The large instance the end-to-end benchmark measures: the same households on
PostgreSQL and on SQLite, the same data for the same seed and day.

Six households (BENCH_HOUSEHOLDS) of 100,000 transactions each (BENCH_ROWS) over the
five years before ``today``. The first, ``heavy``, is the one measured; its owner is
the instance's admin, and it is shared with the second household's owner (a viewer),
so the member pages have someone to show. Each household is the demo household
(categories, owners, accounts, budgets, bills, debts with payments, goals with
contributions: ``homeledger.demo``, about 10,000 rows, seeded per household) topped up
with rows drawn from its own demo rows (same payees, categories, owners and accounts;
amounts scaled by 0.6-1.4; any day of the five years), plus a few rules, a saved CSV
mapping and a legacy upload. ``importer`` is a seventh account with an empty ledger,
for the CSV import.

The demo part goes through the ORM (a couple of seconds a household); the top-up,
nine tenths of the rows, is written with PostgreSQL's COPY (SQLite: one executemany in
one transaction), then VACUUM ANALYZE (SQLite: ANALYZE). Loading is done as the
schema's owner; the app runs as its own role (see ``end_to_end.py``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.demo import build_demo_household
from homeledger.models import (
    Budget,
    Category,
    Commitment,
    Debt,
    DebtPayment,
    GoalContribution,
    ImportProfile,
    LegacyUpload,
    Owner,
    Rule,
    SavingsGoal,
    Transaction,
    User,
)
from homeledger.services import accounts, onboarding, passwords, sharing
from homeledger.services.importing.csv_mapping import CsvMapping
from homeledger.services.legacy.report import MigrationReport

HEAVY = "heavy"  # the measured household's owner (an admin)
IMPORTER = "importer"  # an empty ledger the CSV import goes into
PASSWORD = "benchmark passphrase"  # noqa: S105 - a throwaway instance's
YEARS = 5
# What each household's counts are read from, for the summary and the test.
COUNTED = (
    Transaction,
    Category,
    Owner,
    Budget,
    Commitment,
    Debt,
    DebtPayment,
    SavingsGoal,
    GoalContribution,
    Rule,
)
_COPIED = (
    "date",
    "description",
    "amount",
    "category_id",
    "owner_id",
    "account",
    "user_id",
    "created_by_id",
    "updated_by_id",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Size:
    rows: int = 100_000  # transactions per household (at least the demo's ~10,000)
    households: int = 6  # the heavy one and the others
    seed: int = 19
    today: date = field(default_factory=date.today)


@dataclass
class Loaded:
    """What was loaded: the owners' ids by username, each household's counts (as read
    back from the database), and how long each step took."""

    users: dict[str, int]
    counts: dict[str, dict[str, int]]
    seconds: dict[str, float]

    @property
    def heavy(self) -> int:
        return self.users[HEAVY]

    @property
    def transactions(self) -> int:
        return sum(c["transactions"] for c in self.counts.values())


def household_names(size: Size) -> list[str]:
    return [HEAVY] + [f"household{i}" for i in range(1, size.households)]


def load(engine: Engine, size: Size) -> Loaded:
    """Fill a migrated, empty database (as its owner)."""
    passwords.configure(1, 8, 1)  # account creation is not what is measured
    tenancy.install()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    users: dict[str, int] = {}
    with Session(engine) as session:
        for index, name in enumerate(household_names(size)):
            users[name] = _household(session, name, index, size)
        users[IMPORTER] = _new_ledger(session, IMPORTER, "user")
        _share(session, users[HEAVY], household_names(size)[1:2])
        session.commit()
        seconds["households (ORM)"] = time.perf_counter() - started
        started = time.perf_counter()
        planned = 0
        with _indexes_set_aside(engine):
            for index, name in enumerate(household_names(size)):
                rows = _top_up(session, users[name], index, size)
                session.rollback()
                planned += len(rows)
                _write(engine, rows)
            seconds[f"top-up, {planned:,} rows (bulk)"] = time.perf_counter() - started
            started = time.perf_counter()
        seconds["indexes and foreign keys back"] = time.perf_counter() - started
        started = time.perf_counter()
        _analyze(engine)
        seconds["vacuum analyze"] = time.perf_counter() - started
        counts = {name: household_counts(session, users[name]) for name in users}
    return Loaded(users, counts, seconds)


def household_counts(session: Session, user_id: int) -> dict[str, int]:
    """Rows of each counted table in one ledger."""
    with tenancy.acting_as(session, user_id):
        found = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in COUNTED
        }
    session.rollback()
    return found


def _new_ledger(session: Session, username: str, role: str) -> int:
    user = accounts.create_user(
        session, username, PASSWORD, role=role, display_name=username.capitalize()
    )
    onboarding.skip(user)
    session.flush()
    return user.id


def _household(session: Session, username: str, index: int, size: Size) -> int:
    """One household's owner and demo ledger, committed; the owner's id."""
    user_id = _new_ledger(session, username, "admin" if username == HEAVY else "user")
    with tenancy.acting_as(session, user_id):
        build_demo_household(session, seed=size.seed * 1000 + index, years=YEARS, today=size.today)
        groceries = session.scalar(select(Category.id).where(Category.name == "Groceries"))
        session.add_all(
            Rule(name=f"{word} is groceries", pattern=word.lower(), set_category_id=groceries)
            for word in ("Woolworths", "Coles", "Aldi", "IGA", "Harris Farm")
        )
        mapping = CsvMapping(date="Date", description="Description", amount="Amount")
        session.add(ImportProfile(name="My bank", mapping=mapping.to_dict()))
        session.add(
            LegacyUpload(
                filename="personal_finance.db",
                file_sha256=f"{user_id:064x}",
                size=0,
                dry_run_report=MigrationReport(
                    "personal_finance.db", f"{user_id:064x}", username, dry_run=True
                ).to_dict(),
            )
        )
        session.flush()
    session.commit()
    return user_id


def _share(session: Session, heavy: int, viewers: list[str]) -> None:
    with tenancy.acting_as(session, heavy):
        for username in viewers:
            sharing.add_member(session, username, "viewer")


def _top_up(session: Session, user_id: int, index: int, size: Size) -> list[tuple]:
    """The rows that bring a household to ``size.rows``: drawn from its demo rows, in
    order, by a generator seeded with the household, so the same seed, day and
    database ids give the same rows."""
    with tenancy.acting_as(session, user_id):
        demo = session.execute(
            select(
                Transaction.description,
                Transaction.amount,
                Transaction.category_id,
                Transaction.owner_id,
                Transaction.account,
            ).order_by(Transaction.id)
        ).all()
    rng = random.Random(f"{size.seed}:{index}")
    first = size.today - timedelta(days=YEARS * 365)
    days = (size.today - first).days + 1
    rows = []
    for _ in range(max(0, size.rows - len(demo))):
        description, amount, category_id, owner_id, account = rng.choice(demo)
        cents = int(amount * 100)
        scaled = round(cents * rng.uniform(0.6, 1.4)) or cents
        day = first + timedelta(days=rng.randrange(days))
        rows.append((day, description, scaled, category_id, owner_id, account, user_id))
    return rows


def _write(engine: Engine, rows: list[tuple]) -> None:
    """Append ``rows`` (date, description, cents, category, owner, account, ledger)."""
    if not rows:
        return
    now = datetime.now(UTC).replace(microsecond=0)
    if engine.dialect.name == "postgresql":
        _copy(engine, rows, now.isoformat())
    else:
        stamp = sqlite.DATETIME().bind_processor(engine.dialect)(now.replace(tzinfo=None))
        _insert_sqlite(engine, rows, stamp)


def _cell(value) -> str:
    """A value as COPY's text format writes it: \\N for NULL, tabs and newlines escaped."""
    if value is None:
        return r"\N"
    value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(engine: Engine, rows: list[tuple], stamp: str) -> None:
    """PostgreSQL COPY in text format, 10,000 lines a write."""
    columns = ", ".join(_COPIED)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY transactions ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), 10_000):
                copy.write(
                    "".join(
                        "\t".join(map(_cell, (day.isoformat(), words, cents, category, owner)))
                        + f"\t{_cell(account)}\t{user}\t{user}\t{user}\t{stamp}\t{stamp}\n"
                        for day, words, cents, category, owner, account, user in rows[
                            start : start + 10_000
                        ]
                    )
                )
        raw.commit()
    finally:
        raw.close()


def _insert_sqlite(engine: Engine, rows: list[tuple], stamp: str) -> None:
    marks = ", ".join("?" * len(_COPIED))
    statement = f"INSERT INTO transactions ({', '.join(_COPIED)}) VALUES ({marks})"  # noqa: S608
    raw = engine.raw_connection()
    try:
        raw.cursor().executemany(
            statement,
            (
                (day.isoformat(), words, cents, category, owner, account, *[user] * 3, stamp, stamp)
                for day, words, cents, category, owner, account, user in rows
            ),
        )
        raw.commit()
    finally:
        raw.close()


_PG_INDEXES = text(
    "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i"
    " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'transactions'::regclass"
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
)
_PG_FOREIGN_KEYS = text(
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE conrelid = 'transactions'::regclass AND contype = 'f'"
)
_SQLITE_INDEXES = text(
    "SELECT name, sql FROM sqlite_master"
    " WHERE type = 'index' AND tbl_name = 'transactions' AND sql IS NOT NULL"
)


@contextmanager
def _indexes_set_aside(engine: Engine) -> Iterator[None]:
    """The transactions table without its secondary indexes (and, on PostgreSQL, its
    foreign keys) while the bulk rows go in; then each made again from its own
    definition, as a restore does: one sorted build, one checking join, instead of
    600,000 index insertions and 3 million key look-ups. The definitions read back
    afterwards must be the ones set aside."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        indexes = dict(connection.execute(_PG_INDEXES if postgres else _SQLITE_INDEXES).all())
        keys = dict(connection.execute(_PG_FOREIGN_KEYS).all()) if postgres else {}
        for name in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        for name in keys:
            connection.execute(text(f'ALTER TABLE transactions DROP CONSTRAINT "{name}"'))
    yield
    with engine.begin() as connection:
        for definition in indexes.values():
            connection.execute(text(definition))
        for name, definition in keys.items():
            add = f'ALTER TABLE transactions ADD CONSTRAINT "{name}" {definition}'
            connection.execute(text(add))
        after = dict(connection.execute(_PG_INDEXES if postgres else _SQLITE_INDEXES).all())
        after_keys = dict(connection.execute(_PG_FOREIGN_KEYS).all()) if postgres else {}
    if (after, after_keys) != (indexes, keys):
        raise RuntimeError("the transactions table's indexes or keys did not come back the same")


def _analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def digest(engine: Engine) -> str:
    """A fingerprint of the ledgers' contents (ids, dates, amounts, names, links; not
    when rows were written), for telling whether two loads made the same data."""
    import hashlib

    queries = {
        "transactions": "SELECT id, user_id, date, description, amount, category_id,"
        " owner_id, account FROM transactions ORDER BY id",
        "budgets": "SELECT id, user_id, year, month, category_id, amount FROM budgets ORDER BY id",
        "commitments": "SELECT id, user_id, name, amount, frequency FROM commitments ORDER BY id",
        "debts": "SELECT id, user_id, name, current_balance FROM debts ORDER BY id",
        "debt_payments": "SELECT id, debt_id, date, amount FROM debt_payments ORDER BY id",
        "savings_goals": "SELECT id, user_id, name, target_amount FROM savings_goals ORDER BY id",
        "goal_contributions": "SELECT id, goal_id, date, amount FROM goal_contributions"
        " ORDER BY id",
    }
    hashed = hashlib.sha256()
    with engine.connect() as connection:
        for name, query in queries.items():
            hashed.update(name.encode())
            for row in connection.execute(text(query)):
                hashed.update(repr(tuple(str(v) for v in row)).encode())
    return hashed.hexdigest()


def owner_of(session: Session, username: str) -> int:
    return session.scalars(select(User.id).where(User.username == username)).one()
