"""Overview: the signed-in household's month at a glance."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import analytics, settings

bp = Blueprint("overview", __name__)


@bp.route("/")
@login_required
def index():
    """This budgeting month's income, spending and net, the last six months, recent rows."""
    ledger = settings.read(db.session)
    period = ledger.month_containing(date.today())
    months = analytics.trend(db.session, period, 6, ledger.month_start_day)
    return render_template(
        "overview/index.html",
        summary=months[-1],
        months=months,
        top_categories=analytics.where_it_went(db.session, period, months[-1].spending),
        recent=analytics.recent_transactions(db.session, 10),
    )
