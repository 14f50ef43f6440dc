"""The year of budgets, suggested budgets, and budgets raised to the bills due."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import bill_budgets, budgets, categories, recommender
from homeledger.services.budget_figures import FIRST_YEAR, LAST_YEAR
from homeledger.services.errors import ValidationError
from homeledger.web import months
from homeledger.web.budgets.forms import ApplyForm, CountedForm, YearChoice
from homeledger.web.forms import optional_id, show_errors
from homeledger.web.months import Month, month_choice, this_month

bp = Blueprint("budget_advice", __name__, url_prefix="/budgets")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@bp.route("/year")
@login_required
def year():
    """Twelve budgeting months by categories, budgeted and spent. 400 for a bad year or owner."""
    owners = categories.list_owners(db.session)
    form = YearChoice(formdata=request.args)
    form.owner.choices = [("", "Everyone")] + [(str(o.id), o.name) for o in owners]
    report = None
    if form.validate():
        chosen = form.year.data or this_month().year
        form.year.data = chosen
        try:
            report = budgets.year_report(db.session, chosen, optional_id(form.owner.data))
        except ValidationError as exc:
            show_errors(form, exc, {"owner_id": "owner"})
    if report is None:
        return render_template("budgets/year.html", form=form, report=None), 400
    months = [Month(chosen, number) for number in range(1, 13)]
    return render_template(
        "budgets/year.html",
        form=form,
        report=report,
        months=months,
        owner=form.owner.data or None,
        budgeted=report.budgeted(),
        spent=report.spent(),
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


@bp.route("/suggest", methods=["GET", "POST"])
@login_required
def suggest():
    """A suggested budget per expense category, with its reason; POST sets the ticked ones.
    400 naming the field for a bad month or when nothing is ticked."""
    choice, month = month_choice()
    if month is None:
        return render_template("budgets/suggest.html", choice=choice, found=None), 400
    form = ApplyForm()
    ticked = None
    status = 200
    if request.method == "POST":
        ticked = [i for v in request.form.getlist("category_ids") if (i := optional_id(v))]
        if not form.validate():
            status = 400
        elif not ticked:
            flash("Tick at least one suggestion to set.", "error")
            status = 400
        else:
            try:
                applied = recommender.apply(
                    db.session, month.year, month.month, months.today(), ticked
                )
            except ValidationError:
                db.session.rollback()
                flash(
                    f"A ticked category has no suggestion for {month.name}: nothing was set.",
                    "error",
                )
                status = 400
            else:
                db.session.commit()
                flash(
                    f"Set {_plural(len(applied), 'budget')} for {month.name} from the suggestions.",
                    "success",
                )
                return redirect(url_for("budgets.index", month=month.value))
    found = recommender.recommend(db.session, month.year, month.month, months.today())
    return render_template(
        "budgets/suggest.html",
        choice=choice,
        found=found,
        month=month,
        form=form,
        ticked=set(ticked) if ticked is not None else None,
        full_history=recommender.FULL_HISTORY,
    ), status


@bp.route("/bills", methods=["GET", "POST"])
@login_required
def bills():
    """What raising the month's budgets to the bills due would change; POST (carrying the
    number of changes shown) makes the changes. 400 naming the field for a bad month."""
    choice, month = month_choice()
    if month is None:
        return render_template("budgets/bills.html", choice=choice, changes=None), 400
    changes = bill_budgets.sync_from_bills(db.session, month.year, month.month, dry_run=True)
    form = CountedForm()
    status = 200
    if request.method == "POST":
        if form.validate() and changes and form.confirm_count.data == str(len(changes)):
            done = bill_budgets.sync_from_bills(db.session, month.year, month.month, dry_run=False)
            db.session.commit()
            flash(
                f"Raised {_plural(len(done), 'budget')} for {month.name} to the bills due.",
                "success",
            )
            return redirect(url_for("budgets.index", month=month.value))
        if not changes:
            flash(
                f"Nothing to change: the budgets of {month.name} already cover its bills.", "info"
            )
        else:
            flash("The changes are not the ones you were shown: check them again.", "warning")
        status = 400
    form.confirm_count.data = str(len(changes))
    return render_template(
        "budgets/bills.html", choice=choice, changes=changes, month=month, form=form
    ), status
