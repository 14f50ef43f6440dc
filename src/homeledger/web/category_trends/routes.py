"""The categories dashboard: every spending category month by month over a range, and one
category's page. Every figure links to its rows in the transaction list (same filter,
``flow="spending"``), whose totals show the figure to the cent."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import analytics_reports, categories, category_trends, transactions
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import add_months, month_text
from homeledger.web import months
from homeledger.web.category_trends.forms import RangeChoice
from homeledger.web.charts import chart_spec
from homeledger.web.drilldown import rows_url
from homeledger.web.forms import current_ledger, id_choices, optional_id, options, show_errors

FIRST_MONTH, LAST_MONTH = (1900, 1), (2199, 12)  # what a range may reach
bp = Blueprint("category_trends", __name__, url_prefix="/categories")

TOP = 5  # categories drawn in the dashboard's line chart
_FORM_FIELD = {"from": "from_", "owner_id": "owner"}


def _range_form() -> RangeChoice:
    form = RangeChoice(formdata=request.args)
    owners = categories.list_owners(db.session)
    form.owner.choices = id_choices(owners, "Everyone")
    form.account.choices = options(
        [("", "All accounts")] + [(a, a) for a in transactions.accounts(db.session)]
    )
    return form


def _read(form: RangeChoice, one) -> object | None:
    """Validate the form, fill in the default range (the 12 budgeting months ending with
    this one) and call ``one(criteria, first, last)``; None when a field is wrong (marked)."""
    if not form.validate():
        return None
    first, last = form.from_.data, form.to.data
    if first is None and last is None:
        last = analytics_reports.current_month(db.session, months.today())
    if first is None:
        first = max(add_months(*last, -11), FIRST_MONTH)
    elif last is None:
        last = min(add_months(*first, 11), LAST_MONTH)
    form.from_.data, form.to.data = first, last
    criteria = TransactionFilter(
        owner_id=optional_id(form.owner.data), account=form.account.data or None
    )
    try:
        return one(criteria, first, last)
    except ValidationError as exc:
        show_errors(form, exc, _FORM_FIELD)
        return None


def _query(form: RangeChoice) -> dict[str, str]:
    """The range and filters as the query string writes them, for links between the pages."""
    args = {
        "from": month_text(*form.from_.data) if form.from_.data else None,
        "to": month_text(*form.to.data) if form.to.data else None,
        "owner": form.owner.data or None,
        "account": form.account.data or None,
    }
    return {k: v for k, v in args.items() if v}


def _short(period) -> str:
    """A month on a chart's axis: ``Mar 2026``."""
    return period.start.strftime("%b %Y")


def _in_progress(periods) -> int | None:
    """Which of ``periods`` is the budgeting month under way (its figures are so far)."""
    now = analytics_reports.current_month(db.session, months.today())
    return next((i for i, p in enumerate(periods) if (p.year, p.month) == now), None)


def _currency() -> str | None:
    ledger = current_ledger()
    return ledger.currency if ledger else None


def _links(trend, criteria: TransactionFilter, periods) -> dict:
    """A category's rows: each month's, the range's, its lowest and highest month's."""
    narrowed = category_trends.of_category(criteria, trend.category_id)
    months = [rows_url(narrowed, p, flow="spending") for p in periods]
    return {
        "months": months,
        "total": rows_url(narrowed, periods[0], periods[-1], flow="spending"),
        "lowest": months[trend.lowest],
        "highest": months[trend.highest],
    }


@bp.route("")
@login_required
def index():
    """Every spending category over the range: a line chart of the biggest, then per
    category the total, average, lowest and highest month and share. 400 naming the field
    for a bad month, range, owner or account."""
    form = _range_form()
    found = _read(
        form,
        lambda criteria, first, last: category_trends.trends(db.session, criteria, first, last),
    )
    if found is None:
        return render_template("category_trends/index.html", form=form, found=None), 400
    periods = found.periods
    labels = [p.label for p in periods]
    links = {c.category_id: _links(c, found.criteria, periods) for c in found.categories}
    top = found.top(TOP)
    spec = chart_spec(
        "line",
        [_short(p) for p in periods],
        [(c.category, c.by_month) for c in top],
        currency=_currency(),
        links=[links[c.category_id]["months"] for c in top],
    )
    query = _query(form)
    return render_template(
        "category_trends/index.html",
        form=form,
        found=found,
        labels=labels,
        links=links,
        top=top,
        in_progress=_in_progress(periods),
        spec=spec,
        query=query,
        total_url=rows_url(found.criteria, periods[0], periods[-1], flow="spending"),
        category_url=category_url,
        month_urls=[rows_url(found.criteria, p, flow="spending") for p in periods],
    )


def _category(category_id: int | None):
    form = _range_form()
    page = _read(
        form,
        lambda criteria, first, last: category_trends.category_page(
            db.session, criteria, category_id, first, last
        ),
    )
    if page is None:
        return render_template("category_trends/category.html", form=form, page=None), 400
    periods = page.trends.periods
    trend = page.trend
    links = _links(trend, page.trends.criteria, periods)
    spec = chart_spec(
        "bar",
        [_short(p) for p in periods],
        [(trend.category, trend.by_month)],
        currency=_currency(),
        links=[links["months"]] if page.spends else None,
    )
    return render_template(
        "category_trends/category.html",
        form=form,
        page=page,
        trend=trend,
        labels=[p.label for p in periods],
        links=links,
        in_progress=_in_progress(periods),
        spec=spec,
        query=_query(form),
        rows_all=rows_url(page.criteria, periods[0], periods[-1]),
        total_url=rows_url(page.trends.criteria, periods[0], periods[-1], flow="spending"),
        category_url=category_url,
    )


@bp.route("/<int:category_id>")
@login_required
def category(category_id: int):
    """One category month by month: a bar chart (each bar opens that month's rows), the
    table, average, lowest and highest month and share. 404 for a category not in this
    ledger; 400 naming the field for a bad range, owner or account."""
    return _category(category_id)


@bp.route("/uncategorised")
@login_required
def uncategorised():
    """The uncategorised rows' spending month by month, as a category's page."""
    return _category(None)


def category_url(category_id: int | None, query: dict) -> str:
    """A category's page (``None``: the uncategorised rows') over the same range and filters."""
    if category_id is None:
        return url_for("category_trends.uncategorised", **query)
    return url_for("category_trends.category", category_id=category_id, **query)
