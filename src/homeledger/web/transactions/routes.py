"""Transaction pages: the filtered list with keyset pages, bulk edits, create, edit, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import sharing, transactions
from homeledger.services.errors import ValidationError
from homeledger.services.transactions import TransactionFilter, TransactionInput
from homeledger.web import months
from homeledger.web.forms import (
    LedgerLists,
    attempt,
    category_owner_menus,
    id_choices,
    list_url_from,
    optional_id,
    options,
    show_errors,
)
from homeledger.web.transactions.forms import BulkForm, ConfirmForm, FilterForm, TransactionForm

bp = Blueprint("transactions", __name__, url_prefix="/transactions")

PAGE_SIZE = 50
# Query-string keys of the filter, carried into paging links and the bulk form's action.
_FILTER_FIELDS = (
    "search",
    "payee",
    "month",
    "date_from",
    "date_to",
    "category",
    "owner",
    "account",
    "amount_min",
    "amount_max",
    "sort",
    "batch",
    "review",
    "flow",
)
# The filters behind "More filters"; their panel opens when one is in use.
_MORE_FILTERS = {
    "payee",
    "date_from",
    "date_to",
    "owner",
    "account",
    "amount_min",
    "amount_max",
    "sort",
    "review",
    "flow",
}
_MENUS = {"category", "owner", "account"}
_FACT_KINDS = {
    "month": "month",
    "date_from": "date",
    "date_to": "date",
    "amount_min": "money",
    "amount_max": "money",
}
# Service field names -> form field names, where they differ.
_FORM_FIELD = {"category_id": "category", "owner_id": "owner"}
_FILTER_FORM_FIELD = {"mine": "owner"}


def _filter_args() -> dict[str, str]:
    """The filter part of the query string, to carry into links and the bulk form."""
    return {key: request.args[key] for key in _FILTER_FIELDS if request.args.get(key)}


def _is_filtered(args: dict[str, str]) -> bool:
    """Whether the filter narrows the list at all (a sort order alone does not)."""
    return bool(set(args) - {"sort"})


def _back() -> str:
    """The list page (filter, page) a form was opened from, else the unfiltered list."""
    return list_url_from(request.args.get("back"), url_for("transactions.index"))


def _criteria(form: FilterForm) -> TransactionFilter:
    month = form.month.data
    category = form.category.data
    return TransactionFilter(
        search=form.search.data or None,
        month=(month.year, month.month) if month else None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        category_ids=(optional_id(category),) if optional_id(category) else (),
        uncategorised=category == "none",
        owner_id=optional_id(form.owner.data),
        no_owner=form.owner.data == "none",
        mine=form.owner.data == months.MINE,
        account=form.account.data or None,
        payee=form.payee.data or None,
        amount_min=form.amount_min.data,
        amount_max=form.amount_max.data,
        import_batch_id=optional_id(form.batch.data),
        needs_review=bool(form.review.data),
        flow=form.flow.data or None,
    )


class _Lists(LedgerLists):
    """The ledger's categories and owners, and the accounts its rows name, for menus; and
    the owner who is the signed-in person here, if they are linked to one ("Mine")."""

    def __init__(self) -> None:
        super().__init__()
        self.accounts = transactions.accounts(db.session)
        self.mine = sharing.my_owner_id(db.session, self.owners)


def _owner_filter_choices(lists: _Lists, chosen: str | None) -> list:
    """Everyone, each owner, no owner, and "Mine" for someone linked to an owner (kept when
    asked for but no longer linked, so the service says why it cannot be shown)."""
    extra = [("none", "No owner")]
    if lists.mine is not None:
        extra.insert(0, months.mine_choice(lists.mine, lists.owner_names))
    elif chosen == months.MINE:
        extra.insert(0, (months.MINE, "Mine"))
    return id_choices(lists.owners, "All owners", extra=tuple(extra))


def _filter_form(lists: _Lists) -> FilterForm:
    form = FilterForm(formdata=request.args)
    form.category.choices = id_choices(
        lists.categories, "All categories", extra=(("none", "Uncategorised"),)
    )
    form.owner.choices = _owner_filter_choices(lists, form.owner.data)
    form.account.choices = options([("", "All accounts")] + [(a, a) for a in lists.accounts])
    return form


def _bulk_form(lists: _Lists) -> BulkForm:
    form = BulkForm(prefix="bulk")  # its fields would share ids with the filter's otherwise
    form.category.choices = id_choices(
        [c for c in lists.categories if c.is_active],
        "Category: no change",
        extra=(("none", "Uncategorised"),),
    )
    form.owner.choices = id_choices(
        [o for o in lists.owners if o.is_active], "Owner: no change", extra=(("none", "No owner"),)
    )
    return form


def _render_list(lists: _Lists, filter_form: FilterForm, bulk_form: BulkForm, status: int = 200):
    page = totals = None
    cursor = request.args.get("cursor") or None
    if filter_form.validate():
        try:
            # Resolved once (a month's dates, a payee's spellings) for the page and the totals.
            criteria = _criteria(filter_form).in_ledger(db.session)
            page = transactions.list_page(
                db.session, criteria, sort=filter_form.sort.data, cursor=cursor, limit=PAGE_SIZE
            )
            totals = transactions.totals(db.session, criteria)
            if cursor and not page.items and totals.count:
                # The rows of that page went since its link was made: not an empty page.
                flash("The rows of that page are gone; this is the first page.", "warning")
                cursor = None
                page = transactions.list_page(
                    db.session, criteria, sort=filter_form.sort.data, limit=PAGE_SIZE
                )
        except ValidationError as exc:
            show_errors(filter_form, exc, _FILTER_FORM_FIELD)
    if page is None:
        status = 400
    args = _filter_args()
    return render_template(
        "transactions/index.html",
        filter_form=filter_form,
        bulk_form=bulk_form,
        page=page,
        totals=totals,
        lists=lists,
        filter_args=args,
        # Where Save, Cancel and Delete of a row lead back to: this filter, this page.
        here=url_for("transactions.index", cursor=cursor, **args),
        filtered=_is_filtered(args),
        more_filters=bool(set(args) & _MORE_FILTERS)
        or any(getattr(filter_form, name).errors for name in _MORE_FILTERS),
        paged=bool(request.args.get("cursor")),
        page_cursor=cursor,
        selected={i for v in request.form.getlist("ids") if (i := optional_id(v))},
    ), status


@bp.route("")
@login_required
def index():
    """Transactions matching the filter, newest first, one keyset page at a time.

    400 when the filter or the page cursor is not valid.
    """
    lists = _Lists()
    return _render_list(lists, _filter_form(lists), _bulk_form(lists))


@bp.route("/bulk", methods=["POST"])
@login_required
def bulk():
    """Set category and/or owner on the ticked rows, or on every row the filter matches.

    The filter travels in the query string. 400 when nothing is ticked, nothing
    would change, or the filter is not valid.
    """
    lists = _Lists()
    filter_form, bulk_form = _filter_form(lists), _bulk_form(lists)
    if not (filter_form.validate() and bulk_form.validate_on_submit()):
        return _render_list(lists, filter_form, bulk_form, 400)
    changes: dict[str, int | None] = {}
    for name in ("category", "owner"):
        value = getattr(bulk_form, name).data
        if value:
            changes[f"{name}_id"] = None if value == "none" else optional_id(value)
    ids = [i for v in request.form.getlist("ids") if (i := optional_id(v))]
    if not changes:
        bulk_form.category.errors = ["Choose a category or an owner to set."]
    elif not bulk_form.apply_all.data and not ids:
        bulk_form.apply_selected.errors = ["Tick at least one transaction."]
    elif bulk_form.apply_all.data and not (asked := _all_confirmed(bulk_form, filter_form)):
        if asked is None:  # the filter itself was refused
            return _render_list(lists, filter_form, bulk_form, 400)
        return _render_bulk_confirm(lists, filter_form, bulk_form, changes)
    else:
        selection = (
            {"criteria": _criteria(filter_form)} if bulk_form.apply_all.data else {"ids": ids}
        )
        try:
            count = transactions.bulk_set(db.session, **selection, **changes)
        except ValidationError as exc:
            db.session.rollback()
            show_errors(bulk_form, exc, _FORM_FIELD)
        else:
            db.session.commit()
            flash(f"Updated {count:,} transaction{'' if count == 1 else 's'}.", "success")
            # Ticked rows: back to the page they were ticked on; all matching: page one.
            cursor = None if bulk_form.apply_all.data else request.args.get("cursor") or None
            return redirect(url_for("transactions.index", cursor=cursor, **_filter_args()))
    return _render_list(lists, filter_form, bulk_form, 400)


def _all_confirmed(bulk_form: BulkForm, filter_form: FilterForm) -> bool | None:
    """Whether the person saw how many rows "all matching" means and said yes to that number
    (and, with no filter at all, ticked that the whole ledger changes).

    None when the service refuses the filter (its fields are marked).
    """
    try:
        count = transactions.totals(db.session, _criteria(filter_form)).count
    except ValidationError as exc:
        show_errors(filter_form, exc, _FILTER_FORM_FIELD)
        return None
    bulk_form.matching = count
    if bulk_form.confirm_count.data != str(count):
        if bulk_form.confirm_count.data:
            flash("The number of matching transactions changed since you were asked.", "warning")
        return False
    if not _is_filtered(_filter_args()) and not bulk_form.whole_ledger.data:
        bulk_form.whole_ledger.errors = ["Tick this to change every transaction in the ledger."]
        return False
    return True


def _render_bulk_confirm(lists: _Lists, filter_form, bulk_form, changes: dict):
    """The second step of "apply to all matching": what changes, on exactly how many rows."""
    count = bulk_form.matching
    bulk_form.confirm_count.data = str(count)
    names = {"category_id": lists.category_names, "owner_id": lists.owner_names}
    blanks = {"category_id": "Uncategorised", "owner_id": "no owner"}
    setting = [
        (name.removesuffix("_id"), names[name].get(value, "?") if value else blanks[name])
        for name, value in changes.items()
    ]
    return render_template(
        "transactions/bulk_confirm.html",
        bulk_form=bulk_form,
        count=count,
        setting=setting,
        whole_ledger=not _is_filtered(_filter_args()),
        filter_facts=_filter_facts(filter_form),
        filter_args=_filter_args(),
    ), 400 if bulk_form.whole_ledger.errors else 200


def _filter_facts(form: FilterForm) -> list[tuple[str, object, str]]:
    """The filter in words: (label, value, kind) of each field in use; the template writes
    a value by its kind ("month", "date", "money" or "text")."""
    facts = []
    for name in _FILTER_FIELDS:
        field = getattr(form, name)
        if name in ("sort", "batch") or not field.data:
            continue
        if name in _MENUS:
            labels = {choice.value: choice.label for choice in field.choices}
            facts.append((field.label.text, labels.get(field.data, field.data), "text"))
        elif name == "review":
            facts.append((field.label.text, "yes", "text"))
        else:
            kind = _FACT_KINDS.get(name, "text")
            facts.append((field.label.text, field.data, kind))
    if form.batch.data:
        facts.append(("Import", "one import's rows", "text"))
    return facts


def _transaction_form(lists: _Lists, row=None) -> TransactionForm:
    form = TransactionForm(obj=row) if row is not None else TransactionForm(date=months.today())
    category_owner_menus(form, lists, row, "Uncategorised")
    return form


def _input(form: TransactionForm) -> TransactionInput:
    return TransactionInput(
        date=form.date.data,
        description=form.description.data or "",
        amount=form.amount.data,
        category_id=optional_id(form.category.data),
        owner_id=optional_id(form.owner.data),
        account=form.account.data or None,
        notes=form.notes.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Record a transaction by hand. 400 with the field named when an input is wrong."""
    lists = _Lists()
    form = _transaction_form(lists)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: transactions.create(db.session, _input(form)),
            lambda row: f"Recorded “{row.description or 'transaction'}”.",
            _back(),
            _FORM_FIELD,
        )
    ):
        return done
    status = 400 if form.errors else 200
    return render_template("transactions/form.html", form=form, row=None, back=_back()), status


