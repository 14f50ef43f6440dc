"""Analytics over the API: a month's summary, the income statement, spending by category,
by owner, top payees and a comparison of two months. Read only."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint

from homeledger.api.analytics_schemas import (
    ByOwnerSchema,
    CompareQuery,
    CompareSchema,
    IncomeStatementSchema,
    PayeeQuery,
    RangeQuery,
    SpendingByCategorySchema,
    SummaryQuery,
    SummarySchema,
    TopPayeesSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import analytics_reports as reports
from homeledger.services.analytics import Figures
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import add_months

blp = Blueprint(
    "api_analytics",
    __name__,
    url_prefix="/analytics",
    description="Income, spending and net by one rule: transfers are neither; income is the "
    "income categories' net plus money received uncategorised; spending is the expense "
    "categories' net, negated, plus money paid out uncategorised (a refund lowers it). "
    "Months are the ledger's budgeting months; every endpoint takes the transaction list's "
    "`owner_id`, `mine`, `category_id` and `account` filters.",
)


def _criteria(args: dict) -> TransactionFilter:
    return TransactionFilter(
        category_ids=tuple(args.get("category_id", ())),
        owner_id=args.get("owner_id"),
        mine=args.get("mine", False),
        account=args.get("account"),
    )


def _this_month() -> tuple[int, int]:
    return reports.current_month(db.session, date.today())


def _periods(args: dict):
    last = args.get("to_month") or _this_month()
    first = args.get("from_month") or add_months(*last, -11)
    return reports.months_between(db.session, first, last)


def _figures(figures: Figures, **extra) -> dict:
    return {"income": figures.income, "spending": figures.spending, "net": figures.net, **extra}


def _rated(period, figures: Figures) -> dict:
    rate = figures.savings_rate
    text = None if rate is None else str(rate)
    return _figures(figures, month=reports.label(period), savings_rate=text)


@blp.get("/summary")
@documented(blp)
@blp.arguments(SummaryQuery, location="query")
@blp.response(200, SummarySchema)
def summary(args):
    """A month's income, spending, net and savings rate, beside the month before's."""
    month = args.get("month") or _this_month()
    if month <= (1900, 1):  # the month before it is out of the ledger's range
        raise ValidationError({"month": "choose a month between 1900-02 and 2199-12"})
    periods = reports.months_between(db.session, add_months(*month, -1), month)
    previous, current = reports.figures_by_month(db.session, _criteria(args), periods)
    return {**_rated(periods[1], current), "previous": _rated(periods[0], previous)}


@blp.get("/income-statement")
@documented(blp)
@blp.arguments(RangeQuery, location="query")
@blp.response(200, IncomeStatementSchema)
def income_statement(args):
    """Income, spending and net of every month from `from` to `to` (at most 120 months),
    and their totals."""
    periods = _periods(args)
    months = reports.figures_by_month(db.session, _criteria(args), periods)
    return {
        "months": [
            _figures(f, month=reports.label(p)) for p, f in zip(periods, months, strict=True)
        ],
        "totals": _figures(reports.total(months)),
    }


@blp.get("/spending-by-category")
@documented(blp)
@blp.arguments(RangeQuery, location="query")
@blp.response(200, SpendingByCategorySchema)
def spending_by_category(args):
    """Spending per expense category (and uncategorised) and month, largest total first.
    A category's spending in a month is minus the net the transaction list shows for it."""
    periods = _periods(args)
    labels = [reports.label(p) for p in periods]
    groups = reports.spending_by_category(db.session, _criteria(args), periods)
    total = reports.total([Figures(spending=g.total) for g in groups]).spending
    return {
        "months": labels,
        "categories": [
            {
                "category_id": g.category_id,
                "category": g.category,
                "total": g.total,
                "by_month": dict(zip(labels, g.by_month, strict=True)),
            }
            for g in groups
        ],
        "total": total,
    }


@blp.get("/by-owner")
@documented(blp)
@blp.arguments(RangeQuery, location="query")
@blp.response(200, ByOwnerSchema)
def by_owner(args):
    """Income, spending and net per owner over the range; rows without one as "No owner"."""
    owners = reports.by_owner(db.session, _criteria(args), _periods(args))
    return {"owners": [_figures(o.figures, owner_id=o.owner_id, owner=o.owner) for o in owners]}


@blp.get("/top-payees")
@documented(blp)
@blp.arguments(PayeeQuery, location="query")
@blp.response(200, TopPayeesSchema)
def top_payees(args):
    """Where the money went: spending per payee (the description), largest first."""
    payees = reports.top_payees(db.session, _criteria(args), _periods(args), args["limit"])
    return {"payees": payees}


@blp.get("/compare")
@documented(blp)
@blp.arguments(CompareQuery, location="query")
@blp.response(200, CompareSchema)
def compare(args):
    """A month against the month before or the same month a year earlier, with the
    spending of every category that spent in either."""
    month = args.get("month") or _this_month()
    result = reports.compare(db.session, _criteria(args), month, args["with_"])
    return {
        "month": reports.label(result.month),
        "with_": args["with_"],
        "current": _figures(result.current),
        "other": _figures(result.other, month=reports.label(result.other_month)),
        "categories": result.categories,
    }
