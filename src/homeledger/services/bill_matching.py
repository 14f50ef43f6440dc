"""Which transaction paid each time a recurring bill fell due, and which were missed.

A transaction **pays** an occurrence of a bill when all of these hold:

* **It is money going out** (a negative amount), paid from ``EARLY_DAYS`` (3) days
  before the due date to ``LATE_DAYS`` (5) days after it. Banks move payments
  around weekends and holidays, and a direct debit can take a few days. For a
  bill due more often the window is at most half its period (a weekly bill: 3
  days either side), so the windows of two occurrences never overlap.
* **Its description names the bill.** Both are cut into words (letters and digits,
  case ignored; "paid", "to", "payment" and other filler words left out). The
  score is the share of the bill's words found in the description, a word
  counting as found when it is equal or when one begins with the other and
  both have at least 4 letters ("Netflix" finds "NETFLIX.COM", "woolworth"
  finds "WOOLWORTHS"). The bill's words run together count as all found
  ("Aussie Broadband" in "AUSSIEBROADBAND"). The bill's notes are scored the
  same way and the better score counts, so a bill called "Electricity" whose
  notes say "Paid to ORIGIN ENERGY" finds "ORIGIN ENERGY 4410". A score of at
  least 0.5 (half the words) is needed.
* **The amount is close**: within 10 % of the bill's amount or 1.00, whichever is
  more. When every word of the name (or notes) was found, up to 50 % (or 1.00)
  is accepted, so a price rise shows as a changed amount instead of a missed bill.

Each transaction pays at most one occurrence, and each occurrence is paid by at
most one transaction. Candidate pairs are taken best first: the higher name score,
then the exact amount, then the nearer date, then the smaller difference. So two
bills of the same amount never share one payment; the one whose name fits better
gets it, and the other is missed.

An occurrence with no payment is **missed** once its window has closed (the due date
plus the days allowed late is before today), and **due** while a payment may still
come. A paid occurrence whose amount differs from the bill's is **changed**.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import Transaction
from homeledger.services.amounts import CENT
from homeledger.services.commitments import Occurrence, bills_between, occurrences
from homeledger.services.errors import ValidationError
from homeledger.services.periods import add_months
from homeledger.services.recurrence import DAY_STEPS, clamped

MAX_HISTORY_MONTHS = 60
EARLY_DAYS = 3
LATE_DAYS = 5
NAME_THRESHOLD = 0.5
AMOUNT_SHARE = Decimal("0.10")
WIDE_AMOUNT_SHARE = Decimal("0.50")
AMOUNT_FLOOR = Decimal("1.00")
FILLER_WORDS = frozenset(
    {"a", "an", "and", "bill", "by", "for", "of", "paid", "pay", "payment", "the", "to", "via"}
)
_WORD = re.compile(r"[^\W_]+")


def words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").casefold())


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def similarity(reference: str | None, description_words: list[str]) -> float:
    """Share of the reference's words (filler left out) found in the description, 0 to 1."""
    wanted = [w for w in words(reference) if w not in FILLER_WORDS]
    if not wanted:
        return 0.0
    if len(wanted) > 1 and "".join(wanted) in "".join(description_words):
        return 1.0
    found = sum(1 for w in wanted if any(_same_word(w, d) for d in description_words))
    return found / len(wanted)


def window(frequency: str) -> tuple[int, int]:
    """Days before and after the due date a payment may be made (see the module's notes)."""
    step = DAY_STEPS.get(frequency)
    if step is None:
        return EARLY_DAYS, LATE_DAYS
    half = step // 2
    return min(EARLY_DAYS, half), min(LATE_DAYS, half)


def amount_fits(due: Decimal, paid: Decimal, score: float) -> bool:
    share = WIDE_AMOUNT_SHARE if score >= 1.0 else AMOUNT_SHARE
    return abs(paid - due) <= max(due * share, AMOUNT_FLOOR)


def _widest(due: Decimal) -> Decimal:
    return max(due * WIDE_AMOUNT_SHARE, AMOUNT_FLOOR)


@dataclass(frozen=True)
class Payment:
    """A transaction that may pay a bill; ``amount`` is what left the account (positive)."""

    transaction_id: int
    date: date
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Matched:
    occurrence: Occurrence
    payment: Payment | None
    status: str  # "paid", "changed", "missed" or "due"

    @property
    def missed(self) -> bool:
        return self.status == "missed"

    @property
    def amount_changed(self) -> bool:
        return self.status == "changed"

    @property
    def difference(self) -> Decimal | None:
        """Paid minus due: positive when the bill cost more than recorded."""
        return None if self.payment is None else self.payment.amount - self.occurrence.amount

    @property
    def days_late(self) -> int | None:
        """Days after the due date it was paid (negative: early)."""
        return None if self.payment is None else (self.payment.date - self.occurrence.date).days


