"""``homeledger db upgrade --owner-url`` (HOMELEDGER_OWNER_DATABASE_URL) refuses what
would migrate the wrong database, as the wrong role, or leave the app's role without
its rows: each one clear line, nothing written. PostgreSQL only (the owner URL is for
row-level security's two roles); one fresh database for the whole walk."""

from __future__ import annotations

import contextlib

from click.testing import CliRunner
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from homeledger.cli import cli
from tests.conftest import APP_ROLE

STRANGER = "homeledger_test_stranger"  # may sign in, owns nothing here


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = set(
            connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        )
    engine.dispose()
    return found


def _as_superuser(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection, contextlib.suppress(DBAPIError):
        connection.execute(text(sql))  # another test process may create the role at once
    engine.dispose()


def test_db_upgrade_refuses_a_wrong_owner_url_in_one_line(postgres_databases, tmp_path):
    superuser = make_url(postgres_databases.create())

    def url(**parts) -> str:
        return superuser.set(**parts).render_as_string(hide_password=False)

    app_url = url(username=APP_ROLE)
    _as_superuser(url(), f"CREATE ROLE {STRANGER} LOGIN")

    def upgrade(database_url: str, owner_url: str | None) -> tuple[int, str]:
        result = CliRunner().invoke(
            cli,
            ["db", "upgrade", *(["--owner-url", owner_url] if owner_url else [])],
            env={"DATABASE_URL": database_url, "HOMELEDGER_DATA_DIR": str(tmp_path)},
        )
        return result.exit_code, result.stderr.strip()

    def refused(owner_url: str | None, database_url: str = app_url) -> str:
        code, said = upgrade(database_url, owner_url)
        assert code == 1 and len(said.splitlines()) == 1 and "Traceback" not in said, said
        return said

    assert "role homeledger_test_app may not change the schema" in refused(None)
    assert "is not a database URL" in refused("::not a url::")
    assert "for PostgreSQL" in refused(f"sqlite:///{tmp_path / 'other.db'}")
    assert "for PostgreSQL" in refused(url(), f"sqlite:///{tmp_path / 'app.db'}")
    # The same role, spelled as another host: the database says who connected.
    assert "are both role homeledger_test_app" in refused(url(username=APP_ROLE, host="localhost"))
    assert "must be the same database" in refused(url(database="postgres"))
    assert f"role {STRANGER} may not change the schema" in refused(url(username=STRANGER))
    assert _tables(url()) == set()  # nothing written by any of them

    # The owner (here the server's superuser), with localhost and no port for 127.0.0.1:5432.
    code, said = upgrade(app_url, url(host="localhost", port=None))
    assert code == 0, said

    # A role that may read the schema's version but owns nothing would grant nothing:
    # PostgreSQL only warns, so the command checks whose the tables are.
    _as_superuser(url(), f"GRANT SELECT ON alembic_version TO {STRANGER}")
    assert "does not own table" in refused(url(username=STRANGER))
