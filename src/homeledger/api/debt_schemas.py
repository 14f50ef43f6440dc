"""API bodies for debts: the debt, its payments and the payoff plan.

Money is a string with two decimals; an interest rate is a string percent with three
(``"19.990"`` for 19.99 %); a month is ``YYYY-MM``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from homeledger.api.budget_schemas import MonthField
from homeledger.api.ledger_schemas import (
    CreatedBy,
    Id,
    MoneyField,
    StrictBoolean,
    UpdatedBy,
)
from homeledger.api.schemas import ErrorDetail
from homeledger.models.planning import DEBT_TYPES
from homeledger.services.payoff import STRATEGIES

_TEXT = validate.Predicate("isprintable", error="Contains characters that cannot be typed.")
_RATE_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,12})?")
_RATE = Decimal("0.001")


class RateField(fields.Field):
    """An annual interest rate in percent, sent and received as a string like "19.99".

    A JSON number is refused, as for money: a float cannot hold 19.99 exactly.
    """

    def __init__(self, **kwargs) -> None:
        kwargs["metadata"] = {
            "type": "string",
            "pattern": r"^\d{1,3}(\.\d{1,3})?$",
            "example": "19.990",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(Decimal(value).quantize(_RATE))

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError('Send the rate as a string, like "19.99".')
        if not _RATE_TEXT.fullmatch(value.strip()):
            raise ValidationError(f'{value[:40]!r} is not a rate: write it like "19.99".')
        try:
            return Decimal(value.strip())  # range and decimals: the service says
        except InvalidOperation:
            raise ValidationError(f"{value[:40]!r} is not a rate.") from None


_BALANCE = {
    "description": "What is owed now, 0 or more. Correct it from a statement at any time; "
    "recording a payment takes its amount off.",
    "example": "1000.00",
}


class DebtSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 100), _TEXT])
    lender = fields.String(
        allow_none=True, validate=validate.Length(max=100), metadata={"example": "Big Bank"}
    )
    debt_type = fields.String(
        validate=validate.OneOf(DEBT_TYPES), metadata={"description": "Default `other`."}
    )
    original_amount = MoneyField(
        allow_none=True,
        metadata={"description": "What was borrowed, 0 or more (optional).", "example": "2500.00"},
    )
    current_balance = MoneyField(required=True, metadata=_BALANCE)
    interest_rate = RateField(
        allow_none=True,
        metadata={
            "description": "Annual rate in percent, from 0 to 100, at most three decimals, "
            'sent as a string ("19.99"); answered with three decimals ("19.990"). '
            "Left out or null: 0."
        },
    )
    minimum_payment = MoneyField(
        allow_none=True,
        metadata={
            "description": "The monthly minimum, 0 or more; null: none (the plan then pays "
            "the debt with extra money only).",
            "example": "50.00",
        },
    )
    due_day = fields.Integer(
        allow_none=True,
        validate=validate.Range(1, 31),
        metadata={"description": "Day of the month the payment is due."},
    )
    owner_id = Id(allow_none=True)
    start_date = fields.Date(allow_none=True)
    is_active = StrictBoolean(
        metadata={
            "description": "false: paused, left out of the payoff plan. Default true.",
        }
    )
    created_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()
    payment_count = fields.Integer(
        dump_only=True, metadata={"description": "How many payments are recorded."}
    )
    paid_off = fields.Boolean(
        dump_only=True, metadata={"description": "Nothing is owed: `current_balance` is 0."}
    )


class DebtPatchSchema(DebtSchema):
    """Any subset of the fields; ``null`` clears lender, amounts, due day, owner or date."""


class DeleteDebtQuery(Schema):
    confirm = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: delete the debt with its payments. Without it a debt "
            "with payments is not deleted (409 `confirm_needed`)."
        },
    )


class ConfirmNeededDetail(ErrorDetail):
    payment_count = fields.Integer(
        metadata={"description": "With `confirm_needed`: the payments that would go too."}
    )


class ConfirmNeeded(Schema):
    error = fields.Nested(ConfirmNeededDetail, required=True)


class DebtPaymentSchema(Schema):
    id = fields.Integer(dump_only=True)
    debt_id = fields.Integer(dump_only=True)
    date = fields.Date(
        metadata={"description": "Required, unless `transaction_id` is given: then its date."}
    )
    amount = MoneyField(
        metadata={
            "description": "What was paid, more than 0 and no more than was owed at that "
            "date. Required, unless `transaction_id` is given: then what it paid.",
            "example": "150.00",
        }
    )
    notes = fields.String(allow_none=True, validate=validate.Length(max=5000))
    transaction_id = Id(
        allow_none=True,
        metadata={
            "description": "The ledger's transaction that paid it: money going out, paying "
            "no other debt payment. null unlinks it."
        },
    )
    balance_after = MoneyField(
        dump_only=True,
        metadata={
            "description": "What was owed once it was paid. A payment recorded, changed or "
            "deleted before later ones moves their balances too.",
            "example": "850.00",
        },
    )
    created_at = fields.DateTime(dump_only=True)
    created_by = CreatedBy()
    updated_by = UpdatedBy()


class DebtPaymentPatchSchema(DebtPaymentSchema):
    """Any subset of the fields; a new amount or date moves the balances by the difference."""


class PaymentRemovedSchema(Schema):
    current_balance = MoneyField(
        required=True,
        metadata={"description": "The debt's balance now, the payment owed again."},
    )


class PlanQuery(Schema):
    strategy = fields.String(
        load_default="avalanche",
        validate=validate.OneOf(STRATEGIES),
        metadata={
            "description": "`avalanche`: highest rate first; `snowball`: smallest balance "
            "first; `minimum`: minimums only (no extra)."
        },
    )
    extra = MoneyField(
        load_default=Decimal("0.00"),
        metadata={
            "description": "Paid each month on top of the minimums, 0 or more.",
            "example": "200.00",
        },
    )
    start = MonthField(
        metadata={"description": "The plan's first month; default the month after today."}
    )


class PlanPaymentSchema(Schema):
    debt_id = fields.Integer(required=True)
    interest = MoneyField(required=True, metadata={"example": "20.00"})
    payment = MoneyField(
        required=True, metadata={"description": "Minimum and extra together.", "example": "250.00"}
    )
    balance = MoneyField(
        required=True, metadata={"description": "After the payment.", "example": "770.00"}
    )


class PlanMonthSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2026-02"})
    payments = fields.List(
        fields.Nested(PlanPaymentSchema),
        required=True,
        metadata={"description": "The debts still owing that month."},
    )


class PlanDebtSchema(Schema):
    debt_id = fields.Integer(required=True)
    name = fields.String(required=True)
    payoff_month = fields.String(
        required=True, allow_none=True, metadata={"description": "null: never paid off."}
    )
    interest = MoneyField(
        required=True, metadata={"description": "All interest it is charged.", "example": "53.07"}
    )


class PlanWarningSchema(Schema):
    debt_id = fields.Integer(required=True)
    message = fields.String(required=True)
    kind = fields.String(
        metadata={
            "description": "`interest_not_covered` (with `minimum` and the first month's "
            "`interest`) or `never_paid_off`.",
            "enum": ["interest_not_covered", "never_paid_off"],
        }
    )
    minimum = MoneyField(allow_none=True)
    interest = MoneyField(allow_none=True)


_RULES = (
    "Each month every debt owing accrues interest, round_half_up(balance x rate / 12 / "
    "100, 2); then each is paid its minimum (or its whole balance if smaller); then the "
    "extra, the whole minimums of debts paid off earlier and what this month's payments "
    "left unused go to the debts in target order."
)


class PlanSchema(Schema):
    strategy = fields.String(required=True, metadata={"enum": list(STRATEGIES)})
    extra = MoneyField(
        required=True, metadata={"description": "0.00 for `minimum`.", "example": "200.00"}
    )
    start = fields.String(required=True, metadata={"example": "2026-02"})
    months_to_debt_free = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "null: never paid off within 50 years (see `warnings`); 0 when "
            "nothing is owed."
        },
    )
    debt_free_month = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The month of the last payment; null: never paid off (or nothing owed)."
        },
    )
    total_interest = MoneyField(required=True, metadata={"example": "71.91"})
    paid_off = fields.Boolean(required=True, metadata={"description": "Every debt is paid off."})
    debts = fields.List(fields.Nested(PlanDebtSchema), required=True)
    schedule = fields.List(
        fields.Nested(PlanMonthSchema), required=True, metadata={"description": _RULES}
    )
    warnings = fields.List(
        fields.Nested(PlanWarningSchema),
        required=True,
        metadata={
            "description": "Debts whose minimum does not cover their interest, and debts "
            "never paid off."
        },
    )
