"""Debts over the API: the debts, their payments and the payoff plan."""

from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint

from homeledger.api.debt_schemas import (
    ConfirmNeeded,
    DebtPatchSchema,
    DebtPaymentPatchSchema,
    DebtPaymentSchema,
    DebtSchema,
    DeleteDebtQuery,
    PaymentRemovedSchema,
    PlanQuery,
    PlanSchema,
)
from homeledger.api.errors import error_body
from homeledger.api.security import documented
from homeledger.extensions import db
from homeledger.models import Debt
from homeledger.services import debts
from homeledger.services.debts import DebtInput, PaymentInput

blp = Blueprint(
    "api_debts",
    __name__,
    description="Debts being paid down (cards, loans, buy now pay later), the payments "
    "made on them with the balance each left, and the plan that pays them all off.",
)

_SHOWN = (
    "id",
    "name",
    "lender",
    "debt_type",
    "original_amount",
    "current_balance",
    "interest_rate",
    "minimum_payment",
    "due_day",
    "owner_id",
    "start_date",
    "is_active",
    "created_at",
    "created_by_id",
    "updated_by_id",
)
_CONFIRM = (
    "`confirm_needed`: the debt has payments, which would be deleted with it; "
    "`payment_count` says how many. Send `?confirm=true` to delete them all."
)


def _shown(debt: Debt, counts: dict[int, int]) -> dict:
    shown = {name: getattr(debt, name) for name in _SHOWN}
    return shown | {"payment_count": counts.get(debt.id, 0), "paid_off": debt.current_balance == 0}


def _answer(debt: Debt) -> dict:
    return _shown(debt, debts.payment_counts(db.session))


@blp.get("/debts")
@documented(blp)
@blp.response(200, DebtSchema(many=True))
def list_debts():
    """Every debt, active ones first, then by name."""
    counts = debts.payment_counts(db.session)
    return [_shown(d, counts) for d in debts.list_debts(db.session)]


@blp.post("/debts")
@documented(blp)
@blp.arguments(DebtSchema)
@blp.response(201, DebtSchema)
def create_debt(body):
    """Record a debt: a name and what is owed now, the rest optional."""
    debt = debts.create(db.session, DebtInput(**body))
    db.session.commit()
    return _answer(debt)


@blp.get("/debts/plan")
@documented(blp)
@blp.arguments(PlanQuery, location="query")
@blp.response(200, PlanSchema)
def payoff_plan(args):
    """The month-by-month plan that pays off the active debts with something owed.

    Each month every debt owing accrues interest, round_half_up(balance x rate / 12 / 100,
    2); then each is paid its minimum (or its whole balance if smaller); then the extra,
    the whole minimums of debts paid off in earlier months and what this month's payments
    left unused go to the target debts in order (avalanche: highest rate first, ties the
    smaller balance; snowball: smallest balance first, ties the higher rate; then the lower
    id). `minimum` pays minimums only. The plan stops after 600 months.
    """
    start = args.get("start") or debts.first_plan_month(date.today())
    plan = debts.plan(db.session, args["strategy"], args["extra"], start)
    return {**vars(plan), "paid_off": plan.paid_off}


@blp.get("/debts/<int:debt_id>")
@documented(blp)
@blp.response(200, DebtSchema)
def get_debt(debt_id):
    """One debt."""
    return _answer(debts.get(db.session, debt_id))


@blp.patch("/debts/<int:debt_id>")
@documented(blp)
@blp.arguments(DebtPatchSchema(partial=True))
@blp.response(200, DebtSchema)
def edit_debt(body, debt_id):
    """Change some fields of a debt. A new `current_balance` corrects what is owed now;
    the payments keep the balances they left."""
    debt = debts.edit(db.session, debt_id, DebtInput(**body))
    db.session.commit()
    return _answer(debt)


@blp.delete("/debts/<int:debt_id>")
@documented(blp)
@blp.arguments(DeleteDebtQuery, location="query")
@blp.response(204)
@blp.alt_response(409, schema=ConfirmNeeded, description=_CONFIRM)
def delete_debt(args, debt_id):
    """Delete a debt. One with payments is deleted, payments and all, only with
    `?confirm=true`; otherwise the answer is 409 `confirm_needed` and nothing changes.
    The transactions that paid them stay."""
    debt = debts.get(db.session, debt_id)
    count = debts.payment_counts(db.session).get(debt.id, 0)
    if count and not args["confirm"]:
        payments = "payment" if count == 1 else "payments"
        return error_body(
            409,
            f"This debt has {count} {payments}; deleting it deletes them too. "
            "Send ?confirm=true to delete it.",
            code="confirm_needed",
            extra={"payment_count": count},
        )
    debts.remove(db.session, debt.id)
    db.session.commit()
    return None


# --- payments ---------------------------------------------------------------------


@blp.get("/debts/<int:debt_id>/payments")
@documented(blp)
@blp.response(200, DebtPaymentSchema(many=True))
def list_payments(debt_id):
    """The debt's payments, newest first (by date, then the last recorded)."""
    return debts.payments(db.session, debts.get(db.session, debt_id))


@blp.post("/debts/<int:debt_id>/payments")
@documented(blp)
@blp.arguments(DebtPaymentSchema)
@blp.response(201, DebtPaymentSchema)
def add_payment(body, debt_id):
    """Record a payment: it takes its amount off the debt's balance, and off the balance
    after every later payment. With only `transaction_id`, the date and amount are that
    transaction's. A payment of more than was owed at its date is refused (422 on
    `amount`)."""
    payment = debts.add_payment(db.session, debt_id, PaymentInput(**body))
    db.session.commit()
    return payment


@blp.patch("/debts/<int:debt_id>/payments/<int:payment_id>")
@documented(blp)
@blp.arguments(DebtPaymentPatchSchema(partial=True))
@blp.response(200, DebtPaymentSchema)
def edit_payment(body, debt_id, payment_id):
    """Change a payment. A new amount or date moves the debt's balance (and the balances
    after later payments) by the difference."""
    payment = debts.edit_payment(db.session, debt_id, payment_id, PaymentInput(**body))
    db.session.commit()
    return payment


@blp.delete("/debts/<int:debt_id>/payments/<int:payment_id>")
@documented(blp)
@blp.response(200, PaymentRemovedSchema)
def delete_payment(debt_id, payment_id):
    """Delete a payment: its amount is owed again. Answers the debt's balance now."""
    balance = debts.remove_payment(db.session, debt_id, payment_id)
    db.session.commit()
    return {"current_balance": balance}
