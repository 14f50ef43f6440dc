"""Forms of the admin's users pages. They read what was typed; whether a username or an
email is acceptable (and free) is the service's rule, so every such problem is named."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from homeledger.web.forms import WebForm, options, printable, stripped

ROLE_OPTIONS = options([("user", "User"), ("admin", "Admin")])
ROLE_HELP = "Everyone has their own ledger; an admin also manages the users."
INVITE_OPTIONS = options(
    [
        ("link", "An invite link: they open it and choose a password (valid 7 days)"),
        ("password", "A temporary password: they sign in with it and change it (valid 7 days)"),
    ]
)


class NewUserForm(WebForm):
    username = StringField(
        "Username",
        validators=[DataRequired(), Length(max=64), printable],
        filters=[stripped],
        description="3 to 64 letters, digits, '.', '_' or '-'. They sign in with it.",
    )
    email = StringField(
        "Email (optional)", validators=[Optional(), Length(max=254), printable], filters=[stripped]
    )
    display_name = StringField(
        "Display name (optional)",
        validators=[Optional(), Length(max=100), printable],
        filters=[stripped],
    )
    role = SelectField("Role", choices=ROLE_OPTIONS, default="user", description=ROLE_HELP)
    invite = RadioField("How they get in", choices=INVITE_OPTIONS, default="link")
    submit = SubmitField("Create the account")


class RoleForm(WebForm):
    role = SelectField("Role", choices=ROLE_OPTIONS)
    submit = SubmitField("Change role")


class InviteForm(WebForm):
    invite = RadioField("The new invite", choices=INVITE_OPTIONS, default="link")
    submit = SubmitField("Issue the new invite")


class ActiveForm(WebForm):
    """Activate, or (after the question page, whose answer it carries) deactivate."""

    confirm = HiddenField()
    submit = SubmitField("Deactivate")
