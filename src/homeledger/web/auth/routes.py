"""Sign-in pages: login, logout, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from homeledger import device_trust
from homeledger.extensions import db
from homeledger.services import accounts, web_sessions
from homeledger.services.errors import ValidationError
from homeledger.web import WEB_SESSION_KEY, begin_browser_session
from homeledger.web.auth.forms import ChangePasswordForm, LoginForm
from homeledger.web.forms import show_errors

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would help phishing."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()  # no CR/LF: header injection
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("overview.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with username and password. A wrong pair re-renders with one vague message.

    429 when the client address or the username has tried too often (rate_limits.py);
    a browser that signed in as that user before is not held by the username's limit.
    A successful sign-in sets the device cookie that makes it so.
    """
    if current_user.is_authenticated:
        return redirect(url_for("overview.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db.session,
                form.username.data,
                form.password.data,
                ip_address=request.remote_addr,
                audit_details=device_trust.audit_details(),
            )
        except accounts.SignInRefused as refused:
            db.session.commit()  # the refused attempt stays in the audit log
            flash(str(refused), "error")
            return render_template("auth/login.html", form=form), 401
        if user is not None:
            begin_browser_session(user)
            # This browser is now known to be the user's: a lockout of the username by
            # someone else's guesses will not keep them out here (rate_limits.py).
            return device_trust.remember(redirect(_safe_next(request.args.get("next"))), user)
        db.session.commit()
        flash("Wrong username or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF token, so no page can sign a user out by linking here).

    The server-side session is revoked: a copy of the cookie no longer works.
    """
    web_sessions.sign_out(
        db.session,
        session.get(WEB_SESSION_KEY, ""),
        current_user.id,
        ip_address=request.remote_addr,
    )
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other browser and device of this user is signed out.

    400 with the field named when the current password is wrong or the new one is weak;
    429 after too many attempts.
    """
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                ip_address=request.remote_addr,
                keep_web_session=session.get(WEB_SESSION_KEY),
            )
        except ValidationError as exc:
            db.session.commit()  # keeps the audit entry of the failed attempt
            show_errors(form, exc, {"password": "new_password"})
            return render_template("auth/change_password.html", form=form), 400
        db.session.commit()
        login_user(current_user._get_current_object())  # this browser carries the new epoch
        flash(
            "Your password has been changed. Other browsers and devices are signed out.", "success"
        )
        # The old device cookie named the old password; this browser stays trusted.
        return device_trust.remember(redirect(url_for("overview.index")), current_user)
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/account")
@login_required
def profile():
    """The account page is the settings hub now; old links and bookmarks lead there."""
    return redirect(url_for("account_settings.index"))
