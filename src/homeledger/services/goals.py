"""Savings goals: a target, what is saved so far, and whether the saving keeps pace.

``current_amount`` is what is saved: the amount the goal was given (an opening amount, or
a later correction) plus the contributions, kept up to date as contributions are added and
removed. A contribution may be negative: money taken back out.

For each goal (``GoalStatus``):
- ``progress``: percent of the target reached, two decimals, rounded down (99.999 % is not
  shown as 100 %); more than 100 once the target is passed;
- ``required_monthly``: what is still missing over the months from next month through the
  target date's month (at least one), rounded up to the cent; 0.00 once reached (with or
  without a date); otherwise None without a target date;
- ``on_track``: the average contribution of the last three complete months is at least
  ``required_monthly``; True once reached; None without a target date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger.models import GoalContribution, SavingsGoal
from homeledger.services.amounts import CENT
from homeledger.services.checks import (
    check_date,
    check_flag,
    check_money,
    check_name,
    check_owner,
    require,
)
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.partial import UNSET, PartialInput
from homeledger.services.periods import add_months

RECENT_MONTHS = 3
ZERO = Decimal("0.00")


@dataclass
class GoalInput(PartialInput):
    name: object = UNSET
    target_amount: object = UNSET
    current_amount: object = UNSET
    target_date: object = UNSET
    owner_id: object = UNSET
    is_active: object = UNSET


@dataclass
class ContributionInput(PartialInput):
    date: object = UNSET
    amount: object = UNSET


@dataclass(frozen=True)
class GoalStatus:
    goal: SavingsGoal
    progress: Decimal
    missing: Decimal
    months_left: int | None
    required_monthly: Decimal | None
    recent_average: Decimal
    on_track: bool | None

    @property
    def reached(self) -> bool:
        return self.missing == 0


def list_goals(session: Session, *, include_inactive: bool = True) -> list[SavingsGoal]:
    query = select(SavingsGoal).order_by(
        SavingsGoal.is_active.desc(), SavingsGoal.target_date.is_(None), SavingsGoal.target_date
    )
    if not include_inactive:
        query = query.where(SavingsGoal.is_active.is_(True))
    return list(session.scalars(query.order_by(SavingsGoal.name, SavingsGoal.id)))


def get(session: Session, goal_id: object, *, lock: bool = False) -> SavingsGoal:
    """The goal with this id in the acting ledger; NotFound otherwise. Contributions lock
    it: each changes what is saved."""
    row = fetch(session, SavingsGoal, goal_id, lock=lock)
    if row is None:
        raise NotFound(f"no savings goal {goal_id}")
    return row


def _clean(session: Session, data: GoalInput, existing: SavingsGoal | None = None) -> dict:
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    require(data, ("name", "target_amount"), problems, creating=existing is None)
    if existing is not None and "current_amount" in data.given and data.current_amount is None:
        problems["current_amount"] = "cannot be emptied"
    check_name(data, "name", problems, values)
    check_money(data, "target_amount", problems, values, above_minimum=True)
    check_money(data, "current_amount", problems, values)
    if values.get("current_amount", 0) is None:
        values["current_amount"] = ZERO
    check_date(data, "target_date", problems, values)
    check_owner(session, data, problems, values)
    check_flag(data, "is_active", problems, values)
    if problems:
        raise ValidationError(problems)
    return values


def create(session: Session, data: GoalInput) -> SavingsGoal:
    row = SavingsGoal(**{"current_amount": ZERO, **_clean(session, data)})
    session.add(row)
    session.flush()
    return row


def edit(session: Session, goal_id: object, data: GoalInput) -> SavingsGoal:
    row = get(session, goal_id)
    for name, value in _clean(session, data, row).items():
        setattr(row, name, value)
    session.flush()
    return row


def remove(session: Session, goal_id: object) -> None:
    """Delete a goal and its contributions."""
    session.delete(get(session, goal_id))
    session.flush()


# --- contributions ----------------------------------------------------------------


def contributions(session: Session, goal: SavingsGoal) -> list[GoalContribution]:
    """The goal's contributions, newest first."""
    return list(
        session.scalars(
            select(GoalContribution)
            .where(GoalContribution.goal_id == goal.id)
            .order_by(GoalContribution.date.desc(), GoalContribution.id.desc())
        )
    )


