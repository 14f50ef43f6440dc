"""Forms of the settings hub: the profile and ledger settings."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length

from homeledger.services.accounts import MAX_EMAIL
from homeledger.services.profile import MAX_DISPLAY_NAME
from homeledger.web.forms import WebForm, printable, stripped

MONTH_START_NOTE = (
    "Changing it changes what every budgeting month means, past months too: budgets, the "
    "overview, reports and the month filter of transactions all count from the new day. "
    "No transaction or budget is moved or deleted."
)


class ProfileForm(WebForm):
    """The menus' choices are set by the page; the service checks every value, so a code
    the menus do not offer is refused there, with the field named."""

    display_name = StringField(
        "Display name",
        filters=[stripped],
        validators=[Length(max=MAX_DISPLAY_NAME), printable],
        description="How the app names you. Leave it empty to be named by your username.",
    )
    email = StringField(
        "Email",
        filters=[stripped],
        validators=[Length(max=MAX_EMAIL)],
        render_kw={"type": "email", "autocomplete": "email"},
        description="Optional. No two accounts share one.",
    )
    currency = SelectField("Currency", validate_choice=False)
    month_start_day = SelectField("Budgeting month starts on day", validate_choice=False)
    locale = SelectField(
        "Date format",
        validate_choice=False,
        description="How pages write dates. It also says whether amounts you type use a "
        "decimal comma (12,50) or point (12.50).",
    )
    submit = SubmitField("Save settings")
