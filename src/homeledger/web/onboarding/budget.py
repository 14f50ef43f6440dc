"""The wizard's step 5, a first budget, and its last page, "All set", with the Finish
button that opens the overview at the imported month."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SubmitField
from wtforms.validators import Optional

from homeledger.extensions import db
from homeledger.services import onboarding, onboarding_budget
from homeledger.services.budget_figures import ZERO
from homeledger.services.errors import ValidationError
from homeledger.services.periods import month_text
from homeledger.web.forms import MoneyField, WebForm, show_errors
from homeledger.web.months import today
from homeledger.web.onboarding import bp, go_on, step_url, wizard_page_refused

STEP = "budget"


class IncomeForm(WebForm):
    """The monthly income to split into starter budgets (a GET form: it changes nothing)."""

    class Meta(WebForm.Meta):
        csrf = False

    monthly_income = MoneyField(
        "Monthly income",
        positive=True,
        validators=[Optional()],
        description="What comes in each month after tax; the split leaves "
        f"{onboarding_budget.UNBUDGETED_SHARE} % unbudgeted for savings.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    submit = SubmitField("Suggest a split")


class BudgetStepForm(WebForm):
    """One amount per expense category (fields ``amount_<id>``, added per ledger)."""

    submit = SubmitField("Save and continue")


def _field(category_id: int) -> str:
    return f"amount_{category_id}"


def _budget_form(categories, **kwargs) -> BudgetStepForm:
    """The step's form with an amount field for each of the ledger's expense categories."""

    class Form(BudgetStepForm):
        pass

    for category in categories:
        setattr(
            Form,
            _field(category.id),
            MoneyField(
                category.name,
                positive=True,
                validators=[Optional()],
                render_kw={"inputmode": "decimal", "autocomplete": "off"},
            ),
        )
    return Form(**kwargs)


@bp.route("/budget", methods=["GET", "POST"])
def budget():
    """A first budget for the imported month (this month for an empty ledger): the
    suggestions from the history, or a starter split of a monthly income; every amount
    can be changed; empty or 0 is no budget. 400 naming the field for a bad amount."""
    if refused := wizard_page_refused(STEP):
        return refused
    income_form = IncomeForm(formdata=request.args if "monthly_income" in request.args else None)
    income = None
    status = 200
    if income_form.validate():
        income = income_form.monthly_income.data
    else:
        status = 400
    try:
        found = onboarding_budget.proposal(db.session, today(), income)
    except ValidationError as exc:
        show_errors(income_form, exc)
        found = onboarding_budget.proposal(db.session, today())
        status = 400
    categories = found.categories
    form = _budget_form(categories)
    period = found.period
    if form.is_submitted():
        if form.validate():
            lines = [
                onboarding_budget.BudgetInput(
                    category.id, getattr(form, _field(category.id)).data or ZERO
                )
                for category in categories
            ]
            try:
                onboarding_budget.save(db.session, period.year, period.month, lines)
            except ValidationError as exc:
                db.session.rollback()
                renames = {
                    f"budgets.{index}.{name}": _field(category.id)
                    for index, category in enumerate(categories)
                    for name in ("amount", "category_id")
                }
                show_errors(form, exc, renames)
            else:
                return go_on(STEP)
        status = 400
    else:
        offered = {line.category_id: line.amount for line in found.lines}
        saved = onboarding_budget.saved_amounts(db.session, period)
        # Back at the step, the budgets saved then show, over the suggestions; a split
        # asked for now shows over them (the categories it leaves out keep theirs).
        offered = saved | offered if found.source == onboarding_budget.STARTER else offered | saved
        for category_id, amount in offered.items():
            if hasattr(form, _field(category_id)):
                getattr(form, _field(category_id)).data = amount
    reasons = {line.category_id: line.reason for line in found.lines}
    return render_template(
        "onboarding/budget.html",
        form=form,
        income_form=income_form,
        found=found,
        rows=[(category, form[_field(category.id)]) for category in categories],
        reasons=reasons,
        month_name=period.label,
        starter=onboarding_budget.STARTER_SHARES,
    ), status


class FinishForm(WebForm):
    submit = SubmitField("Finish")


@bp.route("/complete", methods=["GET", "POST"])
def complete():
    """All set: what the wizard set up, a way back to each step, and Finish, which opens
    the overview at the imported month (plain overview for an empty ledger)."""
    if refused := wizard_page_refused(onboarding.COMPLETE):
        return refused
    form = FinishForm()
    if form.validate_on_submit():
        try:
            onboarding.complete(db.session, current_user, ip_address=request.remote_addr)
        except onboarding.NotYet as exc:  # the page refused this already; a race at most
            db.session.rollback()
            return redirect(step_url(exc.step))
        landing = onboarding.landing_month(db.session)
        db.session.commit()
        if landing is None:
            return redirect(url_for("overview.index"))
        return redirect(url_for("overview.index", month=month_text(landing.year, landing.month)))
    found = onboarding_budget.summary(db.session, today())
    steps = [(step, onboarding.TITLES[step]) for step in onboarding.STEPS]
    status = 400 if form.is_submitted() else 200
    return render_template("onboarding/complete.html", form=form, found=found, steps=steps), status
