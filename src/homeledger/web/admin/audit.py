"""The audit log for admins: filter it, page through it newest first, open an entry,
download the filtered view as CSV (streamed; the download is audited itself)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional
from wtforms.validators import ValidationError as FieldError

from homeledger.extensions import db
from homeledger.models.types import utcnow
from homeledger.services import audit_log
from homeledger.services.errors import ValidationError
from homeledger.web.admin import admin_only
from homeledger.web.forms import (
    WebForm,
    list_url_from,
    optional_id,
    options,
    printable,
    show_errors,
    stripped,
)

bp = admin_only(Blueprint("admin_audit", __name__, url_prefix="/admin"))

PAGE_SIZE = 50
# Query-string keys of the filter, carried into the paging links and the CSV link.
FILTER_FIELDS = ("actor", "ledger", "action", "outcome", "date_from", "date_to")
# The service's field names -> the form's.
_RENAMES = {"actor_id": "actor", "ledger_user_id": "ledger"}
OUTCOME_LABELS = {"": "Any outcome", "success": "Success", "failure": "Failure"}
assert set(OUTCOME_LABELS) == {"", *audit_log.OUTCOMES}  # a new outcome needs a label here


class DayField(DateField):
    """A day as ``YYYY-MM-DD``; a bad one is named in its error (a date input shows none)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            shown = valuelist[0][:20]
            raise ValueError(f"“{shown}” is not a day. Write it like 2026-03-31.") from None


class FilterForm(WebForm):
    """The log's filter, read from the query string (GET: no CSRF token to carry)."""

    class Meta(WebForm.Meta):
        csrf = False

    actor = SelectField("Who acted", default="")
    ledger = SelectField("Whose ledger", default="")
    action = StringField(
        "Action",
        filters=[stripped],
        validators=[Optional(), Length(max=audit_log.MAX_ACTION), printable],
        description="auth.login, or auth. for every sign-in event",
    )
    outcome = SelectField("Outcome", choices=options(OUTCOME_LABELS.items()), default="")
    date_from = DayField("From (UTC)", validators=[Optional()])
    date_to = DayField("To (UTC)", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise FieldError("Must not be before the start date.")


def _filter_form() -> FilterForm:
    form = FilterForm(formdata=request.args)
    people = [(str(user_id), username) for user_id, username in audit_log.people(db.session)]
    form.actor.choices = options([("", "Anyone"), *people])
    form.ledger.choices = options([("", "Any ledger"), *people])
    return form


def _criteria(form: FilterForm) -> audit_log.AuditFilter:
    return audit_log.AuditFilter(
        actor_id=optional_id(form.actor.data),
        ledger_user_id=optional_id(form.ledger.data),
        action=form.action.data or None,
        outcome=form.outcome.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _filter_args() -> dict[str, str]:
    return {key: request.args[key] for key in FILTER_FIELDS if request.args.get(key)}


def _page(form: FilterForm, page=None, status: int = 200):
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        filter_args=_filter_args(),
        paged=bool(request.args.get("cursor")),
    ), status


@bp.route("/audit")
def index():
    """The entries matching the filter, newest first, one keyset page at a time.

    400, with the field named, when the filter or the page cursor is not valid.
    """
    form = _filter_form()
    if form.validate():
        try:
            page = audit_log.page(
                db.session,
                _criteria(form),
                cursor=request.args.get("cursor") or None,
                limit=PAGE_SIZE,
            )
        except ValidationError as exc:
            show_errors(form, exc, _RENAMES)
        else:
            return _page(form, page)
    return _page(form, status=400)


@bp.route("/audit/<int:entry_id>")
def entry(entry_id: int):
    """One entry, its details in full (secrets were never stored: they show as redacted)."""
    found = audit_log.get(db.session, entry_id)
    details = json.dumps(found.details, indent=2, ensure_ascii=False, sort_keys=True)
    return render_template(
        "admin/audit_entry.html",
        entry=found,
        details=details if found.details else None,
        back=list_url_from(request.args.get("back"), url_for("admin_audit.index")),
    )


@bp.route("/audit.csv")
def download():
    """The filtered view as CSV, every matching entry (not one page), written as it is read.

    The download is audited (``audit.export``, the filter in its details) before the
    first line goes out. 400 on the log's page when the filter is not valid.
    """
    form = _filter_form()
    if not form.validate():
        return _page(form, status=400)
    criteria = _criteria(form)
    try:
        audit_log.record_export(
            db.session, criteria, actor_id=current_user.id, ip_address=request.remote_addr
        )
    except ValidationError as exc:
        show_errors(form, exc, _RENAMES)
        return _page(form, status=400)
    db.session.commit()
    lines = audit_log.csv_lines(audit_log.stream(db.session, criteria))
    name = f"homeledger-audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