def match(
    due: list[Occurrence],
    payments: list[Payment],
    references: dict[int, list[str | None]],
    today: date,
) -> list[Matched]:
    """Pair occurrences with payments (see the module's notes); one result per occurrence,
    in the order of ``due``. ``references`` holds each bill's name and notes by id."""
    payments = sorted(payments, key=lambda p: (p.date, p.transaction_id))
    dates = [p.date for p in payments]
    # A ledger repeats its payees: each bill's score for a description is worked out once.
    scores: dict[tuple[int, str], float] = {}
    pairs = []
    for index, occurrence in enumerate(due):
        early, late = window(occurrence.frequency)
        low = bisect.bisect_left(dates, occurrence.date - timedelta(days=early))
        high = bisect.bisect_right(dates, occurrence.date + timedelta(days=late))
        widest = _widest(occurrence.amount)
        for payment in payments[low:high]:
            if abs(payment.amount - occurrence.amount) > widest:
                continue  # too far off whatever the name's score (amount_fits' widest)
            key = occurrence.commitment_id, payment.description
            score = scores.get(key)
            if score is None:
                found = words(payment.description)
                texts = references.get(occurrence.commitment_id, ())
                score = scores[key] = max((similarity(t, found) for t in texts), default=0.0)
            if score < NAME_THRESHOLD or not amount_fits(occurrence.amount, payment.amount, score):
                continue
            off = abs(payment.amount - occurrence.amount)
            days = abs((payment.date - occurrence.date).days)
            rank = (-score, off != 0, days, off, occurrence.date, payment.transaction_id)
            pairs.append((rank, index, payment))
    paid_by: dict[int, Payment] = {}
    used: set[int] = set()
    for _, index, payment in sorted(pairs, key=lambda pair: pair[0]):
        if index not in paid_by and payment.transaction_id not in used:
            paid_by[index] = payment
            used.add(payment.transaction_id)
    return [_result(o, paid_by.get(i), today) for i, o in enumerate(due)]


def _result(occurrence: Occurrence, payment: Payment | None, today: date) -> Matched:
    if payment is not None:
        status = "paid" if payment.amount == occurrence.amount else "changed"
    else:
        _, late = window(occurrence.frequency)
        status = "missed" if occurrence.date + timedelta(days=late) < today else "due"
    return Matched(occurrence, payment, status)


def _candidate_payments(
    session: Session, due: list[Occurrence], start: date, end: date
) -> list[Payment]:
    """Every outgoing transaction that could pay one of ``due``: one query."""
    if not due:
        return []
    smallest = min(o.amount for o in due)
    largest = max(o.amount for o in due)
    most = (largest + _widest(largest)).quantize(CENT, ROUND_CEILING)
    least = (smallest - _widest(smallest)).quantize(CENT, ROUND_FLOOR)
    rows = session.execute(
        select(Transaction.id, Transaction.date, Transaction.description, Transaction.amount)
        .where(
            Transaction.date >= start - timedelta(days=EARLY_DAYS),
            Transaction.date <= end + timedelta(days=LATE_DAYS),
            Transaction.amount < 0,
            Transaction.amount >= -most,
            Transaction.amount <= -least,
        )
        .order_by(Transaction.date, Transaction.id)
    )
    return [Payment(tid, day, text or "", -amount) for tid, day, text, amount in rows]


def history(
    session: Session, start: date, end: date, today: date, commitment_id: int | None = None
) -> list[Matched]:
    """Every occurrence of the active bills from ``start`` to ``end`` (never after
    ``today``) with the payment that paid it, or missed/due.

    All bills are matched together even when one is asked for, so two bills never
    claim the same payment and a bill's history reads the same in both views.
    """
    end = min(end, today)
    if end < start:
        return []
    bills = bills_between(session, start, end)
    due = occurrences(bills, start, end)
    references: dict[int, list[str | None]] = {b.id: [b.name, b.notes] for b in bills}
    matched = match(due, _candidate_payments(session, due, start, end), references, today)
    if commitment_id is not None:
        matched = [m for m in matched if m.occurrence.commitment_id == commitment_id]
    return matched


def months_before(today: date, months: int) -> date:
    """The same day ``months`` months before ``today`` (clamped to a shorter month)."""
    whole = isinstance(months, int) and not isinstance(months, bool)
    if not (whole and 1 <= months <= MAX_HISTORY_MONTHS):
        raise ValidationError({"months": f"must be a whole number from 1 to {MAX_HISTORY_MONTHS}"})
    year, month = add_months(today.year, today.month, -months)
    return clamped(year, month, today.day)
