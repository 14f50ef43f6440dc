"""Sign-in state kept on the server: refresh and revoked tokens, browser sessions, invites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base, Timestamped
from homeledger.models.types import UTCDateTime


class RefreshToken(Timestamped, Base):
    """One refresh token of one device, stored as a hash.

    Rotation issues a new row in the same ``family_id`` and marks the old one
    used (``used_at`` is when it was rotated, ``replaced_by_id`` its successor).
    Presenting a used token again within the grace window adds a sibling row to
    the family; later, it revokes the whole family. Not a ledger row: it is
    looked up by hash before anyone is signed in.
    """

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index(None, "user_id", "family_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[str] = mapped_column(String(36))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_name: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("refresh_tokens.id", ondelete="SET NULL")
    )


class RevokedToken(Base):
    """An access token (by its ``jti``) that must not be accepted before it expires."""

    __tablename__ = "revoked_tokens"
    __table_args__ = (Index(None, "expires_at"),)

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSession(Timestamped, Base):
    """One signed-in browser. The cookie carries a random token; only its hash is stored.

    Logging out, changing the password or deactivating the account revokes
    rows here, so a copied cookie stops working on the very next request.
    """

    __tablename__ = "web_sessions"
    __table_args__ = (Index(None, "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


INVITE_KINDS = ("link", "password")


class Invite(Timestamped, Base):
    """A one-time way in for an account an admin created or reset.

    ``link``: the person opens ``/invite/<token>`` and chooses a password; only
    the token's hash is stored. ``password``: the admin was shown a temporary
    password once (its hash is the user's ``password_hash``, with
    ``must_change_password``); this row says until when it may be used.
    Either is single use (``used_at``) and expires (``expires_at``); issuing a
    new invite revokes the user's earlier ones (``revoked_at``).
    """

    __tablename__ = "invites"
    __table_args__ = (
        CheckConstraint("kind IN ('link', 'password')", name="kind"),
        Index(None, "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
