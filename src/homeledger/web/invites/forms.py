"""The form of the invite page."""

from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from homeledger.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from homeledger.web.forms import WebForm


class AcceptInviteForm(WebForm):
    new_password = PasswordField(
        "Choose a password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: "
        "a few uncommon words work well; your name and patterns do not.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set my password and sign in")
