"""Forms of the budget pages."""

from __future__ import annotations

from datetime import datetime

from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from homeledger.services.periods import month_text
from homeledger.web.forms import MoneyField, WebForm

MONTH_HINT = "Choose a real month, written like 2026-08."


class MonthText(StringField):
    """A month as ``YYYY-MM`` (what ``<input type="month">`` sends); ``.data`` is (year, month)."""

    widget_type = "month"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"type": "month", "placeholder": "YYYY-MM"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                parsed = datetime.strptime(self.raw, "%Y-%m")
            except ValueError:
                parsed = None
            if parsed is None or len(self.raw) != 7:
                shown = self.raw if len(self.raw) <= 20 else self.raw[:20] + "…"
                raise ValueError(f"“{shown}” is not a month. {MONTH_HINT}")
            self.data = (parsed.year, parsed.month)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else month_text(*self.data)


class MonthChoice(WebForm):
    """Which month (and owner) the budget page shows, from the query string."""

    class Meta(WebForm.Meta):
        csrf = False

    month = MonthText("Month", validators=[Optional()])
    owner = SelectField("Owner", default="")


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
