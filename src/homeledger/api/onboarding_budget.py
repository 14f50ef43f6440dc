"""The wizard's budget step over the API: what it offers (GET) and saving it (PUT)."""

from __future__ import annotations

from marshmallow import Schema, fields

from homeledger.api.budget_schemas import Amount, MonthField
from homeledger.api.ledger_schemas import Id
from homeledger.api.onboarding import (
    STEP_ANSWERS,
    StepRefused,
    StepSaved,
    blp,
    documented,
    refused_unless_reachable,
    step_saved,
)
from homeledger.extensions import db
from homeledger.services import onboarding_budget
from homeledger.services.periods import month_text
from homeledger.web.months import today

STEP = "budget"


class BudgetStepQuery(Schema):
    monthly_income = Amount(
        metadata={
            "description": "A monthly income to split into starter budgets, used when the "
            "ledger has no history for suggestions. Above 0.",
            "example": "4000.00",
        }
    )


class OfferedLine(Schema):
    category_id = fields.Integer(required=True)
    category = fields.String(required=True)
    amount = Amount(required=True, metadata={"description": "The amount offered; adjust it."})
    reason = fields.String(
        required=True, metadata={"description": "Why this amount, in words a person can check."}
    )


class ExpenseCategory(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class BudgetStep(Schema):
    month = fields.String(
        required=True,
        metadata={
            "example": "2026-03",
            "description": "The month of the first budget: the budgeting month of the "
            "latest transaction (where the overview opens when the wizard finishes), or this "
            "budgeting month for an empty ledger.",
        },
    )
    source = fields.String(
        required=True,
        metadata={
            "enum": [
                onboarding_budget.RECOMMENDER,
                onboarding_budget.STARTER,
                onboarding_budget.NONE,
            ],
            "description": "`recommender`: suggestions from the ledger's history; "
            "`starter`: a split of `monthly_income`; `none`: no history, so ask for a "
            "monthly income and send it as `monthly_income`.",
        },
    )
    monthly_income = Amount(allow_none=True, required=True)
    lines = fields.List(fields.Nested(OfferedLine), required=True)
    categories = fields.List(
        fields.Nested(ExpenseCategory),
        required=True,
        metadata={"description": "The expense categories a budget may be set on."},
    )


class BudgetEntry(Schema):
    category_id = Id(required=True, metadata={"description": "An expense category."})
    amount = Amount(required=True, metadata={"description": "0 or more; 0: no budget here."})
    owner_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "One owner's budget; null or absent: the whole household's."},
    )


class SaveBudgetStep(Schema):
    month = MonthField(required=True)
    budgets = fields.List(
        fields.Nested(BudgetEntry),
        required=True,
        metadata={"description": "The budgets to set; an empty list sets none for now."},
    )


def _answer(found: onboarding_budget.Proposal) -> dict:
    return {
        "month": month_text(found.period.year, found.period.month),
        "source": found.source,
        "monthly_income": found.monthly_income,
        "lines": found.lines,
        "categories": found.categories,
    }


@blp.get("/budget")
@documented
@blp.arguments(BudgetStepQuery, location="query")
@blp.response(200, BudgetStep)
@blp.alt_response(409, schema=StepRefused, description=STEP_ANSWERS)
def budget_step(args):
    """The budget step: the month, and amounts to start from.

    Where the ledger has history, the recommender's suggestions with their reasons
    (`source: recommender`); otherwise, given `monthly_income`, a starter split of it
    over the universal expense categories, in whole currency units, leaving 18 % for
    savings (`starter`); otherwise no lines (`none`). A `monthly_income` of 0 or less is
    a 422 naming it.
    """
    if refused := refused_unless_reachable(STEP):
        return refused
    found = onboarding_budget.proposal(db.session, today(), args.get("monthly_income"))
    return _answer(found)


@blp.put("/budget")
@documented
@blp.arguments(SaveBudgetStep)
@blp.response(200, StepSaved)
@blp.alt_response(409, schema=StepRefused, description=STEP_ANSWERS)
def save_budget_step(body):
    """Save the budget step: set the month's budgets, then go on (`next_step: complete`).

    The fields are those of `PUT /budgets`. An amount of 0 means no budget for that
    category (one set before goes). A bad line is a 422 naming it (`budgets.2.amount`:
    negative; `budgets.0.category_id`: unknown, or not an expense category) and nothing
    is written. An empty list sets no budget for now.
    """
    if refused := refused_unless_reachable(STEP):
        return refused
    onboarding_budget.save(
        db.session,
        *body["month"],
        [onboarding_budget.BudgetInput(**line) for line in body["budgets"]],
    )
    return step_saved(STEP)
