"""API bodies for analytics: query filters and the reports' answers (money as strings)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from homeledger.api.budget_schemas import MonthField
from homeledger.api.ledger_schemas import MINE, Id, MoneyField
from homeledger.services.analytics_reports import COMPARE_WITH

_MONTH_TEXT = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-03"}


def Money(description: str, example: str = "1250.00", **kwargs) -> MoneyField:
    return MoneyField(
        required=True, metadata={"description": description, "example": example}, **kwargs
    )


def MonthText(**kwargs) -> fields.String:
    metadata = {**_MONTH_TEXT, "description": "A budgeting month, `YYYY-MM`."}
    return fields.String(required=True, metadata=metadata, **kwargs)


class FilterQuery(Schema):
    """The transaction list's filters, as it takes them."""

    owner_id = Id(metadata={"description": "Only this owner's transactions."})
    mine = fields.Boolean(metadata=MINE)
    category_id = fields.List(
        Id(),
        metadata={"description": "Only these categories (repeat the parameter for several)."},
    )
    account = fields.String(
        validate=validate.Length(max=100), metadata={"description": "Only this account."}
    )


class SummaryQuery(FilterQuery):
    month = MonthField(metadata={"description": "Default: the current budgeting month."})


class RangeQuery(FilterQuery):
    from_month = MonthField(
        data_key="from",
        metadata={"description": "First month; default: 11 months before `to` (12 in all)."},
    )
    to_month = MonthField(
        data_key="to",
        metadata={"description": "Last month, included; default: the current budgeting month."},
    )


class PayeeQuery(RangeQuery):
    limit = fields.Integer(
        load_default=10,
        validate=validate.Range(1, 100),
        metadata={"description": "How many payees, 1-100."},
    )


class CompareQuery(SummaryQuery):
    with_ = fields.String(
        data_key="with",
        load_default="previous",
        validate=validate.OneOf(COMPARE_WITH),
        metadata={
            "description": "`previous`: the month before; `last_year`: the same month a "
            "year earlier."
        },
    )


class FiguresSchema(Schema):
    income = Money("Income categories' net plus money received uncategorised.", "4060.00")
    spending = Money(
        "Expense categories' net, negated, plus money paid out uncategorised: refunds "
        "lower it; negative when refunds outweigh purchases.",
        "135.25",
    )
    net = Money("income - spending: every amount that is not a transfer, added up.", "3924.75")


class MonthFiguresSchema(FiguresSchema):
    month = MonthText()


class RatedMonthSchema(MonthFiguresSchema):
    savings_rate = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "net / income * 100, one decimal; null when income is 0 or less.",
            "example": "96.7",
        },
    )


class SummarySchema(RatedMonthSchema):
    previous = fields.Nested(
        RatedMonthSchema, required=True, metadata={"description": "The month before."}
    )


class IncomeStatementSchema(Schema):
    months = fields.List(
        fields.Nested(MonthFiguresSchema),
        required=True,
        metadata={"description": "Every month of the range, oldest first (zeros if empty)."},
    )
    totals = fields.Nested(
        FiguresSchema, required=True, metadata={"description": "The months added up."}
    )


class CategorySpendingSchema(Schema):
    category_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: uncategorised."}
    )
    category = fields.String(required=True, metadata={"example": "Groceries"})
    total = Money("Spending over the range.", "180.00")
    by_month = fields.Dict(
        keys=fields.String(metadata=_MONTH_TEXT),
        values=MoneyField(),
        required=True,
        metadata={
            "description": "Spending per month; every month of the range.",
            "example": {"2026-02": "80.00", "2026-03": "100.00"},
        },
    )


class SpendingByCategorySchema(Schema):
    months = fields.List(fields.String(metadata=_MONTH_TEXT), required=True)
    categories = fields.List(
        fields.Nested(CategorySpendingSchema),
        required=True,
        metadata={"description": "Expense categories and uncategorised, largest total first."},
    )
    total = Money("All spending of the range: the categories' totals added up.", "215.25")


class OwnerFiguresSchema(FiguresSchema):
    owner_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: no owner."}
    )
    owner = fields.String(required=True, metadata={"example": "Alex"})


class ByOwnerSchema(Schema):
    owners = fields.List(fields.Nested(OwnerFiguresSchema), required=True)


class PayeeSchema(Schema):
    payee = fields.String(
        required=True,
        metadata={
            "description": "The description, whitespace collapsed; spellings differing only "
            "in case are one payee.",
            "example": "Supermarket",
        },
    )
    spending = Money("Spending at this payee (refunds taken off).", "200.50")
    count = fields.Integer(required=True, metadata={"example": 2})


class TopPayeesSchema(Schema):
    payees = fields.List(
        fields.Nested(PayeeSchema),
        required=True,
        metadata={"description": "Largest spending first; only payees with spending above 0."},
    )


class CategoryChangeSchema(Schema):
    category_id = fields.Integer(required=True, allow_none=True)
    category = fields.String(required=True, metadata={"example": "Groceries"})
    current = Money("Spending in `month`.", "100.00")
    other = Money("Spending in the other month.", "80.00")
    change = Money("current - other.", "20.00")


class CompareSchema(Schema):
    month = MonthText()
    with_ = fields.String(data_key="with", required=True, metadata={"enum": list(COMPARE_WITH)})
    current = fields.Nested(FiguresSchema, required=True)
    other = fields.Nested(MonthFiguresSchema, required=True)
    categories = fields.List(
        fields.Nested(CategoryChangeSchema),
        required=True,
        metadata={"description": "Categories with spending in either month, biggest change first."},
    )
