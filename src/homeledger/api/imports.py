"""Importing bank files over the API: preview, commit, list, undo; saved CSV mappings."""

from __future__ import annotations

import json

from flask_smorest import Blueprint

from homeledger.api.errors import error_body
from homeledger.api.ledger_schemas import (
    CountSchema,
    ImportBatchSchema,
    ImportOptionsSchema,
    ImportPreviewSchema,
    ImportProfileSchema,
    ImportUploadSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import imports
from homeledger.services.importing import CsvMapping, ImportFileError

blp = Blueprint("api_imports", __name__, description="Bring in CSV, OFX/QFX and QIF files.")


def _read_options(form: dict) -> dict:
    """How to read the file, from the query string: a mapping or a saved one, an account."""
    return {
        "mapping": _mapping(form),
        "profile_id": form.get("profile_id"),
        "account": form.get("account"),
    }


def _mapping(form: dict) -> CsvMapping | None:
    """The CSV mapping sent as JSON in the query string, if any."""
    if "mapping" not in form:
        return None
    try:
        raw = json.loads(form["mapping"])
    except (ValueError, RecursionError):
        raise ImportFileError("the mapping is not valid JSON") from None
    if not isinstance(raw, dict):
        raise ImportFileError("the mapping must be a JSON object")
    return CsvMapping.from_dict(raw)


def _file_error(exc: ImportFileError):
    return error_body(422, "The file cannot be imported.", fields={"file": str(exc)})


def _upload(files: dict) -> tuple[str, bytes]:
    upload = files["file"]
    return upload.filename or "upload", upload.read(imports.MAX_IMPORT_BYTES + 1)


@blp.post("/imports/preview")
@documented(blp)
@blp.arguments(ImportUploadSchema, location="files")
@blp.arguments(ImportOptionsSchema, location="query")
@blp.response(200, ImportPreviewSchema)
def preview(files, form):
    """What importing the file would do: rows, duplicates, totals, the CSV mapping used.
    Writes nothing. 422 names the problem and the line of a bad file."""
    filename, data = _upload(files)
    try:
        plan = imports.plan(db.session, filename, data, **_read_options(form))
    except ImportFileError as exc:
        return _file_error(exc)
    return {
        "format": plan.format,
        "row_count": len(plan.rows),
        "new_count": len(plan.new_rows),
        "duplicate_count": plan.duplicate_count,
        "income": plan.income,
        "spending": plan.spending,
        "new_categories": plan.new_categories,
        "new_owners": plan.new_owners,
        "headers": plan.csv.headers if plan.csv else None,
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
def commit(files, form):
    """Import the file's new rows as one batch, all or nothing; duplicates are left out."""
    filename, data = _upload(files)
    try:
        batch = imports.commit(
            db.session,
            filename,
            data,
            **_read_options(form),
            save_mapping_as=form.get("save_profile_as"),
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
    return imports.list_profiles(db.session)


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
    profile = imports.save_profile(db.session, body["name"], mapping)
    db.session.commit()
    return profile


@blp.delete("/import-profiles/<int:profile_id>")
@documented(blp)
@blp.response(204)
def delete_profile(profile_id):
    """Forget a saved mapping."""
    imports.delete_profile(db.session, profile_id)
    db.session.commit()
