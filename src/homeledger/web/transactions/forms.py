"""Forms of the transaction pages, and the exact money field other pages reuse."""

from __future__ import annotations

import re
from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    MonthField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from homeledger.models.base import MAX_ID
from homeledger.services.transactions import SORTS
from homeledger.web.forms import WebForm, printable

# Digits with optional thousands commas and at most two decimals: "-1,234.56", "12", "+0.5".
_AMOUNT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?")

SORT_LABELS = {
    "date_desc": "Newest first",
    "date_asc": "Oldest first",
    "amount_desc": "Largest amount first",
    "amount_asc": "Smallest amount first",
}
assert set(SORT_LABELS) == set(SORTS)  # a new sort in the service needs a label here


def parse_amount(text: str) -> Decimal:
    """Exact Decimal from text like "-12.34"; ValueError for anything else (floats never)."""
    cleaned = "".join(text.split())
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", ""))


class MoneyField(StringField):
    """A text input holding an amount; ``.data`` is a Decimal or None when left empty."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                self.data = parse_amount(self.raw)
            except ValueError:
                raise ValueError("Write an amount like -12.34.") from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def id_choices(items, blank: str | None = None, extra: tuple = ()) -> list[SelectChoice]:
    """Select options from objects with id and name; values are strings, "" means none."""
    pairs = [("", blank)] if blank is not None else []
    pairs += list(extra)
    pairs += [(str(item.id), item.name) for item in items]
    return options(pairs)


def optional_id(value: str | None) -> int | None:
    """A submitted id, or None when empty or not a plausible id (it then matches nothing)."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class FilterForm(WebForm):
    """The list's filter, read from the query string (GET: no CSRF token to carry)."""

    class Meta(WebForm.Meta):
        csrf = False

    search = StringField("Search", validators=[Optional(), Length(max=200), printable])
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

    def validate_month(self, field) -> None:
        if field.data and (self.date_from.data or self.date_to.data):
            raise FieldError("Choose a month or a date range, not both.")
        if field.data and not 1900 <= field.data.year <= 2199:
            raise FieldError("Choose a month between 1900 and 2199.")

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
    apply_all = SubmitField("Apply to all matching this filter")


class TransactionForm(WebForm):
    date = DateField("Date", validators=[DataRequired(message="Enter a real date.")])
    description = StringField("Description", validators=[Length(max=500), printable])
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
