"""Rate limits on sign-in, refresh and password change, tried from every angle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import AuditLog
from tests.conftest import REDIS_URL, api_login, bearer, web_login
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


def _web_login(client, **kwargs):
    """A sign-in attempt, with a wrong password unless one is given."""
    return web_login(client, **{"password": "wrong password!", **kwargs})


def test_the_sixth_sign_in_in_a_minute_is_429_and_says_when_to_retry(client, session, alex):
    statuses = [_web_login(client).status_code for _ in range(5)]
    sixth = _web_login(client, password=DEFAULT_PASSWORD)  # even the right password waits

    assert statuses == [401] * 5
    assert sixth.status_code == 429
    assert 0 < int(sixth.headers["Retry-After"]) <= 60
    lockout = session.scalars(select(AuditLog).where(AuditLog.action == "auth.lockout")).first()
    assert (lockout.actor_name, lockout.ip_address, lockout.outcome) == (
        "alex",
        "10.0.0.1",
        "failure",
    )


def test_one_username_is_limited_whatever_the_address(client, alex):
    for n in range(5):
        assert _web_login(client, address=f"10.0.1.{n}").status_code == 401
    assert _web_login(client, address="10.0.1.99").status_code == 429
    # Another person from a fresh address is not locked out by it.
    assert _web_login(client, username="sam", address="10.0.2.1").status_code == 401


def test_one_address_is_limited_whatever_the_username(client, alex):
    for n in range(5):
        assert _web_login(client, username=f"guess{n}").status_code == 401
    assert _web_login(client, username="guess-next").status_code == 429


def test_web_and_api_sign_in_share_one_limit(client, alex):
    for _ in range(3):
        _web_login(client, address="127.0.0.1")
    for _ in range(2):
        assert api_login(client, password="wrong password!").status_code == 401
    response = api_login(client)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers


def test_a_forged_forwarded_for_header_does_not_reset_the_limit(client, alex):
    for n in range(5):
        _web_login(client, username=f"guess{n}", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    blocked = _web_login(client, username="x", headers={"X-Forwarded-For": "198.51.100.7"})
    assert blocked.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(db_url, session):
    make_user(session, "alex")
    app = create_app(TestConfig(db_url, TRUSTED_PROXY_HOPS=1))
    client = app.test_client()
    try:
        for n in range(5):
            _web_login(client, username=f"guess{n}", headers={"X-Forwarded-For": "203.0.113.1"})
        other = _web_login(client, username="other", headers={"X-Forwarded-For": "203.0.113.2"})
        same = _web_login(client, username="again", headers={"X-Forwarded-For": "203.0.113.1"})
        assert other.status_code == 401
        assert same.status_code == 429
    finally:
        with app.app_context():
            db.engine.dispose()


def test_refresh_and_password_change_are_limited(client, alex):
    pair = api_login(client).get_json()
    for _ in range(5):
        client.post(
            "/api/v1/me/password",
            headers=bearer(pair["access_token"]),
            json={"current_password": "nope", "new_password": "a brand new passphrase"},
        )
    limited = client.post(
        "/api/v1/me/password",
        headers=bearer(pair["access_token"]),
        json={"current_password": "nope", "new_password": "a brand new passph"},
    )
    assert limited.status_code == 429

    statuses = {
        client.post("/api/v1/auth/refresh", json={"refresh_token": "bogus"}).status_code
        for _ in range(31)
    }
    assert statuses == {401, 429}


def test_two_workers_sharing_redis_count_against_one_limit(db_url, session, shared_redis):
    make_user(session, "alex")
    workers = [
        create_app(
            TestConfig(db_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=shared_redis)
        )
        for _ in range(2)
    ]
    clients = [worker.test_client() for worker in workers]
    try:
        statuses = [_web_login(clients[n % 2]).status_code for n in range(6)]
        assert statuses == [401] * 5 + [429]
    finally:
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()


def test_without_shared_storage_each_worker_would_count_alone(db_url, session):
    """The control for the test above: memory storage is per process."""
    make_user(session, "alex")
    workers = [create_app(TestConfig(db_url)) for _ in range(2)]
    clients = [worker.test_client() for worker in workers]
    try:
        statuses = [_web_login(clients[n % 2]).status_code for n in range(6)]
        assert statuses == [401] * 6
    finally:
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()
