"""The payoff planner: the three strategies side by side for an extra amount a month from a
first month, the chosen one's debts and month-by-month schedule, and a chart of what is
owed each month under each strategy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import debts, payoff
from homeledger.services.errors import ValidationError
from homeledger.web import months
from homeledger.web.charts import chart_spec
from homeledger.web.debts.forms import PlanForm
from homeledger.web.debts.words import month_words
from homeledger.web.forms import current_ledger, show_errors

bp = Blueprint("plan", __name__, url_prefix="/plan")

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Compared:
    """One strategy's plan beside the others, with the interest it saves against paying
    minimums only: None for that plan itself, and when either never clears the debts (50
    years of a growing balance's interest is no figure to compare with)."""

    plan: payoff.Plan
    label: str
    saved: Decimal | None


def compare(plans: dict[str, payoff.Plan]) -> list[Compared]:
    baseline = plans["minimum"]
    found = []
    for strategy, plan in plans.items():
        saved = None
        if strategy != "minimum" and plan.paid_off and baseline.paid_off:
            saved = baseline.total_interest - plan.total_interest
        found.append(Compared(plan, payoff.STRATEGY_LABELS[strategy], saved))
    return found


def owed_by_month(plans: dict[str, payoff.Plan], now: Decimal) -> tuple[list[str], dict, bool]:
    """The months to draw (with "Now" before them) and each plan's total owed in each; a
    plan that has finished owes 0 from then on. The months run to the end of the longest
    plan that clears the debts (all 50 years only when none does), so a plan that never
    does, its balance growing, does not flatten the others; the flag says it was cut."""
    finished = [len(p.schedule) for p in plans.values() if p.paid_off]
    longest = max(len(p.schedule) for p in plans.values())
    length = max(finished) if finished else longest
    months = max(plans.values(), key=lambda p: len(p.schedule)).schedule[:length]
    labels = ["Now"] + [month_words(m.month) for m in months]
    owed = {}
    for strategy, plan in plans.items():
        totals = plan.total_balances()[:length]
        owed[strategy] = [now, *totals, *[ZERO] * (length - len(totals))]
    return labels, owed, length < longest


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
    valid = form.validate()
    if form.start.data is None and not form.start.errors:
        form.start.data = debts.first_plan_month(months.today())
    if valid:
        start = form.start.data
        extra = form.extra.data if form.extra.data is not None else ZERO
        try:
            plans = {s: debts.plan(db.session, s, extra, start, owing) for s in payoff.STRATEGIES}
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
    labels, owed, cut = owed_by_month(plans, now)
    ledger = current_ledger()
    figures |= {
        "chosen": chosen,
        "compared": compare(plans),
        "now": now,
        "by_id": {d.debt_id: d for d in owing},
        "labels": labels,
        "owed": owed,
        "cut": cut,
        "baseline_never": not plans["minimum"].paid_off,
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
