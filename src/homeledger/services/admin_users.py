"""What an admin does to accounts: the users table, a new user with a one-time invite, a
new invite (the password reset), activating and deactivating, the role; and the person's
side of an invite link, choosing a password.

Guards: an admin never deactivates or demotes themselves, and the last active admin is
never deactivated or demoted. The active admins' rows are locked (``FOR UPDATE``) before
they are counted, so two admins demoting each other at once leave one admin on
PostgreSQL; SQLite lets one writer in at a time. Every action and every refusal is
audited, with the admin as actor and the account as the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import Invite, User
from homeledger.models.auth import INVITE_KINDS
from homeledger.models.types import utcnow
from homeledger.models.users import ROLES
from homeledger.services import accounts, api_tokens, audit, invites, onboarding, web_sessions
from homeledger.services.errors import NotFound, ServiceError, ValidationError

INVITE_CHOICE = "must be 'link' or 'password'"
ROLE_CHOICE = "must be 'admin' or 'user'"


class Refused(ServiceError):
    """A guard said no (``code`` for the API, the message for people); nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class InviteGone(ServiceError):
    """An invite link that exists but can no longer be used: used, revoked or expired."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class IssuedInvite:
    """An invite as shown once to the admin: a link's token, or a temporary password."""

    kind: str
    expires_at: datetime
    token: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class UserRow:
    """One account as the users table shows it, with its open invite if any."""

    user: User
    invite: Invite | None

    @property
    def invite_expired(self) -> bool:
        return self.invite is not None and self.invite.expires_at <= utcnow()

    @property
    def onboarding(self) -> str:
        """Where the person stands: invited, on a temporary password, or in the wizard."""
        if self.invite is not None:
            waiting = "link not yet opened" if self.invite.kind == "link" else "temporary password"
            if self.invite_expired:
                return f"Invite expired ({waiting})"
            return f"Invited ({waiting})"
        if self.user.must_change_password:
            return "Must change password"
        step = self.user.onboarding_step
        if step == "done":
            return "Done"
        return f"Setting up: {onboarding.TITLES.get(step, step).lower()}"


def list_users(session: Session) -> list[UserRow]:
    """Every account, by username."""
    users = session.scalars(select(User).order_by(User.username)).all()
    open_ = invites.open_invites(session)
    return [UserRow(user, open_.get(user.id)) for user in users]


def get(session: Session, user_id: int) -> UserRow:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return UserRow(user, invites.open_invites(session, [user.id]).get(user.id))


def create(
    session: Session,
    actor: User,
    *,
    username: str,
    invite: str,
    email: str | None = None,
    display_name: str | None = None,
    role: str = "user",
    ip_address: str | None = None,
) -> tuple[User, IssuedInvite]:
    """A new account with a one-time invite; ValidationError naming every bad field."""
    problems = {} if invite in INVITE_KINDS else {"invite": INVITE_CHOICE}
    password = accounts.generate_password() if invite == "password" else None
    try:
        user = accounts.create_user(
            session,
            username,
            password,
            role=role,
            email=email or None,
            display_name=display_name or None,
            must_change_password=True,
            actor_id=actor.id,
            ip_address=ip_address,
        )
    except ValidationError as exc:
        raise ValidationError(problems | exc.fields) from None
    if problems:
        raise ValidationError(problems)
    return user, _issue(session, actor, user, invite, password, ip_address)


def reissue(
    session: Session, actor: User, user_id: int, kind: str, *, ip_address: str | None = None
) -> IssuedInvite:
    """A new invite for an account (the password reset): its password stops working, its
    browsers and devices are signed out, and its earlier invites are revoked."""
    if kind not in INVITE_KINDS:
        raise ValidationError({"invite": INVITE_CHOICE})
    user = _target(session, user_id)
    if user.id == actor.id:
        _refuse(
            session, actor, user, "user.invite", "self",
            "You cannot reset your own password here; change it on your account page.",
        )  # fmt: skip
    password = None
    if kind == "password":
        password = accounts.generate_password()
        accounts.set_password(session, user, password, actor_id=actor.id, must_change=True)
    else:
        user.password_hash = invites.unusable_password_hash()
        user.must_change_password = True
        user.session_epoch += 1
        web_sessions.end_all(session, user.id)
        api_tokens.revoke_all(session, user.id)
    return _issue(session, actor, user, kind, password, ip_address)


def _issue(session, actor, user, kind, password, ip_address) -> IssuedInvite:
    row, token = invites.add(session, user.id, kind, created_by_id=actor.id)
    audit.record(
        session,
        "user.invite",
        actor_id=actor.id,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={"kind": kind, "expires_at": row.expires_at.isoformat()},
    )
    return IssuedInvite(kind, row.expires_at, token=token, password=password)


