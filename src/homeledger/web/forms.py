"""What every web form shares: form-encoded input, printable text, service errors shown on
the fields, and the save-commit-redirect step."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from homeledger.extensions import db
from homeledger.services import errors as service_errors


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


def show_errors(form, exc: service_errors.ValidationError, renames: dict[str, str] | None = None):
    """Put a service's field errors on the form's fields; the rest become a flash."""
    renames = renames or {}
    for name, message in exc.fields.items():
        field = getattr(form, renames.get(name, name), None)
        if field is not None and hasattr(field, "errors") and name != "_":
            field.errors = [*field.errors, message[:1].upper() + message[1:] + "."]
        else:
            flash(message[:1].upper() + message[1:] + ".", "error")


def attempt(form, change, done, page: str, renames: dict[str, str] | None = None):
    """Make the change a valid form asked for: commit, say what was done, go to ``page``.

    ``done`` turns the change's result into the message. When the service refuses,
    roll back, mark the fields and return None, so the caller re-renders the form.
    """
    try:
        result = change()
    except service_errors.ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc, renames)
        return None
    db.session.commit()
    flash(done(result), "success")
    return redirect(url_for(page))
