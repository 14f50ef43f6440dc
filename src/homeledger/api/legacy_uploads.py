"""The old desktop file over the API: upload (checked and dry-run), reports, apply.

The same steps as the web's settings page (``web/legacy_upload``), on the same service
(``services.legacy_uploads``): an upload changes nothing in the ledger and keeps the
file with its dry-run report; applying brings it in and keeps that report too. Open
while the first-run wizard is at its ``data`` step.
"""

from __future__ import annotations

from flask import request
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from homeledger.api.errors import error_body
from homeledger.api.ledger_schemas import MoneyField
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import legacy_uploads
from homeledger.services.errors import ValidationError

blp = Blueprint(
    "api_legacy_uploads",
    __name__,
    url_prefix="/legacy-uploads",
    description="Bring in the old desktop app's database file: dry run first, then apply.",
)


class LegacyFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "The old app's SQLite file (`personal_finance.db`), up to 20 MB."},
    )


class TableCountSchema(Schema):
    read = fields.Integer(required=True, metadata={"description": "Rows in the old file."})
    written = fields.Integer(
        required=True, metadata={"description": "Rows added (a dry run: would add)."}
    )
    flagged = fields.Integer(
        required=True, metadata={"description": "Taken in, marked for review."}
    )
    skipped = fields.Integer(required=True, metadata={"description": "Left out."})
    already_present = fields.Integer(
        required=True, metadata={"description": "Already in the ledger."}
    )


class ProblemSchema(Schema):
    table = fields.String(required=True, metadata={"example": "transactions"})
    legacy_id = fields.Raw(required=True, metadata={"description": "The row's id in the old file."})
    value = fields.String(required=True, allow_none=True, metadata={"description": "As written."})
    reason = fields.String(required=True, metadata={"example": "'12,3x' is not an amount"})
    action = fields.String(
        required=True,
        metadata={
            "enum": ["skipped", "flagged"],
            "description": "`skipped`: left out; `flagged`: taken in, marked for review.",
        },
    )


class MigrationReportSchema(Schema):
    """What a migration of the old file read, wrote (or would write), flagged and left out."""

    source = fields.String(required=True, metadata={"description": "The uploaded file's name."})
    sha256 = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    already_migrated = fields.Boolean(
        required=True,
        metadata={"description": "This file was brought in before: nothing new to add."},
    )
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(TableCountSchema),
        required=True,
        metadata={"description": "By table of the old file: transactions, categories, …"},
    )
    problems = fields.List(fields.Nested(ProblemSchema), required=True)
    repairs = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "What was tidied on the way in, and how many rows."},
    )
    income_before = MoneyField(
        required=True, metadata={"description": "Income in the old file (readable, unflagged)."}
    )
    expense_before = MoneyField(required=True, metadata={"description": "Spending, likewise."})
    income_after = MoneyField(
        required=True, metadata={"description": "Income of those rows in the ledger."}
    )
    expense_after = MoneyField(required=True)
    flagged_income = MoneyField(required=True, metadata={"description": "Not in the sums."})
    flagged_expense = MoneyField(required=True)
    sums_match = fields.Boolean(
        required=True, metadata={"description": "Before and after agree to the cent."}
    )
    notes = fields.List(fields.String(), required=True)


class LegacyUploadSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    file_sha256 = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "Bytes."})
    created_at = fields.DateTime(required=True)
    applied_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "Null until applied."}
    )
    transactions_to_write = fields.Integer(
        required=True,
        metadata={"description": "Transactions the dry run says applying adds."},
    )
    dry_run_report = fields.Nested(MigrationReportSchema, required=True)
    applied_report = fields.Nested(
        MigrationReportSchema,
        required=True,
        allow_none=True,
        metadata={"description": "What applying brought in; null until applied."},
    )


def _shown(row) -> dict:
    return {
        "id": row.id,
        "filename": row.filename,
        "file_sha256": row.file_sha256,
        "size": row.size,
        "created_at": row.created_at,
        "applied_at": row.applied_at,
        "transactions_to_write": legacy_uploads.transactions_to_write(row.dry_run_report),
        "dry_run_report": legacy_uploads.shown(row.dry_run_report),
        "applied_report": legacy_uploads.shown(row.applied_report),
    }


@blp.post("")
@documented(blp)
@blp.arguments(LegacyFileSchema, location="files")
@blp.response(201, LegacyUploadSchema)
@blp.alt_response(
    422,
    schema="Error",
    description="`validation_error` on `file`: empty, too large, not an SQLite file, or not "
    "the old app's. Nothing is kept.",
)
def upload(files):
    """Upload the old file: it is checked and its migration dry-run (the ledger does not
    change); the upload is kept with the dry-run report, to apply later."""
    sent = files["file"]
    data = sent.read(legacy_uploads.MAX_UPLOAD_BYTES + 1)
    try:
        row = legacy_uploads.upload(
            db.session, current_user, sent.filename, data, ip_address=request.remote_addr
        )
    except ValidationError as exc:
        db.session.rollback()
        return error_body(422, "The file cannot be brought in.", fields=exc.fields)
    db.session.commit()
    return _shown(row)


@blp.get("")
@documented(blp)
@blp.response(200, LegacyUploadSchema(many=True))
def list_uploads():
    """Your uploads of old files, newest first, with their reports."""
    return [_shown(row) for row in legacy_uploads.list_uploads(db.session)]


@blp.get("/<int:upload_id>")
@documented(blp)
@blp.response(200, LegacyUploadSchema)
def get_upload(upload_id):
    """One upload: its dry-run report, and the applied one once applied."""
    return _shown(legacy_uploads.get(db.session, upload_id))


@blp.post("/<int:upload_id>/apply")
@documented(blp)
@blp.response(200, LegacyUploadSchema)
@blp.alt_response(
    409,
    schema="Error",
    description="`already_applied`: this upload was brought in already (or can no longer "
    "be: upload the file again). Nothing changes.",
)
def apply(upload_id):
    """Bring the upload into the ledger as its dry run said; answers it with the applied
    report. Applying the same upload twice is refused."""
    try:
        row = legacy_uploads.apply(
            db.session, current_user, upload_id, ip_address=request.remote_addr
        )
    except ValidationError as exc:
        db.session.rollback()
        message = str(exc)
        return error_body(409, message[:1].upper() + message[1:] + ".", code="already_applied")
    db.session.commit()
    return _shown(row)
