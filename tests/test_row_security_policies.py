"""The policies' SQL tried directly, as the app's own role on PostgreSQL: writes that
would reach another ledger by an upsert's conflict, by moving a row, by a grant held in
some other ledger, or by a grant revoked earlier in the same transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from homeledger import tenancy
from tests.factories import add_transactions, make_user
from tests.shared_ledgers import share

on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

UPSERT = text(
    "INSERT INTO transactions (id, user_id, date, description, amount, created_at, updated_at)"
    " VALUES (:id, :ledger, '2026-11-04', 'planted', 1, now(), now())"
    " ON CONFLICT (id) DO UPDATE SET description = 'overwritten'"
)
DESCRIPTIONS = text("SELECT description FROM transactions ORDER BY id")


@pytest.fixture
def ledgers(session):
    alex, sam, kim = (
        make_user(session, "alex"),
        make_user(session, "sam"),
        make_user(session, "kim"),
    )
    alex_ids = add_transactions(session, alex, [(date(2026, 11, 2), "Alex's", "-9.00", None)])
    sam_ids = add_transactions(session, sam, [(date(2026, 11, 3), "Sam's", "-4.00", None)])
    share(session, alex, kim, "viewer")
    share(session, sam, kim, "editor")
    return alex.id, sam.id, kim.id, alex_ids[0], sam_ids[0]


def _refused(session, statement, params) -> str:
    connection = session.connection()
    savepoint = connection.begin_nested()
    with pytest.raises(ProgrammingError) as refusal:
        connection.execute(statement, params)
    savepoint.rollback()
    return str(refusal.value.orig)


@on_postgresql
def test_no_write_reaches_another_ledger(session, ledgers):
    alex, sam, kim, alex_row, sam_row = ledgers
    with tenancy.acting_as(session, alex):
        # The upsert's conflict is on Sam's row: its UPDATE may not touch it.
        assert "row-level security" in _refused(session, UPSERT, {"id": sam_row, "ledger": alex})
        moved = text("UPDATE transactions SET user_id = :sam")
        assert "row-level security" in _refused(session, moved, {"sam": sam})
    with tenancy.acting_as(session, alex, kim, role="viewer"):
        assert "row-level security" in _refused(session, UPSERT, {"id": alex_row, "ledger": alex})
    # Kim's editor grant is in Sam's ledger: in Alex's, she is only a viewer.
    with tenancy.acting_as(session, alex, kim, role="editor"):
        changed = session.connection().execute(text("UPDATE transactions SET amount = 0"))
        assert changed.rowcount == 0
        assert session.scalars(DESCRIPTIONS).all() == ["Alex's"]  # the viewer grant reads
    with tenancy.acting_as(session, sam, kim, role="editor"):
        session.execute(text("DELETE FROM ledger_members WHERE member_id = :kim"), {"kim": kim})
        assert session.scalars(DESCRIPTIONS).all() == []  # revoked: at once, same transaction
    session.rollback()
    for ledger, described in ((alex, ["Alex's"]), (sam, ["Sam's"])):
        with tenancy.acting_as(session, ledger):
            assert session.scalars(DESCRIPTIONS).all() == described
    session.rollback()


@on_postgresql
def test_the_app_role_reads_the_schema_revision_but_may_not_change_it(session):
    assert session.scalar(text("SELECT version_num FROM alembic_version"))
    with pytest.raises(ProgrammingError, match="permission denied"):
        session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    session.rollback()
