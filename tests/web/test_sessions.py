"""Browser sessions: new at every sign-in, gone at sign-out, ended by idleness and age."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from homeledger.models import WebSession
from homeledger.models.types import utcnow
from tests.conftest import AuthActions
from tests.factories import make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


def _session_cookie(client) -> str:
    cookie = client.get_cookie("homeledger_session")
    return cookie.value if cookie else ""


def _server_session_token(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session.get("wsid", "")


def test_sign_in_starts_a_new_session_every_time(client, auth, alex):
    client.get("/login")
    before = _session_cookie(client)
    auth.login()
    first = _server_session_token(client)
    auth.logout()
    auth.login()
    second = _server_session_token(client)

    assert before and _session_cookie(client) != before
    assert first and second and first != second


def test_a_cookie_planted_before_sign_in_is_not_signed_in_afterwards(app, client, auth, alex):
    client.get("/login")
    planted = _session_cookie(client)  # what an attacker could have fixed in the victim's browser
    auth.login()

    attacker = app.test_client()
    attacker.set_cookie("homeledger_session", planted)
    assert attacker.get("/").status_code == 302


def test_a_copied_cookie_stops_working_at_sign_out(app, client, auth, alex):
    auth.login()
    copy = app.test_client()
    copy.set_cookie("homeledger_session", _session_cookie(client))
    assert copy.get("/").status_code == 200

    auth.logout()

    assert copy.get("/").status_code == 302


@pytest.mark.parametrize(
    "expire",
    [
        {"last_seen_at": utcnow() - timedelta(minutes=31)},  # idle too long
        {"expires_at": utcnow() - timedelta(seconds=1)},  # older than the absolute lifetime
    ],
    ids=["idle", "absolute"],
)
def test_sessions_end_after_idling_and_after_their_lifetime(session, client, auth, alex, expire):
    auth.login()
    assert client.get("/").status_code == 200
    session.execute(update(WebSession).values(**expire))
    session.commit()
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, alex):
    response = AuthActions(client).login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_every_state_changing_form_refuses_a_post_without_csrf_token(app, client, auth, alex):
    auth.login()
    web_posts = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    ]
    assert {"/login", "/logout", "/account/password"} <= set(web_posts)
    for rule in web_posts:
        path = re.sub(r"<int:[^>]+>", "1", re.sub(r"<(?!int:)[^>]+>", "x", rule))
        response = client.post(path, data={"username": "alex"})
        assert response.status_code == 400, path
        assert "CSRF" in response.get_data(as_text=True), path
    assert client.get("/").status_code == 200  # still signed in: the logout POST was refused
