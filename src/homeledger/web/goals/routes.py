"""Savings goal pages: the goals with their progress and a chart, add, edit, delete (after a
question), and each goal's page with what to save a month and its contributions, where money
is put in or taken out, and a contribution removed (after a question)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import categories, goals
from homeledger.services.goals import ContributionInput, GoalInput
from homeledger.services.periods import add_months
from homeledger.web import months
from homeledger.web.charts import chart_spec
from homeledger.web.formats import format_money
from homeledger.web.forms import (
    DeleteForm,
    active_choices,
    attempt,
    confirmed,
    current_ledger,
    form_page,
    list_url_from,
    optional_id,
    shown_status,
)
from homeledger.web.goals.forms import ContributionForm, GoalForm

bp = Blueprint("goals", __name__, url_prefix="/goals")

_FORM_FIELD = {"owner_id": "owner"}


@bp.context_processor
def _words() -> dict:
    return {"percent": percent, "shown_progress": shown_progress}


def percent(progress) -> str:
    """ "112 %": the whole percent reached, rounded down (99.99 % is not 100 %)."""
    return f"{int(progress)} %"


def shown_progress(progress):
    """What a bar or the chart shows: 0 to 100, however far past its target a goal is."""
    return min(max(progress, 0), 100)


def _back(goal_id: int | None = None) -> str:
    """Where the form was opened from: the list (with its query string) or the goal's page,
    else the list."""
    back = request.args.get("back")
    if goal_id is not None:
        page = url_for("goals.show", goal_id=goal_id)
        if list_url_from(back, page) == back:
            return back
    return list_url_from(back, url_for("goals.index"))


# --- the list -------------------------------------------------------------------------------


@bp.route("")
@login_required
def index():
    """Every goal with its progress, what is still needed a month and whether the saving
    keeps pace; a chart of how far each has come."""
    today = months.today()
    found = goals.statuses(db.session, goals.list_goals(db.session), today)
    spec = chart_spec(
        "hbar",
        [s.goal.name for s in found],
        [("Reached", [shown_progress(s.progress) for s in found])],
        percent=True,
        y_max=100,
    )
    return render_template(
        "goals/index.html",
        found=found,
        spec=spec,
        owner_names=_owner_names(),
        today=today,
        here=request.full_path.rstrip("?"),
    )


def _owner_names() -> dict[int, str]:
    return {o.id: o.name for o in categories.list_owners(db.session)}


# --- add, edit, delete ----------------------------------------------------------------------


def _goal_form(goal=None) -> GoalForm:
    form = GoalForm(obj=goal)
    if goal is not None:
        form.for_editing()
        if not form.is_submitted():
            form.owner.data = str(goal.owner_id or "")
    keep = goal.owner_id if goal is not None else None
    form.owner.choices = active_choices(categories.list_owners(db.session), "No owner", keep)
    return form


def _input(form: GoalForm) -> GoalInput:
    return GoalInput(
        name=form.name.data or "",
        target_amount=form.target_amount.data,
        current_amount=form.current_amount.data,
        target_date=form.target_date.data,
        owner_id=optional_id(form.owner.data),
        is_active=bool(form.is_active.data),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a goal. 400 naming every wrong field, nothing written."""
    form = _goal_form()
    return form_page(
        form,
        lambda: goals.create(db.session, _input(form)),
        lambda goal: f"Added the goal “{goal.name}”.",
        _back(),
        "goals/form.html",
        _FORM_FIELD,
        goal=None,
    )


