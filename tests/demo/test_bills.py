"""The demo household's recurring bills are found in its own transactions."""

from __future__ import annotations

from collections import Counter
from datetime import date

from homeledger import tenancy
from homeledger.demo import build_demo_household
from homeledger.services import bill_matching, commitments
from tests.factories import make_user

TODAY = date(2026, 11, 26)


def test_every_demo_bill_of_the_last_six_months_was_paid(session):
    user = make_user(session, "demo")
    tenancy.set_ledger(session, user.id)
    build_demo_household(session, seed=2024, years=1, today=TODAY)
    session.commit()

    found = bill_matching.history(session, date(2026, 5, 26), TODAY, TODAY)
    statuses = Counter(m.status for m in found)
    assert statuses["missed"] == 0, [m for m in found if m.missed]
    assert statuses["paid"] + statuses["changed"] >= 40
    names = {m.occurrence.name for m in found if m.payment is not None}
    assert {"Rent", "Electricity", "Internet", "Netflix", "Gym"} <= names
    assert len({m.payment.transaction_id for m in found if m.payment}) == len(
        [m for m in found if m.payment]
    )
    listing = commitments.listing(session, TODAY)
    assert listing.monthly_total == sum(c.monthly_equivalent for c in listing.bills if c.counts)
