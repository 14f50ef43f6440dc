"""Server side of the API's bearer tokens: rotating refresh tokens and revocation.

Access tokens are short-lived signed JWTs (made in ``homeledger.api.security``);
refresh tokens are opaque random strings stored here as SHA-256 hashes, one
*family* per signed-in device. Each refresh returns a new token and marks the
old one used; a used token presented again means it was copied, so the whole
family is revoked and the event audited. The exception is a short grace window
right after rotation, for the app's own requests racing with one token.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from homeledger.models import RefreshToken, RevokedToken, User
from homeledger.models.audit import clean_text
from homeledger.models.types import utcnow
from homeledger.services import audit


class TokenRejected(Exception):
    """A refresh token was refused; ``code`` is the 401 code the client sees."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class IssuedRefreshToken:
    user: User
    token: str
    family_id: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_row(session: Session, user_id: int, family_id: str, device: str | None, lifetime):
    token = secrets.token_urlsafe(48)
    row = RefreshToken(
        user_id=user_id,
        family_id=family_id,
        token_hash=_hash(token),
        device_name=device,
        expires_at=utcnow() + lifetime,
    )
    session.add(row)
    return token, row


def issue(
    session: Session, user: User, *, device_name: str | None, lifetime: timedelta
) -> IssuedRefreshToken:
    """Start a new device family for a user who has just signed in."""
    family_id = str(uuid.uuid4())
    name = clean_text(device_name, 100) if device_name else None
    token, _ = _new_row(session, user.id, family_id, name, lifetime)
    return IssuedRefreshToken(user, token, family_id)


def rotate(
    session: Session,
    token: str,
    *,
    lifetime: timedelta,
    grace: timedelta = timedelta(0),
    ip_address: str | None = None,
) -> IssuedRefreshToken:
    """Exchange a refresh token for a new one in the same family, or raise TokenRejected.

    A token rotated less than ``grace`` ago gets another new token of its family (the
    app's own requests racing); later, it is a replay and the family is revoked.
    """
    try:
        digest = _hash(token)
    except UnicodeEncodeError:  # a lone surrogate cannot be one of our tokens
        raise TokenRejected("token_invalid", "Unknown refresh token.") from None
    row = session.scalars(select(RefreshToken).where(RefreshToken.token_hash == digest)).first()
    if row is None:
        raise TokenRejected("token_invalid", "Unknown refresh token.")
    _active_user(session, row)  # a deactivated account says so, though its tokens are revoked
    if row.revoked_at is not None or _family_revoked(session, row):
        raise TokenRejected("token_revoked", "This sign-in has been revoked.")
    if row.used_at is not None:
        return _repeat(session, row, lifetime=lifetime, grace=grace, ip_address=ip_address)
    if row.expires_at <= utcnow():
        raise TokenRejected("token_expired", "The refresh token has expired; sign in again.")
    user = _active_user(session, row)
    # Claim the token in one conditional UPDATE: of two requests racing with the
    # same token, exactly one wins and rotates it; the others are repeats, judged
    # by when the winner rotated it.
    claimed = session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == row.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(row)  # the winner's rotation time, committed before our UPDATE ran
        return _repeat(session, row, lifetime=lifetime, grace=grace, ip_address=ip_address)
    new_token, new_row = _new_row(session, user.id, row.family_id, row.device_name, lifetime)
    session.flush()
    row.replaced_by_id = new_row.id
    return IssuedRefreshToken(user, new_token, row.family_id)


def _repeat(
    session: Session,
    row: RefreshToken,
    *,
    lifetime: timedelta,
    grace: timedelta,
    ip_address: str | None,
) -> IssuedRefreshToken:
    """A rotated token came back: the app's own racing request, or a copy in other hands.

    Within the grace window the device gets a sibling: a fresh token of the same
    family, not the successor itself, which exists only as a hash. Every token is
    still claimed by exactly one conditional UPDATE; a sibling is a new unclaimed row.
    """
    if row.revoked_at is not None or row.used_at is None:  # revoked while we raced
        raise TokenRejected("token_revoked", "This sign-in has been revoked.")
    since = utcnow() - row.used_at
    if since >= grace:
        _treat_as_stolen(session, row, ip_address)
    user = _active_user(session, row)
    token, _ = _new_row(session, user.id, row.family_id, row.device_name, lifetime)
    audit.record_own(
        session,
        "auth.refresh_grace",
        user.id,
        ip_address=ip_address,
        extra={
            "family": row.family_id,
            "device": row.device_name,
            "seconds_since_rotation": round(since.total_seconds(), 3),
        },
    )
    return IssuedRefreshToken(user, token, row.family_id)


def _active_user(session: Session, row: RefreshToken) -> User:
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise TokenRejected("account_inactive", "This account is deactivated.")
    return user


def _family_revoked(session: Session, row: RefreshToken) -> bool:
    """A family is over once any of its tokens is revoked, even one added concurrently."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    RefreshToken.user_id == row.user_id,
                    RefreshToken.family_id == row.family_id,
                    RefreshToken.revoked_at.is_not(None),
                )
            )
        )
    )


def _treat_as_stolen(session: Session, row: RefreshToken, ip_address: str | None) -> NoReturn:
    """A used token came back: someone holds a copy. Sign the whole device out."""
    revoke_family(session, row.family_id)
    audit.record_own(
        session,
        "auth.refresh_reuse",
        row.user_id,
        ip_address=ip_address,
        outcome="failure",
        extra={"family": row.family_id, "device": row.device_name},
    )
    raise TokenRejected(
        "token_revoked", "This refresh token was already used; the device is signed out."
    )


def sign_out(
    session: Session,
    user_id: int,
    *,
    jti: str,
    family_id: str | None,
    expires_at: datetime,
    ip_address: str | None,
) -> None:
    """Sign one device out: its access token and its refresh-token family; audited."""
    revoke_access_token(session, jti, user_id, expires_at)
    if family_id:
        revoke_family(session, family_id)
    audit.record_own(
        session, "auth.logout", user_id, ip_address=ip_address, extra={"client": "api"}
    )


def revoke_family(session: Session, family_id: str) -> None:
    # Lock the family's rows in id order first: two requests revoking the same family at
    # once (a replay race) then queue instead of deadlocking on PostgreSQL.
    session.execute(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id)
        .order_by(RefreshToken.id)
        .with_for_update()
    ).all()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all(session: Session, user_id: int, *, keep_family: str | None = None) -> None:
    """Sign every device of a user out (password change), except ``keep_family``."""
    statement = update(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
    )
    if keep_family is not None:
        statement = statement.where(RefreshToken.family_id != keep_family)
    session.execute(statement.values(revoked_at=utcnow()))


def revoke_access_token(session: Session, jti: str, user_id: int, expires_at: datetime) -> None:
    if session.get(RevokedToken, jti) is None:
        session.add(
            RevokedToken(jti=jti, user_id=user_id, expires_at=expires_at, revoked_at=utcnow())
        )


def family_revoked(session: Session, family_id: str) -> bool:
    """True once any token of the family was revoked (logout, reuse, password change)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None)
                )
            )
        )
    )


def access_token_state(
    session: Session, user_id: int, jti: str, family_id: str
) -> tuple[User | None, bool]:
    """An access token's user (None if there is no such user) and whether the token was
    revoked (itself at logout, or any token of its family), read in one statement: every
    API request asks."""
    revoked = or_(
        exists().where(RevokedToken.jti == jti),
        exists().where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None)),
    )
    found = session.execute(select(User, revoked).where(User.id == user_id)).first()
    if found is None:
        return None, bool(session.scalar(select(revoked)))
    return found[0], bool(found[1])
