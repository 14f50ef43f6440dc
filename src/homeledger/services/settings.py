"""A ledger's settings: currency, the day its budgeting month starts, locale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import UserSettings
from homeledger.services.periods import Period, budget_month, budget_month_containing


@dataclass(frozen=True)
class LedgerSettings:
    currency: str = "USD"
    month_start_day: int = 1
    locale: str = "en"

    def budget_month(self, year: int, month: int) -> Period:
        """The budgeting month named (year, month), starting on this ledger's start day."""
        return budget_month(year, month, self.month_start_day)

    def month_containing(self, day: date) -> Period:
        return budget_month_containing(day, self.month_start_day)


def read(session: Session) -> LedgerSettings:
    """The acting ledger's settings; the defaults when it has never saved any."""
    row = session.scalars(select(UserSettings)).one_or_none()
    if row is None:
        return LedgerSettings()
    return LedgerSettings(row.currency, row.month_start_day, row.locale)
