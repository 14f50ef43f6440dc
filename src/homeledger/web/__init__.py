"""Server-rendered pages: one blueprint package per area."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user
from jinja2 import pass_context
from sqlalchemy.exc import SQLAlchemyError

from homeledger import tenancy
from homeledger.extensions import db, login_manager
from homeledger.ledger_roles import VIEWER

# Aliased: importing the sharing pages (web/sharing/) binds the name ``sharing`` in this
# package, which would hide the service.
from homeledger.services import sharing as ledger_sharing
from homeledger.services import web_sessions
from homeledger.web.formats import format_date, format_money
from homeledger.web.forms import current_ledger

# Where the browser's server-side session token lives inside the signed cookie.
WEB_SESSION_KEY = "wsid"

# Pages a user who must change their password may still reach.
_PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static"}
# Where the browser keeps the ledger chosen in the switcher (services/sharing.py);
# without it, a person acts in their own.
CHOSEN_LEDGER_KEY = "ledger"
# Pages about the signed-in person rather than a ledger: their profile, their data
# (export, delete all, restore), the wizard, admin work. They act in the person's own
# ledger whichever ledger is chosen, so no member reaches another's export or delete.
_OWN_LEDGER_BLUEPRINTS = frozenset(
    {"auth", "my_data", "onboarding", "invites", "admin_users", "admin_audit", "admin_backup"}
)
_OWN_LEDGER_ENDPOINTS = frozenset({"account_settings.index", "static"})


def begin_browser_session(user) -> None:
    """Sign ``user`` in on this browser: a brand-new session (nothing from before sign-in,
    fixation, carries over), recorded server-side, committed, then Flask-Login's cookie."""
    session.clear()
    session.permanent = True
    session[WEB_SESSION_KEY] = web_sessions.start(
        db.session,
        user,
        lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"],
        ip_address=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    db.session.commit()
    login_user(user)


def register_web(app: Flask) -> None:
    from homeledger.web import onboarding as wizard_gate
    from homeledger.web.account_settings.routes import bp as account_settings_bp
    from homeledger.web.admin.audit import bp as admin_audit_bp
    from homeledger.web.admin.backup import bp as admin_backup_bp
    from homeledger.web.admin.users import bp as admin_users_bp
    from homeledger.web.analytics.routes import bp as analytics_bp
    from homeledger.web.auth.routes import bp as auth_bp
    from homeledger.web.bills.routes import bp as bills_bp
    from homeledger.web.budgets.advice import bp as budget_advice_bp
    from homeledger.web.budgets.routes import bp as budgets_bp
    from homeledger.web.category_trends.routes import bp as category_trends_bp
    from homeledger.web.debts.routes import bp as debts_bp
    from homeledger.web.goals.routes import bp as goals_bp
    from homeledger.web.imports.routes import bp as imports_bp
    from homeledger.web.imports.undo import bp as import_undo_bp
    from homeledger.web.invites.routes import bp as invites_bp
    from homeledger.web.ledger_settings.routes import bp as ledger_settings_bp
    from homeledger.web.ledger_settings.rules import bp as ledger_rules_bp
    from homeledger.web.legacy_upload.routes import bp as legacy_upload_bp
    from homeledger.web.my_data.routes import bp as my_data_bp
    from homeledger.web.onboarding import bp as onboarding_bp
    from homeledger.web.overview.routes import bp as overview_bp
    from homeledger.web.sharing.routes import bp as sharing_bp
    from homeledger.web.transactions.routes import bp as transactions_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(overview_bp)
    app.register_blueprint(transactions_bp)
    app.register_blueprint(budgets_bp)
    app.register_blueprint(budget_advice_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(import_undo_bp)
    app.register_blueprint(account_settings_bp)
    app.register_blueprint(ledger_settings_bp)
    app.register_blueprint(ledger_rules_bp)
    app.register_blueprint(bills_bp)
    app.register_blueprint(debts_bp)
    app.register_blueprint(goals_bp)
    app.register_blueprint(analytics_bp)
    app.register_blueprint(category_trends_bp)
    app.register_blueprint(my_data_bp)
    app.register_blueprint(admin_audit_bp)
    app.register_blueprint(admin_users_bp)
    app.register_blueprint(invites_bp)
    app.register_blueprint(admin_backup_bp)
    app.register_blueprint(legacy_upload_bp)
    app.register_blueprint(onboarding_bp)
    app.register_blueprint(sharing_bp)

    @app.route("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico on pages that name no icon (the API's)."""
        return redirect(url_for("static", filename="favicon.svg"), 301)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(stored_id: str):
        """The user of this browser's live server-side session, or None (signed out)."""
        token = session.get(WEB_SESSION_KEY)
        if not token:
            return None
        user = web_sessions.resume(
            db.session, token, idle_timeout=current_app.config["SESSION_IDLE_TIMEOUT"]
        )
        # The stored id carries the password epoch: a changed password ends old sessions.
        if user is None or user.get_id() != stored_id:
            if web_sessions.owner_deactivated(db.session, token):
                session.pop(WEB_SESSION_KEY)  # said once; the next page is simply signed out
                flash("This account is deactivated.", "error")
            db.session.rollback()
            return None
        if db.session.dirty:
            db.session.commit()  # last seen, recorded before the request does its own work
        return user

    @app.before_request
    def scope_request_to_signed_in_user():
        """Every query in this request reads and writes the signed-in user's ledger only.

        A temporary password must be changed first, then the first-run wizard finished:
        until then other pages lead there (the API answers for itself)."""
        if not current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            tenancy.set_ledger(db.session, current_user.id)  # the API chooses for itself
            return None
        if (gone := _enter_chosen_ledger()) is not None:
            return gone
        if current_user.must_change_password:
            if request.endpoint not in _PASSWORD_CHANGE_ALLOWED:
                return redirect(url_for("auth.change_password"))
        elif wizard_gate.closed(request.endpoint, request.blueprint):
            return redirect(url_for("onboarding.resume"))
        return None

    @app.context_processor
    def ledgers_for_templates() -> dict:
        """The ledger being acted in, the signed-in person's role there, whether they may
        change it (``writable``: pages offer no change to a viewer), and every ledger they
        may switch to (the switcher shows when there is more than one)."""
        if not (current_user.is_authenticated and tenancy.has_ledger(db.session)):
            return {}
        try:
            choices = ledger_sharing.ledgers(db.session, current_user)
        except SQLAlchemyError:
            db.session.rollback()  # an error page must render when the database failed
            return {}
        acting = tenancy.current_ledger(db.session)
        here = next((one for one in choices if one.id == acting), choices[0])
        return {
            "ledgers": choices,
            "acting_ledger": here,
            "ledger_role": here.role,
            "writable": here.role != VIEWER,
        }

    @app.context_processor
    def ledger_settings_for_templates() -> dict:
        """Every page of a signed-in ledger knows its settings: ``ledger`` and ``currency``."""
        if not tenancy.has_ledger(db.session):
            return {}
        try:
            ledger = current_ledger()
        except SQLAlchemyError:
            # An error page must still render when the database is what failed.
            db.session.rollback()
            return {}
        return {"ledger": ledger, "currency": ledger.currency}

    app.add_template_filter(format_money, "money")
    app.add_template_filter(_day, "day")
    app.add_template_filter(lambda count: f"{count:,}", "thousands")
    app.add_template_global(timedelta(days=1), "one_day")


def _enter_chosen_ledger():
    """Act in the ledger this browser chose, checked again on every request: a member
    removed since is back in their own ledger on their very next page, told so, and the
    request they made is not carried out there (a redirect, even for a form's POST)."""
    own = request.blueprint in _OWN_LEDGER_BLUEPRINTS or request.endpoint in _OWN_LEDGER_ENDPOINTS
    chosen = None if own else session.get(CHOSEN_LEDGER_KEY)
    if ledger_sharing.enter(db.session, current_user, chosen) is not None:
        return None
    session.pop(CHOSEN_LEDGER_KEY, None)
    ledger_sharing.enter(db.session, current_user)
    flash("You no longer have access to that ledger; this is your own.", "error")
    return redirect(url_for("overview.index"))


@pass_context
def _day(context, value) -> str:
    """``{{ t.date | day }}``: the date in the ledger's locale (ISO-like English without one)."""
    ledger = context.get("ledger")
    return format_date(value, ledger.locale if ledger is not None else "en")
