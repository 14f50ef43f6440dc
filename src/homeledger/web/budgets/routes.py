"""The budget page: a month's budgets against what was spent; set, edit, delete, copy."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import budget_dashboard, budgets, categories, sharing
from homeledger.services.category_trends import of_category
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from homeledger.web.budgets.forms import AmountForm, BudgetForm, CountedForm, DeleteForm
from homeledger.web.charts import chart_spec
from homeledger.web.drilldown import rows_url
from homeledger.web.forms import attempt, current_ledger, list_url_from, optional_id, show_errors
from homeledger.web.months import Month, checked, chosen_owner, month_choice, this_month

bp = Blueprint("budgets", __name__, url_prefix="/budgets")

# Service field names -> form field names, where they differ.
_FORM_FIELD = {"category_id": "category", "owner_id": "owner", "from": "source"}


def _back() -> str:
    """The budget page (month, owner) a form was opened from, else this month's."""
    return list_url_from(request.args.get("back"), url_for("budgets.index"))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _of_month(owners, read):
    """The query's month and owner and ``read(session, year, month, owner_id)`` of them;
    the result None when a field is wrong (the form marks it)."""
    mine = sharing.my_owner_id(db.session, owners)
    form, month = month_choice(owners, mine)
    if month is None:
        return form, None, None
    try:
        return form, month, read(db.session, month.year, month.month, chosen_owner(form, mine))
    except ValidationError as exc:
        show_errors(form, exc, _FORM_FIELD)
        return form, month, None


@bp.route("")
@login_required
def index():
    """A month's budgets against what was spent, over-budget lines first, then the
    spending no budget covers and the totals. 400 naming the field for a bad month or owner.
    """
    owners = categories.list_owners(db.session)
    form, month, report = _of_month(owners, budgets.month_report)
    if report is None:
        return render_template("budgets/index.html", form=form, report=None, month=None), 400
    lines = sorted(report.lines, key=lambda line: not line.over)  # stable: names stay in order
    here = url_for("budgets.index", month=month.value, owner=form.owner.data or None)
    return render_template(
        "budgets/index.html",
        form=form,
        report=report,
        lines=lines,
        over=sum(1 for line in lines if line.over),
        month=month,
        here=here,
        owner_names={o.id: o.name for o in owners},
    )


def _spent_url(line: budget_dashboard.CategoryBudget, criteria: TransactionFilter, period) -> str:
    """The rows behind a category's spent figure: its spending, or for an income category
    the money that went out of it (what budgets count there)."""
    narrowed = of_category(criteria, line.category_id)
    if line.counts_out_only:
        return rows_url(replace(narrowed, amount_max=Decimal("-0.01")), period)
    return rows_url(narrowed, period, flow="spending")


@bp.route("/dashboard")
@login_required
def dashboard():
    """A month's budgets against spending by category, with bars and a chart: over budget
    first, then by how much of the budget is used; every spent figure links to its rows.
    400 naming the field for a bad month or owner."""
    owners = categories.list_owners(db.session)
    form, month, board = _of_month(owners, budget_dashboard.month_dashboard)
    if board is None:
        return render_template("budgets/dashboard.html", form=form, board=None, month=None), 400
    period = board.report.period
    criteria = TransactionFilter(owner_id=board.report.owner_id)
    spent_urls = {
        line.category_id: _spent_url(line, criteria, period)
        for line in [*board.lines, *board.unbudgeted]
    }
    ledger = current_ledger()
    spec = chart_spec(
        "hbar",
        [line.category for line in board.lines],
        [
            ("Budgeted", [line.budgeted for line in board.lines]),
            ("Spent", [line.spent for line in board.lines]),
        ],
        currency=ledger.currency if ledger else None,
        links=[[None] * len(board.lines), [spent_urls[line.category_id] for line in board.lines]],
    )
    income_rows = [line for line in [*board.lines, *board.unbudgeted] if line.counts_out_only]
    return render_template(
        "budgets/dashboard.html",
        form=form,
        board=board,
        month=month,
        this_month=this_month(),
        spec=spec,
        spent_urls=spent_urls,
        spending_url=rows_url(criteria, period, flow="spending"),
        income_rows=income_rows,
        owner_names={o.id: o.name for o in owners},
        here=url_for("budgets.dashboard", month=month.value, owner=form.owner.data or None),
    )


def _budget_form(month: Month) -> BudgetForm:
    form = BudgetForm(data={"month": (month.year, month.month)})
    expense = [c for c in categories.list_categories(db.session) if c.type == "expense"]
    form.category.choices = [(str(c.id), c.name) for c in expense]
    owners = [o for o in categories.list_owners(db.session) if o.is_active]
    form.owner.choices = [("", "The whole household")] + [(str(o.id), o.name) for o in owners]
    return form


