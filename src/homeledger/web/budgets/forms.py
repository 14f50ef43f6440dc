"""Forms of the budget pages."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from homeledger.web.forms import MONTH_HINT, MoneyField, MonthText, WebForm


class YearChoice(WebForm):
    class Meta(WebForm.Meta):
        csrf = False

    year = IntegerField(
        "Year",
        validators=[
            Optional(),
            NumberRange(1900, 2199, message="Choose a year between 1900 and 2199."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    owner = SelectField("Owner", default="")


class AmountForm(WebForm):
    """Change an existing budget's amount (its month, category and owner stay)."""

    amount = MoneyField(
        "Amount",
        validators=[InputRequired(message="Enter an amount, e.g. 450 or 1,250.00.")],
        description="The month's budget, 0 or more.",
    )
    submit = SubmitField("Save")


class BudgetForm(AmountForm):
    """Set a budget: one expense category (optionally one owner's share) for one month."""

    month = MonthText("Month", validators=[InputRequired(message=MONTH_HINT)])
    category = SelectField("Category")
    owner = SelectField("For", default="")
    submit = SubmitField("Save budget")


class DeleteForm(WebForm):
    """The answer of the delete question: the budget it was asked about."""

    confirm = HiddenField()
    submit = SubmitField("Delete budget")


class CountedForm(WebForm):
    """The answer of a question that showed a count (copy, raise to bills): that count."""

    source = MonthText("Copy from", validators=[Optional()])
    confirm_count = HiddenField()
    submit = SubmitField("Go ahead")


class ApplyForm(WebForm):
    """Apply the ticked suggestions (the ticks are ``category_ids`` checkboxes)."""

    submit = SubmitField("Set the ticked budgets")
