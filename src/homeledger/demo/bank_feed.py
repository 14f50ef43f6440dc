"""The demo's transaction rows as a bank feed would deliver them, and the draws that fill them."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from homeledger.demo.arithmetic import money
from homeledger.demo.payees import CARD, EVERYDAY

BLANK_RATE = 0.022  # applied to discretionary rows only, which gives ~2% uncategorised overall


class BankFeed:
    """Collects transaction rows ready for a bulk insert into the acting ledger.

    Every random draw goes through ``rng``, so the same seed gives the same rows
    only as long as the draws happen in the same order.
    """

    def __init__(
        self,
        rng: random.Random,
        categories: dict[str, int],
        owners: dict[str, int],
        batch_id: int,
    ) -> None:
        self.rng, self.categories, self.owners, self.batch_id = rng, categories, owners, batch_id
        self.rows: list[dict[str, Any]] = []
        self.first_seen: dict[str, date] = {}  # description -> first date, for commitments

    def cents(self, low: float, high: float) -> int:
        """A random amount in cents between two amounts in dollars."""
        return self.rng.randint(round(low * 100), round(high * 100))

    def person(self) -> str:
        return self.rng.choice(("Alex", "Sam"))

    def add(
        self,
        day: date,
        description: str,
        cents: int,
        category: str,
        owner: str,
        account: str = EVERYDAY,
        *,
        discretionary: bool = False,
    ) -> None:
        """One row: money in when ``cents`` is positive, out when negative."""
        self.first_seen.setdefault(description, day)
        category_id: int | None = self.categories[category]
        # Real bank feeds always leave a few rows the user has not sorted yet.
        if discretionary and self.rng.random() < BLANK_RATE:
            category_id = None
        self.rows.append(
            {
                "date": day,
                "description": description,
                "amount": money(cents),
                "category_id": category_id,
                "owner_id": self.owners[owner],
                "account": account,
                "import_batch_id": self.batch_id,
            }
        )

    def spend(
        self,
        day: date,
        description: str,
        cents: int,
        category: str,
        owner: str,
        account: str = CARD,
    ) -> None:
        """A purchase of ``cents``, on the card unless told; now and then left uncategorised."""
        self.add(day, description, -cents, category, owner, account, discretionary=True)
