"""Undoing an import: a page that says exactly what goes, then the undo itself.

The file itself is not kept (only its checksum), so an undo cannot be reversed
here; importing the same file again brings the rows back (duplicates are
recognised, so nothing doubles).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from wtforms import HiddenField, SubmitField

from homeledger.extensions import db
from homeledger.services import imports, transactions
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from homeledger.web.forms import WebForm, sentence

bp = Blueprint("import_undo", __name__, url_prefix="/imports")


class UndoConfirmForm(WebForm):
    """The second step: the number of rows the person was shown, and the button."""

    confirm_count = HiddenField()
    submit = SubmitField("Delete them")


def _render(batch, form: UndoConfirmForm, status: int = 200):
    count = transactions.totals(db.session, TransactionFilter(import_batch_id=batch.id)).count
    form.confirm_count.data = str(count)
    return render_template("imports/undo.html", batch=batch, form=form, count=count), status


@bp.route("/batches/<int:batch_id>/undo", methods=["GET"])
@login_required
def confirm(batch_id: int):
    """What undoing this import deletes, counted now. 404 when not in this ledger."""
    return _render(imports.get_batch(db.session, batch_id), UndoConfirmForm(formdata=None))


@bp.route("/batches/<int:batch_id>/undo", methods=["POST"])
@login_required
def undo(batch_id: int):
    """Remove every transaction an import added, once the person confirmed that many.

    404 when the import is not in this ledger; 400, changing nothing, when the
    confirmation is missing or no longer matches, or the import was already undone.
    """
    batch = imports.get_batch(db.session, batch_id)
    form = UndoConfirmForm()
    if not form.validate_on_submit():
        return _render(batch, form, 400)
    if batch.undone_at is not None:  # undone meanwhile, in another tab or by someone else
        flash("This import was already undone: nothing was deleted.", "warning")
        return _render(batch, form, 400)
    current = transactions.totals(db.session, TransactionFilter(import_batch_id=batch.id)).count
    if form.confirm_count.data != str(current):
        if form.confirm_count.data:
            flash("The number of rows changed since you were asked: check again.", "warning")
        else:
            flash("Confirm the undo on this page first.", "warning")
        return _render(batch, form, 400)
    try:
        removed = imports.undo(db.session, batch_id)
    except ValidationError as exc:
        db.session.rollback()
        for message in exc.fields.values():
            flash(sentence(message), "error")
        return _render(batch, form, 400)
    db.session.commit()
    flash(f"Undone: removed {removed:,} transaction{'' if removed == 1 else 's'}.", "success")
    return redirect(url_for("imports.batches"))
