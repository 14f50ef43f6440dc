"""The wizard's data step: import a file, bring in the old desktop file, load the sample
household, or start empty. The import and old-file pages are open once the wizard has
reached this step; the person comes back here (the "Back to setup" banner) and goes on."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from homeledger.demo import load_sample
from homeledger.extensions import db
from homeledger.services import onboarding_data
from homeledger.services.errors import ValidationError
from homeledger.web.forms import WebForm, options, show_errors
from homeledger.web.months import today
from homeledger.web.onboarding import bp, go_on, wizard_page_refused

CHOICE_LABELS = {
    "import": "Import a file",
    "legacy": "Upload your old desktop file",
    "sample": "Load sample data to explore",
    "empty": "Start empty",
}


class DataStepForm(WebForm):
    choice = RadioField(
        "How do you want to start?",
        choices=options((key, CHOICE_LABELS[key]) for key in onboarding_data.CHOICES),
        validators=[InputRequired("Choose one way to start.")],
    )
    submit = SubmitField("Continue")


def _page(form: DataStepForm, status: int = 200):
    holds = onboarding_data.holds(db.session)
    return render_template("onboarding/data.html", form=form, holds=holds), status


@bp.route("/data", methods=["GET", "POST"])
def data():
    """The four ways in, what the ledger holds now, and Continue with the chosen one.
    A choice the ledger does not bear out (``import`` before any import) is 400 with the
    reason on the choice, nothing written, the wizard still here."""
    if (refused := wizard_page_refused("data")) is not None:
        return refused
    form = DataStepForm()
    if not form.is_submitted():
        form.choice.data = onboarding_data.chosen(db.session, current_user)
        return _page(form)
    if not form.validate():
        return _page(form, 400)
    try:
        onboarding_data.save(db.session, form.choice.data, today=today(), load_sample=load_sample)
    except ValidationError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return _page(form, 400)
    return go_on("data")
