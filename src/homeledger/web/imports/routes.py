"""Import pages: upload, preview with column mapping, commit, batches list, undo.

The uploaded bytes travel inside the preview form (base64 in a hidden field), so
nothing is kept on the server between preview and commit: any worker can answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import imports
from homeledger.services.errors import ValidationError
from homeledger.services.importing import CsvMapping, ImportFileError, detect_format, sniff_csv
from homeledger.web.forms import flash_skipped_rules, id_choices, options, sentence, show_errors
from homeledger.web.imports.forms import (
    COLUMN_ROLES,
    PreviewForm,
    UploadForm,
    date_format_choices,
)

bp = Blueprint("imports", __name__, url_prefix="/imports")

PREVIEW_ROWS = 100
# Base64 of the largest accepted file, and room for the other fields.
_CARRIED_FORM_BYTES = (imports.MAX_IMPORT_BYTES * 4) // 3 + 1024 * 1024


@bp.url_value_preprocessor
def allow_the_carried_file(endpoint, values) -> None:
    """Lift Werkzeug's 500 kB form-field limit for the form that carries the file back.

    A URL value preprocessor runs before every before_request hook, so the limit
    is in place before CSRF protection first reads the form.
    """
    if endpoint == "imports.preview":
        request.max_form_memory_size = _CARRIED_FORM_BYTES


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.profile.choices = id_choices(imports.list_profiles(db.session), "Guess from the file")
    return form


def _render_upload(form: UploadForm, status: int = 200):
    return render_template("imports/upload.html", form=form), status


def _read(filename: str, data: bytes, mapping: CsvMapping | None, account: str | None):
    """(plan, csv preview, problem): the plan when the file reads; else a CSV's look and why.

    Neither plan nor preview means the file cannot be read at all.
    """
    try:
        plan = imports.plan(db.session, filename, data, mapping=mapping, account=account)
        return plan, plan.csv, None
    except ImportFileError as exc:
        problem = sentence(str(exc))
    try:
        csv = sniff_csv(data) if detect_format(filename, data) == "csv" else None
    except ImportFileError:
        csv = None
    return None, csv, problem


@bp.route("", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a bank file; a good one answers with its preview (nothing is written yet).

    400 naming the problem (and line) when the file cannot be read, or the
    chosen saved mapping does not fit it; 404 for a saved mapping of another ledger.
    """
    form = _upload_form()
    if not form.validate_on_submit():
        return _render_upload(form, 400 if form.errors else 200)
    data, filename = form.file.data.read(), form.file.data.filename or "upload"
    mapping = None
    if form.profile.data:
        try:
            mapping = imports.profile_mapping(db.session, int(form.profile.data))
        except ImportFileError as exc:
            form.profile.errors = [sentence(str(exc))]
            return _render_upload(form, 400)
    account = form.account.data or None
    plan, csv, problem = _read(filename, data, mapping, account)
    if plan is None and csv is None:
        form.file.errors = [problem]
        return _render_upload(form, 400)
    preview_form = PreviewForm(
        formdata=None,
        file_data=base64.urlsafe_b64encode(data).decode(),
        filename=filename,
        account=account,
    )
    status = 200
    if plan is not None:
        _fill_mapping(preview_form, plan.mapping)
    else:
        _fill_mapping(preview_form, mapping or csv.suggested)
        if mapping is None and len(csv.date_format_candidates) > 1:
            preview_form.date_format.data = ""  # a guess would silently swap days and months
        # A choice the file cannot make for us is the next step, not a mistake.
        if mapping is not None or not (
            csv.suggested is None or len(csv.date_format_candidates) > 1
        ):
            status = 400
    return _render_preview(preview_form, plan, csv, problem, status)


def _mapping_from(form: PreviewForm) -> CsvMapping:
    values = {role: getattr(form, f"col_{role}").data or None for role in COLUMN_ROLES}
    return CsvMapping(
        **values, date_format=form.date_format.data, decimal_separator=form.decimal_separator.data
    )


def _fill_mapping(form: PreviewForm, mapping: CsvMapping | None) -> None:
    if mapping is None:
        return
    for role in COLUMN_ROLES:
        getattr(form, f"col_{role}").data = getattr(mapping, role) or ""
    form.date_format.data = mapping.date_format
    form.decimal_separator.data = mapping.decimal_separator


