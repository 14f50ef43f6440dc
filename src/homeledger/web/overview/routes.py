"""Overview: the signed-in household's month at a glance, any month, everyone or one owner."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, render_template
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import categories, overview, sharing
from homeledger.services.analytics import Share
from homeledger.services.errors import ValidationError
from homeledger.services.filters import FLOWS, TransactionFilter
from homeledger.services.periods import Period
from homeledger.web.charts import chart_spec
from homeledger.web.drilldown import rows_url
from homeledger.web.forms import current_ledger, show_errors
from homeledger.web.months import chosen_owner, month_choice, today

bp = Blueprint("overview", __name__)

# Service field names -> form field names, where they differ.
_FORM_FIELD = {"owner_id": "owner"}


def _category_rows(criteria: TransactionFilter, period: Period, share: Share) -> str | None:
    """The rows of one category's spending; the "Everything else" line has no one list."""
    if share.rest:
        return None
    if share.category_id is None:
        narrowed = replace(criteria, uncategorised=True)
    else:
        narrowed = replace(criteria, category_ids=(share.category_id,))
    return rows_url(narrowed, period, flow="spending")


def _short(period: Period) -> str:
    return period.start.replace(day=1).strftime("%b %Y")


def _month_word(period: Period, other: Period) -> str:
    """``October``, or ``December 2025`` when the years differ."""
    first = date(period.year, period.month, 1)
    return first.strftime("%B") if period.year == other.year else first.strftime("%B %Y")


def _month_text(value: str | None) -> str | None:
    """A plan's ``2029-03`` as ``March 2029``."""
    if not value:
        return None
    year, month = value.split("-")
    return date(int(year), int(month), 1).strftime("%B %Y")


def _trend_chart(found: overview.MonthOverview) -> dict:
    periods = [period for period, _ in found.trend]
    criteria = found.criteria
    return chart_spec(
        "bar",
        [_short(p) for p in periods],
        [
            ("Income", [figures.income for _, figures in found.trend]),
            ("Spending", [figures.spending for _, figures in found.trend]),
        ],
        currency=current_ledger().currency,
        links=[
            [rows_url(criteria, p, flow="income") for p in periods],
            [rows_url(criteria, p, flow="spending") for p in periods],
        ],
    )


def _category_chart(shares: list[tuple[Share, str | None]]) -> dict | None:
    """A doughnut of where the money went, each slice opening its rows; none when a line
    is not above zero (a refunds-only rest is no slice)."""
    if not shares or any(share.amount <= 0 for share, _ in shares):
        return None
    return chart_spec(
        "doughnut",
        [share.category for share, _ in shares],
        [("Spending", [share.amount for share, _ in shares])],
        currency=current_ledger().currency,
        links=[[url for _, url in shares]],
    )


@bp.route("/")
@login_required
def index():
    """A budgeting month (this one unless ``month=YYYY-MM``) for the household or one owner
    (``owner=ID``, or ``mine``): figures against the month before, twelve months of income
    and spending, where the money went, budgets, bills, debts, goals and the latest rows.
    400 naming the field for a bad month or owner."""
    owners = categories.list_owners(db.session)
    mine = sharing.my_owner_id(db.session, owners)
    form, month = month_choice(owners, mine)
    owner_id = chosen_owner(form, mine)
    found = None
    if month is not None:
        try:
            found = overview.month_overview(db.session, month.year, month.month, owner_id, today())
        except ValidationError as exc:
            show_errors(form, exc, _FORM_FIELD)
    if found is None:
        return render_template("overview/index.html", form=form, month=None, found=None), 400
    criteria, period = found.criteria, found.period
    comparison = found.comparison
    shares = [(s, _category_rows(criteria, period, s)) for s in found.categories]
    return render_template(
        "overview/index.html",
        form=form,
        month=month,
        found=found,
        owner=next((o for o in owners if o.id == criteria.owner_id), None),
        owner_extra={"owner": form.owner.data} if form.owner.data else {},
        against=_month_word(comparison.period, period) if comparison else None,
        rows={flow: rows_url(criteria, period, flow=flow) for flow in FLOWS},
        all_rows=rows_url(criteria, period, flow="net"),
        debt_free=_month_text(found.debts.debt_free_month),
        trend_chart=_trend_chart(found),
        trend_any=any(f.income or f.spending for _, f in found.trend),
        trend_rows=[
            (p, f, {flow: rows_url(criteria, p, flow=flow) for flow in ("income", "spending")})
            for p, f in found.trend
        ],
        category_rows=shares,
        category_chart=_category_chart(shares),
    )
