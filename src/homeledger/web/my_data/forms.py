"""Forms of the "your data" pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from homeledger.web.forms import WebForm, stripped


class ExportForm(WebForm):
    """Two buttons: the whole ledger as JSON, or the transactions as CSV."""

    json = SubmitField("Download everything (JSON)")
    csv = SubmitField("Download transactions (CSV)")


class ImportForm(WebForm):
    file = FileField(
        "Export file",
        validators=[FileRequired(message="Choose the export file (a .json file) to import.")],
        description="A file downloaded from “Download everything” in Homeledger.",
    )
    submit = SubmitField("Import")


class DeleteAllForm(WebForm):
    confirm = StringField(
        "Type your username to confirm",
        filters=[stripped],
        validators=[DataRequired(message="Type your username to confirm."), Length(max=64)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    delete_account = BooleanField("Also delete my account (you will be signed out for good)")
    submit = SubmitField("Delete all my data")
