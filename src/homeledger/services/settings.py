"""A ledger's settings: currency, the day its budgeting month starts, locale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeledger.models import UserSettings
from homeledger.services.periods import Period, budget_month, budget_month_containing

# Languages writing amounts as "1.234,50" (or "1 234,50"): a comma before the cents.
_DECIMAL_COMMA_LANGUAGES = {
    "bg", "ca", "cs", "da", "de", "el", "es", "et", "fi", "fr", "hr", "hu", "id", "is", "it",
    "lt", "lv", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "tr",
    "uk", "vi",
}  # fmt: skip
# Regions of those languages that write "12.50" all the same (Switzerland, most of Latin America).
_DECIMAL_POINT_REGIONS = {
    "de-ch", "de-li", "fr-ch", "it-ch", "es-mx", "es-us", "es-pr", "es-do", "es-gt", "es-hn",
    "es-ni", "es-pa", "es-sv", "es-pe",
}  # fmt: skip


@dataclass(frozen=True)
class LedgerSettings:
    currency: str = "USD"
    month_start_day: int = 1
    locale: str = "en"

    @property
    def decimal_separator(self) -> str:
        """ "," where the ledger's language writes "12,50", else "."."""
        locale = self.locale.replace("_", "-").casefold()
        if locale in _DECIMAL_POINT_REGIONS:
            return "."
        return "," if locale.split("-")[0] in _DECIMAL_COMMA_LANGUAGES else "."

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
