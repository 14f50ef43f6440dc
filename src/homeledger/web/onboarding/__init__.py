"""The first-run wizard's pages: one module per step, all on one blueprint.

Until the wizard is finished every other page leads here (``web.register_web``'s gate);
``/welcome`` opens the step the person has got to. A step page may be opened again
once reached (back), and saving it leads to the next step (forward).
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from homeledger.extensions import db, login_manager
from homeledger.services import onboarding
from homeledger.web import CHOSEN_LEDGER_KEY

bp = Blueprint("onboarding", __name__, url_prefix="/welcome")

# Blueprints a user may use once the wizard has reached its data step: getting data in.
DATA_STEP_BLUEPRINTS = frozenset({"imports", "import_undo", "legacy_upload"})
_ALWAYS_OPEN = frozenset({"auth.logout", "auth.change_password", "static", "favicon"})


def step_url(step: str) -> str:
    """The page of ``step`` (``complete``: the summary that finishes the wizard)."""
    return url_for(f"onboarding.{step}")


def wizard_page_refused(step: str):
    """None when the signed-in user may see ``step``'s page now; otherwise the redirect to
    where they belong (the overview once finished, the resume point if not this far)."""
    if onboarding.reachable(current_user, step):
        return None
    if not onboarding.required(current_user):
        return redirect(url_for("overview.index"))
    return redirect(step_url(onboarding.resume_point(current_user)))


def go_on(step: str):
    """After ``step`` was saved in this request: move the wizard on, commit, and redirect
    to the next step's page."""
    following = onboarding.saved(db.session, current_user, step)
    db.session.commit()
    return redirect(step_url(following))


def closed(endpoint: str | None, blueprint: str | None) -> bool:
    """Whether the signed-in user must finish the wizard before opening this page: yes
    while it is not finished, except for the wizard itself, signing out, the password,
    static files, invite links, and getting data in once the wizard has reached that
    step (going back to it must find its import and old-file pages open)."""
    if not onboarding.required(current_user):
        return False
    if blueprint in ("onboarding", "invites") or endpoint in _ALWAYS_OPEN:
        return False
    return not (blueprint in DATA_STEP_BLUEPRINTS and onboarding.reachable(current_user, "data"))


@bp.before_request
def signed_in_only():
    """Every wizard page is a signed-in person's: the visitor is sent to sign in."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.app_template_global()
def wizard_progress() -> list[tuple[str, str, bool]]:
    """(step, title, may be opened now) for each wizard step, for the steps' header."""
    return [
        (step, onboarding.TITLES[step], onboarding.reachable(current_user, step))
        for step in onboarding.STEPS
    ]


@bp.route("")
def resume():
    """Where the wizard stands: the step the person has got to."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if not onboarding.required(current_user):
        return redirect(url_for("overview.index"))
    return redirect(step_url(onboarding.resume_point(current_user)))


@bp.route("/join/<int:ledger_id>", methods=["POST"])
def join(ledger_id: int):
    """Skip setting up one's own ledger and open the one a partner shared (the profile
    step offers it to someone who has been added to another ledger). The app's CSRF check
    has refused a post without the page's token before this runs."""
    onboarding.join_shared(db.session, current_user, ledger_id, ip_address=request.remote_addr)
    db.session.commit()
    session[CHOSEN_LEDGER_KEY] = ledger_id
    return redirect(url_for("overview.index"))


# The steps' pages, each in its module (imported for their routes).
from homeledger.web.onboarding import budget, data, household  # noqa: E402,F401
