"""Analytics pages: spending by category over a range of months, income against spending,
the figures by owner, the top payees and one month against another. One filter panel on
every page (range or month, owner, category, account); every figure links to its rows in
the transaction list, which then shows the same total."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import analytics_reports as reports
from homeledger.services.analytics import Figures
from homeledger.services.budget_figures import FIRST_YEAR, LAST_YEAR
from homeledger.services.errors import ValidationError
from homeledger.services.periods import add_months, month_text
from homeledger.web.analytics import tables
from homeledger.web.analytics.forms import COMPARE_LABELS, CompareForm, PayeeForm
from homeledger.web.analytics.panel import (
    Panel,
    ledger_is_empty,
    read_month,
    read_range,
    refused,
)
from homeledger.web.forms import current_ledger


def month_name(year: int, month: int) -> str:
    return date(year, month, 1).strftime("%B %Y")


bp = Blueprint("analytics", __name__, url_prefix="/analytics")


def _page(template: str, panel: Panel, **context):
    """The page with its panel; 400 when the panel's input was refused."""
    ranged = bool(panel.periods)
    return render_template(
        template,
        panel=panel,
        form=panel.form,
        first=panel.first if ranged else None,
        last=panel.last if ranged else None,
        empty_ledger=panel.ok and ledger_is_empty(),
        **context,
    ), 200 if panel.ok else 400


@bp.route("")
@login_required
def index():
    """Spending per category and month over the range (stacked by month), with the table
    of every category by month, its row and column totals. 400 naming a wrong field."""
    panel = read_range()
    table = None  # no spending in the range
    if panel.ok:
        groups = reports.spending_by_category(db.session, panel.criteria, panel.periods)
        if groups:
            currency = current_ledger().currency
            table = tables.category_table(groups, panel.criteria, panel.periods, currency)
    return _page("analytics/categories.html", panel, table=table, spec=table and table.spec)


@bp.route("/income")
@login_required
def income():
    """Income, spending, net and savings rate per month over the range, with the totals."""
    panel = read_range()
    rows = total = spec = None
    if panel.ok:
        months = reports.figures_by_month(db.session, panel.criteria, panel.periods)
        if any(f.income or f.spending for f in months):
            rows = [
                tables.figures_row(tables.short(p), f, panel.criteria, p, p)
                for p, f in zip(panel.periods, months, strict=True)
            ]
            total = tables.figures_row(
                "All months", reports.total(months), panel.criteria, panel.first, panel.last
            )
            spec = tables.income_chart(rows, current_ledger().currency)
    return _page("analytics/income.html", panel, rows=rows, total=total, spec=spec)


@bp.route("/owners")
@login_required
def owners():
    """Income, spending and net per owner over the range; rows without one as "No owner"."""
    panel = read_range()
    rows = total = spec = None
    if panel.ok:
        found = reports.by_owner(db.session, panel.criteria, panel.periods)
        if found:
            rows = tables.owner_rows(found, panel.criteria, panel.first, panel.last)
            figures = reports.total([o.figures for o in found])
            total = tables.figures_row("Everyone", figures, panel.criteria, panel.first, panel.last)
            spec = tables.income_chart(rows, current_ledger().currency)
    return _page("analytics/owners.html", panel, rows=rows, total=total, spec=spec)


@bp.route("/payees")
@login_required
def payees():
    """The payees that got the most over the range: spending and number of rows."""
    panel = read_range(PayeeForm)
    rows = spec = None
    if panel.ok:
        limit = int(panel.form.limit.data)
        found = reports.top_payees(db.session, panel.criteria, panel.periods, limit)
        if found:
            rows = tables.payee_rows(found, panel.criteria, panel.first, panel.last)
            spec = tables.payee_chart(rows, current_ledger().currency)
    return _page("analytics/payees.html", panel, rows=rows, spec=spec)


@bp.route("/compare")
@login_required
def compare():
    """A month's income, spending and net beside the month before's or the same month a
    year earlier, and each category's spending in both, the biggest change first."""
    panel, month = read_month(CompareForm(formdata=request.args))
    result = figures = categories = spec = None
    if month is not None:
        try:
            result = reports.compare(db.session, panel.criteria, month, panel.form.with_.data)
        except ValidationError as exc:
            refused(panel, exc)
    if result is not None:
        figures, categories = tables.comparison_rows(result, panel.criteria)
        if categories:
            names = (result.month.label, result.other_month.label)
            spec = tables.comparison_chart(categories[:10], *names, current_ledger().currency)
    quiet = result is not None and not categories and result.current == result.other == Figures()
    return _page(
        "analytics/compare.html",
        panel,
        result=result if not quiet else None,
        quiet=quiet,
        figures=figures,
        categories=categories,
        spec=spec,
        compare_labels=COMPARE_LABELS,
        nearby=_nearby(panel, month) if result is not None else {},
    )


def _nearby(panel: Panel, month: tuple[int, int]) -> dict[str, tuple[str, str]]:
    """The comparison of the month before and after this one: (link, month name)."""
    links = {}
    for rel, offset in (("prev", -1), ("next", 1)):
        year, number = add_months(*month, offset)
        if FIRST_YEAR <= year <= LAST_YEAR:
            query = {**panel.carried, "month": month_text(year, number)}
            if panel.form.with_.data != "previous":
                query["with"] = panel.form.with_.data
            links[rel] = (url_for("analytics.compare", **query), month_name(year, number))
    return links