def _saved_after(goal: SavingsGoal, change: Decimal, field: str) -> Decimal:
    saved = goal.current_amount + change
    if saved < 0:
        saved_now = f"{goal.current_amount:.2f}"
        raise ValidationError(
            {field: f"only {saved_now} is saved: take out {saved_now} at most"}
            if field == "amount"
            else {field: f"removing it would leave the goal below zero ({saved_now} saved)"}
        )
    return saved


def add_contribution(
    session: Session, goal_id: object, data: ContributionInput
) -> GoalContribution:
    goal = get(session, goal_id, lock=True)
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    require(data, ("date", "amount"), problems, creating=True)
    check_date(data, "date", problems, values)
    check_money(data, "amount", problems, values, minimum=Decimal("-1e10"))
    if values.get("amount") == 0:
        problems["amount"] = "must not be 0 (a negative amount takes money out)"
    if problems:
        raise ValidationError(problems)
    goal.current_amount = _saved_after(goal, values["amount"], "amount")
    row = GoalContribution(goal_id=goal.id, **values)
    session.add(row)
    session.flush()
    return row


def get_contribution(
    session: Session, goal_id: object, contribution_id: object, *, lock: bool = False
) -> tuple[SavingsGoal, GoalContribution]:
    """The goal and one of its contributions; NotFound unless both are in the ledger."""
    goal = get(session, goal_id, lock=lock)
    row = fetch(session, GoalContribution, contribution_id)
    if row is None or row.goal_id != goal.id:
        raise NotFound(f"no contribution {contribution_id} to this goal")
    return goal, row


def remove_contribution(session: Session, goal_id: object, contribution_id: object) -> None:
    goal, row = get_contribution(session, goal_id, contribution_id, lock=True)
    goal.current_amount = _saved_after(goal, -row.amount, "contribution")
    session.delete(row)
    session.flush()


# --- progress ---------------------------------------------------------------------


def recent_months(today: date) -> tuple[date, date]:
    """The last three complete months: from their first day to this month's (exclusive)."""
    year, month = add_months(today.year, today.month, -RECENT_MONTHS)
    return date(year, month, 1), today.replace(day=1)


def status(goal: SavingsGoal, recent_total: Decimal, today: date) -> GoalStatus:
    """How ``goal`` stands on ``today``, given what was put in over the last three
    complete months."""
    target, saved = goal.target_amount, goal.current_amount
    missing = max(target - saved, ZERO)
    progress = (saved * 100 / target).quantize(CENT, ROUND_DOWN)
    average = (recent_total / RECENT_MONTHS).quantize(CENT, ROUND_DOWN)
    months_left = required = on_track = None
    if goal.target_date is not None:
        due = goal.target_date
        months_left = max((due.year - today.year) * 12 + due.month - today.month, 1)
        required = (missing / months_left).quantize(CENT, ROUND_CEILING)
        on_track = average >= required
    if not missing:
        required, on_track = ZERO, True
    return GoalStatus(goal, progress, missing, months_left, required, average, on_track)


def statuses(session: Session, goals: list[SavingsGoal], today: date) -> list[GoalStatus]:
    """Each goal's status, the recent contributions read in one query."""
    start, end = recent_months(today)
    totals = dict(
        session.execute(
            select(GoalContribution.goal_id, func.sum(GoalContribution.amount))
            .where(GoalContribution.date >= start, GoalContribution.date < end)
            .group_by(GoalContribution.goal_id)
        ).all()
    )
    return [status(g, Decimal(totals.get(g.id) or 0), today) for g in goals]
