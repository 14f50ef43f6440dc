"""The migrated schema is the models' schema, on both databases."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import column, create_engine, func, insert, inspect, select
from sqlalchemy import table as core_table
from sqlalchemy.orm import Session

from homeledger import migrate, tenancy
from homeledger.models import Base, CategorySeed, DebtPayment, Transaction
from homeledger.models.base import UserOwned
from tests.factories import make_user


def _upgraded_engine(url):
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    return engine


def test_upgrade_creates_every_table_of_the_models(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_autogenerate_finds_no_difference_between_models_and_migrations(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes (lower(username)); Alembic says so and skips.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        if connection.dialect.name == "sqlite":
            diff = _without_unnamed_inline_keys(diff, connection)
    engine.dispose()
    assert diff == []


def _fk_shape(key) -> tuple:
    return (
        key.parent.name,
        tuple(c.name for c in key.columns),
        key.referred_table.name,
        tuple(e.column.name for e in key.elements),
    )


def _without_unnamed_inline_keys(diff: list, connection) -> list:
    """``diff`` less the foreign keys SQLite reports without their name and action.

    A column added by ``ALTER TABLE ... ADD COLUMN ... CONSTRAINT name REFERENCES``
    (0008: SQLite adds no constraint otherwise without copying the table) keeps both in
    the schema, but SQLAlchemy reads them from table-level keys only. Such a key is the
    model's when its columns match and SQLite's own list shows the model's ON DELETE."""
    wanted = {_fk_shape(change[1]): change[1] for change in diff if change[0] == "add_fk"}
    same = set()
    for change in diff:
        shape = _fk_shape(change[1])
        if change[0] == "remove_fk" and change[1].name is None and shape in wanted:
            table, (name,), _, _ = shape
            actions = {
                row[3]: row[6]
                for row in connection.exec_driver_sql(f"PRAGMA foreign_key_list({table})")
            }
            assert actions[name] == (wanted[shape].ondelete or "NO ACTION"), (table, name)
            same.add(shape)
    return [
        change
        for change in diff
        if not (change[0] in ("add_fk", "remove_fk") and _fk_shape(change[1]) in same)
    ]


def test_every_user_owned_table_has_an_index_leading_with_user_id(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    inspector = inspect(engine)
    owned = [m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, UserOwned)]
    for table in owned:
        with warnings.catch_warnings():
            # SQLite cannot reflect expression indexes (coalesce(account, '')); it says so.
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            leading = [ix["column_names"][0] for ix in inspector.get_indexes(table)]
            leading += [uq["column_names"][0] for uq in inspector.get_unique_constraints(table)]
        assert "user_id" in leading, f"{table} has no index leading with user_id"
        user_id = next(c for c in inspector.get_columns(table) if c["name"] == "user_id")
        assert user_id["nullable"] is False, f"{table}.user_id is nullable"
    engine.dispose()


def test_migration_seeds_the_thirteen_universal_categories(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(CategorySeed))
    engine.dispose()
    assert count == 13


