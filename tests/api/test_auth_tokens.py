"""API sign-in: every way a token could be forged, replayed or outlive its right to exist."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
from sqlalchemy import select, update

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import AuditLog, RefreshToken, User
from tests.conftest import AuthActions, api_login, bearer
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


@pytest.fixture
def tokens(client, alex):
    response = api_login(client, device_name="Pixel 8")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _error(response) -> str:
    assert response.is_json, response.get_data(as_text=True)
    return response.get_json()["error"]["code"]


def _claims(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_login_returns_a_token_pair_that_opens_me(client, tokens):
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 15 * 60
    assert tokens["user"]["username"] == "alex"
    assert tokens["device_token"] and tokens["device_token"] not in json.dumps(tokens["user"])
    assert "password_hash" not in tokens["user"] and "$argon2" not in json.dumps(tokens)
    claims = _claims(tokens["access_token"])
    assert claims["sub"] == str(tokens["user"]["id"])
    assert (claims["iss"], claims["aud"], claims["type"]) == (
        "homeledger",
        "homeledger-api",
        "access",
    )
    me = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["username"] == "alex"


def test_wrong_password_is_401_with_the_contract(client, alex):
    response = api_login(client, password="not the password")
    assert response.status_code == 401
    assert _error(response) == "auth_required"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_auth_required(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert _error(response) == "auth_required"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_alg_none_token_is_refused(client, tokens):
    _, payload, _ = tokens["access_token"].split(".")
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    response = client.get("/api/v1/me", headers=bearer(forged))
    assert response.status_code == 401
    assert _error(response) == "token_invalid"


def test_tampered_token_is_refused(client, session, tokens):
    other = make_user(session, "sam")
    header, payload, signature = tokens["access_token"].split(".")
    claims = _claims(tokens["access_token"])
    claims["sub"] = str(other.id)
    for forged in (
        f"{header}.{_b64(claims)}.{signature}",  # someone else's id, old signature
        f"{header}.{payload}.{signature[:-4]}AAAA",  # broken signature
        "not.a.jwt",
    ):
        response = client.get("/api/v1/me", headers=bearer(forged))
        assert response.status_code == 401
        assert _error(response) == "token_invalid"


@pytest.mark.parametrize(
    ("change", "algorithm"),
    [
        ({"iss": "someone-else"}, "HS256"),
        ({"aud": "another-api"}, "HS256"),
        ({}, "HS512"),  # right secret, algorithm not the pinned one
    ],
)
def test_wrong_issuer_audience_or_algorithm_is_refused(app, client, tokens, change, algorithm):
    claims = {**_claims(tokens["access_token"]), **change}
    forged = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm=algorithm)
    response = client.get("/api/v1/me", headers=bearer(forged))
    assert response.status_code == 401
    assert _error(response) == "token_invalid"


def test_expired_access_token_says_token_expired(app, client, tokens):
    claims = _claims(tokens["access_token"])
    claims["exp"] = int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())
    expired = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    response = client.get("/api/v1/me", headers=bearer(expired))
    assert response.status_code == 401
    assert _error(response) == "token_expired"


def test_refresh_and_access_tokens_cannot_stand_in_for_each_other(client, tokens):
    as_access = client.get("/api/v1/me", headers=bearer(tokens["refresh_token"]))
    as_refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert (as_access.status_code, _error(as_access)) == (401, "token_invalid")
    assert (as_refresh.status_code, _error(as_refresh)) == (401, "token_invalid")


def _rotated_seconds_ago(session, token: str, seconds: int) -> None:
    """Move a used refresh token's rotation into the past instead of sleeping."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == digest)
        .values(used_at=datetime.now(UTC) - timedelta(seconds=seconds))
    )
    session.commit()


def _refresh(client, token: str):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_rotates_and_a_replayed_token_signs_the_device_out(client, session, tokens):
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.get_json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(rotated["access_token"])).status_code == 200
    _rotated_seconds_ago(session, tokens["refresh_token"], 11)  # past the 10 s grace window

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert (replay.status_code, _error(replay)) == (401, "token_revoked")
    # The whole family is gone: the thief's copy and the rightful device's latest tokens.
    latest = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert (latest.status_code, _error(latest)) == (401, "token_revoked")
    me = client.get("/api/v1/me", headers=bearer(rotated["access_token"]))
    assert (me.status_code, _error(me)) == (401, "token_revoked")
    reuse = session.scalars(select(AuditLog).where(AuditLog.action == "auth.refresh_reuse")).one()
    assert reuse.outcome == "failure"


def test_two_refreshes_in_flight_with_one_token_both_get_a_working_pair(client, session, tokens):
    """An app resuming with two requests in flight sends its refresh token twice."""
    first = _refresh(client, tokens["refresh_token"])
    second = _refresh(client, tokens["refresh_token"])

    assert (first.status_code, second.status_code) == (200, 200), second.get_json()
    for pair in (first.get_json(), second.get_json()):
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
        assert _refresh(client, pair["refresh_token"]).status_code == 200
    grace = session.scalars(select(AuditLog).where(AuditLog.action == "auth.refresh_grace")).one()
    assert grace.extra_data["device"] == "Pixel 8"


