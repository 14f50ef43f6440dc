"""Budget advice over the API: suggested budgets (and applying them), and budgets raised
to the bills falling due."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint

from homeledger.api.advice_schemas import (
    AppliedSchema,
    ApplyRecommendationsSchema,
    RecommendationQuery,
    RecommendationsSchema,
    SyncAnswer,
    SyncSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import bill_budgets, recommender
from homeledger.services.periods import month_text

blp = Blueprint(
    "api_budget_advice",
    __name__,
    description="Suggested budgets with their reasons, and budgets raised to the bills due.",
)


@blp.get("/budgets/recommendations")
@documented(blp)
@blp.arguments(RecommendationQuery, location="query")
@blp.response(200, RecommendationsSchema)
def recommendations(args):
    """Suggested budgets for a month, one per expense category with history or bills.

    Each comes from the complete budgeting months before it (the month in progress
    never counts): the median of the last 6 to 12, plus the quarterly and yearly bills
    due that month (or a seasonal rise seen in each of the two years before), and
    never below the bills due. `reason` says how, in words a person can check.
    """
    found = recommender.recommend(db.session, *args["month"], date.today())
    return {
        "month": month_text(*args["month"]),
        "history_months": found.history_months,
        "suggestions": found.suggestions,
    }


@blp.post("/budgets/recommendations/apply")
@documented(blp)
@blp.arguments(ApplyRecommendationsSchema)
@blp.response(200, AppliedSchema)
def apply_recommendations(body):
    """Set the month's household budgets to the suggestions (all, or `category_ids`').

    Applying again sets the same amounts, so it changes nothing more. A category with
    no suggestion this month is a 422 naming `category_ids`.
    """
    applied = recommender.apply(db.session, *body["month"], date.today(), body.get("category_ids"))
    db.session.commit()
    return {"month": month_text(*body["month"]), "applied": applied}


@blp.post("/budgets/sync-commitments")
@documented(blp)
@blp.arguments(SyncSchema)
@blp.response(200, SyncAnswer)
def sync_commitments(body):
    """Raise each expense category's household budget to at least its bills due in the month.

    A quarterly or yearly bill counts in the month it falls due. Budgets already that
    high are left alone, so a second run answers no changes. `dry_run` (the default)
    says what would change and writes nothing.
    """
    changes = bill_budgets.sync_from_bills(db.session, *body["month"], dry_run=body["dry_run"])
    if not body["dry_run"]:
        db.session.commit()
    return {
        "month": month_text(*body["month"]),
        "dry_run": body["dry_run"],
        "changes": [
            {
                "category_id": change.category_id,
                "category": change.category,
                "before": change.before,
                "after": change.after,
                "bills": [bill.name for bill in change.bills],
            }
            for change in changes
        ],
    }
