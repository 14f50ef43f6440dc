"""Sharing pages: who can use the acting ledger (its owner adds people by username, gives
each a role, links each to the household owner who is them, removes them after asking),
the ledgers shared with the signed-in person (leaving one after asking), and the
navigation's switcher, which chooses the ledger this browser acts in.

Thin over ``services.sharing``: the service decides who may do what (an editor managing
members is refused as not the owner, a viewer as read-only: 403 either way) and names
the field of any bad input."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_login import current_user, login_required

from homeledger.extensions import db
from homeledger.ledger_roles import OWNER
from homeledger.services import categories, sharing
from homeledger.web import CHOSEN_LEDGER_KEY
from homeledger.web.forms import (
    DeleteForm,
    active_choices,
    attempt,
    confirmed,
    optional_id,
    shown_status,
)
from homeledger.web.sharing.forms import AddMemberForm, MemberForm, SwitchForm

bp = Blueprint("sharing", __name__)

# Service field names -> form field names, where they differ.
_FORM_FIELD = {"owner_id": "owner"}


def _member_form(person: sharing.Member, owners, submitted: bool = False) -> MemberForm:
    """One person's row form; its prefix keeps field ids unique on a page of many rows."""
    prefix = f"member-{person.user_id}"
    if submitted:
        form = MemberForm(prefix=prefix)
    else:
        shown = {"role": person.role, "owner": str(person.owner_id or "")}
        form = MemberForm(formdata=None, prefix=prefix, data=shown)
    form.owner.choices = active_choices(owners, "None", keep=person.owner_id)
    return form


def _render(add_form: AddMemberForm | None = None, edited=None, status: int = 200):
    """The sharing page; ``edited`` maps a person's user id to their submitted row form."""
    people = sharing.members(db.session)
    is_owner = people[0].user_id == current_user.id
    rows = [(person, None) for person in people]
    if is_owner:
        owners = categories.list_owners(db.session)
        edited = edited or {}
        rows = [(p, edited.get(p.user_id) or _member_form(p, owners)) for p in people]
    return render_template(
        "sharing/index.html",
        rows=rows,
        is_owner=is_owner,
        add_form=add_form or AddMemberForm(formdata=None),
        shared_with_you=sharing.shared_with(db.session, current_user),
        max_members=sharing.MAX_MEMBERS,
    ), status


@bp.route("/settings/sharing", methods=["GET", "POST"])
@login_required
def index():
    """Who can use this ledger, and the ledgers shared with you; the owner adds someone.
    400 naming the field (yourself, an unknown user, a member already, a bad role)."""
    form = AddMemberForm()
    if request.method == "POST":
        sharing.require_owner(db.session)  # 403 before anything is read from the form
        if form.validate_on_submit() and (
            done := attempt(
                form,
                lambda: sharing.add_member(
                    db.session, form.username.data, form.role.data, ip_address=request.remote_addr
                ),
                lambda added: (
                    f"{added.name} can now use this ledger as {added.role}: "
                    "it is in their ledger switcher from their next page."
                ),
                "sharing.index",
            )
        ):
            return done
    return _render(add_form=form, status=shown_status())


def _saved(person: sharing.Member) -> str:
    role = "" if person.role == OWNER else f" as {person.role}"
    mine = f"the owner “{person.owner_name}”" if person.owner_name else "no owner"
    return f"Saved: {person.name}{role}, linked to {mine}."


@bp.route("/settings/sharing/<int:user_id>", methods=["POST"])
@login_required
def update_member(user_id: int):
    """Change a member's role and which owner is them (the owner's own row: the owner
    only). 404 for someone without access; 400 naming the field."""
    sharing.require_owner(db.session)
    person = sharing.member(db.session, user_id)
    form = _member_form(person, categories.list_owners(db.session), submitted=True)

    def change() -> sharing.Member:
        changes: dict[str, object] = {"owner_id": optional_id(form.owner.data)}
        if person.role != OWNER:
            changes["role"] = form.role.data
        return sharing.change_member(db.session, user_id, **changes, ip_address=request.remote_addr)

    if form.validate_on_submit() and (
        done := attempt(form, change, _saved, "sharing.index", _FORM_FIELD)
    ):
        return done
    flash(f"Not saved: see {person.name}'s row below.", "error")
    return _render(edited={user_id: form}, status=400)


@bp.route("/settings/sharing/<int:user_id>/remove", methods=["GET", "POST"])
@login_required
def remove(user_id: int):
    """Ask, then (POST carrying this page's answer) take a member's access away. 404 for
    someone without access; 400, removing no one, for a post that skipped the question."""
    sharing.require_owner(db.session)
    person = sharing.member(db.session, user_id)
    if person.role == OWNER:
        flash("You own this ledger: to stop sharing it, remove its members.", "error")
        return redirect(url_for("sharing.index"))
    form = DeleteForm()
    if confirmed(form, "removal", confirm=person.user_id):
        sharing.remove_member(db.session, user_id, ip_address=request.remote_addr)
        db.session.commit()
        flash(f"{person.name} no longer has access to this ledger.", "success")
        return redirect(url_for("sharing.index"))
    return render_template("sharing/remove.html", form=form, person=person), shown_status()


@bp.route("/ledgers/<int:ledger_id>/leave", methods=["GET", "POST"])
@login_required
def leave(ledger_id: int):
    """Ask, then (POST carrying this page's answer) give up your access to a ledger shared
    with you. 404 for a ledger you have no access to; your own cannot be left (400)."""
    shared = sharing.ledger(db.session, current_user, ledger_id)
    form = DeleteForm()
    if shared.role != OWNER and confirmed(form, "leaving", confirm=shared.id):
        sharing.leave(db.session, current_user, ledger_id, ip_address=request.remote_addr)
        db.session.commit()
        if browser.get(CHOSEN_LEDGER_KEY) == ledger_id:
            browser.pop(CHOSEN_LEDGER_KEY)  # back in their own ledger, with no "gone" message
        flash(f"You left {shared.title}. Only {shared.owner_name} can share it again.", "success")
        return redirect(url_for("sharing.index"))
    return render_template("sharing/leave.html", form=form, shared=shared), shown_status()


@bp.route("/ledgers/switch", methods=["POST"])
@login_required
def switch():
    """Act in another ledger (one of the person's) from the next page on; on to the
    overview. A ledger they have no access to changes nothing and is said to be no one's."""
    form = SwitchForm()
    chosen = optional_id(form.ledger.data) if form.validate_on_submit() else None
    mine = sharing.ledgers(db.session, current_user)
    found = next((one for one in mine if one.id == chosen), None)
    if found is None:
        flash("There is no such ledger of yours: nothing was switched.", "error")
    elif found.role == OWNER:
        browser.pop(CHOSEN_LEDGER_KEY, None)
        flash("You are in your own ledger.", "success")
    else:
        browser[CHOSEN_LEDGER_KEY] = found.id
        flash(f"You are in {found.title}, as {found.role}.", "success")
    return redirect(url_for("overview.index"))
