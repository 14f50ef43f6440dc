"""A debt's payments: add one (typed in, or from a transaction), edit one, and delete one
after a question that says how the balance goes back up. Every page returns to the debt's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from homeledger.extensions import db
from homeledger.services import debts
from homeledger.services.debts import PaymentInput
from homeledger.web import months
from homeledger.web.debts.forms import FromTransactionForm, PaymentForm
from homeledger.web.formats import format_date, format_money
from homeledger.web.forms import (
    DeleteForm,
    attempt,
    confirmed,
    current_ledger,
    optional_id,
    options,
    shown_status,
)

bp = Blueprint("payments", __name__, url_prefix="/<int:debt_id>/payments")

MENU_SIZE = 50
_FORM_FIELD = {"transaction_id": "transaction"}


def transaction_menu(form: FromTransactionForm) -> None:
    """The recent money going out that pays no debt yet, as the form's menu."""
    ledger = current_ledger()
    currency, locale = (ledger.currency, ledger.locale) if ledger else ("USD", "en")
    form.transaction.choices = options(
        [("", "Choose a transaction")]
        + [
            (
                str(t.id),
                f"{format_date(t.date, locale)} · {t.description or 'No description'} · "
                f"{format_money(-t.amount, currency)}",
            )
            for t in debts.payable_transactions(db.session, MENU_SIZE)
        ]
    )


def _debt_page(debt_id: int) -> str:
    return url_for("debts.show", debt_id=debt_id)


def _locale() -> str:
    ledger = current_ledger()
    return ledger.locale if ledger else "en"


def _paid(payment) -> str:
    return f"Recorded a payment of {format_money(payment.amount, current_ledger().currency)}."


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(debt_id: int):
    """Add a payment: its amount comes off the balance. 404 when the debt is not in this
    ledger; 400 naming every wrong field, nothing written."""
    debt = debts.get(db.session, debt_id)
    form = PaymentForm(date=months.today())
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: debts.add_payment(
                db.session,
                debt_id,
                PaymentInput(
                    date=form.date.data, amount=form.amount.data, notes=form.notes.data or None
                ),
            ),
            _paid,
            _debt_page(debt_id),
        )
    ):
        return done
    status = 400 if request.method == "POST" else 200
    return render_template(
        "debts/payment_form.html", form=form, debt=debt, payment=None, back=_debt_page(debt_id)
    ), status


@bp.route("/from-transaction", methods=["GET", "POST"])
@login_required
def from_transaction(debt_id: int):
    """Add a payment made by a transaction, with its date and amount. 404 when the debt is
    not in this ledger; 400 when the transaction cannot pay it, nothing written."""
    debt = debts.get(db.session, debt_id)
    form = FromTransactionForm()
    transaction_menu(form)
    if form.validate_on_submit():
        chosen = optional_id(form.transaction.data)
        if chosen is None:
            form.transaction.errors = ["Choose the transaction that paid it."]
        elif done := attempt(
            form,
            lambda: debts.add_payment(
                db.session,
                debt_id,
                PaymentInput(transaction_id=chosen, notes=form.notes.data or None),
            ),
            _paid,
            _debt_page(debt_id),
            _FORM_FIELD,
        ):
            return done
    status = 400 if request.method == "POST" else 200
    return render_template(
        "debts/from_transaction.html", form=form, debt=debt, back=_debt_page(debt_id)
    ), status


@bp.route("/<int:payment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(debt_id: int, payment_id: int):
    """Change a payment's date, amount or notes: the difference goes back on the balance.
    404 when it is not this debt's; 400 naming every wrong field, nothing written."""
    debt = debts.get(db.session, debt_id)
    payment = debts.get_payment(db.session, debt, payment_id)
    form = PaymentForm(obj=payment)
    if form.validate_on_submit() and (
        done := attempt(
            form,
            lambda: debts.edit_payment(
                db.session,
                debt_id,
                payment_id,
                PaymentInput(
                    date=form.date.data, amount=form.amount.data, notes=form.notes.data or None
                ),
            ),
            lambda saved: f"Saved the payment of {format_date(saved.date, _locale())}.",
            _debt_page(debt_id),
        )
    ):
        return done
    status = 400 if request.method == "POST" else 200
    return render_template(
        "debts/payment_form.html",
        form=form,
        debt=debt,
        payment=payment,
        paid_by=debts.paid_by(db.session, [payment]),
        back=_debt_page(debt_id),
    ), status


@bp.route("/<int:payment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(debt_id: int, payment_id: int):
    """Ask, then (POST carrying this page's answer) delete a payment: its amount is owed
    again. 404 when it is not this debt's; 400, deleting nothing, for a post that skipped
    the question."""
    debt = debts.get(db.session, debt_id)
    payment = debts.get_payment(db.session, debt, payment_id)
    form = DeleteForm()
    if confirmed(form, confirm=payment.id):
        amount = payment.amount
        balance = debts.remove_payment(db.session, debt_id, payment_id)
        db.session.commit()
        currency = current_ledger().currency
        flash(
            f"Deleted the payment of {format_money(amount, currency)}: "
            f"{debt.name} now owes {format_money(balance, currency)}.",
            "success",
        )
        return redirect(_debt_page(debt_id))
    later = [
        p for p in debts.payments(db.session, debt) if (p.date, p.id) > (payment.date, payment.id)
    ]
    status = shown_status()
    return render_template(
        "debts/payment_delete.html",
        form=form,
        debt=debt,
        payment=payment,
        later=len(later),
        paid_by=debts.paid_by(db.session, [payment]),
        back=_debt_page(debt_id),
    ), status
