"""API bodies of budget advice: suggested budgets and budgets raised to the bills."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.api.budget_schemas import Amount, MonthField
from homeledger.api.ledger_schemas import Id, StrictBoolean


class RecommendationQuery(Schema):
    month = MonthField(required=True)


class SuggestionSchema(Schema):
    category_id = fields.Integer(required=True)
    category = fields.String(required=True)
    amount = Amount(required=True, metadata={"description": "The suggested budget."})
    committed = Amount(
        required=True,
        metadata={"description": "What the category's bills due this month come to."},
    )
    usual = Amount(
        metadata={"description": "The usual month: median (or, with 1-2 months, average)."}
    )
    current = Amount(
        allow_none=True,
        metadata={
            "description": "The category's budget now (its household budget, else its "
            "owners' budgets added up); null without one."
        },
    )
    reason = fields.String(
        required=True,
        metadata={
            "example": "median of the last 6 months 412.50; "
            "Car insurance (yearly) due this month +780.00"
        },
    )


class RecommendationsSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2026-08"})
    history_months = fields.Integer(
        metadata={"description": "Complete months before this one the suggestions use (0-12)."}
    )
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)


class ApplyRecommendationsSchema(Schema):
    month = MonthField(required=True)
    category_ids = fields.List(
        Id(),
        validate=validate.Length(max=1000),
        metadata={"description": "Only these categories' suggestions; absent: all of them."},
    )


class AppliedSchema(Schema):
    month = fields.String(required=True)
    applied = fields.List(fields.Nested(SuggestionSchema), required=True)


class SyncSchema(Schema):
    month = MonthField(required=True)
    dry_run = StrictBoolean(
        load_default=True, metadata={"description": "Say what would change; write nothing."}
    )


class BudgetChangeSchema(Schema):
    category_id = fields.Integer(required=True)
    category = fields.String()
    before = Amount(
        required=True,
        allow_none=True,
        data_key="from",
        metadata={
            "description": "The category's budget before (its household budget, else its "
            "owners' budgets added up); null where there was none."
        },
    )
    after = Amount(required=True, data_key="to")
    bills = fields.List(fields.String(), metadata={"description": "The bills due, by name."})


class SyncAnswer(Schema):
    month = fields.String(required=True)
    dry_run = fields.Boolean()
    changes = fields.List(fields.Nested(BudgetChangeSchema), required=True)
