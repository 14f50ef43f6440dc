"""Importing bank files over the API: preview, commit, list, undo; saved CSV mappings."""

from __future__ import annotations

import json

from flask_smorest import Blueprint

from homeledger.api.errors import error_body
from homeledger.api.import_schemas import (
    ImportBatchSchema,
    ImportErrorSchema,
    ImportOptionsSchema,
    ImportPreviewSchema,
    ImportProfileSchema,
    ImportUploadSchema,
)
from homeledger.api.ledger_schemas import CountSchema
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import import_profiles, imports
from homeledger.services.importing import (
    DATE_FORMAT_LABELS,
    MAX_IMPORT_BYTES,
    ROLE_LABELS,
    BadLines,
    ChoiceNeeded,
    CsvMapping,
    CsvPreview,
    ImportFileError,
)

blp = Blueprint("api_imports", __name__, description="Bring in CSV, OFX/QFX and QIF files.")


def _read_options(form: dict) -> dict:
    """How to read the file, from the query string: a mapping or a saved one, an account."""
    return {
        "mapping": _mapping(form),
        "profile_id": form.get("profile_id"),
        "account": form.get("account"),
    }


class _BadMapping(ImportFileError):
    """The mapping sent is wrong, not the file: named as the `mapping` field."""


def _mapping(form: dict) -> CsvMapping | None:
    """The CSV mapping sent as JSON in the query string, if any."""
    if "mapping" not in form:
        return None
    try:
        raw = json.loads(form["mapping"])
    except (ValueError, RecursionError):
        raise _BadMapping("the mapping is not valid JSON") from None
    if not isinstance(raw, dict):
        raise _BadMapping("the mapping must be a JSON object")
    try:
        return CsvMapping.from_dict(raw)
    except ImportFileError as exc:
        raise _BadMapping(str(exc)) from None


_REFUSED = (
    "The file cannot be imported as sent; `error.code` says what to do next: "
    "`choose_columns`, `choose_date_format`, `mapping_does_not_fit`, `bad_lines`, "
    "or `validation_error`."
)
_SHOWN_BAD_LINES = 100


def csv_layout(preview: CsvPreview) -> dict:
    """A CSV's layout as the phone app needs it to let a person pick the columns."""
    return {
        "encoding": preview.encoding,
        "delimiter": preview.delimiter,
        "has_header": preview.has_header,
        "header_line": preview.header_line,
        "columns": preview.columns,
        "sample_rows": preview.sample_rows,
        "lines_read": preview.lines_read,
        "lines_above": [{"line": line, "text": text} for line, text in preview.lines_above],
        "decimal_separator": preview.decimal_separator,
        "date_format_candidates": preview.date_format_candidates,
        "date_formats": dict(DATE_FORMAT_LABELS),
        "found": preview.found,
        "missing": preview.missing,
        "suggested": preview.suggested.to_dict() if preview.suggested else None,
        "needs": preview.needs,
        "roles": [
            {"name": name, "label": label, "required": name in ("date", "description", "amount")}
            for name, label in ROLE_LABELS.items()
        ],
    }


def _file_error(exc: ImportFileError):
    """422 for a file that cannot be imported as sent, saying what the client can do."""
    if isinstance(exc, ChoiceNeeded):
        return error_body(
            422,
            "Choose how to read this file's columns.",
            code=exc.code,
            fields={"mapping": str(exc)},
            extra={"csv": csv_layout(exc.preview)},
        )
    if isinstance(exc, _BadMapping):
        return error_body(422, "The mapping is not valid.", fields={"mapping": str(exc)})
    if isinstance(exc, BadLines):
        return error_body(
            422,
            "Some lines of the file cannot be read.",
            code="bad_lines",
            fields={"file": str(exc)},
            extra={
                "lines": [p.to_dict() for p in exc.problems[:_SHOWN_BAD_LINES]],
                "bad_line_count": len(exc.problems),
                "can_skip": exc.can_skip,
            },
        )
    return error_body(422, "The file cannot be imported.", fields={"file": str(exc)})


def _upload(files: dict) -> tuple[str, bytes]:
    upload = files["file"]
    return upload.filename or "upload", upload.read(MAX_IMPORT_BYTES + 1)


