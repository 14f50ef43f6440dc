"""Your data: download a copy (JSON or CSV), import an export back, delete it all.

Downloads are streamed as they are read (``stream_with_context``), so a large ledger
never sits whole in the server's memory; the download is audited before it starts.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from homeledger.extensions import db
from homeledger.services import ledger_delete, ledger_export, ledger_import
from homeledger.services.errors import ValidationError
from homeledger.services.ledger_tables import count_rows, for_people, in_words
from homeledger.web import months
from homeledger.web.forms import sentence, show_errors, shown_status
from homeledger.web.my_data.forms import DeleteAllForm, ExportForm, ImportForm

bp = Blueprint("my_data", __name__, url_prefix="/settings/data")

# Room for the largest export file the import reads, and the form around it.
_IMPORT_REQUEST_BYTES = ledger_import.MAX_FILE_BYTES + 1024 * 1024


@bp.url_value_preprocessor
def allow_a_large_export_file(endpoint, values) -> None:
    """The import takes a file larger than other forms may send (before CSRF reads it)."""
    if endpoint == "my_data.import_file":
        request.max_content_length = _IMPORT_REQUEST_BYTES


def _index(export_form=None, import_form=None, status: int = 200):
    counts = count_rows(db.session)  # every ledger table counted once, for both uses
    return render_template(
        "my_data/index.html",
        export_form=export_form or ExportForm(formdata=None),
        import_form=import_form or ImportForm(formdata=None),
        held=in_words({name: n for name, n in counts.items() if n and name != "user_settings"}),
        not_empty=ledger_import.not_empty_reason(db.session, counts),
    ), status


@bp.get("")
@login_required
def index():
    """Download a copy, import an export into this (new) account, or delete everything."""
    return _index()


@bp.post("/export")
@login_required
def export():
    """The download the button asked for: the whole ledger (JSON) or its transactions (CSV)."""
    form = ExportForm()
    if not form.validate_on_submit():
        flash("The download was not started: reload this page and try again.", "error")
        return _index(export_form=form, status=400)
    download = ledger_export.start_download(
        db.session,
        current_user._get_current_object(),
        "csv" if form.csv.data else "json",
        today=months.today(),
        ip_address=request.remote_addr,
    )
    db.session.commit()  # the audit entry; the chunks are read with a session of their own
    return Response(
        stream_with_context(download.chunks),
        mimetype=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@bp.post("/import")
@login_required
def import_file():
    """Load an export into this account, which must be new and empty; 400 saying why not."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(import_form=form, status=400)
    user = current_user._get_current_object()
    try:
        result = ledger_import.import_ledger(
            db.session, user, form.file.data.read(), ip_address=request.remote_addr
        )
    except ledger_import.ImportRefused as exc:
        db.session.rollback()
        ledger_import.record_refusal(db.session, user, exc, ip_address=request.remote_addr)
        db.session.commit()
        form.file.errors = [sentence(str(exc))]
        return _index(import_form=form, status=400)
    db.session.commit()
    return render_template("my_data/imported.html", result=result, kinds=for_people(result.counts))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_all():
    """Ask first, listing what goes; delete only when the username is typed. A wrong one
    is a 400 and deletes nothing. With "also delete my account", sign out for good."""
    user = current_user._get_current_object()
    form = DeleteAllForm()
    form.confirm.label.text = f"Type your username, {user.username}, to confirm"
    if form.validate_on_submit():
        try:
            result = ledger_delete.delete_all(
                db.session,
                user,
                confirm=form.confirm.data,
                delete_account=form.delete_account.data,
                ip_address=request.remote_addr,
            )
        except ValidationError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            return _deleted(result)
    return render_template(
        "my_data/delete.html", form=form, held=for_people(ledger_delete.what_goes(db.session))
    ), shown_status()


def _deleted(result: ledger_delete.Deleted):
    if result.account_deleted:
        logout_user()
        session.clear()
        flash("Your account and all its data have been deleted.", "success")
        return redirect(url_for("auth.login"))
    removed = {name: n for name, n in result.counts.items() if name != "user_settings"}
    flash(
        f"Deleted {in_words(removed)}. Your ledger starts afresh, as a new account does.",
        "success",
    )
    return redirect(url_for("my_data.index"))
