"""Forms of the import pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from homeledger.services.importing import DATE_FORMAT_LABELS
from homeledger.web.forms import WebForm, options, printable

# CsvMapping's column roles, in the order the preview form shows them.
COLUMN_ROLES = (
    "date",
    "description",
    "amount",
    "debit",
    "credit",
    "category",
    "owner",
    "account",
    "notes",
)
DECIMAL_CHOICES = options([(".", "Point: 1,234.56"), (",", "Comma: 1.234,56")])
_ACCOUNT = [Optional(), Length(max=100), printable]


class UploadForm(WebForm):
    file = FileField(
        "Bank file",
        validators=[FileRequired(message="Choose a file to import.")],
        description="CSV, OFX, QFX or QIF, up to 10 MB.",
    )
    account = StringField(
        "Account label",
        validators=_ACCOUNT,
        description="Optional, e.g. “Joint current account”; used where the file names none.",
    )
    profile = SelectField("Saved CSV mapping", default="")
    submit = SubmitField("Preview")


class PreviewForm(WebForm):
    """The preview's form: it carries the file itself, so no upload is kept on the server."""

    file_data = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[Length(max=255)])
    previewed = HiddenField()  # the mapping the shown rows were read with
    account = StringField("Account label", validators=_ACCOUNT)
    date_format = SelectField("Date format", default="")
    decimal_separator = SelectField("Decimal separator", choices=DECIMAL_CHOICES, default=".")
    profile_name = StringField(
        "Save this mapping as",
        validators=[Optional(), Length(max=100), printable],
        description="Optional: a name such as your bank's, to pick next time.",
    )
    # One select per CsvMapping column role; "col_" keeps them apart from the account label.
    col_date = SelectField("Date column", default="")
    col_description = SelectField("Description column", default="")
    col_amount = SelectField("Amount column", default="")
    col_debit = SelectField("Debit (money out) column", default="")
    col_credit = SelectField("Credit (money in) column", default="")
    col_category = SelectField("Category column", default="")
    col_owner = SelectField("Owner column", default="")
    col_account = SelectField("Account column", default="")
    col_notes = SelectField("Notes column", default="")
    refresh = SubmitField("Update preview")
    confirm = SubmitField("Import")

    def columns(self) -> list:
        return [getattr(self, f"col_{role}") for role in COLUMN_ROLES]


def date_format_choices(candidates: list[str]) -> list[SelectChoice]:
    """Every format, those fitting this file's dates marked; a blank first when in doubt."""
    choices = [
        (name, f"{label}{' (fits)' if name in candidates else ''}")
        for name, label in DATE_FORMAT_LABELS.items()
    ]
    return options(([("", "Choose…")] if len(candidates) != 1 else []) + choices)


class UndoForm(WebForm):
    submit = SubmitField("Undo")
