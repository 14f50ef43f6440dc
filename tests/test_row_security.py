"""PostgreSQL's row-level security, the wall under the ORM scoping (``row_security.py``,
migration 0009), tried from the app's own connection, as the app's own role.

Each test goes around the ORM on purpose (``text()``, a Core statement on the session's
connection, a raw DBAPI cursor): that is what the wall is for, application code that
forgot the scoping. SQLite has no row-level security; there the ORM scoping is the only
wall (tests/services/test_tenancy.py), so these tests need PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from flask import jsonify
from sqlalchemy import create_engine, delete, inspect, select, text, update
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from homeledger import create_app, row_security, tenancy
from homeledger.cli import cli
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import Base, Transaction
from tests.conftest import web_login
from tests.factories import add_transactions, make_user
from tests.shared_ledgers import share

# Tables with a user_id that are a person's account, not ledger rows: reached only
# through their own services, by the person or an admin, never in a ledger's scope.
ACCOUNT_TABLES = {"refresh_tokens", "web_sessions", "revoked_tokens", "audit_logs", "invites"}


# The app's database and session fixtures (tests/conftest.py), on PostgreSQL only.
on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def two_ledgers(session):
    alex, sam = make_user(session, "alex"), make_user(session, "sam")
    add_transactions(session, alex, [(date(2026, 11, 2), "Alex's rent", "-900.00", None)] * 3)
    add_transactions(session, sam, [(date(2026, 11, 3), "Sam's secret", "-41.17", None)] * 2)
    return alex, sam


def _raw_owners(session: Session) -> list[int]:
    """Whose transactions a plain SELECT with no filter sees, past every ORM hook."""
    cursor = session.connection().connection.cursor()
    cursor.execute("SELECT user_id FROM transactions ORDER BY user_id")
    return [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_the_app_role_is_held_by_the_wall(session):
    """The suite's PostgreSQL half connects as a role that owns nothing and has no
    BYPASSRLS; were it a superuser, every test here would pass for the wrong reason."""
    assert not row_security.bypasses_row_security(session.connection())
    table_owner = session.scalar(
        text("SELECT tableowner FROM pg_tables WHERE tablename = 'transactions'")
    )
    assert table_owner != session.scalar(text("SELECT current_user"))


@on_postgresql
def test_an_unfiltered_select_sees_only_the_acting_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    with tenancy.acting_as(session, alex.id):
        assert _raw_owners(session) == [alex.id] * 3
        assert session.scalar(text("SELECT count(*) FROM transactions")) == 3
        core = select(Transaction.__table__.c.description)  # not seen by the ORM hooks
        assert set(session.connection().scalars(core)) == {"Alex's rent"}
    with tenancy.acting_as(session, sam.id):
        assert _raw_owners(session) == [sam.id] * 2
    session.commit()
    assert _raw_owners(session) == []  # no acting ledger: nothing at all


@on_postgresql
def test_unfiltered_writes_reach_only_the_acting_ledger(session, two_ledgers):
    alex, sam = two_ledgers
    with tenancy.acting_as(session, sam.id):
        connection = session.connection()
        table = Transaction.__table__
        changed = connection.execute(update(table).values(description="overwritten"))
        removed = connection.execute(delete(table).where(table.c.amount < 0))
        assert (changed.rowcount, removed.rowcount) == (2, 2)
        with pytest.raises(ProgrammingError, match="row-level security"):
            connection.execute(
                table.insert().values(
                    user_id=alex.id, date=date(2026, 11, 4), description="planted", amount=1
                )
            )
    session.rollback()
    session.commit()
    with tenancy.acting_as(session, alex.id):
        assert session.scalars(select(Transaction.description)).all() == ["Alex's rent"] * 3


@on_postgresql
def test_the_database_checks_sharing_grants_and_roles_itself(session, two_ledgers):
    """Someone named as the actor in another's ledger sees nothing without a grant; a
    viewer reads but changes nothing, even by statements the ORM never checked."""
    alex, _sam = two_ledgers
    kim = make_user(session, "kim")
    with tenancy.acting_as(session, alex.id, kim.id, role="editor"):  # no grant
        assert _raw_owners(session) == []
    share(session, alex, kim, "viewer")
    with tenancy.acting_as(session, alex.id, kim.id, role="viewer"):
        assert _raw_owners(session) == [alex.id] * 3
        changed = session.connection().execute(
            update(Transaction.__table__).values(description="viewer was here")
        )
        assert changed.rowcount == 0
    session.commit()
    share_row = text("UPDATE ledger_members SET role = 'editor' WHERE member_id = :kim")
    session.execute(share_row, {"kim": kim.id})
    session.commit()
    with tenancy.acting_as(session, alex.id, kim.id, role="editor"):
        changed = session.connection().execute(
            update(Transaction.__table__).values(description="edited by kim")
        )
        assert changed.rowcount == 3
        assert _raw_owners(session) == [alex.id] * 3  # still not Sam's
    session.rollback()


@on_postgresql
def test_all_ledgers_opens_for_its_block_only(session, two_ledgers):
    alex, sam = two_ledgers
    with tenancy.acting_as(session, alex.id):
        with row_security.all_ledgers(session.connection()):
            assert sorted(set(_raw_owners(session))) == [alex.id, sam.id]
        assert _raw_owners(session) == [alex.id] * 3
    with tenancy.unscoped(session, reason="test: the audited door opens the wall too"):
        assert sorted(set(_raw_owners(session))) == [alex.id, sam.id]
    session.rollback()


@on_postgresql
def test_a_pooled_connection_never_carries_the_last_ledger(db_url, session, two_ledgers):
    """One connection in the pool, so every request gets the same one: after a signed-in
    request, the next one (signed out, or someone else) starts with no ledger at all."""
    alex, sam = two_ledgers
    app = create_app(
        TestConfig(db_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    )

    @app.get("/what-the-connection-sees")
    def what_the_connection_sees():
        seen = db.session.execute(
            text(
                "SELECT pg_backend_pid(), current_setting('homeledger.ledger', true),"
                " (SELECT count(*) FROM transactions), (SELECT array_agg(DISTINCT user_id)"
                " FROM transactions)"
            )
        ).one()
        return jsonify(pid=seen[0], ledger=seen[1], rows=seen[2], owners=seen[3])

    alex_client, sam_client, nobody = app.test_client(), app.test_client(), app.test_client()
    web_login(alex_client, "alex")
    web_login(sam_client, "sam")
    first = alex_client.get("/what-the-connection-sees").get_json()
    after_alex = nobody.get("/what-the-connection-sees").get_json()
    then_sam = sam_client.get("/what-the-connection-sees").get_json()
    with app.app_context():
        db.engine.dispose()

    assert first["pid"] == after_alex["pid"] == then_sam["pid"]  # really the same connection
    assert (first["ledger"], first["rows"], first["owners"]) == (str(alex.id), 3, [alex.id])
    assert (after_alex["ledger"] or "", after_alex["rows"], after_alex["owners"]) == ("", 0, None)
    assert (then_sam["rows"], then_sam["owners"]) == (2, [sam.id])


@on_postgresql
def test_every_ledger_table_has_its_policies(session):
    """Read from the catalog: every ledger table (a model with a user_id scoped by
    tenancy) has row-level security enabled and forced and a policy for each command;
    a table with a user_id must be one of them or a named account table."""
    ledger_tables = tenancy.confinement.owned_table_names()
    policies = {
        (table, command)
        for table, command in session.execute(
            text("SELECT tablename, cmd FROM pg_policies WHERE schemaname = current_schema()")
        )
    }
    flags = dict(
        session.execute(
            text(
                "SELECT c.relname, (c.relrowsecurity AND c.relforcerowsecurity) FROM pg_class c"
                " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            )
        ).all()
    )
    missing = [
        f"{table}: {command}"
        for table in sorted(ledger_tables)
        for command in ("SELECT", "INSERT", "UPDATE", "DELETE", "ALL")
        if (table, command) not in policies
    ]
    assert not missing, f"ledger tables without a row-level security policy: {missing}"
    assert [t for t in sorted(ledger_tables) if not flags.get(t)] == []
    columns = inspect(session.connection())
    with_user_id = {
        name
        for name in columns.get_table_names()
        if "user_id" in {c["name"] for c in columns.get_columns(name)}
    }
    assert with_user_id - ledger_tables - ACCOUNT_TABLES == set(), "a new table of whose rows?"
    assert (
        ledger_tables
        == {m.local_table.name for m in Base.registry.mappers if "user_id" in m.local_table.c}
        - ACCOUNT_TABLES
    )


@on_postgresql
def test_the_owner_migrates_and_the_app_role_may_only_read_and_write_rows(session):
    """What ``homeledger db upgrade --owner-url`` grants: rows, not the schema."""
    with pytest.raises(ProgrammingError, match="must be owner"):
        session.execute(text("ALTER TABLE transactions DISABLE ROW LEVEL SECURITY"))
    session.rollback()
    with pytest.raises(ProgrammingError, match="must be owner"):
        session.execute(text("DROP POLICY ledger_read ON transactions"))
    session.rollback()
    with pytest.raises(ProgrammingError, match="permission denied"):
        session.execute(text("CREATE TABLE planted (id integer)"))
    session.rollback()


def test_a_fresh_database_is_migrated_by_its_owner_for_the_app(postgres_databases, tmp_path):
    from tests.conftest import APP_ROLE

    owner_url = postgres_databases.create()
    engine = create_engine(owner_url)
    app_url = engine.url.set(username=APP_ROLE).render_as_string(hide_password=False)
    engine.dispose()

    def upgrade(database_url: str, *args: str):
        return CliRunner().invoke(
            cli,
            ["db", "upgrade", *args],
            env={"DATABASE_URL": database_url, "HOMELEDGER_DATA_DIR": str(tmp_path)},
        )

    alone = upgrade(app_url)
    assert alone.exit_code != 0  # the app's role may not create tables
    elsewhere = upgrade(app_url, "--owner-url", owner_url.rsplit("/", 1)[0] + "/postgres")
    assert elsewhere.exit_code != 0 and "must be the same database" in elsewhere.stderr

    done = upgrade(app_url, "--owner-url", owner_url)
    assert done.exit_code == 0, done.output
    assert f"Role {APP_ROLE} may read and write rows" in done.stdout
    assert "Warning" not in done.stderr
    as_superuser = upgrade(owner_url)
    assert "row-level security does not hold it" in as_superuser.stderr

    app_engine = create_engine(app_url)
    with Session(app_engine) as session:
        alex = make_user(session, "alex")  # the app's role writes rows...
        add_transactions(session, alex, [(date(2026, 11, 2), "first", "-1.00", None)])
        assert _raw_owners(session) == []  # ...and sees none without a ledger
    app_engine.dispose()
