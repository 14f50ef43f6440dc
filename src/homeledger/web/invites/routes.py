"""The invite link's page: choose a password (the password rules apply), then signed in.

A link used, replaced by a newer invite, expired or of a deactivated account answers 410
with a page saying so; one never issued, 404. Either says to ask the admin for a new one.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from homeledger import device_trust
from homeledger.extensions import db
from homeledger.services import admin_users, web_sessions
from homeledger.services.errors import ValidationError
from homeledger.web import WEB_SESSION_KEY, begin_browser_session
from homeledger.web.forms import show_errors, shown_status
from homeledger.web.invites.forms import AcceptInviteForm

bp = Blueprint("invites", __name__)


def _gone(refusal: admin_users.InviteGone):
    status = 404 if refusal.reason == "unknown" else 410
    return render_template("invites/gone.html", message=str(refusal)), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Choose a password with a one-time invite link; on success, signed in as that user."""
    try:
        _, user = admin_users.open_link(db.session, token)
    except admin_users.InviteGone as refusal:
        return _gone(refusal)
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            user = admin_users.accept(
                db.session, token, form.new_password.data, ip_address=request.remote_addr
            )
        except admin_users.InviteGone as refusal:
            db.session.rollback()
            return _gone(refusal)
        except ValidationError as exc:
            db.session.rollback()
            show_errors(form, exc, {"password": "new_password"})
        else:
            return _sign_in(user)
    return render_template("invites/accept.html", form=form, user=user), shown_status()


def _sign_in(user):
    """As a sign-in does: whoever was signed in here is signed out, a new session begins."""
    if current_user.is_authenticated and session.get(WEB_SESSION_KEY):
        web_sessions.end(db.session, session[WEB_SESSION_KEY])
        logout_user()
    begin_browser_session(user)
    flash(f"Welcome, {user.display_name or user.username}: your password is set.", "success")
    return device_trust.remember(redirect(url_for("overview.index")), user)
