"""Settings pages: categories and owners (add, rename, (de)activate, merge)."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import categories, transactions
from homeledger.services.filters import TransactionFilter
from homeledger.web.forms import attempt, id_choices
from homeledger.web.ledger_settings.forms import (
    CategoryEditForm,
    CategoryForm,
    MergeForm,
    OwnerEditForm,
    OwnerForm,
)

bp = Blueprint("ledger_settings", __name__, url_prefix="/settings")

_MERGE_FIELDS = {"source_id": "source", "target_id": "target"}


def _merge_form(items) -> MergeForm:
    form = MergeForm()
    form.source.choices = id_choices(items, "Choose…")
    form.target.choices = id_choices(items, "Choose…")
    return form


# --- categories -------------------------------------------------------------------------------


def _category_row_form(category, formdata=None) -> CategoryEditForm:
    """One row's form; its prefix keeps field ids unique on a page of many rows."""
    prefix = f"category-{category.id}"
    if formdata is None:
        return CategoryEditForm(formdata=None, obj=category, prefix=prefix)
    return CategoryEditForm(prefix=prefix)


def _render_categories(add_form=None, edited=None, merge_form=None, status: int = 200):
    """The categories page; ``edited`` maps a row's id to its submitted form."""
    items = categories.list_categories(db.session, include_inactive=True)
    edited = edited or {}
    rows = [(c, edited[c.id] if c.id in edited else _category_row_form(c)) for c in items]
    if merge_form is None:
        merge_form = _merge_form(items)
    return render_template(
        "ledger_settings/categories.html",
        rows=rows,
        add_form=add_form or CategoryForm(formdata=None),
        merge_form=merge_form,
    ), status


@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories_page():
    """List categories and add one. 400 naming the field when the new one is not valid."""
    form = CategoryForm()
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.create_category(
                db.session, form.name.data, form.type.data, form.color.data
            ),
            lambda category: f"Added the category “{category.name}”.",
            "ledger_settings.categories_page",
        )
    ):
        return done
    return _render_categories(add_form=form, status=400 if form.errors else 200)


@bp.route("/categories/<int:category_id>", methods=["POST"])
@login_required
def update_category(category_id: int):
    """Rename, retype, recolour or (de)activate a category.

    404 when it is not in this ledger; 400 naming the field when a value is not valid.
    """
    category = categories.get_category(db.session, category_id)
    form = _category_row_form(category, formdata=True)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.update_category(
                db.session,
                category_id,
                name=form.name.data,
                type_=form.type.data,
                color=form.color.data,
                is_active=form.is_active.data,
            ),
            lambda saved: f"Saved the category “{saved.name}”.",
            "ledger_settings.categories_page",
        )
    ):
        return done
    flash("Not saved: see the marked category below.", "error")
    return _render_categories(edited={category_id: form}, status=400)


def _merge_moves(form: MergeForm, items, kind: str):
    """None when the person confirmed this very merge; else the confirmation page to show."""
    source, target = int(form.source.data), int(form.target.data)
    names = {i.id: i.name for i in items}
    if source not in names or target not in names:
        return None  # the service answers: not one of yours
    key = "category_ids" if kind == "category" else "owner_id"
    value = (source,) if kind == "category" else source
    count = transactions.totals(db.session, TransactionFilter(**{key: value})).count
    expected = f"{source}>{target}:{count}"
    if form.confirmed.data == expected:
        return None
    if form.confirmed.data:
        flash("Something changed since you were asked: check again.", "warning")
    form.confirmed.data = expected
    return render_template(
        "ledger_settings/merge_confirm.html",
        form=form,
        kind=kind,
        source=names[source],
        target=names[target],
        count=count,
        action=url_for(f"ledger_settings.merge_{'categories' if kind == 'category' else 'owners'}"),
        back=url_for(f"ledger_settings.{'categories' if kind == 'category' else 'owners'}_page"),
    ), 200


@bp.route("/categories/merge", methods=["POST"])
@login_required
def merge_categories():
    """Move everything of one category into another and delete the first, once confirmed.

    The first post answers with what would move, and how many rows; only the
    confirmed second post changes anything. 400 when either is missing or they are
    the same.
    """
    items = categories.list_categories(db.session, include_inactive=True)
    form = _merge_form(items)
    if form.validate_on_submit() and (asking := _merge_moves(form, items, "category")):
        return asking
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.merge_categories(
                db.session, int(form.source.data), int(form.target.data)
            ),
            lambda target: f"Merged into “{target.name}”.",
            "ledger_settings.categories_page",
            _MERGE_FIELDS,
        )
    ):
        return done
    return _render_categories(merge_form=form, status=400)


# --- owners ---------------------------------------------------------------------------------


def _owner_row_form(owner, formdata=None) -> OwnerEditForm:
    prefix = f"owner-{owner.id}"
    if formdata is None:
        return OwnerEditForm(formdata=None, obj=owner, prefix=prefix)
    return OwnerEditForm(prefix=prefix)


def _render_owners(add_form=None, edited=None, merge_form=None, status: int = 200):
    """The owners page; ``edited`` maps a row's id to its submitted form."""
    items = categories.list_owners(db.session)
    edited = edited or {}
    rows = [(o, edited[o.id] if o.id in edited else _owner_row_form(o)) for o in items]
    return render_template(
        "ledger_settings/owners.html",
        rows=rows,
        add_form=add_form or OwnerForm(formdata=None),
        merge_form=merge_form or _merge_form(items),
    ), status


@bp.route("/owners", methods=["GET", "POST"])
@login_required
def owners_page():
    """List the household's owners and add one. 400 when the name is empty or taken."""
    form = OwnerForm()
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.create_owner(db.session, form.name.data),
            lambda owner: f"Added “{owner.name}”.",
            "ledger_settings.owners_page",
        )
    ):
        return done
    return _render_owners(add_form=form, status=400 if form.errors else 200)


@bp.route("/owners/<int:owner_id>", methods=["POST"])
@login_required
def update_owner(owner_id: int):
    """Rename or (de)activate an owner. 404 when not in this ledger; 400 for a bad name."""
    owner = categories.get_owner(db.session, owner_id)
    form = _owner_row_form(owner, formdata=True)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.update_owner(
                db.session, owner_id, name=form.name.data, is_active=form.is_active.data
            ),
            lambda saved: f"Saved “{saved.name}”.",
            "ledger_settings.owners_page",
        )
    ):
        return done
    flash("Not saved: see the marked owner below.", "error")
    return _render_owners(edited={owner_id: form}, status=400)


@bp.route("/owners/merge", methods=["POST"])
@login_required
def merge_owners():
    """Move everything of one owner to another and delete the first, once confirmed.

    400 when either is missing or they are the same.
    """
    items = categories.list_owners(db.session)
    form = _merge_form(items)
    if form.validate_on_submit() and (asking := _merge_moves(form, items, "owner")):
        return asking
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: categories.merge_owners(
                db.session, int(form.source.data), int(form.target.data)
            ),
            lambda target: f"Merged into “{target.name}”.",
            "ledger_settings.owners_page",
            _MERGE_FIELDS,
        )
    ):
        return done
    return _render_owners(merge_form=form, status=400)
