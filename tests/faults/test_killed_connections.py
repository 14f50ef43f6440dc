"""PostgreSQL ends the app's connections under it (``pg_terminate_backend``, as a failover,
a restarted server or an administrator does): the next request, web page or API call of
a signed-in person, still succeeds, on a new connection.

PostgreSQL only: SQLite has no server and no connection another session could end.
"""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from tests.conftest import api_login, bearer, web_login
from tests.factories import add_transactions, make_user

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

_BACKENDS = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name ORDER BY pid")
_TERMINATE = text(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
)


@pytest.fixture
def tagged_app(db_url):
    """The app with its connections named, so only they are ended (not the test's own)."""
    name = f"homeledger-killed-{uuid.uuid4().hex[:8]}"
    url = make_url(db_url).update_query_dict({"application_name": name})
    app = create_app(TestConfig(url.render_as_string(hide_password=False)))
    yield app, name
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _backends(admin, name: str) -> list[int]:
    with admin.connect() as conn:
        return list(conn.scalars(_BACKENDS, {"name": name}))


def test_the_next_request_after_the_connections_were_killed_succeeds(
    tagged_app, session, postgres_databases
):
    app, name = tagged_app
    alex = make_user(session, "alex")
    add_transactions(session, alex, [(date(2026, 3, 2), "Killed-connection coffee", "-3.10", None)])
    web, api = app.test_client(), app.test_client()
    assert web_login(web).status_code == 302
    token = bearer(api_login(api).get_json()["access_token"])
    assert web.get("/transactions").status_code == 200
    with app.app_context():  # three connections in the pool, none of them in use
        held = [db.engine.connect() for _ in range(3)]
        for connection in held:
            connection.close()
    admin = postgres_databases.admin
    pooled = _backends(admin, name)
    assert len(pooled) >= 3

    with admin.connect() as conn:
        assert all(conn.scalars(_TERMINATE, {"name": name}))
    for _ in range(200):  # a terminated backend takes a moment to go
        if not _backends(admin, name):
            break
        time.sleep(0.02)
    assert _backends(admin, name) == [], "the app's connections were not ended"

    page = web.get("/transactions")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert "Killed-connection coffee" in page.get_data(as_text=True)
    listed = api.get("/api/v1/transactions", headers=token)
    assert listed.status_code == 200, listed.get_json()
    assert "Killed-connection coffee" in listed.get_data(as_text=True)
    written = api.post(
        "/api/v1/transactions",
        headers=token,
        json={"date": "2026-03-03", "description": "After the kill", "amount": "-1.00"},
    )
    assert written.status_code == 201, written.get_json()
    now = _backends(admin, name)
    assert now and not set(now) & set(pooled)  # new connections, made by the app itself
