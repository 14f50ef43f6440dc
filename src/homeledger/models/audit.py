"""The audit log: who did what, when, from where, and how it ended."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from homeledger.models.base import Base
from homeledger.models.types import UTCDateTime, utcnow

# Keys whose values are never stored, whatever a caller passes.
_SECRET_KEY = re.compile(r"pass(word)?|secret|token|hash|authorization|cookie", re.IGNORECASE)
# C0 and C1 controls (newlines, escape sequences) and Unicode line separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MAX_TEXT = 500


def clean_text(value: str, limit: int = _MAX_TEXT) -> str:
    """Make user-supplied text safe to log: control characters (newlines too) shown escaped."""
    cleaned = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return cleaned[:limit]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {
            clean_text(str(k), 64): ("[redacted]" if _SECRET_KEY.search(str(k)) else _clean(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return clean_text(str(value))


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
        Index(None, "ledger_user_id", "created_at"),
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

    @classmethod
    def entry(
        cls,
        action: str,
        *,
        actor_id: int | None = None,
        actor_name: str | None = None,
        ledger_user_id: int | None = None,
        outcome: str = "success",
        ip_address: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> AuditLog:
        """A new entry, safe to store: no secrets, and no control characters to forge lines.

        Every writer builds entries this way: the services through ``services.audit``,
        and ``tenancy.unscoped``, which sits below the services.
        """
        return cls(
            action=action,
            actor_id=actor_id,
            actor_name=clean_text(actor_name, 64) if actor_name else None,
            ledger_user_id=ledger_user_id,
            outcome=outcome,
            ip_address=clean_text(ip_address, 45) if ip_address else None,
            extra_data=_clean(extra) if extra else None,
        )