def _set_choices(form: PreviewForm, csv) -> None:
    headers = csv.headers if csv is not None else []
    for column in form.columns():
        column.choices = options([("", "— none —")] + [(h, h) for h in headers])
    form.date_format.choices = date_format_choices(csv.date_format_candidates if csv else [])


def _render_preview(form: PreviewForm, plan, csv, problem: str | None, status: int):
    _set_choices(form, csv)
    form.previewed.data = json.dumps(plan.mapping.to_dict()) if plan and plan.mapping else ""
    return render_template(
        "imports/preview.html",
        form=form,
        plan=plan,
        csv=csv,
        rows=plan.rows[:PREVIEW_ROWS] if plan else [],
        preview_rows=PREVIEW_ROWS,
        problem=problem,
        prompt=status == 200,  # a choice to make, not a mistake
    ), status


def _carried_file(form: PreviewForm) -> bytes | None:
    try:
        return base64.b64decode(form.file_data.data or "", altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """Re-read the carried file with the chosen mapping, or (confirm) import it.

    Import redirects to the import list; 400 naming the problem when the
    mapping or the file is wrong, with nothing written.
    """
    form = PreviewForm()
    data, filename = _carried_file(form), form.filename.data or "upload"
    try:
        csv = sniff_csv(data) if data and detect_format(filename, data) == "csv" else None
    except ImportFileError:
        csv = None  # reading it below names the problem
    _set_choices(form, csv)
    if not data or not form.validate_on_submit():
        if not data:
            upload_form = _upload_form()
            upload_form.file.errors = ["The file did not come through; upload it again."]
            return _render_upload(upload_form, 400)
        return _render_preview(form, None, csv, None, 400)
    mapping = None
    if csv is not None:
        if not form.date_format.data:
            form.date_format.errors = ["Choose how this file writes its dates."]
            return _render_preview(form, None, csv, None, 400)
        try:
            mapping = _mapping_from(form)
        except ImportFileError as exc:
            return _render_preview(form, None, csv, sentence(str(exc)), 400)
        if form.confirm.data and form.previewed.data != json.dumps(mapping.to_dict()):
            # The rows on screen were read another way: show these first, import next time.
            flash("The mapping changed: check the preview, then import.", "info")
            form.confirm.data = False
    if form.confirm.data:
        return _commit(form, filename, data, mapping, csv)
    plan, read_csv, problem = _read(filename, data, mapping, form.account.data or None)
    if plan is None and read_csv is None:
        upload_form = _upload_form()
        upload_form.file.errors = [problem]
        return _render_upload(upload_form, 400)
    return _render_preview(form, plan, read_csv, problem, 200 if plan else 400)


def _commit(form: PreviewForm, filename: str, data: bytes, mapping: CsvMapping | None, csv):
    try:
        batch = imports.commit(
            db.session,
            filename,
            data,
            mapping=mapping,
            account=form.account.data or None,
            save_mapping_as=form.profile_name.data or None,
        )
    except ImportFileError as exc:
        db.session.rollback()
        return _render_preview(form, None, csv, sentence(str(exc)), 400)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc, {"name": "profile_name"})
        plan, csv, problem = _read(filename, data, mapping, form.account.data or None)
        return _render_preview(form, plan, csv, problem, 400)
    db.session.commit()
    flash(
        f"Imported {batch.row_count} transaction{'' if batch.row_count == 1 else 's'}, "
        f"skipped {batch.skipped_count} duplicate{'' if batch.skipped_count == 1 else 's'}.",
        "success",
    )
    flash_skipped_rules((batch.summary or {}).get("skipped_rules", []), "this import")
    return redirect(url_for("imports.batches"))


def _summary_amount(batch, key: str) -> Decimal | None:
    """Income or spending recorded with the batch (stored as text: JSON has no decimals)."""
    try:
        return Decimal((batch.summary or {})[key])
    except (KeyError, TypeError, InvalidOperation):
        return None


def _render_batches(status: int = 200):
    return render_template(
        "imports/batches.html",
        batches=[
            (b, _summary_amount(b, "income"), _summary_amount(b, "spending"))
            for b in imports.list_batches(db.session)
        ],
    ), status


@bp.route("/batches")
@login_required
def batches():
    """Past imports, newest first, each with an Undo button."""
    return _render_batches()
