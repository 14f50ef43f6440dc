"""Recurring bill pages: the bills with the upcoming list, a month calendar, add, edit,
pause and resume, delete (after a question), and each bill's payment history."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import bill_matching, commitments
from homeledger.services.commitments import CommitmentInput
from homeledger.services.errors import ValidationError
from homeledger.services.periods import add_months, month_text
from homeledger.web import months
from homeledger.web.bills.forms import (
    FREQUENCY_LABELS,
    PRESET_DAYS,
    BillForm,
    DeleteForm,
    SwitchForm,
    UpcomingForm,
)
from homeledger.web.forms import (
    LedgerLists,
    category_owner_menus,
    confirmed,
    form_page,
    list_url_from,
    optional_id,
    show_errors,
    shown_status,
)

bp = Blueprint("bills", __name__, url_prefix="/bills")

DEFAULT_DAYS = 30
HISTORY_MONTHS = 12
# The history page also shows the next due dates: up to three, within about three months.
AHEAD_DAYS, AHEAD_COUNT = 92, 3
_FORM_FIELD = {"category_id": "category", "owner_id": "owner"}
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@bp.context_processor
def _words() -> dict:
    return {"frequency_words": frequency_words, "ordinal": ordinal}


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def frequency_words(bill) -> str:
    """ "Every month on the 18th", "Every two weeks": how often, in words."""
    words = FREQUENCY_LABELS[bill.frequency]
    if bill.frequency in ("weekly", "fortnightly"):
        return words
    day = bill.due_day or (bill.start_date.day if bill.start_date else None)
    return f"{words} on the {ordinal(day)}" if day else words


def _back(bill_id: int | None = None) -> str:
    """Where the form was opened from: the list, the calendar or the bill's history (with
    their query strings), else the list."""
    back = request.args.get("back")
    places = [url_for("bills.calendar")]
    if bill_id is not None:
        places.append(url_for("bills.history", bill_id=bill_id))
    for place in places:
        if list_url_from(back, place) == back:
            return back
    return list_url_from(back, url_for("bills.index"))


# --- the list -------------------------------------------------------------------------------


@bp.route("")
@login_required
def index():
    """Every bill with its monthly cost, and the bills due in the next N days (30 unless
    asked). 400 when the number of days is not one from 1 to 366."""
    today = months.today()
    form = UpcomingForm(formdata=request.args)
    soon = None
    if form.validate():
        try:
            days = DEFAULT_DAYS if form.days.data is None else form.days.data
            soon = commitments.upcoming(db.session, today, days)
        except ValidationError as exc:
            show_errors(form, exc)
    found = commitments.listing(db.session, today)
    return render_template(
        "bills/index.html",
        form=form,
        soon=soon,
        listing=found,
        lists=LedgerLists(),
        today=today,
        presets=PRESET_DAYS,
        here=request.full_path.rstrip("?"),
    ), 200 if soon is not None else 400


# --- the month calendar ---------------------------------------------------------------------


def _month(text: str | None, today: date) -> tuple[int, int] | None:
    if not text:
        return today.year, today.month
    found = _MONTH.fullmatch(text)
    if not found or not 1 <= int(found.group(2)) <= 12 or not 1900 <= int(found.group(1)) <= 2199:
        return None
    return int(found.group(1)), int(found.group(2))


@bp.route("/calendar", endpoint="calendar")
@login_required
def calendar_page():
    """The month's days with the bills due on each (``?month=YYYY-MM``, this month unless
    asked). 400, showing this month, when the month is not a real one."""
    today = months.today()
    chosen = _month(request.args.get("month"), today)
    status = 200
    if chosen is None:
        flash(
            "Month must be a month from 1900-01 to 2199-12, written like 2026-04; "
            "showing this month.",
            "error",
        )
        chosen, status = (today.year, today.month), 400
    year, month = chosen
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    due = commitments.occurrences(commitments.bills_between(db.session, first, last), first, last)
    by_day: dict[date, list] = {}
    for occurrence in due:
        by_day.setdefault(occurrence.date, []).append(occurrence)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    before, after = add_months(year, month, -1), add_months(year, month, 1)
    return render_template(
        "bills/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        total=sum((o.amount for o in due), Decimal("0.00")),
        count=len(due),
        today=today,
        weekdays=[calendar.day_name[i] for i in range(7)],
        # No link to a month the page would refuse.
        previous=date(*before, 1) if before[0] >= 1900 else None,
        following=date(*after, 1) if after[0] <= 2199 else None,
        this_month=(year, month) == (today.year, today.month),
        here=url_for("bills.calendar", month=month_text(year, month)),
    ), status


# --- add, edit, pause, delete ---------------------------------------------------------------


def _bill_form(lists: LedgerLists, bill=None) -> BillForm:
    form = BillForm(obj=bill)
    category_owner_menus(form, lists, bill, "No category")
    return form


def _input(form: BillForm) -> CommitmentInput:
    return CommitmentInput(
        name=form.name.data or "",
        amount=form.amount.data,
        frequency=form.frequency.data,
        due_day=form.due_day.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        category_id=optional_id(form.category.data),
        owner_id=optional_id(form.owner.data),
        notes=form.notes.data or None,
        is_active=bool(form.is_active.data),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a bill. 400 naming every wrong field, nothing written."""
    form = _bill_form(LedgerLists())
    return form_page(
        form,
        lambda: commitments.create(db.session, _input(form)),
        lambda bill: f"Added the bill “{bill.name}”.",
        _back(),
        "bills/form.html",
        _FORM_FIELD,
        bill=None,
    )


