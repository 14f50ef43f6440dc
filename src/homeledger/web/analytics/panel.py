"""The filter panel every analytics page shares: read from the query string into the
transaction list's own ``TransactionFilter`` and the budgeting months it covers, with the
fields marked (and the page answering 400) when something is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request

from homeledger.extensions import db
from homeledger.services import analytics, transactions
from homeledger.services import analytics_reports as reports
from homeledger.services.errors import ValidationError
from homeledger.services.filters import TransactionFilter
from homeledger.services.periods import Period, add_months
from homeledger.web import months
from homeledger.web.analytics.forms import CompareForm, PanelForm, RangeForm
from homeledger.web.forms import LedgerLists, id_choices, optional_id, options, show_errors

MONTHS_SHOWN = 12  # the default range: the twelve budgeting months ending with this one
# Query-string keys the page tabs carry from one analytics page to the next.
CARRIED = ("from", "to", "owner", "category", "account")
# Service field names -> form field names, where they differ.
_FORM_FIELD = {"from": "from_month", "to": "to_month", "with": "with_", "owner_id": "owner"}


@dataclass
class Panel:
    """The page's filter: ``criteria`` and ``periods`` (or ``month``) are None when the
    form is refused (its fields say why)."""

    form: PanelForm
    criteria: TransactionFilter | None = None
    periods: list[Period] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=dict)
    owner_names: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.criteria is not None

    @property
    def filtered(self) -> bool:
        """Whether the menus narrow the rows (not the range)."""
        return any(self.carried.get(key) for key in ("owner", "category", "account"))

    @property
    def first(self) -> Period:
        return self.periods[0]

    @property
    def last(self) -> Period:
        return self.periods[-1]


def this_month() -> tuple[int, int]:
    return reports.current_month(db.session, months.today())


def _menus(form: PanelForm) -> dict[int, str]:
    lists = LedgerLists()
    form.owner.choices = id_choices(lists.owners, "Everyone", extra=(("none", "No owner"),))
    form.category.choices = id_choices(
        lists.categories, "All categories", extra=(("none", "Uncategorised"),)
    )
    accounts = transactions.accounts(db.session)
    form.account.choices = options([("", "All accounts")] + [(a, a) for a in accounts])
    return lists.owner_names


def _criteria(form: PanelForm) -> TransactionFilter:
    category = form.category.data
    return TransactionFilter(
        category_ids=(optional_id(category),) if optional_id(category) else (),
        uncategorised=category == "none",
        owner_id=optional_id(form.owner.data),
        no_owner=form.owner.data == "none",
        account=form.account.data or None,
    )


def _read(form: PanelForm) -> Panel:
    panel = Panel(form, owner_names=_menus(form))
    panel.carried = {key: request.args[key] for key in CARRIED if request.args.get(key)}
    if form.validate():
        panel.criteria = _criteria(form)
    return panel


def read_range(form_class: type[RangeForm] = RangeForm) -> Panel:
    """The range pages' panel: ``from`` to ``to`` (by default the twelve months ending with
    this one; ``to`` alone: the twelve ending with it; ``from`` alone: up to this month)."""
    form = form_class(formdata=request.args)
    panel = _read(form)
    if not panel.ok:
        return panel
    first, last = form.from_month.data, form.to_month.data
    if last is None:
        current = this_month()
        last = current if first is None or first <= current else add_months(*first, 11)
        last = min(last, (2199, 12))  # a range may not reach past 2199
    if first is None:
        first = add_months(*last, 1 - MONTHS_SHOWN) if last[0] > 1900 else (1900, 1)
    try:
        panel.periods = reports.months_between(db.session, first, last)
    except ValidationError as exc:
        show_errors(form, exc, _FORM_FIELD)
        panel.criteria = None
        return panel
    form.from_month.data, form.to_month.data = first, last
    return panel


def read_month(form: CompareForm) -> tuple[Panel, tuple[int, int] | None]:
    """The comparison's panel: the month (this one by default) and the filter."""
    panel = _read(form)
    if not panel.ok:
        return panel, None
    if form.month.data is None:
        form.month.data = this_month()
    return panel, form.month.data


def refused(panel: Panel, exc: ValidationError) -> None:
    """A service refused the panel's input: mark the fields it names."""
    show_errors(panel.form, exc, _FORM_FIELD)
    panel.criteria = None


def ledger_is_empty() -> bool:
    """Whether the ledger has no transaction at all (then the page says how to add some)."""
    return not analytics.recent_transactions(db.session, 1)
