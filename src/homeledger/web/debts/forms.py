"""Forms of the debt pages. They read what was typed; whether a debt makes sense (a balance
of 0 or more, a rate from 0 to 100 %, a due day from 1 to 31) is the service's rule, so
every such problem is named at once."""

from __future__ import annotations

import re
from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from homeledger.services.debts import DEBT_TYPE_LABELS
from homeledger.services.payoff import STRATEGY_LABELS
from homeledger.web.forms import MoneyField, MonthText, WebForm, options, printable, stripped

_RATE = re.compile(r"-?(\d+([.,]\d*)?|[.,]\d+)")


class RateField(StringField):
    """An annual rate in percent ("19.99", "19,99 %"); ``.data`` is a Decimal or None."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        text = self.raw.removesuffix("%").strip()
        if text:
            if not _RATE.fullmatch(text):
                raise ValueError("Write the yearly rate as a percentage, like 19.99.")
            self.data = Decimal(text.replace(",", "."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"


class WholeNumberField(IntegerField):
    """A whole number; anything else is refused with ``message``, what was typed kept."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


class DebtForm(WebForm):
    name = StringField("Name", filters=[stripped], validators=[printable])
    lender = StringField("Lender", filters=[stripped], validators=[printable])
    debt_type = SelectField(
        "Type", choices=options(DEBT_TYPE_LABELS.items()), default="credit_card"
    )
    original_amount = MoneyField(
        "Original amount", positive=True, description="What was borrowed at the start, if known."
    )
    current_balance = MoneyField(
        "Balance now", positive=True, description="What is owed today, from the last statement."
    )
    interest_rate = RateField(
        "Interest rate (% a year)", description="The annual rate, e.g. 19.99. Empty: none."
    )
    minimum_payment = MoneyField(
        "Minimum payment", positive=True, description="The least you must pay each month."
    )
    due_day = WholeNumberField(
        "Due day",
        message="Write a day of the month from 1 to 31, or leave it empty.",
        validators=[Optional()],
        description="Day of the month the payment is due (1 to 31).",
        render_kw={"min": 1, "max": 31},
    )
    owner = SelectField("Owner", default="")
    start_date = DateField("Start date", validators=[Optional()])
    is_active = BooleanField(
        "Active (untick to leave it out of the totals and the plan)", default=True
    )
    submit = SubmitField("Save")


class PaymentForm(WebForm):
    date = DateField("Date", validators=[Optional()])
    amount = MoneyField("Amount", positive=True, description="What was paid, e.g. 250.00.")
    notes = TextAreaField("Notes", filters=[stripped])
    submit = SubmitField("Save the payment")


class FromTransactionForm(WebForm):
    """A payment made by a transaction: its date and amount come from it."""

    transaction = SelectField(
        "Transaction",
        default="",
        validate_choice=False,  # the service says why another one cannot pay it
        description="Recent money going out that pays no debt yet.",
    )
    notes = TextAreaField("Notes", filters=[stripped], id="linked-notes")
    submit = SubmitField("Add it as a payment", id="linked-submit")


class PlanForm(WebForm):
    """What the planner shows, from the query string."""

    class Meta(WebForm.Meta):
        csrf = False

    extra = MoneyField(
        "Extra a month",
        positive=True,
        description="Paid on top of the minimums each month, e.g. 200. Empty: none.",
    )
    start = MonthText("First month", validators=[Optional()])
    strategy = SelectField(
        "Plan to show", choices=options(STRATEGY_LABELS.items()), default="avalanche"
    )
