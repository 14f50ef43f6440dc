"""Fixtures: every database-backed test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``HOMELEDGER_TEST_DATABASE_URL`` (a server URL such as
``postgresql://postgres@127.0.0.1:5432/postgres``). Each test run creates its
own throwaway databases there and drops them at the end. Without the variable
the PostgreSQL half is skipped with a reason, except under CI (``CI`` set),
where that is a failure.

The suite may run in parallel (pytest-xdist, ``make test`` does): every worker
is its own process with its own SQLite template and its own migrated
PostgreSQL database, both named after the worker's process id.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from homeledger import create_app, migrate, row_security
from homeledger.config import TestConfig, normalise_database_url
from homeledger.extensions import db
from homeledger.models import Base
from tests.factories import DEFAULT_PASSWORD, make_user

PG_ENV = "HOMELEDGER_TEST_DATABASE_URL"
REDIS_URL = "redis://127.0.0.1:6379/0"
KEEP_BETWEEN_TESTS = {"category_seeds", "alembic_version"}


def _postgres_server_url() -> str:
    raw = os.environ.get(PG_ENV)
    if not raw:
        reason = f"{PG_ENV} is not set: PostgreSQL tests need a server"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run them")
        pytest.skip(reason)
    return normalise_database_url(raw)


# Names carry this machine and the creating process, so a later run can tell a database
# left behind by a killed run (its process is gone) from one that is still in use.
_HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_NAME_PREFIX = f"homeledger_test_{_HOST_TAG}_"
_NAME = re.compile(rf"{_NAME_PREFIX}(\d+)_[0-9a-f]{{10}}")


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them all at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.admin = create_engine(
            self.server_url.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        self.created: list[str] = []
        self._drop_orphans()
        _ensure_app_role(self.admin)

    def _drop_orphans(self) -> None:
        """Drop databases that earlier runs on this machine left behind when they were killed."""
        with self.admin.connect() as conn:
            names = conn.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": f"{_NAME_PREFIX}%"},
            ).all()
            for name in names:
                match = _NAME.fullmatch(name)
                if match and _process_gone(int(match.group(1))):
                    # Another test process may be dropping the same one at this moment.
                    with contextlib.suppress(DBAPIError):
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def create(self) -> str:
        name = f"{_NAME_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(_postgres_server_url())
    yield databases
    databases.drop_all()


def _migrate(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    engine.dispose()


# The role the app's tests connect to PostgreSQL as: it owns nothing and bypasses no
# row-level security, as in production (README: two roles). The server's superuser
# creates and migrates the databases, and empties them between tests.
APP_ROLE = "homeledger_test_app"


def _ensure_app_role(admin) -> None:
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE})
        if not exists:
            # Another test process may create it at this moment.
            with contextlib.suppress(DBAPIError):
                conn.execute(text(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS"))


def _migrate_for_app(url: str) -> str:
    """Migrate the PostgreSQL database at ``url`` (as the superuser) and grant the app's
    role its rows: the URL the app connects with."""
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
        row_security.grant_to_app_role(connection, APP_ROLE)
    engine.dispose()
    return make_url(url).set(username=APP_ROLE).render_as_string(hide_password=False)


class MigratedPostgres:
    """One migrated database per test process, emptied after every test.

    Emptying deletes every row outside ``KEEP_BETWEEN_TESTS`` (children before
    parents) and restarts the id sequences, which is what ``TRUNCATE ... RESTART
    IDENTITY`` did, at a fraction of the cost on tables that hold a handful of rows.
    """

    def __init__(self, owner_url: str, url: str) -> None:
        self.url = url  # the app's role
        self.engine = create_engine(owner_url)
        tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_BETWEEN_TESTS]
        with self.engine.connect() as conn:
            sequences = conn.scalars(
                text(
                    "SELECT DISTINCT s.oid::regclass::text FROM pg_class s"
                    " JOIN pg_depend d ON d.objid = s.oid"
                    " AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                    " JOIN pg_class t ON t.oid = d.refobjid"
                    " WHERE s.relkind = 'S' AND d.deptype IN ('a', 'i')"
                    " AND t.relname = ANY(:tables) ORDER BY 1"
                ),
                {"tables": tables},
            ).all()
        # Table and sequence names come from our own models and catalog, not from input.
        statements = [f'DELETE FROM "{name}";' for name in reversed(tables)]  # noqa: S608
        statements += [f"ALTER SEQUENCE {seq} RESTART;" for seq in sequences]
        self._empty = text("DO $$BEGIN " + " ".join(statements) + " END$$").execution_options(
            no_parameters=True
        )

    def empty(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(self._empty)


@pytest.fixture(scope="session")
def migrated_postgres(postgres_databases) -> Iterator[MigratedPostgres]:
    """One migrated PostgreSQL database for this test process; emptied after every test."""
    url = postgres_databases.create()
    app_url = _migrate_for_app(url)
    database = MigratedPostgres(url, app_url)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> str:
    """A migrated SQLite file, copied afresh for every test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory) -> Path:
    """This test process's SQLite file: the migrated template, copied afresh for each test
    (one path, so the process's app for it is built once; see ``app``)."""
    return tmp_path_factory.mktemp("sqlite") / "homeledger.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> Iterator[str]:
    """A migrated, empty database of each kind (seed categories present)."""
    if request.param == "sqlite":
        path = request.getfixturevalue("sqlite_path")
        for leftover in (path, *(path.with_name(path.name + x) for x in ("-journal", "-wal"))):
            leftover.unlink(missing_ok=True)  # a new file: no old connection can reach it
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        database = request.getfixturevalue("migrated_postgres")
        yield database.url
        database.empty()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request, tmp_path) -> str:
    """A database of each kind with nothing in it, not even a schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres_databases").create()


@pytest.fixture
def second_db_url(db_url, request, tmp_path) -> str:
    """A second database of ``db_url``'s kind, migrated and empty but for the seed
    categories the migration writes: where a backup is restored, say."""
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'second.db'}"
        _migrate(url)
        return url
    return _migrate_for_app(request.getfixturevalue("postgres_databases").create())


_APPS: dict[str, tuple[Flask, dict]] = {}


@pytest.fixture
def app(db_url):
    """The app on ``db_url``: built once per test process and database kind (building one
    costs a third of a second: the URL map and the OpenAPI document), with what a test may
    change put back afterwards: its settings and its rate limits. A test that adds routes
    or needs other settings builds its own (``fresh_app``)."""
    if db_url not in _APPS:
        built = create_app(TestConfig(db_url))
        _APPS[db_url] = built, dict(built.config)
    app, settings = _APPS[db_url]
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.config.clear()
    app.config.update(settings)
    for limiter in app.extensions.get("limiter", ()):
        limiter.reset()


@pytest.fixture
def fresh_app(db_url):
    """An app of its own, for a test that changes what the shared one must keep."""
    app = create_app(TestConfig(db_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app) -> Iterator[Session]:
    """A session on the app's database with no acting ledger (tests choose one explicitly).

    It is not the request-scoped ``db.session``: holding an app context open
    here would make every test-client request share it, which no browser does.
    """
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def web_login(
    client,
    username: str = "alex",
    password: str = DEFAULT_PASSWORD,
    address: str = "10.0.0.1",
    headers: dict | None = None,
):
    """One sign-in through the real form from a given client address; the response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    )


class AuthActions:
    """Sign a test client in and out through the real login form."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, username: str = "alex", password: str = DEFAULT_PASSWORD):
        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={
                "username": username,
                "password": password,
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            },
        )

    def change_password(self, current: str, new: str):
        page = self._client.get("/account/password")
        return self._client.post(
            "/account/password",
            data={
                "current_password": current,
                "new_password": new,
                "confirm": new,
                "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            },
        )

    def logout(self):
        page = self._client.get("/account/password")  # open at every stage of an account
        return self._client.post(
            "/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
        )


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


def api_login(client, username: str = "alex", password: str = DEFAULT_PASSWORD, **extra):
    """Sign a device in through the API; returns the response."""
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password, **extra}
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_user(session, client, username: str) -> dict[str, str]:
    """A new user signed in through the API: the headers that carry their token."""
    make_user(session, username)
    return bearer(api_login(client, username).get_json()["access_token"])


@pytest.fixture
def shared_redis():
    """The real Redis on 127.0.0.1:6379, with keys under a prefix of this test's own."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379, and CI must test it")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"homeledger-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
