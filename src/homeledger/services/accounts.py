"""User accounts: creation, sign-in, passwords. Security events go to the audit log."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.models import User, UserSettings
from homeledger.models.types import utcnow
from homeledger.services import api_tokens, audit, invites, passwords, web_sessions
from homeledger.services.categories import seed_categories
from homeledger.services.errors import ServiceError, ValidationError

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254


class SignInRefused(ServiceError):
    """The password was right, but it may not sign in: ``str()`` says why to the person
    (who has just proved they know the password), ``code`` says it to the app."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def find_user(session: Session, username: str) -> User | None:
    """The user with this username, compared without regard to case."""
    if not username.isprintable():
        return None  # no username contains control characters (PostgreSQL refuses NUL)
    return session.scalars(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).first()


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def count_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.is_active)
    )


def email_problem(session: Session, email: str, *, other_than: int | None = None) -> str | None:
    """Why ``email`` cannot be an account's address (malformed, or another account's
    whatever the capitals; ``other_than`` is the account changing its own), or None."""
    if len(email) > MAX_EMAIL or not email.isprintable() or not EMAIL_RE.match(email):
        return "is not a valid email address, like name@example.com"
    taken = select(User.id).where(func.lower(User.email) == email.lower())
    if other_than is not None:
        taken = taken.where(User.id != other_than)
    if session.scalar(taken) is not None:
        return "is already used by another account"
    return None


def locked_active_admins(session: Session) -> list[int]:
    """The active admins' ids, their rows locked until commit (``SELECT … FOR UPDATE``,
    always in id order, so two lockers never deadlock). Whoever counts admins to keep
    one (a demotion, a deactivation, deleting one's own account) counts these: a second
    request waits for the first to commit, then reads what it left."""
    return list(
        session.scalars(
            select(User.id)
            .where(User.role == "admin", User.is_active)
            .order_by(User.id)
            .with_for_update()
        )
    )


def generate_password() -> str:
    """A random password that passes the policy, for first runs and resets.

    120 random bits score as unguessable; checking makes "passes" a guarantee rather
    than a probability, whatever a future policy adds.
    """
    for _ in range(100):
        password = secrets.token_urlsafe(15)
        if passwords.password_problem(password) is None:
            return password
    raise RuntimeError("the password policy refuses random passwords")


def create_user(
    session: Session,
    username: str,
    password: str | None,
    *,
    role: str = "user",
    email: str | None = None,
    display_name: str | None = None,
    must_change_password: bool = False,
    actor_id: int | None = None,
    ip_address: str | None = None,
) -> User:
    """Create a user and their empty ledger (settings and the universal seed categories).

    ``password`` None: no password works until one is set (an invite link's account).
    """
    username = username.strip()
    email = email.strip() if email else None
    problems: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        problems["username"] = (
            "must be 3-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    elif find_user(session, username) is not None:
        problems["username"] = f"{username!r} is already taken"
    if email is not None and (problem := email_problem(session, email)):
        problems["email"] = problem
    if role not in ("admin", "user"):
        problems["role"] = "must be 'admin' or 'user'"
    words = passwords.personal_words(username, display_name=display_name, email=email)
    if password is not None and (problem := passwords.password_problem(password, words)):
        problems["password"] = problem
    if problems:
        raise ValidationError(problems)

    user = User(
        username=username,
        email=email,
        display_name=display_name,
        role=role,
        password_hash=(
            passwords.hash_password(password)
            if password is not None
            else invites.unusable_password_hash()
        ),
        must_change_password=must_change_password,
        password_changed_at=utcnow() if password is not None else None,
    )
    session.add(user)
    session.flush()
    # The new ledger's starting rows are its own (``user.create`` below says who made it).
    with tenancy.acting_as(session, user.id):
        session.add(UserSettings())
        seed_categories(session)
    audit.record(
        session,
        "user.create",
        actor_id=actor_id,
        ledger_user_id=user.id,
        ip_address=ip_address,
        extra={"username": username, "role": role},
    )
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    ip_address: str | None = None,
    audit_details: Mapping[str, Any] | None = None,
) -> User | None:
    """The user if the password is right and the account active; every attempt is audited.

    ``audit_details`` go into the entry as well (how the attempt came, e.g. from a
    trusted device past a username lockout).

    Raises SignInRefused when the password is a temporary one that has expired.
    """
    user = find_user(session, username)
    expired = None
    if user is None or user.password_hash.startswith(invites.UNUSABLE_PREFIX):
        passwords.dummy_verify(password)  # a miss takes as long as a hit
        outcome = "unknown_user" if user is None else "no_password_yet"
    elif not passwords.verify_password(user.password_hash, password):
        outcome = "bad_password"
    elif not user.is_active:
        outcome = "inactive"
    elif expired := invites.temporary_password_expired(session, user):
        outcome = "temporary_password_expired"
    else:
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.last_login_at = utcnow()
        audit.record(
            session,
            "auth.login",
            actor_id=user.id,
            actor_name=user.username,
            ledger_user_id=user.id,
            ip_address=ip_address,
            extra=dict(audit_details) if audit_details else None,
        )
        return user
    audit.record(
        session,
        "auth.login",
        actor_id=user.id if user else None,
        actor_name=username,
        outcome="failure",
        ip_address=ip_address,
        extra={"reason": outcome, **(audit_details or {})},
    )
    if expired is not None:
        raise SignInRefused(
            "temporary_password_expired",
            f"Your temporary password expired on {expired:%Y-%m-%d %H:%M} UTC; "
            "ask your admin for a new invite.",
        )
    return None


def set_password(
    session: Session,
    user: User,
    new_password: str,
    *,
    actor_id: int | None = None,
    must_change: bool = False,
    ip_address: str | None = None,
    keep_web_session: str | None = None,
) -> None:
    """Replace a password; every session and token issued before stops working.

    The browser making the change may stay signed in by passing its web
    session token; API devices get new tokens from the caller.
    """
    words = passwords.personal_words(
        user.username, display_name=user.display_name, email=user.email
    )
    if problem := passwords.password_problem(new_password, words):
        raise ValidationError({"password": problem})
    if passwords.verify_password(user.password_hash, new_password):
        raise ValidationError({"password": "must differ from the current password"})
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
    user.session_epoch += 1  # outstanding access tokens carry the old epoch
    if must_change:
        invites.revoke_open(session, user.id)  # a temporary password set here has no expiry
    else:
        invites.password_set(session, user.id)  # a temporary password changed: invite used
    web_sessions.end_all(session, user.id, keep_token=keep_web_session)
    api_tokens.revoke_all(session, user.id)
    audit.record(
        session,
        "user.password_change",
        actor_id=actor_id if actor_id is not None else user.id,
        ledger_user_id=user.id,
        ip_address=ip_address,
    )


def change_own_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    ip_address: str | None = None,
    keep_web_session: str | None = None,
) -> None:
    """A signed-in user's own change: the current password must be given."""
    if not passwords.verify_password(user.password_hash, current):
        audit.record_own(
            session,
            "user.password_change",
            user.id,
            ip_address=ip_address,
            outcome="failure",
            extra={"reason": "bad_current_password"},
        )
        raise ValidationError({"current_password": "is not your current password"})
    set_password(
        session,
        user,
        new,
        actor_id=user.id,
        ip_address=ip_address,
        keep_web_session=keep_web_session,
    )
