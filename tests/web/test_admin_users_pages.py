"""The admin's users pages: the table, a new account with its invite shown once, the
account's page, deactivation (which signs a live browser out), roles, the reset; and the
guards tried through the forms."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from homeledger.models import AuditLog, Invite, User
from homeledger.models.types import utcnow
from tests.conftest import csrf_token_from, web_login
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "walnut tractor violin meadow"


@pytest.fixture
def root(session):
    return make_user(session, "root", role="admin")


@pytest.fixture
def admin_client(app, root):
    client = app.test_client()
    assert web_login(client, "root").status_code == 302
    return client


def _post(client, path, data=None, page=None):
    """Post a form from ``page`` (default: the same path), with its CSRF token."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token_from(html), **(data or {})})


def _secret(response) -> str:
    """The invite on the page shown once: the link (a text area) or the password (a field)."""
    html = response.get_data(as_text=True)
    found = re.search(r'id="invite-secret" rows="3" readonly[^>]*>([^<]+)</textarea>', html)
    found = found or re.search(r'id="invite-secret" type="text" value="([^"]+)"', html)
    assert found, "no invite on the page"
    return unescape(found.group(1))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _user(session, username) -> User:
    session.expire_all()
    return session.scalars(select(User).where(User.username == username)).one()


def test_admin_leads_to_the_users_table(admin_client, session):
    make_user(session, "alex", display_name="Alex Smith", onboarded=False)
    response = admin_client.get("/admin")
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    page = admin_client.get("/admin/users").get_data(as_text=True)
    for shown in ("alex", "Alex Smith", "root", "admin", "Never", "Setting up: your profile"):
        assert shown in page


def test_a_user_gets_403_and_a_visitor_is_sent_to_sign_in(app, session, root):
    make_user(session, "alex")
    visitor = app.test_client()
    assert visitor.get("/admin/users").status_code == 302
    assert "/login" in visitor.get("/admin/users/new").location
    web_login(visitor, "alex")
    for path in ("/admin", "/admin/users", "/admin/users/new", f"/admin/users/{root.id}"):
        assert visitor.get(path).status_code == 403, path
    page = visitor.get("/").get_data(as_text=True)
    token = csrf_token_from(page)
    answer = visitor.post(
        f"/admin/users/{root.id}/deactivate", data={"csrf_token": token, "confirm": root.id}
    )
    assert answer.status_code == 403
    assert _user(session, "root").is_active


def test_a_new_user_by_link_sees_the_link_once_and_it_works_once(app, admin_client, session):
    created = _post(
        admin_client,
        "/admin/users/new",
        {"username": "sam", "email": "sam@example.org", "role": "user", "invite": "link"},
    )
    assert created.status_code == 200
    assert "shown only once" in created.get_data(as_text=True)
    url = _secret(created)
    assert re.fullmatch(r"http://localhost/invite/[\w-]{40,}", url)
    path = url.removeprefix("http://localhost")
    sam = _user(session, "sam")
    # Never shown again: not on the account's page nor the table.
    for page in ("/admin/users", f"/admin/users/{sam.id}"):
        html = admin_client.get(page).get_data(as_text=True)
        assert path not in html and "Invited (link not yet opened)" in html

    person = app.test_client()
    form = person.get(path)
    assert form.status_code == 200 and "sam" in form.get_data(as_text=True)
    weak = person.post(
        path,
        data={
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
            "new_password": "abcabcabcabc",
            "confirm": "abcabcabcabc",
        },
    )
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    accepted = person.post(
        path,
        data={
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert accepted.status_code == 302 and accepted.location == "/"
    # Signed in, and on to the first-run wizard.
    welcome = person.get("/", follow_redirects=True)
    assert welcome.request.path == "/welcome/profile"
    assert "your password is set" in welcome.get_data(as_text=True)
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already been used. Ask your admin for a new invite." in again.get_data(as_text=True)
    assert web_login(app.test_client(), "sam", NEW_PASSWORD).status_code == 302


def test_an_expired_revoked_or_unknown_link_gets_a_clear_page(app, admin_client, session):
    first = _secret(_post(admin_client, "/admin/users/new", {"username": "sam", "invite": "link"}))
    sam = _user(session, "sam")
    second = _secret(
        _post(admin_client, f"/admin/users/{sam.id}/invite", {"invite": "link"})
    )  # the reset: a new link replaces the first
    visitor = app.test_client()
    revoked = visitor.get(first.removeprefix("http://localhost"))
    assert revoked.status_code == 410 and "a newer invite replaced it" in revoked.get_data(True)
    session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    expired = visitor.get(second.removeprefix("http://localhost"))
    assert expired.status_code == 410
    assert "This invite link has expired. Ask your admin for a new invite." in expired.get_data(
        True
    )
    unknown = visitor.get("/invite/not-a-token")
    assert unknown.status_code == 404 and "Ask your admin" in unknown.get_data(as_text=True)


def test_a_temporary_password_is_shown_once_and_must_be_changed(app, admin_client, session):
    created = _post(
        admin_client, "/admin/users/new", {"username": "sam", "role": "user", "invite": "password"}
    )
    password = _secret(created)
    assert "temporary password" in created.get_data(as_text=True).lower()
    person = app.test_client()
    assert web_login(person, "sam", password).status_code == 302
    assert person.get("/").location.endswith("/account/password")


def test_an_expired_temporary_password_is_refused_saying_so(app, admin_client, session):
    password = _secret(
        _post(admin_client, "/admin/users/new", {"username": "sam", "invite": "password"})
    )
    session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    refused = web_login(app.test_client(), "sam", password)
    assert refused.status_code == 401
    page = refused.get_data(as_text=True)
    assert (
        "Your temporary password expired on" in page and "ask your admin for a new invite" in page
    )
    wrong = web_login(app.test_client(), "sam", "not the password at all")
    assert "Wrong username or password." in wrong.get_data(as_text=True)
    assert "expired" not in wrong.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"username": "", "invite": "link"}, "This field is required."),
        ({"username": "a b", "invite": "link"}, "Must be 3-64 characters"),
        ({"username": "root", "invite": "link"}, "is already taken"),
        ({"username": "sam", "email": "nope", "invite": "link"}, "not a valid email"),
        ({"username": "sam", "invite": "pigeon"}, "Not a valid choice"),
        ({"username": "sam", "role": "owner", "invite": "link"}, "Not a valid choice"),
        ({"username": "sam\x1b", "invite": "link"}, "cannot be typed"),
    ],
)
def test_bad_input_on_the_new_user_form_is_400_and_writes_nothing(
    admin_client, session, data, field_message
):
    before = _count(session, User), _count(session, AuditLog)
    answer = _post(admin_client, "/admin/users/new", {"role": "user", **data})
    assert answer.status_code == 400
    assert field_message in unescape(answer.get_data(as_text=True))
    assert (_count(session, User), _count(session, AuditLog)) == before
    assert _count(session, Invite) == 0


