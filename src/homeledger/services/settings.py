"""A ledger's settings: currency, the day its budgeting month starts, locale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from homeledger import tenancy
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


_READ = "homeledger.ledger_settings"  # in session.info: (scope, settings) last read


def read(session: Session) -> LedgerSettings:
    """The acting ledger's settings; the defaults when it has never saved any.

    A page asks several times (each figure needs the budgeting month), so the answer
    is kept on the session until anything is written, the transaction ends, or the
    scope changes (``_forget``)."""
    scope = tenancy.scope(session)
    kept = session.info.get(_READ)
    if kept is not None and kept[0] == scope:
        return kept[1]
    row = session.scalars(select(UserSettings)).one_or_none()
    found = LedgerSettings() if row is None else LedgerSettings(*_values(row))
    session.info[_READ] = scope, found
    return found


def _values(row: UserSettings) -> tuple[str, int, str]:
    return row.currency, row.month_start_day, row.locale


def _forget(session: Session, *_) -> None:
    session.info.pop(_READ, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget(state.session)


for _name, _listener in (
    ("after_flush", _forget),
    ("after_transaction_end", _forget),
    ("do_orm_execute", _forget_on_write),
):
    if not event.contains(Session, _name, _listener):
        event.listen(Session, _name, _listener)
