"""One-time invites: the rows behind an invite link or a temporary password.

A link's token is never stored, only its SHA-256; a temporary password's hash
is the user's ``password_hash`` and its row here says until when it may be used.
Each is single use and expires; a newer invite, or a password the person sets,
closes the earlier ones. Issuing and accepting (with the password rules and the
audit) are ``admin_users``'; this module only keeps the rows.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homeledger.models import Invite, User
from homeledger.models.types import utcnow

LIFETIME = timedelta(days=7)
# What an account invited by link has as its password hash until the link is accepted:
# not an argon2 hash, so no password verifies against it (verify_password says False).
UNUSABLE_PREFIX = "!invite:"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def unusable_password_hash() -> str:
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def revoke_open(session: Session, user_id: int) -> None:
    """Close every invite of the user not yet used (a newer one replaces them)."""
    session.execute(
        update(Invite)
        .where(Invite.user_id == user_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def add(
    session: Session,
    user_id: int,
    kind: str,
    *,
    created_by_id: int | None,
    lifetime: timedelta = LIFETIME,
) -> tuple[Invite, str | None]:
    """A new invite after revoking the user's earlier ones; for a link, also its token
    (returned once: only its hash is kept)."""
    revoke_open(session, user_id)
    token = secrets.token_urlsafe(32) if kind == "link" else None
    invite = Invite(
        user_id=user_id,
        kind=kind,
        token_hash=token_hash(token) if token else None,
        created_by_id=created_by_id,
        expires_at=utcnow() + lifetime,
    )
    session.add(invite)
    session.flush()
    return invite, token


def by_token(session: Session, token: str) -> Invite | None:
    """The link invite whose token this is, whatever its state; None if none."""
    if not token or len(token) > 200 or not token.isascii():
        return None
    return session.scalars(
        select(Invite).where(Invite.token_hash == token_hash(token), Invite.kind == "link")
    ).first()


def claim(session: Session, invite_id: int) -> bool:
    """Mark a live invite used in one conditional UPDATE: of two acceptances racing with
    the same link, exactly one gets True."""
    claimed = session.execute(
        update(Invite)
        .where(
            Invite.id == invite_id,
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
            Invite.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def password_set(session: Session, user_id: int) -> None:
    """The person set their own password: an open temporary password is used, any other
    open invite (a link) withdrawn."""
    now = utcnow()
    open_rows = (Invite.user_id == user_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
    session.execute(update(Invite).where(*open_rows, Invite.kind == "password").values(used_at=now))
    session.execute(update(Invite).where(*open_rows).values(revoked_at=now))


def temporary_password_expired(session: Session, user: User) -> datetime | None:
    """When the user's temporary password expired, if it has: the newest temporary
    password invite still open is past its time. None otherwise."""
    if not user.must_change_password:
        return None
    invite = session.scalars(
        select(Invite)
        .where(
            Invite.user_id == user.id,
            Invite.kind == "password",
            Invite.used_at.is_(None),
            Invite.revoked_at.is_(None),
        )
        .order_by(Invite.id.desc())
        .limit(1)
    ).first()
    if invite is not None and invite.expires_at <= utcnow():
        return invite.expires_at
    return None


def open_invites(session: Session, user_ids: list[int] | None = None) -> dict[int, Invite]:
    """Each user's newest invite that is neither used nor revoked (expired ones too:
    the page says so), by user id."""
    statement = select(Invite).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None))
    if user_ids is not None:
        statement = statement.where(Invite.user_id.in_(user_ids))
    newest: dict[int, Invite] = {}
    for invite in session.scalars(statement.order_by(Invite.id)):
        newest[invite.user_id] = invite
    return newest
