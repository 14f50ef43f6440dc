"""Writing the audit log safely: no secrets, no forged lines."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from homeledger.models import AuditLog

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
    entry = AuditLog(
        action=action,
        actor_id=actor_id,
        actor_name=clean_text(actor_name, 64) if actor_name else None,
        ledger_user_id=ledger_user_id,
        outcome=outcome,
        ip_address=clean_text(ip_address, 45) if ip_address else None,
        extra_data=_clean(extra) if extra else None,
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
