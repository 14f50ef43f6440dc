"""Recurring bills (commitments): record, edit, deactivate, delete; upcoming bills and
what they cost a month. When a bill falls due is settled in ``services/recurrence.py``;
which transaction paid it, in ``services/bill_matching.py``.

An **inactive** bill falls due never (not in the upcoming list, not in the matching
history, not in the monthly total): it is kept, paused. A bill that has stopped is
better given an end date, which keeps its past occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homeledger.models import Category, Commitment
from homeledger.models.planning import FREQUENCIES
from homeledger.services.amounts import CENT, amount_problem
from homeledger.services.checks import (
    EARLIEST,
    LATEST,
    check_date,
    check_day_of_month,
    check_flag,
    check_name,
    check_notes,
    check_owner,
    require,
)
from homeledger.services.errors import NotFound, ValidationError
from homeledger.services.lookup import fetch
from homeledger.services.partial import UNSET, PartialInput
from homeledger.services.recurrence import Schedule, monthly_equivalent, schedule

MAX_UPCOMING_DAYS = 366


@dataclass
class CommitmentInput(PartialInput):
    """Fields a person may set; anything left at UNSET is not changed on edit."""

    name: object = UNSET
    amount: object = UNSET
    frequency: object = UNSET
    due_day: object = UNSET
    category_id: object = UNSET
    owner_id: object = UNSET
    start_date: object = UNSET
    end_date: object = UNSET
    is_active: object = UNSET
    notes: object = UNSET


def list_commitments(session: Session, *, include_inactive: bool = True) -> list[Commitment]:
    query = select(Commitment).order_by(Commitment.name, Commitment.id)
    if not include_inactive:
        query = query.where(Commitment.is_active.is_(True))
    return list(session.scalars(query))


def get(session: Session, commitment_id: int) -> Commitment:
    """The bill with this id in the acting ledger; NotFound otherwise (404, never 403)."""
    row = fetch(session, Commitment, commitment_id)
    if row is None:
        raise NotFound(f"no recurring bill {commitment_id}")
    return row


def _check_schedule(data: CommitmentInput, problems: dict, values: dict) -> None:
    if "amount" in data.given:
        if problem := amount_problem(data.amount):
            problems["amount"] = problem
        elif data.amount <= 0:
            problems["amount"] = "must be more than 0 (a bill is money going out)"
        else:
            values["amount"] = data.amount.quantize(CENT)
    if "frequency" in data.given:
        if data.frequency not in FREQUENCIES:
            problems["frequency"] = f"must be one of {', '.join(FREQUENCIES)}"
        else:
            values["frequency"] = data.frequency
    check_day_of_month(data, "due_day", problems, values)
    check_date(data, "start_date", problems, values)
    check_date(data, "end_date", problems, values)
    check_flag(data, "is_active", problems, values)


def _clean(
    session: Session, data: CommitmentInput, existing: Commitment | None = None
) -> dict[str, object]:
    """The checked values to store; ValidationError naming every bad field, nothing written."""
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    require(data, ("name", "amount", "frequency"), problems, creating=existing is None)
    check_name(data, "name", problems, values)
    check_notes(data, "notes", problems, values)
    _check_schedule(data, problems, values)
    if "category_id" in data.given:
        if data.category_id is not None and fetch(session, Category, data.category_id) is None:
            problems["category_id"] = "is not one of your categories"
        values["category_id"] = data.category_id
    check_owner(session, data, problems, values)
    start = values.get("start_date", existing.start_date if existing else None)
    end = values.get("end_date", existing.end_date if existing else None)
    if (
        start is not None
        and end is not None
        and end < start
        and not problems.keys() & {"start_date", "end_date"}
    ):
        problems["end_date"] = f"must not be before the start date ({start.isoformat()})"
    if problems:
        raise ValidationError(problems)
    return values


def create(session: Session, data: CommitmentInput) -> Commitment:
    values = _clean(session, data)
    row = Commitment(**values)
    session.add(row)
    session.flush()
    return row


def edit(session: Session, commitment_id: int, data: CommitmentInput) -> Commitment:
    row = get(session, commitment_id)
    for name, value in _clean(session, data, row).items():
        setattr(row, name, value)
    session.flush()
    return row


def deactivate(session: Session, commitment_id: int) -> Commitment:
    """Pause a bill: it is kept, but falls due nowhere until it is active again."""
    return edit(session, commitment_id, CommitmentInput(is_active=False))


def remove(session: Session, commitment_id: int) -> None:
    session.delete(get(session, commitment_id))
    session.flush()


def schedule_of(bill: Commitment) -> Schedule:
    """When ``bill`` falls due (a bill without a start date: from the month it was recorded)."""
    # The local day, as ``date.today()`` is: a UTC date can be the day before.
    created = bill.created_at
    recorded = created.astimezone().date() if created is not None else date.today()
    return schedule(
        bill.frequency,
        start_date=bill.start_date,
        due_day=bill.due_day,
        end_date=bill.end_date,
        recorded_on=recorded,
    )


@dataclass(frozen=True)
class Occurrence:
    """One time a bill falls due."""

    commitment_id: int
    name: str
    date: date
    amount: Decimal
    frequency: str
    category_id: int | None
    owner_id: int | None


def occurrences(bills: list[Commitment], start: date, end: date) -> list[Occurrence]:
    """Every due date of the active ``bills`` from ``start`` to ``end`` (inclusive),
    by date, then name."""
    found = [
        Occurrence(
            bill.id,
            bill.name,
            due,
            bill.amount,
            bill.frequency,
            bill.category_id,
            bill.owner_id,
        )
        for bill in bills
        if bill.is_active
        for due in schedule_of(bill).between(start, end)
    ]
    return sorted(found, key=lambda o: (o.date, o.name, o.commitment_id))


def bills_between(session: Session, start: date, end: date) -> list[Commitment]:
    """The active bills that may fall due from ``start`` to ``end`` (one query)."""
    return list(
        session.scalars(
            select(Commitment)
            .where(
                Commitment.is_active.is_(True),
                or_(Commitment.end_date.is_(None), Commitment.end_date >= start),
                or_(Commitment.start_date.is_(None), Commitment.start_date <= end),
            )
            .order_by(Commitment.id)
        )
    )


@dataclass(frozen=True)
class Upcoming:
    start: date
    end: date  # inclusive
    occurrences: list[Occurrence]
    total: Decimal


def upcoming(session: Session, from_day: date, days: int) -> Upcoming:
    """The bills falling due in the ``days`` days starting with ``from_day`` (1-366 days;
    ``days=1`` is that day alone), and what they add up to."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_UPCOMING_DAYS:
        raise ValidationError({"days": f"must be a whole number from 1 to {MAX_UPCOMING_DAYS}"})
    if not EARLIEST <= from_day <= LATEST:
        raise ValidationError({"from": "must be a date between 1900 and 2199"})
    end = from_day + timedelta(days=days - 1)
    found = occurrences(bills_between(session, from_day, end), from_day, end)
    return Upcoming(from_day, end, found, sum((o.amount for o in found), Decimal("0.00")))


@dataclass(frozen=True)
class Costed:
    """A bill with what it costs in an average month, and its next due date."""

    bill: Commitment
    monthly_equivalent: Decimal
    counts: bool  # part of the monthly total: active and not ended
    next_due: date | None


@dataclass(frozen=True)
class Listing:
    bills: list[Costed]
    monthly_total: Decimal


def costed(bill: Commitment, today: date) -> Costed:
    """``bill`` with its monthly equivalent, whether it counts on ``today``, its next date."""
    counts = bill.is_active and (bill.end_date is None or bill.end_date >= today)
    next_due = next(iter(schedule_of(bill).between(today, LATEST)), None) if counts else None
    return Costed(bill, monthly_equivalent(bill.amount, bill.frequency), counts, next_due)


def listing(session: Session, today: date) -> Listing:
    """Every bill with its monthly equivalent; the total of the active bills not ended by
    ``today`` (the sum of their rounded figures, so the list adds up to it exactly)."""
    bills = [costed(bill, today) for bill in list_commitments(session)]
    total = sum((c.monthly_equivalent for c in bills if c.counts), Decimal("0.00"))
    return Listing(bills, total)