@bp.route("/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(goal_id: int):
    """Change a goal. 404 when it is not in this ledger; 400 naming every wrong field."""
    goal = goals.get(db.session, goal_id)
    form = _goal_form(goal)
    return form_page(
        form,
        lambda: goals.edit(db.session, goal_id, _input(form)),
        lambda saved: f"Saved the goal “{saved.name}”.",
        _back(goal_id),
        "goals/form.html",
        _FORM_FIELD,
        goal=goal,
    )


@bp.route("/<int:goal_id>/delete", methods=["GET", "POST"])
@login_required
def delete(goal_id: int):
    """Ask, then (POST carrying this page's answer: the goal and its number of
    contributions) delete a goal and its contributions. 404 when it is not in this ledger;
    400, deleting nothing, for a post that skipped the question or counted other
    contributions."""
    goal = goals.get(db.session, goal_id)
    count = len(goals.contributions(db.session, goal))
    form = DeleteForm()
    back = _back(goal_id)
    if confirmed(form, confirm=goal.id, confirm_count=count):
        name = goal.name
        goals.remove(db.session, goal_id)
        db.session.commit()
        flash(f"Deleted the goal “{name}” and its contributions.", "success")
        gone = url_for("goals.show", goal_id=goal_id)
        return redirect(url_for("goals.index") if back == gone else back)
    return render_template(
        "goals/delete.html", form=form, goal=goal, count=count, back=back
    ), shown_status()


# --- a goal's page and its contributions ----------------------------------------------------


def _months(today: date) -> dict:
    """The months the page names: the three it averages over, and the next one."""
    start, end = goals.recent_months(today)
    following = date(*add_months(today.year, today.month, 1), 1)
    last = date(*add_months(end.year, end.month, -1), 1)
    return {"recent_start": start, "recent_last": last, "following": following}


def _show(goal_id: int, form: ContributionForm, status: int = 200):
    today = months.today()
    goal = goals.get(db.session, goal_id)
    if not form.is_submitted():
        form.date.data = today
    return render_template(
        "goals/show.html",
        goal=goal,
        s=goals.statuses(db.session, [goal], today)[0],
        found=goals.contributions(db.session, goal),
        form=form,
        owner_names=_owner_names(),
        today=today,
        here=url_for("goals.show", goal_id=goal_id),
        **_months(today),
    ), status


@bp.route("/<int:goal_id>")
@login_required
def show(goal_id: int):
    """A goal's figures in words and its contributions, newest first, with the form to add
    one. 404 when it is not in this ledger."""
    return _show(goal_id, ContributionForm())


@bp.route("/<int:goal_id>/contributions", methods=["POST"])
@login_required
def contribute(goal_id: int):
    """Put money in or take it out. 404 when the goal is not in this ledger; 400 naming
    every wrong field (taking out more than is saved, say), nothing written."""
    goal = goals.get(db.session, goal_id)
    form = ContributionForm()
    if form.validate_on_submit():
        out = form.direction.data == "out"
        data = ContributionInput(
            date=form.date.data, amount=-form.amount.data if out else form.amount.data
        )
        if done := attempt(
            form,
            lambda: goals.add_contribution(db.session, goal_id, data),
            lambda row: (
                f"{'Took' if out else 'Put'} {_money(abs(row.amount))} "
                f"{'out of' if out else 'into'} “{goal.name}”: "
                f"{_money(goal.current_amount)} saved now."
            ),
            url_for("goals.show", goal_id=goal_id),
        ):
            return done
    return _show(goal_id, form, 400)


@bp.route("/<int:goal_id>/contributions/<int:contribution_id>/delete", methods=["GET", "POST"])
@login_required
def remove_contribution(goal_id: int, contribution_id: int):
    """Ask, then (POST carrying this page's answer) remove a contribution, changing what is
    saved back. 404 when either is not in this ledger; 400, removing nothing, for a post
    that skipped the question or would leave the goal below zero."""
    goal, row = goals.get_contribution(db.session, goal_id, contribution_id)
    form = DeleteForm()
    page = url_for("goals.show", goal_id=goal_id)
    if confirmed(form, "removal", confirm=row.id):
        amount = row.amount
        if done := attempt(
            form,
            lambda: goals.remove_contribution(db.session, goal_id, contribution_id),
            lambda _: (
                f"Removed the contribution of {_money(amount)}: "
                f"{_money(goal.current_amount)} saved now."
            ),
            page,
        ):
            return done
    status = shown_status()
    return render_template(
        "goals/remove_contribution.html",
        form=form,
        goal=goal,
        row=row,
        after=goal.current_amount - row.amount,
        back=page,
    ), status


def _money(amount) -> str:
    return format_money(amount, current_ledger().currency)
