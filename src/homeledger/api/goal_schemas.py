"""API bodies for savings goals and their contributions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.api.ledger_schemas import (
    CreatedBy,
    Id,
    MoneyField,
    StrictBoolean,
    UpdatedBy,
)

_TEXT = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")


class GoalSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 100), _TEXT])
    target_amount = MoneyField(
        required=True, metadata={"description": "More than 0.", "example": "5000.00"}
    )
    current_amount = MoneyField(
        metadata={
            "description": "What is saved so far, 0 or more (default 0): an opening amount or "
            "a correction. Contributions added and removed keep it up to date.",
            "example": "1250.00",
        }
    )
    target_date = fields.Date(
        allow_none=True, metadata={"description": "When it should be reached; optional."}
    )
    owner_id = Id(allow_none=True)
    is_active = StrictBoolean(metadata={"description": "false: paused. Default true."})
    created_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()
    progress = fields.Float(
        dump_only=True,
        metadata={
            "description": "Percent of the target saved, two decimals, rounded down; more "
            "than 100 once the target is passed.",
            "example": 25.0,
        },
    )
    missing = MoneyField(
        dump_only=True,
        metadata={"description": "Still to save; 0.00 once reached.", "example": "3750.00"},
    )
    reached = fields.Boolean(dump_only=True)
    months_left = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Months from next month through the target date's month, at "
            "least 1 (a past date counts as 1); null without a target date."
        },
    )
    required_monthly = MoneyField(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "`missing` / `months_left`, rounded up to the cent; 0.00 once "
            "reached; null without a target date.",
            "example": "312.50",
        },
    )
    recent_average = MoneyField(
        dump_only=True,
        metadata={
            "description": "Average contributed a month over the last three complete months "
            "(rounded down to the cent).",
            "example": "300.00",
        },
    )
    on_track = fields.Boolean(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "`recent_average` is at least `required_monthly`; true once "
            "reached; null without a target date."
        },
    )


class GoalPatchSchema(GoalSchema):
    """Any subset of the fields; ``null`` clears the target date or owner."""


class ContributionSchema(Schema):
    id = fields.Integer(dump_only=True)
    goal_id = fields.Integer(dump_only=True)
    date = fields.Date(metadata={"description": "Default today."})
    amount = MoneyField(
        required=True,
        metadata={
            "description": "Put in (positive) or taken out (negative), not 0; the goal may "
            "not go below 0 saved.",
            "example": "250.00",
        },
    )
    created_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()
