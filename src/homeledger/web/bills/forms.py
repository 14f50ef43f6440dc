"""Forms of the bill pages. They read what was typed; whether a bill makes sense (an amount
above 0, a due day from 1 to 31, an end not before the start) is the service's rule, so
every such problem is named at once."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from homeledger.models.planning import FREQUENCIES
from homeledger.web.forms import MoneyField, WebForm, options, printable, stripped

FREQUENCY_LABELS = {
    "weekly": "Every week",
    "fortnightly": "Every two weeks",
    "monthly": "Every month",
    "quarterly": "Every three months",
    "yearly": "Every year",
}
assert set(FREQUENCY_LABELS) == set(FREQUENCIES)  # a new frequency needs words here
PRESET_DAYS = (7, 30, 90)


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


class UpcomingForm(WebForm):
    """How many days ahead the upcoming list looks, from the query string."""

    class Meta(WebForm.Meta):
        csrf = False

    days = WholeNumberField(
        "Days ahead",
        default=30,
        validators=[Optional()],
        message="Write a whole number of days from 1 to 366.",
        render_kw={"min": 1, "max": 366},
    )


class BillForm(WebForm):
    name = StringField("Name", filters=[stripped], validators=[printable])
    amount = MoneyField("Amount", positive=True, description="What one payment costs, e.g. 15.99.")
    frequency = SelectField(
        "How often", choices=options(FREQUENCY_LABELS.items()), default="monthly"
    )
    due_day = WholeNumberField(
        "Due day",
        message="Write a day of the month from 1 to 31, or leave it empty.",
        validators=[Optional()],
        description="Day of the month (1 to 31; the last day in shorter months). "
        "Empty: the start date's day. Weekly bills ignore it.",
        render_kw={"min": 1, "max": 31},
    )
    start_date = DateField(
        "Start date",
        validators=[Optional()],
        description="The first due date: the bill falls due every period from it.",
    )
    end_date = DateField(
        "End date",
        validators=[Optional()],
        description="Empty: no end. Nothing falls due after it.",
    )
    category = SelectField("Category", default="")
    owner = SelectField("Owner", default="")
    notes = TextAreaField(
        "Notes",
        filters=[stripped],
        description="Words of the bank's description help find its payments, "
        "e.g. “Paid to ORIGIN ENERGY”.",
    )
    is_active = BooleanField("Active (untick to pause it)", default=True)
    submit = SubmitField("Save")


class DeleteForm(WebForm):
    """The question page's answer: the bill it asked about, and the button."""

    confirm = HiddenField()
    submit = SubmitField("Delete the bill")


class SwitchForm(WebForm):
    """Pause or resume: the CSRF token and a button."""

    submit = SubmitField("Pause")
