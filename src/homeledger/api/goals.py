"""Savings goals over the API: the goals, how each stands, and their contributions."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint

from homeledger.api.goal_schemas import ContributionSchema, GoalPatchSchema, GoalSchema
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.models import SavingsGoal
from homeledger.services import goals
from homeledger.services.goals import ContributionInput, GoalInput, GoalStatus

blp = Blueprint(
    "api_goals",
    __name__,
    description="Savings goals: a target, what is saved so far, the monthly saving still "
    "needed to reach it by its date, and whether recent saving keeps pace.",
)

_SHOWN = (
    "id",
    "name",
    "target_amount",
    "current_amount",
    "target_date",
    "owner_id",
    "is_active",
    "created_at",
    "created_by_id",
    "updated_by_id",
)
_STATUS = ("missing", "reached", "months_left", "required_monthly", "recent_average", "on_track")


def _shown(status: GoalStatus) -> dict:
    shown = {name: getattr(status.goal, name) for name in _SHOWN}
    shown |= {name: getattr(status, name) for name in _STATUS}
    return shown | {"progress": float(status.progress)}  # two decimals: exact as JSON


def _answer(goal: SavingsGoal) -> dict:
    return _shown(goals.statuses(db.session, [goal], date.today())[0])


@blp.get("/goals")
@documented(blp)
@blp.response(200, GoalSchema(many=True))
def list_goals():
    """Every goal, active ones first, the nearest target date first (none last), each
    with how it stands today."""
    found = goals.statuses(db.session, goals.list_goals(db.session), date.today())
    return [_shown(s) for s in found]


@blp.post("/goals")
@documented(blp)
@blp.arguments(GoalSchema)
@blp.response(201, GoalSchema)
def create_goal(body):
    """Start a goal: a name and a target, optionally a date and what is saved already."""
    goal = goals.create(db.session, GoalInput(**body))
    db.session.commit()
    return _answer(goal)


@blp.get("/goals/<int:goal_id>")
@documented(blp)
@blp.response(200, GoalSchema)
def get_goal(goal_id):
    """One goal and how it stands today."""
    return _answer(goals.get(db.session, goal_id))


@blp.patch("/goals/<int:goal_id>")
@documented(blp)
@blp.arguments(GoalPatchSchema(partial=True))
@blp.response(200, GoalSchema)
def edit_goal(body, goal_id):
    """Change some fields of a goal; a new `current_amount` corrects what is saved."""
    goal = goals.edit(db.session, goal_id, GoalInput(**body))
    db.session.commit()
    return _answer(goal)


@blp.delete("/goals/<int:goal_id>")
@documented(blp)
@blp.response(204)
def delete_goal(goal_id):
    """Delete a goal and its contributions."""
    goals.remove(db.session, goal_id)
    db.session.commit()


@blp.get("/goals/<int:goal_id>/contributions")
@documented(blp)
@blp.response(200, ContributionSchema(many=True))
def list_contributions(goal_id):
    """The goal's contributions, newest first."""
    return goals.contributions(db.session, goals.get(db.session, goal_id))


@blp.post("/goals/<int:goal_id>/contributions")
@documented(blp)
@blp.arguments(ContributionSchema)
@blp.response(201, GoalSchema)
def add_contribution(body, goal_id):
    """Put money into the goal (or, negative, take it out); answers the goal, updated.
    Taking out more than is saved is refused (422 on `amount`)."""
    goals.add_contribution(db.session, goal_id, ContributionInput(**{"date": date.today()} | body))
    db.session.commit()
    return _answer(goals.get(db.session, goal_id))


@blp.delete("/goals/<int:goal_id>/contributions/<int:contribution_id>")
@documented(blp)
@blp.response(200, GoalSchema)
def delete_contribution(goal_id, contribution_id):
    """Remove a contribution: what is saved goes back by its amount. Answers the goal."""
    goals.remove_contribution(db.session, goal_id, contribution_id)
    db.session.commit()
    return _answer(goals.get(db.session, goal_id))
