"""Forms of the savings goal pages. They read what was typed; whether a goal makes sense (a
target above 0, nothing saved below 0, a real date) is the service's rule, so every such
problem is named at once."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from homeledger.web.forms import MoneyField, WebForm, options, printable, stripped

DIRECTIONS = {"in": "Put in", "out": "Take out"}


class GoalForm(WebForm):
    name = StringField("Name", filters=[stripped], validators=[printable])
    target_amount = MoneyField(
        "Target amount", positive=True, description="What you want to have saved, e.g. 8,000."
    )
    current_amount = MoneyField(
        "Amount saved so far",
        positive=True,
        description="What is already put aside for it. Empty: nothing yet.",
    )
    target_date = DateField(
        "Target date",
        validators=[Optional()],
        description="When you want to reach it. "
        "Empty: no date, so no monthly saving is worked out.",
    )
    owner = SelectField("Owner", default="")
    is_active = BooleanField("Active (untick to pause it)", default=True)
    submit = SubmitField("Save")

    def for_editing(self) -> None:
        """On edit the saved amount is a correction, not money put in: say so."""
        self.current_amount.label.text = "Amount saved (correction)"
        self.current_amount.description = (
            "Changing it corrects what is saved without adding a contribution. "
            "To record money put in or taken out, add a contribution on the goal's page."
        )


def _above_zero(form, field) -> None:
    if field.data is None and not field.errors:
        raise ValidationError("Write the amount, e.g. 50.00.")
    if field.data is not None and field.data <= 0:
        raise ValidationError(
            "Write an amount above 0, without a minus sign: choose “Take out” to take money out."
        )


class ContributionForm(WebForm):
    date = DateField("Date", validators=[InputRequired("Write the day, e.g. today's date.")])
    direction = RadioField(
        "Money", choices=options(DIRECTIONS.items()), default="in", validators=[InputRequired()]
    )
    amount = MoneyField("Amount", positive=True, validators=[_above_zero])
    submit = SubmitField("Add")