def test_downgrade_to_empty_and_back_up(empty_db_url):
    engine = _upgraded_engine(empty_db_url)
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection=connection), "base")
    assert inspect(engine).get_table_names() in ([], ["alembic_version"])
    with engine.begin() as connection:
        migrate.upgrade(connection)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_rows_doubled_before_the_unique_keys_keep_one_key_and_are_flagged(empty_db_url):
    """Imports racing each other could double rows before 0004; the upgrade must still work."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        migrate.upgrade(connection, "0003")
    tenancy.install()
    # The table as 0003 left it, money in whole cents.
    transactions = core_table(
        "transactions",
        *(column(name) for name in ("user_id", "date", "description", "amount", "account")),
        *(column(name) for name in ("bank_id", "fingerprint", "created_at", "updated_at")),
    )
    now = datetime(2026, 11, 1, tzinfo=UTC)
    coffee = {
        "date": date(2024, 3, 5),
        "description": "Coffee",
        "amount": -250,
        "account": None,
        "bank_id": None,
        "created_at": now,
        "updated_at": now,
    }
    with Session(engine) as session:
        alex, sam = make_user(session, "alex").id, make_user(session, "sam").id
        rows = {
            alex: [
                {**coffee, "fingerprint": "f1"},
                {**coffee, "fingerprint": "f1"},  # the race's second copy
                {**coffee, "account": "Card", "bank_id": "B1", "fingerprint": "g1"},
                {**coffee, "account": "Card", "bank_id": "B1", "fingerprint": "g1"},
                {**coffee, "account": "Savings", "bank_id": "B1", "fingerprint": "g2"},
                {**coffee, "bank_id": "legacy:1"},  # two old files may reuse an old id
                {**coffee, "bank_id": "legacy:1"},
            ],
            sam: [{**coffee, "fingerprint": "f1"}],
        }
        for user_id, values in rows.items():
            session.execute(
                insert(transactions),
                [{"fingerprint": None, **row, "user_id": user_id} for row in values],
            )
        session.commit()

    with engine.begin() as connection:
        migrate.upgrade(connection)

    with Session(engine) as session, tenancy.unscoped(session, reason="test"):
        held = session.execute(
            select(
                Transaction.user_id,
                Transaction.bank_id,
                Transaction.fingerprint,
                Transaction.review_reason.is_not(None),
            ).order_by(Transaction.id)
        ).all()
    engine.dispose()
    assert held == [
        (alex, None, "f1", False),
        (alex, None, None, True),
        (alex, "B1", "g1", False),
        (alex, None, None, True),
        (alex, "B1", "g2", False),
        (alex, "legacy:1", None, False),
        (alex, "legacy:1", None, False),
        (sam, None, "f1", False),
    ]


def test_payments_recorded_before_0005_get_the_balance_they_left(empty_db_url):
    """Walking back from the balance now: the newest payment left it, each earlier one
    that plus the payments made since. Each debt counts on its own."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        migrate.upgrade(connection, "0004")
    tenancy.install()
    # The tables as 0004 left them, money in whole cents.
    debts = core_table(
        "debts",
        *(column(name) for name in ("id", "user_id", "name", "debt_type", "current_balance")),
        *(column(name) for name in ("interest_rate", "is_active", "created_at")),
    )
    payments = core_table(
        "debt_payments",
        *(column(name) for name in ("id", "user_id", "debt_id", "date", "amount", "created_at")),
    )
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(engine) as session:
        alex = make_user(session, "alex").id
        debt = {"user_id": alex, "debt_type": "loan", "interest_rate": 0, "is_active": True}
        session.execute(
            insert(debts),
            [
                {**debt, "id": 1, "name": "Car", "current_balance": 500000, "created_at": now},
                {**debt, "id": 2, "name": "Zip", "current_balance": 0, "created_at": now},
            ],
        )
        paid = [
            (1, date(2026, 9, 15), 40000),
            (1, date(2026, 11, 15), 40000),
            (1, date(2026, 10, 15), 45000),
            (2, date(2026, 10, 4), 12500),
        ]
        session.execute(
            insert(payments),
            [
                {
                    "id": n,
                    "user_id": alex,
                    "debt_id": d,
                    "date": day,
                    "amount": cents,
                    "created_at": now,
                }
                for n, (d, day, cents) in enumerate(paid, start=1)
            ],
        )
        session.commit()

    with engine.begin() as connection:
        migrate.upgrade(connection)

    with Session(engine) as session, tenancy.unscoped(session, reason="test"):
        left = session.execute(
            select(DebtPayment.id, DebtPayment.balance_after).order_by(DebtPayment.id)
        ).all()
    engine.dispose()
    assert left == [
        (1, Decimal("5850.00")),  # 5000 + 400 (Nov) + 450 (Oct)
        (2, Decimal("5000.00")),
        (3, Decimal("5400.00")),
        (4, Decimal("0.00")),
    ]