def update(
    session: Session,
    actor: User,
    user_id: int,
    *,
    is_active: bool | None = None,
    role: str | None = None,
    ip_address: str | None = None,
) -> User:
    """Change an account's role and/or whether it is active, behind the guards."""
    if role is not None and role not in ROLES:
        raise ValidationError({"role": ROLE_CHOICE})
    admins = accounts.locked_active_admins(session)
    user = _target(session, user_id)  # read after the lock: what the winner committed
    new_role = role if role is not None and role != user.role else None
    new_active = is_active if is_active is not None and is_active != user.is_active else None
    # Every guard before any change: a refusal leaves the account as it was.
    if new_role == "user":
        _guard(session, actor, user, "user.role_change", admins, "demote")
    if new_active is False:
        _guard(session, actor, user, "user.deactivate", admins, "deactivate")
    if new_role is not None or new_active is not None:
        action = "user.role_change" if new_role else f"user.{'' if new_active else 'de'}activate"
        _actor_is_admin(session, actor, user, action, admins)
    if new_role is not None:
        audit.record(
            session,
            "user.role_change",
            actor_id=actor.id,
            ledger_user_id=user.id,
            ip_address=ip_address,
            extra={"from": user.role, "to": new_role},
        )
        user.role = new_role
    if new_active is not None:
        _set_active(session, actor, user, new_active, ip_address)
    return user


def _set_active(session, actor, user, active: bool, ip_address) -> None:
    user.is_active = active
    if not active:
        user.session_epoch += 1  # access tokens in flight carry the old epoch
        web_sessions.end_all(session, user.id)
        api_tokens.revoke_all(session, user.id)
        # An invite not yet used dies with the account's access: an admin who deactivates
        # expects the link (or the temporary password) handed out to be dead, even after
        # a later activation, which then needs a new invite.
        if invites.open_invites(session, [user.id]):
            if user.must_change_password:
                user.password_hash = invites.unusable_password_hash()
            invites.revoke_open(session, user.id)
    audit.record(
        session,
        "user.activate" if active else "user.deactivate",
        actor_id=actor.id,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={"username": user.username},
    )


def _guard(session, actor, user, action, admins: list[int], verb: str) -> None:
    """Never oneself, never the last active admin."""
    if user.id == actor.id:
        _refuse(session, actor, user, action, "self", f"You cannot {verb} yourself.")
    if user.id in admins and len(admins) <= 1:
        _refuse(
            session, actor, user, action, "last_admin",
            f"{user.username} is the last active admin; make another admin first.",
        )  # fmt: skip


def _actor_is_admin(session, actor, user, action, admins: list[int]) -> None:
    if actor.id not in admins:  # demoted or deactivated by another admin meanwhile
        _refuse(session, actor, user, action, "admin_required", "You are no longer an admin.")


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound("no such user")
    return user


def _refuse(session, actor, user, action, code, message) -> None:
    audit.record(
        session,
        action,
        actor_id=actor.id,
        ledger_user_id=user.id,
        outcome="failure",
        extra={"reason": code},
    )
    raise Refused(code, message)


# --- the person's side of a link ----------------------------------------------------------


def _gone(reason: str) -> InviteGone:
    what = {
        "unknown": "This invite link is not one we know: check that it was copied whole.",
        "used": "This invite link has already been used.",
        "revoked": "This invite link was withdrawn: a newer invite replaced it, or the "
        "account was deactivated since.",
        "expired": "This invite link has expired.",
        "inactive": "This account is deactivated.",
    }[reason]
    return InviteGone(reason, f"{what} Ask your admin for a new invite.")


def open_link(session: Session, token: str) -> tuple[Invite, User]:
    """The invite and its account, if the link may still be used; else InviteGone saying
    why (``unknown`` for a token never issued)."""
    invite = invites.by_token(session, token)
    if invite is None:
        raise _gone("unknown")
    user = session.get(User, invite.user_id)
    if invite.used_at is not None:
        raise _gone("used")
    if user is None or not user.is_active:
        raise _gone("inactive")
    if invite.revoked_at is not None:
        raise _gone("revoked")
    if invite.expires_at <= utcnow():
        raise _gone("expired")
    return invite, user


def accept(session: Session, token: str, password: str, *, ip_address: str | None = None) -> User:
    """Choose a password with an invite link (the password rules apply); the link is used
    up in one conditional UPDATE, so two tabs racing with it cannot both succeed."""
    invite, user = open_link(session, token)
    if not invites.claim(session, invite.id):
        raise _gone("used")
    accounts.set_password(session, user, password, actor_id=user.id, ip_address=ip_address)
    audit.record(
        session,
        "invite.accept",
        actor_id=user.id,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={"kind": "link"},
    )
    return user
