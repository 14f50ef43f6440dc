"""Writing the audit log: one entry per security or administrative event (see AuditLog.entry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from homeledger.models import AuditLog


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    actor_name: str | None = None,
    ledger_user_id: int | None = None,
    outcome: str = "success",
    ip_address: str | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit entry to the session (committed with the caller's transaction)."""
    entry = AuditLog.entry(
        action,
        actor_id=actor_id,
        actor_name=actor_name,
        ledger_user_id=ledger_user_id,
        outcome=outcome,
        ip_address=ip_address,
        extra=extra,
    )
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
