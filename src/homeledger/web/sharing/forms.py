"""Forms of the sharing pages and of the ledger switcher in the navigation."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from homeledger.models.sharing import MEMBER_ROLES
from homeledger.services.sharing import ROLE_TITLES
from homeledger.web.forms import WebForm, optional_id, options, stripped

# The roles a member may be given: each with what it allows (the add form), and short
# (a member's row, under the explanation).
ROLE_CHOICES = options((role, ROLE_TITLES[role]) for role in MEMBER_ROLES)
SHORT_ROLE_CHOICES = options((role, role.capitalize()) for role in MEMBER_ROLES)


class AddMemberForm(WebForm):
    """Share the ledger with someone who has an account here. Whether the username and the
    role will do is the service's to say (``sharing.add_member`` names the field)."""

    username = StringField(
        "Username",
        filters=[stripped],
        validators=[Length(max=200)],
        description="The name they sign in with.",
    )
    # Not checked against the menu here: the service names a role that does not exist.
    role = RadioField("Role", choices=ROLE_CHOICES, default="viewer", validate_choice=False)
    submit = SubmitField("Share the ledger")


class MemberForm(WebForm):
    """One person's row: their role (not the owner's own) and which household owner is
    them ("mine"). The menus' choices are set by the page."""

    role = SelectField("Role", choices=SHORT_ROLE_CHOICES, validate_choice=False)
    owner = SelectField("Linked to owner", validate_choice=False)
    submit = SubmitField("Save")

    def validate_owner(self, field) -> None:
        if field.data and optional_id(field.data) is None:
            raise FieldError("Choose one of this ledger's owners, or none.")


class SwitchForm(WebForm):
    """The navigation's ledger switcher: the ledger to act in (checked by the view)."""

    ledger = StringField("Ledger")
    submit = SubmitField("Switch")
