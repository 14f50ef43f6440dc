"""The first-run wizard's progress: which step a new user is on, and moving it on.

A user's ``onboarding_step`` is the wizard's *resume point*: the furthest step
reached. Every step up to it can be opened again (back) and saved again; saving a
step leads to the one after it. When saving moves the resume point onto steps not
yet reached, the ones the ledger already has are skipped: owners and categories
brought by an old desktop file or a restore, transactions from anywhere, budgets.
After the last step the resume point is ``complete`` (every step saved, waiting for
the person to finish); finishing sets ``done``. Accounts that need no wizard (an
operator's ``create-admin``, the demo, a ledger imported from an export) start at
``done``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from homeledger.models import Budget, Category, CategorySeed, Owner, Transaction, User
from homeledger.services import audit, settings, sharing
from homeledger.services.errors import NotFound
from homeledger.services.periods import Period

STEPS = ("profile", "owners", "categories", "data", "budget")
COMPLETE = "complete"  # every step saved; finishing is one more, explicit, action
DONE = "done"
TITLES = {
    "profile": "Your profile",
    "owners": "Your household",
    "categories": "Categories",
    "data": "Get your data in",
    "budget": "A first budget",
    COMPLETE: "All set",
}


class NotYet(Exception):
    """Finishing before every step is saved; ``step`` is the one still to do."""

    def __init__(self, step: str) -> None:
        super().__init__(f"the {step!r} step is still to do")
        self.step = step


def required(user: User) -> bool:
    """Whether ``user`` has a wizard to finish before anything else."""
    return user.onboarding_step != DONE


def resume_point(user: User) -> str:
    """The step the wizard opens at: the furthest reached (``complete`` once all saved)."""
    step = user.onboarding_step
    return step if step in STEPS or step in (COMPLETE, DONE) else STEPS[0]


def _position(step: str) -> int:
    return len(STEPS) if step in (COMPLETE, DONE) else STEPS.index(step)


def reachable(user: User, step: str) -> bool:
    """Whether ``user`` may open ``step`` now: a wizard step (or ``complete``) no further
    on than where they have got to, while the wizard is not finished."""
    if not required(user) or (step not in STEPS and step != COMPLETE):
        return False
    return _position(step) <= _position(resume_point(user))


def already_has(session: Session, step: str) -> bool:
    """Whether the acting ledger already holds what ``step`` would give it (so a step not
    yet reached is skipped): owners, categories other than the universal seeds (brought
    by an old desktop file or a restore), any transaction, any budget."""
    if step == "owners":
        return session.scalar(select(exists().where(Owner.id.is_not(None)))) or False
    if step == "categories":
        seeds = select(CategorySeed.name)
        own = select(exists().where(Category.name.not_in(seeds)))
        return session.scalar(own) or False
    if step == "data":
        return session.scalar(select(exists().where(Transaction.id.is_not(None)))) or False
    if step == "budget":
        return session.scalar(select(exists().where(Budget.id.is_not(None)))) or False
    return False


def saved(session: Session, user: User, step: str) -> str:
    """``user`` has just saved ``step`` (in the acting ledger, their own): move the resume
    point on if this was the furthest step, skipping steps the ledger already has; answer
    the step to show next (``complete`` after the last). Flushes nothing itself."""
    if step not in STEPS:
        raise ValueError(f"not a wizard step: {step!r}")
    following = STEPS.index(step) + 1
    if following <= _position(resume_point(user)):
        return STEPS[following] if following < len(STEPS) else COMPLETE  # a step revisited
    upcoming = [s for s in STEPS[following:] if not already_has(session, s)]
    user.onboarding_step = upcoming[0] if upcoming else COMPLETE
    return user.onboarding_step


def complete(session: Session, user: User, *, ip_address: str | None = None) -> None:
    """Finish the wizard; ``NotYet`` naming the step still to do unless every step is saved."""
    if not required(user):
        return
    if resume_point(user) != COMPLETE:
        raise NotYet(resume_point(user))
    user.onboarding_step = DONE
    audit.record_own(session, "onboarding.complete", user.id, ip_address=ip_address)


def join_shared(
    session: Session, user: User, ledger_id: int, *, ip_address: str | None = None
) -> str:
    """Finish the wizard by going straight to a ledger someone shared with ``user`` (a
    partner joining a household need not set up a ledger of their own first; they can in
    Settings later). Their role there; NotFound for a ledger that is not shared with them."""
    role = sharing.role_in(session, user, ledger_id)
    if role is None or ledger_id == user.id:
        raise NotFound("no such ledger shared with you")
    if required(user):
        user.onboarding_step = DONE
        audit.record(
            session,
            "onboarding.join",
            actor_id=user.id,
            ledger_user_id=ledger_id,
            ip_address=ip_address,
            extra={"role": role},
        )
    return role


def skip(user: User) -> None:
    """No wizard for ``user``: an operator's account, the demo, a ledger brought whole."""
    user.onboarding_step = DONE


def transaction_span(session: Session) -> tuple[int, date | None, date | None]:
    """How many transactions the acting ledger holds, and its first and last day."""
    count, first, last = session.execute(
        select(func.count(Transaction.id), func.min(Transaction.date), func.max(Transaction.date))
    ).one()
    return count or 0, first, last


def landing_month(session: Session) -> Period | None:
    """The budgeting month of the acting ledger's latest transaction (where a new user's
    overview opens: the month they imported), or None for an empty ledger."""
    latest = session.scalar(select(func.max(Transaction.date)))
    return settings.read(session).month_containing(latest) if latest is not None else None
