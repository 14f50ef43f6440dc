"""The admin's users over the API: the list, a new account with its invite, PATCH behind the
guards, a new invite; deactivation cutting off a live bearer token and its refresh token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from homeledger.models import AuditLog, Invite, User
from homeledger.models.types import utcnow
from tests.conftest import api_login, bearer
from tests.factories import DEFAULT_PASSWORD, make_user

USERS = "/api/v1/admin/users"
NEW_PASSWORD = "walnut tractor violin meadow"


@pytest.fixture
def root(session):
    return make_user(session, "root", role="admin")


@pytest.fixture
def admin(client, root):
    return bearer(api_login(client, "root").get_json()["access_token"])


def _error(response) -> tuple[int, str]:
    assert response.is_json, response.get_data(as_text=True)
    return response.status_code, response.get_json()["error"]["code"]


def _written(session) -> tuple[int, int, int]:
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return count(User), count(Invite), count(AuditLog)


def test_the_list_shows_every_account(client, session, admin, root):
    make_user(session, "alex", email="alex@example.org", display_name="Alex")
    answer = client.get(USERS, headers=admin)
    assert answer.status_code == 200
    items = answer.get_json()["items"]
    assert [u["username"] for u in items] == ["alex", "root"]
    alex = items[0]
    assert set(alex) == {
        "id",
        "username",
        "email",
        "display_name",
        "role",
        "is_active",
        "created_at",
        "last_login_at",
        "onboarding_step",
        "must_change_password",
    }
    assert (alex["email"], alex["role"], alex["is_active"], alex["last_login_at"]) == (
        "alex@example.org",
        "user",
        True,
        None,
    )
    assert items[1]["last_login_at"] is not None


def test_a_user_gets_403_on_every_admin_users_route(client, session, root):
    headers = bearer(api_login(client, "root").get_json()["access_token"])
    make_user(session, "alex")
    user = bearer(api_login(client, "alex").get_json()["access_token"])
    for method, url, body in [
        ("GET", USERS, None),
        ("POST", USERS, {"username": "x", "invite": "link"}),
        ("PATCH", f"{USERS}/{root.id}", {"is_active": False}),
        ("POST", f"{USERS}/{root.id}/invite", {"invite": "link"}),
    ]:
        assert _error(client.open(url, method=method, headers=user, json=body)) == (
            403,
            "admin_required",
        )
    assert client.get(USERS, headers=headers).status_code == 200


@pytest.mark.parametrize("kind", ["link", "password"])
def test_a_new_user_comes_with_a_one_time_invite(app, client, session, admin, kind):
    answer = client.post(
        USERS,
        headers=admin,
        json={"username": "sam", "email": "sam@example.org", "display_name": "Sam", "invite": kind},
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["user"]["username"] == "sam" and body["user"]["role"] == "user"
    assert body["user"]["must_change_password"] is True
    invite = body["invite"]
    assert invite["expires_at"]
    if kind == "link":
        assert set(invite) == {"url", "expires_at"}
        path = invite["url"].removeprefix("http://localhost")
        person = app.test_client()
        assert person.get(path).status_code == 200
        assert api_login(client, "sam", NEW_PASSWORD).status_code == 401
    else:
        assert set(invite) == {"temporary_password", "expires_at"}
        signed_in = api_login(client, "sam", invite["temporary_password"])
        assert signed_in.status_code == 200
        token = bearer(signed_in.get_json()["access_token"])
        assert _error(client.get("/api/v1/transactions", headers=token)) == (
            403,
            "password_change_required",
        )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"invite": "link"}, "username"),
        ({"username": "sam"}, "invite"),
        ({"username": "sam", "invite": "email"}, "invite"),
        ({"username": "sam", "invite": "link", "role": "owner"}, "role"),
        ({"username": "s", "invite": "link"}, "username"),
        ({"username": "ROOT", "invite": "link"}, "username"),
        ({"username": "sam", "invite": "link", "email": "nope"}, "email"),
        ({"username": "sam", "invite": "link", "is_admin": True}, "is_admin"),
        ({"username": 7, "invite": "link"}, "username"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, session, admin, body, field):
    before = _written(session)
    answer = client.post(USERS, headers=admin, json=body)
    assert _error(answer) == (422, "validation_error")
    assert field in answer.get_json()["error"]["fields"]
    assert _written(session) == before


def test_patch_changes_role_and_active_and_refuses_bad_input(client, session, admin):
    sam = make_user(session, "sam")
    promoted = client.patch(f"{USERS}/{sam.id}", headers=admin, json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "admin"
    for body, field in [
        ({"is_active": "no"}, "is_active"),
        ({"is_active": 0}, "is_active"),
        ({"role": "superuser"}, "role"),
        ({"username": "other"}, "username"),
    ]:
        before = _written(session)
        answer = client.patch(f"{USERS}/{sam.id}", headers=admin, json=body)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"]
        assert _written(session) == before
    assert _error(client.patch(f"{USERS}/424242", headers=admin, json={"is_active": False})) == (
        404,
        "not_found",
    )
    assert (
        _error(client.post(f"{USERS}/424242/invite", headers=admin, json={"invite": "link"}))[0]
        == 404
    )


@pytest.mark.parametrize("body", [{"is_active": False}, {"role": "user"}])
def test_an_admin_cannot_deactivate_or_demote_themselves(client, session, admin, root, body):
    answer = client.patch(f"{USERS}/{root.id}", headers=admin, json=body)
    assert _error(answer) == (409, "self")
    assert "yourself" in answer.get_json()["error"]["message"]
    session.expire_all()
    assert root.is_active and root.is_admin
    assert client.get(USERS, headers=admin).status_code == 200  # still an admin, signed in


def test_deactivation_cuts_off_a_live_token_and_its_refresh_token(client, session, admin):
    sam = make_user(session, "sam")
    signed_in = api_login(client, "sam").get_json()
    token = bearer(signed_in["access_token"])
    assert client.get("/api/v1/me", headers=token).status_code == 200
    answer = client.patch(f"{USERS}/{sam.id}", headers=admin, json={"is_active": False})
    assert answer.status_code == 200 and answer.get_json()["is_active"] is False
    assert _error(client.get("/api/v1/me", headers=token)) == (401, "account_inactive")
    assert _error(client.get("/api/v1/transactions", headers=token)) == (401, "account_inactive")
    refreshed = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": signed_in["refresh_token"]}
    )
    assert _error(refreshed) == (401, "account_inactive")
    assert _error(api_login(client, "sam")) == (401, "auth_required")
    # Activated again: a new sign-in works; the old tokens stay dead.
    client.patch(f"{USERS}/{sam.id}", headers=admin, json={"is_active": True})
    assert api_login(client, "sam").status_code == 200
    assert _error(client.get("/api/v1/me", headers=token)) == (401, "token_revoked")


def test_a_new_invite_replaces_the_old_one_and_the_password(app, client, session, admin):
    first = client.post(USERS, headers=admin, json={"username": "sam", "invite": "link"}).get_json()
    sam_id = first["user"]["id"]
    answer = client.post(f"{USERS}/{sam_id}/invite", headers=admin, json={"invite": "password"})
    assert answer.status_code == 200
    second = answer.get_json()
    assert second["user"]["id"] == sam_id and "temporary_password" in second["invite"]
    old_link = first["invite"]["url"].removeprefix("http://localhost")
    assert app.test_client().get(old_link).status_code == 410
    assert api_login(client, "sam", second["invite"]["temporary_password"]).status_code == 200
    bad = client.post(f"{USERS}/{sam_id}/invite", headers=admin, json={"invite": "pigeon"})
    assert bad.status_code == 422 and "invite" in bad.get_json()["error"]["fields"]


def test_an_expired_temporary_password_is_refused_with_its_own_code(client, session, admin):
    body = client.post(USERS, headers=admin, json={"username": "sam", "invite": "password"})
    password = body.get_json()["invite"]["temporary_password"]
    session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    refused = api_login(client, "sam", password)
    assert _error(refused) == (401, "temporary_password_expired")
    assert "ask your admin for a new invite" in refused.get_json()["error"]["message"]
    assert _error(api_login(client, "sam", DEFAULT_PASSWORD)) == (401, "auth_required")


def test_actions_are_audited_with_the_admin_as_actor(client, session, admin, root):
    sam = client.post(USERS, headers=admin, json={"username": "sam", "invite": "link"})
    sam_id = sam.get_json()["user"]["id"]
    client.patch(f"{USERS}/{sam_id}", headers=admin, json={"role": "admin", "is_active": False})
    client.patch(f"{USERS}/{root.id}", headers=admin, json={"is_active": False})
    entries = session.execute(
        select(AuditLog.action, AuditLog.outcome, AuditLog.actor_id, AuditLog.ledger_user_id)
        .where(AuditLog.action.like("user.%"), AuditLog.actor_id == root.id)
        .order_by(AuditLog.id)
    ).all()
    assert [tuple(e) for e in entries] == [
        ("user.create", "success", root.id, sam_id),
        ("user.invite", "success", root.id, sam_id),
        ("user.role_change", "success", root.id, sam_id),
        ("user.deactivate", "success", root.id, sam_id),
        ("user.deactivate", "failure", root.id, root.id),
    ]
