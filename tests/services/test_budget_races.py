"""Setting the same budget from several connections at once leaves one row.

On PostgreSQL the writers really run in parallel and the second waits on the first's
row; SQLite lets one writer in at a time, and the others wait for it (busy timeout).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import Budget
from homeledger.services import budgets, categories
from tests.factories import category_id, make_user
from tests.races import someone_waits_on_a_lock

pytestmark = pytest.mark.parametrize("db_url", ["postgresql", "sqlite"], indirect=True)


@pytest.fixture
def racing(app, session, db_url):
    """An engine of its own for the racing connections, and the key they race for."""
    alex = make_user(session, "alex")
    with tenancy.acting_as(session, alex.id):
        owner = categories.create_owner(session, "Sam").id
        groceries = category_id(session, "Groceries")
        session.commit()
    engine = create_engine(db_url, pool_size=10)
    yield engine, alex.id, groceries, owner
    engine.dispose()


def _set(engine, ledger, category, amount, owner=None, *, ready=None, release=None, start=None):
    """One connection: wait for ``start``, upsert, signal ``ready``, wait for ``release``,
    commit; the budget's id."""
    with Session(engine) as session:
        tenancy.set_ledger(session, ledger)
        if start is not None:
            start.wait()
        budget_id = budgets.set_budget(session, 2026, 3, category, Decimal(amount), owner)
        if ready is not None:
            ready.set()
        if release is not None:
            assert release.wait(30)
        session.commit()
        return budget_id


def _rows(engine, ledger, category, owner=None):
    with Session(engine) as session:
        tenancy.set_ledger(session, ledger)
        same_owner = Budget.owner_id.is_(None) if owner is None else Budget.owner_id == owner
        return session.scalars(
            select(Budget.amount).where(Budget.category_id == category, same_owner)
        ).all()


@pytest.mark.parametrize("for_owner", [False, True], ids=["household", "owner"])
def test_a_second_writer_waits_for_the_first_and_its_amount_wins(racing, for_owner):
    """The first connection inserts the new budget and holds its transaction open; the
    second's upsert of the same key waits on it, then updates that row."""
    engine, ledger, groceries, owner = racing
    owner = owner if for_owner else None
    first_wrote, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(
            _set, engine, ledger, groceries, "100.00", owner, ready=first_wrote, release=release
        )
        assert first_wrote.wait(30)
        second = pool.submit(_set, engine, ledger, groceries, "200.00", owner)
        if engine.dialect.name == "postgresql":
            # The second writer is seen blocked on the first's uncommitted row.
            assert someone_waits_on_a_lock(engine)
        assert not second.done()  # it cannot finish while the first holds the row
        release.set()
        first_id, second_id = first.result(60), second.result(60)
    assert first_id == second_id
    assert _rows(engine, ledger, groceries, owner) == [Decimal("200.00")]


@pytest.mark.parametrize("for_owner", [False, True], ids=["household", "owner"])
def test_many_writers_at_once_leave_one_row(racing, for_owner):
    engine, ledger, groceries, owner = racing
    owner = owner if for_owner else None
    writers = 8
    for round_ in range(3):
        start = threading.Barrier(writers, timeout=30)
        amounts = [f"{100 * round_ + n}.00" for n in range(writers)]
        with ThreadPoolExecutor(writers) as pool:
            ids = {
                future.result(60)
                for future in [
                    pool.submit(_set, engine, ledger, groceries, amount, owner, start=start)
                    for amount in amounts
                ]
            }
        assert len(ids) == 1
        rows = _rows(engine, ledger, groceries, owner)
        assert len(rows) == 1 and str(rows[0]) in amounts
    with Session(engine) as session:
        tenancy.set_ledger(session, ledger)
        assert session.scalar(select(func.count(Budget.id))) == 1
