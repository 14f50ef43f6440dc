"""Budgets over the API: budget against actual, set, delete, copy a month, the year view."""

from __future__ import annotations

from flask_smorest import Blueprint

from homeledger.api.budget_schemas import (
    CopyAnswer,
    CopySchema,
    MonthQuery,
    MonthReportSchema,
    SetBudgetAnswer,
    SetBudgetSchema,
    YearQuery,
    YearSchema,
)
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.services import budgets
from homeledger.services.periods import month_text

blp = Blueprint(
    "api_budgets",
    __name__,
    description="Monthly budgets per expense category (optionally per owner) and budget "
    "against actual. Months are the ledger's budgeting months.",
)


def _month_answer(report: budgets.MonthReport) -> dict:
    return {
        "month": report.label,
        "start": report.period.start,
        "end": report.period.last_day,
        "owner_id": report.owner_id,
        "lines": report.lines,
        "unbudgeted": {
            "spent": report.unbudgeted_spent,
            "categories": [
                {"category_id": category_id, "category": name, "spent": spent}
                for category_id, name, spent in report.unbudgeted_lines()
            ],
        },
        "totals": {
            "budgeted": report.budgeted,
            "spent": report.spent,
            "remaining": report.remaining,
        },
    }


@blp.get("/budgets")
@documented(blp)
@blp.arguments(MonthQuery, location="query")
@blp.response(200, MonthReportSchema)
def month(args):
    """Budget against actual for one budgeting month.

    A line per budget (by category name, the household's line before owners' lines),
    the spending no line covers as `unbudgeted`, and `totals` where `spent` is all
    spending of the month, unbudgeted included. With `owner_id`, that owner's view.
    """
    report = budgets.month_report(db.session, *args["month"], args.get("owner_id"))
    return _month_answer(report)


@blp.put("/budgets")
@documented(blp)
@blp.arguments(SetBudgetSchema)
@blp.response(200, SetBudgetAnswer)
def set_budget(body):
    """Set a budget: created, or its amount replaced.

    One budget per month, category and owner (or household): sending it twice, even at
    the same moment, leaves one budget with the amount sent last. Answers the budget's
    line with its `id`. Only expense categories have budgets.
    """
    budget_id = budgets.set_budget(
        db.session, *body["month"], body["category_id"], body["amount"], body["owner_id"]
    )
    db.session.commit()
    report, line = budgets.get_line(db.session, budget_id)
    answer = SetBudgetAnswer().dump(line)
    answer["month"] = report.label
    return answer


@blp.delete("/budgets/<int:budget_id>")
@documented(blp)
@blp.response(204)
def delete_budget(budget_id):
    """Delete a budget."""
    budgets.delete_budget(db.session, budget_id)
    db.session.commit()


@blp.post("/budgets/copy")
@documented(blp)
@blp.arguments(CopySchema)
@blp.response(200, CopyAnswer)
def copy(body):
    """Copy a month's budgets into another month.

    Budgets `to` already has (same category and owner) are kept as they are; only the
    missing ones are added, so copying twice changes nothing.
    """
    result = budgets.copy_month(db.session, body["from_month"], body["to_month"])
    db.session.commit()
    return {
        "from_month": month_text(*body["from_month"]),
        "to_month": month_text(*body["to_month"]),
        "copied": result.copied,
        "kept": result.kept,
    }


@blp.get("/budgets/year")
@documented(blp)
@blp.arguments(YearQuery, location="query")
@blp.response(200, YearSchema)
def year(args):
    """A year of budgets: twelve budgeting months by category, budgeted and spent.

    `months` carries each month's totals (as the month's own `totals`); `categories`
    every category with a budget or spending in the year, uncategorised as its own row.
    """
    report = budgets.year_report(db.session, args["year"], args.get("owner_id"))
    labels = [month_text(p.year, p.month) for p in report.periods]
    budgeted, spent = report.budgeted(), report.spent()
    return {
        "year": report.year,
        "owner_id": report.owner_id,
        "months": [
            {
                "month": labels[i],
                "start": period.start,
                "end": period.last_day,
                "budgeted": budgeted[i],
                "spent": spent[i],
            }
            for i, period in enumerate(report.periods)
        ],
        "categories": [
            {
                "category_id": row.category_id,
                "category": row.category,
                "months": [
                    {"month": labels[i], "budgeted": row.budgeted[i], "spent": row.spent[i]}
                    for i in range(12)
                ],
                "budgeted": sum(row.budgeted, budgets.ZERO),
                "spent": sum(row.spent, budgets.ZERO),
            }
            for row in report.rows
        ],
    }
