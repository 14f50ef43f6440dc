"""Import pages: upload, preview with column mapping, commit, batches list, undo.

The uploaded bytes travel inside the preview form (base64 in a hidden field), so
nothing is kept on the server between preview and commit: any worker can answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import import_profiles, imports
from homeledger.services.errors import ValidationError
from homeledger.services.importing import (
    MAX_IMPORT_BYTES,
    ChoiceNeeded,
    CsvMapping,
    CsvPreview,
    ImportFileError,
    detect_format,
    sniff_csv,
)
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
_CARRIED_FORM_BYTES = (MAX_IMPORT_BYTES * 4) // 3 + 1024 * 1024


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
    form.profile.choices = id_choices(
        import_profiles.list_profiles(db.session), "Guess from the file"
    )
    return form


def _render_upload(form: UploadForm, status: int = 200):
    return render_template("imports/upload.html", form=form), status


def _read(filename: str, data: bytes, mapping: CsvMapping | None, account: str | None):
    """(plan, csv preview, problem, choice): the plan when the file reads; else a CSV's
    look and why. ``choice`` means the why is a choice to make, not a mistake.

    Neither plan nor preview means the file cannot be read at all.
    """
    try:
        plan = imports.plan(db.session, filename, data, mapping=mapping, account=account)
        return plan, plan.csv, None, False
    except ChoiceNeeded as exc:
        return None, exc.preview, sentence(str(exc)), mapping is None
    except ImportFileError as exc:
        problem = sentence(str(exc))
    return None, _sniff(filename, data, mapping.has_header if mapping else None), problem, False


def _sniff(filename: str, data: bytes, has_header: bool | None) -> CsvPreview | None:
    """The CSV's layout, or None for another kind of file or one that cannot be read."""
    try:
        return sniff_csv(data, has_header) if detect_format(filename, data) == "csv" else None
    except ImportFileError:
        return None


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
            mapping = import_profiles.profile_mapping(db.session, int(form.profile.data))
        except ImportFileError as exc:
            form.profile.errors = [sentence(str(exc))]
            return _render_upload(form, 400)
    account = form.account.data or None
    plan, csv, problem, choice = _read(filename, data, mapping, account)
    if plan is None and csv is None:
        form.file.errors = [problem]
        return _render_upload(form, 400)
    preview_form = PreviewForm(
        formdata=None,
        file_data=base64.urlsafe_b64encode(data).decode(),
        filename=filename,
        account=account,
    )
    _fill_mapping(preview_form, plan.mapping if plan else mapping, csv)
    # A choice the file cannot make for us is the next step, not a mistake.
    return _render_preview(preview_form, plan, csv, problem, 200 if plan or choice else 400)


def _mapping_from(form: PreviewForm) -> CsvMapping:
    values = {role: getattr(form, f"col_{role}").data or None for role in COLUMN_ROLES}
    return CsvMapping(
        **values,
        date_format=form.date_format.data,
        decimal_separator=form.decimal_separator.data,
        has_header=form.has_header.data,
    )


def _fill_mapping(form: PreviewForm, mapping: CsvMapping | None, csv: CsvPreview | None) -> None:
    """Show ``mapping``; without one, what the file suggests (a blank where it cannot tell)."""
    if mapping is not None:
        for role in COLUMN_ROLES:
            getattr(form, f"col_{role}").data = getattr(mapping, role) or ""
        form.date_format.data = mapping.date_format
        form.decimal_separator.data = mapping.decimal_separator
    elif csv is not None:
        for role in COLUMN_ROLES:
            getattr(form, f"col_{role}").data = csv.found.get(role, "")
        # A guess between day-first and month-first would silently swap days and months.
        candidates = csv.date_format_candidates
        form.date_format.data = candidates[0] if len(candidates) == 1 else ""
        form.decimal_separator.data = csv.decimal_separator
    if csv is not None:
        form.has_header.data = csv.has_header


def _set_choices(form: PreviewForm, csv) -> None:
    columns = csv.columns if csv is not None else []
    for column in form.columns():
        column.choices = options([("", "— none —")] + [(c, c) for c in columns])
    form.date_format.choices = date_format_choices(csv.date_format_candidates if csv else [])


def _render_preview(form: PreviewForm, plan, csv, problem: str | None, status: int):
    _set_choices(form, csv)
    shown = plan.mapping if plan else None
    if shown is not None and shown.has_header is None and csv is not None:
        # A saved mapping leaving it to the file: the form sends back what the file decided.
        shown = replace(shown, has_header=csv.has_header)
    form.previewed.data = json.dumps(shown.to_dict()) if shown else ""
    form.header_shown.data = ("1" if csv.has_header else "0") if csv else ""
    return render_template(
        "imports/preview.html",
        form=form,
        plan=plan,
        csv=csv,
        rows=plan.rows[:PREVIEW_ROWS] if plan else [],
        preview_rows=PREVIEW_ROWS,
        bad_lines=plan.problems[:PREVIEW_ROWS] if plan else [],
        max_bad_lines=imports.MAX_BAD_LINES,
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
    has_header = bool(form.has_header.data)
    csv = _sniff(filename, data, has_header) if data else None  # reading it names a problem
    _set_choices(form, csv)
    if not data or not form.validate_on_submit():
        if not data:
            upload_form = _upload_form()
            upload_form.file.errors = ["The file did not come through; upload it again."]
            return _render_upload(upload_form, 400)
        return _render_preview(form, None, csv, None, 400)
    confirm = form.confirm.data or form.confirm_skipping.data
    mapping = None
    if csv is not None:
        if form.header_shown.data != ("1" if has_header else "0"):
            # The columns are named anew (by position, or by the first line): start again
            # from what the file suggests for them.
            _fill_mapping(form, None, csv)
            confirm = False
            if csv.needs == "columns":
                problem = sentence(f"choose which columns hold the {' and '.join(csv.missing)}")
                return _render_preview(form, None, csv, problem, 200)
        if not form.date_format.data:
            form.date_format.errors = ["Choose how this file writes its dates."]
            return _render_preview(form, None, csv, None, 400)
        try:
            mapping = _mapping_from(form)
        except ImportFileError as exc:
            return _render_preview(form, None, csv, sentence(str(exc)), 400)
        if confirm and form.previewed.data != json.dumps(mapping.to_dict()):
            # The rows on screen were read another way: show these first, import next time.
            flash("The mapping changed: check the preview, then import.", "info")
            confirm = False
    if confirm:
        return _commit(form, filename, data, mapping, csv)
    plan, read_csv, problem, _ = _read(filename, data, mapping, form.account.data or None)
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
            skip_bad_lines=bool(form.confirm_skipping.data),
        )
    except ImportFileError as exc:
        db.session.rollback()
        plan, csv, _, _ = _read(filename, data, mapping, form.account.data or None)
        return _render_preview(form, plan, csv, sentence(str(exc)), 400)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc, {"name": "profile_name"})
        plan, csv, problem, _ = _read(filename, data, mapping, form.account.data or None)
        return _render_preview(form, plan, csv, problem, 400)
    db.session.commit()
    skipped_lines = len((batch.summary or {}).get("skipped_lines", []))
    flash(
        f"Imported {_count(batch.row_count, 'transaction')}, "
        f"skipped {_count(batch.skipped_count, 'duplicate')}"
        + (f" and {_count(skipped_lines, 'unreadable line')}." if skipped_lines else "."),
        "success",
    )
    flash_skipped_rules((batch.summary or {}).get("skipped_rules", []), "this import")
    return redirect(url_for("imports.batches"))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


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
