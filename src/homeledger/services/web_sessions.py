"""Signed-in browsers, recorded server-side so that signing out really signs out."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homeledger.models import User, WebSession
from homeledger.models.audit import clean_text
from homeledger.models.types import utcnow
from homeledger.services import audit

# last_seen_at is written at most this often, so reading a page is not a write each time.
_TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session,
    user: User,
    *,
    lifetime: timedelta,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> str:
    """Record a new signed-in browser; returns the token its cookie will carry."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=token_hash(token),
            last_seen_at=now,
            expires_at=now + lifetime,
            ip_address=ip_address,
            user_agent=clean_text(user_agent, 200) if user_agent else None,
        )
    )
    return token


def resume(session: Session, token: str, *, idle_timeout: timedelta) -> User | None:
    """The user of a live browser session, or None if it was revoked, expired or idle too long."""
    # The session and its user in one statement; session.get below finds the user loaded.
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash(token))
    ).first()
    row = found[0] if found is not None else None
    now = utcnow()
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + idle_timeout <= now
    ):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    return user


def owner_deactivated(session: Session, token: str) -> bool:
    """Whether this browser session's user is deactivated (why it no longer works)."""
    user_id = session.scalar(
        select(WebSession.user_id).where(WebSession.token_hash == token_hash(token))
    )
    user = session.get(User, user_id) if user_id is not None else None
    return user is not None and not user.is_active


def sign_out(session: Session, token: str, user_id: int, *, ip_address: str | None) -> None:
    """Sign one browser out for good (its cookie no longer works even if copied); audited."""
    end(session, token)
    audit.record_own(
        session, "auth.logout", user_id, ip_address=ip_address, extra={"client": "web"}
    )


def end(session: Session, token: str) -> None:
    """Revoke one browser session."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_all(session: Session, user_id: int, *, keep_token: str | None = None) -> None:
    """Sign every browser of a user out, except the one given (the one making the change)."""
    statement = update(WebSession).where(
        WebSession.user_id == user_id, WebSession.revoked_at.is_(None)
    )
    if keep_token is not None:
        statement = statement.where(WebSession.token_hash != token_hash(keep_token))
    session.execute(statement.values(revoked_at=utcnow()))
