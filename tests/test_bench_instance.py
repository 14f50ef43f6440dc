"""The benchmark's large instance (bench/large_instance.py), at a tiny size: the same seed
and day make the same data, and the counts it reports (which `make bench` writes into
its JSON) are the rows the database holds."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select

from homeledger.models import Transaction, User

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import large_instance

SIZE = large_instance.Size(rows=10_500, households=2, today=date(2026, 11, 20))
ONE = large_instance.Size(rows=10_500, households=1, today=SIZE.today)


def _load(template: str, path: Path, size: large_instance.Size = SIZE):
    shutil.copyfile(template, path)
    engine = create_engine(f"sqlite:///{path}")
    return engine, large_instance.load(engine, size)


def test_the_same_seed_and_day_make_the_same_instance(migrated_sqlite_template, tmp_path):
    first, loaded = _load(migrated_sqlite_template, tmp_path / "first.db", ONE)
    second, again = _load(migrated_sqlite_template, tmp_path / "second.db", ONE)
    reseeded = large_instance.Size(rows=ONE.rows, households=1, seed=20, today=ONE.today)
    third, _ = _load(migrated_sqlite_template, tmp_path / "third.db", reseeded)

    assert large_instance.digest(first) == large_instance.digest(second)
    assert loaded.counts == again.counts
    assert large_instance.digest(third) != large_instance.digest(first)


def test_the_counts_reported_are_the_rows_held(migrated_sqlite_template, tmp_path):
    engine, loaded = _load(migrated_sqlite_template, tmp_path / "instance.db")

    assert loaded.transactions == 2 * SIZE.rows
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Transaction)) == 2 * SIZE.rows
        by_ledger = dict(
            connection.execute(
                select(Transaction.user_id, func.count()).group_by(Transaction.user_id)
            ).all()
        )
        roles = dict(connection.execute(select(User.username, User.role)).all())
    heavy = loaded.counts[large_instance.HEAVY]
    assert by_ledger == {loaded.heavy: SIZE.rows, loaded.users["household1"]: SIZE.rows}
    assert heavy["transactions"] == SIZE.rows
    # Each household has plans for its pages to show, and the importer an empty ledger.
    for table in ("budgets", "commitments", "debts", "debt_payments", "goal_contributions"):
        assert heavy[table] > 0, table
    assert loaded.counts[large_instance.IMPORTER]["transactions"] == 0
    assert roles[large_instance.HEAVY] == "admin"
