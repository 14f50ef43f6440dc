"""Row-level security across savepoints (``session.begin_nested``), tried as the app's
own role on PostgreSQL: a savepoint starts with its transaction's settings and its
rollback restores the ones from before it, so a scope changed inside one (a ledger
cleared or switched, ``unscoped`` closed) must still hold the connection afterwards,
for statements no ORM hook sees (Core on the session's connection, a DBAPI cursor).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from homeledger import tenancy
from homeledger.models import Transaction, User
from tests.factories import add_transactions, make_user

on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def two_ledgers(session):
    alex, sam = make_user(session, "alex"), make_user(session, "sam")
    add_transactions(session, alex, [(date(2026, 11, 2), "Alex's rent", "-900.00", None)] * 3)
    add_transactions(session, sam, [(date(2026, 11, 3), "Sam's secret", "-41.17", None)] * 2)
    return alex.id, sam.id


def _seen(session) -> tuple[list[int], list[int]]:
    """Whose transactions a Core select and a DBAPI cursor see on the session's connection."""
    connection = session.connection()
    core = sorted(connection.scalars(select(Transaction.__table__.c.user_id)))
    cursor = connection.connection.cursor()
    cursor.execute("SELECT user_id FROM transactions ORDER BY user_id")
    return core, [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_unscoped_closed_inside_a_savepoint_closes_the_wall_too(session, two_ledgers):
    session.connection()
    with tenancy.unscoped(session, reason="test: a savepoint begun inside the door"):
        savepoint = session.begin_nested()
    assert _seen(session) == ([], [])  # the door is shut: no ledger, nothing
    savepoint.rollback()
    assert _seen(session) == ([], [])  # and stays shut after the savepoint is undone
    session.rollback()


@on_postgresql
def test_a_ledger_cleared_inside_a_savepoint_is_gone_from_the_connection(session, two_ledgers):
    alex, _sam = two_ledgers
    tenancy.set_ledger(session, alex)
    assert _seen(session) == ([alex] * 3, [alex] * 3)
    savepoint = session.begin_nested()
    tenancy.clear(session)  # signed out, say, with the savepoint not yet sent
    assert _seen(session) == ([], [])
    savepoint.rollback()  # the database's settings go back to Alex's...
    assert _seen(session) == ([], [])  # ...the session's scope does not, nor the wall
    session.rollback()


@on_postgresql
def test_after_a_savepoint_the_connection_holds_the_sessions_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    tenancy.set_ledger(session, alex)
    _seen(session)
    savepoint = session.begin_nested()
    tenancy.set_ledger(session, sam)
    assert _seen(session) == ([sam] * 2, [sam] * 2)
    savepoint.rollback()
    assert _seen(session) == ([sam] * 2, [sam] * 2)  # Sam's, not Alex's from before it
    with session.begin_nested():
        tenancy.set_ledger(session, alex)
    assert _seen(session) == ([alex] * 3, [alex] * 3)
    session.rollback()


@on_postgresql
def test_a_failed_write_in_a_savepoint_leaves_the_ledger_usable(session, two_ledgers):
    """As ``profile.update`` does: a unique clash inside a savepoint, caught, then the
    transaction goes on in the same ledger and commits."""
    alex, sam = two_ledgers
    with tenancy.acting_as(session, alex):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.get(User, alex).username = "sam"
            session.flush()
        assert _seen(session) == ([alex] * 3, [alex] * 3)
        session.add(Transaction(date=date(2026, 11, 5), description="after", amount=-1))
        session.commit()
    with tenancy.acting_as(session, sam):
        assert _seen(session) == ([sam] * 2, [sam] * 2)
    with tenancy.acting_as(session, alex):
        assert len(session.scalars(select(Transaction.id)).all()) == 4
    session.rollback()


@on_postgresql
def test_a_rollback_with_a_savepoint_open_ends_cleanly(session, two_ledgers):
    alex, _sam = two_ledgers
    tenancy.set_ledger(session, alex)
    session.begin_nested()
    tenancy.clear(session)
    _seen(session)
    session.rollback()  # the whole transaction, savepoint and all
    assert _seen(session) == ([], [])
    tenancy.set_ledger(session, alex)
    assert _seen(session) == ([alex] * 3, [alex] * 3)
    session.rollback()
