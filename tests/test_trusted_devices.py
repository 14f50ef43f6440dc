"""Lockout as a weapon: a device that has signed in before gets past the per-username
limit an attacker exhausted, and nothing else does (OWASP's device cookies)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from homeledger import create_app
from homeledger.config import TestConfig
from homeledger.extensions import db
from homeledger.models import AuditLog
from homeledger.services import accounts
from tests.conftest import REDIS_URL, AuthActions, web_login
from tests.factories import DEFAULT_PASSWORD, make_user

COOKIE = "homeledger_device"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app(db_url, shared_redis):
    """Limits kept in the real Redis, as in production with several workers."""
    app = create_app(
        TestConfig(db_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=shared_redis)
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


def _api_login(client, username="alex", password=DEFAULT_PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


def _device_cookie(app, username="alex", password=DEFAULT_PASSWORD) -> str:
    """Sign in once in a browser; the device cookie it was given."""
    browser = app.test_client()
    assert web_login(browser, username, password, address="10.0.0.1").status_code == 302
    cookie = browser.get_cookie(COOKIE)
    assert cookie is not None, "no device cookie after a successful sign-in"
    return cookie.value


def _browser_with(app, cookie: str):
    browser = app.test_client()
    browser.set_cookie(COOKIE, cookie)
    return browser


def _lock_out(app, username="alex", api=False) -> None:
    """An attacker guesses from many addresses until the username itself is locked."""
    attacker = app.test_client()
    login = _api_login if api else web_login
    for n in range(6):
        status = login(attacker, username, "wrong password!", address=f"203.0.113.{n}").status_code
        if status == 429:
            break
    assert status == 429
    # Locked: even the right password, from a fresh address, without a device cookie.
    assert login(app.test_client(), username, address="198.51.100.1").status_code == 429


def test_the_owner_signs_in_from_a_known_browser_while_the_username_is_locked(app, session, alex):
    browser = app.test_client()
    assert web_login(browser).status_code == 302
    AuthActions(browser).logout()
    _lock_out(app)

    owner = web_login(browser)

    assert owner.status_code == 302 and owner.headers["Location"] == "/"
    entry = session.scalars(
        select(AuditLog).where(AuditLog.action == "auth.login").order_by(AuditLog.id.desc())
    ).first()
    assert entry.outcome == "success"
    assert entry.extra_data == {"trusted_device": True, "username_locked": True}


def test_the_app_signs_in_with_its_device_token_while_the_username_is_locked(app, alex):
    first = _api_login(app.test_client(), device_name="Pixel 8")
    device_token = first.get_json()["device_token"]
    _lock_out(app, api=True)

    without = _api_login(app.test_client(), address="10.0.0.2")
    again = _api_login(app.test_client(), address="10.0.0.2", device_token=device_token)

    assert without.status_code == 429
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["device_token"]


def _forged(app, alex):
    from homeledger.services import trusted_devices

    return trusted_devices.mint("not the app's secret key, but long enough", alex)


def _tampered(app, alex):
    cookie = _device_cookie(app)
    payload, dot, rest = cookie.partition(".")
    return ("A" if payload[0] != "A" else "B") + payload[1:] + dot + rest


def _another_users(app, alex):
    make_user_in(app, "sam")
    return _device_cookie(app, "sam")


def _before_a_password_change(app, alex):
    cookie = _device_cookie(app)
    with app.app_context():
        user = accounts.find_user(db.session, "alex")
        accounts.set_password(db.session, user, NEW_PASSWORD)
        db.session.commit()
    return cookie


def make_user_in(app, username):
    with app.app_context():
        make_user(db.session, username)


@pytest.mark.parametrize(
    "cookie_for", [_forged, _tampered, _another_users, _before_a_password_change]
)
def test_a_cookie_that_does_not_vouch_for_this_user_gets_no_exemption(app, alex, cookie_for):
    cookie = cookie_for(app, alex)
    _lock_out(app)
    for password in (DEFAULT_PASSWORD, NEW_PASSWORD):
        attempt = web_login(_browser_with(app, cookie), password=password, address="10.0.0.7")
        assert attempt.status_code == 429


def test_the_per_address_limit_still_applies_to_a_trusted_browser(app, alex):
    browser = _browser_with(app, _device_cookie(app))
    for n in range(5):
        web_login(app.test_client(), f"guess{n}", "wrong password!", address="10.0.0.9")
    assert web_login(browser, address="10.0.0.9").status_code == 429


def test_wrong_passwords_from_a_trusted_browser_count_against_that_browser(app, alex):
    stolen = _browser_with(app, _device_cookie(app))
    guesses = [
        web_login(stolen, password=f"guess number {n}", address=f"203.0.113.{n}").status_code
        for n in range(6)
    ]
    assert guesses == [401] * 5 + [429]
    assert web_login(stolen, address="203.0.113.99").status_code == 429  # even the right one
    # Those guesses did not count against the username: the owner elsewhere still signs in.
    assert web_login(app.test_client(), address="10.0.0.2").status_code == 302


def test_the_device_cookie_is_long_lived_httponly_and_lax(app, alex):
    response = web_login(app.test_client())
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    attributes = {part.strip().split("=")[0].lower(): part for part in header.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes.keys()
    assert attributes["path"].strip() == "Path=/"
    assert int(attributes["max-age"].split("=")[1]) == 365 * 24 * 3600
    assert "SameSite=Lax" in header and "Secure" not in header


def test_the_device_cookie_is_secure_when_the_session_cookie_is(db_url, session, shared_redis):
    make_user(session, "alex")
    app = create_app(
        TestConfig(db_url, SESSION_COOKIE_SECURE=True, RATELIMIT_KEY_PREFIX=shared_redis)
    )
    try:
        client = app.test_client()
        response = web_login(client)
        header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
        assert "; Secure" in header
    finally:
        with app.app_context():
            db.engine.dispose()


def test_changing_the_password_in_the_browser_keeps_the_browser_trusted(app, alex):
    browser = app.test_client()
    assert web_login(browser).status_code == 302
    assert AuthActions(browser).change_password(DEFAULT_PASSWORD, NEW_PASSWORD).status_code == 302
    AuthActions(browser).logout()
    _lock_out(app)
    assert web_login(browser, password=NEW_PASSWORD).status_code == 302
