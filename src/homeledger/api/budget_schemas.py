"""API bodies for budgets: set, copy, budget against actual and the year view.

Money is a string with two decimals; a month is ``YYYY-MM`` and means the
ledger's budgeting month (it starts on the ledger's month start day).
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from homeledger.api.ledger_schemas import Id, MoneyField

_MONTH = r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$"
_MONTH_HELP = "Use YYYY-MM, a month between 1900-01 and 2199-12."


class MonthField(fields.String):
    """A budgeting month as ``YYYY-MM``, loaded as (year, month)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "2026-03")
        kwargs["metadata"].setdefault(
            "description", "A budgeting month: it starts on the ledger's month start day."
        )
        kwargs["metadata"]["pattern"] = _MONTH
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            validate.Regexp(_MONTH, error=_MONTH_HELP)(text)
        except ValidationError:
            raise ValidationError(_MONTH_HELP) from None
        year, month = text.split("-")
        return int(year), int(month)


def Amount(**kwargs) -> MoneyField:
    """A money field whose example is a budget-sized positive amount."""
    kwargs["metadata"] = dict(kwargs.get("metadata", {}))  # MoneyField adds to it
    field = MoneyField(**kwargs)
    field.metadata["example"] = "250.00"
    return field


_BUDGETED = {"description": "The budget's amount for the month."}
_SPENT = {
    "description": "Spent in the month, as a positive amount: in an expense category money "
    "out minus refunds (minus the net total of the transaction list for that category and "
    "month); uncategorised and income categories count money out only; transfers never."
}


class MonthQuery(Schema):
    month = MonthField(required=True)
    owner_id = Id(
        metadata={
            "description": "Only this owner: household lines count this owner's spending, "
            "other owners' lines are left out."
        }
    )


class BudgetLineSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The budget's id."})
    category_id = fields.Integer(required=True)
    category = fields.String(required=True, metadata={"description": "The category's name."})
    owner_id = fields.Integer(
        allow_none=True, required=True, metadata={"description": "null: the whole household."}
    )
    owner = fields.String(allow_none=True, metadata={"description": "The owner's name."})
    budgeted = Amount(required=True, metadata=_BUDGETED)
    spent = Amount(required=True, metadata=_SPENT)
    remaining = Amount(
        required=True, metadata={"description": "budgeted - spent; negative when over."}
    )
    percent = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "spent / budgeted in percent, one decimal; null for a 0 budget."},
    )
    over = fields.Boolean(required=True, metadata={"description": "spent > budgeted."})


class SetBudgetAnswer(BudgetLineSchema):
    month = fields.String(required=True, metadata={"example": "2026-03"})


class UnbudgetedCategorySchema(Schema):
    category_id = fields.Integer(allow_none=True, metadata={"description": "null: uncategorised"})
    category = fields.String()
    spent = Amount(metadata=_SPENT)


class UnbudgetedSchema(Schema):
    spent = Amount(
        required=True,
        metadata={
            "description": "Spending no line covers: categories without a budget, other "
            "owners' spending in a category budgeted per owner only, uncategorised rows."
        },
    )
    categories = fields.List(
        fields.Nested(UnbudgetedCategorySchema),
        metadata={"description": "The same spending by category, biggest first."},
    )


class TotalsSchema(Schema):
    budgeted = Amount(
        required=True,
        metadata={
            "description": "Per category the household budget, or where a category has none "
            "its owners' budgets added up (an owner's budget beside a household budget is a "
            "share of it)."
        },
    )
    spent = Amount(
        required=True, metadata={"description": "All spending of the month, unbudgeted included."}
    )
    remaining = Amount(required=True, metadata={"description": "budgeted - spent."})


class MonthReportSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2026-03"})
    start = fields.Date(required=True, metadata={"description": "First day of the month."})
    end = fields.Date(required=True, metadata={"description": "Last day of the month."})
    owner_id = fields.Integer(allow_none=True, metadata={"description": "The owner filter."})
    lines = fields.List(fields.Nested(BudgetLineSchema), required=True)
    unbudgeted = fields.Nested(UnbudgetedSchema, required=True)
    totals = fields.Nested(TotalsSchema, required=True)


class SetBudgetSchema(Schema):
    month = MonthField(required=True)
    category_id = Id(
        required=True, metadata={"description": "An expense category (not income or transfer)."}
    )
    owner_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "One owner's budget; null or absent: the whole household's."},
    )
    amount = Amount(required=True, metadata={"description": "0 or more."})


class CopySchema(Schema):
    from_month = MonthField(required=True, data_key="from")
    to_month = MonthField(required=True, data_key="to")


class CopyAnswer(Schema):
    from_month = fields.String(required=True, data_key="from")
    to_month = fields.String(required=True, data_key="to")
    copied = fields.Integer(required=True, metadata={"description": "Budgets added to `to`."})
    kept = fields.Integer(
        required=True,
        metadata={"description": "Budgets `to` already had for the same category and owner."},
    )


class YearQuery(Schema):
    year = fields.Integer(required=True, validate=validate.Range(1900, 2199))
    owner_id = Id(metadata={"description": "Only this owner's spending and budgets."})


class YearCellSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2026-03"})
    budgeted = Amount(required=True)
    spent = Amount(required=True, metadata=_SPENT)


class YearMonthSchema(YearCellSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata={"description": "Last day of the month."})


class YearCategorySchema(Schema):
    category_id = fields.Integer(allow_none=True, metadata={"description": "null: uncategorised"})
    category = fields.String(required=True)
    months = fields.List(fields.Nested(YearCellSchema), required=True)
    budgeted = Amount(required=True, metadata={"description": "The year's total."})
    spent = Amount(required=True, metadata={"description": "The year's total."})


class YearSchema(Schema):
    year = fields.Integer(required=True)
    owner_id = fields.Integer(allow_none=True)
    months = fields.List(
        fields.Nested(YearMonthSchema),
        required=True,
        metadata={"description": "The twelve budgeting months with their totals."},
    )
    categories = fields.List(
        fields.Nested(YearCategorySchema),
        required=True,
        metadata={"description": "Every category with a budget or spending in the year."},
    )
