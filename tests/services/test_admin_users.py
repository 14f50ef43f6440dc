"""The admin's users service: invites (link and temporary password), their expiry and single
use, the reset, activation, roles, and every guard tried as someone breaking it would."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from homeledger.models import AuditLog, Invite, RefreshToken, User, WebSession
from homeledger.models.types import utcnow
from homeledger.services import accounts, admin_users, api_tokens, invites, passwords, web_sessions
from homeledger.services.errors import NotFound, ValidationError
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "walnut tractor violin meadow"


@pytest.fixture
def admin(session):
    return make_user(session, "root", role="admin")


def _create(session, admin, username="sam", invite="link", **kwargs):
    user, issued = admin_users.create(session, admin, username=username, invite=invite, **kwargs)
    session.commit()
    return user, issued


def _expire(session, user_id):
    session.execute(
        update(Invite)
        .where(Invite.user_id == user_id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    session.commit()


def _audit(session, action, outcome="success"):
    return session.scalars(
        select(AuditLog).where(AuditLog.action == action, AuditLog.outcome == outcome)
    ).all()


def _users(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


# --- invites ---------------------------------------------------------------------------------


def test_a_link_invite_stores_only_the_hash_and_no_password_works_until_accepted(session, admin):
    user, issued = _create(session, admin, email="sam@example.org", display_name="Sam")
    assert issued.kind == "link" and issued.password is None and len(issued.token) >= 40
    invite = session.scalars(select(Invite).where(Invite.user_id == user.id)).one()
    assert invite.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert invite.token_hash != issued.token
    week = utcnow() + timedelta(days=7)
    assert week - timedelta(minutes=1) < invite.expires_at <= week
    assert user.must_change_password
    # The unusable hash: nothing verifies against it, and nothing raises.
    for guess in ("", issued.token, user.password_hash, DEFAULT_PASSWORD, "\ud800"):
        assert passwords.verify_password(user.password_hash, guess) is False
        assert accounts.authenticate(session, "sam", guess) is None
    create = _audit(session, "user.create")[-1]
    invited = _audit(session, "user.invite")[-1]
    assert (create.actor_id, create.ledger_user_id) == (admin.id, user.id)
    assert (invited.actor_id, invited.ledger_user_id) == (admin.id, user.id)
    assert invited.extra_data["kind"] == "link"


def test_a_link_is_accepted_once_then_refused(session, admin):
    user, issued = _create(session, admin)
    assert admin_users.accept(session, issued.token, NEW_PASSWORD).id == user.id
    session.commit()
    assert accounts.authenticate(session, "sam", NEW_PASSWORD) == user
    assert not user.must_change_password
    with pytest.raises(admin_users.InviteGone) as gone:
        admin_users.accept(session, issued.token, "another quite long passphrase")
    assert gone.value.reason == "used" and "Ask your admin for a new invite" in str(gone.value)
    accepted = _audit(session, "invite.accept")[-1]
    assert (accepted.actor_id, accepted.ledger_user_id) == (user.id, user.id)


def test_a_weak_password_leaves_the_link_usable(session, admin):
    _, issued = _create(session, admin)
    with pytest.raises(ValidationError) as refused:
        admin_users.accept(session, issued.token, "sam12345678")
    assert "password" in refused.value.fields
    session.rollback()
    assert admin_users.accept(session, issued.token, NEW_PASSWORD)


def test_an_expired_unknown_or_deactivated_link_is_refused_saying_so(session, admin):
    user, issued = _create(session, admin)
    for token in ("", "nope", "x" * 500, "é" * 10):
        with pytest.raises(admin_users.InviteGone) as gone:
            admin_users.open_link(session, token)
        assert gone.value.reason == "unknown"
    _expire(session, user.id)
    with pytest.raises(admin_users.InviteGone, match=r"has expired\. Ask your admin"):
        admin_users.open_link(session, issued.token)
    admin_users.update(session, admin, user.id, is_active=False)
    session.commit()
    with pytest.raises(admin_users.InviteGone, match="deactivated"):
        admin_users.accept(session, issued.token, NEW_PASSWORD)


@pytest.mark.parametrize("kind", ["link", "password"])
def test_deactivation_withdraws_an_unused_invite_for_good(session, admin, kind):
    """Activated again, the account is not opened by the invite handed out before."""
    user, issued = _create(session, admin, invite=kind)
    admin_users.update(session, admin, user.id, is_active=False)
    admin_users.update(session, admin, user.id, is_active=True)
    session.commit()
    if kind == "link":
        with pytest.raises(admin_users.InviteGone, match="withdrawn"):
            admin_users.accept(session, issued.token, NEW_PASSWORD)
    else:
        assert accounts.authenticate(session, "sam", issued.password) is None
    session.commit()
    # A new invite lets the person in.
    again = admin_users.reissue(session, admin, user.id, "link")
    session.commit()
    assert admin_users.accept(session, again.token, NEW_PASSWORD).id == user.id


def test_a_temporary_password_works_once_changed_it_closes_the_invite(session, admin):
    user, issued = _create(session, admin, invite="password")
    assert issued.token is None
    invite = session.scalars(select(Invite).where(Invite.user_id == user.id)).one()
    assert invite.kind == "password" and invite.token_hash is None
    assert accounts.authenticate(session, "sam", issued.password) == user
    assert user.must_change_password
    accounts.change_own_password(session, user, issued.password, NEW_PASSWORD)
    session.commit()
    session.refresh(invite)
    assert invite.used_at is not None and not user.must_change_password
    _expire(session, user.id)  # a used invite's expiry no longer matters
    assert accounts.authenticate(session, "sam", NEW_PASSWORD) == user


def test_an_expired_temporary_password_is_refused_with_a_clear_message(session, admin):
    user, issued = _create(session, admin, invite="password")
    _expire(session, user.id)
    with pytest.raises(accounts.SignInRefused) as refused:
        accounts.authenticate(session, "sam", issued.password)
    assert refused.value.code == "temporary_password_expired"
    assert str(refused.value).startswith("Your temporary password expired on ")
    assert "ask your admin for a new invite" in str(refused.value)
    # A wrong password says nothing of the sort: just no.
    assert accounts.authenticate(session, "sam", "not the temporary one") is None
    reasons = [e.extra_data["reason"] for e in _audit(session, "auth.login", "failure")]
    assert reasons[-2:] == ["temporary_password_expired", "bad_password"]


def test_a_password_set_from_the_command_line_has_no_invite_expiry(session, admin):
    user, _ = _create(session, admin, invite="password")
    _expire(session, user.id)
    accounts.set_password(session, user, "a fresh command line pass", must_change=True)
    session.commit()
    assert accounts.authenticate(session, "sam", "a fresh command line pass") == user


def test_a_new_invite_revokes_the_earlier_one_and_signs_the_account_out(session, admin):
    user, first = _create(session, admin)
    admin_users.accept(session, first.token, NEW_PASSWORD)
    web = web_sessions.start(session, user, lifetime=timedelta(hours=1))
    api_tokens.issue(session, user, device_name="phone", lifetime=timedelta(days=1))
    session.commit()
    epoch = user.session_epoch
    second = admin_users.reissue(session, admin, user.id, "link")
    session.commit()
    assert accounts.authenticate(session, "sam", NEW_PASSWORD) is None
    assert user.session_epoch > epoch
    assert web_sessions.resume(session, web, idle_timeout=timedelta(hours=1)) is None
    assert session.scalar(select(func.count()).where(RefreshToken.revoked_at.is_(None))) == 0
    third = admin_users.reissue(session, admin, user.id, "password")
    session.commit()
    with pytest.raises(admin_users.InviteGone) as gone:
        admin_users.open_link(session, second.token)
    assert gone.value.reason == "revoked"
    assert accounts.authenticate(session, "sam", third.password) == user
    assert (
        session.scalar(
            select(func.count()).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        )
        == 1
    )


def test_bad_input_names_every_field_and_writes_nothing(session, admin):
    before = _users(session)
    with pytest.raises(ValidationError) as refused:
        admin_users.create(
            session, admin, username="x", invite="carrier pigeon", email="nope", role="owner"
        )
    assert set(refused.value.fields) == {"username", "invite", "email", "role"}
    session.rollback()
    with pytest.raises(ValidationError) as taken:
        admin_users.create(session, admin, username="ROOT", invite="link")
    assert "already taken" in taken.value.fields["username"]
    session.rollback()
    with pytest.raises(ValidationError):
        admin_users.update(session, admin, admin.id, role="superuser")
    with pytest.raises(ValidationError):
        admin_users.reissue(session, admin, admin.id, "email")
    session.rollback()
    assert _users(session) == before
    assert session.scalar(select(func.count()).select_from(Invite)) == 0
    with pytest.raises(NotFound):
        admin_users.update(session, admin, 999_999, is_active=False)


# --- activation and roles, and the guards ----------------------------------------------------


def test_deactivation_signs_out_everywhere_and_activation_lets_back_in(session, admin):
    user = make_user(session, "sam")
    web = web_sessions.start(session, user, lifetime=timedelta(hours=1))
    api_tokens.issue(session, user, device_name="phone", lifetime=timedelta(days=1))
    session.commit()
    epoch = user.session_epoch
    admin_users.update(session, admin, user.id, is_active=False)
    session.commit()
    assert not user.is_active and user.session_epoch == epoch + 1
    assert session.scalar(select(func.count()).where(WebSession.revoked_at.is_(None))) == 0
    assert session.scalar(select(func.count()).where(RefreshToken.revoked_at.is_(None))) == 0
    assert web_sessions.owner_deactivated(session, web)
    assert accounts.authenticate(session, "sam", DEFAULT_PASSWORD) is None
    admin_users.update(session, admin, user.id, is_active=True)
    session.commit()
    assert accounts.authenticate(session, "sam", DEFAULT_PASSWORD) == user
    actions = [(e.action, e.actor_id, e.ledger_user_id) for e in session.scalars(
        select(AuditLog).where(AuditLog.action.like("user.%activate")).order_by(AuditLog.id)
    )]  # fmt: skip
    assert actions == [("user.deactivate", admin.id, user.id), ("user.activate", admin.id, user.id)]


def test_roles_change_both_ways(session, admin):
    user = make_user(session, "sam")
    admin_users.update(session, admin, user.id, role="admin")
    session.commit()
    assert user.is_admin
    admin_users.update(session, admin, user.id, role="user")
    session.commit()
    assert not user.is_admin
    changes = [e.extra_data for e in _audit(session, "user.role_change")]
    assert changes == [{"from": "user", "to": "admin"}, {"from": "admin", "to": "user"}]


@pytest.mark.parametrize(
    ("change", "action"),
    [({"is_active": False}, "user.deactivate"), ({"role": "user"}, "user.role_change")],
)
def test_an_admin_never_deactivates_or_demotes_themselves(session, admin, change, action):
    make_user(session, "second", role="admin")  # not the last admin: the self rule alone
    with pytest.raises(admin_users.Refused) as refused:
        admin_users.update(session, admin, admin.id, **change)
    assert refused.value.code == "self"
    session.commit()  # what a caller does: keep the refusal's audit entry
    session.refresh(admin)
    assert admin.is_active and admin.is_admin
    failure = _audit(session, action, "failure")[-1]
    assert (failure.actor_id, failure.ledger_user_id, failure.extra_data) == (
        admin.id,
        admin.id,
        {"reason": "self"},
    )


def test_the_last_active_admin_is_never_deactivated_or_demoted(session, admin):
    # An admin already deactivated (whose request was under way) tries the last one.
    former = make_user(session, "former", role="admin")
    admin_users.update(session, admin, former.id, is_active=False)
    session.commit()
    for change in ({"is_active": False}, {"role": "user"}):
        with pytest.raises(admin_users.Refused) as refused:
            admin_users.update(session, former, admin.id, **change)
        assert refused.value.code == "last_admin"
        session.rollback()
    # And a deactivated admin can change nobody else either.
    user = make_user(session, "sam")
    with pytest.raises(admin_users.Refused) as refused:
        admin_users.update(session, former, user.id, role="admin")
    assert refused.value.code == "admin_required"
    session.rollback()
    assert admin.is_active and admin.is_admin and not user.is_admin


def test_a_refused_change_changes_nothing_of_what_came_with_it(session, admin):
    # Demoting oneself while deactivating: both refused, neither half applied.
    make_user(session, "second", role="admin")
    with pytest.raises(admin_users.Refused):
        admin_users.update(session, admin, admin.id, role="user", is_active=False)
    session.commit()
    session.refresh(admin)
    assert admin.is_admin and admin.is_active


def test_an_admin_does_not_reset_their_own_password_here(session, admin):
    with pytest.raises(admin_users.Refused) as refused:
        admin_users.reissue(session, admin, admin.id, "link")
    assert refused.value.code == "self"
    session.commit()
    assert accounts.authenticate(session, "root", DEFAULT_PASSWORD) == admin


def test_the_users_table_says_where_each_person_stands(session, admin):
    _create(session, admin, "linked")
    temp, _ = _create(session, admin, "temped", invite="password")
    late, _ = _create(session, admin, "late")
    _expire(session, late.id)
    make_user(session, "halfway", onboarded=False).onboarding_step = "data"
    session.commit()
    rows = {row.user.username: row.onboarding for row in admin_users.list_users(session)}
    assert rows == {
        "halfway": "Setting up: get your data in",
        "late": "Invite expired (link not yet opened)",
        "linked": "Invited (link not yet opened)",
        "root": "Done",
        "temped": "Invited (temporary password)",
    }
    assert admin_users.get(session, temp.id).invite.kind == "password"
    with pytest.raises(NotFound):
        admin_users.get(session, 424242)


def test_an_invite_is_claimed_once_even_by_two_at_the_same_moment(session, admin):
    user, _ = _create(session, admin)
    invite = session.scalars(select(Invite).where(Invite.user_id == user.id)).one()
    assert invites.claim(session, invite.id) is True
    assert invites.claim(session, invite.id) is False  # the one-row UPDATE found it used
