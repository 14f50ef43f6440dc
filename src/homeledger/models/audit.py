"""The audit log: who did what, when, from where, and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base
from homeledger.models.types import UTCDateTime, utcnow


class AuditLog(Base):
    """One security or administrative event. Rows are only ever appended.

    ``actor_id`` is who acted; ``ledger_user_id`` is whose data it touched.
    They differ for admin actions and, later, for people sharing a ledger.
    """

    __tablename__ = "audit_logs"
    __table_args__ = (
        Index(None, "created_at"),
        Index(None, "actor_id", "created_at"),
        Index(None, "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ledger_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The name given at the time, kept even if the account is later deleted
    # (and for failed logins with unknown usernames).
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    ip_address: Mapped[str | None] = mapped_column(String(45))
    extra_data: Mapped[dict | None] = mapped_column(JSON)