def test_racing_refreshes_of_one_device_all_succeed_and_keep_it_signed_in(app, session, tokens):
    racers = 6
    start = threading.Barrier(racers)
    answers: list = []

    def refresh() -> None:
        client = app.test_client()
        start.wait()
        answers.append(_refresh(client, tokens["refresh_token"]))

    threads = [threading.Thread(target=refresh) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [200] * racers, [a.get_json() for a in answers]
    client = app.test_client()
    for answer in answers:
        pair = answer.get_json()
        assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    reuse = select(AuditLog).where(AuditLog.action == "auth.refresh_reuse")
    assert session.scalars(reuse).all() == []


def test_with_the_grace_window_off_a_repeat_signs_the_device_out_at_once(db_url, session):
    make_user(session, "alex")
    app = create_app(TestConfig(db_url, REFRESH_REUSE_GRACE_SECONDS=0))
    client = app.test_client()
    try:
        pair = api_login(client).get_json()
        assert _refresh(client, pair["refresh_token"]).status_code == 200
        repeat = _refresh(client, pair["refresh_token"])
        assert (repeat.status_code, _error(repeat)) == (401, "token_revoked")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_nothing_works_after_logout(client, tokens):
    response = client.post("/api/v1/auth/logout", json={}, headers=bearer(tokens["access_token"]))
    assert response.status_code == 204
    me = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert (me.status_code, _error(me)) == (401, "token_revoked")
    assert (refresh.status_code, _error(refresh)) == (401, "token_revoked")


def test_password_change_on_one_device_signs_out_the_others(client, alex):
    phone = api_login(client, device_name="phone").get_json()
    tablet = api_login(client, device_name="tablet").get_json()

    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
        headers=bearer(phone["access_token"]),
    )

    assert changed.status_code == 200
    fresh = changed.get_json()
    assert fresh["device_token"] != phone["device_token"]  # the old one named the old password
    assert client.get("/api/v1/me", headers=bearer(fresh["access_token"])).status_code == 200
    for stale in (phone["access_token"], tablet["access_token"]):
        response = client.get("/api/v1/me", headers=bearer(stale))
        assert (response.status_code, _error(response)) == (401, "token_revoked")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tablet["refresh_token"]})
    assert (refresh.status_code, _error(refresh)) == (401, "token_revoked")


@pytest.mark.parametrize(
    ("username", "weak", "reason"),
    [
        ("alex", "zaq1zaq1zaq1", 'repeats like "abcabcabc"'),
        ("kowalczyk", "kowalczyk1985!", "it contains your username"),
    ],
)
def test_a_predictable_new_password_is_a_422_naming_the_field_and_why(
    client, session, username, weak, reason
):
    make_user(session, username)
    pair = api_login(client, username=username).get_json()
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": weak},
        headers=bearer(pair["access_token"]),
    )
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["new_password"]
    assert message.startswith("is too easy to guess") and reason in message


def test_password_change_in_the_browser_signs_out_api_devices(app, client, alex):
    phone = api_login(client).get_json()
    browser = AuthActions(app.test_client())
    browser.login()
    browser.change_password(DEFAULT_PASSWORD, "a brand new passphrase")
    response = client.get("/api/v1/me", headers=bearer(phone["access_token"]))
    assert (response.status_code, _error(response)) == (401, "token_revoked")


def test_a_deactivated_user_is_refused_with_a_live_token_and_a_live_session(app, client, alex):
    phone = api_login(client).get_json()
    browser = app.test_client()
    AuthActions(browser).login()
    assert browser.get("/").status_code == 200

    with app.app_context():
        db.session.scalars(select(User).where(User.username == "alex")).one().is_active = False
        db.session.commit()

    me = client.get("/api/v1/me", headers=bearer(phone["access_token"]))
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert (me.status_code, _error(me)) == (401, "account_inactive")
    assert (refresh.status_code, _error(refresh)) == (401, "account_inactive")
    assert browser.get("/").status_code == 302


def test_no_password_or_token_text_reaches_the_audit_table(client, session, alex):
    api_login(client, password="wrong guess 123")
    pair = api_login(client).get_json()
    rotated = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    ).get_json()
    sibling = _refresh(client, pair["refresh_token"]).get_json()  # inside the grace window
    _rotated_seconds_ago(session, pair["refresh_token"], 11)
    client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})  # replay
    other_device = api_login(client).get_json()
    client.post(
        "/api/v1/me/password",
        headers=bearer(other_device["access_token"]),
        json={"current_password": "nope", "new_password": "a brand new passphrase"},
    )

    rows = session.scalars(select(AuditLog)).all()
    dump = json.dumps(
        [[r.action, r.outcome, r.actor_name, r.ip_address, r.extra_data] for r in rows]
    )
    actions = {r.action for r in rows}
    assert {"auth.login", "auth.refresh_grace", "auth.refresh_reuse", "user.password_change"} <= (
        actions
    )
    for secret in (
        "wrong guess 123",
        DEFAULT_PASSWORD,
        "a brand new passphrase",
        "nope",
        pair["access_token"],
        pair["refresh_token"],
        pair["device_token"],
        rotated["refresh_token"],
        rotated["access_token"],
        sibling["refresh_token"],
        sibling["access_token"],
    ):
        assert secret not in dump
