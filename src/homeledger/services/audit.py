"""Writing the audit log: one entry per security or administrative event (see AuditLog.entry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from homeledger.models import AuditLog


def record(session: Session, action: str, **details: Any) -> AuditLog:
    """Append one audit entry to the session (committed with the caller's transaction).

    ``details`` are AuditLog.entry's: actor_id, actor_name, ledger_user_id,
    outcome, ip_address, extra.
    """
    entry = AuditLog.entry(action, **details)
    session.add(entry)
    return entry


def record_own(
    session: Session,
    action: str,
    user_id: int,
    *,
    ip_address: str | None = None,
    outcome: str = "success",
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    """An event people cause on their own account: they act, and it is their ledger."""
    return record(
        session,
        action,
        actor_id=user_id,
        ledger_user_id=user_id,
        ip_address=ip_address,
        outcome=outcome,
        extra=extra,
    )
