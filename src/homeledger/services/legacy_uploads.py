"""The old desktop database brought in from the web: checked and dry-run first, applied later.

The same migration as ``homeledger migrate-legacy`` (``services.legacy``). An
upload is checked (an SQLite file of the old app's schema), migrated with
``dry_run=True`` and kept as a ``LegacyUpload`` row with its report and its
bytes, so "apply" can be answered by any worker; applying migrates the kept
bytes for real, keeps that report too and drops the bytes. Both reports stay
readable afterwards. ``LegacySource`` reads a path, so the bytes are written to
a private temporary folder, under the uploaded file's name (which the
migration records on its import batch), and removed as soon as it is read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from homeledger import tenancy
from homeledger.models import LegacyUpload, User
from homeledger.models.base import MAX_ID
from homeledger.models.types import utcnow
from homeledger.services import audit
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.legacy import LegacyFileError, LegacySource, migrate
from homeledger.services.legacy.report import MONEY_FIELDS

# The web's request limit (MAX_CONTENT_LENGTH, 20 MB) stops larger uploads first; this
# keeps any other caller to the same size. The old app's file of 7,000 rows is about 1 MB.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _safe_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder, printable, at most 255 characters."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())[:255].strip()
    return name if name not in ("", ".", "..") else "personal_finance.db"


@contextmanager
def _opened(data: bytes, filename: str) -> Iterator[LegacySource]:
    """The bytes as a checked LegacySource; ValidationError on ``file`` when they are not one."""
    with tempfile.TemporaryDirectory(prefix="homeledger-legacy-") as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        try:
            source = LegacySource(path)
        except LegacyFileError as exc:
            raise ValidationError({"file": str(exc)}) from None
        with source:
            yield source


def upload(
    session: Session, user: User, filename: str | None, data: bytes, *, ip_address=None
) -> LegacyUpload:
    """Check the file and dry-run its migration into ``user``'s (the acting) ledger.

    Nothing of the ledger changes; the upload is kept with its dry-run report.
    ValidationError on ``file`` for an empty, too large, non-SQLite or foreign file.
    """
    name = _safe_name(filename)
    if not data:
        raise ValidationError({"file": "the file is empty"})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB"})
    with _opened(data, name) as source:
        report = migrate(session, source, username=user.username, dry_run=True)
        sha256 = source.sha256
    report.source = name
    row = LegacyUpload(
        filename=name,
        file_sha256=sha256,
        size=len(data),
        data=data,
        dry_run_report=report.to_dict(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "legacy.upload",
        actor_id=user.id,
        ledger_user_id=tenancy.current_ledger(session),  # a member's: the shared ledger
        ip_address=ip_address,
        extra={"upload_id": row.id, "filename": name, "size": len(data), "sha256": sha256},
    )
    return row


def apply(session: Session, user: User, upload_id: object, *, ip_address=None) -> LegacyUpload:
    """Migrate a kept upload for real; its report is kept and its bytes dropped.

    NotFound for an id that is not this ledger's upload; ValidationError when it
    was applied already (the migration would add nothing a second time anyway).
    """
    row = _fetch(session, upload_id, lock=True, with_data=True)
    if row.applied_at is not None or row.data is None:
        raise ValidationError(
            f"{row.filename} was already brought in on {row.applied_at:%Y-%m-%d}; "
            "applying it again would add nothing"
            if row.applied_at
            else f"{row.filename} can no longer be applied: upload it again"
        )
    with _opened(row.data, row.filename) as source:
        report = migrate(session, source, username=user.username)
    report.source = row.filename
    row.applied_report = report.to_dict()
    row.applied_at = utcnow()
    row.data = None
    session.flush()
    written = report.count("transactions").written
    audit.record(
        session,
        "legacy.apply",
        actor_id=user.id,
        ledger_user_id=tenancy.current_ledger(session),
        ip_address=ip_address,
        extra={"upload_id": row.id, "filename": row.filename, "transactions": written},
    )
    return row


def get(session: Session, upload_id: object) -> LegacyUpload:
    """One of the acting ledger's uploads (without its bytes); NotFound otherwise."""
    return _fetch(session, upload_id)


def list_uploads(session: Session) -> list[LegacyUpload]:
    """The acting ledger's uploads, newest first, without their bytes."""
    return list(
        session.scalars(
            select(LegacyUpload)
            .options(defer(LegacyUpload.data))
            .order_by(LegacyUpload.created_at.desc(), LegacyUpload.id.desc())
        )
    )


def _fetch(session: Session, upload_id: object, *, lock=False, with_data=False) -> LegacyUpload:
    found = None
    if isinstance(upload_id, int) and not isinstance(upload_id, bool) and 0 < upload_id <= MAX_ID:
        query = select(LegacyUpload).where(LegacyUpload.id == upload_id)
        if not with_data:
            query = query.options(defer(LegacyUpload.data))
        if lock:
            query = query.with_for_update()
        found = session.scalars(query).first()
    if found is None:
        raise NotFound("no such upload of an old desktop file")
    return found


def shown(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored report (JSON: money as strings) with its money as Decimal, for a page."""
    if report is None:
        return None
    return {**report, **{key: Decimal(report.get(key) or "0") for key in MONEY_FIELDS}}


def transactions_to_write(report: dict[str, Any]) -> int:
    """How many transactions a dry-run report says applying would add."""
    return int(report.get("counts", {}).get("transactions", {}).get("written", 0))
