"""API bodies for recurring bills (commitments): the bill, upcoming bills, payment history."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.api.ledger_schemas import (
    CreatedBy,
    Id,
    MoneyField,
    StrictBoolean,
    UpdatedBy,
)
from homeledger.models.planning import FREQUENCIES
from homeledger.services.bill_matching import MAX_HISTORY_MONTHS
from homeledger.services.commitments import MAX_UPCOMING_DAYS

_TEXT = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")
_POSITIVE = {"description": "What one payment costs, more than 0.", "example": "79.00"}
_PAID = {"description": "What the bill costs each time, positive.", "example": "79.00"}


class CommitmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 100), _TEXT])
    amount = MoneyField(required=True, metadata=_POSITIVE)
    frequency = fields.String(required=True, validate=validate.OneOf(FREQUENCIES))
    due_day = fields.Integer(
        allow_none=True,
        validate=validate.Range(1, 31),
        metadata={
            "description": "Day of the month a monthly, quarterly or yearly bill falls due "
            "(a shorter month: its last day). Default: the start date's day. Ignored for "
            "weekly and fortnightly bills."
        },
    )
    category_id = Id(allow_none=True)
    owner_id = Id(allow_none=True)
    start_date = fields.Date(
        allow_none=True,
        metadata={
            "description": "The first due date; later ones follow every period from it. "
            "Without one, the bill is anchored on the month it was recorded (on its due "
            "day; weekly and fortnightly: the day it was recorded)."
        },
    )
    end_date = fields.Date(
        allow_none=True,
        metadata={"description": "Nothing falls due after it; not before start_date."},
    )
    is_active = StrictBoolean(
        metadata={"description": "false pauses the bill: it falls due nowhere. Default true."}
    )
    notes = fields.String(
        allow_none=True,
        validate=validate.Length(max=5000),
        metadata={
            "description": "Free text. Its words also help find the payments, e.g. "
            '"Paid to ORIGIN ENERGY" for a bill called "Electricity".'
        },
    )
    monthly_equivalent = MoneyField(
        dump_only=True,
        metadata={
            "example": "79.00",
            "description": "Cost in an average month: weekly x 52/12, fortnightly x 26/12, "
            "quarterly / 3, yearly / 12, rounded half up to the cent.",
        },
    )
    in_monthly_total = fields.Boolean(
        dump_only=True,
        metadata={"description": "Counted in `monthly_total`: active and not ended today."},
    )
    next_due = fields.Date(
        dump_only=True, allow_none=True, metadata={"description": "From today on; null if none."}
    )
    created_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()


class CommitmentPatchSchema(CommitmentSchema):
    """Any subset of the fields; ``null`` clears due day, category, owner, dates or notes."""


class CommitmentListSchema(Schema):
    items = fields.List(fields.Nested(CommitmentSchema), required=True)
    monthly_total = MoneyField(
        required=True,
        metadata={
            "example": "250.00",
            "description": "The sum of the listed `monthly_equivalent`s of the bills "
            "`in_monthly_total`, so the list adds up to it exactly.",
        },
    )


class UpcomingQuery(Schema):
    days = fields.Integer(
        load_default=30,
        validate=validate.Range(1, MAX_UPCOMING_DAYS),
        metadata={"description": "How many days, counting the first (1: that day alone)."},
    )
    from_day = fields.Date(
        data_key="from", metadata={"description": "The first day; default today."}
    )


class OccurrenceSchema(Schema):
    commitment_id = fields.Integer(required=True)
    name = fields.String(required=True)
    date = fields.Date(required=True)
    amount = MoneyField(required=True, metadata=_PAID)
    category_id = fields.Integer(required=True, allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    frequency = fields.String()


class UpcomingSchema(Schema):
    from_day = fields.Date(data_key="from", attribute="start", required=True)
    to = fields.Date(attribute="end", required=True, metadata={"description": "Inclusive."})
    occurrences = fields.List(fields.Nested(OccurrenceSchema), required=True)
    total = MoneyField(required=True, metadata={"example": "250.00"})


class HistoryQuery(Schema):
    months = fields.Integer(
        load_default=12,
        validate=validate.Range(1, MAX_HISTORY_MONTHS),
        metadata={"description": "How far back from today, in months."},
    )


class PaymentSchema(Schema):
    id = fields.Integer(attribute="transaction_id", required=True)
    date = fields.Date(required=True)
    description = fields.String(required=True)
    amount = MoneyField(
        required=True,
        metadata={"description": "What was paid, as a positive amount.", "example": "79.00"},
    )


_STATUS = (
    "`paid` (the amount as recorded), `changed` (paid, another amount), `missed` (no "
    "payment and the window has closed), `due` (no payment yet, still inside the window)."
)


class MatchedSchema(Schema):
    commitment_id = fields.Integer(attribute="occurrence.commitment_id", required=True)
    name = fields.String(attribute="occurrence.name", required=True)
    date = fields.Date(attribute="occurrence.date", required=True)
    amount = MoneyField(attribute="occurrence.amount", required=True, metadata=_PAID)
    category_id = fields.Integer(attribute="occurrence.category_id", allow_none=True)
    status = fields.String(
        required=True,
        metadata={"enum": ["paid", "changed", "missed", "due"], "description": _STATUS},
    )
    missed = fields.Boolean(required=True)
    amount_changed = fields.Boolean(required=True)
    transaction = fields.Nested(PaymentSchema, attribute="payment", allow_none=True)
    difference = MoneyField(
        allow_none=True, metadata={"description": "Paid minus due; null when not paid."}
    )
    days_late = fields.Integer(
        allow_none=True, metadata={"description": "Paid this many days after the due date."}
    )


class HistorySchema(Schema):
    from_day = fields.Date(data_key="from", attribute="start", required=True)
    to = fields.Date(attribute="end", required=True)
    occurrences = fields.List(fields.Nested(MatchedSchema), required=True)
