"""Forms of the old-desktop-file pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField

from homeledger.web.forms import WebForm


class LegacyUploadForm(WebForm):
    file = FileField(
        "Your old personal_finance.db",
        validators=[FileRequired(message="Choose the old app's personal_finance.db file.")],
        description="The SQLite file the desktop app kept, up to 20 MB.",
    )
    submit = SubmitField("Check the file")


class ApplyForm(WebForm):
    """The report page's answer, for ``confirmed``: which upload, and how many
    transactions the page said would come in."""

    confirm = HiddenField()
    confirm_count = HiddenField()
    submit = SubmitField("Bring these rows in")
