"""Forms of the import pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional

from homeledger.services.importing import DATE_FORMAT_LABELS, ROLE_LABELS
from homeledger.web.forms import WebForm, options, printable

# CsvMapping's column roles, in the order the preview form shows them.
COLUMN_ROLES = tuple(ROLE_LABELS)
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
    header_shown = HiddenField()  # "1"/"0": whether the shown columns came from a header row
    has_header = BooleanField(
        "The first line names the columns",
        description="Names such as Date and Amount. Untick it for a file that starts "
        "straight with a transaction.",
    )
    account = StringField("Account label", validators=_ACCOUNT)
    date_format = SelectField("Date format", default="")
    decimal_separator = SelectField("Decimal separator", choices=DECIMAL_CHOICES, default=".")
    profile_name = StringField(
        "Save this mapping as",
        validators=[Optional(), Length(max=100), printable],
        description="Optional: a name such as your bank's, to pick next time.",
    )
    # One select per CsvMapping column role ("col_" keeps them apart from the account label).
    # Their choices are the file's columns; a name the file lacks is named by the service.
    col_date = SelectField("Date column", default="", validate_choice=False)
    col_description = SelectField("Description column", default="", validate_choice=False)
    col_amount = SelectField("Amount column", default="", validate_choice=False)
    col_debit = SelectField("Debit (money out) column", default="", validate_choice=False)
    col_credit = SelectField("Credit (money in) column", default="", validate_choice=False)
    col_direction = SelectField(
        "Money in/out column",
        default="",
        validate_choice=False,
        description="Only with an unsigned amount: a column saying Af/Bij, S/H, Debit/Credit.",
    )
    col_category = SelectField("Category column", default="", validate_choice=False)
    col_owner = SelectField("Owner column", default="", validate_choice=False)
    col_account = SelectField("Account column", default="", validate_choice=False)
    col_notes = SelectField("Notes column", default="", validate_choice=False)
    refresh = SubmitField("Update preview")
    confirm = SubmitField("Import")
    # Importing a file with unreadable lines takes this second button, which names them.
    confirm_skipping = SubmitField("Import and skip the lines that cannot be read")

    def columns(self) -> list:
        return [getattr(self, f"col_{role}") for role in COLUMN_ROLES]


def date_format_choices(candidates: list[str]) -> list[SelectChoice]:
    """Every format, those fitting this file's dates marked; a blank first when in doubt."""
    choices = [
        (name, f"{label}{' (fits)' if name in candidates else ''}")
        for name, label in DATE_FORMAT_LABELS.items()
    ]
    return options(([("", "Choose…")] if len(candidates) != 1 else []) + choices)
