"""The payoff planner: the three strategies side by side for an extra amount a month from a
first month, the chosen one's debts and month-by-month schedule, and a chart of what is
owed each month under each strategy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import debts, payoff
from homeledger.services.errors import ValidationError
from homeledger.web.charts import chart_spec
from homeledger.web.debts.forms import PlanForm
from homeledger.web.debts.words import month_words
from homeledger.web.forms import current_ledger, show_errors

bp = Blueprint("plan", __name__, url_prefix="/plan")

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Compared:
    """One strategy's plan beside the others: the interest it saves against paying
    minimums only (``saved_at_least`` when the minimums never clear the debts, so the
    minimum plan's interest is only what 50 years of it cost)."""

    plan: payoff.Plan
    label: str
    saved: Decimal | None
    saved_at_least: bool


def compare(plans: dict[str, payoff.Plan]) -> list[Compared]:
    baseline = plans["minimum"]
    found = []
    for strategy, plan in plans.items():
        saved, at_least = None, False
        if strategy != "minimum" and plan.paid_off:
            saved = baseline.total_interest - plan.total_interest
            at_least = not baseline.paid_off
        found.append(Compared(plan, payoff.STRATEGY_LABELS[strategy], saved, at_least))
    return found


def owed_by_month(plans: dict[str, payoff.Plan], now: Decimal) -> tuple[list[str], dict]:
    """The months of the longest plan (with "Now" before them) and each plan's total owed
    in each; a plan that has finished owes 0 from then on."""
    longest = max(plans.values(), key=lambda p: len(p.schedule))
    labels = ["Now"] + [month_words(m.month) for m in longest.schedule]
    owed = {}
    for strategy, plan in plans.items():
        totals = plan.total_balances()
        owed[strategy] = [now, *totals, *[ZERO] * (len(labels) - 1 - len(totals))]
    return labels, owed


@dataclass(frozen=True)
class ScheduleRow:
    month: str
    payments: list  # one per debt, in the order of ``owing``; None once it is paid off
    interest: Decimal
    paid: Decimal
    owed: Decimal


def schedule_rows(plan: payoff.Plan, owing: list[payoff.PlanDebt]) -> list[ScheduleRow]:
    rows = []
    for month in plan.schedule:
        found = {p.debt_id: p for p in month.payments}
        rows.append(
            ScheduleRow(
                month.month,
                [found.get(d.debt_id) for d in owing],
                sum((p.interest for p in month.payments), ZERO),
                sum((p.payment for p in month.payments), ZERO),
                sum((p.balance for p in month.payments), ZERO),
            )
        )
    return rows


@bp.route("")
@login_required
def index():
    """The plans for ``?extra=200&start=2026-01&strategy=avalanche`` (no extra, from next
    month and avalanche unless asked). 400 naming the field when one is wrong."""
    form = PlanForm(formdata=request.args)
    owing = debts.plan_debts(db.session)
    plans, status = None, 200
    if form.validate():
        start = form.start.data or debts.first_plan_month(date.today())
        form.start.data = start
        extra = form.extra.data if form.extra.data is not None else ZERO
        try:
            plans = {s: debts.plan(db.session, s, extra, start) for s in payoff.STRATEGIES}
        except ValidationError as exc:
            show_errors(form, exc)
    if plans is None:
        status = 400
    elif not owing:
        plans = None
    return render_template("debts/plan.html", **_figures(form, owing, plans)), status


def _figures(form: PlanForm, owing: list[payoff.PlanDebt], plans) -> dict:
    figures = {"form": form, "owing": owing, "plans": plans}
    if not plans:
        return figures
    chosen = plans[form.strategy.data if form.strategy.data in plans else "avalanche"]
    now = sum((d.balance for d in owing), ZERO)
    labels, owed = owed_by_month(plans, now)
    ledger = current_ledger()
    figures |= {
        "chosen": chosen,
        "compared": compare(plans),
        "now": now,
        "by_id": {d.debt_id: d for d in owing},
        "labels": labels,
        "owed": owed,
        "spec": chart_spec(
            "line",
            labels,
            [(payoff.STRATEGY_LABELS[s], owed[s]) for s in payoff.STRATEGIES],
            currency=ledger.currency if ledger else None,
        ),
        "schedule": schedule_rows(chosen, owing),
        "strategy_labels": payoff.STRATEGY_LABELS,
        "query": {
            name: text
            for name in ("extra", "start")
            if (text := getattr(getattr(form, name), "raw", ""))
        },
    }
    return figures
