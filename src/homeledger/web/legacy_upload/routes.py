"""The old desktop file: upload (checked and dry-run), its report, apply, past uploads."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from homeledger.extensions import db
from homeledger.services import legacy_uploads
from homeledger.services.errors import ValidationError
from homeledger.web.forms import confirmed, sentence, show_errors
from homeledger.web.legacy_upload.forms import ApplyForm, LegacyUploadForm

bp = Blueprint("legacy_upload", __name__, url_prefix="/settings/legacy")


def _index(form: LegacyUploadForm, status: int = 200):
    uploads = legacy_uploads.list_uploads(db.session)
    return render_template("legacy_upload/index.html", form=form, uploads=uploads), status


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """The upload form and past uploads. A good file is checked and dry-run (nothing of
    the ledger changes) and its report shown; a bad one is 400 naming why, nothing kept.
    A file over the size limit is answered 413 before this view runs."""
    form = LegacyUploadForm()
    if not form.validate_on_submit():
        return _index(form, 400 if form.errors else 200)
    try:
        row = legacy_uploads.upload(
            db.session,
            current_user,
            form.file.data.filename,
            form.file.data.read(),
            ip_address=request.remote_addr,
        )
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return _index(form, 400)
    db.session.commit()
    flash("The file was checked. Nothing is in your ledger yet: read the report, then apply.")
    return redirect(url_for("legacy_upload.report", upload_id=row.id))


def _report(row, form: ApplyForm, status: int = 200):
    to_write = legacy_uploads.transactions_to_write(row.dry_run_report)
    if row.applied_at is None:
        form.confirm.data, form.confirm_count.data = str(row.id), str(to_write)
    return render_template(
        "legacy_upload/report.html",
        upload=row,
        form=form,
        dry_run=legacy_uploads.shown(row.dry_run_report),
        applied=legacy_uploads.shown(row.applied_report),
        to_write=to_write,
    ), status


@bp.route("/<int:upload_id>")
@login_required
def report(upload_id: int):
    """An upload's report: the dry run with the Apply button, or what was brought in."""
    return _report(legacy_uploads.get(db.session, upload_id), ApplyForm(formdata=None))


@bp.route("/<int:upload_id>/apply", methods=["POST"])
@login_required
def apply(upload_id: int):
    """Bring the upload in for real (the report page's answer required); 409 if it was
    applied already, 404 for another ledger's upload."""
    row = legacy_uploads.get(db.session, upload_id)
    form = ApplyForm()
    to_write = legacy_uploads.transactions_to_write(row.dry_run_report)
    # An upload applied already goes on to the service, which says so (409).
    if row.applied_at is None and not confirmed(
        form, "import", confirm=row.id, confirm_count=to_write
    ):
        return _report(row, form, 400)
    try:
        legacy_uploads.apply(db.session, current_user, upload_id, ip_address=request.remote_addr)
    except ValidationError as exc:
        db.session.rollback()
        flash(sentence(str(exc)), "error")
        return _report(legacy_uploads.get(db.session, upload_id), form, 409)
    db.session.commit()
    flash(f"{row.filename} is in your ledger. The report below says what came in.", "success")
    return redirect(url_for("legacy_upload.report", upload_id=upload_id))