def test_deactivating_asks_first_then_signs_a_live_browser_out(app, admin_client, session):
    sam = make_user(session, "sam")
    browser = app.test_client()
    web_login(browser, "sam")
    assert browser.get("/").status_code == 200
    question = admin_client.get(f"/admin/users/{sam.id}/deactivate")
    assert "signed out on its next page" in question.get_data(as_text=True)
    # A post that did not come from the question page changes nothing.
    unasked = admin_client.post(
        f"/admin/users/{sam.id}/deactivate",
        data={"csrf_token": csrf_token_from(question.get_data(as_text=True))},
    )
    assert unasked.status_code == 400 and _user(session, "sam").is_active
    done = _post(admin_client, f"/admin/users/{sam.id}/deactivate", {"confirm": sam.id})
    assert done.status_code == 302 and not _user(session, "sam").is_active
    # The live browser's next request: signed out, and told why (once).
    cut_off = browser.get("/transactions")
    assert cut_off.status_code == 302 and "/login" in cut_off.location
    assert "This account is deactivated." in browser.get("/login").get_data(as_text=True)
    assert "deactivated" not in browser.get("/login").get_data(as_text=True)
    assert web_login(browser, "sam").status_code == 401
    # Activated again: the password works again.
    _post(admin_client, f"/admin/users/{sam.id}/activate", page=f"/admin/users/{sam.id}")
    assert _user(session, "sam").is_active
    assert web_login(app.test_client(), "sam").status_code == 302


def test_an_admin_cannot_deactivate_or_demote_themselves(admin_client, session, root):
    make_user(session, "second", role="admin")
    page = f"/admin/users/{root.id}"
    html = admin_client.get(page).get_data(as_text=True)
    assert "You cannot deactivate yourself." in html
    deactivate = _post(admin_client, f"{page}/deactivate", {"confirm": root.id}, page=page)
    assert deactivate.status_code == 409
    assert "You cannot deactivate yourself." in deactivate.get_data(as_text=True)
    demote = _post(admin_client, f"{page}/role", {"role": "user"}, page=page)
    assert demote.status_code == 409 and "You cannot demote yourself." in demote.get_data(True)
    reset = _post(admin_client, f"{page}/invite", {"invite": "link"}, page=page)
    assert reset.status_code == 409
    root_now = _user(session, "root")
    assert root_now.is_active and root_now.is_admin
    refusals = session.scalars(
        select(AuditLog.action).where(AuditLog.outcome == "failure").order_by(AuditLog.id)
    ).all()
    assert refusals == ["user.deactivate", "user.role_change", "user.invite"]


def test_roles_change_from_the_account_page(admin_client, session):
    sam = make_user(session, "sam")
    page = f"/admin/users/{sam.id}"
    assert _post(admin_client, f"{page}/role", {"role": "admin"}, page=page).status_code == 302
    assert _user(session, "sam").is_admin
    bad = _post(admin_client, f"{page}/role", {"role": "owner"}, page=page)
    assert bad.status_code == 400 and _user(session, "sam").is_admin
    assert admin_client.get("/admin/users/424242").status_code == 404


def test_a_reset_by_temporary_password_ends_the_old_password(app, admin_client, session):
    sam = make_user(session, "sam")
    browser = app.test_client()
    web_login(browser, "sam")
    question = admin_client.get(f"/admin/users/{sam.id}/invite").get_data(as_text=True)
    assert "current password stops working" in question
    password = _secret(_post(admin_client, f"/admin/users/{sam.id}/invite", {"invite": "password"}))
    assert browser.get("/").status_code == 302  # signed out
    assert web_login(app.test_client(), "sam", DEFAULT_PASSWORD).status_code == 401
    assert web_login(app.test_client(), "sam", password).status_code == 302


def test_the_first_admin_with_a_temporary_password_reaches_the_pages_after_changing_it(
    app, session
):
    make_user(session, "admin", role="admin", must_change_password=True)
    client = app.test_client()
    web_login(client, "admin")
    assert client.get("/admin/users").location.endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token_from(page),
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    for path in ("/admin/users", "/admin/users/new", "/admin/users/1"):
        assert client.get(path).status_code == 200, path
