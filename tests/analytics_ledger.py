"""A small household ledger whose analytics figures are worked out by hand in the tests."""

from __future__ import annotations

from datetime import date

from homeledger import tenancy
from homeledger.models import Transaction, User
from homeledger.services import categories
from tests.factories import add_transactions

# (date, description, amount, category, owner, account)
ROWS = [
    (date(2026, 2, 10), "supermarket", "-80.00", "Groceries", "Sam", "Card"),
    (date(2026, 3, 1), "Salary", "4000.00", "Salary", "Alex", "Bank"),
    (date(2026, 3, 3), "Supermarket", "-120.50", "Groceries", "Sam", "Card"),
    (date(2026, 3, 5), "Supermarket refund", "20.50", "Groceries", "Sam", "Card"),
    (date(2026, 3, 6), "To savings", "-500.00", "Transfers", "Alex", "Bank"),
    (date(2026, 3, 7), "Hardware  store", "-35.25", None, "Alex", "Card"),
    (date(2026, 3, 8), "Cash deposit", "60.00", None, None, "Bank"),
]
# March: income 4000.00 + 60.00 = 4060.00; spending (120.50 - 20.50) + 35.25 = 135.25;
# net 3924.75 (every amount but the transfer); February: spending 80.00.


def fill(session, user: User) -> dict[str, int]:
    """ROWS in ``user``'s ledger with owners Alex and Sam; the owners' ids by name."""
    ids = add_transactions(session, user, [row[:4] for row in ROWS])
    with tenancy.acting_as(session, user.id):
        categories.add_owners(session, ["Alex", "Sam"])
        owners = {o.name: o.id for o in categories.list_owners(session)}
        for row_id, row in zip(ids, ROWS, strict=True):
            transaction = session.get(Transaction, row_id)
            transaction.owner_id = owners.get(row[4])
            transaction.account = row[5]
        session.commit()
    return owners
