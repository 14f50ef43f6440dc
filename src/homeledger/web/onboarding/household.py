"""The wizard's first three pages: your profile, your household's owners, your categories.

Each page saves its whole step through ``services.onboarding_household`` (the API's
steps use the same functions) and then leads on to the next step. A refusal re-renders
the page at 400 with each bad field marked, nothing saved, the wizard on the same step.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length

from homeledger.extensions import db
from homeledger.services import onboarding_household as household
from homeledger.services import profile
from homeledger.services.errors import ValidationError
from homeledger.services.profile import MAX_DISPLAY_NAME
from homeledger.web.forms import (
    CATEGORY_TYPE_CHOICES,
    WebForm,
    currency_choices,
    day_number,
    month_start_day_choices,
    optional_id,
    printable,
    sentence,
    show_errors,
    shown_status,
    stripped,
)
from homeledger.web.onboarding import bp, go_on, wizard_page_refused

BLANK_ROWS = 3  # empty rows offered for adding owners or categories

MONTH_START_MEANING = (
    "Your budgets, the overview and reports count a month from this day: with 25, the month "
    "called October runs from 25 October to 24 November. Choose the day your pay usually "
    "arrives, or 1 for calendar months. You can change it later in Settings."
)


# --- forms --------------------------------------------------------------------------------------


class ProfileStepForm(WebForm):
    """The menus' choices are set by the page; the service checks every value."""

    display_name = StringField(
        "Display name",
        filters=[stripped],
        validators=[Length(max=MAX_DISPLAY_NAME), printable],
        description="How the app names you. Leave it empty to be named by your username.",
    )
    currency = SelectField("Currency", validate_choice=False)
    month_start_day = SelectField(
        "Budgeting month starts on day", validate_choice=False, description=MONTH_START_MEANING
    )
    submit = SubmitField("Continue")


class OwnerRowForm(Form):
    """One owner: an existing one carries its id; a new one has none."""

    id = HiddenField()
    name = StringField("Name", filters=[stripped])
    remove = BooleanField("Remove")


class OwnersStepForm(WebForm):
    rows = FieldList(FormField(OwnerRowForm))
    submit = SubmitField("Continue")


class CategoryRowForm(Form):
    """One category: an existing one carries its id and a Keep box; a new one has neither."""

    id = HiddenField()
    keep = BooleanField("Keep")
    name = StringField("Name", filters=[stripped])
    type = SelectField(
        "Type", choices=CATEGORY_TYPE_CHOICES, default="expense", validate_choice=False
    )


class CategoriesStepForm(WebForm):
    rows = FieldList(FormField(CategoryRowForm))
    submit = SubmitField("Continue")


# --- answering ----------------------------------------------------------------------------------


def _saved_or_shown(form, step: str, save, listed: list[int], template: str, **context):
    """On a valid post, ``save`` the step and go on; on a refusal roll back and mark the rows'
    fields (``listed[i]``: the form row of the service's row ``i``). Otherwise show the page
    (400 after a refused post)."""
    list_error = None
    if form.validate_on_submit():
        try:
            save()
        except ValidationError as exc:
            db.session.rollback()
            list_error = _mark_rows(form, exc, step, listed)
        else:
            return go_on(step)
    page = render_template(template, form=form, step=step, list_error=list_error, **context)
    return page, shown_status()


def _mark_rows(form, exc: ValidationError, step: str, listed: list[int]) -> str | None:
    """Put ``owners.1.name``-style errors on the form row they came from; answer the list's
    own problem (none listed, no expense category), if any."""
    list_error = None
    for key, message in exc.fields.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == step and parts[1].isdigit():
            row = form.rows[listed[int(parts[1])]].form
            field = row.name if parts[2] in ("name", "id") else getattr(row, parts[2], row.name)
            field.errors = [*field.errors, sentence(message)]
        else:
            list_error = sentence(message)
    return list_error


# --- profile ------------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"], endpoint="profile")
@login_required
def profile_step():
    """Step 1: display name, currency, the day a budgeting month starts."""
    if refused := wizard_page_refused("profile"):
        return refused
    user = current_user._get_current_object()
    shown = profile.read(db.session, user)
    form = ProfileStepForm(
        data={
            "display_name": shown.display_name or "",
            "currency": shown.currency,
            "month_start_day": str(shown.month_start_day),
        }
    )
    form.currency.choices = currency_choices(shown.currency)
    form.month_start_day.choices = month_start_day_choices()

    if form.validate_on_submit():
        try:
            household.save_profile(
                db.session,
                user,
                display_name=form.display_name.data,
                currency=form.currency.data,
                month_start_day=day_number(form.month_start_day.data),
                ip_address=request.remote_addr,
            )
        except ValidationError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            return go_on("profile")
    return render_template("onboarding/profile.html", form=form, step="profile"), shown_status()


# --- owners -------------------------------------------------------------------------------------


@bp.route("/owners", methods=["GET", "POST"])
@login_required
def owners():
    """Step 2: the household's owners: rename or remove the ones there are, add more."""
    if refused := wizard_page_refused("owners"):
        return refused
    existing = household.list_owners(db.session)
    if existing:
        rows = [{"id": str(o.id), "name": o.name} for o in existing]
    else:
        rows = [{"name": name} for name in household.OWNER_SUGGESTIONS]
    # A post is read as it came (an existing row's id is the one the page sent, or none).
    shown = None if request.method == "POST" else {"rows": rows + [{"name": ""}] * BLANK_ROWS}
    form = OwnersStepForm(data=shown)

    listed: list[int] = []
    entries: list[household.OwnerRow] = []
    for position, entry in enumerate(form.rows):
        row = entry.form
        if row.id.data:
            if row.remove.data:
                continue
            owner_id = optional_id(row.id.data) or row.id.data
            entries.append(household.OwnerRow(id=owner_id, name=row.name.data))
        elif row.name.data:
            entries.append(household.OwnerRow(name=row.name.data))
        else:
            continue  # a blank new row
        listed.append(position)

    return _saved_or_shown(
        form,
        "owners",
        lambda: household.save_owners(db.session, entries),
        listed,
        "onboarding/owners.html",
        suggested=not existing,
    )


# --- categories ---------------------------------------------------------------------------------


@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories():
    """Step 3: the categories, the universal ones to begin with: keep, rename, retype, add."""
    if refused := wizard_page_refused("categories"):
        return refused
    existing = household.list_categories(db.session)
    rows = [{"id": str(c.id), "keep": True, "name": c.name, "type": c.type} for c in existing]
    blank = [{"name": "", "type": "expense"}] * BLANK_ROWS
    form = CategoriesStepForm(data=None if request.method == "POST" else {"rows": rows + blank})

    listed: list[int] = []
    entries: list[household.CategoryRow] = []
    for position, entry in enumerate(form.rows):
        row = entry.form
        if row.id.data:
            if not row.keep.data:
                continue
            category_id = optional_id(row.id.data) or row.id.data
            entries.append(
                household.CategoryRow(id=category_id, name=row.name.data, type=row.type.data)
            )
        elif row.name.data:
            entries.append(household.CategoryRow(name=row.name.data, type=row.type.data))
        else:
            continue  # a blank new row
        listed.append(position)

    return _saved_or_shown(
        form,
        "categories",
        lambda: household.save_categories(db.session, entries),
        listed,
        "onboarding/categories.html",
    )
