"""Forms of the transaction pages."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MonthField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from homeledger.services.filters import FLOWS
from homeledger.services.transactions import SORTS
from homeledger.web.forms import MoneyField, WebForm, options, printable, stripped

SORT_LABELS = {
    "date_desc": "Newest first",
    "date_asc": "Oldest first",
    "amount_desc": "Largest amount first",
    "amount_asc": "Smallest amount first",
}
assert set(SORT_LABELS) == set(SORTS)  # a new sort in the service needs a label here
FLOW_LABELS = {
    "": "Everything",
    "income": "Income",
    "spending": "Spending",
    "net": "Income and spending (no transfers)",
}
assert set(FLOW_LABELS) == {"", *FLOWS}


def no_nul(form, field) -> None:
    if field.data and "\x00" in field.data:
        raise FieldError("Contains a character no description can hold.")


class FilterForm(WebForm):
    """The list's filter, read from the query string (GET: no CSRF token to carry)."""

    class Meta(WebForm.Meta):
        csrf = False

    search = StringField("Search", validators=[Optional(), Length(max=200), printable])
    payee = StringField(
        "Payee",
        filters=[stripped],
        # Compared with descriptions as stored (an import keeps invisible characters), so
        # not held to what can be typed; only NUL, which no database text holds, is refused.
        validators=[Optional(), Length(max=500), no_nul],
        description="The whole description, in any case and spacing.",
    )
    month = MonthField("Month", validators=[Optional()])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    category = SelectField("Category", default="")
    owner = SelectField("Owner", default="")
    account = SelectField("Account", default="")
    amount_min = MoneyField("Amount from", validators=[Optional()])
    amount_max = MoneyField("Amount to", validators=[Optional()])
    sort = SelectField("Sort", choices=options(SORT_LABELS.items()), default="date_desc")
    batch = StringField("Import", validators=[Optional()])
    review = BooleanField("Only rows that need a look")
    flow = SelectField("Kind", choices=options(FLOW_LABELS.items()), default="")

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise FieldError("Must not be before the start date.")

    def validate_batch(self, field) -> None:
        if field.data and not field.data.isdigit():
            raise FieldError("Not an import.")


class BulkForm(WebForm):
    """Set a category and/or owner on ticked rows, or on every row the filter matches."""

    category = SelectField("Set category", default="")
    owner = SelectField("Set owner", default="")
    apply_selected = SubmitField("Apply to selected")
    apply_all = SubmitField("Apply to all matching this filter…")
    # The second step of "all matching": the count the person was shown and agreed to.
    confirm_count = HiddenField()
    whole_ledger = BooleanField("Yes, change every transaction in the ledger")
    matching = 0  # how many rows "all matching" means right now (the view counts them)


class TransactionForm(WebForm):
    date = DateField("Date", validators=[DataRequired(message="Enter a real date.")])
    description = StringField(
        "Description",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired(message="Enter a description, e.g. the payee."),
            Length(max=500),
            printable,
        ],
    )
    amount = MoneyField(
        "Amount",
        validators=[InputRequired(message="Enter an amount.")],  # zero is an amount
        description="Negative for money out, e.g. -12.34; positive for money in.",
    )
    category = SelectField("Category", default="")
    owner = SelectField("Owner", default="")
    account = StringField("Account", validators=[Optional(), Length(max=100), printable])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save")


class ConfirmForm(WebForm):
    """Just the CSRF token and a button: for deletes and other one-click actions."""

    submit = SubmitField("Delete")
