"""The analytics pages' filter panel: what range (or month) and which rows, from the query
string. Every page shares the owner, category and account menus; the range pages take
``from`` and ``to`` months, the comparison a month and what to compare it with."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import Optional

from homeledger.web.forms import MonthText, WebForm, options

PAYEE_LIMITS = ("10", "25", "50")
COMPARE_LABELS = {"previous": "The month before", "last_year": "The same month last year"}


class PanelForm(WebForm):
    """Which rows: the menus every analytics page shares (GET: no CSRF token)."""

    class Meta(WebForm.Meta):
        csrf = False

    owner = SelectField("Owner", default="")
    category = SelectField("Category", default="")
    account = SelectField("Account", default="")


class RangeForm(PanelForm):
    """A range of budgeting months, both included."""

    from_month = MonthText("From", name="from", validators=[Optional()])
    to_month = MonthText("To", name="to", validators=[Optional()])


class PayeeForm(RangeForm):
    limit = SelectField(
        "Show", choices=options((n, f"Top {n}") for n in PAYEE_LIMITS), default=PAYEE_LIMITS[0]
    )


class CompareForm(PanelForm):
    month = MonthText("Month", validators=[Optional()])
    with_ = SelectField(
        "Compare with", name="with", choices=options(COMPARE_LABELS.items()), default="previous"
    )
