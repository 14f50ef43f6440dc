"""The signed-in user's own data: export it, import an export back, delete it all."""

from __future__ import annotations

from datetime import date

from flask import Response, request, stream_with_context
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from homeledger.api.errors import error_body
from homeledger.api.ledger_schemas import StrictBoolean
from homeledger.api.security import own_documented
from homeledger.extensions import db
from homeledger.services import ledger_delete, ledger_export, ledger_import
from homeledger.services.errors import ValidationError
from homeledger.services.ledger_export import FORMAT, FORMAT_VERSION
from homeledger.services.ledger_tables import ledger_tables

blp = Blueprint(
    "api_me_data",
    __name__,
    url_prefix="/me",
    description="Your own data: download it, import an export into a new account, delete it.",
)

_TABLES = ", ".join(f"`{table.name}`" for table in ledger_tables())
_COUNTS = {"description": f"Rows per table: {_TABLES}.", "example": {"transactions": 1204}}
_EXPORT = (
    f'JSON (`format=json`): `{{"format": "{FORMAT}", "format_version": {FORMAT_VERSION}, '
    '"exported_at", "account": {"username", "display_name", "email"}, "tables": {"<table>": '
    "[rows]}}`, every ledger table, rows with their ids, money as strings. CSV "
    "(`format=csv`): one line per transaction, oldest first, with a header line."
)


class ExportQuery(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(ledger_export.FORMATS),
        metadata={"description": "`json`: the whole ledger; `csv`: the transactions."},
    )


class ExportFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "A file from GET /api/v1/me/export (JSON), up to 100 MB."},
    )


class ImportedSchema(Schema):
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True, metadata=_COUNTS
    )
    total = fields.Integer(required=True)
    exported_by = fields.String(allow_none=True, metadata={"description": "The file's account."})
    exported_at = fields.String(allow_none=True)


class DeleteDataRequest(Schema):
    confirm = fields.String(
        required=True,
        validate=validate.Length(max=200),
        metadata={"description": "Your username, exactly: the deletion's confirmation."},
    )
    delete_account = StrictBoolean(
        load_default=False,
        metadata={
            "description": "Delete the account too: every device and browser is signed out "
            "and the account is gone. Without it, the ledger starts afresh."
        },
    )


class DeletedSchema(Schema):
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True, metadata=_COUNTS
    )
    total = fields.Integer(required=True)
    account_deleted = fields.Boolean(required=True)


_DOWNLOAD = {
    "200": {
        "description": _EXPORT,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
        "headers": {
            "Content-Disposition": {
                "description": "`attachment; filename=homeledger-<username>-<date>.json`",
                "schema": {"type": "string"},
            }
        },
    }
}


@blp.get("/export")
@own_documented(blp)
@blp.arguments(ExportQuery, location="query")
@blp.doc(responses=_DOWNLOAD)
def export(query):
    """Download everything the ledger holds as one JSON document (or the transactions as
    CSV), streamed as it is read. Audited (`data.export`). The JSON file imports back
    into a new, empty account with POST /api/v1/me/import."""
    download = ledger_export.start_download(
        db.session,
        current_user,
        query["format"],
        today=date.today(),
        ip_address=request.remote_addr,
    )
    db.session.commit()  # the audit entry; the chunks are read with a session of their own
    return Response(
        stream_with_context(download.chunks),
        mimetype=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@blp.url_value_preprocessor
def allow_a_large_export_file(endpoint, values) -> None:
    if endpoint == "api_me_data.import_export":
        request.max_content_length = ledger_import.MAX_FILE_BYTES + 1024 * 1024


@blp.post("/import")
@own_documented(blp)
@blp.arguments(ExportFileSchema, location="files")
@blp.response(201, ImportedSchema)
@blp.alt_response(
    409,
    schema="Error",
    description="`not_empty`: the account already holds data; import into a new account.",
)
@blp.alt_response(
    422,
    schema="Error",
    description="`wrong_format` (not an export, or a `format_version` this server does not "
    "read) or `damaged_file` (not JSON, a bad value: the message names table and column, "
    "or a reference to a row not in the file). `fields.file` says which.",
)
def import_export(files):
    """Load an export file (multipart field `file`) into this account, which must be new
    and empty (its settings and standard categories are replaced). Every row comes in
    with new ids, references renumbered, in one transaction: a refusal writes nothing."""
    try:
        result = ledger_import.import_ledger(
            db.session, current_user, files["file"].read(), ip_address=request.remote_addr
        )
    except ledger_import.ImportRefused as exc:
        db.session.rollback()
        ledger_import.record_refusal(db.session, current_user, exc, ip_address=request.remote_addr)
        db.session.commit()
        status = 409 if isinstance(exc, ledger_import.NotEmpty) else 422
        return error_body(status, str(exc), code=exc.code, fields={"file": str(exc)})
    db.session.commit()
    return result


@blp.post("/delete-data")
@own_documented(blp)
@blp.arguments(DeleteDataRequest)
@blp.response(200, DeletedSchema)
def delete_data(body):
    """Delete every row of the ledger, in one transaction; the account starts afresh as a
    new one, or, with `delete_account`, is deleted too (this token then stops working).
    `confirm` must be your username, or nothing is deleted (422 on `confirm`)."""
    try:
        result = ledger_delete.delete_all(
            db.session,
            current_user,
            confirm=body["confirm"],
            delete_account=body["delete_account"],
            ip_address=request.remote_addr,
        )
    except ValidationError as exc:
        db.session.rollback()
        return error_body(422, "Nothing was deleted.", fields=exc.fields)
    db.session.commit()
    return result