@bp.route("/<int:transaction_id>/edit", methods=["GET", "POST"])
@login_required
def edit(transaction_id: int):
    """Change a transaction. 404 when it is not in this ledger; 400 naming a wrong field."""
    row = transactions.get(db.session, transaction_id)
    lists = _Lists()
    form = _transaction_form(lists, row)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: transactions.edit(db.session, transaction_id, _input(form)),
            lambda _: "Saved.",
            _back(),
            _FORM_FIELD,
        )
    ):
        return done
    status = 400 if form.errors else 200
    # Who entered the row and who changed it last: one lookup of both names.
    people = sharing.people_names(db.session, (row.created_by_id, row.updated_by_id))
    return render_template(
        "transactions/form.html", form=form, row=row, back=_back(), people=people
    ), status


@bp.route("/<int:transaction_id>/delete", methods=["GET", "POST"])
@login_required
def delete(transaction_id: int):
    """Ask, then (POST) delete a transaction. 404 when it is not in this ledger."""
    row = transactions.get(db.session, transaction_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        transactions.remove(db.session, transaction_id)
        db.session.commit()
        flash("Transaction deleted.", "success")
        return redirect(_back())
    return render_template(
        "transactions/delete.html",
        form=form,
        row=row,
        lists=_Lists(),
        back=request.args.get("back") and _back(),
    ), 400 if form.errors else 200
