"""Debt pages: the debts with what is owed and the minimums a month, add, edit, delete
(after a question that counts the payments going with it), and each debt's page with its
payments. The payments' pages are in payments.py, the payoff planner in plan.py."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import debts
from homeledger.services.debts import DebtInput
from homeledger.web import months
from homeledger.web.debts.forms import DebtForm, FromTransactionForm, PaymentForm
from homeledger.web.debts.payments import bp as payments_bp
from homeledger.web.debts.payments import transaction_menu
from homeledger.web.debts.plan import bp as plan_bp
from homeledger.web.debts.words import template_words
from homeledger.web.forms import (
    DeleteForm,
    LedgerLists,
    active_choices,
    confirmed,
    form_page,
    list_url_from,
    optional_id,
    shown_status,
)

bp = Blueprint("debts", __name__, url_prefix="/debts")
bp.register_blueprint(payments_bp)
bp.register_blueprint(plan_bp)
bp.context_processor(template_words)

_FORM_FIELD = {"owner_id": "owner"}
ZERO = Decimal("0.00")


def _back(debt_id: int | None = None) -> str:
    """Where the form was opened from: the list or the debt's page, else the list."""
    back = request.args.get("back")
    if debt_id is not None:
        page = url_for("debts.show", debt_id=debt_id)
        if list_url_from(back, page) == back:
            return back
    return list_url_from(back, url_for("debts.index"))


# --- the list -------------------------------------------------------------------------------


@bp.route("")
@login_required
def index():
    """Every debt with its figures; what the active ones owe and their minimums a month."""
    rows = debts.list_debts(db.session)
    active = [d for d in rows if d.is_active]
    return render_template(
        "debts/index.html",
        debts=rows,
        counts=debts.payment_counts(db.session),
        owed=sum((d.current_balance for d in active), ZERO),
        minimums=sum((d.minimum_payment or ZERO for d in active if d.current_balance > 0), ZERO),
        plannable=any(d.current_balance > 0 for d in active),
        lists=LedgerLists(),
        here=url_for("debts.index"),
    )


# --- add, edit, delete ----------------------------------------------------------------------


def _debt_form(lists: LedgerLists, debt=None) -> DebtForm:
    form = DebtForm(obj=debt)
    if debt is not None and not form.is_submitted():
        form.owner.data = str(debt.owner_id or "")
    keep = debt.owner_id if debt is not None else None
    form.owner.choices = active_choices(lists.owners, "No owner", keep=keep)
    return form


def _input(form: DebtForm) -> DebtInput:
    return DebtInput(
        name=form.name.data or "",
        lender=form.lender.data or None,
        debt_type=form.debt_type.data,
        original_amount=form.original_amount.data,
        current_balance=form.current_balance.data,
        interest_rate=form.interest_rate.data,
        minimum_payment=form.minimum_payment.data,
        due_day=form.due_day.data,
        owner_id=optional_id(form.owner.data),
        start_date=form.start_date.data,
        is_active=bool(form.is_active.data),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a debt. 400 naming every wrong field, nothing written."""
    form = _debt_form(LedgerLists())
    return form_page(
        form,
        lambda: debts.create(db.session, _input(form)),
        lambda debt: f"Added the debt “{debt.name}”.",
        _back(),
        "debts/form.html",
        _FORM_FIELD,
        debt=None,
    )


@bp.route("/<int:debt_id>/edit", methods=["GET", "POST"])
@login_required
def edit(debt_id: int):
    """Change a debt. 404 when it is not in this ledger; 400 naming every wrong field."""
    debt = debts.get(db.session, debt_id)
    form = _debt_form(LedgerLists(), debt)
    return form_page(
        form,
        lambda: debts.edit(db.session, debt_id, _input(form)),
        lambda saved: f"Saved the debt “{saved.name}”.",
        _back(debt_id),
        "debts/form.html",
        _FORM_FIELD,
        debt=debt,
    )


@bp.route("/<int:debt_id>/delete", methods=["GET", "POST"])
@login_required
def delete(debt_id: int):
    """Ask, then (POST carrying this page's answer: the debt and its number of payments)
    delete a debt and its payments. 404 when it is not in this ledger; 400, deleting
    nothing, for a post that skipped the question or counted other payments."""
    debt = debts.get(db.session, debt_id)
    count = debts.payment_counts(db.session).get(debt.id, 0)
    form = DeleteForm()
    back = _back(debt_id)
    if confirmed(form, confirm=debt.id, confirm_count=count):
        name = debt.name
        debts.remove(db.session, debt_id)
        db.session.commit()
        gone = f" and its {count} payment{'' if count == 1 else 's'}" if count else ""
        flash(f"Deleted the debt “{name}”{gone}.", "success")
        page = url_for("debts.show", debt_id=debt_id)
        return redirect(url_for("debts.index") if back == page else back)
    return render_template(
        "debts/delete.html", form=form, debt=debt, count=count, back=back
    ), shown_status()


# --- a debt's page ----------------------------------------------------------------------------


@bp.route("/<int:debt_id>")
@login_required
def show(debt_id: int):
    """A debt's figures and payments, newest first, with the forms that add one (typed in,
    or from a transaction). 404 when it is not in this ledger."""
    debt = debts.get(db.session, debt_id)
    history = debts.payments(db.session, debt)
    payment_form = PaymentForm(formdata=None, date=months.today())
    linked_form = FromTransactionForm(formdata=None)
    transaction_menu(linked_form)
    return render_template(
        "debts/show.html",
        debt=debt,
        payments=history,
        paid_by=debts.paid_by(db.session, history),
        payment_form=payment_form,
        linked_form=linked_form,
        lists=LedgerLists(),
        here=url_for("debts.show", debt_id=debt_id),
    )
