"""What every web form shares: form-encoded input only, printable text."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


class WebForm(FlaskForm):
    """A form that reads the submitted form fields and nothing else.

    Flask-WTF would also take a JSON body as form data, handing lists and
    objects to validators that expect text; a browser never sends JSON here.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if request.is_json:
                return None  # validated as an empty submission: "This field is required."
            return super().wrap_formdata(form, formdata)


def printable(form, field) -> None:
    """Control characters (NUL, newlines) belong in no username."""
    if field.data and not field.data.isprintable():
        raise ValidationError("Contains characters that cannot be typed.")
