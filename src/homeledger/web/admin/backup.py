"""The full backup page: what a backup holds and leaves out, and its download (admins only)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from wtforms import SubmitField

from homeledger.extensions import db
from homeledger.services import backup
from homeledger.web.admin import admin_only
from homeledger.web.forms import WebForm

bp = admin_only(Blueprint("admin_backup", __name__, url_prefix="/admin"))


class BackupForm(WebForm):
    submit = SubmitField("Download full backup")


@bp.route("/backup", methods=["GET", "POST"])
def backup_page():
    """GET: the page. POST (CSRF-checked): the backup, streamed as an attachment, audited.

    The audit entry is committed before the first byte goes out: a download that
    is started is on record even if the browser stops it half-way.
    """
    form = BackupForm()
    counts = backup.database_counts(db.session)
    if form.validate_on_submit():
        backup.record_created(
            db.session, counts, actor=current_user, ip_address=request.remote_addr
        )
        db.session.commit()
        name = f"homeledger-backup-{datetime.now(UTC).date().isoformat()}.json"
        return Response(
            backup.write(db.engine),
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return render_template(
        "admin/backup.html",
        form=form,
        counts=counts,
        left_out=backup.LEFT_OUT,
    ), 400 if form.errors else 200
