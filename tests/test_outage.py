"""When the database is away: 503 with Retry-After and a clear answer, never a 500, and
back to normal on the next request once it returns, without a restart."""

from __future__ import annotations

import logging
import shutil
import uuid

import pytest
from flask_login import current_user
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from homeledger import create_app, migrate
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import User
from tests.conftest import api_login, csrf_token_from, web_login
from tests.factories import make_user
from tests.faults.faults import assert_no_leak


@pytest.fixture(params=["sqlite", "postgresql"])
def absent_database(request, tmp_path):
    """(URL of a database that is not there yet, a function that brings it up, migrated)."""
    if request.param == "sqlite":
        path = tmp_path / "not-mounted-yet" / "homeledger.db"
        template = request.getfixturevalue("migrated_sqlite_template")

        def bring_up() -> None:
            path.parent.mkdir()
            shutil.copyfile(template, path)

        return f"sqlite:///{path}", bring_up
    databases = request.getfixturevalue("postgres_databases")
    name = f"homeledger_test_outage_{uuid.uuid4().hex[:10]}"
    url = databases.server_url.set(database=name).render_as_string(hide_password=False)

    def bring_up() -> None:
        with databases.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        databases.created.append(name)
        engine = create_engine(url)
        with engine.begin() as connection:
            migrate.upgrade(connection)
        engine.dispose()

    return url, bring_up


@pytest.fixture
def outage_app(absent_database):
    url, bring_up = absent_database
    app = create_app(TestConfig(url))
    yield app, bring_up
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_unreachable_database_is_a_503_then_recovers(outage_app, caplog):
    app, bring_up = outage_app
    client = app.test_client()

    with caplog.at_level(logging.ERROR):
        api = api_login(client, "alex", "correct horse battery staple")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "service_unavailable"
    assert "try again shortly" in api.get_json()["error"]["message"]
    assert_no_leak(api.get_data(as_text=True))
    assert int(api.headers["Retry-After"]) > 0
    unavailable = [r for r in caplog.records if "Database unavailable" in r.getMessage()]
    assert len(unavailable) == 1  # one line per failed request, not a traceback per layer

    form = client.get("/login")
    assert form.status_code == 200  # the sign-in page itself needs no database
    page = client.post(
        "/login",
        data={
            "username": "alex",
            "password": "correct horse battery staple",
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
        },
    )
    assert page.status_code == 503 and "text/html" in page.content_type
    assert "try again shortly" in page.get_data(as_text=True)
    assert_no_leak(page.get_data(as_text=True))
    assert int(page.headers["Retry-After"]) > 0
    assert client.get("/api/v1/health").status_code == 503

    bring_up()
    assert client.get("/api/v1/health").status_code == 200
    assert api_login(client, "alex", "correct horse battery staple").status_code == 401


def test_losing_the_database_mid_request_is_a_503_page_for_a_signed_in_user(postgres_databases):
    """PostgreSQL only: the connection of a request in flight is cut (the database dropped),
    after the signed-in user was loaded. The 503 page must not query for that user again."""
    url = postgres_databases.create()
    engine = create_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    app = create_app(TestConfig(url))
    with Session(engine) as session:
        make_user(session, "alex")
    engine.dispose()
    name = make_url(url).database

    @app.get("/cut-the-database")
    def cut_the_database():
        assert current_user.username == "alex"  # loaded before the database goes
        with postgres_databases.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        db.session.execute(select(User)).all()
        return "unreachable"

    client = app.test_client()
    assert web_login(client).status_code == 302
    response = client.get("/cut-the-database")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "try again shortly" in response.get_data(as_text=True)
    assert_no_leak(response.get_data(as_text=True))
    with app.app_context():
        db.engine.dispose()
