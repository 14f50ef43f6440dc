"""The admin's users pages: the table, a new account with its one-time invite, each
account's page (role, activate or deactivate after a question, a new invite).

An invite (the link or the temporary password) is shown once, on the page that answers
the post that made it, and never again: only its hash is kept.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from homeledger.extensions import db
from homeledger.services import admin_users
from homeledger.services.errors import ValidationError
from homeledger.web.admin import admin_only
from homeledger.web.admin.user_forms import ActiveForm, InviteForm, NewUserForm, RoleForm
from homeledger.web.forms import confirmed, show_errors, shown_status

bp = admin_only(Blueprint("admin_users", __name__))

_KINDS = {"link": "an invite link", "password": "a temporary password"}


def _actor():
    return current_user._get_current_object()


def _shown_once(user, issued, *, created: bool):
    """The page that shows an invite, once."""
    url = None
    if issued.token is not None:
        url = url_for("invites.accept", token=issued.token, _external=True)
    return render_template(
        "admin/invite_issued.html", user=user, issued=issued, url=url, created=created
    )


@bp.route("/admin")
def home():
    """The admin's start: the users."""
    return redirect(url_for("admin_users.index"))


@bp.route("/admin/users")
def index():
    """Every account: role, active, when created and last signed in, where they stand."""
    return render_template("admin/users.html", rows=admin_users.list_users(db.session))


@bp.route("/admin/users/new", methods=["GET", "POST"])
def new():
    """Create an account with a one-time invite; 400 naming the field, nothing written."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user, issued = admin_users.create(
                db.session,
                _actor(),
                username=form.username.data,
                email=form.email.data or None,
                display_name=form.display_name.data or None,
                role=form.role.data,
                invite=form.invite.data,
                ip_address=request.remote_addr,
            )
        except ValidationError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            return _shown_once(user, issued, created=True)
    return render_template("admin/user_new.html", form=form), shown_status()


def _details(user_id: int, status: int = 200, role_form=None):
    row = admin_users.get(db.session, user_id)
    role_form = role_form or RoleForm(formdata=None, role=row.user.role)
    return render_template(
        "admin/user.html",
        row=row,
        user=row.user,
        role_form=role_form,
        active_form=ActiveForm(formdata=None),
        is_self=row.user.id == current_user.id,
    ), status


@bp.route("/admin/users/<int:user_id>")
def show(user_id: int):
    """One account, with its role, its state and the way to a new invite."""
    return _details(user_id)


def _change(user_id: int, done: str, **change):
    """Apply a guarded change; a refusal is kept in the audit log and shown (409)."""
    try:
        admin_users.update(db.session, _actor(), user_id, ip_address=request.remote_addr, **change)
    except admin_users.Refused as refused:
        db.session.commit()  # nothing changed but the audit entry of the refusal
        flash(str(refused), "error")
        return _details(user_id, 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("admin_users.show", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
def role(user_id: int):
    """Make an account an admin or a user (never yourself, never the last admin)."""
    form = RoleForm()
    if not form.validate_on_submit():
        return _details(user_id, 400, role_form=form)
    return _change(user_id, f"The role is now {form.role.data}.", role=form.role.data)


@bp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
def activate(user_id: int):
    """Let a deactivated account sign in again with the password it had (an invite not
    yet used when it was deactivated was withdrawn: issue a new one)."""
    if not ActiveForm().validate_on_submit():
        return _details(user_id, 400)
    return _change(user_id, "The account is active again.", is_active=True)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int):
    """Ask first, saying what happens; then sign the account out everywhere and keep it
    out until it is activated again."""
    row = admin_users.get(db.session, user_id)
    form = ActiveForm()
    if confirmed(form, "deactivation", confirm=row.user.id):
        return _change(user_id, f"{row.user.username} is deactivated.", is_active=False)
    return render_template(
        "admin/user_deactivate.html",
        user=row.user,
        form=form,
        is_self=row.user.id == current_user.id,
    ), shown_status()


@bp.route("/admin/users/<int:user_id>/invite", methods=["GET", "POST"])
def invite(user_id: int):
    """A new invite (the password reset), after a page that says what it does."""
    row = admin_users.get(db.session, user_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            issued = admin_users.reissue(
                db.session, _actor(), user_id, form.invite.data, ip_address=request.remote_addr
            )
        except admin_users.Refused as refused:
            db.session.commit()
            flash(str(refused), "error")
            return _details(user_id, 409)
        db.session.commit()
        return _shown_once(row.user, issued, created=False)
    return render_template(
        "admin/user_invite.html", row=row, user=row.user, form=form, kinds=_KINDS
    ), shown_status()
