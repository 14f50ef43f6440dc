"""Signing in and out of the web app, and what a signed-out browser can reach."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from homeledger.extensions import db
from homeledger.models import User
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def alex(session):
    return make_user(session, "alex")


def test_signed_out_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_then_overview(client, auth, alex):
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Income" in page.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_vague_message(client, auth, alex):
    response = auth.login(password="not the password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, alex):
    response = client.post("/login", data={"username": "alex", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_is_a_post_with_csrf_and_ends_the_session(client, auth, alex):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token: still signed in
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, alex, target):
    page = client.get(f"/login?next={target}")
    response = client.post(
        f"/login?next={target}",
        data={
            "username": "alex",
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/"


def test_a_deactivated_user_is_signed_out_on_the_next_request(app, client, auth, alex):
    auth.login()
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.scalars(select(User).where(User.username == "alex")).one().is_active = False
        db.session.commit()
    assert client.get("/").status_code == 302


def test_changing_password_signs_out_other_browsers(app, auth, alex):
    other_browser = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other_browser).login()
    auth.login()
    response = auth.change_password(DEFAULT_PASSWORD, "an entirely new passphrase")
    assert response.status_code == 302
    assert auth._client.get("/").status_code == 200  # this browser stays signed in
    assert other_browser.get("/").status_code == 302  # the other one is out


@pytest.mark.parametrize(
    "current, new, field, message",
    [
        (
            "not it",
            "an entirely new passphrase",
            "current_password",
            "Is not your current password.",
        ),
        (DEFAULT_PASSWORD, "password2024!", "new_password", "Is too easy to guess"),
    ],
)
def test_password_change_form_names_the_wrong_field(
    client, auth, alex, current, new, field, message
):
    auth.login()
    page = client.get("/account/password")
    response = client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 400
    error = re.search(
        rf'id="{field}-error" class="field-error">([^<]*)<', response.get_data(as_text=True)
    )
    assert error and message in error.group(1)


def test_a_new_password_built_on_the_username_is_refused_in_the_form(session, client, auth):
    make_user(session, "kowalczyk")
    auth.login("kowalczyk")
    response = auth.change_password(DEFAULT_PASSWORD, "kowalczyk1985!")
    assert response.status_code == 400
    error = re.search(
        r'id="new_password-error" class="field-error">([^<]*)<', response.get_data(as_text=True)
    )
    assert error and error.group(1) == "Is too easy to guess: it contains your username."


def test_a_temporary_password_must_be_changed_before_anything_else(session, client, auth):
    make_user(session, "newbie", must_change_password=True)
    auth.login("newbie")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"


def test_a_next_parameter_with_a_newline_cannot_inject_headers(client, alex):
    page = client.get("/login")
    response = client.post(
        "/login?next=/foo%0d%0aSet-Cookie:%20x=1",
        data={
            "username": "alex",
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("al\x00ex", "NUL character"),
        ("alex\r\nadmin", "cannot be typed"),
        ("\x7f", "cannot be typed"),
    ],
)
def test_a_username_with_control_characters_is_a_clear_400(client, alex, username, message):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": DEFAULT_PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {"username": {"a": "b"}, "password": "x"},
        {"username": ["alex"], "password": "x"},
        [["username", "alex"]],
    ],
)
def test_a_json_body_posted_to_a_web_form_is_not_read(client, alex, body):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert client.get("/").status_code == 302
