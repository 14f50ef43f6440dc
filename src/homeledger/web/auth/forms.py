"""Forms of the sign-in pages."""

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from homeledger.services.passwords import MIN_PASSWORD_LENGTH
from homeledger.web.forms import WebForm, printable


class LoginForm(WebForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64), printable])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField("Sign in")


class ChangePasswordForm(WebForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: "
        "a few uncommon words work well; your name and patterns do not.",
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Change password")
