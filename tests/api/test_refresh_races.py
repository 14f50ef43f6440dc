"""Refreshes of one refresh token racing through the real endpoint, each request on its
own connection in its own thread, with the grace window for a device's own racing
refreshes off: exactly one succeeds. The others are replays of a token already used, so
the whole sign-in is revoked, the winner's new token included (someone else holds a copy).

The claim is one conditional UPDATE (``api_tokens.rotate``): without its condition every
racer that read the token before the first commit would get a pair of its own.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import AuditLog
from tests.conftest import api_login, bearer
from tests.factories import make_user

RACERS = 6


@pytest.fixture
def strict_app(db_url):
    app = create_app(TestConfig(db_url, REFRESH_REUSE_GRACE_SECONDS=0))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_of_racing_refreshes_of_one_token_exactly_one_succeeds(strict_app, session):
    make_user(session, "alex")
    pair = api_login(strict_app.test_client(), device_name="phone").get_json()
    start = threading.Barrier(RACERS, timeout=30)
    answers: list = []

    def refresh() -> None:
        client = strict_app.test_client()
        start.wait()
        answers.append(
            client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        )

    threads = [threading.Thread(target=refresh) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [401] * (RACERS - 1), [a.get_json() for a in answers]
    codes = [a.get_json()["error"]["code"] for a in answers if a.status_code == 401]
    assert codes == ["token_revoked"] * (RACERS - 1)
    winner = next(a.get_json() for a in answers if a.status_code == 200)
    client = strict_app.test_client()
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": winner["refresh_token"]})
    assert (again.status_code, again.get_json()["error"]["code"]) == (401, "token_revoked")
    me = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 401
    reuse = select(func.count()).where(AuditLog.action == "auth.refresh_reuse")
    assert session.scalar(reuse) >= 1