@bp.route("/<int:bill_id>/edit", methods=["GET", "POST"])
@login_required
def edit(bill_id: int):
    """Change a bill. 404 when it is not in this ledger; 400 naming every wrong field."""
    bill = commitments.get(db.session, bill_id)
    form = _bill_form(LedgerLists(), bill)
    return form_page(
        form,
        lambda: commitments.edit(db.session, bill_id, _input(form)),
        lambda saved: f"Saved the bill “{saved.name}”.",
        _back(bill_id),
        "bills/form.html",
        _FORM_FIELD,
        bill=bill,
    )


def _switch(bill_id: int, active: bool):
    commitments.get(db.session, bill_id)
    if not SwitchForm().validate_on_submit():
        flash("That form had expired: try again.", "error")
        return redirect(_back(bill_id))
    bill = commitments.edit(db.session, bill_id, CommitmentInput(is_active=active))
    db.session.commit()
    if active:
        flash(f"Resumed “{bill.name}”: it falls due again.", "success")
    else:
        flash(f"Paused “{bill.name}”: it falls due nowhere until you resume it.", "success")
    return redirect(_back(bill_id))


@bp.route("/<int:bill_id>/pause", methods=["POST"])
@login_required
def pause(bill_id: int):
    """Pause a bill (kept, but never due). 404 when it is not in this ledger."""
    return _switch(bill_id, False)


@bp.route("/<int:bill_id>/resume", methods=["POST"])
@login_required
def resume(bill_id: int):
    """Make a paused bill fall due again. 404 when it is not in this ledger."""
    return _switch(bill_id, True)


@bp.route("/<int:bill_id>/delete", methods=["GET", "POST"])
@login_required
def delete(bill_id: int):
    """Ask, then (POST carrying this page's answer) delete a bill. 404 when it is not in
    this ledger; 400, deleting nothing, for a post that skipped the question."""
    bill = commitments.get(db.session, bill_id)
    form = DeleteForm()
    back = _back(bill_id)
    if confirmed(form, confirm=bill.id):
        name = bill.name
        commitments.remove(db.session, bill_id)
        db.session.commit()
        flash(f"Deleted the bill “{name}”. Its past payments stay in your transactions.")
        gone = url_for("bills.history", bill_id=bill_id)
        return redirect(url_for("bills.index") if back == gone else back)
    return render_template("bills/delete.html", form=form, bill=bill, back=back), shown_status()


# --- payment history ------------------------------------------------------------------------


@bp.route("/<int:bill_id>")
@login_required
def history(bill_id: int):
    """A bill's due dates of the last 12 months with the transaction that paid each (or
    missed), and its next due dates. 404 when it is not in this ledger."""
    today = months.today()
    bill = commitments.get(db.session, bill_id)
    start = bill_matching.months_before(today, HISTORY_MONTHS)
    past = bill_matching.history(db.session, start, today, today, bill_id)
    ahead = commitments.occurrences(
        [bill], today + timedelta(days=1), today + timedelta(days=AHEAD_DAYS)
    )[:AHEAD_COUNT]
    return render_template(
        "bills/history.html",
        bill=bill,
        costed=commitments.costed(bill, today),
        past=list(reversed(past)),
        ahead=list(reversed(ahead)),
        start=start,
        today=today,
        lists=LedgerLists(),
        here=url_for("bills.history", bill_id=bill_id),
    )
