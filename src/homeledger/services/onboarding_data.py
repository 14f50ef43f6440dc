"""The wizard's data step: how the person gets their data in, and what the ledger holds.

Four choices. ``import``: a CSV, OFX or QIF file through the import pages or endpoints
(open once the wizard has reached this step); ``legacy``: the old desktop file, uploaded,
dry-run and applied (``services.legacy_uploads``); ``sample``: the demo household,
two years of it, in the person's own currency and budgeting month; ``empty``: nothing.
Saving ``import`` or ``legacy`` only checks that the ledger holds what that choice
brought; the choice itself is not stored but read back from the ledger (``chosen``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from homeledger.models import ImportBatch, LegacyUpload, Transaction, User
from homeledger.services import onboarding
from homeledger.services.errors import ValidationError

CHOICES = ("import", "legacy", "sample", "empty")
FILE_SOURCES = ("csv", "ofx", "qif")  # an import of a bank file (not the demo, not an old file)
# The choice each kind of batch stands for, when reading the choice back from the ledger.
_CHOICE_OF_SOURCE = {**dict.fromkeys(FILE_SOURCES, "import"), "legacy": "legacy", "demo": "sample"}
_PAST_DATA = (
    *onboarding.STEPS[onboarding.STEPS.index("data") + 1 :],
    onboarding.COMPLETE,
    onboarding.DONE,
)


@dataclass(frozen=True)
class LedgerHolds:
    """What the acting ledger holds now, for the step's page and its GET."""

    transactions: int
    first_date: date | None
    last_date: date | None
    imports: int  # bank files imported and not undone
    legacy_uploads_applied: int


def holds(session: Session) -> LedgerHolds:
    """Counts and dates of the acting ledger's transactions, imports and old-file uploads."""
    count, first, last = onboarding.transaction_span(session)
    imports = session.scalar(
        select(func.count(ImportBatch.id)).where(
            ImportBatch.source.in_(FILE_SOURCES), ImportBatch.undone_at.is_(None)
        )
    )
    applied = session.scalar(
        select(func.count(LegacyUpload.id)).where(LegacyUpload.applied_at.is_not(None))
    )
    return LedgerHolds(count, first, last, imports or 0, applied or 0)


def chosen(session: Session, user: User) -> str | None:
    """The choice the ledger shows was made: what brought its latest batch of rows still
    there (an import, an old file, the sample), ``empty`` when the step was saved with
    nothing brought in, None when it was not saved yet."""
    source = session.scalar(
        select(ImportBatch.source)
        .where(ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(1)
    )
    if source in _CHOICE_OF_SOURCE:
        return _CHOICE_OF_SOURCE[source]
    return "empty" if onboarding.resume_point(user) in _PAST_DATA else None


def _imported(session: Session) -> bool:
    """Whether a bank file's import has put transactions in that are still there."""
    query = exists().where(
        Transaction.import_batch_id == ImportBatch.id,
        ImportBatch.source.in_(FILE_SOURCES),
        ImportBatch.undone_at.is_(None),
    )
    return session.scalar(select(query)) or False


def _applied_old_file(session: Session) -> bool:
    query = exists().where(LegacyUpload.applied_at.is_not(None))
    return session.scalar(select(query)) or False


def save(
    session: Session,
    choice: object,
    *,
    today: date,
    load_sample: Callable[[Session, date], None],
) -> None:
    """Save the step with ``choice`` in the acting ledger: check that an import or an old
    file brought data in, load the sample household (``load_sample``: the demo's, which
    sits above the services), or nothing for ``empty``.
    ValidationError on ``choice`` otherwise; nothing is written then. Flushes only."""
    if choice not in CHOICES:
        raise ValidationError({"choice": f"choose one of {', '.join(CHOICES)}"})
    if choice == "import" and not _imported(session):
        raise ValidationError({"choice": "import a file first"})
    if choice == "legacy" and not _applied_old_file(session):
        raise ValidationError({"choice": "upload your old desktop file and apply it first"})
    if choice == "sample":
        if onboarding.already_has(session, "data"):
            raise ValidationError({"choice": "the ledger already has transactions"})
        load_sample(session, today)