def _saved_page(month: Month) -> str:
    """After setting a budget: the list it was opened from when that shows the budget's
    month, else that month's budget page."""
    back = _back()
    return back if f"month={month.value}" in back else url_for("budgets.index", month=month.value)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Set a budget (a new one, or a new amount for one that exists). 400 naming a wrong field;
    nothing is written then."""
    form = _budget_form(month_choice()[1] or this_month())
    if form.validate_on_submit() and (chosen := checked(form, "month", form.month.data)):
        amount = form.amount.data
        done = attempt(
            form,
            lambda: budgets.set_budget(
                db.session,
                chosen.year,
                chosen.month,
                optional_id(form.category.data) or 0,
                amount,
                optional_id(form.owner.data),
            ),
            lambda _: f"Budget set for {chosen.name}.",
            _saved_page(chosen),
            _FORM_FIELD,
        )
        if done:
            return done
    status = 400 if form.errors else 200
    return render_template("budgets/form.html", form=form, line=None, back=_back()), status


@bp.route("/<int:budget_id>/edit", methods=["GET", "POST"])
@login_required
def edit(budget_id: int):
    """Change a budget's amount. 404 when it is not in this ledger; 400 for a wrong amount."""
    report, line = budgets.get_line(db.session, budget_id)
    form = AmountForm(data={"amount": line.budgeted})
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: budgets.set_budget(
                db.session,
                report.year,
                report.month,
                line.category_id,
                form.amount.data,
                line.owner_id,
            ),
            lambda _: f"Budget for {line.category} saved.",
            _back(),
        )
    ):
        return done
    status = 400 if form.errors else 200
    month = Month(report.year, report.month)
    return render_template(
        "budgets/form.html", form=form, line=line, month=month, back=_back()
    ), status


@bp.route("/<int:budget_id>/delete", methods=["GET", "POST"])
@login_required
def delete(budget_id: int):
    """Ask, then (POST carrying the answer) delete a budget. 404 when not in this ledger;
    400, deleting nothing, when the post did not come from the question."""
    report, line = budgets.get_line(db.session, budget_id)
    form = DeleteForm()
    status = 200
    if form.is_submitted():
        if form.validate() and form.confirm.data == str(budget_id):
            budgets.delete_budget(db.session, budget_id)
            db.session.commit()
            flash(f"Budget for {line.category} deleted.", "success")
            return redirect(_back())
        flash("Confirm the delete on this page first.", "warning")
        status = 400
    form.confirm.data = str(budget_id)
    return render_template(
        "budgets/delete.html",
        form=form,
        line=line,
        month=Month(report.year, report.month),
        back=_back(),
    ), status


def _copy_preview(source: Month, target: Month) -> budgets.CopyResult:
    """What copying would add and keep, nothing written (a viewer may look)."""
    return budgets.copy_month(
        db.session, (source.year, source.month), (target.year, target.month), dry_run=True
    )


@bp.route("/copy", methods=["GET", "POST"])
@login_required
def copy():
    """Copy another month's budgets into ``month``: first how many are added and kept, then
    (POST carrying that count) the copy. 400 naming the field for a bad month."""
    target_form, target = month_choice()
    form = CountedForm(formdata=request.form if request.method == "POST" else request.args)
    source = None
    # The first month has no month before it: then the page asks which month to copy.
    default = target.shifted(-1) if target is not None else None
    asking = default is not None and not default.in_range and not form.source.raw
    if target is not None and form.source.validate(form) and not asking:
        source = checked(form, "source", form.source.data or (default.year, default.month))
    preview = None
    if source is not None:
        try:
            preview = _copy_preview(source, target)
        except ValidationError as exc:
            show_errors(form, exc, _FORM_FIELD)
    if preview is None:
        return render_template(
            "budgets/copy.html", form=form, target_form=target_form, preview=None
        ), 200 if asking and request.method == "GET" else 400
    form.source.data = (source.year, source.month)
    status = 200
    if request.method == "POST":
        if form.validate() and form.confirm_count.data == str(preview.copied):
            result = budgets.copy_month(
                db.session, (source.year, source.month), (target.year, target.month)
            )
            db.session.commit()
            kept = f"; kept the {_plural(result.kept, 'budget')} already set" if result.kept else ""
            flash(f"Copied {_plural(result.copied, 'budget')} from {source.name}{kept}.", "success")
            return redirect(url_for("budgets.index", month=target.value))
        flash("Confirm the copy on this page first: check the count again.", "warning")
        status = 400
    form.confirm_count.data = str(preview.copied)
    return render_template(
        "budgets/copy.html",
        form=form,
        target_form=target_form,
        preview=preview,
        source=source,
        target=target,
    ), status