@blp.post("/imports/preview")
@documented(blp)
@blp.arguments(ImportUploadSchema, location="files")
@blp.arguments(ImportOptionsSchema, location="query")
@blp.response(200, ImportPreviewSchema)
@blp.alt_response(422, schema=ImportErrorSchema, description=_REFUSED)
def preview(files, form):
    """What importing the file would do: rows, duplicates, totals, the lines that cannot
    be read, the CSV mapping used and the file's layout. Writes nothing.

    A CSV whose columns or date format cannot be guessed is answered 422 with
    `code` `choose_columns` or `choose_date_format` and `csv`: the columns, the
    first rows as written, delimiter, encoding, decimal separator and candidate
    date orders. Send the mapping built from them as `mapping` and preview again."""
    filename, data = _upload(files)
    try:
        plan = imports.plan(db.session, filename, data, **_read_options(form))
    except ImportFileError as exc:
        return _file_error(exc)
    return {
        "format": plan.format,
        "lines_read": plan.lines_read,
        "bad_line_count": len(plan.problems),
        "bad_lines": [p.to_dict() for p in plan.problems[:_SHOWN_BAD_LINES]],
        "csv": csv_layout(plan.csv) if plan.csv else None,
        "row_count": len(plan.rows),
        "new_count": len(plan.new_rows),
        "duplicate_count": plan.duplicate_count,
        "income": plan.income,
        "spending": plan.spending,
        "new_categories": plan.new_categories,
        "new_owners": plan.new_owners,
        "headers": plan.csv.columns if plan.csv else None,
        "mapping": plan.mapping.to_dict() if plan.mapping else None,
        "date_format_candidates": plan.csv.date_format_candidates if plan.csv else None,
        "rows": [
            {
                "line": p.row.line,
                "date": p.row.date,
                "description": p.row.description,
                "amount": p.row.amount,
                "duplicate": p.duplicate,
                "category": p.category_name,
                "owner": p.owner_name,
            }
            for p in plan.rows[:100]
        ],
        "skipped_rules": plan.skipped_rules,
    }


@blp.post("/imports")
@documented(blp)
@blp.arguments(ImportUploadSchema, location="files")
@blp.arguments(ImportOptionsSchema, location="query")
@blp.response(201, ImportBatchSchema)
@blp.alt_response(422, schema=ImportErrorSchema, description=_REFUSED)
def commit(files, form):
    """Import the file's new rows as one batch, all or nothing; duplicates are left out.

    A file with lines that cannot be read is refused (`bad_lines`, naming them all)
    unless `skip_bad_lines` is true; the batch then lists them in `skipped_lines`."""
    filename, data = _upload(files)
    try:
        batch = imports.commit(
            db.session,
            filename,
            data,
            **_read_options(form),
            save_mapping_as=form.get("save_profile_as"),
            skip_bad_lines=form["skip_bad_lines"],
        )
    except ImportFileError as exc:
        db.session.rollback()
        return _file_error(exc)
    db.session.commit()
    return batch


@blp.get("/imports")
@documented(blp)
@blp.response(200, ImportBatchSchema(many=True))
def list_batches():
    """The latest imports, newest first, undone ones included."""
    return imports.list_batches(db.session)


@blp.post("/imports/<int:batch_id>/undo")
@documented(blp)
@blp.response(200, CountSchema)
def undo(batch_id):
    """Remove every transaction the import added."""
    removed = imports.undo(db.session, batch_id)
    db.session.commit()
    return {"changed": removed}


@blp.get("/import-profiles")
@documented(blp)
@blp.response(200, ImportProfileSchema(many=True))
def list_profiles():
    """Saved CSV column mappings, one per bank."""
    return import_profiles.list_profiles(db.session)


@blp.post("/import-profiles")
@documented(blp)
@blp.arguments(ImportProfileSchema)
@blp.response(201, ImportProfileSchema)
def save_profile(body):
    """Save (or replace) a CSV column mapping under a name."""
    try:
        mapping = CsvMapping.from_dict(body["mapping"])
    except ImportFileError as exc:
        return error_body(422, "The mapping is not valid.", fields={"mapping": str(exc)})
    profile = import_profiles.save_profile(db.session, body["name"], mapping)
    db.session.commit()
    return profile


@blp.delete("/import-profiles/<int:profile_id>")
@documented(blp)
@blp.response(204)
def delete_profile(profile_id):
    """Forget a saved mapping."""
    import_profiles.delete_profile(db.session, profile_id)
    db.session.commit()
