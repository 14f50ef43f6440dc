"""Forms of the category, owner and rule settings pages."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    ColorField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from homeledger.web.forms import CATEGORY_TYPE_CHOICES, MoneyField, WebForm, options, printable

MATCH_LABELS = {
    "contains": "Description contains",
    "starts_with": "Description starts with",
    "equals": "Description is exactly",
    "regex": "Description matches regular expression",
}
_name = [DataRequired(message="Enter a name."), Length(max=64), printable]


class CategoryForm(WebForm):
    name = StringField("Name", validators=_name)
    type = SelectField("Type", choices=CATEGORY_TYPE_CHOICES, default="expense")
    color = ColorField("Colour", default="#8a8f98")
    submit = SubmitField("Add category")


class CategoryEditForm(WebForm):
    """One row of the category list: rename, retype, recolour, (de)activate."""

    name = StringField("Name", validators=_name)
    type = SelectField("Type", choices=CATEGORY_TYPE_CHOICES)
    color = ColorField("Colour")
    is_active = BooleanField("Active")
    submit = SubmitField("Save")


class OwnerForm(WebForm):
    name = StringField("Name", validators=_name)
    submit = SubmitField("Add owner")


class OwnerEditForm(WebForm):
    name = StringField("Name", validators=_name)
    is_active = BooleanField("Active")
    submit = SubmitField("Save")


class MergeForm(WebForm):
    """Fold the source into the target; the source is deleted."""

    source = SelectField("Merge", validators=[DataRequired(message="Choose what to merge.")])
    target = SelectField("Into", validators=[DataRequired(message="Choose where it goes.")])
    # Set on the confirmation page: "source>target:rows moved", as the person was shown it.
    confirmed = HiddenField()
    submit = SubmitField("Merge…")

    def validate_target(self, field) -> None:
        if field.data and field.data == self.source.data:
            raise FieldError("Choose a different one to merge into.")


class RuleForm(WebForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100), printable])
    match_type = SelectField("Match", choices=options(MATCH_LABELS.items()), default="contains")
    pattern = StringField(
        "Text to look for",
        validators=[DataRequired(message="Enter the text to look for."), Length(max=200)],
        description="Case does not matter.",
    )
    priority = IntegerField(
        "Priority",
        default=100,
        validators=[InputRequired(), NumberRange(min=-1_000_000, max=1_000_000)],
        description="Lower numbers run first; the first matching rule wins.",
    )
    amount_min = MoneyField("Amount from", validators=[Optional()])
    amount_max = MoneyField("Amount to", validators=[Optional()])
    account = StringField("Only for account", validators=[Optional(), Length(max=100), printable])
    set_category = SelectField("Set category", default="")
    set_owner = SelectField("Set owner", default="")
    is_active = BooleanField("Active", default=True)
    submit = SubmitField("Save rule")


class ApplyRulesForm(WebForm):
    """Confirms applying the rules to existing transactions."""

    only_uncategorised = HiddenField(default="1")
    confirm_count = HiddenField()  # how many rows the preview said would change
    submit = SubmitField("Apply")


class DeleteForm(WebForm):
    """Sent from the confirmation page only: ``confirmed`` is "yes" there."""

    confirmed = HiddenField()
    submit = SubmitField("Delete")
