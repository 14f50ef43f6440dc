"""API bodies for the ledger: transactions, categories, owners, rules."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from homeledger.models.base import MAX_ID
from homeledger.models.categories import CATEGORY_TYPES
from homeledger.models.transactions import RULE_MATCH_TYPES
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.filters import FLOWS
from homeledger.services.transactions import SORTS

_TEXT = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")


def Id(**kwargs) -> fields.Integer:
    """An id of something in the ledger: a positive number an INTEGER column can hold."""
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``, nothing else: 0, 1, "yes" and "true" are refused.

    Query strings keep marshmallow's ``Boolean`` (they can only carry text).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Send true or false.")
        return value


_AMOUNT_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class MoneyField(fields.Field):
    """An exact amount, sent and received as a string like "-12.34" (never a float)."""

    def __init__(self, **kwargs) -> None:
        # A field's own example or description wins over the generic one.
        kwargs["metadata"] = {
            "type": "string",
            "pattern": r"^-?\d+(\.\d{1,2})?$",
            "example": "-12.34",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError('Send amounts as strings, like "-12.34".')
        # Plain digits only: Decimal would read "1_0" as 10 and "1e3" as 1000.
        if not _AMOUNT_TEXT.fullmatch(value.strip()):
            raise ValidationError(f'{value[:40]!r} is not an amount: write it like "-12.34".')
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(f"{value[:40]!r} is not an amount.") from None
        if problem := amount_problem(amount):
            raise ValidationError(f"{problem[:1].upper()}{problem[1:]}.")
        return amount.quantize(CENT)


def CreatedBy() -> fields.Integer:
    """Who added a row, read only: what a person in a shared ledger asks of it."""
    return fields.Integer(
        attribute="created_by_id",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The id of the user who added it (GET /api/v1/ledger/members "
            "names them); null if not known or their account is gone."
        },
    )


def UpdatedBy() -> fields.Integer:
    """Who changed a row last, read only."""
    return fields.Integer(
        attribute="updated_by_id",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The id of the user who changed it last; null if it has not "
            "changed since it was added, or their account is gone."
        },
    )


class TransactionSchema(Schema):
    id = fields.Integer(dump_only=True)
    date = fields.Date(required=True)
    description = fields.String(validate=validate.Length(max=500))
    amount = MoneyField(required=True)
    category_id = Id(allow_none=True)
    owner_id = Id(allow_none=True)
    account = fields.String(allow_none=True, validate=validate.Length(max=100))
    notes = fields.String(allow_none=True, validate=validate.Length(max=5000))
    import_batch_id = fields.Integer(dump_only=True, allow_none=True)
    bank_id = fields.String(dump_only=True, allow_none=True)
    review_reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Why this row needs a look; clear it by editing the row."},
    )
    rule_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "The rule that set the category."}
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()


class TransactionPatchSchema(TransactionSchema):
    """Any subset of the fields; use as ``TransactionPatchSchema(partial=True)``."""


MINE = {
    "description": "Only your own rows: those of the household owner you are linked to in "
    "this ledger (the `owner_id` of your entry in GET /api/v1/ledger/members). Not "
    "together with `owner_id`; 422 on `mine` if you are not linked to one."
}


class TransactionQuery(Schema):
    search = fields.String(validate=validate.Length(max=100))
    month = fields.String(
        validate=validate.Regexp(
            r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$", error="Use YYYY-MM, years 1900-2199."
        ),
        metadata={
            "example": "2026-03",
            "description": "A budgeting month: it starts on the ledger's month start day. "
            "Give a month or date_from/date_to, not both.",
        },
    )
    date_from = fields.Date()
    date_to = fields.Date()
    category_id = fields.List(Id())
    uncategorised = fields.Boolean()
    owner_id = Id()
    mine = fields.Boolean(metadata=MINE)
    account = fields.String(validate=validate.Length(max=100))
    amount_min = MoneyField()
    amount_max = MoneyField()
    import_batch_id = Id()
    needs_review = fields.Boolean(
        metadata={"description": "Only rows flagged for review (e.g. by legacy migration)."}
    )
    flow = fields.String(
        validate=validate.OneOf(FLOWS),
        metadata={
            "description": "Only the rows behind an analytics figure: `income`, `spending`, "
            "or `net` (every row but transfers)."
        },
    )
    sort = fields.String(load_default="date_desc", validate=validate.OneOf(list(SORTS)))
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class TransactionPage(Schema):
    items = fields.List(fields.Nested(TransactionSchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the next page."},
    )
    previous_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the page before this one."},
    )


class FilterSchema(TransactionQuery):
    """The filter inside a JSON body: the same fields, with JSON's own booleans."""

    class Meta:
        exclude = ("sort", "cursor", "limit")

    uncategorised = StrictBoolean()
    needs_review = StrictBoolean()
    mine = StrictBoolean(metadata=MINE)


class BulkEditSchema(Schema):
    ids = fields.List(Id(), validate=validate.Length(1, 10_000))
    filter = fields.Nested(FilterSchema)
    category_id = Id(allow_none=True)
    owner_id = Id(allow_none=True)

    @validates_schema
    def _one_selection(self, data, **kwargs):
        if ("ids" in data) == ("filter" in data):
            raise ValidationError("Give either ids or filter.", "ids")
        if "category_id" not in data and "owner_id" not in data:
            raise ValidationError("Set category_id, owner_id or both.", "category_id")


class CountSchema(Schema):
    changed = fields.Integer(required=True)


class SkippedRuleSchema(Schema):
    """A rule left out of an import or a rules run because its regular expression was
    too slow (each match may take 50 ms, and a run 2 s of regular-expression time)."""

    id = fields.Integer(metadata={"description": "The rule."})
    name = fields.String()
    reason = fields.String(metadata={"description": "Why it was left out, for a person."})


SKIPPED_RULES = {
    "description": "Rules left out of this run because their regular expression was too "
    "slow; rows they would have matched were matched by the next rule, or by none."
}


class RulesAppliedSchema(CountSchema):
    skipped_rules = fields.List(fields.Nested(SkippedRuleSchema), metadata=SKIPPED_RULES)


class CategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 64), _TEXT])
    type = fields.String(validate=validate.OneOf(CATEGORY_TYPES), metadata={"default": "expense"})
    color = fields.String(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$"))
    is_active = StrictBoolean()


class CategoryPatchSchema(CategorySchema):
    """Any subset of the fields."""


class OwnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 64), _TEXT])
    is_active = StrictBoolean()


class OwnerPatchSchema(OwnerSchema):
    """Any subset of the fields."""


class MergeSchema(Schema):
    target_id = Id(required=True, metadata={"description": "What this one is folded into."})


class RuleSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    pattern = fields.String(required=True, validate=validate.Length(1, 200))
    match_type = fields.String(load_default="contains", validate=validate.OneOf(RULE_MATCH_TYPES))
    priority = fields.Integer(load_default=100, metadata={"description": "Lower runs first."})
    amount_min = MoneyField(allow_none=True)
    amount_max = MoneyField(allow_none=True)
    account = fields.String(allow_none=True, validate=validate.Length(max=100))
    set_category_id = Id(allow_none=True)
    set_owner_id = Id(allow_none=True)
    is_active = StrictBoolean(load_default=True)


class ApplyRulesSchema(Schema):
    only_uncategorised = StrictBoolean(load_default=True)
    dry_run = StrictBoolean(
        load_default=True, metadata={"description": "Count what would change; write nothing."}
    )
