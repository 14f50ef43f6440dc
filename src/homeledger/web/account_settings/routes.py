"""The settings hub (/settings): your profile, your ledger's currency, month and date
format, the way to your password, the ledger's lists; and the saved CSV import mappings."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from homeledger.extensions import db
from homeledger.services import import_profiles, profile, settings
from homeledger.services.profile import LOCALES, ProfileChange
from homeledger.web import months
from homeledger.web.account_settings.forms import MONTH_START_NOTE, ProfileForm
from homeledger.web.formats import format_date
from homeledger.web.forms import (
    DeleteForm,
    confirmed,
    currency_choices,
    day_number,
    form_page,
    month_start_day_choices,
    options,
    shown_status,
)

bp = Blueprint("account_settings", __name__, url_prefix="/settings")


def _example_day() -> date:
    """The day each date format is shown with: the 15th, so day and month cannot be mixed up."""
    return months.today().replace(day=15)


def _menus(form: ProfileForm, shown: profile.Profile) -> None:
    """The menus' choices; a code the ledger holds but the list no longer offers stays
    choosable, so saving another field does not silently change it."""
    example = _example_day()
    locales = [(code, f"{format_date(example, code)} — {name}") for code, name in LOCALES.items()]
    if shown.locale not in LOCALES:
        locales.insert(0, (shown.locale, f"{format_date(example, shown.locale)} — {shown.locale}"))
    form.currency.choices = currency_choices(shown.currency)
    form.locale.choices = options(locales)
    form.month_start_day.choices = month_start_day_choices()


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """The settings hub. Saving checks every field; 400 naming each bad one, nothing saved."""
    user = current_user._get_current_object()
    shown = profile.read(db.session, user)
    form = ProfileForm(
        data={
            "display_name": shown.display_name or "",
            "email": shown.email or "",
            "currency": shown.currency,
            "month_start_day": str(shown.month_start_day),
            "locale": shown.locale,
        }
    )
    _menus(form, shown)

    def change() -> profile.Profile:
        return profile.update(
            db.session,
            user,
            ProfileChange(
                display_name=form.display_name.data,
                email=form.email.data,
                currency=form.currency.data,
                month_start_day=day_number(form.month_start_day.data),
                locale=form.locale.data,
            ),
            ip_address=request.remote_addr,
        )

    def done(saved: profile.Profile) -> str:
        if saved.month_start_day != shown.month_start_day:
            return (
                f"Your settings are saved. Budgeting months now start on day "
                f"{saved.month_start_day}."
            )
        return "Your settings are saved."

    ledger = settings.LedgerSettings(shown.currency, shown.month_start_day, shown.locale)
    return form_page(
        form,
        change,
        done,
        url_for("account_settings.index"),
        "account_settings/index.html",
        shown=shown,
        this_month=ledger.month_containing(months.today()),
        month_start_note=MONTH_START_NOTE,
    )


# --- saved CSV import mappings ---------------------------------------------------------------


@bp.route("/mappings")
@login_required
def mappings():
    """The saved CSV mappings, each described in words, with a way to delete it."""
    rows = [(p, import_profiles.describe(p)) for p in import_profiles.list_profiles(db.session)]
    return render_template("account_settings/mappings.html", rows=rows)


@bp.route("/mappings/<int:profile_id>/delete", methods=["GET", "POST"])
@login_required
def delete_mapping(profile_id: int):
    """Ask, then (POST carrying this page's answer) forget a saved mapping. Imports made
    with it stay. 404 when it is not in this ledger; 400, deleting nothing, for a post that
    skipped the question."""
    mapping = import_profiles.get_profile(db.session, profile_id)
    form = DeleteForm()
    if confirmed(form, confirm=mapping.id):
        name = mapping.name
        import_profiles.delete_profile(db.session, profile_id)
        db.session.commit()
        flash(
            f"Deleted the mapping “{name}”. Transactions imported with it stay as they are.",
            "success",
        )
        return redirect(url_for("account_settings.mappings"))
    return render_template(
        "account_settings/mapping_delete.html",
        form=form,
        mapping=mapping,
        lines=import_profiles.describe(mapping),
    ), shown_status()
