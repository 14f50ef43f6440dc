"""The month (and owner) a page is about, read from the query string, checked, named; and
today's date as pages see it. Shared by the budget pages and the overview.

``today()`` is the one place pages read the clock: the app's ``TODAY`` setting, when
set, pins the day (tests use it to fix "the month in progress"); else the date now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, request
from wtforms import SelectField
from wtforms.validators import Optional

from homeledger.services.budget_figures import FIRST_YEAR, LAST_YEAR, check_month
from homeledger.services.errors import ValidationError
from homeledger.services.periods import add_months, month_text
from homeledger.web.forms import MonthText, WebForm, current_ledger, optional_id, show_errors


def today() -> date:
    """Today, or the day the app's ``TODAY`` setting pins."""
    return current_app.config.get("TODAY") or date.today()


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def value(self) -> str:
        """As the query string and ``<input type="month">`` write it: ``2026-08``."""
        return month_text(self.year, self.month)

    @property
    def name(self) -> str:
        """As people say it: ``August 2026``."""
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def month_name(self) -> str:
        """The month alone: ``August``."""
        return date(self.year, self.month, 1).strftime("%B")

    def shifted(self, months: int) -> Month:
        return Month(*add_months(self.year, self.month, months))

    @property
    def in_range(self) -> bool:
        """Whether the ledger accepts this month (1900-01 to 2199-12)."""
        return FIRST_YEAR <= self.year <= LAST_YEAR

    @property
    def period(self):
        """The budgeting month's dates (the ledger's start day applies)."""
        return current_ledger().budget_month(self.year, self.month)


def this_month() -> Month:
    period = current_ledger().month_containing(today())
    return Month(period.year, period.month)


def checked(form, field: str, value: tuple[int, int] | None) -> Month | None:
    """``value`` (year, month) as a Month when within what the ledger accepts, else the
    field marked and None."""
    if value is None:
        return None
    try:
        check_month(*value, field=field)
    except ValidationError as exc:
        show_errors(form, exc)
        return None
    return Month(*value)


class MonthChoice(WebForm):
    """Which month (and owner) a page shows, from the query string."""

    class Meta(WebForm.Meta):
        csrf = False

    month = MonthText("Month", validators=[Optional()])
    owner = SelectField("Owner", default="")


# The owner filter's "Mine": the owner who is the signed-in person in this ledger.
MINE = "mine"


def mine_choice(mine: int, owner_names: dict[int, str]) -> tuple[str, str]:
    """The owner menus' "Mine" choice, naming the owner who is the signed-in person."""
    return (MINE, f"Mine ({owner_names.get(mine, '?')})")


def month_choice(owners=(), mine: int | None = None) -> tuple[MonthChoice, Month | None]:
    """The query string's month (this budgeting month when none is given) and owner filter
    (with "Mine" first when the signed-in person is the owner ``mine`` here); the month is
    None when the form is not valid (its fields say why)."""
    form = MonthChoice(formdata=request.args)
    names = {o.id: o.name for o in owners}
    form.owner.choices = [("", "Everyone")]
    if mine is not None:
        form.owner.choices.append(mine_choice(mine, names))
    form.owner.choices += [(str(owner_id), name) for owner_id, name in names.items()]
    if not form.validate():
        return form, None
    if form.month.data is None:
        month = this_month()
        form.month.data = (month.year, month.month)
        return form, month
    return form, checked(form, "month", form.month.data)


def chosen_owner(form: MonthChoice, mine: int | None) -> int | None:
    """The owner ``form`` asks for: ``mine`` for "Mine", else the id chosen, or None."""
    return mine if form.owner.data == MINE else optional_id(form.owner.data)
